"""Grading jobs on Celery and Redis (DLI_QUEUE=celery): workers on many hosts, one database.

Jobs are acknowledged late: a worker killed mid-job leaves its job unacknowledged, and Redis hands it
to another worker after the visibility timeout. That worker re-claims the submission (it is still
`running`); recording a verdict is idempotent, so the user's status counts it once.
"""

import functools
import logging
import threading
import time

from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown

from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.submissions import service
from app.submissions.worker import Worker

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


class _WorkerState:
    """Per worker process: one database engine, catalog and sandbox pool, made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.worker: Worker | None = None

    def get(self) -> Worker:
        with self._lock:
            if self.worker is None:
                settings = get_settings()
                engine = make_engine(
                    settings.database_url, lock_timeout_s=settings.database_lock_timeout_s
                )
                self.worker = Worker(settings, make_sessionmaker(engine))
            return self.worker


_state = _WorkerState()


def grade_task(self: Task, submission_id: int) -> None:
    """Grade fairly across users until this task's own submission has been claimed.

    A task does not necessarily grade its own submission: each claim takes the job of the user
    who has waited longest (service.claim_next), so a burst from one user cannot starve another.
    A redelivered task (its worker died mid-job, the job still `running`) reclaims its own job.
    """
    worker = _state.get()
    if (self.request.delivery_info or {}).get("redelivered"):
        worker.grade_submission(submission_id, reclaim=True)
        return
    while True:
        job = worker.grade_next()
        if job is None or job.id == submission_id:
            return


SWEEP_EVERY_S = 10.0


def _sweep() -> None:
    """Grade jobs that no message will bring: sent while Redis was down, lost when it restarted
    without persistence, or claimed by a worker that died (its lease ran out). The claim is a
    compare-and-set, so a job whose message does arrive is still graded once."""
    worker = _state.get()
    older_than_s = worker.settings.job_lease_s / 3
    while True:
        time.sleep(SWEEP_EVERY_S)
        try:
            with worker.sessions() as db:
                stale = service.has_stale_jobs(db, older_than_s=older_than_s)
            while stale:
                job = worker.grade_next()
                with worker.sessions() as db:
                    stale = job is not None and service.has_stale_jobs(
                        db, older_than_s=older_than_s
                    )
        except Exception:
            log.exception("the sweep for forgotten jobs failed; it runs again")


def _requeue_waiting(**_: object) -> None:
    # A submission whose job never reached Redis (the broker was down) is still queued: send it.
    worker = _state.get()
    with worker.sessions() as db:
        waiting = service.queued_ids(db)
    for submission_id in waiting:
        worker_app().send_task(TASK, args=[submission_id])
    if waiting:
        log.info("re-sent %d queued submissions", len(waiting))
    worker.warm_up_in_background()
    threading.Thread(target=_sweep, name="dli-sweep", daemon=True).start()


def _close_sandboxes(**_: object) -> None:
    # The warm pool's containers are this process's: left behind, nothing would remove them (the
    # next worker may run under another host name, as in a new container).
    if _state.worker is not None:
        _state.worker.close()


@functools.cache
def worker_app() -> Celery:
    """The worker's Celery app, built on first use (importing this module connects to nothing)."""
    app = make_celery(get_settings())
    app.task(name=TASK, bind=True)(grade_task)
    worker_ready.connect(_requeue_waiting, weak=False)
    worker_shutdown.connect(_close_sandboxes, weak=False)
    return app


class CeleryQueue:
    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def enqueue(self, submission_id: int) -> None:
        self.app.send_task(TASK, args=[submission_id])

    def unavailable_reason(self) -> str | None:
        return None  # the workers hold the sandboxes; their health is theirs to report

    def ready(self) -> str | None:
        """Why jobs cannot be handed to the workers (Redis does not answer), or None."""
        try:
            with self.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            return f"the broker does not answer ({type(exc).__name__})"
        return None

    def close(self) -> None:
        self.app.close()


def run_worker(settings: Settings) -> None:
    if settings.worker_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port)  # this worker's verdict counters
    worker_app().worker_main(
        ["worker", "--loglevel=INFO", "--pool=threads", f"--concurrency={settings.workers}"]
    )
