"""Grading jobs on Celery and Redis (DLI_QUEUE=celery): workers on many hosts, one database.

Jobs are acknowledged late: a worker killed mid-job leaves its job unacknowledged, and Redis hands it
to another worker after the visibility timeout. That worker re-claims the submission (it is still
`running`); recording a verdict is idempotent, so the user's status counts it once.
"""

import logging
import threading

from celery import Celery
from celery.signals import worker_ready
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.submissions import service
from app.submissions.queue import SandboxHolder, grade_submission

log = logging.getLogger("dli.worker")
TASK = "dli.grade"


def make_celery(settings: Settings) -> Celery:
    app = Celery("dli", broker=settings.redis_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="dli-grading",
        broker_transport_options={"visibility_timeout": settings.celery_visibility_s},
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        worker_hijack_root_logger=False,
    )
    return app


celery_app = make_celery(get_settings())


class _WorkerState:
    """Per worker process: one database engine and one sandbox pool, made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sessions: sessionmaker[Session] | None = None
        self.holder: SandboxHolder | None = None

    def get(self) -> tuple[sessionmaker[Session], SandboxHolder]:
        with self._lock:
            if self.sessions is None or self.holder is None:
                settings = get_settings()
                engine = make_engine(
                    settings.database_url, lock_timeout_s=settings.database_lock_timeout_s
                )
                self.sessions = make_sessionmaker(engine)
                self.holder = SandboxHolder(settings)
            return self.sessions, self.holder


_state = _WorkerState()


@celery_app.task(name=TASK)
def grade_task(submission_id: int) -> None:
    sessions, holder = _state.get()
    grade_submission(sessions, holder, submission_id, reclaim=True)


@worker_ready.connect
def _requeue_waiting(**_: object) -> None:
    # A submission whose job never reached Redis (the broker was down) is still queued: send it.
    sessions, _holder = _state.get()
    with sessions() as db:
        waiting = service.queued_ids(db)
    for submission_id in waiting:
        grade_task.delay(submission_id)
    if waiting:
        log.info("re-sent %d queued submissions", len(waiting))


class CeleryQueue:
    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def enqueue(self, submission_id: int) -> None:
        self.app.send_task(TASK, args=[submission_id])

    def unavailable_reason(self) -> str | None:
        return None  # the workers hold the sandboxes; their health is theirs to report

    def close(self) -> None:
        self.app.close()


def run_worker(settings: Settings) -> None:
    celery_app.worker_main(
        ["worker", "--loglevel=INFO", "--pool=threads", f"--concurrency={settings.workers}"]
    )
