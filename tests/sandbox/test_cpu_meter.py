"""The CPU limit's meter reads the kernel's count from the container's cgroup file (where the
engine runs on this host), and agrees with what Docker's stats report."""

import threading
import time

import docker

from app.sandbox import Sandbox
from app.sandbox.container import CpuMeter


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
