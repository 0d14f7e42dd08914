"""Run untrusted code in hardened Docker containers and hand back its outputs as data.

In `container` mode (the default), `Sandbox.run` takes a pre-started container from the pool (its
runner has already imported NumPy), serves one job in it, and destroys it; a background thread keeps
the pool full. In `box` mode it hands the job to a long-lived container's supervisor
(app.sandbox.box), which runs it in a child of its own.

Over 300 lines because the pool (its refill thread, the engine-restart handling and the public
`Sandbox` facade over both modes) shares one lock and one set of counters.
"""

import contextlib
import logging
import os
import queue
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import docker
from docker.models.containers import Container

from app.config import Settings
from app.sandbox import cgroup
from app.sandbox.box import BoxSandbox
from app.sandbox.container import (
    LABEL,
    OWNER_LABEL,
    TOO_MUCH_OUTPUT,
    RawRun,
    attach,
    container_config,
    remove,
    remove_by_id,
    serve_one_job,
    stream_open,
)
from app.sandbox.heap import keep_heap
from app.sandbox.image import image_tag
from app.sandbox.protocol import (
    Budget,
    OutputLimit,
    ProtocolError,
    decode_outputs,
    encode_job,
    error_dict,
    max_frames,
    parse_payload,
)

log = logging.getLogger("dli.sandbox")
DEFAULT_MEMORY_MB = 256


class SandboxUnavailable(Exception):
    """No Docker engine answers, or the sandbox image is missing; the message says what to do."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float
    memory_mb: int


@dataclass
class CaseRun:
    name: str
    seconds: float
    outputs: dict[str, Any] | None
    error: dict[str, str] | None


# How a run ended, as the host saw it (app.judge.judging turns it into a verdict).
RunStatus = Literal[
    "ok", "timeout", "memory", "output_limit", "crashed", "protocol_error", "host_busy"
]


@dataclass
class SandboxResult:
    status: RunStatus
    cases: list[CaseRun]
    import_error: dict[str, str] | None
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    detail: str
    seconds: float


def _text(value: Any, limit: int) -> tuple[str, bool]:
    """Output text as the host keeps it: at most `limit` characters, whatever the runner claims."""
    text = value if isinstance(value, str) else ""
    return text[:limit], len(text) > limit


def interpret(raw: RawRun, limits: Limits, *, output_chars: int = 64 << 10) -> SandboxResult:
    """Decode a container's frames and exit state, within a Budget. Malformed data is the candidate's.

    Runs in the isolated judge process (app.judge.isolation), never in the server.
    """
    stderr, _ = _text(raw.stderr.decode("utf-8", "replace"), output_chars)
    seconds = raw.cpu_seconds if raw.cpu_seconds is not None else raw.seconds
    result = SandboxResult("ok", [], None, "", stderr, False, False, "", seconds)
    done: dict[str, Any] | None = None
    try:
        done = _decode_frames(raw.payloads, result)
    except ProtocolError as exc:
        result.status = "output_limit" if isinstance(exc, OutputLimit) else "protocol_error"
        what = "too much output" if isinstance(exc, OutputLimit) else "malformed output"
        result.detail = f"{what}: {exc}"
    if raw.protocol_error:  # the channel itself went over a limit or broke: that says it first
        result.status = "output_limit" if raw.output_limit else "protocol_error"
        what = "too much output" if raw.output_limit else "malformed output"
        result.detail = f"{what}: {raw.protocol_error}"
    if result.status != "ok":
        return result
    if done is not None:
        result.stdout, cut = _text(done.get("stdout"), output_chars)
        result.stdout_truncated = cut or bool(done.get("stdout_truncated"))
        result.stderr, cut = _text(done.get("stderr"), output_chars)
        result.stderr_truncated = cut or bool(done.get("stderr_truncated"))
    output_bytes = done.get("output_bytes", 0) if done is not None else 0
    if raw.oom_killed:
        result.status, result.detail = "memory", f"killed at the {limits.memory_mb} MB memory limit"
    elif raw.host_busy:
        result.status = "host_busy"
        result.detail = "the server was too busy to finish your code in time; it is graded again"
    elif raw.timed_out and raw.hung:
        result.status = "timeout"
        result.detail = (
            f"your code stopped making progress (it waited or slept) and was stopped after "
            f"{raw.seconds:.0f} s"
        )
    elif raw.timed_out:
        result.status = "timeout"
        result.detail = f"your code used more than the {limits.cpu_seconds:g} s of CPU time allowed"
    elif done is None:
        result.status = "crashed"
        code = "" if raw.exit_code is None else f" (exit code {raw.exit_code})"
        result.detail = f"the runner stopped before finishing{code}"
    elif isinstance(output_bytes, int) and output_bytes > TOO_MUCH_OUTPUT:
        result.status = "output_limit"
        result.detail = f"printed more than {TOO_MUCH_OUTPUT >> 20} MiB"
    return result


def _decode_frames(payloads: list[bytes], result: SandboxResult) -> dict[str, Any] | None:
    """Decode every frame into `result`; the final "done" frame's header is returned."""
    done: dict[str, Any] | None = None
    budget = Budget()
    for payload in payloads:
        header, arrays = parse_payload(payload, budget)
        kind = header.get("kind")
        if kind == "case":
            name = header.get("name")
            seconds = header.get("seconds", 0.0)
            if (
                not isinstance(name, str)
                or type(seconds) not in (int, float)
                or not 0 <= seconds <= 1e6
            ):
                raise ProtocolError("malformed case frame")
            outputs = decode_outputs(header.get("outputs"), arrays) if "outputs" in header else None
            if outputs is not None and not isinstance(outputs, dict):
                raise ProtocolError("case outputs must be a dict")
            result.cases.append(
                CaseRun(name[:100], float(seconds), outputs, error_dict(header.get("error")))
            )
        elif kind == "import_error":
            result.import_error = error_dict(header.get("error"))
        elif kind == "done":
            done = header
        else:
            raise ProtocolError("unknown frame")
    return done


