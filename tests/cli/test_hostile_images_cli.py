"""Hostile image sources through the real CLI: exit 1, one located line per problem (the
brand.yaml line of the asset key), a designer's hint, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import hostile_images as hostile
import pytest
from ixm_test_helpers import Marked, make_tenant, marker_col, marker_line, run_ixm

IXM = Path(sys.executable).with_name("ixm")

# name -> (file name, maker, what the message says, what the hint says)
CASES: dict[str, tuple[str, Callable[[], bytes | str], str, str]] = {
    "scan-padded JPEG": ("icon.jpg", lambda: hostile.scan_padded_jpeg(1 * hostile.MiB),
                         "progressive JPEG with more than 100 scans", "baseline"),
    "text-flooded PNG": ("icon.png", lambda: hostile.chunk_flooded_png(1 * hostile.MiB),
                         "more than 256 metadata chunks", "strip the metadata"),
    "empty-IDAT PNG": ("icon.png", lambda: hostile.chunk_flooded_png(
        1 * hostile.MiB, empty_idat=True), "more than 4096 chunks", "strip the metadata"),
    "SVG external href": ("icon.svg", hostile.svg_external_href, "contains an <image>",
                          "plain vector shapes"),
    "SVG external use": ("icon.svg", hostile.svg_external_use,
                         "links to '/etc/passwd#x' outside the file (line 2)",
                         "self-contained"),
    "SVG billion laughs": ("icon.svg", hostile.svg_billion_laughs,
                           "declares entities (<!ENTITY …>)", "remove the <!ENTITY"),
    "SVG 100k nodes": ("icon.svg", hostile.svg_many_nodes, "more than 20,000 elements",
                       "simplify the drawing"),
    "SVG use bomb": ("icon.svg", hostile.svg_use_bomb, "expands to more than 50,000 elements",
                     "simplify the drawing"),
    "SVG text": ("icon.svg", hostile.svg_with_text, "contains text (<text>)",
                 "convert text to outlines"),
    "SVG script": ("icon.svg", hostile.svg_with_script, "contains a <script> (line 2)",
                   "remove the script"),
    "SVG not square": ("icon.svg", hostile.svg_not_square,
                       "has a viewBox of 200×100; it must be square", "square artboard"),
}


def _tenant(root: Path, name: str) -> tuple[Path, str]:
    """A tenant whose icon is the hostile file; (manifest, 'path:line:col' of the key)."""
    file_name, make, _, _ = CASES[name]
    rel = f"assets/{file_name}"
    manifest = make_tenant(root, "acme", {"assets": {"icon": Marked(rel)}})
    data = make()
    target = manifest.parent / rel
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)
    text = manifest.read_text("utf-8")
    return manifest, f"{manifest}:{marker_line(text)}:{marker_col(text, rel)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_refuses_with_a_located_error(name: str, root: Path) -> None:
    manifest, where = _tenant(root, name)
    _, _, message, hint = CASES[name]
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if "error[assets.icon]" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{where}: error[assets.icon]: "), lines[0]
    assert message in lines[0]
    assert hint in result.stderr
    assert "1 error(s)" in result.stderr


@pytest.mark.parametrize("name", ["scan-padded JPEG", "text-flooded PNG", "SVG billion laughs",
                                  "SVG 100k nodes"])
def test_build_exits_1_without_traceback_and_writes_nothing(name: str, root: Path) -> None:
    """The installed console script in its own process, as CI runs it."""
    _, where = _tenant(root, name)
    out = root.parent / "dist"
    proc = subprocess.run(
        [IXM, "build", "acme", "--tenants", root, "--out", out],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{where}: error[assets.icon]: " in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_svg_background_image_is_refused(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_background": Marked("assets/bg.svg")}})
    (manifest.parent / "assets" / "bg.svg").write_text(hostile.good_svg(), encoding="utf-8")
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1
    assert "error[assets.icon_background]: is an SVG; a vector source is accepted for icon, " \
        "icon_foreground, icon_monochrome and splash_logo only" in result.stderr


def test_svg_sources_validate_clean(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {
        "icon": "assets/icon.svg", "icon_foreground": "assets/fg.svg",
        "icon_monochrome": "assets/fg.svg", "splash_logo": "assets/fg.svg",
    }})
    (manifest.parent / "assets" / "icon.svg").write_text(hostile.good_svg(), encoding="utf-8")
    (manifest.parent / "assets" / "fg.svg").write_text(hostile.good_svg(background=None),
                                                        encoding="utf-8")
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 0, result.stderr
    assert "0 error(s)" in result.stderr
