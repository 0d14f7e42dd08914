"""The box supervisor: PID 1 of a long-lived sandbox container (isolation mode `box`).

It imports NumPy once, then serves jobs one at a time. Each job runs in a forked child that, before
any candidate code, takes a uid and gid of its own, a private scratch directory, rlimits, an empty
environment and a seccomp filter. After the job every process of that uid is killed and its files
removed; the uid goes back to the range only once nothing of it is left. The supervisor keeps the
only copies of its stdin and stdout: nothing a job writes can pass for the supervisor's words.

Host -> supervisor (stdin):  b"DLIX" + ">IIIQQ" (CPU limit in ms, memory MiB, result byte cap,
                             case program length, job length) + the case program + the job
                             (runner.py's JSON without the program).
Supervisor -> host (stdout): envelopes b"DLIB" + kind + 4-byte big-endian length + data, kind
                             b"R" ready (JSON: uids, results), b"D" bytes the job wrote to its result
                             pipe, b"E" the job's end (JSON: status, cpu, wall, exit, clean, waited,
                             bytes).
Where the host shares a results file (BOX_RESULTS, mounted in a directory only root may enter), the
job's bytes go there instead of into b"D" envelopes, and the host reads the file after b"E": they
no longer pass through the engine's attach stream, which cost more CPU than the job itself.

The job's bytes live in one buffer that is zeroed after the fork, and the results pass through one
reused buffer that is zeroed after the job: a later job's child (a copy of this process) finds
nothing of an earlier job in its memory.
"""

import collections
import contextlib
import ctypes
import errno
import gc
import hashlib
import json
import os
import resource
import secrets
import select
import shutil
import signal
import struct
import sys
import time
import types

import numpy as np

try:
    import seccomp  # Debian's python3-seccomp
except ImportError:
    import pyseccomp as seccomp  # the same interface, from PyPI (the registry image)

import casekit  # noqa: F401  (ours: every case program imports it, so it is loaded once)
import runner

JOBS = "/tmp/jobs"
JOB_HEAD = struct.Struct(">4sIIIQQ")
PROGRAMS_KEPT = 64  # case programs (ours, public) compiled once: a job need not compile its own
UID_BASE = int(os.environ.get("BOX_UID_BASE", "20000"))
UID_COUNT = int(os.environ.get("BOX_UID_COUNT", "64"))
RESULTS = os.environ.get("BOX_RESULTS", "")
NPROC = 32  # processes and threads of one job
NOFILE = 64
FSIZE = 8 << 20
MARGIN_S = 1.0  # CPU time past the limit before the job is stopped (as in container mode)
BACKSTOP = 3.0  # wall clock, in multiples of the CPU limit
POLL_S = 0.05
CLK_TCK = os.sysconf("SC_CLK_TCK")
CHUNK = bytearray(1 << 16)
PR_SET_DUMPABLE = 4

# Syscalls grading never needs. Everything else is left to Docker's own filter (or gVisor).
DENIED = [
    *("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "pidfd_open"),
    *("socket", "socketpair", "connect", "bind", "listen", "accept", "accept4"),
    *("mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "fsopen", "fsmount"),
    *("move_mount", "open_tree", "keyctl", "add_key", "request_key", "bpf", "perf_event_open"),
    *("userfaultfd", "io_uring_setup", "kexec_load", "kexec_file_load", "init_module"),
    *("finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct", "quotactl"),
    *("syslog", "ioperm", "iopl", "personality", "name_to_handle_at", "open_by_handle_at"),
    *("mq_open", "mq_unlink", "shmget", "semget", "msgget"),  # IPC objects outlive the job
    *("setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups"),
    *("setfsuid", "setfsgid"),
]
CLONE_NAMESPACES = (
    0x00020000,
    0x02000000,
    0x04000000,
    0x08000000,
    0x10000000,
    0x20000000,
    0x40000000,
)


def envelope(kind: bytes, data: bytes | memoryview = b"") -> None:
    parts = [b"DLIB" + kind + struct.pack(">I", len(data)), data]
    while parts:
        written = os.writev(1, parts)
        while parts and written >= len(parts[0]):
            written -= len(parts[0])
            parts.pop(0)
        if parts:
            parts[0] = memoryview(parts[0])[written:]


def read_into(fd: int, buffer: bytearray) -> bool:
    """Fill `buffer` from `fd` with no intermediate copies; False at end of input."""
    view, got = memoryview(buffer), 0
    while got < len(buffer):
        n = os.readv(fd, [view[got:]])
        if n == 0:
            return False
        got += n
    return True


def zero(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))  # a zero-filled bytes object holds nothing of the job


# ---- the job's child: from here to `runner.run_job`, nothing of the candidate's has run yet ----


def build_filter() -> "seccomp.SyscallFilter":
    """Built once by the supervisor (half the cost of a filter); each job's child loads it."""
    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        with contextlib.suppress(RuntimeError, ValueError):  # not a syscall on this architecture
            flt.add_rule(seccomp.ERRNO(errno.EPERM), name)
    for flag in CLONE_NAMESPACES:
        flt.add_rule(
            seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag)
        )
    # clone3 passes its flags in memory a filter cannot read: "not implemented" makes the C library
    # fall back to clone, whose flags are checked above.
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    return flt


