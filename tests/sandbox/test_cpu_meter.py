"""The CPU limit's meter reads the kernel's count from the container's cgroup file (where the
engine runs on this host), and agrees with what Docker's stats report."""

import hashlib
import os
import threading
import time
from pathlib import Path

import docker

from app.sandbox import Sandbox
from app.sandbox.container import CpuMeter, waited_for_pid


def test_the_meter_reads_the_cgroup_file_and_agrees_with_docker(sandbox: Sandbox) -> None:
    client = docker.from_env()
    started = client.containers.run(
        sandbox.image,
        ["python3", "-c", "while True: pass"],
        detach=True,
        network_disabled=True,
        cgroup_parent=sandbox.cgroup_parent or "",
    )
    try:
        container = client.containers.get(started.id)  # as the pool has them: inspected
        meter = CpuMeter(container, threading.Event())
        assert meter.file is not None and container.id in str(meter.file)
        time.sleep(1.5)
        used = meter.used()
        stats = container.stats(stream=False, one_shot=True)  # taken after: it can only be more
        reported = stats["cpu_stats"]["cpu_usage"]["total_usage"] / 1e9
        assert used is not None and used > 0.3
        assert used <= reported <= used + 3.0
    finally:
        started.remove(force=True)
    assert meter._read() is None  # the cgroup went with the container


def test_a_process_run_delay_is_its_threads_sum_and_grows_while_it_waits_for_a_cpu() -> None:
    """`waited_for_pid` (the host's measure of a busy host, for a job stopped by the backstop): the
    kernel's run delay of every thread of the process, and None for a process that is gone."""
    stop = threading.Event()
    block = bytes(1 << 20)

    def spin() -> None:
        while not stop.is_set():
            hashlib.sha256(block).digest()  # without the GIL: each thread is runnable throughout

    spinners = [threading.Thread(target=spin) for _ in range((os.cpu_count() or 1) + 1)]
    for spinner in spinners:
        spinner.start()
    try:
        before = waited_for_pid(os.getpid())
        time.sleep(0.5)  # more runnable threads than CPUs: some always wait
        after = waited_for_pid(os.getpid())
        own = sum(
            int(Path(f"/proc/self/task/{task}/schedstat").read_text().split()[1])
            for task in os.listdir("/proc/self/task")
        )
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()
    assert before is not None and after is not None
    assert after - before > 0.05
    assert after <= own / 1e9 + 0.05  # read just before: at most the same sum, a little less
    assert waited_for_pid(2**22 + 1) is None  # above the kernel's largest pid
