"""Result frames are parsed with hard limits; anything malformed is a ProtocolError (no Docker needed)."""

import io
import json
import struct

import numpy as np
import pytest

from app.sandbox import Limits, interpret
from app.sandbox.container import RawRun
from app.sandbox.protocol import FrameReader, ProtocolError, decode_outputs, parse_payload


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def payload(header: dict, blobs: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    header = {**header, "blobs": [len(b) for b in blobs]}
    head = json.dumps(header).encode()
    return struct.pack(">I", len(head)) + head + b"".join(blobs)


def frame(body: bytes) -> bytes:
    return b"DLIR" + struct.pack(">Q", len(body)) + body


def test_a_well_formed_frame_round_trips() -> None:
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    header, arrays = parse_payload(
        payload(
            {"kind": "case", "outputs": {"y": {"__ndarray__": 0}, "n": {"__float__": "nan"}}},
            [npy(arr)],
        )
    )
    outputs = decode_outputs(header["outputs"], arrays)
    assert outputs["y"].dtype == np.float32 and np.array_equal(outputs["y"], arr)
    assert np.isnan(outputs["n"])


def test_frames_split_across_reads_are_reassembled() -> None:
    data = frame(payload({"kind": "done"})) * 2
    reader = FrameReader(1 << 20)
    got = []
    for i in range(0, len(data), 7):
        got += reader.feed(data[i : i + 7])
    assert [h["kind"] for h, _ in got] == ["done", "done"]


@pytest.mark.parametrize("blob", [b"\x80\x04pickle", b"", b"\x93NUMPY\x09\x00"])
def test_garbage_blobs_are_rejected(blob: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_payload(payload({"kind": "case"}, [blob]))


def test_object_and_complex_dtypes_are_refused() -> None:
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".ljust(117) + "\n"
    blob = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\x00" * 8
    with pytest.raises(ProtocolError, match="not allowed"):
        parse_payload(payload({}, [blob]))
    with pytest.raises(ProtocolError, match="not allowed"):
        parse_payload(payload({}, [npy(np.zeros(2, dtype=np.complex128))]))


def test_a_huge_declared_shape_is_refused_before_reading() -> None:
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824,), }".ljust(117) + "\n"
    blob = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\x00" * 16
    with pytest.raises(ProtocolError, match="declared shape"):
        parse_payload(payload({}, [blob]))


def test_size_caps_and_garbage_on_the_channel() -> None:
    with pytest.raises(ProtocolError, match="more than"):
        FrameReader(1 << 10).feed(b"DLIR" + b"\x00" * 2000)
    with pytest.raises(ProtocolError, match="larger than"):
        FrameReader(1 << 20).feed(b"DLIR" + struct.pack(">Q", 1 << 40))
    with pytest.raises(ProtocolError, match="unexpected bytes"):
        FrameReader(1 << 20).feed(b"hello world, not a frame")


def test_deep_json_and_bad_references() -> None:
    deep = b"[" * 5000 + b"]" * 5000
    body = struct.pack(">I", len(deep)) + deep
    with pytest.raises(ProtocolError, match="nested"):
        parse_payload(body)
    with pytest.raises(ProtocolError, match="out of range"):
        decode_outputs({"y": {"__ndarray__": 3}}, [])
    with pytest.raises(ProtocolError):
        decode_outputs({"__float__": "bogus"}, [])


def test_interpret_maps_container_states() -> None:
    limits = Limits(wall_seconds=2, memory_mb=128)
    done = ({"kind": "done", "stdout": "hi", "output_bytes": 2}, [])
    case = ({"kind": "case", "name": "a", "seconds": 0.1, "outputs": {"y": 1.0}}, [])
    assert interpret(RawRun(frames=[case, done]), limits).status == "ok"
    assert interpret(RawRun(frames=[case], timed_out=True), limits).status == "timeout"
    assert interpret(RawRun(frames=[case], oom_killed=True), limits).status == "memory"
    assert interpret(RawRun(frames=[case], exit_code=1), limits).status == "crashed"
    flood = ({"kind": "done", "output_bytes": 5 << 20}, [])
    assert interpret(RawRun(frames=[case, flood]), limits).status == "output_limit"
    bogus = ({"kind": "case", "name": 3}, [])
    assert interpret(RawRun(frames=[bogus, done]), limits).status == "protocol_error"
