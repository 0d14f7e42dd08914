"""Isolation mode `box`: long-lived hardened containers, one job at a time in each, every job in a
child of the container's supervisor (sandbox/supervisor.py) under a uid of its own.

A container serves jobs until it has served `sandbox_box_jobs` of them or lived
`sandbox_box_minutes`, and is replaced at once after anything unusual: a job it could not clean up,
a memory kill, a broken or silent channel. The README's threat model says what this mode protects
against next to `container` mode.

Over 300 lines because a box's whole life (start, hand a job to the supervisor, read its frames,
clean up or replace the box) is one state machine; split across modules its invariants would be too.
"""

import contextlib
import json
import logging
import os
import queue
import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import docker
from docker.models.containers import Container
from docker.types import Ulimit

from app.config import Settings
from app.sandbox.container import (
    BACKSTOP_FACTOR,
    STARVED_SHARE,
    WALL_MARGIN_S,
    EngineGone,
    RawRun,
    attach,
    container_config,
    engine_answers,
    remove,
    stream_open,
    waited_for_pid,
)
from app.sandbox.heap import tunables
from app.sandbox.protocol import FrameSplitter, OutputLimit, ProtocolError, max_frames

log = logging.getLogger("dli.sandbox")


ENVELOPE_HEAD = 9  # b"DLIB" + kind + 4-byte length
MAX_ENVELOPE = 1 << 20  # the supervisor sends at most 64 KiB of data, or a short JSON end
START_TIMEOUT_S = 60.0
UID_BASE, UID_COUNT = 20000, 64
RESULTS_IN_BOX = "/var/lib/dli/results"  # in a directory of the image only root may enter
READ_PIECE = 1 << 20


class BoxBroken(Exception):
    """The container stopped answering as its supervisor does: it is replaced."""


class ResultsLost(EngineGone):
    """The supervisor could not write a job's results to the host's file (a full tmpfs): ours, and
    the job is graded again."""


def box_config(
    settings: Settings, image: str, cgroup_parent: str | None = None, results: str | None = None
) -> dict[str, Any]:
    """`container` mode's hardening, with the two capabilities the supervisor needs to give each
    job a uid of its own (and nothing else), and room for one job at a time. `results`: the host
    file the supervisor writes each job's results to."""
    config = container_config(settings, image, settings.sandbox_box_memory_mb, cgroup_parent)
    config["command"] = ["python3", "/opt/dli/supervisor.py"]
    config["user"] = "0:0"  # root inside, with no capability but these two
    config["cap_add"] = ["SETUID", "SETGID"]
    config["pids_limit"] = settings.sandbox_pids + 16  # a job's 32, the supervisor and its helpers
    if "runsc" in (settings.sandbox_runtime or ""):
        # gVisor's own threads and its host process per address space count here too: a quiet job
        # peaked at 64-74 of 80 (each job's processes stay under the supervisor's RLIMIT_NPROC).
        config["pids_limit"] += 64
    environment = dict(config["environment"])
    environment.pop("RUNNER_LINGER", None)
    environment.update(BOX_UID_BASE=str(UID_BASE), BOX_UID_COUNT=str(UID_COUNT))
    # Each job is a fresh child, whose every new page costs a fault: arrays up to 16 MiB come from
    # the heap, which is kept across frees and made of huge pages where the kernel has them. A job's
    # run (softmax-cross-entropy, timed inside the box) took 12.4 ms of CPU and 730 faults instead of
    # 19-20 ms and 4,050.
    environment["GLIBC_TUNABLES"] = tunables()
    if results:
        config["volumes"] = {results: {"bind": RESULTS_IN_BOX, "mode": "rw"}}
        environment["BOX_RESULTS"] = RESULTS_IN_BOX
        # Room for one job's results in that file (a job's own files stay under its own limit,
        # which the supervisor sets): the file can never hold more than this.
        fsize = (settings.sandbox_result_mib + 1) << 20
        config["ulimits"] = [
            Ulimit(name="fsize", soft=fsize, hard=fsize) if u["Name"] == "fsize" else u
            for u in config["ulimits"]
        ]
    config["environment"] = environment
    return config


def encode_box_job(
    solution: str,
    program: str,
    cases: list[str],
    *,
    cpu_seconds: float,
    memory_mb: int,
    output_limit: int,
    max_result_bytes: int,
    rehearsal: bool = False,
) -> bytes:
    """The supervisor's job message: a header, the case program (compiled once per box and kept:
    it is ours, and public), then the job itself. A rehearsal's solution is the reference."""
    source = program.encode()
    body = json.dumps({"solution": solution, "cases": cases, "output_limit": output_limit}).encode()
    head = struct.pack(
        ">4sIIIQQ",
        b"DLIP" if rehearsal else b"DLIX",
        int(cpu_seconds * 1000),
        memory_mb,
        max_result_bytes,
        len(source),
        len(body),
    )
    return head + source + body


