"""The box supervisor: PID 1 of a long-lived sandbox container (isolation mode `box`).

It imports NumPy once, then serves jobs one at a time. Each job runs in a forked child that, before
any candidate code, takes a uid and gid of its own, a private scratch directory, rlimits, an empty
environment and a seccomp filter. The next job's child is forked, and made all that but its limits,
as soon as the last job is over: it then waits for its job on a pipe. After the job every process
of that uid is killed and its files removed; the uid goes back to the range only once nothing of
it is left. The supervisor keeps the only copies of its stdin and stdout: nothing a job writes can
pass for the supervisor's words.

Host -> supervisor (stdin):  b"DLIX" + ">IIIQQ" (CPU limit in ms, memory MiB, result byte cap,
                             case program length, job length) + the case program + the job
                             (runner.py's JSON without the program). b"DLIP" instead: a rehearsal,
                             the host's job with the problem's reference (ours) as the solution.
Supervisor -> host (stdout): envelopes b"DLIB" + kind + 4-byte big-endian length + data, kind
                             b"R" ready (JSON: uids, results), b"D" bytes the job wrote to its result
                             pipe, b"E" the job's end (JSON: status, cpu, wall, exit, waited,
                             bytes), sent before the cleaning up after the job.
Where the host shares a results file (BOX_RESULTS, mounted in a directory only root may enter), the
job's bytes go there instead of into b"D" envelopes, and the host reads the file after b"E": they
no longer pass through the engine's attach stream, which cost more CPU than the job itself. They
move from the job's pipe to the file by splice(2), never through this process's memory.

A forked child's first write to each page it shares with the supervisor costs a fault and a copy
(730-1,100 of them in a softmax-cross-entropy job: refcounts, and the heap's free space). A rehearsal
runs only our code: its process reads from /proc/self/pagemap which of the shared pages it wrote,
and the supervisor keeps them by case program. The next job's process writes those of the last
job's program before its job arrives, while the host is still judging the last one; a job of
another program gets a process made anew for it.

The job's bytes live in one buffer that is zeroed once they are handed to the job's child, and
results relayed as envelopes pass through one reused buffer that is zeroed after the job: a later
job's child (a copy of this process, forked after that) finds nothing of an earlier job in its
memory.

Over 300 lines because a job's whole life in the box (its process made before the job, the relay of
its results, its limits, its end, the cleaning up after it) is one sequence whose safety depends on
its order; it runs in this one file, which the image copies as it is.
"""

import collections
import contextlib
import ctypes
import errno
import fcntl
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

# NumPy 2 imports these on first use: imported here, once, not again in every job's process.
import numpy.fft
import numpy.linalg
import numpy.ma
import numpy.polynomial
import numpy.random

try:
    import seccomp  # Debian's python3-seccomp
except ImportError:
    import pyseccomp as seccomp  # the same interface, from PyPI (the registry image)

import casekit  # noqa: F401  (ours: every case program imports it, so it is loaded once)
import runner

JOBS = "/tmp/jobs"
JOB_HEAD = struct.Struct(">4sIIIQQ")
# To a job's process: CPU ms, memory MiB, program and job length, whether it is a rehearsal.
SPARE_HEAD = struct.Struct(">IIQQ?")
PROGRAMS_KEPT = 64  # case programs (ours, public) compiled once: a job need not compile its own
PROGRAMS: dict[bytes, tuple[str, types.CodeType]] = {}  # by the SHA-256 of their source
LEARNED: dict[bytes, list[tuple[int, int]]] = {}  # page runs (first, count) a rehearsal wrote
LEARN_BYTES = 1 << 15  # at most 2,048 runs of pages from one rehearsal
LEARN_PAGES = 1 << 14  # and at most 64 MiB of pages written ahead for one job
MADV_POPULATE_WRITE = 23  # Linux 5.14: fault pages in writable (here: copy them); data unchanged
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
CHUNK = bytearray(1 << 16)  # results relayed as envelopes, or drained
# A job's results move from its pipe to the file in pieces of up to this, never through this process.
RESULT_PIPE = 1 << 20
PR_SET_DUMPABLE = 4
LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

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


