"""Exit codes (0 ok, 1 invalid input, 2 usage, 3 internal error) and the text presenter."""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import Marked, make_tenant, marker_line, run_ixm

from ixm_cli import __version__, api


def test_clean_tenant_exits_0(root: Path) -> None:
    make_tenant(root, "acme")
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "ixm: checked 1 tenant(s), 2 manifest(s) with environments: 0 error(s), 0 warning(s)\n"
    )


def test_errors_exit_1_with_compiler_style_lines(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"primary": Marked("red")}})
    line = marker_line(manifest.read_text())
    result = run_ixm("validate", "--tenants", root)
    assert result.exit_code == 1
    assert f"{manifest}:{line}:12: error[colors.primary]: 'red' is not a colour\n" in result.stderr
    assert '  hint: write "#RRGGBB" or "#RGB", e.g. "#0A7D5A"\n' in result.stderr
    # reported once although prod and staging both contain it
    assert result.stderr.count("error[colors.primary]") == 1
    assert "1 error(s), 0 warning(s)" in result.stderr


def test_paths_are_relative_to_the_current_directory(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from the project folder with the default ./tenants, as a partner does."""
    manifest = make_tenant(root, "acme", {"ids": {"ios": Marked("com.acme_x")}})
    line = marker_line(manifest.read_text())
    monkeypatch.chdir(root.parent)
    result = run_ixm("validate")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"tenants/acme/brand.yaml:{line}:8: error[ids.ios]: 'com.acme_x' is not a valid iOS"
    )


def test_warnings_exit_0_and_1_with_strict(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"short_name": {"en": "Acme Ding Pro"}}})
    relaxed = run_ixm("validate", "--tenants", root)
    assert relaxed.exit_code == 0
    assert "warning[app.short_name.en]" in relaxed.stderr
    assert "0 error(s), 1 warning(s)" in relaxed.stderr
    strict = run_ixm("validate", "--strict", "--tenants", root)
    assert strict.exit_code == 1
    assert "warning[app.short_name.en]" in strict.stderr


def test_shared_team_id_is_only_a_warning(root: Path) -> None:
    make_tenant(root, "acme", {"signing": {"ios": {"team_id": "SHARED1234"}}})
    make_tenant(root, "beta", {"signing": {"ios": {"team_id": "SHARED1234"}}})
    relaxed = run_ixm("validate", "--all", "--tenants", root)
    assert relaxed.exit_code == 0
    assert relaxed.stderr.count("warning[signing.ios.team_id]: team id SHARED1234 is shared") == 1
    assert "0 error(s), 1 warning(s)" in relaxed.stderr
    assert run_ixm("validate", "--all", "--strict", "--tenants", root).exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--bogus"],
        ["validate", "--format", "xml"],
        ["show"],
        ["build", "--jobs", "0"],
        ["nonsense"],
        [],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run_ixm(*args)
    assert result.exit_code == 2
    assert "Usage: ixm" in result.stderr
    assert result.stdout == ""


def test_unknown_tenant_exits_1_and_lists_the_known_ones(root: Path) -> None:
    make_tenant(root, "acme")
    result = run_ixm("validate", "nope", "--tenants", root)
    assert result.exit_code == 1
    assert "error[tenant]: no tenant 'nope'" in result.stderr
    assert "hint: tenants found: acme" in result.stderr


def test_missing_tenants_folder_exits_1(tmp_path: Path) -> None:
    result = run_ixm("validate", "--tenants", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "error[tenants]: no tenants folder at" in result.stderr
    assert "--tenants DIR" in result.stderr


def test_empty_tenants_folder_exits_1(root: Path) -> None:
    result = run_ixm("validate", "--all", "--tenants", root)
    assert result.exit_code == 1
    assert "error[tenants]: no tenants under" in result.stderr


def test_validate_all_skips_parent_folders_but_checks_them_through_children(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner")
    make_tenant(root, "beta")
    result = run_ixm("validate", "--all", "--tenants", root)
    assert result.exit_code == 0
    assert "checked 2 tenant(s), 4 manifest(s)" in result.stderr


def test_named_tenants_are_the_only_ones_checked(root: Path) -> None:
    make_tenant(root, "acme")
    make_tenant(root, "beta", {"colors": {"primary": "red"}})
    assert run_ixm("validate", "acme", "--tenants", root).exit_code == 0
    assert run_ixm("validate", "--tenants", root).exit_code == 1  # none named: all


def test_an_internal_error_exits_3_without_a_traceback(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(**_: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(api, "validate", boom)
    result = run_ixm("validate", "--tenants", root)
    assert result.exit_code == 3
    assert "ixm: internal error (KeyError)" in result.stderr
    assert "this is a bug in ixm" in result.stderr
    assert "Traceback" not in result.stderr
    debug = run_ixm("--debug", "validate", "--tenants", root)
    assert debug.exit_code == 3
    assert "Traceback" in debug.stderr


def test_version() -> None:
    result = run_ixm("--version")
    assert result.exit_code == 0
    assert result.stdout == f"ixm {__version__}\n"


@pytest.mark.parametrize("command", ["validate", "show", "schema", "build", None])
def test_help(command: str | None) -> None:
    result = run_ixm(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: ixm {command or ''}".rstrip())
    assert "--help" in result.stdout


def test_show_unknown_tenant_and_env_exit_1(root: Path) -> None:
    make_tenant(root, "acme")
    nope = run_ixm("show", "nope", "--tenants", root)
    assert nope.exit_code == 1 and "no tenant 'nope'" in nope.stderr
    env = run_ixm("show", "acme", "--env", "qa", "--tenants", root)
    assert env.exit_code == 1
    assert "error[environments]: no environment 'qa'" in env.stderr
    assert "environments defined: staging" in env.stderr
