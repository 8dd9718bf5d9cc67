"""render_assets: every planned file exists with the right size, mode and geometry."""

from __future__ import annotations

import io
import json
import math
import struct
import threading
from collections.abc import Callable
from pathlib import PurePosixPath

import pytest
from assets_fixtures import ALL_PLATFORMS, DARK_BG, ICON_BG, LIGHT_BG, Rendered
from PIL import Image

from ixm_cli.assets import AssetSources, render_assets
from ixm_cli.assets.plan import hex_rgb
from ixm_cli.targets import plan_assets

RES = "android/app/src/main/res"
ICONSET = "ios/App/Assets.xcassets/AppIcon.appiconset"
Render = Callable[[AssetSources], Rendered]


def _open(files: Rendered, path: str) -> Image.Image:
    im = Image.open(io.BytesIO(files[PurePosixPath(path)]))
    im.load()
    return im


def _chunks(png: bytes) -> list[bytes]:
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        out.append(png[pos + 4:pos + 8])
        pos += 12 + length
    return out


@pytest.mark.parametrize("which", ["full_sources", "minimal_sources"])
def test_every_planned_file_exists_with_its_size_and_mode(
    which: str, request: pytest.FixtureRequest, render: Render
) -> None:
    sources: AssetSources = request.getfixturevalue(which)
    jobs = plan_assets(sources, ALL_PLATFORMS)
    files = render(sources)
    assert set(files) == {j.path for j in jobs}
    for job in jobs:
        blob = files[job.path]
        if job.op == "text":
            assert blob == job.text.encode()
            continue
        im = Image.open(io.BytesIO(blob))
        if job.op == "ico":
            assert im.format == "ICO"
            continue
        assert im.format == "PNG", job.path
        assert im.size == (job.width, job.height), job.path
        assert im.mode == job.mode, job.path
        assert _chunks(blob) == [b"IHDR", b"IDAT", b"IEND"], job.path  # no text/time/ICC


@pytest.mark.parametrize("path", [
    f"{ICONSET}/AppIcon.png", "web/apple-touch-icon.png",
    "metadata/android/en-US/images/icon.png",
])
def test_opaque_icons_have_no_alpha_and_background_corners(
    path: str, full_sources: AssetSources, render: Render
) -> None:
    im = _open(render(full_sources), path)
    assert im.mode == "RGB"  # no alpha channel at all (ITMS-90717)
    w, h = im.size
    for xy in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)]:
        assert im.getpixel(xy) == hex_rgb(ICON_BG)  # the transparent corners, never black


def test_opaque_icons_use_brand_background_when_icon_background_is_an_image(
    minimal_sources: AssetSources, render: Render
) -> None:
    im = _open(render(minimal_sources), f"{ICONSET}/AppIcon.png")
    assert im.mode == "RGB" and im.getpixel((0, 0)) == hex_rgb(LIGHT_BG)


@pytest.mark.parametrize("which", ["full_sources", "minimal_sources"])
@pytest.mark.parametrize("px", [192, 512])
def test_maskable_is_opaque_and_art_stays_in_the_safe_circle(
    which: str, px: int, request: pytest.FixtureRequest, render: Render
) -> None:
    sources: AssetSources = request.getfixturevalue(which)
    files = render(sources)
    im = _open(files, f"web/icons/maskable-{px}.png")
    assert im.mode == "RGB" and im.size == (px, px)
    if isinstance(sources.icon_background, str):
        bg = Image.new("RGB", (px, px), hex_rgb(sources.icon_background))
    else:
        bg = Image.open(sources.icon_background).convert("RGB").resize((px, px), Image.LANCZOS)
    c, safe = px / 2, 0.4 * px
    outside = 0
    for y in range(px):
        for x in range(px):
            if math.hypot(x + 0.5 - c, y + 0.5 - c) > safe:
                outside += 1
                got, want = im.getpixel((x, y)), bg.getpixel((x, y))
                assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 2, (x, y)
    assert outside > 0
    # and the art is there: the centre is not the background
    assert im.getpixel((px // 2, px // 2)) != bg.getpixel((px // 2, px // 2))


def test_maskable_art_fills_most_of_the_safe_zone(full_sources: AssetSources,
                                                  render: Render) -> None:
    im = _open(render(full_sources), "web/icons/maskable-512.png")
    bg = hex_rgb(ICON_BG)
    row = [im.getpixel((x, 256)) for x in range(512)]
    art = [x for x, p in enumerate(row) if p != bg]
    width = (max(art) - min(art) + 1) / 512
    assert 0.7 < width <= 0.8  # scaled up towards the 80 % circle, never beyond it


@pytest.mark.parametrize("which", ["full_sources", "minimal_sources"])
def test_adaptive_foreground_stays_in_the_66dp_safe_zone(
    which: str, request: pytest.FixtureRequest, render: Render
) -> None:
    files = render(request.getfixturevalue(which))
    for density, px in [("mdpi", 108), ("xxxhdpi", 432)]:
        im = _open(files, f"{RES}/mipmap-{density}/ic_launcher_foreground.png")
        assert im.size == (px, px) and im.mode == "RGBA"
        alpha = im.getchannel("A")
        box = alpha.getbbox()
        assert box is not None
        margin = px * (108 - 66) / 2 / 108
        assert box[0] >= math.floor(margin) and box[1] >= math.floor(margin)
        assert box[2] <= math.ceil(px - margin) and box[3] <= math.ceil(px - margin)


def test_round_icon_has_transparent_corners_and_opaque_centre(
    full_sources: AssetSources, render: Render
) -> None:
    files = render(full_sources)
    for density, px in [("ldpi", 36), ("xxxhdpi", 192)]:
        im = _open(files, f"{RES}/mipmap-{density}/ic_launcher_round.png")
        a = im.getchannel("A")
        for xy in [(0, 0), (px - 1, 0), (0, px - 1), (px - 1, px - 1),
                   (round(px * 0.12), round(px * 0.12))]:
            assert a.getpixel(xy) == 0
        assert a.getpixel((px // 2, px // 2)) == 255


def test_monochrome_layer_is_a_white_silhouette(full_sources: AssetSources,
                                                render: Render) -> None:
    im = _open(render(full_sources), f"{RES}/mipmap-xxxhdpi/ic_launcher_monochrome.png")
    r, g, b, a = im.split()
    assert r.getextrema() == g.getextrema() == b.getextrema() == (255, 255)
    assert a.getpixel((216, 216)) == 255 and a.getpixel((2, 2)) == 0


def test_ios_dark_and_tinted_variants(full_sources: AssetSources, render: Render) -> None:
    files = render(full_sources)
    dark = _open(files, f"{ICONSET}/AppIcon-dark.png")
    assert dark.mode == "RGBA" and dark.getchannel("A").getpixel((0, 0)) == 0
    tinted = _open(files, f"{ICONSET}/AppIcon-tinted.png")
    assert tinted.mode in ("L", "RGB") and tinted.size == (1024, 1024)
    assert tinted.getpixel((0, 0)) in (0, (0, 0, 0))  # black background
    assert tinted.getpixel((512, 512)) in (255, (255, 255, 255))  # white art


def test_appicon_contents_json_references_existing_files(
    full_sources: AssetSources, minimal_sources: AssetSources, render: Render
) -> None:
    for sources in (full_sources, minimal_sources):
        files = render(sources)
        contents = json.loads(files[PurePosixPath(f"{ICONSET}/Contents.json")])
        written = {p.name for p in files if str(p).startswith(ICONSET + "/")}
        assert {i["filename"] for i in contents["images"]} == written - {"Contents.json"}
        for img in contents["images"]:
            w, h = (int(v) for v in img["size"].split("x"))
            assert _open(files, f"{ICONSET}/{img['filename']}").size == (w, h)
            assert [a["value"] for a in img.get("appearances", [])] in ([], ["dark"],
                                                                        ["tinted"])


def test_splash_logo_imageset(full_sources: AssetSources, render: Render) -> None:
    files = render(full_sources)
    base = "ios/App/Assets.xcassets/SplashLogo.imageset"
    contents = json.loads(files[PurePosixPath(f"{base}/Contents.json")])
    scales = {i["scale"]: i["filename"] for i in contents["images"]}
    assert scales == {"1x": "splash-logo.png", "2x": "splash-logo@2x.png",
                      "3x": "splash-logo@3x.png"}
    for scale, name in scales.items():
        px = 200 * int(scale[0])
        assert _open(files, f"{base}/{name}").size == (px, px)
        assert all(i["idiom"] == "universal" for i in contents["images"])


def test_favicon_ico_holds_16_32_48(full_sources: AssetSources, render: Render) -> None:
    ico = Image.open(io.BytesIO(render(full_sources)[PurePosixPath("web/favicon.ico")]))
    assert ico.format == "ICO"
    assert set(ico.info["sizes"]) == {(16, 16), (32, 32), (48, 48)}


def test_android12_splash_art_fits_the_visible_circle(full_sources: AssetSources,
                                                       render: Render) -> None:
    im = _open(render(full_sources), f"{RES}/drawable-xxxhdpi/splash_icon.png")
    assert im.size == (1152, 1152)
    a = im.getchannel("A")
    c, r = 576, 768 / 2  # the 192 dp circle at xxxhdpi
    for y in range(0, 1152, 4):
        for x in range(0, 1152, 4):
            if math.hypot(x + 0.5 - c, y + 0.5 - c) > r:
                assert a.getpixel((x, y)) == 0, (x, y)


def _with_logo(base: AssetSources, logo: str) -> AssetSources:
    fields = dict(base.__dict__)
    fields["splash_logo"] = base.icon.parent / logo
    return AssetSources(**fields)


def test_dark_splash_gets_a_light_plate_only_when_contrast_is_low(
    full_sources: AssetSources,
) -> None:
    night = PurePosixPath(f"{RES}/drawable-night-mdpi/splash_icon.png")
    light = PurePosixPath(f"{RES}/drawable-mdpi/splash_icon.png")
    for logo, plated in (("dark-logo.png", True), ("light-logo.png", False)):
        sources = _with_logo(full_sources, logo)
        jobs = [j for j in plan_assets(sources, frozenset({"android"}))
                if j.path in (night, light)]
        files = render_assets(jobs, sources)
        if not plated:
            assert files[night] == files[light]
            continue
        im = Image.open(io.BytesIO(files[night])).convert("RGBA")
        # just inside the 192 dp circle, outside the logo: the light background colour
        assert im.getpixel((144 + 90, 144)) == (*hex_rgb(LIGHT_BG), 255)
        assert im.getpixel((2, 2))[3] == 0
        assert hex_rgb(DARK_BG) != hex_rgb(LIGHT_BG)


def test_deterministic_across_runs_and_workers(full_sources: AssetSources,
                                               render: Render) -> None:
    jobs = plan_assets(full_sources, ALL_PLATFORMS)
    once = render(full_sources)
    assert render_assets(jobs, full_sources, workers=1) == once
    assert render_assets(jobs, full_sources, workers=2) == once


def test_spawned_workers_match_when_threads_are_running(full_sources: AssetSources,
                                                        render: Render) -> None:
    """With another thread alive fork is unsafe, so the pool spawns; bytes stay the same."""
    jobs = plan_assets(full_sources, frozenset({"web"}))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        files = render_assets(jobs, full_sources, workers=2)
    finally:
        stop.set()
        thread.join()
    once = render(full_sources)
    assert files == {j.path: once[j.path] for j in jobs}