def write_all(fd: int, parts: list) -> None:
    while parts:
        written = os.writev(fd, parts)
        while parts and written >= len(parts[0]):
            written -= len(parts[0])
            parts.pop(0)
        if parts:
            parts[0] = memoryview(parts[0])[written:]


def envelope(kind: bytes, data: bytes | memoryview = b"") -> None:
    write_all(1, [b"DLIB" + kind + struct.pack(">I", len(data)), data])


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


def read_small(path: str) -> str:
    """A small file of /proc or /sys in three system calls (`open` takes seven: under gVisor
    each costs about 45 us of CPU)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.read(fd, 1 << 16).decode()
    finally:
        os.close(fd)


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


def shared_pages() -> tuple["np.ndarray", "np.ndarray"]:
    """Of this process's writable private memory, the pages present and still shared (with the
    supervisor, since the fork), and those present and its own."""
    shared, own = [], []
    with open("/proc/self/maps") as maps, open("/proc/self/pagemap", "rb", buffering=0) as pagemap:
        for line in maps:
            span, perms = line.split()[:2]
            first, end = (int(x, 16) >> 12 for x in span.split("-"))
            if not perms.startswith("rw") or perms[3] != "p" or end - first > 1 << 18:
                continue  # not written by a job, or a reservation (the heap's is 1 GiB, untouched)
            pagemap.seek(first * 8)
            entries = np.frombuffer(pagemap.read((end - first) * 8), dtype="<u8")
            numbers = np.arange(first, first + len(entries), dtype=np.int64)
            present = (entries >> np.uint64(63)) == 1
            exclusive = (entries >> np.uint64(56)) & 1 == 1
            shared.append(numbers[present & ~exclusive])
            own.append(numbers[present & exclusive])
    return np.concatenate(shared), np.concatenate(own)


def page_runs(pages: "np.ndarray") -> bytes:
    """Sorted page numbers as runs: pairs of (first page, count), big-endian 64-bit."""
    if not len(pages):
        return b""
    starts = np.flatnonzero(np.diff(pages) != 1) + 1
    firsts = pages[np.concatenate(([0], starts))]
    counts = np.diff(np.concatenate(([0], starts, [len(pages)])))
    return np.stack([firsts, counts], axis=1).astype(">u8").tobytes()[:LEARN_BYTES]


def write_ahead(runs: list[tuple[int, int]]) -> None:
    """Copy, before the job, the pages its program's rehearsal wrote (errors: a page no longer
    mapped, gVisor; they cost only the time saved)."""
    for first, count in runs:
        LIBC.madvise(first << 12, count << 12, MADV_POPULATE_WRITE)


def child(
    job_fd: int, result_fd: int, fin_fd: int, uid: int, scratch: str, ahead: list[tuple[int, int]]
) -> None:
    """A job's process. It is forked, and made what it is, before its job arrives (while the box
    waits for work): then it reads the job from `job_fd` and runs it."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})  # the supervisor's, see main
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.umask(0o077)
    os.mkdir(scratch, 0o700)
    os.chdir(scratch)
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(job_fd, 0)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.dup2(result_fd, 3)
    os.dup2(fin_fd, 4)
    os.closerange(5, 1 << 16)  # the supervisor's channels, the results file
    os.environ.clear()
    np.random.seed()  # not the supervisor's generator state, shared by every job
    FILTER.load()
    write_ahead(ahead)
    head = bytearray(SPARE_HEAD.size)
    if not read_into(0, head):
        return  # the box is closing
    cpu_ms, memory_mb, program_length, length, rehearsal = SPARE_HEAD.unpack(head)
    before = None
    if rehearsal:  # only our code runs here: what it says is the supervisor's to keep
        with contextlib.suppress(Exception):
            LIBC.prctl(PR_SET_DUMPABLE, 1)  # its own /proc files become readable
            # From here on: what every job of this program writes, its job read and set up too.
            before = shared_pages()[0]
    source, job = bytearray(program_length), bytearray(length)
    if not read_into(0, source) or not read_into(0, job):
        return
    os.dup2(1, 0)
    program = PROGRAMS.get(hashlib.sha256(source).digest())  # compiled before this process was
    text = source.decode()
    code = program[1] if program else compile(text, "cases.py", "exec")
    cpu_s = cpu_ms / 1000
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
    os.environ.update(
        {"HOME": scratch, "PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONHASHSEED": "0"}
    )
    parsed = json.loads(job)
    zero(job)
    parsed["program"] = text
    learned = b""
    runner.run_job(parsed, 3, scratch, code)
    if before is not None:
        with contextlib.suppress(Exception):
            learned = page_runs(np.intersect1d(before, shared_pages()[1]))
    for name in (".dli-stdout", ".dli-stderr"):  # a courtesy: the supervisor checks, see below
        with contextlib.suppress(OSError):
            os.unlink(name)
    with contextlib.suppress(OSError):
        # The job is over, and then its results end (see Spare.finished).
        write_all(4, [b"F", learned])
        os.close(3)


