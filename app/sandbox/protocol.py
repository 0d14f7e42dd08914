"""The host's side of the runner protocol: encode a job, parse result frames with hard limits.

Everything here reads bytes an attacker controls. Nothing is unpickled, array headers are checked
before any data is read, and anything out of bounds raises ProtocolError (the candidate's runtime
error, never a crash of the grader).
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
MAX_ARRAYS = 1000
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


class ProtocolError(Exception):
    """The sandbox sent something that is not a well-formed, in-bounds result."""


def encode_job(solution: str, program: str, cases: list[str], output_limit: int) -> bytes:
    body = json.dumps(
        {"solution": solution, "program": program, "cases": cases, "output_limit": output_limit}
    ).encode()
    return JOB_MAGIC + struct.pack(">Q", len(body)) + body


def _load_array(blob: bytes) -> np.ndarray:
    stream = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ProtocolError(f"unsupported .npy version {version}")
    except ProtocolError:
        raise
    except Exception as exc:
        raise ProtocolError(f"malformed array header: {exc}") from exc
    if dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {dtype} is not allowed")
    count = 1
    for dim in shape:
        if not isinstance(dim, int) or dim < 0:
            raise ProtocolError("malformed array shape")
        count *= dim
    if count * dtype.itemsize != len(blob) - stream.tell():
        raise ProtocolError("array data does not match its declared shape")
    stream.seek(0)
    try:
        return np.load(stream, allow_pickle=False)
    except Exception as exc:
        raise ProtocolError(f"malformed array: {exc}") from exc


def _decode(value: Any, arrays: list[np.ndarray], depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise ProtocolError("outputs are nested too deeply")
    if isinstance(value, list):
        return [_decode(v, arrays, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            index = value["__ndarray__"]
            if not isinstance(index, int) or not 0 <= index < len(arrays):
                raise ProtocolError("array reference out of range")
            return arrays[index]
        if set(value) == {"__float__"}:
            if value["__float__"] not in _FLOATS:
                raise ProtocolError("malformed special float")
            return _FLOATS[value["__float__"]]
        if any(not isinstance(k, str) or k.startswith("__") for k in value):
            raise ProtocolError("malformed output keys")
        return {k: _decode(v, arrays, depth + 1) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise ProtocolError("malformed output value")


def _json_depth_ok(text: bytes) -> bool:
    # json.loads recurses; refuse deep nesting before parsing rather than risk RecursionError.
    depth = deepest = 0
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
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH + 8:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def parse_payload(payload: bytes) -> tuple[dict[str, Any], list[np.ndarray]]:
    if len(payload) < 4:
        raise ProtocolError("frame too short")
    (head_len,) = struct.unpack(">I", payload[:4])
    if head_len > len(payload) - 4:
        raise ProtocolError("frame header overruns the frame")
    head_bytes = payload[4 : 4 + head_len]
    if not _json_depth_ok(head_bytes):
        raise ProtocolError("outputs are nested too deeply")
    try:
        header = json.loads(head_bytes)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed frame header: {exc}") from exc
    if not isinstance(header, dict):
        raise ProtocolError("malformed frame header")
    blob_lengths = header.get("blobs", [])
    if not isinstance(blob_lengths, list) or len(blob_lengths) > MAX_ARRAYS:
        raise ProtocolError("too many arrays")
    arrays, offset = [], 4 + head_len
    for length in blob_lengths:
        if not isinstance(length, int) or length < 0 or offset + length > len(payload):
            raise ProtocolError("array blob overruns the frame")
        arrays.append(_load_array(payload[offset : offset + length]))
        offset += length
    if offset != len(payload):
        raise ProtocolError("trailing bytes after the last array")
    return header, arrays


@dataclass
class FrameReader:
    """Feed it stdout bytes as they arrive; it yields complete frames and enforces the byte cap."""

    max_bytes: int
    received: int = 0
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], list[np.ndarray]]]:
        self.received += len(data)
        if self.received > self.max_bytes:
            raise ProtocolError(f"the sandbox returned more than {self.max_bytes >> 20} MiB")
        self._buffer += data
        frames = []
        while len(self._buffer) >= FRAME_HEAD:
            if bytes(self._buffer[:4]) != RESULT_MAGIC:
                raise ProtocolError("unexpected bytes on the result channel")
            (length,) = struct.unpack(">Q", bytes(self._buffer[4:FRAME_HEAD]))
            if length > self.max_bytes:
                raise ProtocolError("frame larger than the result limit")
            if len(self._buffer) < FRAME_HEAD + length:
                break
            payload = bytes(self._buffer[FRAME_HEAD : FRAME_HEAD + length])
            del self._buffer[: FRAME_HEAD + length]
            frames.append(parse_payload(payload))
        return frames


def decode_outputs(value: Any, arrays: list[np.ndarray]) -> Any:
    return _decode(value, arrays)


def error_dict(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("malformed error")
    return {k: str(value.get(k, ""))[:4000] for k in ("type", "message", "traceback")}
