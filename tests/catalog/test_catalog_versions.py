"""One catalog per process, kept in step with the database: a sync by another process is picked up
by a running server, and a job is graded against the version that was submitted or not at all."""

import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.catalog import service as catalog_service
from app.config import ROOT, Settings
from app.db import make_sessionmaker
from app.judge.kinds import Verdict
from app.judge.spec import Catalog, load_catalog
from app.main import create_app
from app.models import Submission, SubmissionStatus
from app.submissions import service as submissions
from app.submissions.worker import Worker
from app.users import service as users

SLUG = "log-softmax"


@pytest.fixture
def problems(tmp_path: Path) -> Path:
    folder = tmp_path / "problems"
    shutil.copytree(ROOT / "problems" / SLUG, folder / SLUG)
    return folder


def _sync(engine: Engine, problems: Path) -> None:
    with make_sessionmaker(engine)() as db:
        catalog_service.sync(db, specs=load_catalog(problems))
        db.commit()


def _edit_statement(problems: Path, text: str) -> None:
    statement = problems / SLUG / "statement.md"
    statement.write_text(statement.read_text() + f"\n\n{text}\n")


def test_a_running_server_picks_up_a_sync_by_another_process(
    app: FastAPI,
    settings: Settings,
    engine: Engine,
    problems: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Catalog, "RELOAD_INTERVAL", 0.0)
    _sync(engine, problems)
    server = create_app(settings.model_copy(update={"problems_dir": problems}))
    client = TestClient(server)
    assert client.get(f"/problems/{SLUG}").status_code == 200

    _edit_statement(problems, "Marker sentence number 4217.")
    # Edited on disk but not synced: the server keeps serving the version the database names.
    assert "4217" not in client.get(f"/problems/{SLUG}").text
    _sync(engine, problems)  # as `dli problems sync` does, from another process
    assert "Marker sentence number 4217." in client.get(f"/problems/{SLUG}").text


def test_a_job_is_graded_against_the_version_submitted_or_says_why_not(
    app: FastAPI,
    settings: Settings,
    engine: Engine,
    problems: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Catalog, "RELOAD_INTERVAL", 0.0)
    _sync(engine, problems)
    sessions = make_sessionmaker(engine)
    with sessions() as db:
        user = users.create_user(db, username="ada", password="correct horse")
        problem = catalog_service.get_problem(db, slug=SLUG)
        submission = submissions.create_submission(
            db,
            user_id=user.id,
            problem_id=problem.id,
            problem_version=problem.version,
            code=(ROOT / "problems" / SLUG / "reference.py").read_text(),
            mode="submit",
        )
        db.commit()
        submission_id, submitted_version = submission.id, problem.version

    _edit_statement(problems, "A new version.")
    _sync(engine, problems)  # the question changed while the job waited
    worker = Worker(settings.model_copy(update={"problems_dir": problems}), sessions)
    result = worker.grade_submission(submission_id)
    assert result is not None and result.verdict == Verdict.internal_error
    assert "updated after you sent this code" in result.detail
    now = worker.catalog.get(SLUG)
    assert now is not None and now.version != submitted_version
    with sessions() as db:
        stored = db.get(Submission, submission_id)
        assert stored is not None and stored.status == SubmissionStatus.done
        assert stored.verdict == Verdict.internal_error  # ours: the user's status is untouched
    worker.close()


def test_a_folder_edited_after_loading_is_not_graded_under_the_old_version(
    problems: Path,
) -> None:
    from app.judge.problem import graded_problem
    from app.judge.spec import CatalogError

    catalog = Catalog(problems)
    spec = catalog.get(SLUG)
    assert spec is not None
    (problems / SLUG / "cases.py").write_text(
        (problems / SLUG / "cases.py").read_text() + "\n# edited\n"
    )
    with pytest.raises(CatalogError, match="changed since version"):
        graded_problem(spec)
