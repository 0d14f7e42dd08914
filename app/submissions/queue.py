"""Grading jobs. The queue is the submissions table: a job is enqueued only after the commit
that created its row, and a worker claims jobs fairly across users (service.claim_next) under a
lease it renews while it grades; a claim whose worker died runs out and is taken over.

`InlineQueue` is the worker pool inside `dli serve` (DLI_QUEUE=inline); `celery_queue` runs the
same claim-grade-record step in `dli worker` processes on many hosts.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app import ops
from app.catalog.loader import CatalogError, cached_catalog
from app.config import Settings
from app.judge.grader import UNAVAILABLE, grade
from app.judge.verdicts import GradeResult
from app.models import Problem, Submission, Verdict, utcnow
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

    def get(self) -> Sandbox | None:
        with self._lock:
            if self._sandbox is None:
                try:
                    self._sandbox = Sandbox(self.settings)
                    self._error = ""
                except SandboxUnavailable as exc:
                    self._error = str(exc)
                    log.warning("sandbox unavailable: %s", exc)
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


def _grade_claimed(
    sessions: sessionmaker[Session], holder: SandboxHolder, submission: Submission
) -> GradeResult:
    """Grade a claimed submission and record the verdict (our own failures are retried first)."""
    with _renewing(sessions, submission.id, holder.settings.job_lease_s):
        return _grade_and_record(sessions, holder, submission)


def _grade_and_record(
    sessions: sessionmaker[Session], holder: SandboxHolder, submission: Submission
) -> GradeResult:
    with sessions() as db:
        problem = db.get(Problem, submission.problem_id)
        assert problem is not None
        slug = problem.slug
    result = GradeResult(Verdict.internal_error, detail="not graded")
    attempts, give_up_at = 0, time.monotonic() + ENGINE_WAIT_S
    while attempts < GRADE_ATTEMPTS:
        try:
            spec = cached_catalog(holder.settings.problems_dir)[slug]
        except (KeyError, CatalogError):
            result = GradeResult(
                Verdict.internal_error, detail="this question is no longer available"
            )
            break
        result = grade(
            spec,
            submission.code,
            mode=submission.mode,
            sandbox=holder.get(),
            output_chars=holder.settings.sandbox_output_kib * 1024,
        )
        if result.verdict != Verdict.internal_error:
            break
        # Our failure. When the Docker engine went away (a restart), the attempt does not count:
        # wait for the engine, for up to ENGINE_WAIT_S in all.
        if result.detail.startswith(UNAVAILABLE) and time.monotonic() < give_up_at:
            holder.wait_for_engine(give_up_at - time.monotonic())
            continue
        attempts += 1
        time.sleep(1.0 * attempts)
    with sessions() as db:
        recorded = service.record_result(db, submission_id=submission.id, result=result)
        db.commit()
    if recorded:
        ops.VERDICTS.labels(result.verdict.value).inc()
        ops.VERDICT_SECONDS.observe((utcnow() - submission.created_at).total_seconds())
        if result.verdict == Verdict.internal_error:
            ops.SANDBOX_FAILURES.inc()
    return result


def grade_submission(
    sessions: sessionmaker[Session],
    holder: SandboxHolder,
    submission_id: int,
    *,
    reclaim: bool = False,
) -> GradeResult | None:
    """Claim, grade and record this submission. Safe to call twice for the same id."""
    with sessions() as db:
        submission = service.claim(
            db, submission_id=submission_id, reclaim=reclaim, lease_s=holder.settings.job_lease_s
        )
        db.commit()
    return None if submission is None else _grade_claimed(sessions, holder, submission)


def grade_next(
    sessions: sessionmaker[Session],
    holder: SandboxHolder,
    on_done: Callable[[int], None] | None = None,
) -> Submission | None:
    """Claim the next job fairly across users (see service.claim_next), grade and record it."""
    with sessions() as db:
        submission = service.claim_next(db, lease_s=holder.settings.job_lease_s)
        db.commit()
    if submission is not None:
        _grade_claimed(sessions, holder, submission)
        if on_done is not None:
            on_done(submission.id)
    return submission


class JobQueue(Protocol):
    def enqueue(self, submission_id: int) -> None: ...
    def unavailable_reason(self) -> str | None: ...
    def close(self) -> None: ...


class InlineQueue:
    """Grading threads inside the web process; grading itself happens in sandbox containers.

    The queue is the submissions table: each thread claims the next job fairly across users, so
    nothing is lost when the process dies (on start, jobs left running are queued again).
    """

    POLL_S = 2.0  # also look for work now and then: a notification may have been missed

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.on_done = on_done
        self.holder = SandboxHolder(settings)
        self._work = threading.Condition()
        self._pending = 0
        self._closed = False
        self._threads = [
            threading.Thread(target=self._loop, name=f"dli-grader-{i}", daemon=True)
            for i in range(settings.workers)
        ]

    def start(self) -> None:
        with self.sessions() as db:
            leftovers = service.unfinished_ids(db)
            db.commit()
        if leftovers:
            log.info("grading %d submissions left unfinished", len(leftovers))
        self._pending = len(leftovers)
        for thread in self._threads:
            thread.start()

    def enqueue(self, submission_id: int) -> None:
        with self._work:
            self._pending += 1
            self._work.notify()

    def unavailable_reason(self) -> str | None:
        return self.holder.unavailable_reason()

    def ready(self) -> str | None:
        """Why the queue cannot take jobs (its grading threads died), or None."""
        alive = sum(thread.is_alive() for thread in self._threads)
        return None if alive else "no grading thread is running"

    def _loop(self) -> None:
        while True:
            with self._work:
                if not self._pending and not self._closed:
                    self._work.wait(timeout=self.POLL_S)
                if self._closed:
                    return
                self._pending = max(0, self._pending - 1)
            try:
                while (
                    not self._closed
                    and grade_next(self.sessions, self.holder, self.on_done) is not None
                ):
                    pass
            except Exception:
                log.exception("grading failed")
                time.sleep(1.0)

    def close(self) -> None:
        with self._work:
            self._closed = True
            self._work.notify_all()
        for thread in self._threads:
            thread.join(timeout=60)
        self.holder.close()


def make_queue(
    settings: Settings,
    sessions: sessionmaker[Session],
    on_done: Callable[[int], None] | None = None,
) -> JobQueue:
    """The configured queue; `on_done(id)` is called when the inline queue records a verdict."""
    if settings.queue == "celery":
        from app.submissions.celery_queue import CeleryQueue

        return CeleryQueue(settings)
    queue = InlineQueue(settings, sessions, on_done)
    queue.start()
    return queue