@dataclass
class Box:
    container: Container
    sock: socket.socket
    born: float = field(default_factory=time.monotonic)
    jobs: int = 0
    buffer: bytearray = field(default_factory=bytearray)  # attach-stream bytes not yet parsed
    stdout: bytearray = field(default_factory=bytearray)  # supervisor bytes not yet enveloped
    stderr: bytearray = field(default_factory=bytearray)  # the supervisor's last words, for the log
    host_pid: int = 0  # the container's first process as this host sees it (0: not visible)
    results_path: str = ""  # the file the supervisor writes results to, on this host
    results: int | None = None  # this host's descriptor of it, once the supervisor has it open
    rehearsed: set[str] = field(default_factory=set)  # case programs (the problems' own strings)
    learned: int | None = None  # pages its last rehearsal wrote (the supervisor's count)

    def envelopes(self) -> Iterator[tuple[bytes, bytes]]:
        """The supervisor's envelopes, in order, from the attach stream (stdout only; its stderr
        is dropped). Raises BoxBroken on anything else, OSError when the stream ends."""
        while True:
            while len(self.stdout) >= ENVELOPE_HEAD:
                if self.stdout[:4] != b"DLIB":
                    raise BoxBroken("not an envelope")
                size = int.from_bytes(self.stdout[5:9], "big")
                if size > MAX_ENVELOPE:
                    raise BoxBroken("oversized envelope")
                if len(self.stdout) < ENVELOPE_HEAD + size:
                    break
                kind = bytes(self.stdout[4:5])
                data = bytes(self.stdout[ENVELOPE_HEAD : ENVELOPE_HEAD + size])
                del self.stdout[: ENVELOPE_HEAD + size]
                yield kind, data
            self._read_stream()

    def _read_stream(self) -> None:
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise OSError("the container's stream ended")
        self.buffer += chunk
        while len(self.buffer) >= 8:
            size = int.from_bytes(self.buffer[4:8], "big")
            if len(self.buffer) < 8 + size:
                break
            if self.buffer[0] == 1:
                self.stdout += self.buffer[8 : 8 + size]
            elif self.buffer[0] == 2:
                self.stderr = (self.stderr + self.buffer[8 : 8 + size])[-4096:]
            del self.buffer[: 8 + size]


def _host_busy(waited: Any, wall: float) -> bool:
    if isinstance(waited, int | float):
        return waited > STARVED_SHARE * wall
    return os.getloadavg()[0] > (os.cpu_count() or 1)  # the coarse measure, where that is all


