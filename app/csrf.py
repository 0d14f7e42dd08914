"""CSRF protection for everything a browser session can change: one token per session, sent back
in the form field `csrf_token` (forms) or the `X-CSRF-Token` header (the pages' own API calls)."""

import hmac
import secrets

from fastapi import Request

from app.errors import Forbidden

HEADER = "x-csrf-token"
FIELD = "csrf_token"


def token(request: Request) -> str:
    """The session's token, made on first use."""
    value = request.session.get("csrf")
    if not value:
        value = secrets.token_urlsafe(32)
        request.session["csrf"] = value
    return str(value)


def matches(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and sent and hmac.compare_digest(str(expected), sent))


async def verify_csrf(request: Request) -> None:
    """Router dependency for browser routes: a state-changing request must carry the token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get(HEADER)
    if sent is None:
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not matches(request, sent):
        raise Forbidden("The form expired or was not sent from this site; reload and try again.")
