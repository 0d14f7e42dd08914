"""Browser routes: the question table and a question's page."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.catalog import service
from app.catalog.deps import ProblemDep
from app.db import SessionDep
from app.errors import NotFound
from app.markdown import to_html
from app.models import Progress
from app.users.deps import OptionalUser, optional_user
from app.web import grading_unavailable, render

# Every page shows who is signed in: the router looks the user up once.
router = APIRouter(dependencies=[Depends(optional_user)], include_in_schema=False)


@router.get("/")
def question_table(
    request: Request,
    db: SessionDep,
    user: OptionalUser,
    category: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    wanted = Progress(status) if status and status in Progress.__members__ else None
    view = service.question_table(db, user=user, category=category or None, status=wanted)
    ctx = {
        "view": view,
        "q": q,
        "category": category or "",
        "status": wanted.value if wanted else "",
        "guides": GUIDES,
    }
    return render(request, "index.html", ctx)


@router.get("/problems/{slug}")
def problem_page(
    request: Request, db: SessionDep, user: OptionalUser, question: ProblemDep
) -> Response:
    problem, spec = question.row, question.spec
    status = service.status_of(db, user=user, problem=problem)
    draft = service.get_draft(db, user_id=user.id, problem_id=problem.id) if user else None
    revealed = service.revealed_hints(db, user=user, problem=problem)
    ctx = {
        "problem": problem,
        "spec": spec,
        "statement_html": to_html(spec.statement),
        "status": status,
        "code": spec.starter if draft is None else draft,
        "has_draft": draft is not None,
        "hints_html": [to_html(h) for h in spec.meta.hints[:revealed]],
        "follow_ups": [
            {"question": f.question, "answer_html": to_html(f.answer)} for f in spec.meta.follow_ups
        ]
        if status == Progress.solved
        else [],
        "grading_unavailable": grading_unavailable(request),
    }
    return render(request, "problem.html", ctx)


GUIDES = {"pitfalls": "Common pitfalls in neural-network code", "debugging": "Debugging strategies"}


@router.get("/guides/{name}")
def guide(request: Request, name: str) -> Response:
    if name not in GUIDES:
        raise NotFound("No such guide.")
    source = (Path(__file__).parent / "guides" / f"{name}.md").read_text()
    ctx = {"title": GUIDES[name], "html": to_html(source)}
    return render(request, "guide.html", ctx)