def child(
    job: bytearray,
    program: tuple[str, types.CodeType],
    result_fd: int,
    uid: int,
    scratch: str,
    cpu_s: float,
    memory_mb: int,
) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.umask(0o077)
    os.mkdir(scratch, 0o700)
    os.chdir(scratch)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, result_fd)
    os.closerange(result_fd + 1, 1 << 16)
    vm = virtual_bytes()
    limits = {
        resource.RLIMIT_CPU: (int(cpu_s + MARGIN_S) + 1, int(cpu_s + MARGIN_S) + 2),
        resource.RLIMIT_AS: (vm + (memory_mb << 20), vm + (memory_mb << 20)),
        resource.RLIMIT_NPROC: (NPROC, NPROC),
        resource.RLIMIT_NOFILE: (NOFILE, NOFILE),
        resource.RLIMIT_FSIZE: (FSIZE, FSIZE),
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, value in limits.items():
        resource.setrlimit(which, value)
    os.environ.clear()
    os.environ.update(
        {"HOME": scratch, "PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONHASHSEED": "0"}
    )
    np.random.seed()  # not the supervisor's generator state, shared by every job
    FILTER.load()
    parsed = json.loads(job)
    zero(job)
    parsed["program"] = program[0]
    runner.run_job(parsed, result_fd, scratch, program[1])
    for name in (".dli-stdout", ".dli-stderr"):  # a courtesy: the supervisor checks, see below
        with contextlib.suppress(OSError):
            os.unlink(name)


def virtual_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) << 10
    return 0


# ---- the supervisor's side ----


def processes_of(uid: int) -> dict[int, float]:
    """Live processes of `uid` and the CPU seconds each has used with its waited-for children."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
            if str(uid) not in uids:
                continue
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            zombie = fields[0] == "Z"  # counted once reaped
            found[int(entry)] = (
                0.0 if zombie else sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK
            )
        except (OSError, StopIteration, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def waited_for_cpu(pid: int) -> float | None:
    """Seconds the job's first process spent runnable without a CPU: a busy host's measure."""
    try:
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[1])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        return None


def as_uid(uid: int, action) -> None:  # type: ignore[no-untyped-def]
    """Run `action` in a short-lived child that has become `uid` (the supervisor has no right to
    signal or delete what a job owns, by design: it has only the capabilities to change user)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            action()
            code = 0
        finally:
            os._exit(code)
    os.waitpid(pid, 0)


FILTER = build_filter()
FINISHED: list[tuple[int, int, float]] = []  # (pid, wait status, CPU seconds), not yet counted


