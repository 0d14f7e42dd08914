"""Grading jobs: the in-process worker pool behind `dli serve` (DLI_QUEUE=inline).

The submission row is committed (status queued) before its id is enqueued, so a crash loses nothing:
on start, whatever was left queued or running is queued again.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app.catalog.loader import CatalogError, cached_catalog
from app.config import Settings
from app.judge.grader import grade
from app.judge.verdicts import GradeResult
from app.models import Problem, Verdict
from app.sandbox import Sandbox, SandboxUnavailable
from app.submissions import service

log = logging.getLogger("dli.queue")
GRADE_ATTEMPTS = 3  # our own failures (internal_error) are retried before they are recorded


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

    def close(self) -> None:
        with self._lock:
            if self._sandbox is not None:
                self._sandbox.close()
                self._sandbox = None


def grade_submission(
    sessions: sessionmaker[Session],
    holder: SandboxHolder,
    submission_id: int,
    *,
    reclaim: bool = False,
) -> GradeResult | None:
    """Claim, grade and record one submission. Safe to call twice for the same id."""
    with sessions() as db:
        submission = service.claim(db, submission_id=submission_id, reclaim=reclaim)
        if submission is None:
            return None
        problem = db.get(Problem, submission.problem_id)
        code, mode = submission.code, submission.mode
        db.commit()
    assert problem is not None
    result = GradeResult(Verdict.internal_error, detail="not graded")
    for attempt in range(GRADE_ATTEMPTS):
        try:
            spec = cached_catalog(holder.settings.problems_dir)[problem.slug]
        except (KeyError, CatalogError):
            result = GradeResult(
                Verdict.internal_error, detail="this question is no longer available"
            )
            break
        result = grade(
            spec,
            code,
            mode=mode,
            sandbox=holder.get(),
            output_chars=holder.settings.sandbox_output_kib * 1024,
        )
        if result.verdict != Verdict.internal_error:
            break
        time.sleep(0.5 * (attempt + 1))
    with sessions() as db:
        service.record_result(db, submission_id=submission_id, result=result)
        db.commit()
    return result


class JobQueue(Protocol):
    def enqueue(self, submission_id: int) -> None: ...
    def unavailable_reason(self) -> str | None: ...
    def close(self) -> None: ...


class InlineQueue:
    """Worker threads inside the web process; grading itself happens in sandbox containers."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.holder = SandboxHolder(settings)
        self.executor = ThreadPoolExecutor(settings.workers, thread_name_prefix="dli-grader")

    def start(self) -> None:
        with self.sessions() as db:
            leftovers = service.unfinished_ids(db)
            db.commit()
        if leftovers:
            log.info("requeueing %d unfinished submissions", len(leftovers))
        for submission_id in leftovers:
            self.enqueue(submission_id)

    def enqueue(self, submission_id: int) -> None:
        self.executor.submit(self._run, submission_id)

    def unavailable_reason(self) -> str | None:
        return self.holder.unavailable_reason()

    def _run(self, submission_id: int) -> None:
        try:
            grade_submission(self.sessions, self.holder, submission_id)
        except Exception:
            log.exception("grading submission %s failed", submission_id)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=False)
        self.holder.close()


def make_queue(settings: Settings, sessions: sessionmaker[Session]) -> JobQueue:
    if settings.queue == "celery":
        from app.submissions.celery_queue import CeleryQueue

        return CeleryQueue(settings)
    queue = InlineQueue(settings, sessions)
    queue.start()
    return queue
