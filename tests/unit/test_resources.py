"""The ``--jobs`` default: affinity, then the cgroup's CPU quota and memory limit.

Each case lays out the files the kernel shows (``/proc/self/cgroup`` and the cgroup mount)
in ``tmp_path`` exactly as a container sees them, and reads them with the real parser.
"""

from __future__ import annotations

import os
from pathlib import Path

from ixm_test_helpers import build_file_tree

from ixm_cli.resources import WORKER_MEMORY, default_jobs

CPUS = len(os.sched_getaffinity(0))
GIB = 1 << 30


def jobs(tmp_path: Path, proc: str, tree: dict[str, str]) -> int:
    build_file_tree({"proc/self/cgroup": proc, **{f"cg/{k}": v for k, v in tree.items()}},
                    tmp_path)  # fmt: skip
    return default_jobs(cgroup_root=tmp_path / "cg", proc_cgroup=tmp_path / "proc/self/cgroup")


def test_no_cgroup_files_means_the_affinity(tmp_path: Path) -> None:
    assert jobs(tmp_path, "0::/\n", {}) == CPUS


def test_v2_unlimited_means_the_affinity(tmp_path: Path) -> None:
    tree = {"cpu.max": "max 100000\n", "memory.max": "max\n"}
    assert jobs(tmp_path, "0::/\n", tree) == CPUS


def test_v2_cpu_quota_rounds_up(tmp_path: Path) -> None:
    tree = {"ci/job/cpu.max": "50000 100000\n", "ci/job/memory.max": "max\n"}
    assert jobs(tmp_path, "0::/ci/job\n", tree) == 1  # half a CPU still runs one worker


def test_v2_memory_limit_allows_one_worker_per_budget(tmp_path: Path) -> None:
    tree = {"cpu.max": "6400000 100000\n", "memory.max": f"{WORKER_MEMORY * 2 + 1}\n"}
    assert jobs(tmp_path, "0::/\n", tree) == min(CPUS, 2)


def test_v2_too_little_memory_for_one_budget_still_runs_one(tmp_path: Path) -> None:
    assert jobs(tmp_path, "0::/\n", {"memory.max": f"{256 << 20}\n"}) == 1


def test_v2_a_tighter_ancestor_wins(tmp_path: Path) -> None:
    tree = {
        "ci/cpu.max": "100000 100000\n",  # the runner: one CPU in all
        "ci/job/cpu.max": "max 100000\n",
    }
    assert jobs(tmp_path, "0::/ci/job\n", tree) == 1


def test_v2_path_of_the_host_hierarchy_falls_back_to_the_mount(tmp_path: Path) -> None:
    """In a container the mount is its own cgroup, though /proc names the host's path."""
    tree = {"cpu.max": "100000 100000\n"}
    assert jobs(tmp_path, "0::/kubepods/pod1/abc\n", tree) == 1


def test_v1_cpu_quota_and_memory_limit(tmp_path: Path) -> None:
    proc = "4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n1:name=systemd:/\n"
    tree = {
        "cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "150000\n",
        "cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
        "memory/docker/abc/memory.limit_in_bytes": f"{64 * GIB}\n",
    }
    assert jobs(tmp_path, proc, tree) == min(CPUS, 2)


def test_v1_unlimited_is_ignored(tmp_path: Path) -> None:
    proc = "4:memory:/\n2:cpu,cpuacct:/\n"
    tree = {
        "cpu,cpuacct/cpu.cfs_quota_us": "-1\n",
        "cpu,cpuacct/cpu.cfs_period_us": "100000\n",
        "memory/memory.limit_in_bytes": "9223372036854771712\n",
    }
    assert jobs(tmp_path, proc, tree) == CPUS


def test_v1_memory_limit(tmp_path: Path) -> None:
    tree = {"memory/memory.limit_in_bytes": f"{WORKER_MEMORY}\n"}
    assert jobs(tmp_path, "4:memory:/\n", tree) == 1


def test_unreadable_or_garbled_files_are_ignored(tmp_path: Path) -> None:
    tree = {"cpu.max": "lots\n", "memory.max": "\n"}
    assert jobs(tmp_path, "garbage\n0::/\n", tree) == CPUS


def test_the_machine_itself_gives_a_sane_answer() -> None:
    assert 1 <= default_jobs() <= CPUS