def reap() -> None:
    """Collect every finished child (the job's orphans come to PID 1, and are counted too)."""
    while True:
        try:
            pid, status, usage = os.wait3(os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        FINISHED.append((pid, status, usage.ru_utime + usage.ru_stime))


def kill_all(uid: int) -> bool:
    for _ in range(50):
        reap()
        if not processes_of(uid):
            return True
        as_uid(uid, lambda: os.kill(-1, signal.SIGKILL))
        time.sleep(0.01)
    return False


def remove_files(uid: int) -> bool:
    """Remove whatever `uid` left in the jobs directory (its scratch, and any name it squatted)."""

    def owned() -> list[str]:
        paths = []
        for name in os.listdir(JOBS):
            with contextlib.suppress(OSError):
                if os.lstat(f"{JOBS}/{name}").st_uid == uid:
                    paths.append(f"{JOBS}/{name}")
        return paths

    def unlock(func, path, _exc) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            func(path)

    paths = []
    for path in owned():
        try:
            os.rmdir(path)  # an empty directory: this process owns JOBS, so it may remove it
        except OSError:
            paths.append(path)  # anything else is removed by the uid that made it
    if paths:
        as_uid(uid, lambda: [shutil.rmtree(p, onerror=unlock) for p in paths])
    return not owned()


class Uids:
    def __init__(self) -> None:
        self.free = collections.deque(range(UID_BASE, UID_BASE + UID_COUNT))

    def take(self) -> int | None:
        return self.free.popleft() if self.free else None

    def give_back(self, uid: int) -> None:
        self.free.append(uid)


def oom_kills() -> int | None:
    """The container's count of memory kills, from its cgroup (v2, then v1); None where unseen."""
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        with contextlib.suppress(OSError, ValueError, StopIteration), open(path) as events:
            return int(next(line for line in events if line.startswith("oom_kill ")).split()[1])
    return None


def serve(
    job: bytearray,
    program: tuple[str, types.CodeType],
    uid: int,
    cpu_s: float,
    memory_mb: int,
    cap: int,
    results: int | None,
) -> dict:
    if results is not None:
        os.ftruncate(results, 0)  # the last job's bytes (the host has read them)
    ooms = oom_kills()
    scratch = f"{JOBS}/{uid}-{secrets.token_hex(8)}"
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            child(job, program, write_end, uid, scratch, cpu_s, memory_mb)
            os._exit(0)
        finally:
            os._exit(70)
    os.close(write_end)
    zero(job)
    status, exit_code, waited = "ok", None, None
    reaped_cpu, sent, eof, cpu = 0.0, 0, False, 0.0
    view = memoryview(CHUNK)
    readable = select.poll()  # (not select(2): gVisor's copy of Docker's filter refuses it)
    readable.register(read_end, select.POLLIN)
    delay = 0.001  # idle waits double up to POLL_S: a quick job's end is seen within a few ms
    next_check = POLL_S
    while not eof or exit_code is None:
        if not eof and readable.poll(delay * 1000):
            delay = 0.001
            n = os.readv(read_end, [view])
            eof = n == 0
            if n and status == "ok":
                if sent + n > cap:
                    status = "output"
                    kill_all(uid)
                elif results is None:
                    envelope(b"D", view[:n])
                else:
                    try:
                        written = os.pwrite(results, view[:n], sent)
                    except OSError:
                        written = -1
                    if written != n:  # the host's file system is full: not the job's doing
                        status = "relay"
                        kill_all(uid)
                sent += n
        else:
            if eof:
                time.sleep(delay)
            delay = min(2 * delay, POLL_S)
        reap()
        while FINISHED:
            done_pid, code, used = FINISHED.pop()
            reaped_cpu += used
            if done_pid == pid:
                exit_code = os.waitstatus_to_exitcode(code)
        if exit_code is not None and not eof:
            kill_all(uid)  # the job's first process ended: nothing of it may go on writing
        wall = time.monotonic() - started
        if wall < next_check or (eof and exit_code is not None):
            continue  # results arrive in many small reads: the limits are checked every POLL_S
        next_check = wall + POLL_S
        cpu = reaped_cpu + sum(processes_of(uid).values())
        if status != "ok":
            if wall > BACKSTOP * cpu_s + MARGIN_S + 10:
                break  # something of the job cannot be stopped: the container is recycled
            continue
        if cpu > cpu_s + MARGIN_S:
            status = "timeout"
            kill_all(uid)
        elif wall > BACKSTOP * cpu_s + MARGIN_S:
            status, waited = "backstop", waited_for_cpu(pid)  # the host says whose fault
            kill_all(uid)
    os.close(read_end)
    zero(CHUNK)
    if status == "ok" and exit_code == -signal.SIGXCPU:  # the rlimit came first
        status = "timeout"
    clean = kill_all(uid) and remove_files(uid)
    reap()
    # Every process of the job has ended and been counted by now (those stopped at the end too).
    cpu = reaped_cpu + sum(used for _, _, used in FINISHED)
    FINISHED.clear()
    if ooms is not None and (oom_kills() or 0) > ooms:
        status, clean = "memory", False  # the container's limit, not the job's: start afresh
    return {
        "status": status,
        "cpu": cpu,
        "wall": time.monotonic() - started,
        "exit": exit_code,
        "clean": clean,
        "waited": waited,
        "bytes": sent,
    }


def main() -> None:
    # Not dumpable: no one may read this process's memory through /proc or trace it (Linux refuses
    # another uid anyway; gVisor still shows its environment and map, see the README).
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0)
    # Everything imported so far is shared with each job's child until written: keep the collector
    # from walking (and so copying) it in both.
    gc.freeze()
    for path in ("/tmp", "/dev/shm"):
        with contextlib.suppress(OSError):
            os.chmod(path, 0o711)  # jobs write only in their own directory
    os.mkdir(JOBS)
    os.chmod(JOBS, 0o1733)  # jobs may create here, not list, and not remove one another's
    uids = Uids()
    results = None
    if RESULTS:
        with contextlib.suppress(OSError):
            results = os.open(RESULTS, os.O_RDWR | os.O_CLOEXEC)  # each job's child closes it
    envelope(b"R", json.dumps({"uids": UID_COUNT, "results": results is not None}).encode())
    head = bytearray(JOB_HEAD.size)
    programs: dict[bytes, tuple[str, types.CodeType]] = {}
    while read_into(0, head):
        magic, cpu_ms, memory_mb, cap, program_length, length = JOB_HEAD.unpack(head)
        if magic != b"DLIX":
            sys.exit("bad job header")
        source = bytearray(program_length)
        job = bytearray(length)
        if not read_into(0, source) or not read_into(0, job):
            return
        key = hashlib.sha256(source).digest()
        if key not in programs:
            if len(programs) >= PROGRAMS_KEPT:
                del programs[next(iter(programs))]
            text = source.decode()
            programs[key] = (text, compile(text, "cases.py", "exec"))
        uid = uids.take()
        if uid is None:
            zero(job)
            envelope(b"E", json.dumps({"status": "exhausted", "clean": False}).encode())
            continue
        end = serve(job, programs[key], uid, cpu_ms / 1000, memory_mb, cap, results)
        if end["clean"]:
            uids.give_back(uid)
        envelope(b"E", json.dumps(end).encode())


if __name__ == "__main__":
    main()