def virtual_bytes() -> int:
    for line in read_small("/proc/self/status").splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) << 10
    return 0


# ---- the supervisor's side ----


def processes_of(uid: int) -> dict[int, float]:
    """Processes of `uid` not yet reaped and the CPU seconds each has used with its waited-for
    children (reaping one moves its count into its rusage: measured after `reap`, none is counted
    twice)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = read_small(f"/proc/{entry}/status").splitlines()
            uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
            if str(uid) not in uids:
                continue
            fields = read_small(f"/proc/{entry}/stat").rpartition(")")[2].split()
            found[int(entry)] = sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK
        except (OSError, StopIteration, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def waited_for_cpu(pid: int) -> float | None:
    """Seconds the job's first process spent runnable without a CPU: a busy host's measure."""
    try:
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            total += int(read_small(f"/proc/{pid}/task/{task}/schedstat").split()[1])
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


class Spare:
    """The next job's process, forked and waiting for its job, and its channels."""

    def __init__(self, uid: int, program: bytes, ahead: list[tuple[int, int]]) -> None:
        self.uid = uid
        self.program, self.ahead = program, bool(ahead)  # whose pages it writes ahead
        job_r, self.job_w = os.pipe()
        self.result_r, result_w = os.pipe()
        self.fin_r, fin_w = os.pipe()
        os.set_blocking(fin_w, False)  # the job writing more there only fails: it never waits
        with contextlib.suppress(OSError):  # fewer, larger moves of the results (see `serve`)
            fcntl.fcntl(self.result_r, fcntl.F_SETPIPE_SZ, RESULT_PIPE)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                for fd in (self.job_w, self.result_r, self.fin_r):
                    os.close(fd)
                scratch = f"{JOBS}/{uid}-{secrets.token_hex(8)}"
                child(job_r, result_w, fin_w, uid, scratch, ahead)
                os._exit(0)
            finally:
                os._exit(70)
        for fd in (job_r, result_w, fin_w):
            os.close(fd)
        os.set_blocking(self.fin_r, False)
        self.open = [self.job_w, self.result_r, self.fin_r]
        self.done = False
        self.reaped = False

    def hand_over(self, parts: list) -> None:
        """Write the job to the spare (which reads it meanwhile), then close the channel."""
        with contextlib.suppress(BrokenPipeError):  # it ended before its job: its end says so
            write_all(self.job_w, parts)
        os.close(self.job_w)
        self.open.remove(self.job_w)

    def finished(self) -> bool:
        """Whether the job's process said it got to the end of its job. Its own word, so it decides
        only this: the job's end need not wait for the process's exit (the freeing of its memory,
        a few ms), which then happens while the host reads the results."""
        if not self.done:
            with contextlib.suppress(BlockingIOError):
                self.done = os.read(self.fin_r, 1) == b"F"
        return self.done

    def learned(self) -> list[tuple[int, int]]:
        """After a rehearsal: the page runs its process wrote after its "F" (before its results
        ended, so they are all in the pipe by now)."""
        data = b""
        with contextlib.suppress(BlockingIOError):
            data = os.read(self.fin_r, LEARN_BYTES + 1)
        if not self.done and data[:1] == b"F":  # its exit was seen first: its "F" is still here
            data = data[1:]
        pairs = struct.iter_unpack(">QQ", data[: len(data) // 16 * 16])
        runs, pages = [], 0
        for first, count in pairs:
            pages += count
            if pages > LEARN_PAGES:
                break
            runs.append((first, count))
        return runs

    def close(self) -> None:
        for fd in self.open:
            os.close(fd)
        self.open = []


class Uids:
    def __init__(self) -> None:
        self.free = collections.deque(range(UID_BASE, UID_BASE + UID_COUNT))

    def spare(self, program: bytes) -> Spare | None:
        """The next job's process, under a uid of its own (None: no clean uid is left); it writes
        ahead the pages the rehearsal of `program` wrote, if any."""
        ahead = LEARNED.get(program, [])
        return Spare(self.free.popleft(), program, ahead) if self.free else None

    def give_back(self, uid: int) -> None:
        self.free.append(uid)

    def settle(self, spare: Spare) -> bool:
        """After its job (or instead of one): the uid comes back once nothing of it is left."""
        spare.close()
        if not spare.reaped:
            wait_for(spare.pid)  # its own end first: stopping it from its uid would cost a fork
        clean = kill_all(spare.uid) and remove_files(spare.uid)
        FINISHED.clear()
        if clean:
            self.give_back(spare.uid)
        return clean


def wait_for(pid: int, seconds: float = 1.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        reap()
        if any(done == pid for done, _, _ in FINISHED):
            return
        signal.sigtimedwait({signal.SIGCHLD}, 0.01)


def waiting(spare: Spare) -> bool:
    reap()
    return all(pid != spare.pid for pid, _, _ in FINISHED)


def remember(key: bytes, source: bytearray, learned: list[tuple[int, int]] | None) -> None:
    if key not in PROGRAMS:
        if len(PROGRAMS) >= PROGRAMS_KEPT:
            LEARNED.pop(next(iter(PROGRAMS)), None)
            del PROGRAMS[next(iter(PROGRAMS))]
        text = source.decode()
        PROGRAMS[key] = (text, compile(text, "cases.py", "exec"))
    if learned is not None:
        LEARNED[key] = learned


def memory_killed(since: int | None) -> bool:
    return since is not None and (oom_kills() or 0) > since


def oom_kills() -> int | None:
    """The container's count of memory kills, from its cgroup (v2, then v1); None where unseen."""
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        with contextlib.suppress(OSError, ValueError, StopIteration):
            events = read_small(path).splitlines()
            return int(next(line for line in events if line.startswith("oom_kill ")).split()[1])
    return None


def serve(
    spare: Spare,
    header: bytes,
    source: bytearray,
    job: bytearray,
    cpu_s: float,
    cap: int,
    results: int | None,
    ooms: int | None,
) -> dict:
    """Run the job to the end of its results (and of its first process, unless that said it got to
    the end of the job), and say how it ended. Cleaning up after it is `Uids.settle`."""
    if results is not None:
        os.ftruncate(results, 0)  # the last job's bytes (the host has read them)
    pid, uid, read_end = spare.pid, spare.uid, spare.result_r
    started = time.monotonic()
    waited_before = waited_for_cpu(pid) or 0.0
    spare.hand_over([header, source, job])
    zero(job)
    status, exit_code, waited = "ok", None, None
    reaped_cpu, sent, eof, cpu = 0.0, 0, False, 0.0
    view = memoryview(CHUNK)
    readable = select.poll()  # (not select(2): gVisor's copy of Docker's filter refuses it)
    readable.register(read_end, select.POLLIN)
    delay = 0.001  # idle waits double up to POLL_S: a quick job's end is seen within a few ms
    next_check = POLL_S
    while not eof or (exit_code is None and not spare.finished()):
        moved = 0
        if not eof and readable.poll(delay * 1000):
            delay = 0.001
            if status == "ok" and results is not None:
                # Straight from the pipe into the file: this process never holds the bytes. One
                # byte past the cap at most, for the host to see that it was too much.
                try:
                    moved = os.splice(
                        read_end, results, min(RESULT_PIPE, cap + 1 - sent), offset_dst=sent
                    )
                except OSError:  # the host's file system is full: not the job's doing
                    status, moved = "relay", -1
                    kill_all(uid)
                eof = moved == 0
            else:
                moved = os.readv(read_end, [view])
                eof = moved == 0
                if moved and status == "ok" and sent + moved <= cap:  # no file: as envelopes
                    envelope(b"D", view[:moved])
            if moved > 0:
                sent += moved
                if sent > cap and status == "ok":
                    status = "output"
                    kill_all(uid)
        else:
            if eof:  # all results are in: the job's end is near (a child's end wakes this at once)
                signal.sigtimedwait({signal.SIGCHLD}, delay)
            delay = min(2 * delay, POLL_S)
        if moved <= 0:  # (while results flow, the job's end can wait: fewer system calls)
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
            waited = None if waited is None else waited - waited_before
            kill_all(uid)
    zero(CHUNK)
    reap()
    for done_pid, code, used in FINISHED:
        reaped_cpu += used
        if done_pid == pid:
            exit_code = os.waitstatus_to_exitcode(code)
    FINISHED.clear()
    spare.reaped = exit_code is not None
    # What has ended is counted from its rusage, the rest (soon stopped) from the kernel's count.
    cpu = reaped_cpu + sum(processes_of(uid).values())
    if status == "ok" and exit_code == -signal.SIGXCPU:  # the rlimit came first
        status = "timeout"
    if memory_killed(ooms):
        status = "memory"  # the container's limit, not the job's: the box is replaced after
    return {
        "status": status,
        "cpu": cpu,
        "wall": time.monotonic() - started,
        "exit": exit_code,
        "waited": waited,
        "bytes": sent,
    }


def main() -> None:
    # Not dumpable: no one may read this process's memory through /proc or trace it (Linux refuses
    # another uid anyway; gVisor still shows its environment and map, see the README).
    LIBC.prctl(PR_SET_DUMPABLE, 0)
    # Everything imported so far is shared with each job's child until written: keep the collector
    # from walking (and so copying) it in both.
    gc.freeze()
    # Blocked, so that a child's end is a signal to wait for rather than a default to ignore.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
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
    spare = uids.spare(b"")
    while read_into(0, head):
        magic, cpu_ms, memory_mb, cap, program_length, length = JOB_HEAD.unpack(head)
        if magic not in (b"DLIX", b"DLIP"):
            sys.exit("bad job header")
        rehearsal = magic == b"DLIP"
        source = bytearray(program_length)
        job = bytearray(length)
        if not read_into(0, source) or not read_into(0, job):
            return
        # A spare is made for the last job's case program, the likeliest next. One that ended while
        # waiting (not this job's doing) is replaced, and so is one made for another program
        # than this job's: no job finds another program's pages already written (a clue to what
        # the box ran before it).
        key = hashlib.sha256(source).digest()
        if spare is not None and (
            not waiting(spare) or (spare.program != key and (spare.ahead or key in LEARNED))
        ):
            uids.settle(spare)
            spare = None
        spare = spare or uids.spare(key)
        if spare is None:
            zero(job)
            envelope(b"E", json.dumps({"status": "exhausted"}).encode())
            continue
        header = SPARE_HEAD.pack(cpu_ms, memory_mb, len(source), len(job), rehearsal)
        ooms = oom_kills()
        end = serve(spare, header, source, job, cpu_ms / 1000, cap, results, ooms)
        learned = spare.learned() if rehearsal else None  # a candidate's words there are not read
        if learned is not None:
            end["learned"] = sum(count for _, count in learned)
        envelope(b"E", json.dumps(end).encode())
        # The cleaning up happens while the host reads the results; the next job waits for it. A
        # box that cannot clean up after a job, or whose memory ran out, is not used again.
        if not uids.settle(spare) or end["status"] == "memory" or memory_killed(ooms):
            sys.exit(f"the box is done after a job that ended with {end['status']}")
        remember(key, source, learned)  # for the spares forked from now on
        spare = uids.spare(key)


if __name__ == "__main__":
    main()
