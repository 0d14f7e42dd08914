"""Sliding-window rate limits counted in the database, so every API process shares them.

A check first upserts the key's row in `rate_limit_keys`. That write takes the row lock on
PostgreSQL and the database write lock on SQLite, held until the transaction ends, so two requests
for the same key cannot both count the same free slot: the check, the count and the new event are
atomic on both databases. Keep such transactions short (the request's, or a dedicated one).
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.errors import RateLimited
from app.models import RateLimitEvent, RateLimitKey, utcnow


def _lock(db: Session, key: str, now: datetime) -> None:
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RateLimitKey).values(key=key, touched_at=now)
    db.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"touched_at": now}))


def _recent(db: Session, key: str, since: datetime) -> list[datetime]:
    stmt = select(RateLimitEvent.at).where(RateLimitEvent.key == key, RateLimitEvent.at > since)
    return list(db.scalars(stmt.order_by(RateLimitEvent.at)))


def check(db: Session, *, key: str, limit: int, window_s: int, what: str) -> datetime:
    """Lock `key` and raise RateLimited if `limit` events happened in the last `window_s`."""
    now = utcnow()
    _lock(db, key, now)
    recent = _recent(db, key, now - timedelta(seconds=window_s))
    if len(recent) >= limit:
        wait = window_s - (now - recent[-limit]).total_seconds()
        retry = max(1, math.ceil(wait))
        raise RateLimited(f"{what}; try again in {retry} s", headers={"Retry-After": str(retry)})
    return now


def record(db: Session, *, key: str, window_s: int, at: datetime | None = None) -> None:
    """Count one event for `key` (and forget this key's events older than the window)."""
    now = at or utcnow()
    db.execute(
        delete(RateLimitEvent).where(
            RateLimitEvent.key == key, RateLimitEvent.at <= now - timedelta(seconds=window_s)
        )
    )
    db.add(RateLimitEvent(key=key, at=now))
    db.flush()


def hit(db: Session, *, key: str, limit: int, window_s: int, what: str) -> None:
    """Check and count one event atomically: at most `limit` per `window_s` for `key`."""
    now = check(db, key=key, limit=limit, window_s=window_s, what=what)
    record(db, key=key, window_s=window_s, at=now)


def count(db: Session, *, key: str, window_s: int) -> int:
    """Events in the window, without locking (for reports and tests)."""
    since = utcnow() - timedelta(seconds=window_s)
    stmt = select(func.count()).where(RateLimitEvent.key == key, RateLimitEvent.at > since)
    return int(db.scalar(stmt) or 0)
