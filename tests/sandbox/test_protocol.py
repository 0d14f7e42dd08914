"""Result frames are parsed with hard limits; anything malformed is a ProtocolError (no Docker needed)."""

import io
import json
import struct

import numpy as np
import pytest

from app.sandbox import Limits, interpret
from app.sandbox.container import RawRun
from app.sandbox.protocol import (
    Budget,
    FrameSplitter,
    OutputLimit,
    ProtocolError,
    decode_outputs,
    parse_payload,
)


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def payload(header: dict, blobs: list[bytes] = ()) -> bytes:
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
        ),
        Budget(),
    )
    outputs = decode_outputs(header["outputs"], arrays)
    assert outputs["y"].dtype == np.float32 and np.array_equal(outputs["y"], arr)
    assert np.isnan(outputs["n"])


def test_frames_split_across_reads_are_reassembled() -> None:
    data = frame(payload({"kind": "case"})) + frame(payload({"kind": "done"}))
    splitter = FrameSplitter(1 << 20, max_frames=4)
    for i in range(0, len(data), 7):
        splitter.feed(data[i : i + 7])
    kinds = [parse_payload(p, Budget())[0]["kind"] for p in splitter.payloads]
    assert kinds == ["case", "done"] and splitter.done


@pytest.mark.parametrize("blob", [b"\x80\x04pickle", b"", b"\x93NUMPY\x09\x00"])
def test_garbage_blobs_are_rejected(blob: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_payload(payload({"kind": "case"}, [blob]), Budget())


def test_object_and_complex_dtypes_are_refused() -> None:
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".ljust(117) + "\n"
    blob = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\x00" * 8
    with pytest.raises(ProtocolError, match="not allowed"):
        parse_payload(payload({}, [blob]), Budget())
    with pytest.raises(ProtocolError, match="not allowed"):
        parse_payload(payload({}, [npy(np.zeros(2, dtype=np.complex128))]), Budget())


def test_a_huge_declared_shape_is_refused_before_reading() -> None:
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824,), }".ljust(117) + "\n"
    blob = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\x00" * 16
    with pytest.raises(ProtocolError, match="declared shape"):
        parse_payload(payload({}, [blob]), Budget())


def test_size_caps_and_garbage_on_the_channel() -> None:
    with pytest.raises(OutputLimit, match="more than"):
        FrameSplitter(1 << 10, 4).feed(b"DLIR" + b"\x00" * 2000)
    with pytest.raises(OutputLimit, match="larger than"):
        FrameSplitter(1 << 20, 4).feed(b"DLIR" + struct.pack(">Q", 1 << 40))
    with pytest.raises(ProtocolError, match="unexpected bytes"):
        FrameSplitter(1 << 20, 4).feed(b"hello world, not a frame")


def test_deep_json_and_bad_references() -> None:
    deep = b"[" * 5000 + b"]" * 5000
    body = struct.pack(">I", len(deep)) + deep
    with pytest.raises(ProtocolError, match="nested"):
        parse_payload(body, Budget())
    with pytest.raises(ProtocolError, match="out of range"):
        decode_outputs({"y": {"__ndarray__": 3}}, [])
    with pytest.raises(ProtocolError):
        decode_outputs({"__float__": "bogus"}, [])


def test_interpret_maps_container_states() -> None:
    limits = Limits(cpu_seconds=2, memory_mb=128)
    done = payload({"kind": "done", "stdout": "hi", "output_bytes": 2})
    case = payload({"kind": "case", "name": "a", "seconds": 0.1, "outputs": {"y": 1.0}})
    assert interpret(RawRun(payloads=[case, done]), limits).status == "ok"
    assert interpret(RawRun(payloads=[case], timed_out=True), limits).status == "timeout"
    assert interpret(RawRun(payloads=[case], oom_killed=True), limits).status == "memory"
    assert interpret(RawRun(payloads=[case], exit_code=1), limits).status == "crashed"
    flood = payload({"kind": "done", "output_bytes": 5 << 20})
    assert interpret(RawRun(payloads=[case, flood]), limits).status == "output_limit"
    bogus = payload({"kind": "case", "name": 3})
    assert interpret(RawRun(payloads=[bogus, done]), limits).status == "protocol_error"


def test_each_array_may_be_referenced_once() -> None:
    arrays = [np.zeros(3)]
    with pytest.raises(ProtocolError, match="referenced twice"):
        decode_outputs({"a": {"__ndarray__": 0}, "b": [{"__ndarray__": 0}]}, arrays)
    with pytest.raises(ProtocolError, match="referenced twice"):
        decode_outputs([{"__ndarray__": 0}] * 40_000, arrays)


def test_the_element_budget_spans_every_frame_of_a_result() -> None:
    budget = Budget(elements=1000)
    parse_payload(payload({"kind": "case"}, [npy(np.zeros(600))]), budget)
    with pytest.raises(OutputLimit, match="more than"):
        parse_payload(payload({"kind": "case"}, [npy(np.zeros(600))]), budget)
    # JSON values count too: a header of a million numbers is no cheaper than an array of them.
    with pytest.raises(OutputLimit):
        parse_payload(payload({"kind": "case", "outputs": list(range(10_000))}), Budget(1000))


def test_frame_count_is_capped_so_a_flood_of_tiny_frames_stops_early() -> None:
    tiny = frame(b"\x00" * 6)  # 18 bytes
    splitter = FrameSplitter(32 << 20, max_frames=16)
    with pytest.raises(OutputLimit, match="more than 16 result frames"):
        splitter.feed(tiny * 100_000)
    assert len(splitter.payloads) == 16


def test_strings_headers_and_forged_numbers_are_bounded() -> None:
    with pytest.raises(OutputLimit, match="string output"):
        decode_outputs({"y": "x" * 10_000}, [])
    with pytest.raises(OutputLimit, match="header is larger"):
        parse_payload(payload({"kind": "done", "stdout": "x" * (3 << 20)}), Budget())
    body = b'{"kind": "case", "name": "a", "seconds": NaN, "blobs": []}'
    with pytest.raises(ProtocolError, match="malformed frame header"):
        parse_payload(struct.pack(">I", len(body)) + body, Budget())
    limits = Limits(cpu_seconds=2, memory_mb=128)
    forged = payload({"kind": "case", "name": "a", "seconds": 10**300, "outputs": {}})
    assert interpret(RawRun(payloads=[forged]), limits).status == "protocol_error"


def test_output_text_is_cut_on_the_host_whatever_the_runner_claims() -> None:
    limits = Limits(cpu_seconds=2, memory_mb=128)
    done = payload(
        {"kind": "done", "stdout": "o" * 900_000, "stderr": "e" * 10, "stdout_truncated": False}
    )
    run = interpret(RawRun(payloads=[done], stderr=b"s" * 200_000), limits, output_chars=1000)
    assert len(run.stdout) == 1000 and run.stdout_truncated
    assert run.stderr == "e" * 10
    crashed = interpret(RawRun(stderr=b"s" * 200_000), limits, output_chars=1000)
    assert crashed.stderr == "s" * 1000


def test_a_limit_that_trips_is_output_limit_not_malformed() -> None:
    limits = Limits(cpu_seconds=2, memory_mb=128)
    many = payload({"kind": "case", "name": "a"}, [npy(np.zeros(1))] * 1001)
    run = interpret(RawRun(payloads=[many]), limits)
    assert run.status == "output_limit" and "too much output" in run.detail
    raw = RawRun(protocol_error="more than 16 result frames", output_limit=True)
    assert interpret(raw, limits).status == "output_limit"
