"""A real `dli serve` on a free port, for the browser and live-server tests."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    output = open(log, "wb") if log else None  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=output or subprocess.DEVNULL,
        stderr=output or subprocess.DEVNULL,
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
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if output:
            output.close()
