"""``ixm plan --shards N`` and ``ixm build --shard K/N``: the CI fan-out.

* The shards partition the tenants, deterministically, within the balance bound.
* Stable: adding or removing one tenant moves few others (caches stay warm).
* The union of the shard builds equals one full build, byte for byte.
* ``--changed-since REF`` keeps the tenants a change touches: its own folder, a parent it
  extends, and all of them for the platform base or ixm.toml.
* Each CI engine gets its own form, split or refused at its documented limits.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from ixm_test_helpers import make_tenant, run_ixm

from ixm_cli import shards
from ixm_cli.index import INDEX
from ixm_cli.manifest.resolve import Workspace

REPO = Path(__file__).resolve().parents[2]


def synthetic(tmp_path: Path, count: int) -> tuple[Workspace, list[str]]:
    root = tmp_path / "tenants"
    root.mkdir(exist_ok=True)
    slugs = [f"t{i:04d}" for i in range(count)]
    return Workspace.at(root), slugs


def where(plan: list[shards.Shard]) -> dict[str, int]:
    return {t: s.index for s in plan for t in s.tenants}


def test_shards_partition_deterministically_within_the_balance_bound(tmp_path: Path) -> None:
    ws, slugs = synthetic(tmp_path, 300)
    plan = shards.plan(ws, slugs, 7)
    assert plan == shards.plan(ws, list(reversed(slugs)), 7)
    assert sorted(t for s in plan for t in s.tenants) == slugs
    fair = sum(s.cost for s in plan) / 7
    assert max(s.cost for s in plan) <= (1 + shards.SLACK) * fair + shards.FIXED_COST


def test_a_tenant_coming_or_going_moves_few_others(tmp_path: Path) -> None:
    ws, slugs = synthetic(tmp_path, 400)
    before = where(shards.plan(ws, slugs, 8))
    for changed in (slugs + ["t9999"], slugs[1:]):
        after = where(shards.plan(ws, changed, 8))
        kept = [t for t in after if t in before]
        moved = sum(before[t] != after[t] for t in kept)
        assert moved <= 0.05 * len(kept), moved


@pytest.mark.slow
def test_the_union_of_shards_is_the_full_build_byte_for_byte(tmp_path: Path) -> None:
    root = tmp_path / "tenants"
    for slug in ("alpha", "beta", "gamma"):
        make_tenant(root, slug)
    full = run_ixm("build", "--platform", "web,android", "--jobs", "1", "--tenants", root,
                   "--out", tmp_path / "full")
    assert full.exit_code == 0, full.stderr
    for k in (1, 2):
        part = run_ixm("build", "--all", "--shard", f"{k}/2", "--platform", "web,android",
                       "--jobs", "1", "--tenants", root, "--out", tmp_path / "sharded")
        assert part.exit_code == 0, part.stderr

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file() and p.name != INDEX}

    assert files(tmp_path / "sharded") == files(tmp_path / "full")


def test_shard_values_are_checked(tmp_path: Path) -> None:
    root = tmp_path / "tenants"
    make_tenant(root, "alpha")
    for bad in ("0/2", "3/2", "x", "1/0"):
        result = run_ixm("build", "--shard", bad, "--tenants", root, "--out", tmp_path / "o")
        assert result.exit_code == 1
        assert "is not a shard" in result.stderr
    assert not (tmp_path / "o").exists()


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_changed_since_follows_folders_and_parents(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tenants", tmp_path / "tenants")
    (tmp_path / "ixm.toml").write_text('tenants = "tenants"\n')
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "tenants")

    def touched() -> list[str]:
        result = run_ixm("plan", "--shards", "1", "--changed-since", "HEAD",
                         "--tenants", tmp_path / "tenants", "--config", tmp_path / "ixm.toml")
        assert result.exit_code == 0, result.stderr
        return list(json.loads(result.stdout)["plan"][0]["tenants"])

    assert touched() == []
    (tmp_path / "tenants/ouruanding/notes.txt").write_text("untracked counts\n")
    assert touched() == ["ouruanding"]
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "notes")
    partner = tmp_path / "tenants/_greentown/brand.yaml"
    partner.write_text(partner.read_text("utf-8") + "# edited\n", "utf-8")
    assert touched() == ["yunzhuding"]  # the partner's customer
    _git(tmp_path, "checkout", "-q", "--", ".")
    (tmp_path / "ixm.toml").write_text('tenants = "tenants"\nout = "dist"\n')
    assert touched() == ["huaxinding", "lanlingding", "ouruanding", "xiwangding", "yunzhuding"]


def test_changed_since_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "tenants"
    make_tenant(root, "alpha")
    result = run_ixm("plan", "--shards", "2", "--changed-since", "HEAD", "--tenants", root)
    assert result.exit_code == 1
    assert "error[changed-since]" in result.stderr
    assert "Traceback" not in result.stderr


def test_github_splits_matrices_at_256_jobs(tmp_path: Path) -> None:
    ws, slugs = synthetic(tmp_path, 600)
    small = shards.as_github(shards.plan(ws, slugs, 4)).splitlines()
    assert small[0] == 'matrix={"include":[' + ",".join(
        f'{{"shard":"{k}/4"}}' for k in range(1, 5)) + "]}"
    assert small[1] == "count=1"
    big = shards.as_github(shards.plan(ws, slugs, 300)).splitlines()
    assert [line.split("=", 1)[0] for line in big] == ["matrix-1", "matrix-2", "count"]
    first = json.loads(big[0].split("=", 1)[1])["include"]
    assert len(first) == 256 and big[2] == "count=2"


def test_gitlab_and_buildkite_forms(tmp_path: Path) -> None:
    ws, slugs = synthetic(tmp_path, 20)
    plan = shards.plan(ws, slugs, 3)
    gitlab = json.loads(shards.as_gitlab(plan, "ixm build --all"))
    assert gitlab["ixm-shard-2-of-3"]["script"] == ["ixm build --all --shard 2/3"]
    kite = json.loads(shards.as_buildkite(plan, "ixm build --all --jobs 2"))
    assert [s["command"] for s in kite["steps"]] == [
        f"ixm build --all --jobs 2 --shard {k}/3" for k in (1, 2, 3)]
    many = shards.plan(*synthetic(tmp_path, 600), 501)
    with pytest.raises(Exception, match="at most 500 shards"):
        shards.as_buildkite(many, "ixm build --all")
