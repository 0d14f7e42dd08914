"""Waiting for verdicts without holding a thread or a database connection.

A long-poll (`GET /submissions/{id}?wait=N`) awaits an asyncio event. One watcher task per API
process looks up, every half second and in a single query, which of the awaited submissions are
done, and wakes their waiters; the inline queue also wakes them the moment it records a verdict.
A thousand waiters cost a thousand small objects and two queries a second, not a thousand threads.
Each user may hold at most `max_waits_per_user` waits at once in a process.

When a verdict comes, the waiters of that submission (a user's several tabs) wake together; their
reads of it are shared (`read_once`): one query answers them all.
"""

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.errors import RateLimited
from app.models import Submission, SubmissionStatus

log = logging.getLogger("dli.waiting")
WATCH_EVERY_S = 0.5
T = TypeVar("T")


class VerdictWaiters:
    def __init__(self, sessions: sessionmaker[Session], max_per_user: int) -> None:
        self.sessions = sessions
        self.max_per_user = max_per_user
        self._events: dict[int, list[asyncio.Event]] = defaultdict(list)
        self._per_user: Counter[int] = Counter()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._reads: dict[tuple[int, int], asyncio.Future[Any]] = {}

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._watcher = asyncio.create_task(self._watch(), name="dli-verdict-watcher")

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()

    @property
    def waiting(self) -> int:
        return sum(len(events) for events in self._events.values())

    def notify(self, submission_id: int) -> None:
        """Wake the waiters of a submission; safe to call from any thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake, submission_id)

    def _wake(self, submission_id: int) -> None:
        for event in self._events.get(submission_id, []):
            event.set()

    async def wait(self, *, user_id: int, submission_id: int, timeout: float) -> None:
        """Return when the submission may be done, or after `timeout` seconds."""
        if self._per_user[user_id] >= self.max_per_user:
            raise RateLimited(
                f"at most {self.max_per_user} waits at once; poll without `wait` or try again",
                headers={"Retry-After": "2"},
            )
        event = asyncio.Event()
        self._events[submission_id].append(event)
        self._per_user[user_id] += 1
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            self._per_user[user_id] -= 1
            if not self._per_user[user_id]:
                del self._per_user[user_id]
            self._events[submission_id].remove(event)
            if not self._events[submission_id]:
                del self._events[submission_id]

    async def read_once(self, key: tuple[int, int], read: Callable[[], Awaitable[T]]) -> T:
        """`read()`, shared by every caller that asks for the same (user id, submission id) while
        it runs: the tabs a verdict wakes together cost one query, not one each."""
        future = self._reads.get(key)
        if future is None:
            future = asyncio.ensure_future(read())
            self._reads[key] = future
            future.add_done_callback(lambda _: self._reads.pop(key, None))
        result: T = await asyncio.shield(future)
        return result

    def _done(self, ids: list[int]) -> list[int]:
        with self.sessions() as db:
            stmt = select(Submission.id).where(
                Submission.id.in_(ids), Submission.status == SubmissionStatus.done
            )
            return list(db.scalars(stmt))

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_EVERY_S)
            ids = list(self._events)
            if not ids:
                continue
            try:
                for start in range(0, len(ids), 500):
                    for submission_id in await run_in_threadpool(
                        self._done, ids[start : start + 500]
                    ):
                        self._wake(submission_id)
            except Exception:  # a database hiccup: the next round tries again
                log.warning("could not look up awaited verdicts", exc_info=True)
