"""Unchanged tenants are skipped: the build key recorded in build-info.json.

* A second build of the same inputs rebuilds nothing (status ``cached``, files untouched).
* Touching a file without changing its bytes rebuilds nothing.
* Editing a parent rebuilds exactly its customers; editing one tenant rebuilds only it.
* A changed template of the platform base rebuilds every tenant.
* ``--force`` rebuilds anyway.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ixm_test_helpers import make_tenant, run_ixm

from ixm_cli.platform_base import bundled_root


def statuses(config: Path, *more: str) -> dict[str, str]:
    result = run_ixm("build", "--all", "--platform", "web", "--jobs", "1", "--format", "json",
                     "--config", config, *more)
    assert result.exit_code == 0, result.stdout
    return {b["tenant"]: b["status"] for b in json.loads(result.stdout)["tenants"]}


def fleet(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    make_tenant(root, "alpha", parent="_partner")
    make_tenant(root, "beta", parent="_partner")
    make_tenant(root, "gamma")
    shutil.copytree(bundled_root(), tmp_path / "base")
    config = tmp_path / "ixm.toml"
    config.write_text('tenants = "tenants"\nout = "dist"\nbase = "base"\n')
    return config


def test_unchanged_tenants_are_skipped_and_changes_rebuild_exactly_theirs(
    tmp_path: Path,
) -> None:
    config = fleet(tmp_path)
    root = tmp_path / "tenants"
    assert statuses(config) == {"alpha": "built", "beta": "built", "gamma": "built"}
    index = tmp_path / "dist/alpha/web/index.html"
    stamp = index.stat().st_mtime_ns
    assert statuses(config) == {"alpha": "cached", "beta": "cached", "gamma": "cached"}
    assert index.stat().st_mtime_ns == stamp

    for path in root.rglob("*"):  # new times, same bytes
        os.utime(path, None)
    assert set(statuses(config).values()) == {"cached"}

    partner = root / "_partner/brand.yaml"
    partner.write_text(partner.read_text("utf-8") + "# a comment is a change of bytes\n")
    assert statuses(config) == {"alpha": "built", "beta": "built", "gamma": "cached"}

    gamma = root / "gamma/brand.yaml"
    gamma.write_text(gamma.read_text("utf-8").replace("Acme Ding", "Acme Dong"))
    assert statuses(config) == {"alpha": "cached", "beta": "cached", "gamma": "built"}

    template = tmp_path / "base/web/template/{{cookiecutter.target_dir}}/index.html"
    template.write_text(template.read_text("utf-8") + "\n")
    assert set(statuses(config).values()) == {"built"}

    assert set(statuses(config, "--force").values()) == {"built"}
    info = json.loads((tmp_path / "dist/alpha/build-info.json").read_text("utf-8"))
    assert len(info["key"]) == 64


def test_an_output_that_is_not_whole_is_rebuilt(tmp_path: Path) -> None:
    config = fleet(tmp_path)
    statuses(config)
    (tmp_path / "dist/beta/build-info.json").write_text("{}")
    assert statuses(config) == {"alpha": "cached", "beta": "built", "gamma": "cached"}
