"""Hostile output through the real sandbox: what submitted code sends back costs the host little.

Each attack is a real submission graded by a real `dli grade` process; the test measures that
process's peak memory (its judge process included) and its time, then checks that a correct
submission is accepted right after. The comments in tests/hostile_outputs.py say what the same
attacks cost before the host bounded its decoding.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.config import ROOT
from app.judge.kinds import Verdict
from app.sandbox import Sandbox
from tests.helpers import require_or_skip, runtime_registered
from tests.hostile_outputs import ATTACKS

SLUG = "softmax-cross-entropy"
PEAK_RSS_MB, SECONDS = 300, 15


@pytest.mark.parametrize(
    ("runtime", "isolation"),
    [("runc", "container"), ("runsc", "container"), ("runc", "box"), ("runc", "box-stream")],
)
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_output_costs_the_grading_process_little(
    name: str, runtime: str, isolation: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    del sandbox  # only here to build the image and require Docker
    if runtime != "runc":
        require_or_skip(runtime_registered(runtime), f"{runtime} is not registered with Docker")
    attack = tmp_path / "attack.py"
    attack.write_text(ATTACKS[name])
    result, rss_mb, seconds, _ = run_measured(attack, runtime, isolation)
    assert result["verdict"] != Verdict.accepted
    assert result["verdict"] != Verdict.internal_error, result["detail"]
    assert rss_mb < PEAK_RSS_MB, f"peak RSS {rss_mb:.0f} MB"
    assert seconds < SECONDS, f"{seconds:.1f} s"
    stored = json.dumps(result)
    assert len(result["stdout"]) <= 64 * 1024 and len(result["stderr"]) <= 64 * 1024
    assert len(stored) < 256 * 1024, f"{len(stored)} bytes would be stored"
    good = tmp_path / "good.py"
    good.write_text((ROOT / "problems" / SLUG / "reference.py").read_text())
    after, _, _, _ = run_measured(good, runtime, isolation)
    assert after["verdict"] == Verdict.accepted, after["detail"]


# The peak RSS a process reports (ru_maxrss) includes the memory of whoever spawned it as it was
# at the spawn, and pytest may hold hundreds of MB by then: a small launcher process starts
# `dli grade` and reads its rusage, so the figure is dli's own (its judge process included).
LAUNCHER = """
import json, os, sys, time
out, err = sys.argv[1], sys.argv[2]
actions = [
    (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
]
started = time.monotonic()
pid = os.posix_spawn(sys.argv[3], sys.argv[3:], os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "rss_kb": usage.ru_maxrss,
                  "seconds": time.monotonic() - started}))
"""


def run_measured(
    source_file: Path, runtime: str = "runc", isolation: str = "container"
) -> tuple[dict, float, float, str]:
    """`dli grade --json`: its result, its own peak RSS in MB (the judge process it waited for
    included), its seconds and its stderr. Isolation `box-stream`: box mode with its results over
    the engine's attach stream instead of a shared file."""
    isolation, _, stream = isolation.partition("-")
    out, err = source_file.with_suffix(".out"), source_file.with_suffix(".err")
    command = [sys.executable, "-m", "app.cli", "grade", SLUG, str(source_file), "--json"]
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(out), str(err), *command],
        cwd=ROOT,
        env={
            **os.environ,
            "DLI_ENV": "test",
            "DLI_SANDBOX_RUNTIME": runtime,
            "DLI_SANDBOX_ISOLATION": isolation,
            **({"DLI_SANDBOX_RESULTS_DIR": ""} if stream else {}),
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    figures = json.loads(launched.stdout)
    errors = err.read_text()
    assert figures["code"] in (0, 3), errors[-3000:]
    return json.loads(out.read_text()), figures["rss_kb"] / 1024, figures["seconds"], errors


def test_twenty_parallel_dli_grade_runs_do_not_crash(sandbox: Sandbox, tmp_path: Path) -> None:
    """Each `dli grade` reaps stale containers at start while the others grade: no crash."""
    del sandbox
    reference = (ROOT / "problems" / SLUG / "reference.py").read_text()
    files = []
    for i in range(20):
        files.append(tmp_path / f"submission{i}.py")
        files[-1].write_text(reference if i % 2 == 0 else ATTACKS["frame_flood"])
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(run_measured, files))
    for i, (result, _, _, err) in enumerate(results):
        assert "Traceback" not in err, err[-2000:]
        assert (result["verdict"] == Verdict.accepted) == (i % 2 == 0), result["detail"]
