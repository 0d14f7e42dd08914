"""Engine and sessions. A request's session owns its transaction; services never commit."""

import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

log = logging.getLogger("dli.db")
T = TypeVar("T")


def make_engine(url: str, *, lock_timeout_s: float = 10.0, connections: int = 10) -> Engine:
    """An engine whose writes wait at most `lock_timeout_s` for a lock, then fail (a 503).

    It keeps `connections` open and opens up to 10 more when they are all in use; a thread that
    still finds none waits `lock_timeout_s`, then fails with a 503 as well.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": lock_timeout_s}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    options = f"-c lock_timeout={int(lock_timeout_s * 1000)}"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=connections,
        max_overflow=10,
        pool_timeout=lock_timeout_s,
        connect_args={"options": options},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request: committed when the handler returns, rolled back otherwise.

    Its scope is the handler ("function"), so the commit happens before the response is sent:
    a client never sees success for a write that did not commit (a failed commit is a 503).

    At most `database_connections` requests hold a session at once; the others wait here, on
    the event loop, not in a thread. Otherwise a burst deadlocks: requests between two thread
    hops hold every connection while every thread waits for one.
    """
    async with request.app.state.db_slots:
        session: Session = request.app.state.sessionmaker()
        try:
            yield session
            await run_in_threadpool(session.commit)
        except BaseException:
            # Detach first: a rollback would expire loaded objects, and the error page still
            # shows the signed-in user's name.
            await run_in_threadpool(_discard, session)
            raise
        finally:
            await run_in_threadpool(session.close)


def _discard(session: Session) -> None:
    session.expunge_all()
    session.rollback()


async def in_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run `work` in a thread with a session of its own, committed, under a request slot.

    For async routes that then wait (the long-poll): nothing is held while they do.
    """
    async with request.app.state.db_slots:

        def run() -> T:
            with request.app.state.sessionmaker() as db, db.begin():
                return work(db)

        return await run_in_threadpool(run)


def after_commit(db: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once this session's transaction has committed; never if it rolls back.

    Jobs are enqueued this way: a job never exists for a row that was not committed, and no route
    commits by hand to get there.
    """
    db.connection()  # begin the transaction now, so that a rollback of it forgets the callback
    db.info.setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop("after_commit", []):
        try:
            callback()
        except Exception:  # the row is committed; the queue finds it again (see queue.py)
            log.exception("an after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _forget_after_commit(session: Session) -> None:
    session.info.pop("after_commit", None)


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
# Row ids in URLs: anything outside a 64-bit integer column is simply not found, never a crash.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
