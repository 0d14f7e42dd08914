"""Page rendering: the templates, their filters, and the context every page gets."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app import csrf
from app.assets import asset_url
from app.config import ROOT
from app.judge.kinds import Verdict
from app.judge.verdicts import VERDICT_WORDS

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


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    ctx = {"user": getattr(request.state, "user", None), "csrf_token": csrf.token(request)}
    ctx.update(context or {})
    return templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=dict(headers or {})
    )


def grading_unavailable(request: Request) -> str | None:
    """Why Run and Submit cannot work right now (no sandbox answers), or None."""
    queue = getattr(request.app.state, "queue", None)
    return queue.unavailable_reason() if queue is not None else None
