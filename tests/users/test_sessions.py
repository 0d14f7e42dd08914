"""Sessions that really end, passwords that are not trivially guessed, and sign-in throttling."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2.exceptions import VerifyMismatchError
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.users import service
from tests.helpers import csrf_from, login, register, signed_in_as


def cookie_of(client: TestClient) -> str:
    value = client.cookies.get("dli_session")
    assert value
    return value


def replay(app: FastAPI, cookie: str) -> tuple[int, int]:
    """A fresh client presenting an old cookie: /account's and /api/v1/me's status codes."""
    stranger = TestClient(app)
    stranger.cookies.set("dli_session", cookie)
    page = stranger.get("/account", follow_redirects=False).status_code
    api = stranger.get("/api/v1/me").status_code
    return page, api


def test_a_cookie_replayed_after_sign_out_is_refused(app: FastAPI, client: TestClient) -> None:
    register(client, "alice")
    cookie = cookie_of(client)
    assert replay(app, cookie) == (200, 200)
    token = csrf_from(client, "/")
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    assert replay(app, cookie) == (303, 401)


def test_sign_out_everywhere_and_password_change_end_other_sessions(app: FastAPI) -> None:
    laptop, phone, tablet = TestClient(app), TestClient(app), TestClient(app)
    register(laptop, "alice")
    assert login(phone, "alice", "correct horse") == 303
    assert login(tablet, "alice", "correct horse") == 303
    phone_cookie, tablet_cookie = cookie_of(phone), cookie_of(tablet)

    token = csrf_from(laptop, "/account")
    resp = laptop.post(
        "/account/password",
        data={"csrf_token": token, "current": "correct horse", "new": "violet tandem kayak"},
    )
    assert resp.status_code == 200 and "Password changed" in resp.text
    assert replay(app, phone_cookie) == (303, 401) and replay(app, tablet_cookie) == (303, 401)
    assert signed_in_as(laptop) == "alice"  # the session that changed it stays
    assert login(phone, "alice", "correct horse") == 401
    assert login(phone, "alice", "violet tandem kayak") == 303

    token = csrf_from(laptop, "/account")
    laptop.post("/account/sessions/end-all", data={"csrf_token": token})
    assert signed_in_as(laptop) is None and signed_in_as(phone) is None


def test_a_wrong_current_password_changes_nothing(client: TestClient) -> None:
    register(client, "alice")
    token = csrf_from(client, "/account")
    resp = client.post(
        "/account/password",
        data={"csrf_token": token, "current": "not it", "new": "violet tandem kayak"},
    )
    assert resp.status_code == 422 and "current password is wrong" in resp.text


@pytest.mark.parametrize("weak", ["password", "aaaaaaaa", " " * 8, "qwertyuiop", "alice123"])
def test_common_and_trivial_passwords_are_refused(client: TestClient, weak: str) -> None:
    token = csrf_from(client, "/register")
    resp = client.post(
        "/register", data={"username": "alice", "password": weak, "csrf_token": token}
    )
    assert resp.status_code == 422 and "harder password" in resp.text
    assert signed_in_as(client) is None


def test_failed_sign_ins_are_throttled_per_account(app: FastAPI, client: TestClient) -> None:
    register(client, "alice")
    attacker = TestClient(app)
    codes = [login(attacker, "alice", f"guess {i}") for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    page = attacker.post(
        "/login",
        data={"username": "alice", "password": "x", "csrf_token": csrf_from(attacker, "/login")},
    )
    assert "too many failed sign-ins for this account" in page.text
    assert int(page.headers["Retry-After"]) > 0
    # The right password waits too: a throttled account is not probed further.
    assert login(attacker, "alice", "correct horse") == 429


def test_failed_sign_ins_are_throttled_per_address(app: FastAPI, client: TestClient) -> None:
    from app.users.pages import LOGIN_FAILURES_PER_ADDRESS

    attacker = TestClient(app)
    codes = [login(attacker, f"user{i}", "guess") for i in range(LOGIN_FAILURES_PER_ADDRESS + 1)]
    assert set(codes[:-1]) == {401} and codes[-1] == 429


def test_password_checks_run_at_most_two_at_a_time(app: FastAPI, monkeypatch) -> None:
    """Forty sign-ins at once: argon2 (64 MB and 0.25 s each) runs for two of them at a time."""
    running = peak = 0
    lock = threading.Lock()

    class SlowHasher:
        def verify(self, stored: str, password: str) -> bool:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            raise VerifyMismatchError()

    monkeypatch.setattr(service, "_hasher", SlowHasher())

    def sign_in(i: int) -> None:
        with app.state.sessionmaker() as db:
            assert service.authenticate(db, username=f"user{i}", password="guess") is None

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(sign_in, range(40)))
    assert peak == 2


def test_the_page_that_shows_a_new_token_is_never_cached(client: TestClient) -> None:
    register(client, "alice")
    token = csrf_from(client, "/account")
    resp = client.post("/account/tokens", data={"csrf_token": token, "name": "laptop"})
    assert resp.status_code == 201 and "dli_" in resp.text
    assert resp.headers["cache-control"] == "no-store"


def test_sessions_expire_on_the_server(app: FastAPI, client: TestClient, db: Session) -> None:
    from app.models import UserSession, utcnow

    register(client, "alice")
    for row in db.query(UserSession).all():
        row.expires_at = utcnow()
    db.commit()
    assert signed_in_as(client) is None
