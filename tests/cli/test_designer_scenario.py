"""Issue 9's acme scenario: every mistake the designer made, found by ONE `ixm validate acme`.

A new tenant `acme` extends the example partner `_greentown` with amber colours and its own
icon, foreground and splash logo, but: `icon_background: #FFB300` unquoted, the parent's
monochrome icon and dark palette kept, the parent's store text ("built for Greentown
property teams") and legal links kept, yunzhuding's applicationId and bundle id reused, `fr`
listed without French texts, and a foreground whose art reaches 0.40 of the width from the
centre. The example tenants are copied, so the siblings are the real ones.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import EXAMPLES, line_of, run_ixm
from PIL import Image, ImageDraw

ACME = """\
# yaml-language-server: $schema=../brand.schema.json
schema: ixm/v1
tenant: acme
extends: ../_greentown/brand.yaml
locales: [zh-Hans, en, fr]

app:
  name: {zh-Hans: 阿克米钉, en: Acme Ding}
  short_name: {zh-Hans: 阿克米, en: Acme}
  version: 1.0.0
  build: 1

ids:
  android: com.greentown.yunzhuding
  ios: com.greentown.yunzhuding

colors:
  primary: "#8A5A00"
  on_primary: "#FFFFFF"
  secondary: "#FFB300"

assets:
  icon: assets/icon.png
  icon_foreground: assets/icon-foreground.png
  icon_background: #FFB300
  splash_logo: assets/splash-logo.png

endpoints:
  api: https://api.acme.example
  web: https://ding.acme.example/
"""
AMBER = (255, 179, 0, 255)
WHITE = (255, 255, 255, 255)


def disc(path: Path, reach: float, fill: tuple[int, ...], ground: tuple[int, ...]) -> None:
    """A 1024 px image: a centred disc reaching ``reach`` of the width from the centre."""
    img = Image.new("RGBA", (1024, 1024), ground)
    r = reach * 1024
    ImageDraw.Draw(img).ellipse((512 - r, 512 - r, 512 + r, 512 + r), fill=fill)
    img.save(path)


@pytest.fixture
def tenants(tmp_path: Path) -> Path:
    root = tmp_path.resolve() / "tenants"
    shutil.copytree(EXAMPLES, root)
    assets = root / "acme" / "assets"
    assets.mkdir(parents=True)
    (root / "acme" / "brand.yaml").write_text(ACME, encoding="utf-8", newline="\n")
    disc(assets / "icon.png", 0.25, WHITE, AMBER)
    disc(assets / "icon-foreground.png", 0.40, WHITE, (0, 0, 0, 0))
    disc(assets / "splash-logo.png", 0.30, AMBER, (0, 0, 0, 0))
    return root


def validate(tenants: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_ixm("validate", "acme", "--tenants", tenants, "--format", "json", *args)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def found(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(severity, field) → the diagnostic, over the tenant's results and the shared ones."""
    everything = [d for r in document["results"] for d in r["diagnostics"]]
    everything += document["shared"]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for d in everything:
        key = (d["severity"], d["field"])
        assert key not in out or out[key] == d, f"two diagnostics for {key}"
        out[key] = d
    return out


def test_one_validate_run_reports_every_mistake(tenants: Path) -> None:
    manifest = tenants / "acme" / "brand.yaml"
    code, document = validate(tenants)
    assert code == 1
    diags = found(document)

    def expect(severity: str, field: str, line_start: str, *says: str) -> dict[str, Any]:
        d = diags.pop((severity, field), None)
        assert d is not None, f"no {severity}[{field}] in {sorted(diags)}"
        assert Path(d["file"]).resolve() == manifest
        assert d["line"] == line_of(manifest, line_start), d
        for text in says:
            assert text in d["message"] + "\n" + (d["hint"] or ""), d
        return d

    expect("error", "assets.icon_background", "  icon_background:",
           "YAML reads #FFB300 after an unquoted ':' as a comment",
           'quote the colour: icon_background: "#FFB300"')
    expect("warning", "assets.icon_monochrome", "assets:",
           "icon_monochrome is the parent's image", "_greentown/assets/icon-mono.png",
           "Android 13 themed and iOS 18 tinted icons")
    expect("warning", "colors.dark", "colors:",
           "dark mode keeps the parent's primary #34C38F", "your own #8A5A00")
    expect("warning", "store.full_description.en", "extends:",
           "names the parent's brand 'Greentown'")
    expect("warning", "legal", "extends:", "on its domain greentown.example")
    expect("error", "ids.android", "  android:",
           "applicationId 'com.greentown.yunzhuding' is also used by yunzhuding",
           "com.greentown.acme")
    expect("error", "ids.ios", "  ios:",
           "bundle id 'com.greentown.yunzhuding' is also used by yunzhuding")
    expect("warning", "locales[2]", "locales:",
           "locale 'fr' has no text of its own", "would show in 'zh-Hans'")
    expect("warning", "assets.icon_foreground", "  icon_foreground:",
           "the art reaches 0.40 of the width from the centre", "adaptive-icon safe zone",
           "scale the art down to 75%")
    # nothing else: no cascade from the null, no noise from the copied examples
    assert diags == {}
    assert (document["errors"], document["warnings"]) == (3, 6)


def test_once_the_errors_are_fixed_strict_still_fails_on_the_leaks(tenants: Path) -> None:
    manifest = tenants / "acme" / "brand.yaml"
    text = manifest.read_text("utf-8").replace("#FFB300\n", '"#FFB300"\n')
    text = text.replace("com.greentown.yunzhuding", "com.acme.ding")
    manifest.write_text(text, encoding="utf-8", newline="\n")
    code, document = validate(tenants)
    assert (code, document["errors"], document["warnings"]) == (0, 0, 6)
    code, document = validate(tenants, "--strict")
    assert (code, document["ok"]) == (1, False)


def test_the_text_report_has_the_same_findings_compiler_style(tenants: Path) -> None:
    result = run_ixm("validate", "acme", "--tenants", tenants)
    assert result.exit_code == 1
    manifest = tenants / "acme" / "brand.yaml"
    line = line_of(manifest, "  icon_background:")
    assert f"{manifest}:{line}:3: error[assets.icon_background]: " in result.stderr
    assert result.stderr.endswith("3 error(s), 6 warning(s)\n")


def test_the_example_tenants_still_validate_clean_and_strict() -> None:
    result = run_ixm("validate", "--all", "--strict", "--tenants", EXAMPLES)
    assert result.exit_code == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr
