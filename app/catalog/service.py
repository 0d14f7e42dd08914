"""Catalog services: sync folders into the problems table, find a question, drafts, the question table."""

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.errors import NotFound, PayloadTooLarge
from app.judge.kinds import Mode, Verdict
from app.judge.spec import TABLE_TITLES, Catalog, ProblemSpec
from app.models import (
    Draft,
    Problem,
    Progress,
    RevealedHints,
    Submission,
    SubmissionStatus,
    User,
    UserProblemStatus,
    utcnow,
)

MAX_CODE_BYTES = 64 * 1024  # a draft, a Run, a Submit, an interview answer


def check_code_size(code: str) -> None:
    if len(code.encode()) > MAX_CODE_BYTES:
        raise PayloadTooLarge(f"code is limited to {MAX_CODE_BYTES // 1024} KiB")


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)


def sync(db: Session, *, specs: list[ProblemSpec]) -> SyncReport:
    """Upsert problems by slug; a folder that disappeared is hidden, never deleted (history)."""
    report = SyncReport()
    existing = {p.slug: p for p in db.scalars(select(Problem))}
    for spec in specs:
        meta = spec.meta
        fields = {
            "title": meta.title,
            "table": meta.table,
            "category": meta.category,
            "topic": meta.topic,
            "difficulty": meta.difficulty,
            "order": meta.order,
            "version": spec.version,
            "active": True,
        }
        row = existing.pop(spec.slug, None)
        if row is None:
            db.add(Problem(slug=spec.slug, **fields))
            report.added.append(spec.slug)
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.synced_at = utcnow()
            report.updated.append(spec.slug)
    for row in existing.values():
        if row.active:
            row.active = False
            report.deactivated.append(row.slug)
    db.flush()
    return report


def get_problem(db: Session, *, slug: str) -> Problem:
    problem = db.scalar(select(Problem).where(Problem.slug == slug, Problem.active))
    if problem is None:
        raise NotFound(f"No question {slug!r}.")
    return problem


@dataclass(frozen=True)
class Question:
    """A question's row (what the database knows: id, version, status) and its folder's spec."""

    row: Problem
    spec: ProblemSpec


def spec_of(catalog: Catalog, row: Problem) -> ProblemSpec:
    """The folder of a question's row, at the version the last sync wrote when it is still on disk
    (after a sync by another process this reloads the folders)."""
    spec = catalog.at_version(row.slug, row.version) or catalog.get(row.slug)
    if spec is None:
        raise NotFound(f"No question {row.slug!r}.")
    return spec


def find(db: Session, catalog: Catalog, *, slug: str) -> Question:
    row = get_problem(db, slug=slug)
    return Question(row, spec_of(catalog, row))


def save_draft(db: Session, *, user_id: int, problem_id: int, code: str) -> Draft:
    check_code_size(code)
    draft = db.get(Draft, {"user_id": user_id, "problem_id": problem_id})
    if draft is None:
        draft = Draft(user_id=user_id, problem_id=problem_id, code=code)
        db.add(draft)
    draft.code, draft.updated_at = code, utcnow()
    db.flush()
    return draft


def get_draft(db: Session, *, user_id: int, problem_id: int) -> str | None:
    draft = db.get(Draft, {"user_id": user_id, "problem_id": problem_id})
    return draft.code if draft else None


def revealed_hints(db: Session, *, user: User | None, problem: Problem) -> int:
    if user is None:
        return 0
    row = db.get(RevealedHints, {"user_id": user.id, "problem_id": problem.id})
    return row.count if row else 0


def reveal_hint(db: Session, *, user: User, problem: Problem, number: int) -> None:
    """Remember that `user` has seen hints 1..number of `problem` (they stay revealed)."""
    row = db.get(RevealedHints, {"user_id": user.id, "problem_id": problem.id})
    if row is None:
        db.add(RevealedHints(user_id=user.id, problem_id=problem.id, count=number))
    elif row.count < number:
        row.count = number
    db.flush()


def statuses_for(db: Session, *, user: User | None) -> dict[int, Progress]:
    if user is None:
        return {}
    stmt = select(UserProblemStatus.problem_id, UserProblemStatus.status).where(
        UserProblemStatus.user_id == user.id
    )
    return {pid: status for pid, status in db.execute(stmt)}


def status_of(db: Session, *, user: User | None, problem: Problem) -> Progress:
    if user is None:
        return Progress.todo
    row = db.get(UserProblemStatus, {"user_id": user.id, "problem_id": problem.id})
    return row.status if row else Progress.todo


def acceptance(db: Session, *, problem_id: int | None = None) -> dict[int, tuple[int, int]]:
    """problem id -> (accepted, graded) over every user's submits (Run does not count)."""
    accepted = func.sum(case((Submission.verdict == Verdict.accepted, 1), else_=0))
    stmt = (
        select(Submission.problem_id, accepted, func.count())
        .where(Submission.mode == Mode.submit, Submission.status == SubmissionStatus.done)
        .where(Submission.verdict != Verdict.internal_error)
        .group_by(Submission.problem_id)
    )
    if problem_id is not None:
        stmt = stmt.where(Submission.problem_id == problem_id)
    return {pid: (int(ok or 0), int(n)) for pid, ok, n in db.execute(stmt)}


@dataclass
class Row:
    slug: str
    title: str
    category: str
    topic: str
    difficulty: str
    status: Progress
    accepted: int
    submitted: int

    @property
    def acceptance(self) -> float | None:
        return self.accepted / self.submitted if self.submitted else None


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]


@dataclass
class QuestionTable:
    tables: list[Table]
    categories: list[str]
    solved: int
    total: int


def question_table(
    db: Session,
    *,
    user: User | None,
    category: str | None = None,
    status: Progress | None = None,
) -> QuestionTable:
    problems = db.scalars(
        select(Problem).where(Problem.active).order_by(Problem.table, Problem.order, Problem.slug)
    ).all()
    mine = statuses_for(db, user=user)
    counts = acceptance(db)
    rows_by_table: dict[str, list[Row]] = {key: [] for key in TABLE_TITLES}
    categories: list[str] = []
    for p in sorted(problems, key=lambda p: (list(TABLE_TITLES).index(p.table), p.order)):
        if p.category not in categories:
            categories.append(p.category)
        row_status = mine.get(p.id, Progress.todo)
        if (category and p.category != category) or (status and row_status != status):
            continue
        ok, n = counts.get(p.id, (0, 0))
        rows_by_table[p.table].append(
            Row(p.slug, p.title, p.category, p.topic, p.difficulty, row_status, ok, n)
        )
    return QuestionTable(
        tables=[Table(key, TABLE_TITLES[key], rows_by_table[key]) for key in TABLE_TITLES],
        categories=categories,
        solved=sum(1 for p in problems if mine.get(p.id) == Progress.solved),
        total=len(problems),
    )
