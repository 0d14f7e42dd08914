"""API tokens: created on the account page, shown once, stored hashed, usable, revocable."""

import hashlib
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import main as cli_main
from app.config import Settings
from app.models import ApiToken
from tests.helpers import csrf_from, register


def create_token(client: TestClient, name: str = "laptop") -> str:
    resp = client.post(
        "/account/tokens", data={"name": name, "csrf_token": csrf_from(client, "/account")}
    )
    assert resp.status_code == 201
    match = re.search(r'<code id="new-token">([^<]+)</code>', resp.text)
    assert match
    return match.group(1)


def test_token_is_shown_once_and_stored_hashed(client: TestClient, db: Session) -> None:
    register(client, "alice")
    plain = create_token(client)
    assert plain.startswith("dli_") and len(plain) > 40
    assert plain not in client.get("/account").text  # never shown again
    stored = db.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.token_hash, stored.prefix)


def test_token_authenticates_api_calls_until_revoked(client: TestClient, db: Session) -> None:
    register(client, "alice")
    plain = create_token(client)
    api = TestClient(client.app)
    headers = {"Authorization": f"Bearer {plain}"}
    me = api.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "alice"
    assert api.get("/api/v1/problems", headers=headers).status_code == 200

    token_id = db.scalars(select(ApiToken.id)).one()
    resp = client.post(
        f"/account/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_from(client, "/account")},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    denied = api.get("/api/v1/me", headers=headers)
    assert denied.status_code == 401
    assert denied.json() == {
        "error": "unauthorized",
        "detail": "That API token is not valid or was revoked.",
    }
    assert denied.headers["www-authenticate"] == "Bearer"


def test_cannot_revoke_another_users_token(app, client: TestClient, db: Session) -> None:
    register(client, "alice")
    plain = create_token(client)
    mallory = TestClient(app)
    register(mallory, "mallory")
    token_id = db.scalars(select(ApiToken.id)).one()
    resp = mallory.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(mallory, "/account")}
    )
    assert resp.status_code == 404
    assert (
        TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 200
    )


def test_missing_or_garbage_tokens_get_401(client: TestClient) -> None:
    assert client.get("/api/v1/me").json()["error"] == "unauthorized"
    for value in ("Bearer nope", "Bearer dli_" + "x" * 43, "Basic abc"):
        assert client.get("/api/v1/me", headers={"Authorization": value}).status_code == 401


def test_cli_creates_users_and_prints_a_working_token(
    client: TestClient,
    settings: Settings,
    monkeypatch,
    capsys,
) -> None:
    monkeypatch.setenv("DLI_DATABASE_URL", settings.database_url)
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long password\n"))
        assert (
            cli_main(["user", "create", "proctor1", "--role", "proctor", "--password-stdin"]) == 0
        )
        capsys.readouterr()
        assert cli_main(["token", "create", "proctor1", "--name", "script"]) == 0
        plain = capsys.readouterr().out.strip()
        assert cli_main(["token", "create", "nobody"]) == 1
    finally:
        get_settings.cache_clear()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).json()
    assert me["username"] == "proctor1" and me["role"] == "proctor"
