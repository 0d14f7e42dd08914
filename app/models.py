"""All ORM models. Relationships default to lazy="raise": queries say what they load.

Over 300 lines because every table is here, so relationships and constraints read in one place
(and Alembic's autogenerate sees one metadata).
"""

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.judge.kinds import Mode, Verdict


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# Every constraint and index gets a predictable name, the same on SQLite and PostgreSQL, so a
# migration can drop or alter it by name. Migration 0007 renamed what 0001-0006 had created.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Role(enum.StrEnum):
    user = "user"
    proctor = "proctor"
    admin = "admin"


class Progress(enum.StrEnum):
    todo = "todo"
    attempted = "attempted"
    solved = "solved"


class SubmissionStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable and easy to extend in a migration.
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=32)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"), default=Role.user)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSession(Base):
    """A signed-in browser. The cookie carries a random id whose SHA-256 is stored here, so
    signing out (here, or everywhere) really ends the session, whatever the cookie says."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class RateLimitKey(Base):
    """One row per limited thing ("submit:user:7"): updating it serialises the checks of that key."""

    __tablename__ = "rate_limit_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    touched_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimitEvent(Base):
    __tablename__ = "rate_limit_events"
    __table_args__ = (Index("ix_rate_limit_events_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the token: 256-bit random tokens need no slow hash, and lookups stay O(1).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")


class Problem(Base):
    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    table: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[str] = mapped_column(String(16))
    order: Mapped[int] = mapped_column(Integer)
    # Hash of the problem folder: graded results are tied to the version they were graded against.
    version: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_user_problem", "user_id", "problem_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), index=True)
    problem_version: Mapped[str] = mapped_column(String(64))
    # Stored as before (up to 8 characters, no CHECK constraint), read back as a Mode.
    mode: Mapped[Mode] = mapped_column(
        Enum(Mode, native_enum=False, create_constraint=False, length=8)
    )
    code: Mapped[str] = mapped_column(Text)
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.queued, index=True
    )
    verdict: Mapped[Verdict | None] = mapped_column(_enum(Verdict, "verdict"))
    cases_passed: Mapped[int | None]
    cases_total: Mapped[int | None]
    stdout: Mapped[str | None] = mapped_column(Text)
    stderr: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    time_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # While running: the worker's claim lasts until then, and it renews the claim as it grades.
    # A claim that ran out (its worker died) is taken over by the next worker that looks.
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(120))  # "host:pid" of the claiming worker
    finished_at: Mapped[datetime | None]
    # Set for submissions made during a mock interview; they also count for practice status.
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(lazy="raise")
    problem: Mapped[Problem] = relationship(lazy="raise")
    cases: Mapped[list["CaseResult"]] = relationship(
        lazy="raise", order_by="CaseResult.position", cascade="all, delete-orphan"
    )


class QueueTurn(Base):
    """When each user's latest job started: the queue serves the user who waited longest first."""

    __tablename__ = "queue_turns"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_started_at: Mapped[datetime]


class CaseResult(Base):
    __tablename__ = "case_results"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    hidden: Mapped[bool]
    passed: Mapped[bool]
    diagnostic: Mapped[str] = mapped_column(Text, default="")
    time_s: Mapped[float | None] = mapped_column(Float)
    # Inputs / expected / got for sample cases only; never filled for hidden cases.
    details: Mapped[dict[str, Any] | None]


class UserProblemStatus(Base):
    __tablename__ = "user_problem_status"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), primary_key=True)
    status: Mapped[Progress] = mapped_column(_enum(Progress, "progress"), default=Progress.todo)
    attempts: Mapped[int] = mapped_column(default=0)
    first_solved_at: Mapped[datetime | None]
    best_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL")
    )
    last_submitted_at: Mapped[datetime | None]


class RevealedHints(Base):
    """How many of a question's hints a user has revealed: they stay revealed on every visit."""

    __tablename__ = "revealed_hints"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class Draft(Base):
    """The editor's content, autosaved while the user types."""

    __tablename__ = "drafts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class InterviewState(enum.StrEnum):
    scheduled = "scheduled"
    live = "live"
    ended = "ended"


class Interview(Base):
    """A timed mock interview: a proctor, a candidate link, questions, events and a report."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    proctor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    duration_s: Mapped[int]
    allow_run: Mapped[bool] = mapped_column(Boolean, default=True)
    show_hidden_diagnostics: Mapped[bool] = mapped_column(Boolean, default=False)
    # The candidate link's token is an HMAC of the server's secret key, the interview and this
    # random nonce: the proctor can be shown it again, a database alone does not reveal it, and
    # rotating the nonce makes a new link. Only the token's SHA-256 is used to look it up.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_nonce: Mapped[str | None] = mapped_column(String(64))
    link_expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    state: Mapped[InterviewState] = mapped_column(
        _enum(InterviewState, "interview_state"), default=InterviewState.scheduled
    )
    started_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # The guest account that owns the interview's submissions made with the link alone.
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The account the candidate said was theirs ("this is me" in the lobby): credited only for
    # requests that carry that account's own session.
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(
        Text, default=""
    )  # the proctor's, never shown to the candidate
    scorecard: Mapped[dict[str, Any] | None]
    report_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InterviewQuestion(Base):
    __tablename__ = "interview_questions"
    __table_args__ = (UniqueConstraint("interview_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    position: Mapped[int]
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"))
    hints_released: Mapped[int] = mapped_column(default=0)
    # The candidate's current code: live views read this, never the snapshot history.
    latest_code: Mapped[str | None] = mapped_column(Text)


class InterviewEvent(Base):
    """The timeline: joined, left, ran, submitted, hint released, focus lost/regained, large paste..."""

    __tablename__ = "interview_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int | None]
    data: Mapped[dict[str, Any] | None]


class CodeSnapshot(Base):
    __tablename__ = "code_snapshots"
    __table_args__ = (
        Index("ix_code_snapshots_interview_position", "interview_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    position: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    code: Mapped[str] = mapped_column(Text)
