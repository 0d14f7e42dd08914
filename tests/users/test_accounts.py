"""Register, sign in, sign out: the failures users and attackers will try."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User
from tests.helpers import csrf_from, login, register, signed_in_as


def test_register_signs_in_and_hashes_the_password(client: TestClient, db: Session) -> None:
    register(client, "alice", "correct horse")
    assert signed_in_as(client) == "alice"
    stored = db.scalar(select(User).where(User.username == "alice"))
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert "correct horse" not in stored.password_hash


def test_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    token = csrf_from(client, "/register")
    resp = client.post(
        "/register",
        data={"username": "alice", "password": "correct horse", "csrf_token": token},
        follow_redirects=False,
    )
    cookie = resp.headers["set-cookie"].lower()
    assert "dli_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_duplicate_username_is_refused(app, client: TestClient) -> None:
    register(client, "alice")
    other = TestClient(app)
    token = csrf_from(other, "/register")
    resp = other.post(
        "/register", data={"username": "alice", "password": "another one", "csrf_token": token}
    )
    assert resp.status_code == 409
    assert "taken" in resp.text
    assert signed_in_as(other) is None


def test_register_rejects_bad_names_and_short_passwords(client: TestClient) -> None:
    token = csrf_from(client, "/register")
    bad_name = client.post(
        "/register", data={"username": "a b<", "password": "long enough", "csrf_token": token}
    )
    assert bad_name.status_code == 422
    short = client.post(
        "/register", data={"username": "bob", "password": "short", "csrf_token": token}
    )
    assert short.status_code == 422
    assert signed_in_as(client) is None


def test_wrong_password_and_unknown_user_look_the_same(app, client: TestClient) -> None:
    register(client, "alice", "correct horse")
    fresh = TestClient(app)
    wrong = fresh.post(
        "/login",
        data={
            "username": "alice",
            "password": "wrong pass",
            "csrf_token": csrf_from(fresh, "/login"),
        },
    )
    unknown = fresh.post(
        "/login",
        data={
            "username": "nobody",
            "password": "wrong pass",
            "csrf_token": csrf_from(fresh, "/login"),
        },
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password." in wrong.text
    # Same page apart from the echoed username: nothing tells which names exist.
    assert wrong.text.replace("alice", "X") == unknown.text.replace("nobody", "X")
    assert signed_in_as(fresh) is None
    assert login(fresh, "alice", "correct horse") == 303
    assert signed_in_as(fresh) == "alice"


def test_post_without_or_with_wrong_csrf_token_is_forbidden(client: TestClient) -> None:
    client.get("/register")  # a session exists, with its own token
    missing = client.post("/register", data={"username": "alice", "password": "correct horse"})
    assert missing.status_code == 403
    forged = client.post(
        "/register", data={"username": "alice", "password": "correct horse", "csrf_token": "x" * 43}
    )
    assert forged.status_code == 403
    assert signed_in_as(client) is None


def test_csrf_token_from_another_session_is_refused(app, client: TestClient) -> None:
    attacker = TestClient(app)
    stolen = csrf_from(attacker, "/register")
    csrf_from(client, "/register")
    resp = client.post(
        "/register", data={"username": "alice", "password": "correct horse", "csrf_token": stolen}
    )
    assert resp.status_code == 403


def test_tampered_session_cookie_is_ignored(client: TestClient) -> None:
    register(client, "alice")
    original = client.cookies["dli_session"]
    payload, rest = original.split(".", 1)
    tampered = ("A" if payload[0] != "A" else "B") + payload[1:] + "." + rest
    client.cookies.clear()
    client.cookies.set("dli_session", tampered)
    assert signed_in_as(client) is None
    client.cookies.set("dli_session", original)
    assert signed_in_as(client) == "alice"


def test_sign_out_ends_the_session(client: TestClient) -> None:
    register(client, "alice")
    token = csrf_from(client, "/account")
    resp = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert resp.status_code == 303
    assert signed_in_as(client) is None


def test_account_page_redirects_anonymous_visitors_to_sign_in(client: TestClient) -> None:
    resp = client.get("/account", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=/account"


def test_login_next_only_allows_local_paths(app, client: TestClient) -> None:
    register(client, "alice", "correct horse")
    fresh = TestClient(app)
    for target, expected in [
        ("/account", "/account"),
        ("//evil.example", "/"),
        ("https://x.y", "/"),
    ]:
        fresh.cookies.clear()
        token = csrf_from(fresh, "/login")
        resp = fresh.post(
            "/login",
            data={
                "username": "alice",
                "password": "correct horse",
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert resp.headers["location"] == expected
