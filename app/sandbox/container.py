"""One hardened, single-use container: start it, send one job, read its frames, always remove it.

Over 300 lines because the container's hardening, its start, its one job and its removal are
one sequence whose every step depends on the one before; it reads best top to bottom in one place.
"""

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import requests
from docker.models.containers import Container
from docker.types import LogConfig, Ulimit

from app.config import Settings
from app.sandbox.cgroup import CGROUP_ROOT
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
    "RUNNER_LINGER": "1",
    "HOME": "/tmp",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}


def owner_tag() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def container_config(
    settings: Settings, image: str, memory_mb: int, cgroup_parent: str | None = None
) -> dict[str, Any]:
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
        # When the CPU is short, the site's own processes come first and grading (timed in CPU
        # seconds, not wall seconds) takes what is left: this weighs the container against its
        # siblings, `cgroup_parent` (app.sandbox.cgroup) all sandboxes against the host.
        "cpu_shares": settings.sandbox_cpu_shares,
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
    if cgroup_parent:
        config["cgroup_parent"] = cgroup_parent
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
    seconds: float = 0.0  # wall clock
    cpu_seconds: float | None = None  # from the container's cgroup, when it was measured
    hung: bool = False  # stopped by the wall-clock backstop while waiting on its own
    host_busy: bool = False  # stopped by the backstop with CPU time to spare: not its fault
    finished: bool = False  # the runner sent its final frame


def cgroup_cpu_file(container: Container, root: Path = CGROUP_ROOT) -> Path | None:
    """The file where the kernel counts the container's CPU time, when the engine runs on this
    host with the cgroupfs driver (v1, then v2); None elsewhere."""
    parent = ((container.attrs.get("HostConfig") or {}).get("CgroupParent") or "/docker").strip("/")
    ident = str(container.id)
    candidates = (
        root / "cpuacct" / parent / ident / "cpuacct.usage",
        root / parent / ident / "cpu.stat",
    )
    for path in candidates:
        if path.is_file():
            return path
    return None


class CpuMeter:
    """CPU time of a container's processes from its cgroup: read from the cgroup's file where
    the engine runs on this host, else as Docker's stats report it.

    The kernel keeps this count: nothing in the container can change it. The first reading is
    taken as the job starts (the runner's NumPy import is not the candidate's time). Docker's
    stats take a second to answer (measured: 1.0 s each after the first), and longer on a busy
    engine, and the limit and the backstop wait on each answer; the file answers at once.
    """

    def __init__(self, container: Container, done: threading.Event) -> None:
        self.container = container
        self.done = done
        self.start: float | None = None
        self.last: float | None = None
        self.file = cgroup_cpu_file(container)
        threading.Thread(target=self._baseline, daemon=True).start()

    def _read(self) -> float | None:
        try:
            if self.file is not None:
                text = self.file.read_text()
                if self.file.name == "cpuacct.usage":
                    return int(text) / 1e9
                return int(text.split("usage_usec")[1].split()[0]) / 1e6
            stats = self.container.stats(stream=False, one_shot=True)
            used = stats["cpu_stats"]["cpu_usage"]["total_usage"] / 1e9
        except Exception:
            return None  # the container (and its cgroup) is gone
        return used if used > 0 else None  # 0: the container is gone

    def _baseline(self) -> None:
        start = self._read()
        if not self.done.is_set():  # a reading that came back after the job counts nothing
            self.start = start

    def used(self) -> float | None:
        """CPU seconds since the job started; None when the container cannot tell any more."""
        now = self._read()
        if now is not None:
            self.last = now
        if self.last is None:
            return None
        return self.last - (self.start or 0.0)


BACKSTOP_FACTOR = 3.0  # the wall clock a job may take, in multiples of its CPU limit
STARVED_SHARE = 0.25  # runnable but waiting for a CPU this share of the time: the host was busy


class EngineGone(ConnectionError):
    """The Docker engine stopped (or restarted) while a job ran: the job is ours to redo."""


def engine_answers() -> bool:
    """A ping on a new connection. (A kept-alive connection can still reach an engine that is
    shutting down and no longer accepts new ones.)"""
    try:
        client = docker.from_env(timeout=5)
    except docker.errors.DockerException:
        return False
    try:
        return bool(client.ping())
    except (docker.errors.DockerException, requests.RequestException, OSError):
        return False
    finally:
        client.close()


def waited_for_cpu(client: docker.DockerClient, container: Container) -> float | None:
    """Seconds the container's first process spent runnable but without a CPU (the kernel's
    schedstat, summed over its threads): the measure of a busy host, which nothing inside the
    container can change. None where this host's /proc does not show the process (a worker in a
    container of its own, a remote engine)."""
    try:
        pid = client.api.inspect_container(container.id)["State"]["Pid"]
    except (docker.errors.APIError, requests.RequestException, KeyError):
        return None
    return waited_for_pid(pid) if pid else None


