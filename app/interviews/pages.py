"""Browser routes for mock interviews: the proctor's list, live view and report; the candidate's page."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from app.catalog import service as catalog
from app.catalog.loader import cached_catalog
from app.db import RowId, SessionDep
from app.errors import AppError, Conflict
from app.interviews import service
from app.markdown import to_html
from app.models import Interview, Submission
from app.users.deps import CurrentUser, OptionalUser
from app.web import bundle_built, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])


def _catalog_rows(db: SessionDep):  # type: ignore[no-untyped-def]
    view = catalog.question_table(db, user=None)
    return [row for table in view.tables for row in table.rows]


@router.get("/interviews")
def interviews(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    ctx = {
        "interviews": service.list_for_proctor(db, user=user),
        "problems": _catalog_rows(db),
        "error": None,
    }
    return render(request, "interviews/list.html", ctx)


@router.post("/interviews")
def create_interview(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    title: Annotated[str, Form()],
    minutes: Annotated[int, Form()],
    problems: Annotated[list[str], Form()],
    allow_run: Annotated[bool, Form()] = False,
    show_hidden_diagnostics: Annotated[bool, Form()] = False,
) -> Response:
    try:
        ids = [catalog.get_problem(db, slug=slug).id for slug in problems]
        interview, token = service.create(
            db,
            proctor=user,
            title=title,
            problem_ids=ids,
            duration_s=minutes * 60,
            allow_run=allow_run,
            show_hidden_diagnostics=show_hidden_diagnostics,
        )
    except AppError as exc:
        ctx = {
            "interviews": service.list_for_proctor(db, user=user),
            "problems": _catalog_rows(db),
            "error": exc.detail,
        }
        return render(request, "interviews/list.html", ctx, status_code=exc.status_code)
    link = str(request.base_url).rstrip("/") + f"/i/{token}"
    return _live(request, db, interview, new_link=link)


def _live(
    request: Request, db: SessionDep, interview: Interview, new_link: str | None = None
) -> Response:
    specs = cached_catalog(request.app.state.settings.problems_dir)
    questions = [
        {
            "position": q.position,
            "slug": p.slug,
            "title": p.title,
            "follow_ups": specs[p.slug].meta.follow_ups,
            "hints": len(specs[p.slug].meta.hints),
        }
        for q, p in service.questions(db, interview=interview)
    ]
    ctx = {"interview": interview, "questions": questions, "new_link": new_link}
    return render(request, "interviews/live.html", ctx)


@router.get("/interviews/{interview_id}")
def live(request: Request, interview_id: RowId, db: SessionDep, user: CurrentUser) -> Response:
    return _live(request, db, service.for_proctor(db, user=user, interview_id=interview_id))


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
    ctx = {"interview": interview, "token": token, "bundle": bundle_built()}
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
