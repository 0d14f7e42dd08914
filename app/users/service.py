"""Account and token services. Keyword-only, never commit: the caller owns the transaction."""

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.models import ApiToken, Role, User, utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
TOKEN_PREFIX = "dli_"

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def validate_credentials(username: str, password: str) -> None:
    if not USERNAME_RE.fullmatch(username):
        raise Invalid("Usernames are 3-32 characters: letters, digits, '_', '.' or '-'.")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"Passwords are {MIN_PASSWORD} to {MAX_PASSWORD} characters long.")


def get_by_username(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def create_user(db: Session, *, username: str, password: str, role: Role = Role.user) -> User:
    validate_credentials(username, password)
    if get_by_username(db, username) is not None:
        raise Conflict("That username is taken.")
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, *, username: str, password: str) -> User | None:
    """The user if the password matches; None otherwise, in about the same time either way."""
    user = get_by_username(db, username) if len(password) <= MAX_PASSWORD else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
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
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(plain)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    # Recorded to the minute: a write on every API call would serialise requests on SQLite.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return db.get(User, token.user_id)
