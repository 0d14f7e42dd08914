"""Who is asking: the session cookie for pages, a bearer token for the API."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app import csrf
from app.db import SessionDep
from app.errors import Forbidden, LoginRequired, Unauthorized
from app.models import User
from app.users import service

_bearer = HTTPBearer(auto_error=False, description="An API token from your account page.")


def optional_user(request: Request, db: SessionDep) -> User | None:
    """The signed-in user: the cookie's session id must name a live server-side session."""
    sid = request.session.get("sid")
    found = service.session_user(db, plain=sid) if isinstance(sid, str) else None
    user, request.state.session_id = (found[0], found[1].id) if found else (None, None)
    if sid is not None and found is None:
        request.session.pop("sid", None)  # signed out or expired: forget it
    request.state.user = user
    return user


def page_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired("Sign in to continue.")
    return user


def api_user(
    request: Request,
    db: SessionDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """A bearer token; or, for the site's own pages, the session cookie plus the CSRF header."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if creds is not None:
        user = service.user_for_token(db, plain=creds.credentials)
        if user is None:
            raise Unauthorized("That API token is not valid or was revoked.", headers=challenge)
    else:
        user = optional_user(request, db)
        if user is None:
            raise Unauthorized(
                "Send an API token: 'Authorization: Bearer <token>'.", headers=challenge
            )
        changes = request.method not in ("GET", "HEAD", "OPTIONS")
        if changes and not csrf.matches(request, request.headers.get(csrf.HEADER)):
            raise Forbidden("Cookie-authenticated API calls need the X-CSRF-Token header.")
    request.state.user = user
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(page_user)]
ApiUser = Annotated[User, Depends(api_user)]
# A route that authenticates by itself calling api_user (the long-poll, which holds no session).
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
