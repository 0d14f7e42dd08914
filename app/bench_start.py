"""`dli bench start`: how long the first verdicts take after a worker starts.

Each run is a fresh process holding a `Worker`, as `dli serve` or `dli worker` does, that grades a
problem's reference twice. On demand: the first job starts the sandbox pool and a judge process,
and waits for them. Warm (`DLI_WARM_START`): the worker starts them as it starts, and the first job
comes once they are up. Either way the job comes at least two seconds after the start, as one does
on a server that was just (re)started.
"""

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy.orm import sessionmaker

from app.config import ROOT, get_settings
from app.judge.grader import grade
from app.judge.kinds import Mode, Verdict
from app.judge.spec import Catalog
from app.submissions.worker import Worker

SETTLE_S = 2.0


def first_verdicts(isolation: str, warm: bool, slug: str) -> dict[str, float]:
    """In a fresh process: start a worker, then time its first two verdicts (ms)."""
    settings = get_settings().model_copy(
        update={"sandbox_isolation": isolation, "warm_start": warm}
    )
    spec = Catalog(settings.problems_dir).get(slug)
    assert spec is not None, slug
    source = (spec.path / "reference.py").read_text()
    worker = Worker(settings, sessionmaker())
    try:
        worker.warm_up_in_background()
        deadline = time.monotonic() + 120
        while warm and not worker.is_warm() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        times = {}
        for which in ("first", "second"):
            started = time.perf_counter()
            result = grade(spec, source, mode=Mode.submit, sandbox=worker.holder.get())
            if result.verdict != Verdict.accepted:
                raise RuntimeError(f"the reference was not accepted: {result.verdict}")
            times[which] = (time.perf_counter() - started) * 1e3
        return times
    finally:
        worker.close()


CHILD = (
    "import json, sys; from app.bench_start import first_verdicts; "
    "print(json.dumps(first_verdicts(sys.argv[1], sys.argv[2] == 'warm', sys.argv[3])))"
)
LABELS = {"cold": "on demand", "warm": "warm"}


def _fresh_worker(isolation: str, start: str, slug: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, isolation, start, slug],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"a benchmark worker failed:\n{done.stderr[-2000:]}")
    answer: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def bench_start(
    slug: str,
    *,
    rounds: int = 3,
    isolations: tuple[str, ...] = ("container", "box"),
    out: Callable[[str], None] = print,
) -> dict[str, float]:
    figures: dict[str, float] = {}
    out(f"the first two verdicts of {slug}'s reference after a worker starts; {rounds} fresh")
    out(f"processes each (medians, ms); the first job comes {SETTLE_S:g} s or more after the start")
    out(f"{'isolation':10} {'start':10} {'1st':>8} {'2nd':>8}")
    for isolation in isolations:
        for start, label in LABELS.items():
            runs = [_fresh_worker(isolation, start, slug) for _ in range(rounds)]
            for which in ("first", "second"):
                figures[f"{isolation}_{start}_{which}"] = statistics.median(r[which] for r in runs)
            first, second = (figures[f"{isolation}_{start}_{w}"] for w in ("first", "second"))
            out(f"{isolation:10} {label:10} {first:8.0f} {second:8.0f}")
    out("\nratios (first verdict, warm / on demand)")
    for isolation in isolations:
        ratio = figures[f"{isolation}_warm_first"] / figures[f"{isolation}_cold_first"]
        out(f"  {isolation:10} {ratio:.2f}")
    return figures
