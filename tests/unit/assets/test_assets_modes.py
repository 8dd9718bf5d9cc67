"""Every source mode and an embedded ICC profile decode to 8-bit sRGB (raster.decode)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from ixm_cli.assets import AssetSources, render_assets
from ixm_cli.assets.raster import decode
from ixm_cli.targets import plan_assets


def _rgba_at(path: Path, xy: tuple[int, int] = (0, 0)) -> tuple[int, ...]:
    im = decode(path)
    assert im.mode in ("RGB", "RGBa")
    px = im.convert("RGBA").getpixel(xy)
    assert isinstance(px, tuple)
    return px


def _close(got: tuple[int, ...], want: tuple[int, ...], tol: int) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(got, want, strict=True))


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    white, mid = tmp_path / "white.png", tmp_path / "mid.png"
    Image.new("I;16", (8, 8), 65535).save(white)
    Image.new("I;16", (8, 8), 32896).save(mid)  # 0x8080: 50 % grey
    assert Image.open(white).mode.startswith("I")
    assert _rgba_at(white) == (255, 255, 255, 255)
    assert _rgba_at(mid) == (128, 128, 128, 255)  # clipping would give 255


def test_palette_with_trns_keeps_transparency(tmp_path: Path) -> None:
    p = Image.new("P", (4, 4), 0)
    p.putpalette([255, 0, 0, 0, 0, 255] + [0] * (256 * 3 - 6))
    p.putpixel((1, 1), 1)
    path = tmp_path / "p.png"
    p.save(path, transparency=0)
    assert Image.open(path).mode == "P"
    assert _rgba_at(path, (0, 0))[3] == 0
    assert _rgba_at(path, (1, 1)) == (0, 0, 255, 255)


def test_la_grey_with_alpha(tmp_path: Path) -> None:
    path = tmp_path / "la.png"
    Image.new("LA", (4, 4), (200, 128)).save(path)
    assert _close(_rgba_at(path), (200, 200, 200, 128), 1)


def test_one_bit_and_grey(tmp_path: Path) -> None:
    one = Image.new("1", (4, 4), 0)
    one.putpixel((1, 1), 1)
    one.save(tmp_path / "one.png")
    assert _rgba_at(tmp_path / "one.png", (0, 0)) == (0, 0, 0, 255)
    assert _rgba_at(tmp_path / "one.png", (1, 1)) == (255, 255, 255, 255)
    Image.new("L", (4, 4), 77).save(tmp_path / "l.png")
    assert _rgba_at(tmp_path / "l.png") == (77, 77, 77, 255)


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(path, quality=95)
    assert Image.open(path).mode == "CMYK"
    assert _close(_rgba_at(path, (8, 8)), (255, 0, 0, 255), 6)


def test_opaque_rgba_drops_its_alpha(tmp_path: Path) -> None:
    path = tmp_path / "opaque.png"
    Image.new("RGBA", (4, 4), (1, 2, 3, 255)).save(path)
    assert decode(path).mode == "RGB"


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _icc_swapped_primaries() -> bytes:
    """A minimal ICC v2 RGB matrix/TRC profile with red and blue primaries swapped and a
    linear tone curve: a pixel stored as pure red is really sRGB blue."""
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606,
                                                                            0.7141)

    def xyz(c: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in c)

    ascii_name = b"swapped\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_name)) + ascii_name
            + b"\0" * 8 + b"\0\0" + b"\0" + b"\0" * 67)
    curve = b"curv\0\0\0\0" + struct.pack(">I", 0)  # identity (gamma 1.0)
    tags = [(b"desc", desc), (b"wtpt", xyz((0.9642, 1.0, 0.8249))), (b"rXYZ", xyz(blue)),
            (b"gXYZ", xyz(green)), (b"bXYZ", xyz(red)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve), (b"cprt", b"text\0\0\0\0none\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = struct.pack(">I", len(tags)) + table + data
    header = bytearray(128)
    struct.pack_into(">I", header, 0, 128 + len(body))
    struct.pack_into(">I", header, 8, 0x02100000)
    header[12:24] = b"mntrRGB XYZ "
    header[36:40] = b"acsp"
    header[68:80] = _s15(0.9642) + _s15(1.0) + _s15(0.8249)
    return bytes(header) + body


def test_icc_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    path = tmp_path / "icc.png"
    Image.new("RGB", (8, 8), (255, 0, 0)).save(path, icc_profile=_icc_swapped_primaries())
    assert Image.open(path).info.get("icc_profile")
    r, g, b, _ = _rgba_at(path)
    assert b > 200 and r < 40, (r, g, b)


def test_srgb_profile_is_near_identity_and_broken_profile_is_ignored(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGBA", (8, 8), (200, 100, 50, 128)).save(tmp_path / "srgb.png",
                                                          icc_profile=srgb)
    assert _close(_rgba_at(tmp_path / "srgb.png"), (200, 100, 50, 128), 2)
    Image.new("RGB", (8, 8), (200, 100, 50)).save(tmp_path / "bad.png",
                                                  icc_profile=b"not a profile at all")
    assert _rgba_at(tmp_path / "bad.png") == (200, 100, 50, 255)


@pytest.mark.parametrize("mode", ["P", "LA", "L", "1", "I;16", "CMYK"])
def test_every_mode_renders_end_to_end(mode: str, tmp_path: Path) -> None:
    base = Image.new("RGBA", (1024, 1024), (255, 255, 255, 255))
    im: Image.Image
    if mode == "P":
        im = base.convert("P")
    elif mode == "I;16":
        im = Image.new("I;16", (1024, 1024), 65535)
    else:
        im = base.convert(mode)
    path = tmp_path / ("icon.jpg" if mode == "CMYK" else "icon.png")
    im.save(path)
    sources = AssetSources(icon=path, icon_foreground=None, icon_background="#102030",
                           icon_monochrome=None, splash_logo=None, background="#FFFFFF",
                           dark_background="#000000", supply_locales=())
    jobs = [j for j in plan_assets(sources, frozenset({"web"})) if j.path.suffix == ".png"]
    files = render_assets(jobs, sources)
    icon = Image.open(io.BytesIO(files[jobs[0].path])).convert("RGB")
    px = icon.getpixel((icon.width // 2, icon.height // 2))
    assert isinstance(px, tuple) and min(px) >= 250, (mode, px)  # white stays white


def test_jpeg_exif_orientation_and_dct_scaled_small_outputs(tmp_path: Path) -> None:
    im = Image.new("RGB", (1024, 1024), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 512, 1024))  # left half red as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise: the red half ends up on top
    path = tmp_path / "icon.jpg"
    im.save(path, exif=exif, quality=95)
    assert _close(_rgba_at(path, (512, 100)), (255, 0, 0, 255), 8)
    assert _close(_rgba_at(path, (512, 900)), (0, 0, 255, 255), 8)
    sources = AssetSources(icon=path, icon_foreground=None, icon_background="#FFFFFF",
                           icon_monochrome=None, splash_logo=None, background="#FFFFFF",
                           dark_background="#000000", supply_locales=())
    jobs = [j for j in plan_assets(sources, frozenset({"web"}))
            if j.path.name in ("favicon-16x16.png", "icon-512.png")]
    files = render_assets(jobs, sources)
    for job in jobs:
        out = Image.open(io.BytesIO(files[job.path])).convert("RGB")
        top = out.getpixel((out.width // 2, out.height // 8))
        bottom = out.getpixel((out.width // 2, out.height * 7 // 8))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 200 and top[2] < 60, (job.path, top)
        assert bottom[2] > 200 and bottom[0] < 60, (job.path, bottom)
