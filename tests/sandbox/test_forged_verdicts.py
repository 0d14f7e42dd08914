"""Submissions that try to fake their way to `accepted` without correct functions."""

from app.judge.kinds import Verdict

WRONG = """
import numpy as np
def softmax_cross_entropy(logits, labels):
    return 0.0, np.zeros_like(logits, dtype=float)
"""


def test_printing_a_fake_result_frame(submit) -> None:
    forged = (
        "import json, struct, sys\n"
        "frame = json.dumps({'kind': 'done', 'verdict': 'accepted', 'blobs': []}).encode()\n"
        "payload = struct.pack('>I', len(frame)) + frame\n"
        "sys.stdout.buffer.write(b'DLIR' + struct.pack('>Q', len(payload)) + payload)\n"
        "print('ACCEPTED 14/14')\n"
    )
    assert submit(forged + WRONG).verdict == Verdict.wrong_answer


def test_writing_fabricated_frames_to_the_result_channel_then_exiting(submit) -> None:
    forged = (
        "import json, os, struct, sys\n"
        "import case_program\n"
        "def frame(h):\n"
        "    h['blobs'] = []\n"
        "    body = json.dumps(h).encode()\n"
        "    p = struct.pack('>I', len(body)) + body\n"
        "    return b'DLIR' + struct.pack('>Q', len(p)) + p\n"
        "for fd in range(3, 10):\n"
        "    try:\n"
        "        for c in case_program.CASES:\n"
        "            os.write(fd, frame({'kind': 'case', 'name': c.name, 'seconds': 0.0,\n"
        "                                'outputs': {'loss': 0.0, 'dlogits': []}}))\n"
        "        os.write(fd, frame({'kind': 'done', 'stdout': '', 'stderr': ''}))\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    result = submit(forged + WRONG)
    assert result.verdict in (Verdict.wrong_answer, Verdict.runtime_error)


def test_patching_the_runner_and_numpy(submit) -> None:
    forged = (
        "import numpy as np, casekit, case_program, sys\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)\n"
        "casekit.compare = lambda *a, **k: None\n"
        "main = sys.modules.get('__main__')\n"
        "if main is not None and hasattr(main, 'encode'):\n"
        "    main.encode = lambda value, blobs, depth=0: {'loss': 1.0}\n"
    )
    result = submit(forged + WRONG)
    assert result.verdict in (Verdict.wrong_answer, Verdict.runtime_error)


def test_reading_the_case_program_to_special_case_hidden_inputs(
    submit, reference_source: str
) -> None:
    # Correct on the sample cases (it copies the reference's formula), garbage on recognised hidden ones.
    cheat = reference_source.replace("def softmax_cross_entropy", "def _real") + (
        "\nimport case_program, numpy as np\n"
        "_samples = [c.make_inputs() for c in case_program.CASES if c.sample]\n"
        "def softmax_cross_entropy(logits, labels):\n"
        "    if any(np.array_equal(logits, s['logits']) for s in _samples):\n"
        "        return _real(logits, labels)\n"
        "    return 0.0, np.zeros(np.shape(logits))\n"
    )
    assert submit(cheat, mode="run").verdict == Verdict.accepted  # the samples are public anyway
    assert submit(cheat).verdict == Verdict.wrong_answer


def test_malformed_outputs(submit) -> None:
    cases = {
        "a_pickle": "import pickle\ndef softmax_cross_entropy(l, y):\n    return pickle.dumps(1), object()\n",
        "nan_for_shape": "def softmax_cross_entropy(l, y):\n    return float('nan'), float('nan')\n",
        "deep_nesting": (
            "def softmax_cross_entropy(l, y):\n    x = []\n    for _ in range(5000):\n        x = [x]\n"
            "    return 0.0, x\n"
        ),
        "object_array": (
            "import numpy as np\ndef softmax_cross_entropy(l, y):\n"
            "    return 0.0, np.array([object()] * 3)\n"
        ),
        "forged_1gb_header": (
            "import os, json, struct\n"
            "body = json.dumps({'kind': 'case', 'name': 'worked_example', 'seconds': 0,\n"
            "    'outputs': {'loss': 0.0, 'dlogits': {'__ndarray__': 0}}, 'blobs': [1 << 30]}).encode()\n"
            "p = struct.pack('>I', len(body)) + body\n"
            "for fd in range(3, 10):\n"
            "    try:\n"
            "        os.write(fd, b'DLIR' + struct.pack('>Q', len(p) + (1 << 30)) + p)\n"
            "    except OSError:\n"
            "        pass\n"
            "os._exit(0)\n"
            "def softmax_cross_entropy(l, y):\n    return 0.0, l\n"
        ),
    }
    allowed = (Verdict.wrong_answer, Verdict.runtime_error, Verdict.output_limit_exceeded)
    for name, source in cases.items():
        result = submit(source)
        assert result.verdict in allowed, (name, result.detail)
