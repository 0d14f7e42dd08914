"""The claim-grade-record step, shared by both queues: the inline queue's threads in `dli serve`
and the Celery tasks in `dli worker` each hold a `Worker` and call `grade_next` or
`grade_submission`.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session, sessionmaker

from app import ops
from app.config import Settings
from app.judge.grader import UNAVAILABLE, grade
from app.judge.isolation import default_pool
from app.judge.kinds import Verdict
from app.judge.spec import Catalog, CatalogError
from app.judge.verdicts import GradeResult
from app.models import Problem, Submission, utcnow
from app.sandbox import Sandbox, SandboxUnavailable
from app.sandbox.container import engine_answers
from app.submissions import service

log = logging.getLogger("dli.queue")
GRADE_ATTEMPTS = 3  # our own failures (internal_error) are retried before they are recorded
ENGINE_WAIT_S = 120.0  # how long a retry waits for a Docker engine that does not answer


class SandboxHolder:
    """One shared sandbox pool, created on first use and re-tried while Docker is unavailable."""

    CHECK_EVERY_S = 10.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sandbox: Sandbox | None = None
        self._lock = threading.Lock()
        self._error = ""
        self._checked_at = -self.CHECK_EVERY_S
        self._reason: str | None = None
        self._closed = False

    def get(self) -> Sandbox | None:
        with self._lock:
            if self._sandbox is None and not self._closed:
                try:
                    self._sandbox = Sandbox(self.settings)
                    self._error = ""
                except SandboxUnavailable as exc:
                    self._error = str(exc)
                    log.warning("sandbox unavailable: %s", exc)
            return self._sandbox

    def current(self) -> Sandbox | None:
        """The sandbox pool if it has been started (`get` starts it)."""
        return self._sandbox

    def unavailable_reason(self) -> str | None:
        """Why nothing can be graded right now (checked at most every 10 s), or None."""
        now = time.monotonic()
        if now - self._checked_at >= self.CHECK_EVERY_S:
            self._checked_at = now
            sandbox = self.get()
            if sandbox is None:
                self._reason = self._error or "no Docker engine answers"
            else:
                try:
                    sandbox.client.ping()
                    self._reason = None
                except Exception as exc:
                    self._reason = f"the Docker engine does not answer ({type(exc).__name__})"
        return self._reason

    def wait_for_engine(self, timeout_s: float) -> bool:
        """Wait (up to `timeout_s`) until the Docker engine answers, as after its restart."""
        deadline = time.monotonic() + timeout_s
        while True:
            time.sleep(1.0)
            if engine_answers() and self.get() is not None:
                return True
            if time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        with self._lock:
            self._closed = True  # a warm-up that comes after starts nothing
            if self._sandbox is not None:
                self._sandbox.close()
                self._sandbox = None


@contextlib.contextmanager
def _renewing(
    sessions: sessionmaker[Session], submission_id: int, lease_s: float
) -> Iterator[None]:
    """Renew the job's claim every third of its lease while the block runs."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease_s / 3):
            try:
                with sessions() as db:
                    service.renew_lease(db, submission_id=submission_id, lease_s=lease_s)
                    db.commit()
            except Exception:
                log.warning("could not renew the claim on submission %s", submission_id)

    thread = threading.Thread(target=renew, name=f"dli-lease-{submission_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


class Worker:
    """What grading needs: database sessions, the catalog (to grade the version that was submitted)
    and the sandbox pool. Safe to share between threads."""

    def __init__(
        self, settings: Settings, sessions: sessionmaker[Session], catalog: Catalog | None = None
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.catalog = catalog or Catalog(settings.problems_dir)
        self.holder = SandboxHolder(settings)

    def grade_submission(self, submission_id: int, *, reclaim: bool = False) -> GradeResult | None:
        """Claim, grade and record this submission. Safe to call twice for the same id."""
        with self.sessions() as db:
            submission = service.claim(
                db, submission_id=submission_id, reclaim=reclaim, lease_s=self.settings.job_lease_s
            )
            db.commit()
        return None if submission is None else self._grade_claimed(submission)

    def grade_next(self, on_done: Callable[[int], None] | None = None) -> Submission | None:
        """Claim the next job fairly across users (see service.claim_next), grade and record it."""
        with self.sessions() as db:
            submission = service.claim_next(db, lease_s=self.settings.job_lease_s)
            db.commit()
        if submission is not None:
            self._grade_claimed(submission)
            if on_done is not None:
                on_done(submission.id)
        return submission

    def warm_up(self) -> None:
        """Start the sandbox pool and a judge process per grading thread now: the first job after
        a start then waits for neither (`Settings.warm_start`)."""
        self.holder.get()
        default_pool().prestart(self.settings.workers)

    def is_warm(self) -> bool:
        """Whether what `warm_up` starts is up: the sandbox pool full, the judge processes idle."""
        sandbox = self.holder.current()
        return (
            sandbox is not None
            and sandbox.warm_count() >= self.settings.sandbox_pool_size
            and default_pool().idle_count() >= self.settings.workers
        )

    def warm_up_in_background(self) -> None:
        if self.settings.starts_warm:
            threading.Thread(target=self.warm_up, name="dli-warm-up", daemon=True).start()

    def close(self) -> None:
        self.holder.close()

    def _grade_claimed(self, submission: Submission) -> GradeResult:
        """Grade a claimed submission and record the verdict (our own failures are retried first)."""
        with _renewing(self.sessions, submission.id, self.settings.job_lease_s):
            result = self._grade(submission)
            with self.sessions() as db:
                recorded = service.record_result(db, submission_id=submission.id, result=result)
                db.commit()
        if recorded:
            ops.VERDICTS.labels(result.verdict.value).inc()
            ops.VERDICT_SECONDS.observe((utcnow() - submission.created_at).total_seconds())
            if result.verdict == Verdict.internal_error:
                ops.SANDBOX_FAILURES.inc()
        return result

    def _grade(self, submission: Submission) -> GradeResult:
        with self.sessions() as db:
            problem = db.get(Problem, submission.problem_id)
            assert problem is not None
            slug = problem.slug
        result = GradeResult(Verdict.internal_error, detail="not graded")
        attempts, give_up_at = 0, time.monotonic() + ENGINE_WAIT_S
        while attempts < GRADE_ATTEMPTS:
            spec = self.catalog.at_version(slug, submission.problem_version)
            if spec is None:
                return GradeResult(Verdict.internal_error, detail=_changed(self.catalog, slug))
            try:
                result = grade(
                    spec,
                    submission.code,
                    mode=submission.mode,
                    sandbox=self.holder.get(),
                    output_chars=self.settings.sandbox_output_kib * 1024,
                )
            except CatalogError:  # the folder was edited on disk after it was loaded
                return GradeResult(Verdict.internal_error, detail=_changed(self.catalog, slug))
            if result.verdict != Verdict.internal_error:
                break
            # Our failure. When the Docker engine went away (a restart), the attempt does not
            # count: wait for the engine, for up to ENGINE_WAIT_S in all.
            if result.detail.startswith(UNAVAILABLE) and time.monotonic() < give_up_at:
                self.holder.wait_for_engine(give_up_at - time.monotonic())
                continue
            attempts += 1
            time.sleep(1.0 * attempts)
        return result


def _changed(catalog: Catalog, slug: str) -> str:
    if catalog.get(slug) is None:
        return "this question is no longer available"
    return (
        "this question was updated after you sent this code, and only the version you answered "
        "can grade it: send it again"
    )
