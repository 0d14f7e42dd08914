"""Browser routes for accounts: register, sign in/out, the account page, its sessions and tokens."""

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from app import ratelimit
from app.csrf import verify_csrf
from app.db import RowId, SessionDep
from app.errors import AppError, RateLimited
from app.models import User
from app.users import service
from app.users.deps import CurrentUser, optional_user
from app.web import render

# Every page shows who is signed in: the router looks the user up once (routes that need them
# declare CurrentUser or OptionalUser and get the same, cached answer).
router = APIRouter(
    dependencies=[Depends(verify_csrf), Depends(optional_user)], include_in_schema=False
)
FormStr = Annotated[str, Form()]

# Failed sign-ins counted per account and per client address over a sliding window.
LOGIN_WINDOW_S = 15 * 60
LOGIN_FAILURES_PER_ACCOUNT = 10
LOGIN_FAILURES_PER_ADDRESS = 50
REGISTRATIONS_PER_ADDRESS_HOUR = 20
NO_STORE = {"Cache-Control": "no-store"}


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through our login.
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def client_address(request: Request) -> str:
    """The client's address (behind a proxy: as uvicorn's --forwarded-allow-ips trusts it)."""
    return request.client.host if request.client else "unknown"


def _sign_in(request: Request, db: SessionDep, user: User) -> None:
    request.session.clear()  # a fresh session on sign-in: no fixation
    settings = request.app.state.settings
    request.session["sid"] = service.start_session(
        db,
        user=user,
        max_age_s=settings.session_max_age_s,
        user_agent=request.headers.get("user-agent", ""),
    )


def _login_keys(request: Request, username: str) -> Mapping[str, int]:
    return {
        f"login:user:{username.lower()[:64]}": LOGIN_FAILURES_PER_ACCOUNT,
        f"login:addr:{client_address(request)[:64]}": LOGIN_FAILURES_PER_ADDRESS,
    }


def _check_login_allowed(request: Request, keys: Mapping[str, int]) -> None:
    # A short transaction of its own: the lock it takes is not held across the argon2 check.
    with request.app.state.sessionmaker() as short:
        for key, limit in keys.items():
            what = "too many failed sign-ins" + (
                " for this account" if key.startswith("login:user") else " from your address"
            )
            ratelimit.check(short, key=key, limit=limit, window_s=LOGIN_WINDOW_S, what=what)
        short.commit()


def _record_login_failure(request: Request, keys: Mapping[str, int]) -> None:
    with request.app.state.sessionmaker() as short:
        for key in keys:
            ratelimit.record(short, key=key, window_s=LOGIN_WINDOW_S)
        short.commit()


@router.get("/register")
def register_form(request: Request, next: str | None = None) -> Response:
    ctx = {"error": None, "username": "", "next": _safe_next(next)}
    return render(request, "register.html", ctx)


@router.post("/register")
def register(
    request: Request,
    db: SessionDep,
    username: FormStr,
    password: FormStr,
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        ratelimit.hit(
            db,
            key=f"register:addr:{client_address(request)[:64]}",
            limit=REGISTRATIONS_PER_ADDRESS_HOUR,
            window_s=3600,
            what="too many new accounts from your address",
        )
        new_user = service.create_user(db, username=username.strip(), password=password)
    except AppError as exc:
        ctx = {"error": exc.detail, "username": username, "next": _safe_next(next)}
        return render(
            request, "register.html", ctx, status_code=exc.status_code, headers=exc.headers
        )
    _sign_in(request, db, new_user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    ctx = {"error": None, "username": "", "next": _safe_next(next)}
    return render(request, "login.html", ctx)


@router.post("/login")
def login(
    request: Request,
    db: SessionDep,
    username: FormStr,
    password: FormStr,
    next: Annotated[str, Form()] = "/",
) -> Response:
    name = username.strip()
    keys = _login_keys(request, name)
    ctx = {"username": username, "next": _safe_next(next)}
    try:
        _check_login_allowed(request, keys)
    except RateLimited as exc:
        ctx["error"] = f"Sign-in paused: {exc.detail}."
        return render(request, "login.html", ctx, status_code=429, headers=exc.headers)
    found = service.authenticate(db, username=name, password=password)
    if found is None:
        _record_login_failure(request, keys)
        ctx["error"] = "Wrong username or password."
        return render(request, "login.html", ctx, status_code=401)
    _sign_in(request, db, found)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: SessionDep) -> Response:
    sid = request.session.get("sid")
    if isinstance(sid, str):
        service.end_session(db, plain=sid)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _account(
    request: Request,
    db: SessionDep,
    user: User,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> Response:
    ctx = {
        "tokens": service.list_tokens(db, user=user),
        "sessions": service.live_sessions(db, user=user),
        "this_session": getattr(request.state, "session_id", None),
        "new_token": None,
        "password_error": None,
        "message": None,
        **extra,
    }
    return render(request, "account.html", ctx, status_code=status_code, headers=headers)


@router.get("/account")
def account(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    return _account(request, db, user)


@router.post("/account/tokens")
def create_token(
    request: Request, db: SessionDep, user: CurrentUser, name: Annotated[str, Form()] = ""
) -> Response:
    token, plain = service.create_token(db, user=user, name=name)
    # Shown once, in this response only (never cached); the database keeps the hash.
    return _account(
        request,
        db,
        user,
        status_code=201,
        headers=NO_STORE,
        new_token=plain,
        new_token_name=token.name,
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(db: SessionDep, user: CurrentUser, token_id: RowId) -> Response:
    service.revoke_token(db, user=user, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
def change_password(
    request: Request, db: SessionDep, user: CurrentUser, current: FormStr, new: FormStr
) -> Response:
    try:
        service.change_password(
            db, user=user, current=current, new=new, keep_id=request.state.session_id
        )
    except AppError as exc:
        return _account(request, db, user, status_code=exc.status_code, password_error=exc.detail)
    message = "Password changed. Every other session was signed out."
    return _account(request, db, user, message=message)


@router.post("/account/sessions/end-others")
def end_other_sessions(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    ended = service.end_all_sessions(db, user=user, keep_id=request.state.session_id)
    return _account(request, db, user, message=f"Signed out {ended} other session(s).")


@router.post("/account/sessions/end-all")
def end_all_sessions(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    service.end_all_sessions(db, user=user)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
