"""Box mode, job against job: jobs that share a long-lived container must not reach one another.

Each attack runs in one job and is looked for in the next job of the same container (the tests
check that both ran in the same box: a container's hostname is its id). Probes raise when they
succeed, so an accepted verdict means every one of them failed.
"""

import contextlib
import itertools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.judge.grader import grade, judge_isolated
from app.judge.kinds import Mode, Verdict
from app.judge.problem import graded_problem
from app.judge.spec import ProblemSpec
from app.judge.verdicts import GradeResult
from app.sandbox import Limits, Sandbox
from app.sandbox.box import UID_BASE, UID_COUNT, BoxSandbox
from tests.helpers import require_or_skip, runtime_registered
from tests.hostile_outputs import ATTACKS

Submit = Callable[..., GradeResult]

REPORT = """
import json as _json, os as _os
def _report(**facts):
    facts["box"] = _os.uname().nodename
    print("REPORT " + _json.dumps(facts))
"""


def facts(result: GradeResult) -> dict:
    line = next(line for line in result.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT "))


@pytest.fixture(scope="module", params=["runc", "runsc"])
def box_settings(request: pytest.FixtureRequest, sandbox: Sandbox) -> Settings:
    update: dict[str, object] = {"sandbox_isolation": "box", "sandbox_pool_size": 1}
    if request.param == "runsc":
        require_or_skip(runtime_registered("runsc"), "gVisor's runsc is not registered with Docker")
        update["sandbox_runtime"] = "runsc"
    return sandbox.settings.model_copy(update=update)


@contextlib.contextmanager
def warm_box(settings: Settings) -> Iterator[Sandbox]:
    """Box mode with its one box up, so that every job of a test goes to it."""
    sandbox = Sandbox(settings)
    try:
        deadline = time.monotonic() + 60
        while sandbox.warm_count() < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        yield sandbox
    finally:
        sandbox.close()


@pytest.fixture
def box(box_settings: Settings) -> Iterator[Sandbox]:
    with warm_box(box_settings) as sandbox:
        yield sandbox


@pytest.fixture
def submit(box: Sandbox, spec: ProblemSpec, reference_source: str) -> Submit:
    def run(attack: str, *, correct: bool = True) -> GradeResult:
        source = REPORT + attack + ("\n" + reference_source if correct else "")
        return grade(spec, source, mode="submit", sandbox=box)

    return run


def test_each_job_has_a_uid_a_private_directory_and_an_empty_environment(submit: Submit) -> None:
    probe = """
import stat
here = _os.stat(".")
try:
    _os.listdir("/tmp/jobs")
    listed = True
except PermissionError:
    listed = False
_report(uid=_os.getuid(), euid=_os.geteuid(), gid=_os.getgid(), groups=_os.getgroups(),
        cwd=_os.getcwd(), mode=stat.S_IMODE(here.st_mode), owner=here.st_uid,
        env=sorted(_os.environ), listed=listed)
"""
    first, second = submit(probe), submit(probe)
    assert first.verdict == second.verdict == Verdict.accepted, (first.detail, second.detail)
    a, b = facts(first), facts(second)
    assert a["box"] == b["box"]  # the premise: one container served both
    assert a["uid"] != b["uid"]
    for job in (a, b):
        assert UID_BASE <= job["uid"] < UID_BASE + UID_COUNT
        assert job["euid"] == job["gid"] == job["owner"] == job["uid"]
        assert job["groups"] == []
        assert job["mode"] == 0o700 and job["cwd"].startswith("/tmp/jobs/")
        assert set(job["env"]) <= {"HOME", "PATH", "PYTHONHASHSEED"}
        assert job["listed"] is False
    assert a["cwd"] != b["cwd"]


def test_nothing_of_a_job_outlives_it(submit: Submit) -> None:
    leave = """
import time
open("notes.txt", "w").write("left for the next job")
_os.mkdir("sub"); open("sub/x", "w").write("x"); _os.chmod("sub", 0o500)
for path in ("/tmp/jobs/squatted", "/tmp/left", "/dev/shm/left"):
    try:
        _os.mkdir(path)
    except OSError:
        pass
if _os.fork() == 0:  # a daemon: its own session, orphaned, ignoring what it can
    _os.setsid()
    if _os.fork() == 0:
        import signal
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        time.sleep(120)
    _os._exit(0)
_report(uid=_os.getuid())
"""
    look = """
others = []
for pid in filter(str.isdigit, _os.listdir("/proc")):
    try:
        uid = int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("Uid:")).split()[1])
    except (OSError, StopIteration):
        continue
    if uid not in (0, _os.getuid()):
        others.append((pid, uid))
if others:
    raise RuntimeError(f"processes of other jobs: {others}")
for path in ("/tmp/jobs/squatted", "/tmp/left", "/dev/shm/left"):
    if _os.path.exists(path):
        raise RuntimeError(f"{path} survived")
mine = sorted(_os.listdir("."))
if mine != [".dli-stderr", ".dli-stdout"]:
    raise RuntimeError(f"my directory was not empty: {mine}")
_report(uid=_os.getuid())
"""
    first = submit(leave)
    assert first.verdict == Verdict.accepted, first.detail
    second = submit(look)
    assert second.verdict == Verdict.accepted, second.detail
    assert facts(first)["box"] == facts(second)["box"]


def test_a_job_cannot_signal_trace_or_read_the_supervisor(submit: Submit) -> None:
    probes = """
import ctypes, ctypes.util, signal, socket
escaped = []
libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
try:
    _os.kill(1, 0)
    escaped.append("signal the supervisor")
except PermissionError:
    pass
try:
    _os.kill(-1, signal.SIGKILL)  # every process it may signal but itself
    escaped.append("kill(-1) reached a process")
except ProcessLookupError:
    pass  # there is none
try:
    open("/proc/1/mem", "rb").read(1)
    escaped.append("/proc/1/mem")
except OSError:
    pass
try:  # Linux refuses; gVisor shows it: the fixed variables of every sandbox, nothing of a job
    names = {v.split(b"=")[0] for v in open("/proc/1/environ", "rb").read().split(b"\\0") if v}
    if names - {b"OPENBLAS_NUM_THREADS", b"OMP_NUM_THREADS", b"MKL_NUM_THREADS", b"HOSTNAME",
                b"PYTHONDONTWRITEBYTECODE", b"PYTHONUNBUFFERED", b"PYTHONHASHSEED", b"HOME",
                b"PATH", b"BOX_UID_BASE", b"BOX_UID_COUNT", b"BOX_RESULTS", b"GLIBC_TUNABLES",
                # (glibc cuts GLIBC_TUNABLES into its parts in place)
                b"glibc.malloc.mmap_threshold", b"glibc.malloc.trim_threshold"}:
        escaped.append(f"/proc/1/environ: {names}")
except OSError:
    pass
if libc.ptrace(16, 1, 0, 0) == 0:
    escaped.append("ptrace")
for uid in (0, _os.getuid() + 1):
    if libc.setuid(uid) == 0 or libc.setresuid(uid, uid, uid) == 0:
        escaped.append(f"setuid {uid}")
if libc.unshare(0x10000000) == 0:
    escaped.append("unshare")
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    escaped.append("socket")
except OSError:
    pass
if escaped:
    raise RuntimeError("escaped: " + ", ".join(escaped))
_report(uid=_os.getuid())
"""
    result = submit(probes)
    assert result.verdict == Verdict.accepted, result.detail
    after = submit("_report(uid=_os.getuid())\n")
    assert after.verdict == Verdict.accepted, after.detail
    assert facts(result)["box"] == facts(after)["box"]  # the supervisor lived on


def test_a_job_cannot_reach_the_results_file(submit: Submit, box: Sandbox) -> None:
    """The supervisor writes each job's results to a file shared with the host: it is mounted in a
    directory only root may enter, and no job inherits a descriptor of it."""
    probes = """
escaped = []
for path, how in (("/var/lib/dli/results", "rb"), ("/var/lib/dli/results", "r+b")):
    try:
        open(path, how).close()
        escaped.append(f"open {how}")
    except PermissionError:
        pass
try:
    _os.listdir("/var/lib/dli")
    escaped.append("list its directory")
except PermissionError:
    pass
for fd in _os.listdir("/proc/self/fd"):
    try:
        if "results" in _os.readlink(f"/proc/self/fd/{fd}"):
            escaped.append(f"descriptor {fd}")
    except OSError:
        pass
if escaped or not _os.path.isdir("/var/lib/dli"):
    raise RuntimeError("escaped: " + ", ".join(escaped))
_report()
"""
    assert box.box is not None
    idle = box.box._idle.queue[0]
    assert idle.results is not None, "the box does not use its results file"
    result = submit(probes)
    assert result.verdict == Verdict.accepted, result.detail
    after = submit("_report()\n")
    assert after.verdict == Verdict.accepted, after.detail
    assert facts(result)["box"] == facts(after)["box"]


def test_results_come_over_the_engine_stream_without_a_results_directory(
    box_settings: Settings, spec: ProblemSpec, reference_source: str, tmp_path: Path
) -> None:
    """Where no directory is shared with the engine's host (a server in a container, a remote
    engine), results come over the attach stream, with the same limits."""
    flood = "import sys\nfor _ in range(100_000):\n    sys.stdout.write('x' * 1000)\n"
    settings = box_settings.model_copy(update={"sandbox_results_dir": ""})
    with warm_box(settings) as sandbox:
        assert sandbox.box is not None and sandbox.box._idle.queue[0].results is None
        good = grade(
            spec, REPORT + "_report()\n" + reference_source, mode="submit", sandbox=sandbox
        )
        bad = grade(spec, flood + reference_source, mode="submit", sandbox=sandbox)
    assert good.verdict == Verdict.accepted, good.detail
    assert bad.verdict == Verdict.output_limit_exceeded, bad.detail
    # With one: a directory of this process's own, one file per box, emptied once its results are
    # read (the flood's 32 MiB would otherwise stay in the host's memory until the box's next job),
    # nothing left once closed.
    with warm_box(box_settings.model_copy(update={"sandbox_results_dir": str(tmp_path)})) as sb:
        (private,) = tmp_path.iterdir()
        assert private.stat().st_mode & 0o777 == 0o700
        (results,) = private.iterdir()
        for source in (reference_source, ATTACKS["frame_flood"]):  # 1.6 MB of results, 31 MiB
            result = grade(spec, source, mode="submit", sandbox=sb)
            assert (result.verdict == Verdict.accepted) == (source == reference_source)
            assert results.stat().st_size == 0
    assert list(tmp_path.iterdir()) == []


def test_a_box_rehearses_once_and_writes_the_pages_ahead_and_no_job_teaches_it(
    box_settings: Settings,
    spec: ProblemSpec,
    reference_source: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A box rehearses a case program with the reference before its first job of it, once. From
    then on each job's process starts with the pages the rehearsal wrote already its own. What a
    job writes on its own "finished" pipe is never taken for such pages."""
    ends: list[tuple[bool, dict | None]] = []
    serve = BoxSandbox._serve

    def recording(self: BoxSandbox, *args: Any, **kwargs: Any) -> Any:
        run, end = serve(self, *args, **kwargs)
        ends.append((kwargs.get("rehearsal", False), end))
        return run, end

    monkeypatch.setattr(BoxSandbox, "_serve", recording)
    dirty = """
def _dirty():  # private pages written so far (ahead, or by this job): kB
    try:
        for line in open("/proc/self/smaps_rollup"):
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1])
    except OSError:
        return None
