"""Against a real `dli serve`: bodies counted as they arrive, writes committed before the response,
slow headers cut off, and no link token in the access log."""

import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.db import make_engine, make_sessionmaker
from app.migrate import upgrade
from app.models import Role
from app.users import service as users
from tests.web.server import running_server

MiB = 1 << 20


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path, str]]:
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'live.db'}"
    upgrade(url)
    log = folder / "server.log"
    with running_server(url, log=log, DLI_HEADER_TIMEOUT_S="1") as (base, proc):
        yield base, proc.pid, log, url


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def post_chunked(base: str, path: str, total: int, content_type: str) -> tuple[int, int]:
    """Stream a chunked body until the server answers; its status and the bytes we got to send."""
    address = urlsplit(base)
    sock = socket.create_connection((address.hostname, address.port))
    sock.settimeout(10)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        f"Content-Type: {content_type}\r\n\r\n"
    )
    sock.sendall(head.encode())
    chunk = b"7" * 65536
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    sent = 0
    try:
        while sent < total and not select.select([sock], [], [], 0)[0]:
            sock.sendall(frame)
            sent += len(chunk)
    except OSError:
        pass  # the server stopped reading and closed: its answer is waiting
    data = sock.recv(4096)
    sock.close()
    return int(data.split(b" ", 2)[1]), sent


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/submissions", "application/json"),
        ("/login", "application/x-www-form-urlencoded"),
        ("/api/v1/interview-sessions/" + "a" * 43 + "/events", "application/json"),
    ],
)
def test_a_chunked_body_past_the_limit_is_refused_as_it_arrives(
    live: tuple[str, int, Path, str], path: str, content_type: str
) -> None:
    """Before, a chunked 300 MiB POST without a token grew the server from 131 MB to 1 GB."""
    base, pid, _, _ = live
    before = rss_mb(pid)
    status, sent = post_chunked(base, path, 300 * MiB, content_type)
    assert status == 413
    assert sent < 16 * MiB, f"the server read {sent / MiB:.0f} MiB before refusing"
    assert rss_mb(pid) - before < 40


def _proctor_token(url: str) -> str:
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as db:
        user = users.get_by_username(db, "proctor") or users.create_user(
            db, username="proctor", password="long enough pw", role=Role.proctor
        )
        _, token = users.create_token(db, user=user, name="t")
        db.commit()
    return token


def test_a_revoked_link_refuses_events_at_once(live: tuple[str, int, Path, str]) -> None:
    """Before, get_db committed after the response: a revoked link took events in 5 of 60 trials."""
    base, _, _, url = live
    auth = {"Authorization": f"Bearer {_proctor_token(url)}"}
    api = f"{base}/api/v1"
    accepted = 0
    with httpx.Client(timeout=10) as client:
        for _ in range(60):
            body = {"title": "t", "problems": ["log-softmax"], "duration_s": 600}
            interview = client.post(f"{api}/interviews", json=body, headers=auth).json()
            token = interview["candidate_link"].rsplit("/i/", 1)[1]
            assert client.post(f"{api}/interviews/{interview['id']}/start", headers=auth).is_success
            assert client.post(
                f"{api}/interviews/{interview['id']}/revoke", headers=auth
            ).is_success
            event = client.post(
                f"{api}/interview-sessions/{token}/events", json={"kind": "focus_lost"}
            )
            accepted += event.status_code != 404
    assert accepted == 0


def test_slow_headers_are_cut_off(live: tuple[str, int, Path, str]) -> None:
    base, _, _, _ = live
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.settimeout(10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        started = time.monotonic()
        assert sock.recv(4096) == b""  # closed by the server
        assert time.monotonic() - started < 5
    assert httpx.get(base + "/", timeout=5).status_code == 200


def test_link_tokens_never_reach_the_access_log(live: tuple[str, int, Path, str]) -> None:
    base, _, log, url = live
    auth = {"Authorization": f"Bearer {_proctor_token(url)}"}
    body = {"title": "t", "problems": ["log-softmax"], "duration_s": 600}
    interview = httpx.post(f"{base}/api/v1/interviews", json=body, headers=auth).json()
    token = interview["candidate_link"].rsplit("/i/", 1)[1]
    assert httpx.get(f"{base}/i/{token}").status_code == 200
    assert httpx.get(f"{base}/api/v1/interview-sessions/{token}").status_code == 200
    time.sleep(0.5)
    text = log.read_text()
    assert "GET /i/[token] HTTP/1.1" in text
    assert token not in text
