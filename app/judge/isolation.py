"""The second wall: untrusted sandbox output is decoded and compared in a separate judge process.

The protocol decoder has hard limits (app.sandbox.protocol), but a comparison or a case's own check
could still meet something the limits did not foresee. So the server never decodes a result itself:
it hands the raw frames to a long-lived judge process and gets back a bounded verdict as JSON. While
it works on untrusted data the judge process runs under an address-space limit (RLIMIT_AS) and a
CPU-time limit (RLIMIT_CPU), so the worst a result can do is end that one process:

- over the memory budget: MemoryError, reported as the candidate's output_limit_exceeded;
- over the CPU budget: the kernel stops the process (SIGXCPU), the same verdict;
- anything else that ends it (our bug): internal_error, retried by the queue.

A process that tripped a limit is replaced by a fresh one. Each process loads a problem's cases and
computes its reference outputs (trusted code on trusted inputs, outside the limits) the first time
it judges that problem's version, and keeps them read-only: a request carries only the candidate's
frames (sending the reference outputs too doubled the bytes piped per verdict, 1.6 MB more for
softmax-cross-entropy).

Messages are an 8-byte big-endian length and a body: pickle from the server (trusted) to the judge,
JSON from the judge back (never unpickled by the server).

Over 300 lines because the judge process's limits, its request loop and the host's pool that
restarts it are one protocol; both sides of it are kept together so they change together.
"""

import contextlib
import json
import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from app.config import ROOT
from app.judge.kinds import Verdict
from app.judge.verdicts import GradeResult
from app.sandbox import Limits, interpret
from app.sandbox.container import RawRun
from app.sandbox.heap import keep_heap

log = logging.getLogger("dli.judge")

MEMORY_BUDGET_MB = 512  # address space a result may add while it is decoded and compared
CPU_BUDGET_S = 5  # CPU seconds a result may cost; a correct one costs milliseconds
WALL_BACKSTOP_S = 3 * CPU_BUDGET_S
MAX_ANSWER_BYTES = 8 << 20  # a bounded verdict is far smaller; more is our bug
IDLE_PROCESSES = 4
RETIRE_BYTES = 2 << 30  # a process this large after a request is replaced by a fresh one


def _frame(body: bytes) -> bytes:
    return struct.pack(">Q", len(body)) + body


# --- the judge process ---------------------------------------------------------------------------


def _read_message(stream: BinaryIO) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (length,) = struct.unpack(">Q", head)
    body = stream.read(length)
    return body if len(body) == length else None


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


