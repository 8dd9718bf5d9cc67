"""Bounded cost per source: structure limits before decoding, a CPU budget while decoding,
one decode per content, large sources reduced as they are decoded, and SVG sources."""

from __future__ import annotations

import io
import math
import struct
import threading
import zlib
from pathlib import Path

import hostile_images as hostile
import pytest
from assets_fixtures import ALL_PLATFORMS, icon_image
from ixm_test_helpers import make_tenant, set_manifest
from PIL import Image, ImageChops, ImageCms, ImageStat

from ixm_cli import api
from ixm_cli.assets import AssetSources, limits, raster, render_assets, svg
from ixm_cli.assets.checks import check_image
from ixm_cli.targets import plan_assets


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Each test counts its own decodes: forget what earlier tests decoded."""
    raster._DECODED.clear()
    from ixm_cli.assets import checks

    checks._VERDICTS.clear()


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every full pixel decode (the real one still runs)."""
    seen: list[str] = []
    real = raster._load

    def load(im: Image.Image) -> None:
        seen.append(f"{im.format} {im.size}")
        real(im)

    monkeypatch.setattr(raster, "_load", load)
    return seen


# -- structure ---------------------------------------------------------------------------


def test_scan_padded_jpeg_is_refused_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "icon.jpg"
    path.write_bytes(hostile.scan_padded_jpeg(2 * hostile.MiB))
    decoded = _count_decodes(monkeypatch)
    (problem,) = check_image("icon", path)
    assert problem.message == (
        "is a progressive JPEG with more than 100 scans, which would take minutes to decode")
    assert "baseline (non-progressive) JPEG" in problem.hint
    assert decoded == []


