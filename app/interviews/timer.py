"""Ends interviews whose time is up, every few seconds, whether or not anyone has a page open."""

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from app.interviews import service

log = logging.getLogger("dli.interviews")


class Sweeper:
    def __init__(self, sessions: sessionmaker[Session], every_s: float = 2.0) -> None:
        self.sessions, self.every_s = sessions, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dli-interview-timer", daemon=True)

    def start(self) -> "Sweeper":
        self._thread.start()
        return self

    def sweep(self) -> int:
        with self.sessions() as db:
            ended = service.expire_all_due(db)
            db.commit()
        return ended

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.sweep()
            except Exception:
                log.exception("interview timer sweep failed")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
