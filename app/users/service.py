"""Account and token services. Keyword-only, never commit: the caller owns the transaction."""

import contextlib
import hashlib
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from app.errors import Conflict, Invalid, NotFound, Unavailable
from app.models import ApiToken, Role, User, UserSession, utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
TOKEN_PREFIX = "dli_"

MIN_STRENGTH = 2  # zxcvbn's score: 2 means about a million guesses or more
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# Each argon2 check takes 64 MB and a quarter of a second: a burst of them must queue, not
# take the machine. Two at a time is about what two cores can do without starving the site.
_PASSWORD_CHECKS = threading.BoundedSemaphore(2)
PASSWORD_QUEUE_S = 10.0


@contextlib.contextmanager
def password_check_slot() -> Iterator[None]:
    """Hold one of the few slots for an argon2 hash or verification, or answer 503."""
    if not _PASSWORD_CHECKS.acquire(timeout=PASSWORD_QUEUE_S):
        raise Unavailable(
            "Too many sign-ins at once; try again in a few seconds.", headers={"Retry-After": "5"}
        )
    try:
        yield
    finally:
        _PASSWORD_CHECKS.release()


def validate_credentials(username: str, password: str) -> None:
    if not USERNAME_RE.fullmatch(username):
        raise Invalid("Usernames are 3-32 characters: letters, digits, '_', '.' or '-'.")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"Passwords are {MIN_PASSWORD} to {MAX_PASSWORD} characters long.")
    # zxcvbn knows the common-password and dictionary lists; it reads at most 72 characters.
    strength = zxcvbn(password[:72], user_inputs=[username])
    if strength["score"] < MIN_STRENGTH:
        advice = strength["feedback"]["warning"] or "it is easy to guess"
        raise Invalid(
            f"Choose a harder password: {advice.rstrip('.')}. A few unusual words work well."
        )


def get_by_username(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def create_user(db: Session, *, username: str, password: str, role: Role = Role.user) -> User:
    validate_credentials(username, password)
    if get_by_username(db, username) is not None:
        raise Conflict("That username is taken.")
    with password_check_slot():
        password_hash = _hasher.hash(password)
    user = User(username=username, password_hash=password_hash, role=role)
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, *, username: str, password: str) -> User | None:
    """The user if the password matches; None otherwise, in about the same time either way."""
    user = get_by_username(db, username) if len(password) <= MAX_PASSWORD else None
    try:
        with password_check_slot():
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        with password_check_slot():
            user.password_hash = _hasher.hash(password)
    return user


def set_role(db: Session, *, username: str, role: Role) -> User:
    user = get_by_username(db, username)
    if user is None:
        raise NotFound(f"No user named {username!r}.")
    user.role = role
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Session, *, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned once and only its hash is stored."""
    name = name.strip() or "token"
    if len(name) > 64:
        raise Invalid("Token names are at most 64 characters.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_hash_token(plain), prefix=plain[:10])
    db.add(token)
    db.flush()
    return token, plain


def list_tokens(db: Session, *, user: User) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(db.scalars(stmt))


def revoke_token(db: Session, *, user: User, token_id: int) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def user_for_token(db: Session, *, plain: str) -> User | None:
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    found = db.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _hash_token(plain))
    ).first()  # one round trip: every long-poll comes through here
    if found is None or found[0].revoked_at is not None:
        return None
    token, user = found
    now = utcnow()
    # Recorded to the minute: a write on every API call would serialise requests on SQLite.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return user


# --- browser sessions --------------------------------------------------------------------------


def start_session(db: Session, *, user: User, max_age_s: int, user_agent: str = "") -> str:
    """A new server-side session; its random id goes in the signed cookie, its hash in the table."""
    plain = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash_token(plain),
            user_agent=user_agent[:200],
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=max_age_s),
        )
    )
    db.flush()
    return plain


def session_user(db: Session, *, plain: str) -> tuple[User, UserSession] | None:
    """The user of a live session (not signed out, not expired), or None."""
    if len(plain) > 100:
        return None
    found = db.scalar(select(UserSession).where(UserSession.token_hash == _hash_token(plain)))
    now = utcnow()
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    user = db.get(User, found.user_id)
    if user is None:
        return None
    if now - found.last_seen_at > timedelta(minutes=1):  # a write a minute, not one a request
        found.last_seen_at = now
    return user, found


def end_session(db: Session, *, plain: str) -> None:
    found = db.scalar(select(UserSession).where(UserSession.token_hash == _hash_token(plain)))
    if found is not None and found.revoked_at is None:
        found.revoked_at = utcnow()


def end_all_sessions(db: Session, *, user: User, keep_id: int | None = None) -> int:
    """Sign a user out everywhere (but the session `keep_id`, if given); returns how many ended."""
    stmt = select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    ended = 0
    for found in db.scalars(stmt):
        if found.id != keep_id:
            found.revoked_at = utcnow()
            ended += 1
    return ended


def live_sessions(db: Session, *, user: User) -> list[UserSession]:
    stmt = select(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.revoked_at.is_(None),
        UserSession.expires_at > utcnow(),
    )
    return list(db.scalars(stmt.order_by(UserSession.last_seen_at.desc())))


def change_password(db: Session, *, user: User, current: str, new: str, keep_id: int) -> None:
    """Set a new password and end every other session of the user."""
    try:
        with password_check_slot():
            _hasher.verify(user.password_hash, current[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError) as exc:
        raise Invalid("The current password is wrong.") from exc
    validate_credentials(user.username, new)
    with password_check_slot():
        user.password_hash = _hasher.hash(new)
    end_all_sessions(db, user=user, keep_id=keep_id)