@contextlib.contextmanager
def _limited(memory_bytes: int, cpu_seconds: float) -> Iterator[None]:
    """Soft limits for the untrusted part only; the hard limits stay, so they can be lifted after."""
    old_as = resource.getrlimit(resource.RLIMIT_AS)
    old_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_until = int(usage.ru_utime + usage.ru_stime + cpu_seconds) + 1

    def capped(value: int, hard: int) -> int:
        return value if hard == resource.RLIM_INFINITY else min(value, hard)

    resource.setrlimit(
        resource.RLIMIT_AS, (capped(_address_space() + memory_bytes, old_as[1]), old_as[1])
    )
    resource.setrlimit(resource.RLIMIT_CPU, (capped(cpu_until, old_cpu[1]), old_cpu[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old_as)
        resource.setrlimit(resource.RLIMIT_CPU, old_cpu)


_problems: dict[tuple[str, str], Any] = {}


def _judge_request(request: dict[str, Any]) -> tuple[bytes, bool]:
    """One verdict as JSON, and whether this process is still fit for the next request."""
    from app.judge.judging import judge
    from app.judge.problem import graded_problem
    from app.judge.spec import load_problem

    key = (request["path"], request["version"])
    if key not in _problems:
        loaded = graded_problem(load_problem(Path(request["path"])))
        if loaded.spec.version != request["version"]:  # our error: the request is retried
            raise RuntimeError(f"{key[0]} is no longer version {key[1][:12]}")
        _problems[key] = loaded
    problem = _problems[key]
    expected = {case.name: problem.expected(case) for case in problem.selected(request["mode"])}
    limits = Limits(*request["limits"])
    output_chars = request["output_chars"]
    raw = RawRun(**request["raw"])
    try:
        with _limited(request["memory_budget"], request["cpu_budget"]):
            run = interpret(raw, limits, output_chars=output_chars)
            result = judge(problem, request["mode"], run, expected=expected)
            fit = _address_space() < RETIRE_BYTES  # what a result left behind is not kept
            answer = {"fit": fit, "result": result.bounded(output_chars).to_dict()}
            return json.dumps(answer).encode(), fit
    except MemoryError:
        result = GradeResult(
            Verdict.output_limit_exceeded,
            detail=f"checking your outputs needed more than {request['memory_budget'] >> 20} MB; "
            "return only what the question asks for",
        )
        return json.dumps({"fit": False, "result": result.to_dict()}).encode(), False


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """The judge process's loop: one request, one answer, until the server closes the pipe."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a SIGXCPU would otherwise dump core
    while True:
        message = _read_message(stdin)
        if message is None:
            return
        answer, fit = _judge_request(pickle.loads(message))
        stdout.write(_frame(answer))
        stdout.flush()
        if not fit:
            return


def main() -> None:
    # The protocol owns fd 1; anything printed by mistake goes to stderr instead.
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    os.nice(5)  # grading work: when the CPU is short, the site's pages come first
    keep_heap()  # 2,100 page faults fewer per softmax-cross-entropy verdict (app.sandbox.heap)
    # Imported now, while no verdict waits for them (a started process is ready for its first).
    from app.judge import judging, problem, spec  # noqa: F401

    serve(sys.stdin.buffer, channel)


# --- the server's side ---------------------------------------------------------------------------


class JudgeProcess:
    """One judge process and its pipes; used by one grading thread at a time."""

    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.judge.isolation"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )

    def ask(self, request: bytes, timeout: float) -> bytes | None:
        """The answer, or None if the process ended or ran out of time (it is then killed)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(_frame(request))
            self.proc.stdin.flush()
            deadline = time.monotonic() + timeout
            head = self._read(8, deadline)
            if head is None:
                return None
            (length,) = struct.unpack(">Q", head)
            if length > MAX_ANSWER_BYTES:
                log.error("a judge process answered %d bytes", length)
                return None
            return self._read(length, deadline)
        except OSError:
            return None

    def _read(self, n: int, deadline: float) -> bytes | None:
        assert self.proc.stdout is not None
        fd, data = self.proc.stdout.fileno(), bytearray()
        while len(data) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, min(n - len(data), 1 << 20))
            if not chunk:
                return None
            data += chunk
        return bytes(data)

    def close(self) -> int | None:
        """Stop the process; its exit status (negative: the signal that ended it)."""
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


class JudgePool:
    """Judge processes shared by the grading threads; a process that tripped a limit is replaced."""

    def __init__(
        self, *, memory_budget_mb: int = MEMORY_BUDGET_MB, cpu_budget_s: float = CPU_BUDGET_S
    ) -> None:
        self.memory_budget = memory_budget_mb << 20
        self.cpu_budget = cpu_budget_s
        self._idle: list[JudgeProcess] = []
        self._lock = threading.Lock()

    def _take(self) -> JudgeProcess:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.proc.poll() is None:
                    return process
        return JudgeProcess()

    def idle_count(self) -> int:
        with self._lock:
            return len(self._idle)

    def prestart(self, count: int) -> None:
        """Start processes now, up to `count` idle ones (at most IDLE_PROCESSES): a verdict that
        finds none idle waits for one to start, about 0.5 s."""
        with self._lock:
            wanted = min(count, IDLE_PROCESSES) - len(self._idle)
        for _ in range(wanted):
            self._give_back(JudgeProcess())

    def _give_back(self, process: JudgeProcess) -> None:
        with self._lock:
            if len(self._idle) < IDLE_PROCESSES:
                self._idle.append(process)
                return
        process.close()

    def judge(
        self,
        *,
        problem_path: Path,
        version: str,
        mode: str,
        raw: RawRun,
        limits: Limits,
        output_chars: int,
    ) -> GradeResult:
        request = pickle.dumps(
            {
                "path": str(problem_path),
                "version": version,
                "mode": mode,
                "raw": asdict(raw),
                "limits": (limits.cpu_seconds, limits.memory_mb),
                "output_chars": output_chars,
                "memory_budget": self.memory_budget,
                "cpu_budget": self.cpu_budget,
            },
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        process = self._take()
        answer = process.ask(request, timeout=self.cpu_budget * 3 + 10)
        if answer is None:
            status = process.close()
            if status == -signal.SIGXCPU:
                return GradeResult(
                    Verdict.output_limit_exceeded,
                    detail=f"checking your outputs took more than {self.cpu_budget:g} s of CPU "
                    "time; return only what the question asks for",
                )
            log.error("a judge process ended without an answer (exit status %s)", status)
            return GradeResult(
                Verdict.internal_error, detail="the grader failed; this is not your fault"
            )
        try:
            data = json.loads(answer)
            result, fit = GradeResult.from_dict(data["result"]), data["fit"] is True
        except (ValueError, KeyError, TypeError):
            log.exception("a judge process sent a malformed answer")
            process.close()
            return GradeResult(
                Verdict.internal_error, detail="the grader failed; this is not your fault"
            )
        if fit:
            self._give_back(process)
        else:
            process.close()
        return result

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()


_default: JudgePool | None = None
_default_lock = threading.Lock()


def default_pool() -> JudgePool:
    global _default
    with _default_lock:
        if _default is None:
            _default = JudgePool()
        return _default


def close_default_pool() -> None:
    global _default
    with _default_lock:
        pool, _default = _default, None
    if pool is not None:
        pool.close()


if __name__ == "__main__":
    main()