def waited_for_pid(pid: int) -> float | None:
    """A host process's run delay, summed over its threads (see `waited_for_cpu`). Plain reads: a
    pathlib glob took 0.3-1 ms, twice per job in box mode."""
    folder, delays = f"/proc/{int(pid)}/task", []
    try:
        for task in os.listdir(folder):
            try:
                fd = os.open(f"{folder}/{task}/schedstat", os.O_RDONLY | os.O_CLOEXEC)
            except (FileNotFoundError, ProcessLookupError):
                continue  # a thread that ended meanwhile
            try:
                delays.append(int(os.read(fd, 256).split()[1]))
            finally:
                os.close(fd)
    except (OSError, ValueError, IndexError):
        return None
    return sum(delays) / 1e9 if delays else None


def _host_busy(client: docker.DockerClient, container: Container, elapsed: float) -> bool:
    waited = waited_for_cpu(client, container)
    if waited is not None:
        return waited > STARVED_SHARE * elapsed
    return os.getloadavg()[0] > (os.cpu_count() or 1)  # the coarse measure, where that is all


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


def stream_open(sock: socket.socket) -> bool:
    """Whether a waiting container's attach stream is still open: it closes when the container
    dies, as all do when the Docker engine restarts. A peek, no call to the engine."""
    try:
        sock.setblocking(False)
        try:
            return sock.recv(1, socket.MSG_PEEK) != b""
        finally:
            sock.setblocking(True)
    except BlockingIOError:
        return True  # open, nothing to read
    except OSError:
        return False


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
    cpu_seconds: float,
    max_result_bytes: int,
    max_frames: int,
) -> RawRun:
    """Send the job to a started container and read until it finishes or is stopped.

    The limit is CPU time, read from the container's cgroup: once the wall clock passes the limit
    (a busy host, or slow code), the CPU time is checked every half second and the container is
    killed when it is over. A wall-clock backstop of 3x the limit ends code that hangs. The
    caller removes the container afterwards, whatever happens here.
    """
    run = RawRun()
    splitter = FrameSplitter(max_result_bytes, max_frames)
    backstop = cpu_seconds * BACKSTOP_FACTOR + WALL_MARGIN_S
    sock.settimeout(backstop + 60)  # a safety net only: the backstop ends the stream first
    killed = threading.Event()
    done = threading.Event()
    meter = CpuMeter(container, done)

    def kill() -> None:
        killed.set()
        with contextlib.suppress(docker.errors.APIError, requests.RequestException):
            container.kill()

    def watch() -> None:
        if done.wait(cpu_seconds):  # finished within the limit by the wall clock: CPU too
            return
        while not done.wait(0.5):
            used = meter.used()
            elapsed = time.monotonic() - started
            if used is not None and used > cpu_seconds + WALL_MARGIN_S:
                run.cpu_seconds = used
                kill()
                return
            if elapsed > backstop:
                run.cpu_seconds = used
                # Inside its CPU time yet 3x over by the wall clock: either the host starved it
                # (graded again) or it waited on its own (sleep, a lock, input): its time limit.
                run.host_busy = used is not None and _host_busy(client, container, elapsed)
                run.hung = not run.host_busy
                kill()
                return

    started = time.monotonic()
    watcher = threading.Thread(target=watch, name="dli-sandbox-watch", daemon=True)
    watcher.start()
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
                    # The runner's last word (it then waits to be removed, so its CPU time
                    # can still be read).
                    run.finished = True
                    break
            elif stream == 2 and len(run.stderr) < STDERR_CAP:
                run.stderr += data[: STDERR_CAP - len(run.stderr)]
    except OSError:
        pass  # the container went away mid-stream; its state below says why
    finally:
        done.set()
        run.payloads = splitter.payloads
        run.seconds = time.monotonic() - started
        with contextlib.suppress(OSError):
            # shutdown, not only close: the HTTP response object shares the socket, and the
            # engine must see the stream end or it blocks on the container's unread output.
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()
    watcher.join(timeout=5)
    if run.protocol_error:
        kill()
    if run.finished and run.seconds > cpu_seconds and run.cpu_seconds is None:
        run.cpu_seconds = meter.used()  # over the limit by the wall clock: did it use the CPU?
    over = run.cpu_seconds is not None and run.cpu_seconds > cpu_seconds + WALL_MARGIN_S
    run.timed_out = (killed.is_set() and not run.protocol_error and not run.host_busy) or (
        run.finished and over
    )
    if run.finished:
        return run
    if not killed.is_set() and not engine_answers():
        raise EngineGone("the Docker engine stopped during the run")  # not the code's doing
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
