"""Every sandbox lives in one cgroup whose CPU weight is `sandbox_cpu_shares`, so that when the
CPU is short the site's own processes come first (README, "Load"); where that group cannot be
set up, sandboxes stay in Docker's default cgroup and a warning says why."""

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from app.sandbox import DEFAULT_MEMORY_MB, Sandbox
from app.sandbox.cgroup import CGROUP_ROOT, cpu_weight, prepare
from tests.helpers import require_or_skip

GROUP = f"dli-sandbox-test-{os.getpid()}"


def test_v1_groups_get_the_shares_and_docker_an_absolute_parent(tmp_path: Path) -> None:
    (tmp_path / "cpu").mkdir()
    info = {"CgroupDriver": "cgroupfs", "CgroupVersion": "1"}
    assert prepare(info, "dli-sandbox", 256, root=tmp_path) == "/dli-sandbox"
    assert (tmp_path / "cpu" / "dli-sandbox" / "cpu.shares").read_text() == "256\n"
    assert prepare(info, "dli-sandbox", 64, root=tmp_path) == "/dli-sandbox"  # set again
    assert (tmp_path / "cpu" / "dli-sandbox" / "cpu.shares").read_text() == "64\n"


def test_v2_groups_get_the_weight_runc_would_give_those_shares(tmp_path: Path) -> None:
    info = {"CgroupDriver": "cgroupfs", "CgroupVersion": "2"}
    assert prepare(info, "dli-sandbox", 256, root=tmp_path) == "/dli-sandbox"
    assert (tmp_path / "dli-sandbox" / "cpu.weight").read_text() == "10\n"
    assert (cpu_weight(2), cpu_weight(256), cpu_weight(262144)) == (1, 10, 10000)


def test_systemd_hosts_get_a_slice_and_no_name_means_dockers_default(tmp_path: Path) -> None:
    assert prepare({"CgroupDriver": "systemd"}, "dli-sandbox", 256, root=tmp_path) == (
        "dli-sandbox.slice"
    )
    assert prepare({"CgroupDriver": "cgroupfs"}, "", 256, root=tmp_path) is None
    assert list(tmp_path.iterdir()) == []  # neither wrote anything


def test_a_tree_it_cannot_write_leaves_dockers_default_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cpu").write_text("not a directory")  # as a read-only tree refuses the mkdir
    with caplog.at_level(logging.WARNING, logger="dli.sandbox"):
        assert prepare({"CgroupDriver": "cgroupfs"}, "dli-sandbox", 256, root=tmp_path) is None
    assert "Docker's default cgroup" in caplog.text and "DLI_SANDBOX_CGROUP" in caplog.text


@pytest.fixture(scope="module", params=["container", "box"])
def grouped(
    request: pytest.FixtureRequest, sandbox: Sandbox, sandbox_settings: Settings
) -> Iterator[Sandbox]:
    update = {"sandbox_cgroup": GROUP, "sandbox_isolation": request.param, "sandbox_pool_size": 1}
    grouped = Sandbox(sandbox_settings.model_copy(update=update), warm=False)
    yield grouped
    grouped.close()
    for hierarchy in CGROUP_ROOT.iterdir():
        with contextlib.suppress(
            OSError
        ):  # gone, or not empty yet: a stale empty group is harmless
            (hierarchy / GROUP).rmdir()


def test_sandboxes_run_inside_the_weighted_group(grouped: Sandbox) -> None:
    require_or_skip(
        grouped.cgroup_parent == f"/{GROUP}",
        "the sandboxes' cgroup could not be set up here (needs root on a cgroupfs Docker host)",
    )
    if grouped.box is not None:
        box = grouped.box._start()
        container, pid = box.container, box.host_pid
    else:
        warm = grouped._start(DEFAULT_MEMORY_MB)
        container = warm.container
        pid = grouped.client.api.inspect_container(container.id)["State"]["Pid"]
    try:
        assert container.attrs["HostConfig"]["CgroupParent"] == f"/{GROUP}"
        cgroups = Path(f"/proc/{pid}/cgroup").read_text()
        assert f":/{GROUP}/{container.id}" in cgroups, cgroups
        shares = grouped.settings.sandbox_cpu_shares
        if (CGROUP_ROOT / "cpu").is_dir():
            assert (CGROUP_ROOT / "cpu" / GROUP / "cpu.shares").read_text().strip() == str(shares)
        else:
            weight = (CGROUP_ROOT / GROUP / "cpu.weight").read_text().strip()
            assert weight == str(cpu_weight(shares))
    finally:
        container.remove(force=True)
