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
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.config import ROOT
from app.models import Verdict
from app.sandbox import Sandbox
from tests.conftest import require_or_skip
from tests.hostile_outputs import ATTACKS
from tests.sandbox.conftest import runtime_registered

SLUG = "softmax-cross-entropy"
PEAK_RSS_MB, SECONDS = 300, 15


@pytest.mark.parametrize("runtime", ["runc", "runsc"])
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_output_costs_the_grading_process_little(
    name: str, runtime: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    del sandbox  # only here to build the image and require Docker
    if runtime != "runc":
        require_or_skip(runtime_registered(runtime), f"{runtime} is not registered with Docker")
    attack = tmp_path / "attack.py"
    attack.write_text(ATTACKS[name])
    result, rss_mb, seconds, _ = run_measured(attack, runtime)
    assert result["verdict"] != Verdict.accepted
    assert result["verdict"] != Verdict.internal_error, result["detail"]
    assert rss_mb < PEAK_RSS_MB, f"peak RSS {rss_mb:.0f} MB"
    assert seconds < SECONDS, f"{seconds:.1f} s"
    stored = json.dumps(result)
    assert len(result["stdout"]) <= 64 * 1024 and len(result["stderr"]) <= 64 * 1024
    assert len(stored) < 256 * 1024, f"{len(stored)} bytes would be stored"
    good = tmp_path / "good.py"
    good.write_text((ROOT / "problems" / SLUG / "reference.py").read_text())
    after, _, _, _ = run_measured(good, runtime)
    assert after["verdict"] == Verdict.accepted, after["detail"]


def run_measured(source_file: Path, runtime: str = "runc") -> tuple[dict, float, float, str]:
    """`dli grade --json`: its result, its peak RSS in MB (read by wait4: the judge process it
    waited for included), its seconds and its stderr."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "grade", SLUG, str(source_file), "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "DLI_ENV": "test", "DLI_SANDBOX_RUNTIME": runtime},
    )
    assert proc.stdout is not None and proc.stderr is not None
    with ThreadPoolExecutor(2) as readers:
        out_future = readers.submit(proc.stdout.read)
        err_future = readers.submit(proc.stderr.read)
        _, status, usage = os.wait4(proc.pid, 0)
        out, err = out_future.result(), err_future.result()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    assert proc.returncode in (0, 3), err.decode()[-3000:]
    return json.loads(out), usage.ru_maxrss / 1024, seconds, err.decode()


def test_twenty_parallel_dli_grade_runs_do_not_crash(sandbox: Sandbox, tmp_path: Path) -> None:
    """Each `dli grade` reaps stale containers at start while the others grade: no crash."""
    del sandbox
    good = tmp_path / "good.py"
    good.write_text((ROOT / "problems" / SLUG / "reference.py").read_text())
    bad = tmp_path / "bad.py"
    bad.write_text(ATTACKS["frame_flood"])
    files = [good, bad] * 10
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(run_measured, files))
    for file, (result, _, _, err) in zip(files, results, strict=True):
        assert "Traceback" not in err, err[-2000:]
        assert (result["verdict"] == Verdict.accepted) == (file == good), result["detail"]
