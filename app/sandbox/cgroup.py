"""One CPU-weighted cgroup holding every sandbox, so that the site's own processes come first.

Docker's per-container `cpu_shares` weigh a container only against its siblings. With Docker's
cgroupfs driver every container is a child of `/docker`, and that group as a whole weighs as much
as one process of the host: `dli serve` on the host, PostgreSQL and the judge processes competed
with all of grading at equal weight, and pages waited behind it (README, "Load").

When `DLI_SANDBOX_CGROUP` names a group (the default, `dli-sandbox`), sandboxes are created inside
it and the group weighs `sandbox_cpu_shares` (a sixteenth of one host process by default): grading
still takes every idle cycle, and a request that needs the CPU gets it first. That needs write
access to the engine's cgroup tree (root, on the engine's host). Where it fails, sandboxes stay
under Docker's default parent and a warning says so. Under the systemd driver the group is a slice
whose weight the operator sets: `systemctl set-property dli-sandbox.slice CPUWeight=6` (a service
has 100).
"""

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("dli.sandbox")
CGROUP_ROOT = Path("/sys/fs/cgroup")


def cpu_weight(shares: int) -> int:
    """cgroup v1 `cpu.shares` (2-262144, default 1024) as v2 `cpu.weight` (1-10000, default
    100), by the conversion runc uses."""
    return 1 + ((max(2, shares) - 2) * 9999) // 262142


def prepare(info: dict[str, Any], name: str, shares: int, root: Path = CGROUP_ROOT) -> str | None:
    """The cgroup parent to create sandboxes in, with its CPU weight set; None for Docker's own.

    `info` is the engine's `docker info` (its cgroup driver and version)."""
    if not name:
        return None
    if info.get("CgroupDriver") == "systemd":
        return f"{name}.slice"  # systemd creates the slice; its weight is set with systemctl
    if str(info.get("CgroupVersion", "1")) == "2":
        group, setting, value = root / name, "cpu.weight", cpu_weight(shares)
    else:
        group, setting, value = root / "cpu" / name, "cpu.shares", shares
    try:
        group.mkdir(exist_ok=True)
        (group / setting).write_text(f"{value}\n")
    except OSError as exc:
        log.warning(
            "sandboxes keep Docker's default cgroup, weighed like one process of the host "
            "against the site's own (could not set %s in %s: %s); see DLI_SANDBOX_CGROUP",
            setting,
            group,
            exc,
        )
        return None
    return f"/{name}"
