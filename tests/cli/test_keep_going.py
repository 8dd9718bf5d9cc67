"""A fleet build keeps going: one broken tenant does not stop the others.

* ``ixm build --all`` builds every tenant that checks clean, reports the broken one's errors
  at the end (text and JSON, same document shape) and exits 1.
* ``--fail-fast`` stops at the first failure: with a broken manifest, nothing is written.
* ``--env E`` over every tenant builds those that define E and lists the others as skipped;
  an error only when none does. A named tenant without E is still an error.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ixm_test_helpers import dump_yaml, listing, make_tenant, run_ixm
from ruamel.yaml import YAML


def fleet(root: Path) -> None:
    make_tenant(root, "alpha")
    make_tenant(root, "beta", {"app": {"build": 0}})  # broken: builds start at 1
    make_tenant(root, "gamma")


def test_one_broken_tenant_does_not_stop_the_others(tmp_path: Path) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root)
    result = run_ixm("build", "--all", "--platform", "web", "--jobs", "1", "--tenants", root,
                     "--out", out)
    assert result.exit_code == 1
    assert listing(out) == ["alpha", "gamma"]
    assert "beta/brand.yaml:" in result.stderr and "error[app.build]" in result.stderr
    assert "1 tenant(s) failed: beta\n" in result.stderr
    assert "3 tenant(s) in " in result.stderr and ": 2 built, 0 cached, 1 failed" in result.stderr

    doc = run_ixm("build", "--all", "--platform", "web", "--format", "json", "--tenants", root,
                  "--out", tmp_path / "json")
    assert doc.exit_code == 1
    data = json.loads(doc.stdout)
    assert data["ok"] is False
    assert [(t["tenant"], t["status"]) for t in data["tenants"]] == [
        ("alpha", "built"), ("beta", "failed"), ("gamma", "built")]
    assert data["diagnostics"][0]["field"] == "app.build"
    assert data["tenants"][1]["diagnostics"][0]["field"] == "app.build"


def test_fail_fast_writes_nothing_for_a_broken_manifest(tmp_path: Path) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root)
    result = run_ixm("build", "--all", "--platform", "web", "--fail-fast", "--tenants", root,
                     "--out", out)
    assert result.exit_code == 1
    assert "error[app.build]" in result.stderr
    assert not out.exists()


def test_env_over_every_tenant_skips_those_without_it(tmp_path: Path) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    make_tenant(root, "alpha")  # the baseline defines staging
    gamma = make_tenant(root, "gamma")
    data = YAML(typ="safe", pure=True).load(gamma.read_text("utf-8"))
    del data["environments"]
    gamma.write_text(dump_yaml(data), "utf-8")
    result = run_ixm("build", "--env", "staging", "--platform", "web", "--tenants", root,
                     "--out", out)
    assert result.exit_code == 0, result.stderr
    assert listing(out) == ["alpha@staging"]
    assert "skipped gamma: it does not define environment 'staging'" in result.stderr

    named = run_ixm("build", "gamma", "--env", "staging", "--tenants", root, "--out", out)
    assert named.exit_code == 1

    none = run_ixm("build", "--env", "qa", "--tenants", root, "--out", tmp_path / "qa")
    assert none.exit_code == 1
    assert "no tenant defines the environment 'qa'" in none.stderr
    assert not (tmp_path / "qa").exists()


def test_prune_removes_only_ixm_outputs_of_tenants_that_are_gone(tmp_path: Path) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    make_tenant(root, "alpha")
    make_tenant(root, "gamma")
    for args in (("build", "--all"), ("build", "--all", "--env", "staging")):
        result = run_ixm(*args, "--platform", "web", "--jobs", "1", "--tenants", root,
                         "--out", out)
        assert result.exit_code == 0, result.stderr
    (out / "notes").mkdir()  # not ixm's: never touched
    (out / "notes" / "keep.txt").write_text("mine\n")
    shutil.rmtree(root / "gamma")
    result = run_ixm("build", "--all", "--platform", "web", "--prune", "--format", "json",
                     "--tenants", root, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(Path(p).name for p in json.loads(result.stdout)["pruned"]) == [
        "gamma", "gamma@staging"]
    assert listing(out) == ["alpha", "alpha@staging", "notes"]