_report(dirty=_dirty())
"""
    teach = """
try:  # "finished", then page runs over all of memory, as a rehearsal would send them
    _os.write(4, b"F" + ((0).to_bytes(8, "big") + (1 << 40).to_bytes(8, "big")) * 512)
except OSError:
    pass
_report()
"""
    problem = graded_problem(spec)
    names = [case.name for case in problem.selected(Mode.submit)]
    limits = Limits(spec.meta.limits.cpu_seconds, spec.meta.limits.memory_mb)
    with warm_box(box_settings) as sandbox:
        unrehearsed = sandbox.run(REPORT + dirty + reference_source, problem.program, names, limits)
        plain = judge_isolated(problem, Mode.submit, unrehearsed, limits)
        ahead = [
            grade(spec, REPORT + attack + reference_source, mode="submit", sandbox=sandbox)
            for attack in (dirty, teach, dirty)
        ]
        assert sandbox.box is not None
        box = sandbox.box._idle.queue[0]
    assert [r.verdict for r in (plain, *ahead)] == [Verdict.accepted] * 4, plain.detail
    assert len({facts(r)["box"] for r in (plain, *ahead)}) == 1
    rehearsals = [end for rehearsal, end in ends if rehearsal]
    assert len(rehearsals) == 1 and rehearsals[0] is not None
    assert box.rehearsed and box.jobs == 4  # the rehearsal is not a candidate's job
    jobs = [end for rehearsal, end in ends if not rehearsal]
    assert all(end is not None and "learned" not in end for end in jobs)
    if box_settings.sandbox_runtime is None:  # gVisor has no page map: nothing is learned there
        learned = rehearsals[0]["learned"]
        assert box.learned == learned and learned > 200
        before, after = facts(plain)["dirty"], facts(ahead[2])["dirty"]
        assert after - before > learned * 4 // 2, (before, after, learned)


def test_a_job_finds_nothing_of_the_previous_job_in_its_memory(submit: Submit) -> None:
    """The earlier job's code carries a long run of a rare pattern; the later job reads all of its
    own memory (a copy of the supervisor's) for it. The earlier job finds it in its own memory:
    the scan works."""
    scan = """
import ctypes
def _runs_found():
    needle = b"QZ" * 16
    found = 0
    for line in open("/proc/self/maps"):
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        anonymous = len(fields) < 6 or fields[5] in ("[heap]", "[stack]")
        if not fields[1].startswith("r") or not anonymous:  # files are not the job's data
            continue
        for at in range(start, end, 1 << 20):
            data = ctypes.string_at(at, min(1 << 20, end - at))
            hit = data.find(needle)
            while hit != -1:
                run = hit
                while data[run:run + 2] == b"QZ":
                    run += 2
                found += run - hit >= 1000
                hit = data.find(needle, run)
    return found
"""
    marked = scan + "# " + "QZ" * 3000 + "\n_report(found=_runs_found())\n"
    plain = scan + "_report(found=_runs_found())\n"
    first = submit(marked)
    assert first.verdict == Verdict.accepted, first.detail
    second = submit(plain)
    assert second.verdict == Verdict.accepted, second.detail
    assert facts(first)["found"] >= 1  # the scan sees a job's own code
    assert facts(second)["found"] == 0
    assert facts(first)["box"] == facts(second)["box"]


def test_a_job_cannot_exhaust_the_pids_and_the_next_job_is_correct(
    submit: Submit, box_settings: Settings
) -> None:
    hog = """
import time
children = 0
try:
    while True:
        if _os.fork() == 0:
            time.sleep(120)
            _os._exit(0)
        children += 1
except OSError:
    pass
raise RuntimeError(f"stopped after {children} processes")
"""
    result = submit(hog)
    assert result.verdict == Verdict.runtime_error, result.detail
    if box_settings.sandbox_runtime is None:  # the job's process limit stopped it
        assert "stopped after" in result.detail
    # (Under gVisor the box's own limit ends the whole box first: it is replaced.)
    after = submit("_report(uid=_os.getuid())\n")
    assert after.verdict == Verdict.accepted, after.detail


def test_uids_return_to_the_range_once_nothing_of_them_is_left(
    box_settings: Settings,
    spec: ProblemSpec,
    reference_source: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.sandbox.box.UID_COUNT", 2)
    seen = []
    with warm_box(box_settings) as sandbox:
        for _ in range(5):
            source = REPORT + "_report(uid=_os.getuid())\n" + reference_source
            result = grade(spec, source, mode="submit", sandbox=sandbox)
            assert result.verdict == Verdict.accepted, result.detail
            seen.append(facts(result))
    assert len({job["box"] for job in seen}) == 1
    assert {job["uid"] for job in seen} == {UID_BASE, UID_BASE + 1}
    assert all(a["uid"] != b["uid"] for a, b in itertools.pairwise(seen))


def test_a_box_is_replaced_after_its_share_of_jobs(
    box_settings: Settings, spec: ProblemSpec, reference_source: str
) -> None:
    boxes = []
    with warm_box(box_settings.model_copy(update={"sandbox_box_jobs": 2})) as sandbox:
        for _ in range(3):
            source = REPORT + "_report()\n" + reference_source
            result = grade(spec, source, mode="submit", sandbox=sandbox)
            assert result.verdict == Verdict.accepted, result.detail
            boxes.append(facts(result)["box"])
    assert boxes[0] == boxes[1] != boxes[2]


def test_a_memory_kill_of_the_box_is_the_jobs_verdict_and_the_box_is_replaced(
    box_settings: Settings, spec: ProblemSpec, reference_source: str
) -> None:
    """Each process stays under its own address-space limit; together they fill the container."""
    fill = """
import time
for _ in range(6):
    if _os.fork() == 0:
        block = bytearray(100 << 20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(60)
        _os._exit(0)
time.sleep(60)
"""
    fits = REPORT + "_report()\n" + reference_source
    with warm_box(box_settings.model_copy(update={"sandbox_box_memory_mb": 320})) as sandbox:
        before = grade(spec, fits, mode="submit", sandbox=sandbox)
        result = grade(spec, REPORT + fill + reference_source, mode="submit", sandbox=sandbox)
        after = grade(spec, fits, mode="submit", sandbox=sandbox)
    if box_settings.sandbox_runtime is None:
        assert result.verdict == Verdict.memory_limit_exceeded, (result.verdict, result.detail)
    else:  # gVisor's sandbox ends as a whole, and Docker does not call it a memory kill
        assert result.verdict in (Verdict.memory_limit_exceeded, Verdict.runtime_error)
    assert after.verdict == Verdict.accepted, after.detail
    assert facts(before)["box"] != facts(after)["box"]
