"""Long-polls that wake together share one read: a user's ten tabs on one Run cost one query."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.judge.kinds import Verdict
from app.models import Submission, SubmissionStatus
from app.submissions.waiting import VerdictWaiters
from tests.helpers import MakeApiUser, recording_queue

TABS = 10


def test_concurrent_reads_of_one_key_run_once_and_later_ones_read_again() -> None:
    calls: list[tuple[int, int]] = []

    async def scenario() -> None:
        waiters = VerdictWaiters(sessionmaker(), max_per_user=20)  # read_once never opens one

        def reader(key: tuple[int, int], value: str) -> Callable[[], Awaitable[str]]:
            async def read() -> str:
                calls.append(key)
                await asyncio.sleep(0.05)
                return value

            return read

        together = await asyncio.gather(
            *[waiters.read_once((1, 7), reader((1, 7), "first")) for _ in range(TABS)],
            waiters.read_once((2, 7), reader((2, 7), "other user")),
        )
        assert together == ["first"] * TABS + ["other user"]
        assert calls == [(1, 7), (2, 7)]
        # Once answered, nothing is kept: the next read is fresh.
        assert await waiters.read_once((1, 7), reader((1, 7), "second")) == "second"
        assert calls == [(1, 7), (2, 7), (1, 7)]

        async def broken() -> str:
            calls.append((3, 3))
            raise RuntimeError("database gone")

        results = await asyncio.gather(
            *[waiters.read_once((3, 3), broken) for _ in range(3)], return_exceptions=True
        )
        assert all(isinstance(r, RuntimeError) for r in results) and calls.count((3, 3)) == 1
        assert await waiters.read_once((3, 3), reader((3, 3), "back")) == "back"

    asyncio.run(scenario())


def queued_run(
    app: FastAPI, client: TestClient, user: MakeApiUser, name: str
) -> tuple[dict[str, str], int]:
    """A signed-in user's Run, queued and never graded (the test decides its verdict)."""
    recording_queue(app)
    headers = user(name).headers
    body = {"problem": "softmax-cross-entropy", "code": "x = 1\n", "mode": "run"}
    return headers, client.post("/api/v1/submissions", json=body, headers=headers).json()["id"]


def record_verdict(db: Session, sub_id: int, verdict: Verdict) -> None:
    row = db.get(Submission, sub_id)
    assert row is not None
    row.status, row.verdict = SubmissionStatus.done, verdict
    db.commit()


@contextmanager
def reads_of_submissions(app: FastAPI) -> Iterator[list[str]]:
    """The statements that read a submission with its problem (what a long-poll answers with)."""
    seen: list[str] = []

    def record(*args: object) -> None:  # conn, cursor, statement, parameters, context, many
        statement = str(args[2])
        if "FROM submissions JOIN problems" in statement:
            seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)


def test_tabs_woken_by_one_verdict_cost_one_read(
    app: FastAPI, db: Session, api_user: MakeApiUser
) -> None:
    with TestClient(app) as client:
        headers, sub_id = queued_run(app, client, api_user, "alice")
        answers: list[dict[str, object]] = []

        def tab() -> None:
            url = f"/api/v1/submissions/{sub_id}?wait=20"
            answers.append(client.get(url, headers=headers).json())

        tabs = [threading.Thread(target=tab) for _ in range(TABS)]
        for thread in tabs:
            thread.start()
        deadline = time.monotonic() + 10
        while app.state.waiters.waiting < TABS:
            assert time.monotonic() < deadline, "the tabs never started waiting"
            time.sleep(0.02)

        with reads_of_submissions(app) as reads:
            record_verdict(db, sub_id, Verdict.wrong_answer)
            app.state.waiters.notify(sub_id)
            for thread in tabs:
                thread.join(timeout=20)
        assert len(answers) == TABS
        assert all(a["status"] == "done" and a["verdict"] == "wrong_answer" for a in answers)
        assert len(reads) == 1, reads


@pytest.mark.parametrize("tabs", [1, 3])
def test_a_lone_waiter_still_gets_a_fresh_read(
    app: FastAPI, db: Session, api_user: MakeApiUser, tabs: int
) -> None:
    """Sharing never serves an answer older than the wake-up: a later poll reads again."""
    with TestClient(app) as client:
        headers, sub_id = queued_run(app, client, api_user, "bob")
        url = f"/api/v1/submissions/{sub_id}?wait=0.2"
        for _ in range(tabs):
            assert client.get(url, headers=headers).json()["status"] == "queued"
        record_verdict(db, sub_id, Verdict.accepted)
        assert client.get(url, headers=headers).json()["verdict"] == "accepted"
