"""Browser routes: the question table and a question's page."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.catalog import service
from app.catalog.loader import cached_catalog
from app.db import SessionDep
from app.errors import NotFound
from app.markdown import to_html
from app.models import Progress
from app.submissions import service as submissions
from app.users.deps import OptionalUser
from app.web import bundle_built, render

router = APIRouter()


@router.get("/")
def question_table(
    request: Request,
    db: SessionDep,
    user: OptionalUser,
    category: str | None = None,
    status: str | None = None,
) -> Response:
    wanted = Progress(status) if status and status in Progress.__members__ else None
    view = service.question_table(db, user=user, category=category or None, status=wanted)
    ctx = {
        "view": view,
        "category": category or "",
        "status": wanted.value if wanted else "",
        "guides": GUIDES,
    }
    return render(request, "index.html", ctx)


@router.get("/problems/{slug}")
def problem_page(request: Request, db: SessionDep, user: OptionalUser, slug: str) -> Response:
    problem = service.get_problem(db, slug=slug)
    spec = cached_catalog(request.app.state.settings.problems_dir)[slug]
    status = service.statuses_for(db, user=user).get(problem.id, Progress.todo)
    draft = submissions.get_draft(db, user_id=user.id, problem_id=problem.id) if user else None
    ctx = {
        "problem": problem,
        "spec": spec,
        "statement_html": to_html(spec.statement),
        "status": status,
        "code": spec.starter if draft is None else draft,
        "bundle": bundle_built(),
    }
    return render(request, "problem.html", ctx)


GUIDES = {"pitfalls": "Common pitfalls in neural-network code", "debugging": "Debugging strategies"}


@router.get("/guides/{name}")
def guide(request: Request, user: OptionalUser, name: str) -> Response:
    if name not in GUIDES:
        raise NotFound("No such guide.")
    source = (Path(__file__).parent / "guides" / f"{name}.md").read_text()
    ctx = {"title": GUIDES[name], "html": to_html(source), "bundle": bundle_built()}
    return render(request, "guide.html", ctx)
