"""The question table: two tables, per-user status, filters, progress and acceptance."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.judge.kinds import Verdict
from app.models import Problem, Submission, SubmissionStatus, User, utcnow
from app.submissions.service import apply_to_status
from tests.helpers import problems_dir, register


def finish(db: Session, username: str, slug: str, verdict: Verdict, mode: str = "submit") -> None:
    """Record a graded submission the way the worker will: done, then folded into the status."""
    user = db.scalars(select(User).where(User.username == username)).one()
    problem = db.scalars(select(Problem).where(Problem.slug == slug)).one()
    sub = Submission(
        user_id=user.id,
        problem_id=problem.id,
        problem_version=problem.version,
        mode=mode,
        code="...",
        status=SubmissionStatus.done,
        verdict=verdict,
        cases_passed=10 if verdict == Verdict.accepted else 3,
        cases_total=10,
        finished_at=utcnow(),
    )
    db.add(sub)
    db.flush()
    apply_to_status(db, submission=sub)
    db.commit()


def status_cells(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-slug="([^"]+)" data-status="([^"]+)"', html))


def test_both_tables_are_listed_with_their_columns(client: TestClient) -> None:
    html = client.get("/").text
    assert "Deep Learning Coding Interview Questions" in html
    assert "Extended Deep Learning Coding Questions" in html
    headers = re.findall(r"<th[^>]*>(?:<button[^>]*>)?([A-Za-z]+)", html)
    for column in ("Status", "Question", "Category", "Difficulty", "Acceptance"):
        assert column in headers
    assert html.index("softmax-cross-entropy") < html.index("log-softmax")
    assert "Sign in</a> or" in html  # anonymous prompt


def test_status_column_is_per_user(app, client: TestClient, db: Session) -> None:
    alice, bob = client, TestClient(app)
    register(alice, "alice")
    register(bob, "bob")
    finish(db, "alice", "softmax-cross-entropy", Verdict.accepted)
    finish(db, "bob", "log-softmax", Verdict.wrong_answer)
    finish(db, "bob", "softmax-cross-entropy", Verdict.accepted, mode="run")  # Run never solves

    mine, theirs = status_cells(alice.get("/").text), status_cells(bob.get("/").text)
    total = len(mine)
    assert mine["softmax-cross-entropy"] == "solved" and mine["log-softmax"] == "todo"
    assert theirs["softmax-cross-entropy"] == "todo" and theirs["log-softmax"] == "attempted"
    assert {v for k, v in mine.items() if k != "softmax-cross-entropy"} == {"todo"}
    assert '<span class="st solved" title="Solved">✓' in alice.get("/").text
    assert "✓" not in bob.get("/").text
    assert f"Solved 1 of {total}" in alice.get("/").text
    assert f"Solved 0 of {total}" in bob.get("/").text
    anonymous = status_cells(TestClient(app).get("/").text)
    assert set(anonymous.values()) == {"todo"}


def test_solved_stays_solved_and_counts_attempts(client: TestClient, db: Session) -> None:
    register(client, "alice")
    finish(db, "alice", "log-softmax", Verdict.wrong_answer)
    finish(db, "alice", "log-softmax", Verdict.accepted)
    finish(db, "alice", "log-softmax", Verdict.runtime_error)
    finish(db, "alice", "log-softmax", Verdict.internal_error)  # our fault: not an attempt
    from app.models import UserProblemStatus

    status = db.scalars(select(UserProblemStatus)).one()
    assert status.status == "solved" and status.attempts == 3
    assert status.first_solved_at is not None
    best = db.get(Submission, status.best_submission_id)
    assert best is not None and best.verdict == Verdict.accepted


def test_filters_by_category_and_status(client: TestClient, db: Session) -> None:
    register(client, "alice")
    finish(db, "alice", "log-softmax", Verdict.accepted)
    everything = status_cells(client.get("/").text)
    by_category = status_cells(client.get("/", params={"category": "Deep Learning"}).text)
    assert "softmax-cross-entropy" in by_category and "log-softmax" not in by_category
    solved = status_cells(client.get("/", params={"status": "solved"}).text)
    assert list(solved) == ["log-softmax"]
    todo = status_cells(client.get("/", params={"status": "todo"}).text)
    assert set(todo) == set(everything) - {"log-softmax"}
    assert client.get("/", params={"status": "bogus"}).status_code == 200


def test_acceptance_counts_every_users_submits(app, client: TestClient, db: Session) -> None:
    register(client, "alice")
    register(TestClient(app), "bob")
    finish(db, "alice", "softmax-cross-entropy", Verdict.wrong_answer)
    finish(db, "alice", "softmax-cross-entropy", Verdict.accepted)
    finish(db, "bob", "softmax-cross-entropy", Verdict.accepted)
    finish(db, "bob", "softmax-cross-entropy", Verdict.wrong_answer)
    html = client.get("/").text
    row = html.split('data-slug="softmax-cross-entropy"', 1)[1].split("</tr>", 1)[0]
    assert "50%" in row and "(2/4)" in row


def test_problem_page_renders_the_statement_safely(client: TestClient) -> None:
    html = client.get("/problems/softmax-cross-entropy").text
    assert "<h2>Interface</h2>" in html
    assert "def softmax_cross_entropy" in html
    assert client.get("/problems/no-such-thing").status_code == 404


def test_markdown_escapes_raw_html() -> None:
    from app.markdown import to_html

    out = to_html("<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in out and 'href="javascript:' not in out


def test_guides_are_linked_from_the_table(client: TestClient) -> None:
    html = client.get("/").text
    for slug, heading in [("pitfalls", "Common pitfalls"), ("debugging", "Debugging strategies")]:
        assert f'href="/guides/{slug}"' in html
        page = client.get(f"/guides/{slug}")
        assert page.status_code == 200 and f"<h1>{heading}" in page.text
    assert client.get("/guides/nope").status_code == 404


def test_the_table_follows_the_folders_order(client: TestClient) -> None:
    """Each table lists its questions by their `order` in problem.toml, every one of them once."""
    from app.judge.spec import load_catalog
    from app.judge.validate import catalog_problems

    specs = load_catalog(problems_dir())
    assert catalog_problems(specs) == []  # orders unique per table, categories known
    html = client.get("/").text
    core, extended = html.split("Extended Deep Learning Coding Questions", 1)
    for table, part in (("core", core), ("extended", extended)):
        want = [s.slug for s in sorted(specs, key=lambda s: s.meta.order) if s.meta.table == table]
        assert re.findall(r'<tr data-slug="([^"]+)"', part) == want
