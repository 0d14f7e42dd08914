"""The sandbox runner: runs inside the container, on untrusted code. Standard library + NumPy only.

It imports NumPy (the warm-up a pooled container has already paid for), then blocks until the host
sends one job on stdin. It never decides anything: it returns the candidate's outputs as data, one
frame per case, and the host grades them.

Job:    b"DLIJ" + 8-byte big-endian length + JSON {"solution", "program", "cases", "output_limit"}
Result: frames b"DLIR" + 8-byte big-endian length + payload, payload = 4-byte header length +
        JSON header + the .npy blobs the header refers to.
"""

import contextlib
import io
import json
import linecache
import math
import os
import signal
import struct
import sys
import time
import traceback
import types

import numpy as np

JOB_MAGIC, RESULT_MAGIC = b"DLIJ", b"DLIR"
ARRAY_KINDS = "biuf"
MAX_DEPTH = 32
SOLUTION_FILE = "solution.py"
# The benchmark runs this file outside a container too, with its own scratch folder.
SCRATCH = os.environ.get("DLI_RUNNER_SCRATCH", "/tmp")
# In a container, stay alive after the last frame until removed: the host reads the container's
# CPU time then (from its cgroup: nothing here decides it).
LINGER = os.environ.get("RUNNER_LINGER") == "1"


class Unsupported(TypeError):
    pass


def read_exact(fd: int, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("job truncated")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def encode(value: object, blobs: list, depth: int = 0) -> object:
    """JSON-able tree; arrays go to `blobs` as .npy bytes, referenced by index."""
    if depth > MAX_DEPTH:
        raise Unsupported("outputs are nested too deeply")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic):
        if isinstance(value, np.bool_ | np.integer | np.floating):
            return encode(value.item(), blobs, depth)
        raise Unsupported(f"unsupported NumPy scalar type {type(value).__name__}")
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in ARRAY_KINDS or value.dtype.hasobject:
            raise Unsupported(f"arrays of dtype {value.dtype} cannot be returned")
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, value, allow_pickle=False)
        blobs.append(buffer.getvalue())
        return {"__ndarray__": len(blobs) - 1}
    if isinstance(value, list | tuple):
        return [encode(v, blobs, depth + 1) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("__"):
                raise Unsupported(
                    f"output keys must be strings not starting with '__', got {key!r}"
                )
            out[key] = encode(item, blobs, depth + 1)
        return out
    raise Unsupported(f"outputs of type {type(value).__name__} cannot be returned")


def frame(header: dict, blobs: list) -> bytes:
    header["blobs"] = [len(blob) for blob in blobs]
    head = json.dumps(header).encode()
    payload = struct.pack(">I", len(head)) + head + b"".join(blobs)
    return RESULT_MAGIC + struct.pack(">Q", len(payload)) + payload


def send(fd: int, header: dict, blobs: list) -> None:
    view = memoryview(frame(header, blobs))
    while view:
        view = view[os.write(fd, view) :]


def describe(exc: BaseException) -> dict:
    """Type, message and the traceback frames that belong to the candidate's own file."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SOLUTION_FILE]
    lines = traceback.format_list(frames)
    return {
        "type": type(exc).__name__,
        "message": str(exc)[:2000],
        "traceback": "".join(lines)[-4000:],
    }


def load(
    name: str, source: str, filename: str, code: types.CodeType | None = None
) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    sys.modules[name] = module
    exec(code or compile(source, filename, "exec"), module.__dict__)
    return module


def captured(path: str, limit: int) -> tuple[str, bool, int]:
    try:
        # O_NOFOLLOW: the candidate may have swapped the file for a symlink.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return "", False, 0
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, limit)  # a regular file: all of it, up to `limit`
    except OSError:
        return "", False, 0
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace"), size > limit, size


def run_job(
    job: dict, result_fd: int, scratch: str, program_code: types.CodeType | None = None
) -> None:
    """Run one job's cases and send their frames to `result_fd`; the candidate's prints go to files
    in `scratch`. Used as is by the box supervisor's per-job child (which passes the case program
    already compiled)."""
    limit = int(job.get("output_limit", 65536))
    out_path, err_path = scratch + "/.dli-stdout", scratch + "/.dli-stderr"

    # The candidate's prints (and C-level writes to fd 1/2) go to files, never to the result channel.
    # Past the file-size limit a write fails with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    for fd, path in ((1, out_path), (2, err_path)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)

    # The case program is ours: load it before any candidate code runs.
    program = load("case_program", job["program"], "cases.py", program_code)
    try:
        solution = load("solution", job["solution"], SOLUTION_FILE)
    except BaseException as exc:
        send(result_fd, {"kind": "import_error", "error": describe(exc)}, [])
        solution = None

    if solution is not None:
        for name in job["cases"]:
            started = time.perf_counter()
            blobs: list = []
            frame: dict = {"kind": "case", "name": name}
            try:
                outputs = program.run_case(name, solution)
                if not isinstance(outputs, dict):
                    raise Unsupported("a case must return a dict of outputs")
                frame["outputs"] = encode(outputs, blobs)
            except BaseException as exc:
                blobs = []
                frame["error"] = describe(exc)
            frame["seconds"] = time.perf_counter() - started
            send(result_fd, frame, blobs)

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    out, out_cut, out_size = captured(out_path, limit)
    err, err_cut, err_size = captured(err_path, limit)
    done = {
        "kind": "done",
        "stdout": out,
        "stderr": err,
        "stdout_truncated": out_cut,
        "stderr_truncated": err_cut,
        "output_bytes": out_size + err_size,
    }
    send(result_fd, done, [])


def main() -> None:
    """Container mode: one job from stdin, frames to stdout."""
    result_fd = os.dup(1)
    header = read_exact(0, 12)
    if header[:4] != JOB_MAGIC:
        raise SystemExit("bad job")
    job = json.loads(read_exact(0, struct.unpack(">Q", header[4:])[0]))
    os.close(0)
    run_job(job, result_fd, SCRATCH)
    while LINGER:
        signal.pause()
    os._exit(0)


if __name__ == "__main__":
    main()
