"""The benchmark's reference-workload ops render with the build's engine."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

import pytest
from assets_fixtures import icon_image
from PIL import Image

from ixm_cli.assets.raster import render_reference, render_reference_entry


@pytest.fixture(scope="module")
def ref_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ref")
    icon_image(256).save(d / "icon.png")
    Image.new("RGB", (300, 200), (10, 20, 30)).save(d / "splash.png")
    return d


def _entry(op: str, w: int, h: int, source: str = "icon.png") -> dict[str, object]:
    return {"path": f"out/{op}-{w}x{h}.png", "source": source, "width": w, "height": h,
            "op": op}


def _render(ref_dir: Path, entry: dict[str, object]) -> Image.Image:
    im = Image.open(io.BytesIO(render_reference_entry(entry, ref_dir)))
    im.load()
    return im


def test_cover_crops_to_fill(ref_dir: Path) -> None:
    im = _render(ref_dir, _entry("cover", 40, 120, "splash.png"))
    assert im.size == (40, 120) and im.mode == "RGB"  # opaque source stays RGB
    assert im.getpixel((0, 0)) == (10, 20, 30)


def test_legacy_has_an_8px_transparent_border(ref_dir: Path) -> None:
    im = _render(ref_dir, _entry("legacy", 48, 48))
    assert im.mode == "RGBA" and im.getchannel("A").getbbox() == (8, 8, 40, 40)


def test_round_masks_the_corners(ref_dir: Path) -> None:
    im = _render(ref_dir, _entry("round", 48, 48))
    assert im.getchannel("A").getpixel((1, 1)) == 0
    assert im.getchannel("A").getpixel((24, 24)) == 255


def test_flatten_onto_white(ref_dir: Path) -> None:
    im = _render(ref_dir, _entry("flatten", 64, 64))
    assert im.mode == "RGB" and im.getpixel((0, 0)) == (255, 255, 255)


def test_whole_workload_matches_entry_by_entry_and_workers(ref_dir: Path) -> None:
    entries = [_entry("cover", 20, 30, "splash.png"), _entry("legacy", 36, 36),
               _entry("round", 36, 36), _entry("flatten", 100, 100),
               {**_entry("cover", 20, 30, "splash.png"), "path": "dup.png"}]
    one = render_reference(entries, ref_dir, workers=1)
    assert one == render_reference(entries, ref_dir, workers=2)
    for e in entries:
        assert one[PurePosixPath(str(e["path"]))] == render_reference_entry(e, ref_dir)
