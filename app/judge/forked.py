"""Grade our own code (a problem's mutants, solutions and reference) without Docker, fast.

Each source runs in a child forked from this process, which has already imported NumPy and the
problem: no container to start, no interpreter to boot. The child gets the problem's memory limit
(RLIMIT_AS above what it holds) and its time limit as CPU time, and stops at the first case that
fails when asked to. This is for code we wrote (mutation analysis, `validate --in-process`): it is
not a sandbox, and candidates' code never runs here.

Fork only from a process with one thread: the CLI commands that use this make sure of it.
"""

import json
import os
import resource
import select
import signal
import time
import types
from dataclasses import dataclass

from app.judge.casekit import Case
from app.judge.judging import judge_case
from app.judge.kinds import Mode
from app.judge.problem import GradedProblem
from app.sandbox import CaseRun


@dataclass
class Outcome:
    accepted: bool
    failed: list[str]  # the cases that failed (the first one, when stopping early)
    reason: str  # the first failure's diagnostic, or the limit that ended the child
    seconds: float


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _child(
    problem: GradedProblem, source: str, cases: list[Case], stop_early: bool, fd: int
) -> None:
    quiet = os.open(os.devnull, os.O_WRONLY)  # what the code prints is not our report
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    limits = problem.spec.meta.limits
    memory = _address_space() + limits.memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + limits.cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    failed: list[str] = []
    reason = ""
    current = "(import)"
    try:
        module = types.ModuleType("solution")
        exec(compile(source, "solution.py", "exec"), module.__dict__)
        for case in cases:
            current = case.name
            os.write(fd, json.dumps({"running": current}).encode() + b"\n")
            started = time.perf_counter()
            outputs, error = None, None
            try:
                outputs = case.execute(module)
            except MemoryError:
                raise
            except Exception as exc:
                error = {"type": type(exc).__name__, "message": str(exc), "traceback": ""}
            run = CaseRun(case.name, time.perf_counter() - started, outputs, error)
            report = judge_case(case, problem.expected(case), run)
            if not report.passed:
                failed.append(case.name)
                if not reason:
                    reason = report.diagnostic.splitlines()[0] if report.diagnostic else "failed"
                if stop_early:
                    break
    except MemoryError:
        failed.append(current)
        reason = reason or f"{current}: over the {limits.memory_mb} MB memory limit"
    except BaseException as exc:  # the source does not even import
        failed.append(current)
        reason = reason or f"{type(exc).__name__}: {exc}"[:300]
    os.write(fd, json.dumps({"failed": failed, "reason": reason}).encode() + b"\n")
    os._exit(0)


def grade_forked(
    problem: GradedProblem,
    source: str,
    *,
    mode: Mode = Mode.submit,
    stop_early: bool = False,
    cases: list[Case] | None = None,
) -> Outcome:
    """Grade `source` in a forked child with the problem's memory and time limits."""
    cases = problem.selected(mode) if cases is None else cases
    for case in cases:
        problem.expected(case)  # computed here once, inherited by every child
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        _child(problem, source, cases, stop_early, write)
    os.close(write)
    deadline = started + 3 * problem.spec.meta.limits.cpu_seconds + 10
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([read], [], [], left)[0]:
            os.kill(pid, signal.SIGKILL)
            break
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        data += chunk
    os.close(read)
    _, status = os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    running = "(import)"
    for line in data.splitlines():
        message = json.loads(line)
        if "running" in message:
            running = message["running"]
        else:
            return Outcome(not message["failed"], message["failed"], message["reason"], seconds)
    # No final word: a limit ended the child while it ran `running`.
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return Outcome(False, [running], f"{running}: over the time limit", seconds)
    return Outcome(False, [running], f"{running}: the child ended with status {status}", seconds)
