"""Safe-zone and silhouette measurements on images drawn with Pillow."""

from __future__ import annotations

from pathlib import Path

import pytest
from assets_fixtures import disc_image
from PIL import Image, ImageDraw

from ixm_cli.assets import safezone


@pytest.mark.parametrize("radius", [0.1, 0.25, 0.3, 0.4, 0.5])
def test_art_reach_measures_the_farthest_opaque_pixel(radius: float) -> None:
    img = disc_image((255, 255, 255), radius, side=1024)
    assert safezone.art_reach(img) == pytest.approx(radius, abs=0.006)


def test_art_reach_finds_one_corner_mark_and_ignores_faint_glow() -> None:
    img = disc_image((0, 0, 0), 0.2, side=1024)
    ImageDraw.Draw(img).rectangle((0, 0, 1023, 1023), outline=(0, 0, 0, 60), width=40)
    assert safezone.art_reach(img) == pytest.approx(0.2, abs=0.006)
    img.paste((0, 0, 0, 255), (900, 900, 910, 910))  # one opaque mark near a corner
    assert safezone.art_reach(img) == pytest.approx(((910 - 512) ** 2 * 2) ** 0.5 / 1024,
                                                     abs=0.006)


def test_an_opaque_foreground_reaches_the_corners(tmp_path: Path) -> None:
    Image.new("RGB", (1024, 1024), (200, 10, 10)).save(tmp_path / "fg.png")
    [problem] = safezone.check_layers(tmp_path / "fg.png", None)
    assert problem.role == "icon_foreground"
    assert problem.message.startswith("the art reaches 0.71 of the width from the centre")
    assert problem.message.endswith("shrinks it to fit its 40% circle")


def test_art_inside_the_safe_zone_and_a_flat_silhouette_pass(tmp_path: Path) -> None:
    disc_image((37, 99, 235), 0.30, side=2048).save(tmp_path / "fg.png")
    disc_image((0, 0, 0), 0.45).save(tmp_path / "mono.png")
    assert safezone.check_layers(tmp_path / "fg.png", tmp_path / "mono.png") == []


def test_a_monochrome_without_transparency_is_not_a_silhouette(tmp_path: Path) -> None:
    Image.new("RGB", (1024, 1024), (255, 255, 255)).save(tmp_path / "mono.jpg")
    [problem] = safezone.check_layers(None, tmp_path / "mono.jpg")
    assert problem.role == "icon_monochrome"
    assert problem.message.startswith("has no transparency")


def test_an_undecodable_file_is_left_to_the_source_checks(tmp_path: Path) -> None:
    (tmp_path / "fg.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    assert safezone.check_layers(tmp_path / "fg.png", tmp_path / "fg.png") == []
