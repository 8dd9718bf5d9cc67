"""`ixm preview` at the command line: exit codes, diagnostics, and what is (not) written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ixm_test_helpers import EXAMPLES, make_tenant, marker_line, run_ixm, write_marked

from ixm_cli import api
from ixm_cli.errors import IxmError


def test_sheet_is_written_where_asked(root: Path, tmp_path: Path) -> None:
    make_tenant(root, "acme")
    out = tmp_path / "out" / "acme.html"
    result = run_ixm("preview", "acme", "--out", out, "--tenants", root)
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in html  # nothing may be fetched
    assert "<script" not in html  # a static sheet runs no code
    assert [p.name for p in out.parent.iterdir()] == ["acme.html"]  # no leftovers


def test_default_path_is_beside_the_build_output(root: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    make_tenant(root, "acme")
    monkeypatch.chdir(tmp_path)
    result = api.preview(tenants_dir=root, tenant="acme", env="staging")
    assert result.html == Path("dist/acme@staging.preview.html")
    assert (tmp_path / result.html).is_file()
    # The grid's default name cannot be a tenant's: a slug never starts with "_".
    make_tenant(root, "fleet")
    assert api.preview_fleet(tenants_dir=root).html == Path("dist/_fleet.preview.html")
    assert api.preview(tenants_dir=root, tenant="fleet").html == Path("dist/fleet.preview.html")


def test_broken_manifest_is_exit_1_with_diagnostics_and_writes_nothing(
    root: Path, tmp_path: Path
) -> None:
    manifest = make_tenant(root, "acme")
    text = manifest.read_text("utf-8").replace(
        "primary: '#0A7D5A'", "primary: '#0A7D5'  # <-", 1
    )
    line = write_marked(manifest, text)
    assert line == marker_line(text)
    out = tmp_path / "sheet.html"
    result = run_ixm("preview", "acme", "--out", out, "--tenants", root)
    assert result.exit_code == 1
    assert f"brand.yaml:{line}:" in result.output and "error[colors.primary]" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.glob("*.partial")) == []


def test_unknown_tenant_and_bad_combinations(root: Path) -> None:
    make_tenant(root, "acme")
    result = run_ixm("preview", "nobody", "--tenants", root)
    assert result.exit_code == 1 and "no tenant 'nobody'" in result.output
    assert run_ixm("preview", "acme", "--watch", "--png", "--tenants", root).exit_code == 2
    assert run_ixm("preview", "acme", "--all", "--tenants", root).exit_code == 2
    assert run_ixm("preview", "--tenants", root).exit_code == 2
    with pytest.raises(IxmError):
        api.preview_watch(tenants_dir=root, tenant="../etc", ready=print, report=print)


def test_fleet_shows_a_broken_tenant_as_a_tile_and_exits_1(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, tenants)
    (tenants / "xiwangding" / "brand.yaml").write_text("schema: ixm/v1\ntenant: xiwangding\n")
    out = tmp_path / "fleet.html"
    result = run_ixm("preview", "--all", "--out", out, "--jobs", "1", "--tenants", tenants)
    assert result.exit_code == 1
    assert "xiwangding/brand.yaml" in result.output and "error[" in result.output
    html = out.read_text("utf-8")
    assert 'data-tenant="xiwangding"' in html and "does not validate" in html
    assert html.count('class="tile"') == 5


def test_ixm_toml_names_the_tenants_and_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(tmp_path / "brands", "acme")
    (tmp_path / "ixm.toml").write_text('tenants = "brands"\nout = "site"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_ixm("preview", "acme")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "acme.preview.html").is_file()
    result = run_ixm("init", "newco", "--no-input")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brands" / "newco" / "brand.yaml").is_file()
