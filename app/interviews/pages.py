"""Browser routes for mock interviews: the proctor's list, live view and report; the candidate's page."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from app.catalog import service as catalog
from app.csrf import verify_csrf
from app.db import RowId, SessionDep
from app.errors import AppError, Conflict
from app.interviews import service
from app.judge.spec import cached_catalog
from app.markdown import to_html
from app.models import Interview, Submission
from app.users.deps import CurrentUser, OptionalUser
from app.web import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _catalog_rows(db: SessionDep):  # type: ignore[no-untyped-def]
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
        "max_questions": service.MAX_QUESTIONS,
        "form": form
        or {
            "title": "Deep-learning coding interview",
            "minutes": 45,
            "problems": [],
            "allow_run": True,
            "show_hidden_diagnostics": False,
        },
        "errors": errors or {},
    }
    return render(request, "interviews/list.html", ctx, status_code=422 if errors else 200)


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
    if not 1 <= len(title.strip()) <= 200:
        errors["title"] = "Give the interview a title (up to 200 characters)."
    if not minutes.isascii() or not minutes.isdigit() or not 1 <= int(minutes) <= 360:
        errors["minutes"] = "The duration is a whole number of minutes from 1 to 360."
    if not 1 <= len(picked) <= service.MAX_QUESTIONS:
        errors["problems"] = f"Pick 1 to {service.MAX_QUESTIONS} questions."
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
    specs = cached_catalog(request.app.state.settings.problems_dir)
    questions = [
        {
            "position": q.position,
            "slug": p.slug,
            "title": p.title,
            "follow_ups": [
                {"question": f.question, "answer_html": to_html(f.answer)}
                for f in specs[p.slug].meta.follow_ups
            ],
            "hints": len(specs[p.slug].meta.hints),
        }
        for q, p in service.questions(db, interview=interview)
    ]
    token = service.link_token(interview, secret=request.app.state.settings.secret_key)
    link = str(request.base_url).rstrip("/") + f"/i/{token}" if token else None
    ctx = {
        "interview": interview,
        "questions": questions,
        "link": link,
        "created": created,
        "rubric": service.RUBRIC,
        "recommendations": service.RECOMMENDATIONS,
    }
    return render(request, "interviews/live.html", ctx, headers={"Cache-Control": "no-store"})


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
) -> dict:

    rows = []
    subs = db.scalars(
        select(Submission).where(Submission.interview_id == interview.id).order_by(Submission.id)
    ).all()
    for question, problem in service.questions(db, interview=interview):
        mine = [s for s in subs if s.problem_id == problem.id]
        final = next((s for s in reversed(mine) if s.mode == "submit" and s.verdict), None)
        first_ok = next((s for s in mine if s.mode == "submit" and s.verdict == "accepted"), None)
        since_start = (
            (first_ok.created_at - interview.started_at).total_seconds()
            if first_ok and interview.started_at
            else None
        )
        rows.append(
            {
                "position": question.position,
                "problem": problem,
                "final": final,
                "first_accepted_s": since_start,
                "attempts": len(mine),
            }
        )
    snapshots = service.snapshot_index(db, interview=interview)
    return {
        "interview": interview,
        "rows": rows,
        "events": service.events(db, interview=interview),
        "snapshots": snapshots,
        "private": private,
        "notes_html": to_html(interview.notes) if private else "",
    }


@router.get("/interviews/{interview_id}/report")
def report(request: Request, interview_id: RowId, db: SessionDep, user: CurrentUser) -> Response:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    ctx = _report_context(request, db, interview, private=True)
    ctx["snapshot_base"] = f"/api/v1/interviews/{interview.id}/snapshots/"
    return render(request, "interviews/report.html", ctx)


@router.get("/i/{token}")
def candidate(request: Request, token: str, db: SessionDep, user: OptionalUser) -> Response:
    interview = service.for_candidate(db, token=token)
    ctx = {
        "interview": interview,
        "token": token,
        "question_count": len(service.questions(db, interview=interview)),
        "candidate_page": True,  # no site navigation: one click must not leave the interview
    }
    return render(request, "interviews/candidate.html", ctx)


@router.get("/i/{token}/report")
def candidate_report(request: Request, token: str, db: SessionDep, user: OptionalUser) -> Response:
    interview = service.for_candidate(db, token=token)
    if interview.state != "ended":
        raise Conflict("The report is ready when the interview has ended.")
    ctx = _report_context(request, db, interview, private=False)
    ctx["shared"] = interview.report_shared
    ctx["snapshot_base"] = f"/api/v1/interview-sessions/{token}/snapshots/"
    return render(request, "interviews/report.html", ctx)
