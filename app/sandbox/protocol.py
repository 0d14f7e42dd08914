"""The host's side of the runner protocol: encode a job, split and decode result frames with hard limits.

Everything here reads bytes an attacker controls (submitted code can replace the runner's functions and
write to its channel). Two stages, each bounded:

- `FrameSplitter` runs in the grading thread while the container streams: it only checks each frame's
  magic and length and counts frames and bytes. No JSON, no arrays: its cost is a copy of the bytes.
- `parse_payload` and `decode_outputs` turn those frames into values, in the isolated judge process
  (`app.judge.isolation`) with a `Budget`: every shape and dtype is checked before data is read, each
  array is referenced at most once, and elements, JSON size, strings and nesting are capped.

Anything malformed raises ProtocolError (the candidate's runtime error); anything over a limit raises
OutputLimit (the candidate's output_limit_exceeded). Neither is ever a crash of the grader.
"""

import io
import json
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

JOB_MAGIC, RESULT_MAGIC = b"DLIJ", b"DLIR"
FRAME_HEAD = 12  # magic + 8-byte length
MAX_DEPTH = 32
MAX_ARRAYS = 1000  # arrays in one frame
EXTRA_FRAMES = 2  # besides one frame per case: the import error and the final "done" frame
MAX_HEADER_BYTES = 2 << 20  # one frame's JSON header (the done frame carries 2 x 64 KiB of output)
MAX_ELEMENTS = 4 << 20  # array elements plus JSON values over a whole result (32 MB as float64)
MAX_STRING = 4096  # characters in one decoded string output
ALLOWED_DTYPES = {
    np.dtype(t).newbyteorder(order)
    for t in (
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
    )
    for order in ("<", ">", "|")
}
_FLOATS = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
_DONE_PREFIX = b'{"kind": "done"'


class ProtocolError(Exception):
    """The sandbox sent something that is not a well-formed result."""


class OutputLimit(ProtocolError):
    """The sandbox sent more than a limit allows: the candidate's output_limit_exceeded."""


def encode_job(solution: str, program: str, cases: list[str], output_limit: int) -> bytes:
    body = json.dumps(
        {"solution": solution, "program": program, "cases": cases, "output_limit": output_limit}
    ).encode()
    return JOB_MAGIC + struct.pack(">Q", len(body)) + body


def max_frames(case_count: int) -> int:
    return case_count + EXTRA_FRAMES


@dataclass
class FrameSplitter:
    """Feed it the result channel's bytes as they arrive; it keeps whole frames as raw payloads.

    It refuses more than `max_bytes` in all and more than `max_frames` frames, so a flood of tiny
    frames costs no more than a few big ones.
    """

    max_bytes: int
    max_frames: int
    received: int = 0
    payloads: list[bytes] = field(default_factory=list)
    done: bool = False  # the last frame was the runner's final "done" frame
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> None:
        self.received += len(data)
        if self.received > self.max_bytes:
            raise OutputLimit(f"the sandbox returned more than {self.max_bytes >> 20} MiB")
        self._buffer += data
        while len(self._buffer) >= FRAME_HEAD:
            if bytes(self._buffer[:4]) != RESULT_MAGIC:
                raise ProtocolError("unexpected bytes on the result channel")
            (length,) = struct.unpack(">Q", bytes(self._buffer[4:FRAME_HEAD]))
            if length > self.max_bytes:
                raise OutputLimit("a result frame is larger than the result limit")
            if len(self._buffer) < FRAME_HEAD + length:
                break
            if len(self.payloads) >= self.max_frames:
                raise OutputLimit(f"more than {self.max_frames} result frames")
            payload = bytes(self._buffer[FRAME_HEAD : FRAME_HEAD + length])
            del self._buffer[: FRAME_HEAD + length]
            self.payloads.append(payload)
            # The runner writes its header with "kind" first; a forged early "done" only ends
            # the reading early, which the candidate could do anyway by exiting.
            self.done = payload[4 : 4 + len(_DONE_PREFIX)] == _DONE_PREFIX


@dataclass
class Budget:
    """What one result may still decode: shared by all its frames."""

    elements: int = MAX_ELEMENTS
    seen_blobs: set[tuple[int, int]] = field(default_factory=set)

    def spend(self, count: int, what: str) -> None:
        self.elements -= count
        if self.elements < 0:
            raise OutputLimit(
                f"your outputs hold more than {MAX_ELEMENTS:,} values ({what}); "
                "return only what the question asks for"
            )