class BoxSandbox:
    """Thread-safe. Keeps up to `sandbox_pool_size` idle boxes; a job that finds none idle starts
    one (and it stays, up to `sandbox_box_max` in all)."""

    def __init__(
        self,
        settings: Settings,
        client: docker.DockerClient,
        image: str,
        cgroup_parent: str | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.image = image
        self.cgroup_parent = cgroup_parent
        # Oldest first: the box idle longest has finished cleaning up after its last job and has
        # its next job's process ready; the one just given back may still be at it.
        self._idle: queue.Queue[Box] = queue.Queue()
        self._lock = threading.Lock()
        self._count = 0
        self._closed = False
        self._removals = ThreadPoolExecutor(2, thread_name_prefix="dli-box-remove")
        self._results_dir: str | None = None  # private to this process (0700)
        if settings.sandbox_results_dir and os.path.isdir(settings.sandbox_results_dir):
            self._results_dir = tempfile.mkdtemp(
                prefix="dli-box-results-", dir=settings.sandbox_results_dir
            )
        for _ in range(settings.sandbox_pool_size):
            self._removals.submit(self._start_idle)

    def _results_file(self) -> str:
        """A new empty file the box's supervisor (root in the box, without the capability to
        override file permissions) may write: others may write it only where this process is not
        root, and no one else can reach it (its directory is this process's, 0700)."""
        assert self._results_dir is not None
        fd, path = tempfile.mkstemp(dir=self._results_dir)
        os.fchmod(fd, 0o600 if os.geteuid() == 0 else 0o666)
        os.close(fd)
        return path

    def _start(self) -> Box:
        results = self._results_file() if self._results_dir else ""
        container, sock = None, None
        try:
            container = self.client.containers.create(
                **box_config(self.settings, self.image, self.cgroup_parent, results)
            )
            sock = attach(self.client, container)
            container.start()
            box = Box(container, sock, results_path=results)
            with contextlib.suppress(docker.errors.APIError, KeyError, TypeError):
                box.host_pid = int(self.client.api.inspect_container(container.id)["State"]["Pid"])
            sock.settimeout(START_TIMEOUT_S)
            kind, data = next(box.envelopes())
            if kind != b"R":
                raise BoxBroken("the supervisor did not start")
            if results and json.loads(data).get("results") is True:
                box.results = os.open(results, os.O_RDWR | os.O_CLOEXEC)  # read, then emptied
            return box
        except Exception:
            if sock is not None:
                sock.close()
            if container is not None:
                remove(container)
            if results:
                os.unlink(results)
            raise

    def _start_idle(self) -> None:
        with self._lock:
            if self._closed or self._count >= self.settings.sandbox_box_max:
                return
            self._count += 1
        try:
            box = self._start()
        except Exception:
            log.exception("could not start a sandbox box")
            with self._lock:
                self._count -= 1
            return
        self._idle.put(box)

    def _take(self) -> Box:
        while True:
            try:
                box = self._idle.get_nowait()
            except queue.Empty:
                break
            if stream_open(box.sock):
                return box
            self._retire(box, "it died while idle")  # not the next job's doing
        with self._lock:
            self._count += 1
        try:
            return self._start()
        except Exception:
            with self._lock:
                self._count -= 1
            raise

    def _retire(self, box: Box, why: str) -> None:
        log.info("replacing a sandbox box after %d jobs: %s", box.jobs, why)
        with self._lock:
            self._count -= 1
        self._removals.submit(self._discard, box)
        if not self._closed and self._idle.qsize() < self.settings.sandbox_pool_size:
            self._removals.submit(self._start_idle)

    def _discard(self, box: Box) -> None:
        with contextlib.suppress(OSError):
            box.sock.close()
        remove(box.container)
        if box.results is not None:
            os.close(box.results)
        if box.results_path:
            with contextlib.suppress(FileNotFoundError):  # `close` may have removed them all
                os.unlink(box.results_path)

    def _give_back(self, box: Box) -> None:
        age_s = time.monotonic() - box.born
        if box.jobs >= self.settings.sandbox_box_jobs:
            self._retire(box, "served its share of jobs")
        elif age_s > self.settings.sandbox_box_minutes * 60:
            self._retire(box, "lived its time")
        elif self._closed:
            self._retire(box, "closing")
        else:
            self._idle.put(box)

    def warm_count(self) -> int:
        return self._idle.qsize()

    def run(
        self,
        solution: str,
        program: str,
        cases: list[str],
        limits: Any,
        reference: str | None = None,
    ) -> RawRun:
        """Serve one job in an idle box. A box that ran out of clean uids is replaced and the job
        tried anew, and so is a box that had served earlier jobs and broke during this one (what
        an earlier job left may have ended it). A fresh box that breaks was broken by this job: a
        crash, or a memory kill, as in `container` mode.

        A box first rehearses a case program it has not served, with `reference` as the solution
        (once per box and program): it learns which of its pages such a job writes, and makes
        them its next jobs' own before they arrive (sandbox/supervisor.py)."""
        while True:
            box = self._take()
            if reference is not None and program not in box.rehearsed:
                box.rehearsed.add(program)
                if not self._rehearse(box, reference, program, cases, limits):
                    reference = None  # ours failed: once per job, which goes to another box
                    continue
            run, end = self._serve(box, solution, program, cases, limits)
            # After a memory kill the supervisor ends (as it does when it cannot clean up after a
            # job: that box is found dead before its next job, see `_take`).
            if end is None or end.get("status") in ("exhausted", "memory"):
                self._retire(box, "unusual end" if end else "broken channel")
            else:
                self._give_back(box)
            # A box that had served other jobs and broke (not by a memory kill) may have been broken
            # by what came before: the job runs again in another box, and only a box it broke
            # from the start is its own doing.
            if end is not None and end.get("status") == "relay":
                raise ResultsLost("the sandbox could not write its results on this host")
            retry = end is None and box.jobs > 1 and not run.oom_killed
            if not retry and (end is None or end.get("status") != "exhausted"):
                return run

    def _rehearse(
        self, box: Box, reference: str, program: str, cases: list[str], limits: Any
    ) -> bool:
        """Whether the box is still fit after its rehearsal (its results are not needed)."""
        _, end = self._serve(box, reference, program, cases, limits, rehearsal=True)
        if end is None or end.get("status") in ("exhausted", "memory"):
            self._retire(box, "its rehearsal ended unusually")
            return False
        learned = end.get("learned")
        box.learned = learned if isinstance(learned, int) else None
        return True

    run_cold = run  # no cold path in this mode: the benchmark's "cold" figure is container mode's

    def _serve(
        self,
        box: Box,
        solution: str,
        program: str,
        cases: list[str],
        limits: Any,
        rehearsal: bool = False,
    ) -> tuple[RawRun, dict[str, Any] | None]:
        max_result = self.settings.sandbox_result_mib << 20
        job = encode_box_job(
            solution,
            program,
            cases,
            cpu_seconds=limits.cpu_seconds,
            memory_mb=limits.memory_mb,
            output_limit=self.settings.sandbox_output_kib * 1024,
            max_result_bytes=max_result,
            rehearsal=rehearsal,
        )
        run = RawRun()
        splitter = FrameSplitter(max_result, max_frames(len(cases)))
        end: dict[str, Any] | None = None
        started = time.monotonic()
        waited_before = waited_for_pid(box.host_pid) if box.host_pid else None
        # The supervisor ends every job by its backstop; this is for a supervisor that hangs.
        box.sock.settimeout(limits.cpu_seconds * BACKSTOP_FACTOR + WALL_MARGIN_S + 30)
        box.jobs += not rehearsal  # a box's share counts the candidates' jobs, not ours

        def take(data: bytes) -> None:
            if run.protocol_error:
                return  # drained, not kept: the supervisor caps the job's bytes
            try:
                splitter.feed(data)
            except ProtocolError as exc:
                run.protocol_error = str(exc)
                run.output_limit = isinstance(exc, OutputLimit)

        try:
            box.sock.sendall(job)
            for kind, data in box.envelopes():
                if kind == b"E":
                    end = json.loads(data)
                    break
                if kind != b"D" or box.results is not None:
                    raise BoxBroken(f"unexpected envelope {kind!r}")
                take(data)
            if end is not None and box.results is not None:
                # One byte past the cap at most: enough for the splitter to say it was too much.
                # In pieces, as the stream would bring them: a 32 MiB flood is never held twice.
                size = min(os.fstat(box.results).st_size, max_result + 1)
                for offset in range(0, size, READ_PIECE):
                    take(os.pread(box.results, min(READ_PIECE, size - offset), offset))
                # Read: emptied, so that an idle box holds none of the host's memory (a flood
                # would otherwise keep up to the cap in the host's tmpfs until its next job).
                os.ftruncate(box.results, 0)
        except (OSError, BoxBroken, ValueError) as exc:
            log.warning(
                "a sandbox box broke during a job: %s; its stderr: %s",
                exc,
                box.stderr.decode("utf-8", "replace"),
            )
        run.seconds = time.monotonic() - started
        run.payloads = splitter.payloads
        run.finished = splitter.done
        if end is None:
            self._explain_broken(box, run)
            return run, None
        backstop = end.get("status") == "backstop"  # the only end that asks whose fault it was
        if backstop and end.get("waited") is None and waited_before is not None:
            # The supervisor could not see run delays (gVisor's /proc): the host can, for the whole
            # sandbox process, while this job was its only work.
            waited_after = waited_for_pid(box.host_pid)
            if waited_after is not None:
                end["waited"] = waited_after - waited_before
        self._read_end(end, run, limits.cpu_seconds)
        return run, end

    def _explain_broken(self, box: Box, run: RawRun) -> None:
        """The container died or went silent mid-job: a memory kill is the job's; an engine that
        went away is ours (the job is graded again); anything else is a crash."""
        if not engine_answers():
            raise EngineGone("the Docker engine stopped during the run")
        try:
            state = self.client.api.inspect_container(box.container.id)["State"]
            run.oom_killed = bool(state.get("OOMKilled"))
            run.exit_code = state.get("ExitCode")
        except docker.errors.APIError:
            pass

    @staticmethod
    def _read_end(end: dict[str, Any], run: RawRun, cpu_limit: float) -> None:
        status = end.get("status")
        cpu, wall, code = end.get("cpu"), end.get("wall"), end.get("exit")
        run.cpu_seconds = float(cpu) if isinstance(cpu, int | float) else None
        run.exit_code = code if isinstance(code, int) else None
        over = run.cpu_seconds is not None and run.cpu_seconds > cpu_limit + WALL_MARGIN_S
        if status == "timeout" or (status == "ok" and over):  # over, just before it was stopped
            run.timed_out = True
        elif status == "backstop":
            run.host_busy = _host_busy(end.get("waited"), float(wall or run.seconds))
            run.hung = not run.host_busy
            run.timed_out = not run.host_busy
        elif status == "output":
            run.protocol_error = "the results were larger than allowed"
            run.output_limit = True
        elif status == "memory":
            run.oom_killed = True

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._discard(self._idle.get_nowait())
            except queue.Empty:
                break
        self._removals.shutdown(wait=True)
        while True:  # boxes started while closing
            try:
                self._discard(self._idle.get_nowait())
            except queue.Empty:
                break
        if self._results_dir:
            shutil.rmtree(self._results_dir, ignore_errors=True)
