"""One hardened, single-use container: start it, send one job, read its frames, always remove it."""

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import docker
import requests
from docker.models.containers import Container
from docker.types import LogConfig, Ulimit

from app.config import Settings
from app.sandbox.protocol import FrameSplitter, OutputLimit, ProtocolError

LABEL = "dli.sandbox"
OWNER_LABEL = "dli.owner"
FSIZE_BYTES = 8 << 20  # largest file the candidate may write (stdout capture included)
TOO_MUCH_OUTPUT = 1 << 20  # more stdout+stderr than this is output_limit_exceeded
STDERR_CAP = 64 << 10
WALL_MARGIN_S = 1.0  # job transfer and result reading, on top of the problem's wall limit

# Only what the runner needs; nothing from the host's environment ever reaches a sandbox.
SANDBOX_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "PYTHONHASHSEED": "0",
    "HOME": "/tmp",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}


def owner_tag() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def container_config(settings: Settings, image: str, memory_mb: int) -> dict[str, Any]:
    """The hardening, in one place (see shared/GUIDE.md, "Sandbox policy")."""
    config: dict[str, Any] = {
        "image": image,
        "command": ["python3", "/opt/dli/runner.py"],
        "user": "10001:10001",
        "working_dir": "/tmp",
        "environment": dict(SANDBOX_ENV),
        "labels": {LABEL: "1", OWNER_LABEL: owner_tag()},
        "stdin_open": True,
        "tty": False,
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": "rw,noexec,nosuid,nodev,size=24m"},
        "shm_size": "1m",
        "mem_limit": f"{memory_mb}m",
        "memswap_limit": f"{memory_mb}m",
        "nano_cpus": int(settings.sandbox_cpus * 1e9),
        "pids_limit": settings.sandbox_pids,
        "ulimits": [
            Ulimit(name="nofile", soft=64, hard=64),
            Ulimit(name="fsize", soft=FSIZE_BYTES, hard=FSIZE_BYTES),
            Ulimit(name="core", soft=0, hard=0),
        ],
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "log_config": LogConfig(type="none"),
        "ipc_mode": "private",
    }
    if settings.sandbox_runtime:
        config["runtime"] = settings.sandbox_runtime
    return config


@dataclass
class RawRun:
    """What came back from a container, before the host makes sense of it."""

    payloads: list[bytes] = field(default_factory=list)  # raw result frames, decoded elsewhere
    stderr: bytes = b""
    timed_out: bool = False
    oom_killed: bool = False
    exit_code: int | None = None
    protocol_error: str = ""
    output_limit: bool = False  # protocol_error is a limit the candidate's output went over
    seconds: float = 0.0
    finished: bool = False  # the runner sent its final frame


def _demux(sock: socket.socket) -> Iterator[tuple[int, bytes]]:
    """Docker's multiplexed attach stream as (stream number, data) pairs, read in big chunks so
    that a flood of tiny writes costs little per write."""
    buffer, start = bytearray(), 0
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            return
        buffer += chunk
        while len(buffer) - start >= 8:
            size = int.from_bytes(buffer[start + 4 : start + 8], "big")
            if len(buffer) - start < 8 + size:
                break
            yield buffer[start], bytes(buffer[start + 8 : start + 8 + size])
            start += 8 + size
        del buffer[:start]
        start = 0


def attach(client: docker.DockerClient, container: Container) -> socket.socket:
    """The container's stdin/stdout/stderr as one socket (attached ahead of time for pooled ones)."""
    stream = client.api.attach_socket(
        container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
    )
    sock: socket.socket = stream._sock
    return sock


def serve_one_job(
    client: docker.DockerClient,
    container: Container,
    sock: socket.socket,
    job: bytes,
    *,
    wall_seconds: float,
    max_result_bytes: int,
    max_frames: int,
) -> RawRun:
    """Send the job to a started container and read until it exits or the wall clock runs out.

    The caller removes the container afterwards, whatever happens here.
    """
    run = RawRun()
    splitter = FrameSplitter(max_result_bytes, max_frames)
    # A safety net only: the kill timer below normally ends the stream long before this.
    sock.settimeout(wall_seconds + 60)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        with contextlib.suppress(docker.errors.APIError, requests.RequestException):
            container.kill()

    started = time.monotonic()
    timer = threading.Timer(wall_seconds + WALL_MARGIN_S, kill)
    timer.daemon = True
    timer.start()
    try:
        sock.sendall(job)
        for stream, data in _demux(sock):
            if stream == 1:
                try:
                    splitter.feed(data)
                except ProtocolError as exc:
                    run.protocol_error = str(exc)
                    run.output_limit = isinstance(exc, OutputLimit)
                    break  # stop reading first: the engine cannot stop a container whose
                    # output nobody drains
                if splitter.done:
                    # The runner's last word: no need to wait for the process to exit.
                    run.finished = True
                    break
            elif stream == 2 and len(run.stderr) < STDERR_CAP:
                run.stderr += data[: STDERR_CAP - len(run.stderr)]
    except OSError:
        pass  # the container went away mid-stream; its state below says why
    finally:
        timer.cancel()
        run.payloads = splitter.payloads
        run.seconds = time.monotonic() - started
        with contextlib.suppress(OSError):
            # shutdown, not only close: the HTTP response object shares the socket, and the
            # engine must see the stream end or it blocks on the container's unread output.
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()
    if run.protocol_error:
        kill()
    run.timed_out = killed.is_set() and not run.protocol_error
    if run.finished:
        return run
    try:
        state = client.api.inspect_container(container.id)["State"]
        if state.get("Running"):
            kill()
            state = client.api.inspect_container(container.id)["State"]
        run.oom_killed = bool(state.get("OOMKilled"))
        run.exit_code = state.get("ExitCode")
    except docker.errors.APIError:
        pass
    return run


def remove(container: Container) -> None:
    remove_by_id(container.client, container.id)


def remove_by_id(client: docker.DockerClient, container_id: str) -> None:
    """Force-remove; a container already gone (or being removed by someone else) is fine."""
    with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
        client.api.remove_container(container_id, force=True)