@pytest.mark.parametrize("empty_idat", [False, True])
def test_chunk_flooded_png_is_refused_without_decoding(
    empty_idat: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "icon.png"
    path.write_bytes(hostile.chunk_flooded_png(2 * hostile.MiB, empty_idat=empty_idat))
    decoded = _count_decodes(monkeypatch)
    (problem,) = check_image("icon", path)
    assert ("more than 4096 chunks" if empty_idat else "more than 256 metadata chunks") in (
        problem.message)
    assert "strip the metadata" in problem.hint
    assert decoded == []


def test_honest_progressive_jpeg_and_many_idat_chunks_pass(tmp_path: Path) -> None:
    icon_image().convert("RGB").save(tmp_path / "icon.jpg", progressive=True, quality=95)
    assert check_image("icon", tmp_path / "icon.jpg") == []
    # libpng's habit: pixels in 8 KiB IDAT chunks; 2,000 of them (16 MiB) is ordinary
    buf = io.BytesIO()
    icon_image().save(buf, "PNG")
    data = buf.getvalue()
    head, idat = hostile._png_parts(data)
    pieces = [idat[i:i + max(1, len(idat) // 2000)] for i in range(0, len(idat),
                                                                    max(1, len(idat) // 2000))]
    assert 2000 <= len(pieces) <= limits.MAX_PNG_CHUNKS - 10
    rechunked = b"\x89PNG\r\n\x1a\n" + b"".join(head) + b"".join(
        hostile._chunk(b"IDAT", p) for p in pieces) + hostile._chunk(b"IEND", b"")
    (tmp_path / "icon.png").write_bytes(rechunked)
    assert check_image("icon", tmp_path / "icon.png") == []


def test_jpeg_scan_walker_skips_exif_thumbnails() -> None:
    """An EXIF thumbnail is a whole JPEG inside APP1: its scans are not the image's."""
    thumb = io.BytesIO()
    Image.new("RGB", (160, 160), (200, 10, 10)).save(thumb, "JPEG", progressive=True)
    exif = Image.Exif()
    exif[0x0112] = 1
    app1_body = b"Exif\x00\x00" + exif.tobytes() + thumb.getvalue() * 20  # 200 scans inside
    main = io.BytesIO()
    Image.new("RGB", (64, 64)).save(main, "JPEG")
    data = main.getvalue()
    framed = data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1_body) + 2) + app1_body + data[2:]
    assert limits._jpeg_scans(framed, 1000) == 1


# -- CPU budget ----------------------------------------------------------------------------


def test_decode_budget_stops_a_slow_decode_in_any_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no budget left an honest file is stopped at its first read: the check that
    catches what the structural limits do not know about, and it works off the main thread
    (``preview --watch`` builds from one, where an alarm signal could not reach)."""
    path = tmp_path / "icon.png"
    icon_image().save(path)
    monkeypatch.setattr(raster, "DECODE_BUDGET_SECONDS", -1.0)
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.extend(check_image("icon", path)))
    worker.start()
    worker.join()
    (problem,) = found
    assert problem.message == "took more than -1 s of CPU to decode and was stopped"  # type: ignore[attr-defined]
    assert "baseline JPEG" in problem.hint  # type: ignore[attr-defined]


# -- decoded once ----------------------------------------------------------------------------


def test_each_source_is_decoded_once_across_environments_and_roles(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = make_tenant(root, "acme")  # with a staging overlay, plus 15 more: the maximum
    envs = {f"env{i:02d}": {"app": {"name": {"en": f"Acme {i}"}}} for i in range(15)}
    set_manifest(manifest, {"environments": envs})
    assets = manifest.parent / "assets"
    files = sorted(p.name for p in assets.iterdir())
    distinct = {(assets / name).read_bytes() for name in files}
    decoded = _count_decodes(monkeypatch)
    report = api.validate(tenants_dir=root, tenants=["acme"])
    assert len(report.results) == 17
    assert all(r.ok for r in report.results), report.diagnostics()
    assert len(decoded) == len(distinct)


def test_build_renders_from_the_decode_its_check_made(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = make_tenant(root, "acme")
    assets = manifest.parent / "assets"
    distinct = {p.read_bytes() for p in assets.iterdir()}
    decoded = _count_decodes(monkeypatch)
    report = api.build(tenants_dir=root, out=tmp_path / "dist", tenants=["acme"], jobs=1)
    assert report.ok
    full = [d for d in decoded if d.endswith("(1024, 1024)")]
    assert len(full) == len(distinct), decoded


# -- large sources -----------------------------------------------------------------------------


def _rgba_with_icc(side: int) -> Image.Image:
    im = icon_image(side)
    im.info["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return im


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("rgba", lambda: icon_image(1030)),
        ("rgba-icc", lambda: _rgba_with_icc(1030)),
        ("opaque-rgba", lambda: icon_image(1030).convert("RGB").convert("RGBA")),
        ("palette", lambda: icon_image(1030).convert("P")),
        ("grey16", lambda: Image.new("I;16", (1030, 1030), 40000)),
        ("rgb-odd", lambda: icon_image(1029).convert("RGB")),
        ("rgba-odd", lambda: icon_image(1031)),
    ],
)
def test_reduced_while_decoding_equals_reduced_after(
    name: str, make: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strip by strip, the working copy of a large source is ``normalise(full).reduce(k)``
    byte for byte, whatever the mode (shown with a 512 px working limit on ~1030 px files)."""
    path = tmp_path / f"{name}.png"
    im = make()  # type: ignore[operator]
    im.save(path, icc_profile=im.info.get("icc_profile"))
    monkeypatch.setattr(raster, "MAX_WORKING_SIDE", 512)
    monkeypatch.setattr(raster, "_STRIP_ROWS", 100)  # several strips, the last one short
    working = raster.working_copy(path)
    full = raster.decode(path)
    expected = full.reduce(2).reduce(2)
    assert working.factor == 4
    assert working.image.mode == expected.mode
    assert working.image.tobytes() == expected.tobytes()
    assert working.extent == raster._art_extent(full)


def _psnr(a: bytes, b: bytes) -> float:
    with Image.open(io.BytesIO(a)) as x, Image.open(io.BytesIO(b)) as y:
        diff = ImageChops.difference(x.convert("RGBA"), y.convert("RGBA"))
    mse = sum(v * v for v in ImageStat.Stat(diff).rms) / 4
    return math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse)


@pytest.mark.slow
def test_large_sources_keep_the_bytes_the_engine_reduces_anyway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output the engine drew from a 2×-or-more reduced copy is unchanged byte for byte
    when the source is reduced while decoding; one it drew from full resolution now comes
    from the 2× copy (close: PSNR ≥ 35 dB). Shown with a 2048 px source and a 1024 px
    working limit; at the real 2732 px limit only sources past 2732 px are reduced."""
    path = tmp_path / "icon.png"
    icon_image(2048).save(path)
    sources = AssetSources(
        icon=path, icon_foreground=path, icon_background="#FFFFFF", icon_monochrome=path,
        splash_logo=path, background="#FFFFFF", dark_background="#000000", supply_locales=(),
    )
    jobs = plan_assets(sources, ALL_PLATFORMS)
    before = render_assets(jobs, sources)
    raster._DECODED.clear()
    monkeypatch.setattr(raster, "MAX_WORKING_SIDE", 1024)
    after = render_assets(jobs, sources)
    assert raster.working_copy(path).factor == 2
    reduced_anyway = [j.path for j in jobs if j.op == "cover" and max(j.width, j.height) * 6
                      <= 2048]
    assert len(reduced_anyway) >= 8
    assert all(before[p] == after[p] for p in reduced_anyway)
    assert all(_psnr(before[p], after[p]) >= 35 for p in before if p.suffix == ".png")


# -- SVG ---------------------------------------------------------------------------------------


def test_svg_renders_each_region_at_its_own_size(tmp_path: Path) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(hostile.good_svg(), encoding="utf-8")
    drawing = svg.load(path)
    assert drawing.view_box == (0.0, 0.0, 108.0, 108.0)
    side = svg.RASTER_SIDE
    whole = drawing.render((0, 0, side, side), (108, 108))
    assert whole.size == (108, 108)
    assert whole.getpixel((54, 54))[:3] == (255, 255, 255)  # the crossbar of the "H"
    assert whole.getpixel((1, 1))[:3] != (255, 255, 255)  # the gradient tile
    # the centre third at 300 px: the crossbar fills the middle, drawn sharp, not upscaled
    centre = drawing.render((side / 3, side / 3, 2 * side / 3, 2 * side / 3), (300, 300))
    assert centre.size == (300, 300)
    assert centre.getpixel((150, 150))[:3] == (255, 255, 255)
    assert drawing.render((0, 0, side, side), (108, 108)).tobytes() == whole.tobytes()


@pytest.mark.slow
def test_svg_sources_build_every_icon(tmp_path: Path) -> None:
    icon = tmp_path / "icon.svg"
    icon.write_text(hostile.good_svg(), encoding="utf-8")
    fg = tmp_path / "fg.svg"
    fg.write_text(hostile.good_svg(background=None), encoding="utf-8")
    sources = AssetSources(
        icon=icon, icon_foreground=fg, icon_background="#B3261E", icon_monochrome=fg,
        splash_logo=fg, background="#FFFFFF", dark_background="#000000", supply_locales=(),
    )
    out = render_assets(plan_assets(sources, ALL_PLATFORMS), sources, workers=2)
    pngs = {p: b for p, b in out.items() if p.suffix == ".png"}
    assert len(pngs) > 40
    for rel, data in pngs.items():
        with Image.open(io.BytesIO(data)) as im:
            assert im.getbbox() is not None, rel  # never blank
    assert render_assets(plan_assets(sources, ALL_PLATFORMS), sources, workers=1) == out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (hostile.svg_deep_nesting, "nests elements more than 100 deep (line 1)"),
        (hostile.svg_use_chain, "chains <use> references too deeply"),
        (hostile.svg_use_bomb, "expands to more than 50,000 elements"),
        (hostile.svg_many_nodes, "has more than 20,000 elements"),
    ],
)
def test_svg_shapes_that_would_exhaust_a_walk_are_refused(
    make: object, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(make(), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(svg.SvgError) as caught:
        svg.load(path)
    assert caught.value.message.startswith(message)


def test_svg_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "logo.svg"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><desc>&x;</desc></svg>\n',
        encoding="utf-8",
    )
    with pytest.raises(svg.SvgError) as caught:
        svg.load(path)
    assert caught.value.message.startswith("declares entities (<!ENTITY …>)")
    assert "TOP-SECRET" not in caught.value.message


def test_svg_with_the_svg11_doctype_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(hostile.good_svg(), encoding="utf-8")
    assert "<!DOCTYPE svg PUBLIC" in path.read_text("utf-8")
    assert svg.load(path).view_box == (0.0, 0.0, 108.0, 108.0)


def test_png_chunk_walker_counts_every_chunk() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    data = buf.getvalue()
    text = struct.pack(">I", 3) + b"tEXt" + b"k\x00v" + struct.pack(
        ">I", zlib.crc32(b"tEXtk\x00v"))
    flooded = data[:33] + text * 300 + data[33:]
    assert limits._png_chunks(io.BytesIO(flooded)) == (258, 257)  # IHDR, then past the bound
    assert limits._png_chunks(io.BytesIO(data)) == (3, 0)