def _load_array(blob: bytes, budget: Budget) -> np.ndarray:
    stream = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ProtocolError(f"unsupported .npy version {version}")
    except ProtocolError:
        raise
    except Exception as exc:
        raise ProtocolError(f"malformed array header: {exc}") from exc
    if dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {dtype} is not allowed")
    if not isinstance(shape, tuple) or len(shape) > MAX_DEPTH:
        raise ProtocolError("malformed array shape")
    count = 1
    for dim in shape:
        if not isinstance(dim, int) or dim < 0:
            raise ProtocolError("malformed array shape")
        count *= dim
    if count * dtype.itemsize != len(blob) - stream.tell():
        raise ProtocolError("array data does not match its declared shape")
    budget.spend(count, f"an array of shape {shape}")
    data = np.frombuffer(blob, dtype=dtype, count=count, offset=stream.tell())
    return data.reshape(shape, order="F" if fortran else "C").copy()


def _json_depth_ok(text: bytes) -> bool:
    # json.loads recurses; refuse deep nesting before parsing rather than risk RecursionError.
    depth = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH + 8:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _no_constants(name: str) -> Any:
    # The runner spells non-finite floats {"__float__": "nan"}; bare NaN or Infinity is forged.
    raise ValueError(f"{name} is not JSON")


def parse_payload(payload: bytes, budget: Budget) -> tuple[dict[str, Any], list[np.ndarray]]:
    if len(payload) < 4:
        raise ProtocolError("frame too short")
    (head_len,) = struct.unpack(">I", payload[:4])
    if head_len > len(payload) - 4:
        raise ProtocolError("frame header overruns the frame")
    if head_len > MAX_HEADER_BYTES:
        raise OutputLimit(f"a result header is larger than {MAX_HEADER_BYTES >> 20} MiB")
    head_bytes = payload[4 : 4 + head_len]
    if not _json_depth_ok(head_bytes):
        raise ProtocolError("outputs are nested too deeply")
    # Every JSON value takes at least two bytes ("0,"): this bounds the objects json.loads makes.
    budget.spend(head_len // 2, "in the frame headers")
    try:
        header = json.loads(head_bytes, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed frame header: {exc}") from exc
    if not isinstance(header, dict):
        raise ProtocolError("malformed frame header")
    blob_lengths = header.get("blobs", [])
    if not isinstance(blob_lengths, list) or len(blob_lengths) > MAX_ARRAYS:
        raise OutputLimit(f"more than {MAX_ARRAYS} arrays in one case")
    arrays, offset = [], 4 + head_len
    for length in blob_lengths:
        if not isinstance(length, int) or length < 0 or offset + length > len(payload):
            raise ProtocolError("array blob overruns the frame")
        arrays.append(_load_array(payload[offset : offset + length], budget))
        offset += length
    if offset != len(payload):
        raise ProtocolError("trailing bytes after the last array")
    return header, arrays


def _decode(value: Any, arrays: list[np.ndarray], used: set[int], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ProtocolError("outputs are nested too deeply")
    if isinstance(value, list):
        return [_decode(v, arrays, used, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            index = value["__ndarray__"]
            if type(index) is not int or not 0 <= index < len(arrays):
                raise ProtocolError("array reference out of range")
            if index in used:
                raise ProtocolError("an array is referenced twice")
            used.add(index)
            return arrays[index]
        if set(value) == {"__float__"}:
            if value["__float__"] not in _FLOATS:
                raise ProtocolError("malformed special float")
            return _FLOATS[value["__float__"]]
        if any(not isinstance(k, str) or k.startswith("__") for k in value):
            raise ProtocolError("malformed output keys")
        if any(len(k) > MAX_STRING for k in value):
            raise OutputLimit(f"an output name is longer than {MAX_STRING} characters")
        return {k: _decode(v, arrays, used, depth + 1) for k, v in value.items()}
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise OutputLimit(f"a string output is longer than {MAX_STRING} characters")
        return value
    if value is None or isinstance(value, bool | int | float):
        return value
    raise ProtocolError("malformed output value")


def decode_outputs(value: Any, arrays: list[np.ndarray]) -> Any:
    """Replace array references by the arrays; each array may be referenced once."""
    return _decode(value, arrays, set(), 0)


def error_dict(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("malformed error")
    return {k: str(value.get(k, ""))[:4000] for k in ("type", "message", "traceback")}
