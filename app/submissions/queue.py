"""Grading jobs. The queue is the submissions table: a job is enqueued only after the commit
that created its row, and a worker claims jobs fairly across users (service.claim_next) under a
lease it renews while it grades; a claim whose worker died runs out and is taken over.

`InlineQueue` is the worker pool inside `dli serve` (DLI_QUEUE=inline); `celery_queue` runs the
same claim-grade-record step (`worker.Worker`) in `dli worker` processes on many hosts.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.judge.spec import Catalog
from app.submissions import service
from app.submissions.worker import Worker

log = logging.getLogger("dli.queue")


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
        catalog: Catalog,
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.on_done = on_done
        self.worker = Worker(settings, sessions, catalog)
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
        self.worker.warm_up_in_background()
        for thread in self._threads:
            thread.start()

    def enqueue(self, submission_id: int) -> None:
        with self._work:
            self._pending += 1
            self._work.notify()

    def unavailable_reason(self) -> str | None:
        return self.worker.holder.unavailable_reason()

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
                while not self._closed and self.worker.grade_next(self.on_done) is not None:
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
        self.worker.close()


def make_queue(
    settings: Settings,
    sessions: sessionmaker[Session],
    catalog: Catalog,
    on_done: Callable[[int], None] | None = None,
) -> JobQueue:
    """The configured queue; `on_done(id)` is called when the inline queue records a verdict."""
    if settings.queue == "celery":
        from app.submissions.celery_queue import CeleryQueue

        return CeleryQueue(settings)
    queue = InlineQueue(settings, sessions, catalog, on_done)
    queue.start()
    return queue
