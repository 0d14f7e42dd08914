"""The time limit is CPU time from the container's cgroup, with a wall-clock backstop of 3x.

A verdict must not depend on the neighbours: a correct solution that uses most of its CPU time
is accepted while CPU hogs started by this test slow it down past the limit by the wall clock.
Code that burns CPU past the limit, or hangs without using any, is stopped with a message that
says which."""

import contextlib
import dataclasses
import os
import time
from collections.abc import Iterator

import pytest

from app.judge.grader import grade
from app.judge.kinds import Verdict
from app.judge.spec import Limits, load_problem
from app.sandbox import Sandbox
from app.sandbox.image import image_tag
from tests.helpers import problems_dir

LIMIT_S = 3.0
FOLDER = problems_dir() / "softmax-cross-entropy"
REFERENCE = (FOLDER / "reference.py").read_text()


def _spec():
    spec = load_problem(FOLDER)
    limits = Limits(cpu_seconds=LIMIT_S, memory_mb=spec.meta.limits.memory_mb)
    return dataclasses.replace(spec, meta=spec.meta.model_copy(update={"limits": limits}))


def _burning(seconds: float) -> str:
    """The reference, after burning `seconds` of CPU time at import."""
    return (
        "import time as _t\n"
        f"_end = _t.process_time() + {seconds!r}\n"
        "while _t.process_time() < _end:\n"
        "    pass\n"
    ) + REFERENCE


@contextlib.contextmanager
def spinning(sandbox: Sandbox, cpu_shares: int) -> Iterator[None]:
    """Busy neighbours: containers (each its own cgroup, as grading jobs are, in the sandboxes'
    group) spinning, twice as many as the machine has cores and at least four, at the given CPU
    weight."""
    count = max(4, 2 * (os.cpu_count() or 1))
    spin = ["python3", "-c", "while True: pass"]
    image = image_tag(sandbox.settings)
    boxes = [
        sandbox.client.containers.run(
            image,
            spin,
            detach=True,
            network_mode="none",
            cpu_shares=cpu_shares,
            cgroup_parent=sandbox.cgroup_parent or "",
        )
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for box in boxes:
            box.remove(force=True)


@pytest.fixture(scope="module", params=["container", "box"])
def isolated(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[Sandbox]:
    """Both isolation modes: a container per job, and jobs in a long-lived box."""
    if request.param == "container":
        yield sandbox
        return
    box = Sandbox(sandbox.settings.model_copy(update={"sandbox_isolation": "box"}))
    yield box
    box.close()


@pytest.fixture
def hogs(sandbox: Sandbox) -> Iterator[None]:
    """Neighbours weighed as other grading jobs are."""
    with spinning(sandbox, sandbox.settings.sandbox_cpu_shares):
        yield


def test_a_correct_solution_near_its_limit_is_accepted_on_a_loaded_host(
    isolated: Sandbox, hogs: None
) -> None:
    started = time.monotonic()
    result = grade(_spec(), _burning(0.6 * LIMIT_S), mode="submit", sandbox=isolated)
    wall = time.monotonic() - started
    assert result.verdict == Verdict.accepted, (result.verdict, result.detail)
    assert wall > LIMIT_S  # the premise: by the wall clock it went over
    assert 0.6 * LIMIT_S <= result.seconds <= LIMIT_S + 1.0  # the CPU time, not the wall time


def test_cpu_past_the_limit_is_a_time_limit_naming_cpu_time(isolated: Sandbox) -> None:
    result = grade(_spec(), _burning(1000), mode="submit", sandbox=isolated)
    assert result.verdict == Verdict.time_limit_exceeded
    assert f"more than the {LIMIT_S:g} s of CPU time" in result.detail


def test_code_that_hangs_is_stopped_by_the_wall_clock_backstop(isolated: Sandbox) -> None:
    hang = "import time\ntime.sleep(10_000)\n" + REFERENCE
    result = grade(_spec(), hang, mode="submit", sandbox=isolated)
    assert result.verdict == Verdict.time_limit_exceeded
    assert "stopped making progress" in result.detail


def test_a_job_the_host_starves_is_graded_again_not_blamed(
    sandbox: Sandbox, isolated: Sandbox
) -> None:
    """Neighbours at four times a sandbox's CPU weight leave the job too little CPU to finish
    within the wall-clock backstop: the kernel's count of its time waiting for a CPU says so,
    and the result is ours to retry (the queue grades it again), not a time limit."""
    with spinning(sandbox, 4 * sandbox.settings.sandbox_cpu_shares):
        result = grade(_spec(), _burning(0.6 * LIMIT_S), mode="submit", sandbox=isolated)
    assert result.verdict == Verdict.internal_error
    assert "too busy" in result.detail and "graded again" in result.detail
