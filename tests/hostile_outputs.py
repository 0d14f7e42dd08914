"""Submissions whose output attacks the host (shared by the sandbox and API tests).

Each is the source of a whole submission for softmax-cross-entropy; none may be accepted.
"""

# Writes crafted frames straight to the runner's result channel, then exits: the runner's own
# encoder and limits are out of the way, as an attacker would have them.
FRAME_WRITER = """
import io, json, os, struct
import numpy as np
import case_program

def frame(header, blobs=()):
    header["blobs"] = [len(b) for b in blobs]
    body = json.dumps(header).encode()
    payload = struct.pack(">I", len(body)) + body + b"".join(blobs)
    return b"DLIR" + struct.pack(">Q", len(payload)) + payload

def npy(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()

def channel_write(data):
    for fd in range(3, 10):
        try:
            os.write(fd, data)
        except OSError:
            pass
"""

WRONG = "\ndef softmax_cross_entropy(logits, labels):\n    return 0.0, logits\n"

ATTACKS = {
    # Before: 192 KB of output took the server from 102 MB to 1,565 MB (K = 8,000).
    "fd_broadcast": """
import numpy as np
import case_program
K = 30_000

def forged(name, solution):
    return {
        "loss": 1.0,
        "dlogits": np.ones((4, 3)),
        "_fd_dlogits": {"index": np.zeros((K, 2), dtype=np.int64), "numeric": np.zeros((K, 1))},
    }

case_program.run_case = forged
"""
    + WRONG,
    # Before: 1.6 MB sent, 42 s of grading, 1.5 GB of server memory, 271 MB API responses.
    "repeated_references": FRAME_WRITER
    + """
blob = npy(np.zeros((4, 3)))
for case in case_program.CASES:
    outputs = {"loss": 0.0, "dlogits": [{"__ndarray__": 0}] * 40_000}
    channel_write(frame({"kind": "case", "name": case.name, "seconds": 0.0, "outputs": outputs}, [blob]))
channel_write(frame({"kind": "done", "stdout": "", "stderr": ""}))
os._exit(0)
"""
    + WRONG,
    # Before: the host stored and served 12.5 M characters of each.
    "huge_stdout_in_done_frame": FRAME_WRITER
    + """
channel_write(frame({"kind": "done", "stdout": "x" * 12_500_000, "stderr": "y" * 12_500_000}))
os._exit(0)
"""
    + WRONG,
    # Under the header limit: the host keeps 64 KiB of it.
    "long_stdout_in_done_frame": FRAME_WRITER
    + """
channel_write(frame({"kind": "done", "stdout": "x" * 1_000_000, "stderr": "y" * 10}))
os._exit(0)
"""
    + WRONG,
    # Before: 31 MiB of 18-byte frames cost 12.5 s of host CPU and +213 MB.
    "frame_flood": FRAME_WRITER
    + """
tiny = b"DLIR" + struct.pack(">Q", 6) + b"\\x00" * 6
chunk = tiny * 10_000
for _ in range(180):
    channel_write(chunk)
os._exit(0)
"""
    + WRONG,
    # Exactly 1 MiB of well-formed frames: a float array as large as fits in each case's frame,
    # then the "done" frame padded to the byte. What the host reads, decodes, stores and serves.
    "one_mib_of_frames": FRAME_WRITER
    + """
cases = case_program.CASES
per_case = ((1 << 20) - 16_384) // len(cases) // 8
data = b"".join(
    frame(
        {"kind": "case", "name": case.name, "seconds": 0.0,
         "outputs": {"loss": 0.0, "dlogits": {"__ndarray__": 0}}},
        [npy(np.arange(per_case, dtype=np.float64))],
    )
    for case in cases
)
padding = (1 << 20) - len(data) - len(frame({"kind": "done", "stdout": "", "stderr": ""}))
data += frame({"kind": "done", "stdout": "x" * padding, "stderr": ""})
assert len(data) == 1 << 20, len(data)
for fd in range(3, 10):  # every byte of it (gVisor's pipes take a large write in parts)
    sent = 0
    try:
        while sent < len(data):
            sent += os.write(fd, data[sent:])
    except OSError:
        pass
os._exit(0)
"""
    + WRONG,
    "deep_preview": """
import case_program

def forged(name, solution):
    return {"loss": 1.0, "dlogits": [[float(i)] * 50 for i in range(600)]}

case_program.run_case = forged
"""
    + WRONG,
}
