"""A real `dli serve` (with the real sandbox) and headless Chromium for the browser tests."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import ROOT
from app.migrate import upgrade
from app.sandbox import Sandbox
from tests.conftest import require_or_skip

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def web_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    upgrade(url)
    return url


@contextlib.contextmanager
def running_server(
    database_url: str, *, log: Path | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `dli serve` on a free port; fails (never yields) if it does not come up."""
    port = free_port()
    environment = {
        **os.environ,
        "DLI_DATABASE_URL": database_url,
        "DLI_ENV": "test",
        "DLI_SANDBOX_POOL_SIZE": "1",
        **env,
    }
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"dli serve exited with {proc.returncode}")
            time.sleep(0.1)
        else:
            pytest.fail("dli serve did not answer within 20 s")
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if log:
            output.close()  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def server(web_database: str, sandbox: Sandbox) -> Iterator[str]:
    with running_server(web_database) as (base, _):
        yield base


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    require_or_skip(CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
