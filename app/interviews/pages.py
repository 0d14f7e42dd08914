"""Browser routes for mock interviews: the proctor's list, live view and report; the candidate's page."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.catalog import service as catalog
from app.catalog.deps import get_catalog
from app.csrf import verify_csrf
from app.db import RowId, SessionDep
from app.errors import AppError, Conflict
from app.interviews import links, rules, service, views
from app.markdown import to_html
from app.models import Interview
from app.users.deps import CurrentUser, optional_user
from app.web import render

# Every page shows who is signed in: the router looks the user up once (routes that need them
# declare CurrentUser and get the same, cached answer).
router = APIRouter(
    dependencies=[Depends(verify_csrf), Depends(optional_user)], include_in_schema=False
)


def _render(request: Request, name: str, ctx: dict[str, Any], **kwargs: Any) -> Response:
    """Every interview template gets the limits and vocabularies as `rules`."""
    return render(request, name, {"rules": rules, **ctx}, **kwargs)


def _catalog_rows(db: SessionDep) -> list[catalog.Row]:
    view = catalog.question_table(db, user=None)
    return [row for table in view.tables for row in table.rows]


def _list(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    *,
    form: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    ctx = {
        "interviews": service.list_for_proctor(db, user=user),
        "problems": _catalog_rows(db),
        "form": form
        or {
            "title": "Deep-learning coding interview",
            "minutes": rules.DEFAULT_DURATION_MINUTES,
            "problems": [],
            "allow_run": True,
            "show_hidden_diagnostics": False,
        },
        "errors": errors or {},
    }
    return _render(request, "interviews/list.html", ctx, status_code=422 if errors else 200)


@router.get("/interviews")
def interviews(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    return _list(request, db, user)


@router.post("/interviews")
def create_interview(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    title: Annotated[str, Form()] = "",
    minutes: Annotated[str, Form()] = "",
    problems: Annotated[list[str] | None, Form()] = None,
    allow_run: Annotated[bool, Form()] = False,
    show_hidden_diagnostics: Annotated[bool, Form()] = False,
) -> Response:
    """Create, then redirect to the new interview (reloading that page creates nothing)."""
    picked = [slug for slug in (problems or []) if slug]  # in the order the selects give them
    form = {
        "title": title,
        "minutes": minutes,
        "problems": picked,
        "allow_run": allow_run,
        "show_hidden_diagnostics": show_hidden_diagnostics,
    }
    errors: dict[str, str] = {}
    low, high = rules.MIN_DURATION_S // 60, rules.MAX_DURATION_S // 60
    if not 1 <= len(title.strip()) <= rules.MAX_TITLE_CHARS:
        errors["title"] = f"Give the interview a title (up to {rules.MAX_TITLE_CHARS} characters)."
    if not minutes.isascii() or not minutes.isdigit() or not low <= int(minutes) <= high:
        errors["minutes"] = f"The duration is a whole number of minutes from {low} to {high}."
    if not 1 <= len(picked) <= rules.MAX_QUESTIONS:
        errors["problems"] = f"Pick 1 to {rules.MAX_QUESTIONS} questions."
    elif len(set(picked)) != len(picked):
        errors["problems"] = "Each question can be picked once."
    if errors:
        return _list(request, db, user, form=form, errors=errors)
    try:
        ids = [catalog.get_problem(db, slug=slug).id for slug in picked]
        interview, _ = service.create(
            db,
            proctor=user,
            secret=request.app.state.settings.secret_key,
            title=title,
            problem_ids=ids,
            duration_s=int(minutes) * 60,
            allow_run=allow_run,
            show_hidden_diagnostics=show_hidden_diagnostics,
        )
    except AppError as exc:
        return _list(request, db, user, form=form, errors={"problems": exc.detail})
    return RedirectResponse(f"/interviews/{interview.id}?created=1", status_code=303)


def _live(request: Request, db: SessionDep, interview: Interview, created: bool) -> Response:
    token = links.link_token(interview, secret=request.app.state.settings.secret_key)
    ctx = {
        "interview": interview,
        "questions": views.live_questions(db, interview, get_catalog(request)),
        "link": links.link_url(request, token) if token else None,
        "created": created,
    }
    return _render(request, "interviews/live.html", ctx, headers={"Cache-Control": "no-store"})


@router.get("/interviews/{interview_id}")
def live(
    request: Request,
    interview_id: RowId,
    db: SessionDep,
    user: CurrentUser,
    created: bool = False,
) -> Response:
    return _live(
        request, db, service.for_proctor(db, user=user, interview_id=interview_id), created
    )


def _report_context(
    request: Request, db: SessionDep, interview: Interview, *, private: bool
) -> dict[str, Any]:
    return {
        "interview": interview,
        "rows": views.report_rows(db, interview),
        "events": service.events(db, interview=interview),
        "snapshots": views.snapshot_index(db, interview=interview),
        "private": private,
        "notes_html": to_html(interview.notes) if private else "",
    }


@router.get("/interviews/{interview_id}/report")
def report(request: Request, interview_id: RowId, db: SessionDep, user: CurrentUser) -> Response:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    ctx = _report_context(request, db, interview, private=True)
    ctx["snapshot_base"] = f"/api/v1/interviews/{interview.id}/snapshots/"
    return _render(request, "interviews/report.html", ctx)


@router.get("/i/{token}")
def candidate(request: Request, token: str, db: SessionDep) -> Response:
    interview = service.for_candidate(db, token=token)
    ctx = {
        "interview": interview,
        "token": token,
        "question_count": len(service.questions(db, interview=interview)),
        "candidate_page": True,  # no site navigation: one click must not leave the interview
    }
    return _render(request, "interviews/candidate.html", ctx)


@router.get("/i/{token}/report")
def candidate_report(request: Request, token: str, db: SessionDep) -> Response:
    interview = service.for_candidate(db, token=token)
    if interview.state != "ended":
        raise Conflict("The report is ready when the interview has ended.")
    ctx = _report_context(request, db, interview, private=False)
    ctx["shared"] = interview.report_shared
    ctx["snapshot_base"] = f"/api/v1/interview-sessions/{token}/snapshots/"
    return _render(request, "interviews/report.html", ctx)
