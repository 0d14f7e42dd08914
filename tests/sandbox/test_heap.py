"""keep_heap: megabyte blocks freed by one verdict serve the next without new page faults."""

import json
import subprocess
import sys

from app.config import ROOT

# A verdict's pattern in the grading process: a few blocks of megabytes, copied, then all freed.
PATTERN = """
import json, resource, sys
if sys.argv[1] == "kept":
    from app.sandbox.heap import keep_heap
    keep_heap()
def verdict():
    results = bytearray(1_600_000)
    frames = [bytes(results[i:i + 400_000]) for i in range(0, len(results), 400_000)]
    return len(b"".join(frames))
verdict()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    verdict()
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before))
"""


def faults(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", PATTERN, mode], cwd=ROOT, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_freed_blocks_are_reused_rather_than_mapped_again() -> None:
    default, kept = faults("default"), faults("kept")
    assert default > 50 * 400  # each verdict maps its megabytes afresh: a fault per page
    assert kept < default / 20
