"""Hostile submissions against the real sandbox: each gets the right verdict, the host is untouched,
and the next submission is graded normally."""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.judge.kinds import Verdict
from app.judge.verdicts import GradeResult
from app.sandbox import Sandbox
from tests.helpers import require_or_skip

Submit = Callable[..., GradeResult]

# Prepended to the reference so that only the attack decides the outcome.
ATTACKS = {
    "fork_bomb": (
        "import os\nwhile True:\n    os.fork()\n",
        # Every forked copy of the runner reports its own failure: the frames can pass the cap.
        {
            Verdict.runtime_error,
            Verdict.time_limit_exceeded,
            Verdict.memory_limit_exceeded,
            Verdict.output_limit_exceeded,
        },
    ),
    "thread_bomb": (
        "import threading, time\nwhile True:\n"
        "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n",
        {Verdict.runtime_error, Verdict.time_limit_exceeded},
    ),
    "list_memory_bomb": (
        "hog = []\nwhile True:\n    hog.append(bytearray(1 << 20))\n",
        {Verdict.memory_limit_exceeded},
    ),
    "numpy_memory_bomb": (
        "import numpy as np\nhog = np.ones((64, 1 << 20))\n",  # 512 MB, over the 128 MB limit
        {Verdict.memory_limit_exceeded},
    ),
    "impossible_allocation": (
        "import numpy as np\nhog = np.ones(1 << 50)\n",
        {Verdict.memory_limit_exceeded},
    ),
    "cpu_spin": ("while True:\n    pass\n", {Verdict.time_limit_exceeded}),
    "sleep": ("import time\ntime.sleep(60)\n", {Verdict.time_limit_exceeded}),
    "clock_busy_wait": (
        "import time\nt = time.time()\nwhile time.time() - t < 60:\n    pass\n",
        {Verdict.time_limit_exceeded},
    ),
    "huge_file": (
        "with open('/tmp/big', 'wb') as f:\n    f.write(b'x' * (200 << 20))\n",
        {Verdict.runtime_error, Verdict.memory_limit_exceeded},
    ),
    "many_small_files": (
        "for i in range(200000):\n    open(f'/tmp/f{i}', 'w').write('x')\n",
        # tmpfs pages are charged to the container's memory: whichever limit comes first ends it.
        {Verdict.runtime_error, Verdict.time_limit_exceeded, Verdict.memory_limit_exceeded},
    ),
    "write_root_filesystem": (
        "open('/opt/dli/runner.py', 'w').write('hacked')\n",
        {Verdict.runtime_error},
    ),
    "exec_from_tmp": (
        "import os, subprocess\nopen('/tmp/x.sh', 'w').write('#!/bin/sh\\necho hi\\n')\n"
        "os.chmod('/tmp/x.sh', 0o755)\nsubprocess.run(['/tmp/x.sh'], check=True)\n",
        {Verdict.runtime_error},
    ),
    "network_by_name": (
        "import socket\nsocket.create_connection(('pypi.org', 443), timeout=2)\n",
        {Verdict.runtime_error},
    ),
    "network_by_ip": (
        "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)\n",
        {Verdict.runtime_error},
    ),
    "exit_early": ("import os\nos._exit(0)\n", {Verdict.runtime_error}),
    "segfault": (
        # A real invalid read: the kernel forces SIGSEGV even on PID 1, unlike a kill(2) (see below).
        "import ctypes\nctypes.string_at(0)\n",
        {Verdict.runtime_error},
    ),
    "system_exit": ("raise SystemExit(0)\n", {Verdict.runtime_error}),
    "loop_at_import": (
        "import itertools\nfor _ in itertools.count():\n    pass\n",
        {Verdict.time_limit_exceeded},
    ),
    "runaway_stdout": (
        "import sys\nwhile True:\n    sys.stdout.write('spam ' * 1000 + '\\n')\n",
        {Verdict.output_limit_exceeded},
    ),
    "deep_recursion": (
        "import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1)\nf(0)\n",
        # Under gVisor in box mode the frames' page faults cost more than the 3 s of CPU time
        # before either the recursion or the memory limit is reached.
        {Verdict.runtime_error, Verdict.memory_limit_exceeded, Verdict.time_limit_exceeded},
    ),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_gets_its_verdict_and_the_next_submission_is_fine(
    name: str,
    submit: Submit,
    reference_source: str,
) -> None:
    code, verdicts = ATTACKS[name]
    result = submit(code + "\n" + reference_source)
    assert result.verdict in verdicts, (result.verdict, result.detail)
    after = submit(reference_source)
    assert after.verdict == Verdict.accepted, after.detail


# Signals sent from inside, with the exact outcome on each runtime (the `runtime_sandbox` param).
# With a container per job the runner, and so the candidate's code, is PID 1 of its PID namespace:
# Linux (runc) drops every signal PID 1 sends itself that it has no handler for, SIGKILL and
# SIGSEGV included, so both are no-ops and the correct functions are accepted. gVisor (runsc) does
# not: the runner dies by SIGKILL (exit 137) or SIGSEGV. In a box the job is a child of the
# supervisor, PID 1, which it is not allowed to signal, and a signal to itself ends it.
SIGNALS = {
    "signal_pid_1": (
        "import os, signal\nos.kill(1, signal.SIGKILL)\n",
        {
            "runc": (Verdict.accepted, ""),
            "runsc": (Verdict.runtime_error, "exit code 137"),
            "box": (Verdict.runtime_error, "PermissionError"),
            "box-runsc": (Verdict.runtime_error, "PermissionError"),
        },
    ),
    "sigsegv_to_self": (
        "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
        {
            "runc": (Verdict.accepted, ""),
            "runsc": (Verdict.runtime_error, "exit code 139"),  # 128 + SIGSEGV, as the container's
            "box": (Verdict.runtime_error, "exit code -11"),  # a box's job: killed by signal 11
            "box-runsc": (Verdict.runtime_error, "exit code -11"),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_signals_from_inside_get_their_exact_verdict(
    name: str, submit: Submit, reference_source: str, request: pytest.FixtureRequest
) -> None:
    code, by_runtime = SIGNALS[name]
    verdict, in_detail = by_runtime[request.node.callspec.params["runtime_sandbox"]]
    result = submit(code + "\n" + reference_source)
    assert result.verdict == verdict, (result.verdict, result.detail)
    assert in_detail in result.detail, result.detail
    if verdict == Verdict.accepted:  # graded as usual: every case ran and passed
        assert result.cases and all(case.passed for case in result.cases), result.cases
    after = submit(reference_source)
    assert after.verdict == Verdict.accepted, after.detail


def test_attacks_that_must_all_fail_inside(
    submit: Submit, reference_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each probe raises if it succeeds; an accepted verdict means every probe failed."""
    monkeypatch.setenv("DLI_SECRET_KEY", "host-secret-that-must-not-leak")
    host_file = "/tmp/dli-host-only-file"
    with open(host_file, "w") as f:
        f.write("host data")
    probes = f"""
import ctypes, ctypes.util, os
leaks = []
if any("host-secret" in v for v in os.environ.values()) or any(k.startswith("DLI_") for k in os.environ):
    leaks.append("environment")
try:
    if b"host-secret" in open("/proc/1/environ", "rb").read():
        leaks.append("/proc/1/environ")
except OSError:
    pass
for path in ({host_file!r}, "/var/run/docker.sock", "/work", {str(os.getcwd())!r} + "/problems"):
    if os.path.exists(path):
        leaks.append(path)
if os.getuid() == 0 or os.geteuid() == 0:
    leaks.append("running as root")
libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
if libc.setuid(0) == 0:
    leaks.append("setuid")
if libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0:
    leaks.append("mount")
if libc.syscall(165, b"none", b"/mnt", b"tmpfs", 0, None) == 0:  # mount(2) on x86-64
    leaks.append("raw mount syscall")
if libc.unshare(0x10000000) == 0:  # CLONE_NEWUSER
    leaks.append("unshare")
if libc.ptrace(16, 1, 0, 0) == 0:  # PTRACE_ATTACH to the runner
    leaks.append("ptrace")
if leaks:
    raise RuntimeError("escaped: " + ", ".join(leaks))
"""
    try:
        result = submit(probes + "\n" + reference_source)
    finally:
        os.unlink(host_file)
    assert result.verdict == Verdict.accepted, result.detail


def test_files_do_not_survive_between_submissions(submit: Submit, reference_source: str) -> None:
    plant = (
        "import os\n"
        "for d in ('/tmp', '/dev/shm', '/var/tmp', '/run/lock'):\n"
        "    try:\n"
        "        open(os.path.join(d, 'left-behind'), 'w').write('x')\n"
        "    except OSError:\n"
        "        pass\n"
    )
    assert submit(plant + reference_source).verdict == Verdict.accepted
    look = (
        "import os\n"
        "found = [d for d in ('/tmp', '/dev/shm', '/var/tmp', '/run/lock') "
        "if os.path.exists(os.path.join(d, 'left-behind'))]\n"
        "if found:\n    raise RuntimeError(f'found {found}')\n"
    )
    result = submit(look + reference_source)
    assert result.verdict == Verdict.accepted, result.detail


def test_symlinks_planted_for_the_host_lead_nowhere(submit: Submit, reference_source: str) -> None:
    plant = (
        "import os\n"
        "for name in ('.dli-stdout', '.dli-stderr'):\n"  # in the job's working directory
        "    os.unlink(name)\n"
        "    os.symlink('/etc/shadow', name)\n"
        "os.symlink('/', 'root')\n"
    )
    result = submit(plant + reference_source)
    assert result.verdict == Verdict.accepted, result.detail
    assert "root:" not in result.stdout + result.stderr


def test_runaway_stdout_is_capped_and_leaves_no_container_log(
    submit: Submit, reference_source: str
) -> None:
    logs = "/var/lib/docker/containers"
    before = _du(logs)
    code, _ = ATTACKS["runaway_stdout"]
    result = submit(code + reference_source)
    assert result.verdict == Verdict.output_limit_exceeded
    assert len(result.stdout) <= 64 * 1024 + 16 and result.stdout.startswith("spam")
    require_or_skip(before is not None, f"cannot measure {logs} (missing or unreadable)")
    assert before is not None
    after = _du(logs)
    assert after is not None, f"{logs} could be measured before the submission but not after"
    assert after - before < 1 << 20


def _du(path: str) -> int | None:
    """The bytes of the files under `path`, or None when that cannot be told: the directory is
    missing, or any part of it is unreadable (a partial sum would hide a log that grew)."""
    if not os.path.isdir(path):
        return None
    unreadable: list[OSError] = []

    def note(error: OSError) -> None:
        if not isinstance(error, FileNotFoundError):  # a container removed while walking: gone
            unreadable.append(error)

    total = 0
    for root, _, files in os.walk(path, onerror=note):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
            except OSError as error:
                unreadable.append(error)
    return None if unreadable else total


def test_an_unreadable_log_directory_is_not_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "log").write_bytes(b"x" * 10)
    (tmp_path / "b").mkdir()
    assert _du(str(tmp_path)) == 10
    assert _du(str(tmp_path / "missing")) is None
    real_scandir = os.scandir

    def scandir(path: str) -> Any:
        if os.path.basename(path) == "b":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _du(str(tmp_path)) is None


def test_twenty_hostile_submissions_at_once(submit: Submit, reference_source: str) -> None:
    never_accepted = [n for n in sorted(ATTACKS) if Verdict.accepted not in ATTACKS[n][1]]
    hostile = [ATTACKS[n][0] + reference_source for n in never_accepted][:20]
    assert len(hostile) >= 18
    good = [reference_source] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        bad_results = [pool.submit(submit, src) for src in hostile]
        good_results = [pool.submit(submit, src) for src in good]
        assert all(f.result().verdict == Verdict.accepted for f in good_results)
        assert all(f.result().verdict != Verdict.accepted for f in bad_results)


def test_stale_containers_of_a_dead_worker_are_reaped(sandbox: Sandbox) -> None:
    import socket

    from app.sandbox import reap_stale
    from app.sandbox.container import LABEL, OWNER_LABEL

    dead_pid = 4_000_000  # above the kernel's pid_max: no process has it
    stale = sandbox.client.containers.create(
        sandbox.image, labels={LABEL: "1", OWNER_LABEL: f"{socket.gethostname()}:{dead_pid}"}
    )
    warm = {w.container.id for w in list(sandbox._pool.queue)}  # idle, owned by this process
    assert reap_stale(sandbox.client) >= 1
    # The listing alone: inspecting containers that other removals may be ending would race.
    left = {c["Id"] for c in sandbox.client.api.containers(all=True, filters={"label": LABEL})}
    assert stale.id not in left
    assert warm <= left  # the live pool's containers stay


def test_reaping_races_with_other_removers_without_failing(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container listed and then removed by another process is simply gone (once: 7% crashes)."""
    import socket

    from app.sandbox import reap_stale
    from app.sandbox.container import LABEL, OWNER_LABEL

    ghost = {"Id": "0" * 64, "Labels": {LABEL: "1", OWNER_LABEL: f"{socket.gethostname()}:4000000"}}
    listed = sandbox.client.api.containers
    monkeypatch.setattr(sandbox.client.api, "containers", lambda **kw: [ghost, *listed(**kw)])
    assert reap_stale(sandbox.client) >= 1  # the ghost is counted, and nothing raised
