"""check_sources: bad images are refused up front, all problems at once, bombs undecoded."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import pytest
from assets_fixtures import icon_image
from PIL import Image

from ixm_cli.assets import (
    AssetSources,
    SourceProblem,
    check_sources,
    raster,
    render_assets,
)
from ixm_cli.assets.checks import check_image
from ixm_cli.errors import IxmError
from ixm_cli.targets import plan_assets


def _sources(icon: Path, **extra: object) -> AssetSources:
    fields: dict[str, object] = {
        "icon": icon, "icon_foreground": None, "icon_background": "#FFFFFF",
        "icon_monochrome": None, "splash_logo": None, "background": "#FFFFFF",
        "dark_background": "#000000", "supply_locales": (),
    }
    fields.update(extra)
    return AssetSources(**fields)  # type: ignore[arg-type]


def _one(problems: list[SourceProblem], needle: str) -> SourceProblem:
    hits = [p for p in problems if needle in p.message]
    assert len(hits) == 1, problems
    return hits[0]


def _png_claiming(path: Path, width: int, height: int) -> None:
    """A 1×1 PNG whose IHDR is patched to claim ``width``×``height`` (CRC fixed up)."""
    Image.new("RGB", (1, 1)).save(path)
    data = bytearray(path.read_bytes())
    assert data[12:16] == b"IHDR"
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    path.write_bytes(bytes(data))


def test_good_sources_pass(tmp_path: Path) -> None:
    icon_image().save(tmp_path / "icon.png")
    Image.new("RGB", (1024, 1024), (9, 9, 9)).save(tmp_path / "bg.jpg")
    Image.new("RGBA", (1024, 1024)).save(tmp_path / "fg.webp", lossless=True)
    assert check_sources(_sources(tmp_path / "icon.png", icon_foreground=tmp_path / "fg.webp",
                                  icon_background=tmp_path / "bg.jpg")) == []


def test_too_small_and_not_square_are_both_reported(tmp_path: Path) -> None:
    Image.new("RGB", (512, 300)).save(tmp_path / "icon.png")
    problems = check_sources(_sources(tmp_path / "icon.png"))
    assert {p.role for p in problems} == {"icon"}
    _one(problems, "must be square")
    small = _one(problems, "at least 1024×1024")
    assert small.message.startswith("is 512×300 px")
    assert small.hint


def test_512_square_is_too_small(tmp_path: Path) -> None:
    Image.new("RGB", (512, 512)).save(tmp_path / "icon.png")
    problem = _one(check_sources(_sources(tmp_path / "icon.png")), "at least")
    assert problem.message == "is 512×512 px; at least 1024×1024 is needed"


def test_truncated_file_is_detected(tmp_path: Path) -> None:
    im = Image.effect_noise((1024, 1024), 64).convert("RGB")
    full = tmp_path / "full.png"
    im.save(full)
    cut = tmp_path / "icon.png"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    _one(check_sources(_sources(cut)), "truncated")


def test_text_file_is_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "icon.png").write_text("hello, I am not a picture\n")
    problem = _one(check_sources(_sources(tmp_path / "icon.png")), "not a PNG, JPEG, WebP or SVG")
    assert "text file" in problem.message


def test_other_formats_are_named(tmp_path: Path) -> None:
    Image.new("RGB", (1024, 1024)).save(tmp_path / "icon.gif")
    problem = _one(check_sources(_sources(tmp_path / "icon.gif")), "not a PNG")
    assert problem.message.startswith("is a GIF image")
    (tmp_path / "logo.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (problem,) = check_image("splash_logo", tmp_path / "logo.png")
    assert problem.message == "is an SVG drawing, but its name does not end in .svg"
    assert problem.hint == "rename it so its name ends in .svg"


@pytest.mark.parametrize("side", [30000, 9000])
def test_decompression_bomb_is_refused_from_the_header(
    side: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "icon.png"
    _png_claiming(path, side, side)
    decoded: list[object] = []
    real_load = raster._load
    monkeypatch.setattr(raster, "_load", lambda im: decoded.append(im) or real_load(im))
    start = time.perf_counter()
    problems = check_sources(_sources(path))
    assert time.perf_counter() - start < 1.0
    problem = _one(problems, "refused without decoding")
    assert "8192×8192" in problem.message
    assert decoded == []  # never reached the decoder
    assert len(problems) == 1


def test_oversized_file_is_refused_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "icon.png"
    icon_image().save(path)
    with path.open("r+b") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: fast to make
    problem = _one(check_sources(_sources(path)), "MiB")
    assert problem.message.startswith("is 21.0 MiB; at most 20 MiB")


def test_missing_file_and_bad_colour_and_every_role(tmp_path: Path) -> None:
    icon_image().save(tmp_path / "icon.png")
    Image.new("RGB", (100, 100)).save(tmp_path / "small.png")
    problems = check_sources(_sources(
        tmp_path / "icon.png", icon_foreground=tmp_path / "missing.png",
        icon_background="teal", icon_monochrome=tmp_path / "small.png",
        splash_logo=tmp_path / "small.png",
    ))
    roles = [p.role for p in problems]
    assert roles == ["icon_foreground", "icon_background", "icon_monochrome", "splash_logo"]
    assert problems[0].message == "file not found"


def test_render_raises_ixm_error_for_an_unusable_source(tmp_path: Path) -> None:
    (tmp_path / "icon.png").write_text("nope")
    sources = _sources(tmp_path / "icon.png")
    jobs = plan_assets(sources, frozenset({"web"}))
    for workers in (1, 2):
        with pytest.raises(IxmError) as info:
            render_assets(jobs, sources, workers=workers)
        assert info.value.diagnostics[0].field == "assets.icon"
