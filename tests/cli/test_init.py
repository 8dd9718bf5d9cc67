"""`ixm init`: the scaffold validates clean, with and without a terminal, and refuses cleanly.

The terminal case answers cookiecutter's real prompts through a pseudo-terminal (pexpect), so
what is tested is what a designer sees; the CI case runs with no TTY and --no-input.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pexpect
import pytest
from ixm_test_helpers import EXAMPLES, png_bytes, run_ixm
from ruamel.yaml import YAML

from ixm_cli import api
from ixm_cli.errors import IxmError, Severity

IXM = Path(sys.executable).with_name("ixm")
SCHEMA_LINE = "# yaml-language-server: $schema=../brand.schema.json"


@pytest.fixture
def tenants(tmp_path: Path) -> Path:
    """A copy of the example tenants (parents included) to scaffold into."""
    root = tmp_path.resolve() / "tenants"
    shutil.copytree(EXAMPLES, root)
    return root


def _clean(tenants: Path, slug: str) -> None:
    report = api.validate(tenants_dir=tenants, tenants=[slug])
    found = [d.render() for d in report.diagnostics()]
    assert report.count(Severity.ERROR) == 0, found
    result = run_ixm("validate", slug, "--tenants", tenants)
    assert result.exit_code == 0, result.output


def _data(path: Path) -> dict[str, object]:
    data = YAML(typ="safe", pure=True).load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_no_input_scaffold_without_parent_validates_clean(tenants: Path) -> None:
    result = run_ixm("init", "acme-ding", "--no-input", "--tenants", tenants)
    assert result.exit_code == 0, result.output
    folder = tenants / "acme-ding"
    text = (folder / "brand.yaml").read_text("utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    for image in ("icon.png", "icon-foreground.png", "icon-mono.png"):
        assert (folder / "assets" / image).stat().st_size > 0
    _clean(tenants, "acme-ding")
    report = api.validate(tenants_dir=tenants, tenants=["acme-ding"])
    assert report.count(Severity.WARNING) == 0, [d.render() for d in report.diagnostics()]
    data = _data(folder / "brand.yaml")
    assert data["tenant"] == "acme-ding"
    assert data["ids"] == {"android": "com.example.acme_ding", "ios": "com.example.acme-ding"}


def test_flags_with_parent_list_what_is_inherited(tenants: Path) -> None:
    nasty = 'Joe\'s: "A" #1 {{ 7*7 }}'
    result = run_ixm(
        "init", "acme", "--extends", "_greentown", "--no-input", "--tenants", tenants,
        "--name", f"en={nasty}", "--name", "阿克米", "--primary", "#ffb300",
        "--android-id", "com.acme.ding", "--ios-id", "com.acme.ding",
    )
    assert result.exit_code == 0, result.output
    manifest = tenants / "acme" / "brand.yaml"
    text = manifest.read_text("utf-8")
    assert text.startswith(SCHEMA_LINE + "\n")
    data = _data(manifest)
    # The values land as data: quotes, '#' and a Jinja expression survive as written.
    assert data["app"] == {"name": {"zh-Hans": "阿克米", "en": nasty}, "version": "1.0.0",
                           "build": 1}
    assert data["extends"] == "../_greentown/brand.yaml"
    assert data["colors"] == {"primary": "#FFB300", "on_primary": "#000000"}
    assert "assets" not in data  # the images are the parent's …
    comments = [line for line in text.splitlines() if line.startswith("#   ")]
    # … and the comments name each inherited value a customer usually replaces, with its line.
    for key in ("assets.icon:", "assets.icon_monochrome:", "assets.splash_logo:",
                "colors.dark.primary:", "store:", "legal.privacy_url:"):
        assert any(line[4:].startswith(key) and "_greentown/brand.yaml:" in line
                   for line in comments), (key, comments)
    _clean(tenants, "acme")


def test_from_tenant_takes_its_parent_locales_and_id_prefix(tenants: Path) -> None:
    created = api.init(tenants_dir=tenants, slug="huaxin-two", from_tenant="huaxinding")
    data = _data(created.folder / "brand.yaml")
    assert data["extends"] == "../lanlingding/brand.yaml"
    assert set(data["app"]["name"]) == {"zh-Hans", "zh-Hant", "en"}  # type: ignore[index]
    assert data["ids"] == {"android": "com.huaxin.huaxin_two", "ios": "com.huaxin.huaxin-two"}
    _clean(tenants, "huaxin-two")


def test_icon_flag_copies_the_image(tenants: Path) -> None:
    icon = tenants / "_greentown" / "assets" / "icon.png"
    api.init(tenants_dir=tenants, slug="copied", answers={"icon": str(icon)},
             locales=["en", "zh-Hans"])
    folder = tenants / "copied"
    assert (folder / "assets" / "icon.png").read_bytes() == icon.read_bytes()
    assert _data(folder / "brand.yaml")["locales"] == ["en", "zh-Hans"]
    _clean(tenants, "copied")


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (["Bad_Slug"], "tenant", "'Bad_Slug' cannot name a tenant"),
        (["yunzhuding"], "tenant", "already exists"),
        (["acme", "--primary", "red"], "colors.primary", "#RRGGBB"),
        (["acme", "--android-id", "com.acme.new.ding"], "ids.android", "keyword"),
        (["acme", "--extends", "_nowhere"], "extends", "no parent manifest"),
        (["acme", "--locales", "en,zh-hans"], "locales", "did you mean 'zh-Hans'"),
        (["acme", "--icon", "missing.png"], "assets.icon", "no file at missing.png"),
        (["acme", "--name", "x" * 31], "app.name.en", "31 characters"),
    ],
)
def test_refusals_exit_1_with_a_fix_and_write_nothing(
    tenants: Path, args: list[str], field: str, says: str
) -> None:
    before = sorted(p.name for p in tenants.iterdir())
    result = run_ixm("init", *args, "--no-input", "--tenants", tenants)
    assert result.exit_code == 1, result.output
    assert f"error[{field}]" in result.output and says in result.output, result.output
    assert "hint:" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tenants.iterdir()) == before


def test_an_icon_the_build_would_refuse_is_refused_up_front(tenants: Path) -> None:
    small = tenants.parent / "small.png"
    small.write_bytes(png_bytes(512))
    result = run_ixm("init", "acme", "--no-input", "--icon", small, "--tenants", tenants)
    assert result.exit_code == 1
    assert "error[assets.icon]" in result.output and "512" in result.output, result.output
    assert not (tenants / "acme").exists()


def test_a_name_holding_an_equals_sign_stays_whole(tenants: Path) -> None:
    result = run_ixm("init", "eq", "--no-input", "--name", "A=B Ding", "--name", "en-gb=x",
                     "--tenants", tenants)
    assert result.exit_code == 1  # en-GB is not one of the locales: said, not guessed
    assert "'en-GB'" in result.output
    result = run_ixm("init", "eq", "--no-input", "--name", "A=B Ding", "--tenants", tenants)
    assert result.exit_code == 0, result.output
    assert _data(tenants / "eq" / "brand.yaml")["app"]["name"] == {"en": "A=B Ding"}  # type: ignore[index]


def test_library_refusal_is_an_ixm_error(tenants: Path) -> None:
    with pytest.raises(IxmError) as caught:
        api.init(tenants_dir=tenants, slug="acme", names={"fr": "Acme"})
    (d,) = caught.value.diagnostics
    assert d.field == "app.name" and "not one of the locales" in d.message


@pytest.mark.slow
def test_terminal_prompts_ask_again_after_a_bad_answer(tenants: Path) -> None:
    """A real pseudo-terminal: cookiecutter asks, a bad colour is asked again, the defaults
    hold on Enter, and the scaffold validates."""
    child = pexpect.spawn(
        str(IXM), ["init", "pty-ding", "--tenants", str(tenants)],
        cwd=str(tenants.parent), env={**os.environ, "TERM": "dumb", "NO_COLOR": "1"},
        encoding="utf-8", timeout=30, dimensions=(40, 200),
    )
    try:
        child.expect("App name in en")
        child.sendline("Pty Ding")
        child.expect("Android applicationId")
        child.sendline("")  # the default: com.example.pty_ding
        child.expect("iOS bundle id")
        child.sendline("com.pty.ding")
        child.expect("Primary brand colour")
        child.sendline("green")
        child.expect("a colour is written")
        child.expect("Primary brand colour")
        child.sendline("#0A5C36")
        child.expect("Path to the app icon")
        child.sendline("")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    data = _data(tenants / "pty-ding" / "brand.yaml")
    assert data["app"]["name"] == {"en": "Pty Ding"}  # type: ignore[index]
    assert data["ids"] == {"android": "com.example.pty_ding", "ios": "com.pty.ding"}
    assert data["colors"]["primary"] == "#0A5C36"  # type: ignore[index]
    _clean(tenants, "pty-ding")


def test_no_terminal_never_prompts(tenants: Path) -> None:
    """Without --no-input but with no TTY on stdin (CI), init takes the defaults."""
    result = run_ixm("init", "ci-ding", "--tenants", tenants)
    assert result.exit_code == 0, result.output
    _clean(tenants, "ci-ding")
