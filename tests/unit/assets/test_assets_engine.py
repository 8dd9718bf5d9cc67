"""The raster engine's speed paths give what the plain path gives: backdrop composition
against a whole LANCZOS resize, and the PNG writer against Pillow's own decoder."""

from __future__ import annotations

import io
import math
from pathlib import Path, PurePosixPath

import pytest
from PIL import Image, ImageChops, ImageDraw

from ixm_cli.assets import raster
from ixm_cli.assets.plan import AssetJob

LANCZOS = Image.Resampling.LANCZOS


def _splash(side: int, axis: int, mode: str = "RGB") -> Image.Image:
    """A linear gradient along one axis (rows or columns of one colour) behind a logo."""
    im = Image.new("RGB", (side, side))
    ramp = Image.linear_gradient("L").resize((side, side))  # dark top → light bottom
    if axis == 1:
        ramp = ramp.transpose(Image.Transpose.ROTATE_90)
    im = Image.merge("RGB", (ramp, ramp.point(lambda v: v // 2), Image.new("L", im.size, 90)))
    d = ImageDraw.Draw(im)
    c, r = side // 2, side // 8
    d.ellipse((c - r, c - r, c + r, c + r), fill=(20, 90, 230))
    d.rectangle((c - r // 2, c - 4, c + r // 2, c + 4), fill=(250, 200, 40))
    return im.convert("RGBa") if mode == "RGBa" else im


def _psnr(a: Image.Image, b: Image.Image) -> float:
    hist = ImageChops.difference(a, b).histogram()
    sse = sum(n * (i % 256) ** 2 for i, n in enumerate(hist))
    mse = sse / (a.size[0] * a.size[1] * (len(hist) // 256))
    return math.inf if mse == 0 else 10 * math.log10(255 * 255 / mse)


def _max_diff(a: Image.Image, b: Image.Image) -> int:
    return max(hi for _, hi in ImageChops.difference(a, b).getextrema())


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("mode", ["RGB", "RGBa"])
def test_backdrop_is_found_along_its_axis(axis: int, mode: str) -> None:
    im = _splash(768, axis, mode)
    found = raster._find_backdrop(im)
    assert found is not None and found.axis == axis
    assert found.strip.size == ((1, 768) if axis == 0 else (768, 1))
    side = 768 // 8 + 1
    x0, y0, x1, y1 = found.art
    assert x1 - x0 <= 2 * side + 2 and y1 - y0 <= 2 * side + 2  # the logo, not the gradient


def test_busy_or_small_sources_have_no_backdrop() -> None:
    noise = Image.effect_noise((600, 600), 60).convert("RGB")
    assert raster._find_backdrop(noise) is None
    assert raster._find_backdrop(_splash(256, 0)) is None  # a whole resize is cheaper


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize(
    ("out", "box"),
    [
        ((320, 480), (256.0, 0.0, 512.0 + 256.0 * 0.5, 1024.0)),  # shrink ~3×, off-centre
        ((1668, 2388), (0.0, 0.0, 715.33, 1024.0)),               # enlarge, a tall crop
        ((100, 100), (0.0, 0.0, 1024.0, 1024.0)),                 # shrink 10×
        ((300, 200), (500.0, 600.0, 1020.0, 950.0)),              # art cut by the box
    ],
)
def test_backdrop_resample_matches_a_whole_lanczos_resize(
    axis: int, out: tuple[int, int], box: tuple[float, float, float, float]
) -> None:
    im = _splash(1024, axis)
    found = raster._find_backdrop(im)
    assert found is not None
    composed = raster._resample_on_backdrop(im, found, box, out)
    whole = im.resize(out, LANCZOS, box=box, reducing_gap=None)
    assert composed.mode == whole.mode and composed.size == whole.size
    # Only float rounding of the art's window position differs: a level or two, rarely.
    assert _max_diff(composed, whole) <= 2
    assert _psnr(composed, whole) >= 60


def test_a_backdrop_with_no_art_is_the_resampled_strip() -> None:
    im = _splash(1024, 0).crop((0, 0, 1024, 300)).resize((1024, 1024))  # gradient only
    found = raster._find_backdrop(im)
    assert found is not None and found.art[2] - found.art[0] == 0
    box = (10.5, 3.25, 990.0, 1000.0)
    composed = raster._resample_on_backdrop(im, found, box, (333, 444))
    assert composed.tobytes() == im.resize((333, 444), LANCZOS, box=box).tobytes()


def test_a_splash_sized_source_is_never_drawn_up_from_a_reduced_copy(tmp_path: Path) -> None:
    """A 2732² splash (the iOS universal splash, @capacitor/assets' splash source) is kept at
    full size: the 2732² output is the source itself, and a 2048×2732 crop is a plain
    LANCZOS render of the whole source, not an upscale of a half-size copy (that was 39 dB)."""
    side = raster.MAX_WORKING_SIDE
    assert side >= 2732
    im = _splash(side, 0)
    path = tmp_path / "splash.png"
    im.save(path, compress_level=1)
    raster._DECODED.clear()
    assert raster.working_copy(path).factor == 1
    jobs = [AssetJob(PurePosixPath(f"{w}x{h}.png"), "cover", w, h, "splash", mode="auto")
            for w, h in ((side, side), (2048, side))]
    files = raster.render_jobs(jobs, {"splash": path})
    with Image.open(io.BytesIO(files[PurePosixPath(f"{side}x{side}.png")])) as same:
        assert same.convert("RGB").tobytes() == im.tobytes()
    with Image.open(io.BytesIO(files[PurePosixPath(f"2048x{side}.png")])) as tall:
        box = ((side - 2048) / 2, 0.0, (side + 2048) / 2, float(side))
        plain = im.resize((2048, side), LANCZOS, box=box)
        assert _psnr(tall.convert("RGB"), plain) >= 50


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
@pytest.mark.parametrize("size", [(1, 1), (37, 23), (300, 2)])
def test_png_writer_round_trips_through_pillow(mode: str, size: tuple[int, int]) -> None:
    im = Image.effect_noise(size, 80).convert(mode)
    if mode == "RGBA":
        im.putalpha(Image.linear_gradient("L").resize(size))
    blob = raster._png(im)
    with Image.open(io.BytesIO(blob)) as back:
        back.load()
        assert back.format == "PNG" and back.mode == mode and back.size == size
        assert back.tobytes() == im.tobytes()
        assert back.info == {}  # no text, time, ICC, pHYs or gamma chunk to vary
    assert blob == raster._png(im)


def test_png_writer_refuses_modes_without_a_png_twin() -> None:
    with pytest.raises(ValueError, match="RGBa"):
        raster._png(Image.new("RGBa", (2, 2)))


def test_freed_memory_setting_nests_and_restores() -> None:
    with raster._reuse_freed_memory():
        with raster._reuse_freed_memory():
            assert raster._malloc_depth == (2 if raster._mallopt else 0)
        assert raster._malloc_depth == (1 if raster._mallopt else 0)
    assert raster._malloc_depth == 0
    with pytest.raises(RuntimeError), raster._reuse_freed_memory():
        raise RuntimeError("a failing render still restores the allocator")
    assert raster._malloc_depth == 0
