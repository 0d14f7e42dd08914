"""Page rendering and CSRF protection for browser forms."""

import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.assets import asset_url
from app.config import ROOT
from app.errors import Forbidden
from app.judge.verdicts import VERDICT_WORDS
from app.models import Verdict

templates = Jinja2Templates(directory=str(ROOT / "app" / "templates"))


templates.env.globals["asset"] = asset_url


def verdict_word(value: object) -> str:
    """ "Wrong answer", not "wrong_answer": verdicts read as words on every page."""
    try:
        return VERDICT_WORDS[Verdict(str(value))]
    except ValueError:
        return str(value or "").replace("_", " ")


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


templates.env.filters["verdict"] = verdict_word
templates.env.filters["iso"] = iso


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Dependency for every state-changing browser route: the form (or header) token must match."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise Forbidden("The form expired or was not sent from this site; reload and try again.")


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    ctx = {"user": getattr(request.state, "user", None), "csrf_token": csrf_token(request)}
    ctx.update(context or {})
    return templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=dict(headers or {})
    )


def grading_unavailable(request: Request) -> str | None:
    """Why Run and Submit cannot work right now (no sandbox answers), or None."""
    queue = getattr(request.app.state, "queue", None)
    return queue.unavailable_reason() if queue is not None else None
