"""Shared fixtures. The schema is always built by running the migrations.

Database tests run on SQLite, and also on PostgreSQL when DLI_TEST_DATABASE_URL points at one.
Under CI (the `CI` variable set) a missing PostgreSQL is an error, not a skip.
"""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.catalog import service as catalog_service
from app.config import ROOT, Settings
from app.db import make_engine, make_sessionmaker
from app.judge.spec import load_catalog
from app.main import create_app
from app.migrate import upgrade
from app.models import Base, Role
from app.sandbox import Sandbox
from app.sandbox.image import build_image
from tests.helpers import (
    PG_URL,
    ApiUser,
    MakeApiUser,
    docker_answers,
    require_or_skip,
    reset_postgres,
    user_with_token,
)


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


@pytest.fixture
def api_user(app: FastAPI) -> MakeApiUser:
    """`api_user(name, role=Role.user)`: a new user in the app's database and an API token of
    theirs, as `(user_id, token)` (`.headers` is the Authorization header)."""

    def make(name: str, role: Role = Role.user) -> ApiUser:
        with app.state.sessionmaker() as session:
            return user_with_token(session, name, role)

    return make


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
