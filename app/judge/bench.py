"""`dli bench sandbox`: submit-to-verdict latency and throughput, side by side in one run.

Five ways to grade the same solution of the same problem:
- pool:   a pre-started container from the warm pool (`container` isolation, the default);
- cold:   a fresh container per submission, started on demand (a `docker run` per job);
- box:    a job in a long-lived container's forked child (`box` isolation);
- bare:   the same runner in a plain subprocess, no container at all (NOT a sandbox: a baseline);
- inproc: the grading compute alone, in this process (the floor);
- inproc+rt: the same, plus the round trip every sandboxed path makes: results encoded as the
  runner's frames, decoded and compared in the isolated judge process.
"""

import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from app.config import ROOT, Settings
from app.judge.grader import judge_isolated
from app.judge.isolation import default_pool
from app.judge.judging import judge
from app.judge.kinds import Mode, Verdict
from app.judge.local import InProcessSandbox, execute
from app.judge.problem import graded_problem
from app.judge.spec import ProblemSpec
from app.judge.verdicts import GradeResult
from app.sandbox import Limits, Sandbox
from app.sandbox.container import RawRun
from app.sandbox.protocol import FrameSplitter, encode_job, max_frames

Runner = Callable[[str, str, list[str], Limits], RawRun]


def run_bare(solution: str, program: str, cases: list[str], limits: Limits) -> RawRun:
    """The container's runner as a local subprocess: same protocol, none of the isolation."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "app" / "judge")}
    with tempfile.TemporaryDirectory(prefix="dli-bare-") as scratch:
        env["DLI_RUNNER_SCRATCH"] = scratch
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "sandbox" / "runner.py")],
            input=encode_job(solution, program, cases, 65536),
            capture_output=True,
            timeout=limits.cpu_seconds + 5,
            env=env,
            check=False,
        )
    splitter = FrameSplitter(64 << 20, max_frames(len(cases)))
    splitter.feed(proc.stdout)
    return RawRun(
        payloads=splitter.payloads,
        stderr=proc.stderr[:65536],
        exit_code=proc.returncode,
        seconds=time.monotonic() - started,
    )


def _timed(grade_once: Callable[[], GradeResult]) -> float:
    started = time.perf_counter()
    result = grade_once()
    if result.verdict != Verdict.accepted:
        raise RuntimeError(f"benchmark solution was not accepted: {result.verdict} {result.detail}")
    return time.perf_counter() - started


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_sandbox(
    settings: Settings,
    spec: ProblemSpec,
    solution: str,
    *,
    rounds: int = 20,
    jobs: int = 16,
    concurrency: tuple[int, ...] = (1, 2, 4),
    runtimes: tuple[str, ...] = ("runc",),
    out: Callable[[str], None] = print,
) -> dict[str, float]:
    """Latency and throughput of each path, each runtime's containers side by side."""
    problem = graded_problem(spec)
    names = [c.name for c in problem.selected(Mode.submit)]
    limits = Limits(spec.meta.limits.cpu_seconds, spec.meta.limits.memory_mb)
    sandboxes, boxes = {}, {}
    for runtime in runtimes:
        chosen = settings.model_copy(
            update={"sandbox_runtime": None if runtime == "runc" else runtime}
        )
        sandboxes[runtime] = Sandbox(
            chosen.model_copy(update={"sandbox_isolation": "container"}), pool_size=max(concurrency)
        )
        boxes[runtime] = Sandbox(
            chosen.model_copy(
                update={"sandbox_isolation": "box", "sandbox_pool_size": max(concurrency)}
            )
        )
    figures: dict[str, float] = {}
    default_pool().prestart(max(concurrency))  # as a worker does as it starts (`warm_start`)
    try:

        def through(runner: Runner) -> GradeResult:
            raw = runner(solution, problem.program, names, limits)
            return judge_isolated(problem, Mode.submit, raw, limits)

        def wait_for_warm_pools() -> None:
            """Each path runs on a machine at rest: pools full, and the containers an earlier path
            used removed (dockerd's work removing them would otherwise land on the next path)."""
            deadline = time.monotonic() + 60
            for box in [*sandboxes.values(), *boxes.values()]:
                while time.monotonic() < deadline and (
                    box.warm_count() < max(concurrency) or box.removing()
                ):
                    time.sleep(0.05)

        paths: dict[str, Callable[[], GradeResult]] = {}
        for runtime, box in sandboxes.items():
            suffix = "" if runtime == "runc" else f"/{runtime}"
            paths[f"pool{suffix}"] = functools.partial(through, box.run)
            paths[f"cold{suffix}"] = functools.partial(through, box.run_cold)
            rehearsed = functools.partial(boxes[runtime].run, reference=problem.reference_source)
            paths[f"box{suffix}"] = functools.partial(through, rehearsed)
        paths["bare"] = lambda: through(run_bare)
        paths["inproc"] = lambda: judge(problem, Mode.submit, execute(problem, solution, names))
        paths["inproc+rt"] = functools.partial(through, InProcessSandbox(problem).run)
        out(f"latency: {rounds} sequential submissions of {spec.slug} ({len(names)} cases) each;")
        out("the paths take turns, one submission each, so that all see the same machine")
        out(f"{'path':12} {'p50 ms':>9} {'p95 ms':>9}")
        # Each box rehearses a problem before its first job of it (and keeps that for its 500
        # jobs): first one job per box, one at a time, timed apart, so that the rounds measure the
        # steady state. Idle boxes are taken first in, first out.
        first: dict[str, list[float]] = {path: [] for path in paths if path.startswith("box")}
        for path, times in first.items():
            for _ in range(max(concurrency)):
                wait_for_warm_pools()
                times.append(_timed(paths[path]))
        samples: dict[str, list[float]] = {path: [] for path in paths}
        for _ in range(rounds):
            for path, grade_once in paths.items():
                wait_for_warm_pools()  # each at rest: pools refilled, the last path's containers gone
                samples[path].append(_timed(grade_once))
        for path, times in samples.items():
            figures[f"{path}_p50"] = statistics.median(times)
            figures[f"{path}_p95"] = _percentile(times, 0.95)
            out(
                f"{path:12} {figures[f'{path}_p50'] * 1e3:9.1f} {figures[f'{path}_p95'] * 1e3:9.1f}"
            )
            if path in first:
                p50, p95 = statistics.median(first[path]), _percentile(first[path], 0.95)
                out(
                    f"{'  1st/box':12} {p50 * 1e3:9.1f} {p95 * 1e3:9.1f}   (its rehearsal included)"
                )

        container_paths = [p for p in paths if p.startswith(("pool", "cold", "box"))]
        out(f"\nthroughput: {jobs} submissions at each concurrency (verdicts/s)")
        out(f"{'workers':>7} " + " ".join(f"{p:>12}" for p in container_paths))
        for workers in concurrency:
            for path in container_paths:
                wait_for_warm_pools()
                grade_once = paths[path]
                started = time.perf_counter()
                with ThreadPoolExecutor(workers) as executor:
                    list(executor.map(lambda _, g=grade_once: _timed(g), range(jobs)))
                figures[f"{path}_rps_{workers}"] = jobs / (time.perf_counter() - started)
            rates = " ".join(f"{figures[f'{p}_rps_{workers}']:12.2f}" for p in container_paths)
            out(f"{workers:7d} {rates}")
    finally:
        for box in [*sandboxes.values(), *boxes.values()]:
            box.close()

    out("\nratios (targets on 2 cores: pool/cold <= 0.25, pool/bare <= 1.0; box: throughput")
    out("        >= 10x cold at 2 and 4 workers, p50 <= 2x in-process plus the JSON round trip)")
    for runtime in runtimes:
        suffix = "" if runtime == "runc" else f"/{runtime}"
        pool, cold = figures[f"pool{suffix}_p50"], figures[f"cold{suffix}_p50"]
        out(f"  {runtime:6} pool p50 / cold p50   = {pool / cold:.2f}")
        out(f"  {runtime:6} pool p50 / bare p50   = {pool / figures['bare_p50']:.2f}")
        out(f"  {runtime:6} pool p50 / inproc p50 = {pool / figures['inproc_p50']:.1f}")
        box_p50, inproc = figures[f"box{suffix}_p50"], figures["inproc_p50"]
        round_trip = max(0.0, figures["inproc+rt_p50"] - inproc)
        out(
            f"  {runtime:6} box p50 = {box_p50 * 1e3:.1f} ms; 2 x in-process + round trip = "
            f"2 x {inproc * 1e3:.1f} + {round_trip * 1e3:.1f} = {(2 * inproc + round_trip) * 1e3:.1f} ms"
            f" ({box_p50 / (2 * inproc + round_trip):.2f} of it)"
        )
        for workers in concurrency:
            ratio = figures[f"box{suffix}_rps_{workers}"] / figures[f"cold{suffix}_rps_{workers}"]
            out(f"  {runtime:6} box / cold throughput at {workers} workers = {ratio:.1f}x")
    return figures
