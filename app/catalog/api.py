"""REST routes for the catalog, drafts and the caller's progress."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from app.api_errors import ERROR_RESPONSES
from app.catalog import service
from app.catalog.deps import ProblemDep
from app.catalog.service import Question
from app.db import SessionDep
from app.errors import Forbidden, NotFound
from app.judge.problem import graded_problem
from app.judge.verdicts import preview
from app.markdown import to_html
from app.models import Progress
from app.users.deps import ApiUser

router = APIRouter(prefix="/api/v1", tags=["problems"], responses=ERROR_RESPONSES)


class ProblemSummary(BaseModel):
    slug: str
    title: str
    table: str
    category: str
    topic: str
    difficulty: str
    status: str
    acceptance: float | None


class SampleCase(BaseModel):
    name: str
    inputs: dict[str, object] = Field(description="argument name -> a preview of its value")


class ProblemDetail(ProblemSummary):
    statement: str = Field(description="Markdown")
    statement_html: str
    starter: str
    entry_points: list[str]
    cpu_seconds: float
    memory_mb: int
    hints: int = Field(description="how many hints GET /problems/{slug}/hints/{n} can reveal")
    samples: list[SampleCase]


class HintOut(BaseModel):
    number: int
    of: int
    hint: str = Field(description="Markdown")
    hint_html: str


class FollowUpOut(BaseModel):
    question: str
    answer: str = Field(description="Markdown")
    answer_html: str


class Draft(BaseModel):
    code: str


class ProgressOut(BaseModel):
    solved: int
    attempted: int
    total: int
    problems: dict[str, str]


def _summary(db: SessionDep, user: ApiUser, question: Question) -> ProblemSummary:
    row = question.row
    accepted, graded = service.acceptance(db, problem_id=row.id).get(row.id, (0, 0))
    return ProblemSummary(
        slug=row.slug,
        title=row.title,
        table=row.table,
        category=row.category,
        topic=row.topic,
        difficulty=row.difficulty,
        status=service.status_of(db, user=user, problem=row).value,
        acceptance=accepted / graded if graded else None,
    )


def _summaries(db: SessionDep, user: ApiUser) -> list[ProblemSummary]:
    view = service.question_table(db, user=user)
    return [
        ProblemSummary(
            slug=row.slug,
            title=row.title,
            table=table.key,
            category=row.category,
            topic=row.topic,
            difficulty=row.difficulty,
            status=row.status.value,
            acceptance=row.acceptance,
        )
        for table in view.tables
        for row in table.rows
    ]


@router.get("/problems", response_model=list[ProblemSummary])
def list_problems(db: SessionDep, user: ApiUser) -> list[ProblemSummary]:
    return _summaries(db, user)


@router.get("/problems/{slug}", response_model=ProblemDetail)
def get_problem(question: ProblemDep, db: SessionDep, user: ApiUser) -> ProblemDetail:
    spec = question.spec
    samples = [c for c in graded_problem(spec).cases if c.sample]
    return ProblemDetail(
        **_summary(db, user, question).model_dump(),
        statement=spec.statement,
        statement_html=to_html(spec.statement),
        starter=spec.starter,
        entry_points=spec.meta.entry_points,
        cpu_seconds=spec.meta.limits.cpu_seconds,
        memory_mb=spec.meta.limits.memory_mb,
        hints=len(spec.meta.hints),
        samples=[SampleCase(name=c.name, inputs=preview(c.make_inputs())) for c in samples],
    )


@router.get("/problems/{slug}/hints/{number}", response_model=HintOut)
def get_hint(
    question: ProblemDep,
    number: Annotated[int, Path(ge=1, le=100)],
    db: SessionDep,
    user: ApiUser,
) -> HintOut:
    """Hint `number` (from 1). Hints you have seen stay revealed on the question page."""
    hints = question.spec.meta.hints
    if not 1 <= number <= len(hints):
        raise NotFound(f"this question has {len(hints)} hints")
    service.reveal_hint(db, user=user, problem=question.row, number=number)
    text = hints[number - 1]
    return HintOut(number=number, of=len(hints), hint=text, hint_html=to_html(text))


@router.get("/problems/{slug}/follow-ups", response_model=list[FollowUpOut])
def get_follow_ups(question: ProblemDep, db: SessionDep, user: ApiUser) -> list[FollowUpOut]:
    """Interview follow-ups with answers, once you have solved the question."""
    if service.status_of(db, user=user, problem=question.row) != Progress.solved:
        raise Forbidden("Follow-ups open once you have solved this question.")
    return [
        FollowUpOut(question=f.question, answer=f.answer, answer_html=to_html(f.answer))
        for f in question.spec.meta.follow_ups
    ]


@router.get("/problems/{slug}/draft", response_model=Draft)
def get_draft(question: ProblemDep, db: SessionDep, user: ApiUser) -> Draft:
    code = service.get_draft(db, user_id=user.id, problem_id=question.row.id)
    return Draft(code=code if code is not None else question.spec.starter)


@router.put("/problems/{slug}/draft", response_model=Draft)
def put_draft(question: ProblemDep, body: Draft, db: SessionDep, user: ApiUser) -> Draft:
    service.save_draft(db, user_id=user.id, problem_id=question.row.id, code=body.code)
    return body


@router.get("/me/progress", response_model=ProgressOut)
def my_progress(db: SessionDep, user: ApiUser) -> ProgressOut:
    rows = _summaries(db, user)
    return ProgressOut(
        solved=sum(r.status == "solved" for r in rows),
        attempted=sum(r.status == "attempted" for r in rows),
        total=len(rows),
        problems={r.slug: r.status for r in rows},
    )
