"""How many build processes this machine (or container) can really afford.

``os.cpu_count()`` counts the host's CPUs, and even the affinity mask ignores a container's
CPU quota: a CI job limited to 2 CPUs on a 64-core runner would start 64 Pillow workers that
the kernel then throttles, each holding a full decoded image in memory until the container's
memory limit kills the build. So the default ``--jobs`` is the smallest of the affinity
mask, the cgroup CPU quota (v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``/``cpu.cfs_period_us``)
and the cgroup memory limit (v2 ``memory.max``, v1 ``memory.limit_in_bytes``) divided by
:data:`WORKER_MEMORY`. Limits set on an ancestor cgroup count too: the tightest one wins.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

WORKER_MEMORY = 600 * 1024 * 1024
"""Memory budget of one build worker: an 8192 px source decoded, plus its resized outputs."""

_V1_UNLIMITED = 1 << 60  # v1 writes "no limit" as a huge page-rounded number


def default_jobs(*, cgroup_root: Path = Path("/sys/fs/cgroup"),
                 proc_cgroup: Path = Path("/proc/self/cgroup")) -> int:
    """The ``--jobs`` default: CPUs this process may use, within its cgroup's CPU and memory."""
    cpus = _affinity()
    groups = _cgroups(proc_cgroup)
    quota = _cpu_quota(cgroup_root, groups)
    if quota is not None:
        cpus = min(cpus, max(1, math.ceil(quota)))
    memory = _memory_limit(cgroup_root, groups)
    if memory is not None:
        cpus = min(cpus, max(1, memory // WORKER_MEMORY))
    return max(1, cpus)


def _affinity() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _cgroups(proc_cgroup: Path) -> dict[str, str]:
    """controller -> cgroup path from /proc/self/cgroup ("" is the v2 unified hierarchy)."""
    try:
        text = proc_cgroup.read_text("utf-8")
    except OSError:
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


def _candidates(mount: Path, path: str | None) -> list[Path]:
    """The process's cgroup folder and each ancestor up to the mount, deepest first.

    Inside a container the path in /proc/self/cgroup often names the host's hierarchy while
    only the container's own cgroup is mounted at ``mount``: then the mount itself is it.
    """
    folders: list[Path] = []
    if path:
        rel = Path(path.lstrip("/"))
        for parent in [rel, *rel.parents]:
            folder = mount / parent
            if folder.is_dir() and folder not in folders:
                folders.append(folder)
    if mount not in folders:
        folders.append(mount)
    return folders


def _read(path: Path) -> str | None:
    try:
        return path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _cpu_quota(root: Path, groups: dict[str, str]) -> float | None:
    limits: list[float] = []
    for folder in _candidates(root, groups.get("")):
        text = _read(folder / "cpu.max")  # v2: "<quota> <period>" or "max <period>"
        if text:
            quota, _, period = text.partition(" ")
            if quota != "max" and quota.isdigit() and period.isdigit() and int(period) > 0:
                limits.append(int(quota) / int(period))
    v1 = groups.get("cpu") or groups.get("cpuacct")
    for mount in (root / "cpu,cpuacct", root / "cpu"):
        for folder in _candidates(mount, v1) if mount.is_dir() else []:
            quota_text = _read(folder / "cpu.cfs_quota_us")  # -1: no limit
            period_text = _read(folder / "cpu.cfs_period_us")
            if quota_text and period_text and quota_text.isdigit() and period_text.isdigit():
                if int(period_text) > 0:
                    limits.append(int(quota_text) / int(period_text))
    return min(limits) if limits else None


def _memory_limit(root: Path, groups: dict[str, str]) -> int | None:
    limits: list[int] = []
    for folder in _candidates(root, groups.get("")):
        text = _read(folder / "memory.max")  # v2: bytes or "max"
        if text and text.isdigit():
            limits.append(int(text))
    mount = root / "memory"
    for folder in _candidates(mount, groups.get("memory")) if mount.is_dir() else []:
        text = _read(folder / "memory.limit_in_bytes")
        if text and text.isdigit() and int(text) < _V1_UNLIMITED:
            limits.append(int(text))
    return min(limits) if limits else None
