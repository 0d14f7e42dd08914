"""Shared fixtures. The schema is always built by running the migrations.

Database tests run on SQLite, and also on PostgreSQL when DLI_TEST_DATABASE_URL points at one.
Under CI (the `CI` variable set) a missing PostgreSQL is an error, not a skip.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from app.catalog import service as catalog_service
from app.config import ROOT, Settings
from app.db import make_engine, make_sessionmaker
from app.judge.spec import load_catalog
from app.main import create_app
from app.migrate import upgrade
from app.models import Base
from app.sandbox import Sandbox
from app.sandbox.image import build_image

IN_CI = bool(os.environ.get("CI"))
PG_URL = os.environ.get("DLI_TEST_DATABASE_URL")


def require_or_skip(available: bool, reason: str) -> None:
    """Skip outside CI when a real service is missing; in CI, fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        require_or_skip(bool(PG_URL), "DLI_TEST_DATABASE_URL is not set: no PostgreSQL to test on")
        assert PG_URL
        url = PG_URL
        reset_postgres(url)
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, env="test", problems_dir=ROOT / "problems")


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Iterator[FastAPI]:
    _empty_tables(engine)
    application = create_app(settings)
    with make_sessionmaker(engine)() as db:
        catalog_service.sync(db, specs=load_catalog(settings.problems_dir))
        db.commit()
    yield application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def db(app: FastAPI) -> Iterator[Session]:
    with app.state.sessionmaker() as session:
        yield session


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client: TestClient, path: str) -> str:
    match = CSRF_RE.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def register(client: TestClient, username: str, password: str = "correct horse") -> None:
    token = csrf_from(client, "/register")
    resp = client.post(
        "/register",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text


def problems_dir() -> Path:
    return ROOT / "problems"


def docker_answers() -> bool:
    try:
        docker.from_env(timeout=5).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def sandbox_settings() -> Settings:
    return Settings(env="test", sandbox_pool_size=2)


@pytest.fixture(scope="session")
def sandbox(sandbox_settings: Settings) -> Iterator[Sandbox]:
    require_or_skip(docker_answers(), "no Docker engine answers")
    build_image(sandbox_settings, log=lambda _: None)
    box = Sandbox(sandbox_settings)
    yield box
    box.close()


class RecordingQueue:
    """Stands in for the grading queue where grading is not under test: it records the ids."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, submission_id: int) -> None:
        self.ids.append(submission_id)

    def unavailable_reason(self) -> str | None:
        return None

    def close(self) -> None:
        pass


def recording_queue(app: FastAPI) -> RecordingQueue:
    """Stop the app's real queue (its threads would claim jobs from the table) and record instead."""
    app.state.queue.close()
    app.state.queue = RecordingQueue()
    return app.state.queue
