"""The views an interview's pages poll cost a fixed number of SQL statements: one more submission
(or more case results, or more snapshots) is never one more query. And the candidate's code has
one size limit, answered with one status."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.catalog.service import MAX_CODE_BYTES
from app.judge.kinds import Verdict
from app.models import CaseResult, Problem, Role, Submission, SubmissionStatus, User
from app.users import service as users
from tests.helpers import MakeApiUser, recording_queue
from tests.interviews.helpers import create, token_of

CASES = 6


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        recording_queue(app)
        app.state.interview_timer.close()  # its sweeps would be counted too
        yield client


@contextmanager
def counting(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs meanwhile."""
    statements: list[str] = []

    def count(*args: object) -> None:  # conn, cursor, statement, parameters, context, many
        statements.append(str(args[2]))

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)


def graded_interview(api: TestClient, db: Session, proctor: dict, submissions: int) -> dict:
    """A live interview with `submissions` graded runs and submits of `CASES` cases each."""
    created = create(api, proctor, title=f"{submissions} submissions")
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    api.put(
        f"/api/v1/interview-sessions/{token_of(created['candidate_link'])}/code/0",
        json={"code": "x = 1"},
    )
    problem = db.scalars(select(Problem).where(Problem.slug == created["problems"][0])).one()
    guest = users.create_user(
        db, username=f"guest{submissions}", password="long enough pw", role=Role.user
    )
    for n in range(submissions):
        sub = Submission(
            user_id=guest.id,
            problem_id=problem.id,
            problem_version=problem.version,
            mode="submit" if n % 2 else "run",
            code=f"x = {n}",
            status=SubmissionStatus.done,
            verdict=Verdict.wrong_answer,
            cases_passed=CASES - 1,
            cases_total=CASES,
            stdout="printed",
            interview_id=created["id"],
        )
        db.add(sub)
        db.flush()
        db.add_all(
            CaseResult(
                submission_id=sub.id,
                position=i,
                name=f"case {i}",
                hidden=i >= 2,
                passed=i > 0,
                diagnostic="expected 1, got 2" if i == 0 else "",
            )
            for i in range(CASES)
        )
    db.commit()
    return created


def test_views_cost_the_same_queries_for_one_or_five_submissions(
    app: FastAPI, api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    one = graded_interview(api, db, proctor, submissions=1)
    five = graded_interview(api, db, proctor, submissions=5)

    def cost(call: Callable[[dict], object]) -> tuple[int, int]:
        counts = []
        for created in (one, five):
            with counting(app) as statements:
                call(created)
            counts.append(len(statements))
        return counts[0], counts[1]

    def proctor_view(created: dict) -> None:
        view = api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()
        assert all(len(s["cases"]) == CASES for s in view["submissions"])

    def candidate_submissions(created: dict) -> None:
        token = token_of(created["candidate_link"])
        subs = api.get(f"/api/v1/interview-sessions/{token}/submissions").json()
        assert all(len(s["cases"]) == CASES for s in subs)

    assert (
        len(api.get(f"/api/v1/interviews/{five['id']}", headers=proctor).json()["submissions"]) == 5
    )
    for call in (proctor_view, candidate_submissions):
        with_one, with_five = cost(call)
        assert with_one == with_five, (call.__name__, with_one, with_five)

    for created in (one, five):
        api.post(f"/api/v1/interviews/{created['id']}/end", headers=proctor)

    def candidate_report(created: dict) -> None:
        assert api.get(f"/i/{token_of(created['candidate_link'])}/report").status_code == 200

    with_one, with_five = cost(candidate_report)
    assert with_one == with_five, ("report", with_one, with_five)


def test_the_proctor_view_never_loads_snapshot_code(
    app: FastAPI, api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = graded_interview(api, db, proctor, submissions=2)
    token = token_of(created["candidate_link"])
    for i in range(5):
        api.put(f"/api/v1/interview-sessions/{token}/code/0", json={"code": f"v{i}"})
    with counting(app) as statements:
        assert api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).status_code == 200
    assert not _reads_snapshot_code(statements)
    api.post(f"/api/v1/interviews/{created['id']}/end", headers=proctor)
    with counting(app) as statements:
        page = api.get(f"/i/{token}/report")
    assert page.status_code == 200 and '"chars": 2' in page.text
    assert not _reads_snapshot_code(statements)


def _reads_snapshot_code(statements: list[str]) -> list[str]:
    """The statements that read snapshots' code (its length is allowed)."""
    return [
        s
        for s in statements
        if "code_snapshots.code" in s.replace("length(code_snapshots.code)", "")
    ]


def test_code_over_the_limit_is_a_413_wherever_it_is_sent(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    """The limit is in UTF-8 bytes, the same for a save and a submit, and always a 413."""
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor)
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    token = token_of(created["candidate_link"])
    save = f"/api/v1/interview-sessions/{token}/code/0"
    fits = "é" * (MAX_CODE_BYTES // 2)  # two bytes each: exactly at the limit
    assert api.put(save, json={"code": fits}).status_code == 204
    for over in ("x" * (MAX_CODE_BYTES + 1), fits + "x"):
        saved = api.put(save, json={"code": over})
        assert saved.status_code == 413 and saved.json()["error"] == "payload_too_large"
        submitted = api.post(
            f"/api/v1/interview-sessions/{token}/submissions",
            json={"position": 0, "code": over, "mode": "run"},
        )
        assert submitted.status_code == 413 and submitted.json()["error"] == "payload_too_large"
    assert db.scalar(select(func.count()).select_from(Submission)) == 0
    assert (
        db.scalar(select(func.count()).select_from(User).where(User.username.like("guest-%"))) == 0
    )