def reap_stale(client: docker.DockerClient) -> int:
    """Remove sandbox containers left by a process on this host that is no longer alive.

    The listing carries the labels, so nothing is inspected one by one; a container that another
    process removes meanwhile is simply gone, never an error.
    """
    host = socket.gethostname()
    removed = 0
    for entry in client.api.containers(all=True, filters={"label": LABEL}):
        owner = (entry.get("Labels") or {}).get(OWNER_LABEL, "")
        owner_host, _, pid = owner.rpartition(":")
        if owner_host == host and pid.isdigit() and pid_alive(int(pid)):
            continue
        if owner_host not in (host, ""):
            continue  # another host's worker: not ours to judge
        remove_by_id(client, entry["Id"])
        removed += 1
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process of this host still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Warm:
    """A started container whose runner waits for its job, and its attached stdio socket."""

    container: Container
    sock: socket.socket


class Sandbox:
    """Thread-safe; owns a pool of warm containers."""

    def __init__(
        self, settings: Settings, *, pool_size: int | None = None, warm: bool = True
    ) -> None:
        self.settings = settings
        keep_heap()  # this process reads every result: megabytes per verdict (app.sandbox.heap)
        try:
            self.client = docker.from_env(timeout=30)
            self.client.ping()
        except Exception as exc:
            raise SandboxUnavailable(
                f"no Docker engine answers ({exc}); run sandbox/ensure-docker.sh"
            ) from exc
        self.image = image_tag(settings)
        try:
            self.client.images.get(self.image)
        except docker.errors.ImageNotFound as exc:
            raise SandboxUnavailable(
                f"image {self.image} is missing; run `dli sandbox build`"
            ) from exc
        reaped = reap_stale(self.client)
        if reaped:
            log.info("removed %d stale sandbox containers", reaped)
        self.cgroup_parent = cgroup.prepare(
            self.client.info(), settings.sandbox_cgroup, settings.sandbox_cpu_shares
        )
        self.pool_size = settings.sandbox_pool_size if pool_size is None else pool_size
        self.box: BoxSandbox | None = None
        if settings.sandbox_isolation == "box":
            self.box = BoxSandbox(settings, self.client, self.image, self.cgroup_parent)
            warm = False  # no single-use containers are kept waiting
        self._pool: queue.Queue[Warm] = queue.Queue()
        # Used containers are destroyed off the request path; close() waits for them.
        self._removals = ThreadPoolExecutor(2, thread_name_prefix="dli-sandbox-remove")
        self._removing: set[Future[None]] = set()
        self._closed = threading.Event()
        self._wanted = threading.Event()
        self._refiller: threading.Thread | None = None
        if warm and self.pool_size > 0:
            self._wanted.set()
            self._refiller = threading.Thread(
                target=self._refill, name="dli-sandbox-pool", daemon=True
            )
            self._refiller.start()

    def _start(self, memory_mb: int) -> Warm:
        container = self.client.containers.create(
            **container_config(self.settings, self.image, memory_mb, self.cgroup_parent)
        )
        try:
            sock = attach(self.client, container)
            container.start()
        except Exception:
            remove(container)
            raise
        return Warm(container, sock)

    def _refill(self) -> None:
        while not self._closed.is_set():
            self._wanted.wait(timeout=1.0)
            while not self._closed.is_set() and self._pool.qsize() < self.pool_size:
                try:
                    self._pool.put(self._start(DEFAULT_MEMORY_MB))
                except Exception:
                    log.exception("could not start a pooled sandbox")
                    time.sleep(2.0)
                    break
            self._wanted.clear()

    def _take(self, memory_mb: int) -> Warm:
        try:
            warm = self._pool.get_nowait()
        except queue.Empty:
            return self._start(memory_mb)
        finally:
            self._wanted.set()
        if not stream_open(warm.sock):  # it died waiting (the engine restarted): not this job's
            self._remove_later(warm)
            return self._start(memory_mb)
        try:
            if memory_mb != DEFAULT_MEMORY_MB:
                warm.container.update(mem_limit=f"{memory_mb}m", memswap_limit=f"{memory_mb}m")
            return warm
        except docker.errors.APIError:
            self._discard(warm)
            return self._start(memory_mb)

    def _discard(self, warm: Warm) -> None:
        with contextlib.suppress(OSError):
            warm.sock.close()
        remove(warm.container)

    def _serve(
        self, warm: Warm, solution: str, program: str, cases: list[str], limits: Limits
    ) -> RawRun:
        job = encode_job(solution, program, cases, self.settings.sandbox_output_kib * 1024)
        try:
            raw = serve_one_job(
                self.client,
                warm.container,
                warm.sock,
                job,
                cpu_seconds=limits.cpu_seconds,
                max_result_bytes=self.settings.sandbox_result_mib << 20,
                max_frames=max_frames(len(cases)),
            )
        finally:
            self._remove_later(warm)
        return raw

    def _remove_later(self, warm: Warm) -> None:
        removal = self._removals.submit(self._discard, warm)
        self._removing.add(removal)
        removal.add_done_callback(self._removing.discard)

    def removing(self) -> int:
        """Used containers still being removed (the benchmark lets them go between its paths)."""
        return len(self._removing)

    def warm_count(self) -> int:
        return self.box.warm_count() if self.box is not None else self._pool.qsize()

    def run(
        self,
        solution: str,
        program: str,
        cases: list[str],
        limits: Limits,
        reference: str | None = None,
    ) -> RawRun:
        """Serve one job (in a warm container, or a box). The result is raw: decode it with
        `interpret`. `reference`: the problem's reference, which a box rehearses the case program
        with before its first job of it (`container` mode has no use for it)."""
        if self.box is not None:
            return self.box.run(solution, program, cases, limits, reference)
        return self._serve(self._take(limits.memory_mb), solution, program, cases, limits)

    def run_cold(self, solution: str, program: str, cases: list[str], limits: Limits) -> RawRun:
        return self._serve(self._start(limits.memory_mb), solution, program, cases, limits)

    def close(self) -> None:
        if self.box is not None:
            self.box.close()
        self._closed.set()
        self._wanted.set()
        if self._refiller is not None:
            self._refiller.join(timeout=10)
        while True:
            try:
                self._discard(self._pool.get_nowait())
            except queue.Empty:
                break
        self._removals.shutdown(wait=True)
