"""Plain helpers shared by test modules (fixtures live in the conftest.py files, never here).

Test modules import from here, never from one another or from a conftest.
"""

import os
import re
from pathlib import Path
from typing import NamedTuple, Protocol

import docker
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.config import ROOT
from app.models import Role
from app.users import service as users

IN_CI = bool(os.environ.get("CI"))
PG_URL = os.environ.get("DLI_TEST_DATABASE_URL")
PASSWORD = "long enough pw"


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


def problems_dir() -> Path:
    return ROOT / "problems"


def docker_answers() -> bool:
    try:
        docker.from_env(timeout=5).ping()
        return True
    except Exception:
        return False


def runtime_registered(name: str) -> bool:
    try:
        return name in (docker.from_env(timeout=5).info().get("Runtimes") or {})
    except Exception:
        return False


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


def login(client: TestClient, username: str, password: str) -> int:
    token = csrf_from(client, "/login")
    resp = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return resp.status_code


def signed_in_as(client: TestClient) -> str | None:
    html = client.get("/account", follow_redirects=False)
    if html.status_code != 200:
        return None
    return html.text.split("<h1>", 1)[1].split("</h1>", 1)[0]


class ApiUser(NamedTuple):
    """A user and a plain API token of theirs: unpacks as `(user_id, token)`."""

    id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class MakeApiUser(Protocol):
    """The `api_user` fixture: `api_user(name, role=Role.user)` makes a user and a token."""

    def __call__(self, name: str, role: Role = Role.user) -> ApiUser: ...


def user_with_token(db: Session, name: str, role: Role = Role.user) -> ApiUser:
    """A new user and an API token of theirs, committed."""
    user = users.create_user(db, username=name, password=PASSWORD, role=role)
    _, token = users.create_token(db, user=user, name="t")
    db.commit()
    return ApiUser(user.id, token)


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
    queue = RecordingQueue()
    app.state.queue = queue
    return queue
