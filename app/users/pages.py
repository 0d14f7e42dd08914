"""Browser routes for accounts: register, sign in/out, the account page and its API tokens."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.db import RowId, SessionDep
from app.errors import AppError
from app.users import service
from app.users.deps import CurrentUser, OptionalUser
from app.web import render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
FormStr = Annotated[str, Form()]


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through our login.
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _sign_in(request: Request, user_id: int) -> None:
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session["uid"] = user_id


@router.get("/register")
def register_form(request: Request, user: OptionalUser) -> Response:
    return render(request, "register.html", {"error": None, "username": ""})


@router.post("/register")
def register(
    request: Request, db: SessionDep, username: FormStr, password: FormStr, user: OptionalUser
) -> Response:
    try:
        new_user = service.create_user(db, username=username.strip(), password=password)
    except AppError as exc:
        ctx = {"error": exc.detail, "username": username}
        return render(request, "register.html", ctx, status_code=exc.status_code)
    _sign_in(request, new_user.id)
    return RedirectResponse("/", status_code=303)


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    ctx = {"error": None, "username": "", "next": _safe_next(next)}
    return render(request, "login.html", ctx)


@router.post("/login")
def login(
    request: Request,
    db: SessionDep,
    username: FormStr,
    password: FormStr,
    user: OptionalUser,
    next: Annotated[str, Form()] = "/",
) -> Response:
    found = service.authenticate(db, username=username.strip(), password=password)
    if found is None:
        ctx = {"error": "Wrong username or password.", "username": username, "next": next}
        return render(request, "login.html", ctx, status_code=401)
    _sign_in(request, found.id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/account")
def account(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    tokens = service.list_tokens(db, user=user)
    return render(request, "account.html", {"tokens": tokens, "new_token": None})


@router.post("/account/tokens")
def create_token(
    request: Request, db: SessionDep, user: CurrentUser, name: Annotated[str, Form()] = ""
) -> Response:
    token, plain = service.create_token(db, user=user, name=name)
    tokens = service.list_tokens(db, user=user)
    # Shown once, in this response only; the database keeps the hash.
    ctx = {"tokens": tokens, "new_token": plain, "new_token_name": token.name}
    return render(request, "account.html", ctx, status_code=201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(db: SessionDep, user: CurrentUser, token_id: RowId) -> Response:
    service.revoke_token(db, user=user, token_id=token_id)
    return RedirectResponse("/account", status_code=303)
