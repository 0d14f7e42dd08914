"""Engine and sessions. A request's session owns its transaction; services never commit."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, lock_timeout_s: float = 10.0) -> Engine:
    """An engine whose writes wait at most `lock_timeout_s` for a lock, then fail (a 503)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": lock_timeout_s}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    options = f"-c lock_timeout={int(lock_timeout_s * 1000)}"
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options})


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def get_db(request: Request) -> Iterator[Session]:
    """One session per request: committed when the handler returns, rolled back otherwise.

    Its scope is the handler ("function"), so the commit happens before the response is sent:
    a client never sees success for a write that did not commit (a failed commit is a 503).
    """
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        # Detach first: a rollback would expire loaded objects, and the error page still shows
        # the signed-in user's name.
        session.expunge_all()
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
# Row ids in URLs: anything outside a 64-bit integer column is simply not found, never a crash.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
