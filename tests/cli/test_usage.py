"""Usage errors (exit 2): ``--format json`` still prints its one document, an empty
``--platform`` names no platform, and ``--out`` may not sit inside the tenants folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ixm_test_helpers import make_tenant, run_ixm


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--format", "json", "--bogus"],
        ["build", "--format=json", "--jobs", "0"],
        ["build", "--format", "json", "--platform", "nope"],
        ["build", "--format", "json", "--platform", ""],
        ["validate", "--format", "json", "--strict", "--bogus"],
        ["validate", "--bogus", "--format", "json"],
        ["--bogus", "validate", "--format", "json"],
        ["valdate", "--format", "json"],
    ],
)
def test_a_usage_error_under_format_json_prints_one_document(args: list[str]) -> None:
    result = run_ixm(*args)
    assert result.exit_code == 2
    document = json.loads(result.stdout)  # the whole of stdout is one document
    assert document["ok"] is False and document["diagnostics"] == []
    assert document["usage_error"]
    assert document["usage_error"] in result.stderr  # the same words a person reads
    assert "Usage: ixm" in result.stderr


def test_a_usage_error_in_text_mode_keeps_stdout_empty() -> None:
    result = run_ixm("build", "--format", "text", "--bogus")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_json_as_a_value_of_another_option_is_not_a_request_for_json() -> None:
    result = run_ixm("build", "--env", "json", "--bogus")
    assert result.exit_code == 2
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_platform_is_a_usage_error(root: Path, value: str) -> None:
    make_tenant(root, "acme")
    out = root.parent / "out"
    result = run_ixm("build", "--platform", value, "--tenants", root, "--out", out)
    assert result.exit_code == 2
    assert "Invalid value for '--platform': names no platform" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("where", ["acme/dist", ".", "acme"])
def test_out_inside_the_tenants_folder_is_a_usage_error(root: Path, where: str) -> None:
    make_tenant(root, "acme")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    out = root / where
    result = run_ixm("build", "--tenants", root, "--out", out)
    assert result.exit_code == 2
    assert "Invalid value for '--out':" in result.stderr
    assert "is inside the tenants folder" in result.stderr
    assert "choose an --out outside it" in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_out_reaching_the_tenants_folder_through_a_symlink_is_refused(root: Path) -> None:
    make_tenant(root, "acme")
    link = root.parent / "link"
    link.symlink_to(root / "acme", target_is_directory=True)
    result = run_ixm("build", "--tenants", root, "--out", link / "dist")
    assert result.exit_code == 2
    assert "is inside the tenants folder" in result.stderr
    assert not (root / "acme" / "dist").exists()


def test_out_beside_the_tenants_folder_is_fine(root: Path) -> None:
    make_tenant(root, "acme")
    out = root.parent / "tenants-dist"  # shares a prefix, not a folder
    result = run_ixm("build", "--platform", "web", "--jobs", "1", "--tenants", root,
                     "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (out / "acme" / "build-info.json").is_file()


def test_an_ixm_toml_out_inside_the_tenants_folder_is_that_files_error(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(root, "acme")
    workspace = root.parent
    (workspace / "ixm.toml").write_text('out = "tenants/acme/out"\n', "utf-8")
    monkeypatch.chdir(workspace)
    result = run_ixm("build")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ixm.toml: error[out]: out: tenants/acme/out is inside the tenants folder tenants\n"
    )
    assert not (root / "acme" / "out").exists()
