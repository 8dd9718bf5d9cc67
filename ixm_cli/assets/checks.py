"""Source image validation: refuse what the renderer cannot use, before any output is made.

Checks run cheapest first (file size from ``stat``, then the header, then the file's
structure: progressive scans, PNG chunks) so a 30000×30000 "decompression bomb", a 2 GB
file or a scan-padded JPEG is refused without decoding a pixel; only a file that passed
those bounds is decoded, fully and under a CPU budget, to catch truncation. That decode is
kept for the render, and the verdict is remembered by content, so a source used by several
roles, environments or tenants is checked and decoded once per process. SVG sources are
parsed and bounded by :mod:`.svg` instead. Every problem of every role is reported, so a
designer fixes all of them in one round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import svg
from .plan import AssetSources, normalise_hex
from .raster import (
    MAX_SOURCE_BYTES,
    MAX_SOURCE_SIDE,
    SourceError,
    content_digest,
    read_header,
    verify_decodes,
)

MIN_SIDE = 1024
"""Layers are drawn up to 1024 px (iOS marketing icon) and 1152 px (xxxhdpi splash)."""

_EXPORT_HINT = "export it as a PNG (preferred), JPEG, WebP or SVG"
SVG_ROLES = frozenset({"icon", "icon_foreground", "icon_monochrome", "splash_logo"})
"""Roles drawn as art on a canvas. A background image fills the layer edge to edge from a
photo-like source, which is what rasters are for."""


@dataclass(frozen=True)
class SourceProblem:
    """One thing wrong with one source, phrased for the person who made the image."""

    role: str
    message: str
    hint: str


def check_sources(sources: AssetSources) -> list[SourceProblem]:
    """All problems with the tenant's source images, in role order; empty when usable."""
    problems: list[SourceProblem] = []
    roles: list[tuple[str, Path | str | None]] = [
        ("icon", sources.icon),
        ("icon_foreground", sources.icon_foreground),
        ("icon_background", sources.icon_background),
        ("icon_monochrome", sources.icon_monochrome),
        ("splash_logo", sources.splash_logo),
    ]
    for role, value in roles:
        if isinstance(value, Path):
            problems += check_image(role, value)
        elif isinstance(value, str):
            problems += _check_colour(role, value)
    return problems


def _check_colour(role: str, value: str) -> list[SourceProblem]:
    try:
        normalise_hex(value)
    except ValueError:
        return [SourceProblem(
            role, f"'{value}' is neither a #RRGGBB colour nor an image path",
            "write a colour such as \"#0A7D5A\" or a path such as assets/icon-bg.png",
        )]
    return []


def check_image(role: str, path: Path) -> list[SourceProblem]:
    """Problems with one source image (see module docstring for the order)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return [SourceProblem(role, "file not found", "check the path in brand.yaml")]
    except OSError as exc:
        return [SourceProblem(role, f"cannot be read ({exc.strerror})",
                              "check the file's permissions")]
    if not path.is_file():
        return [SourceProblem(role, "is not a regular file", "point it at an image file")]
    if svg.is_svg(path) and role not in SVG_ROLES:
        return [SourceProblem(
            role, "is an SVG; a vector source is accepted for icon, icon_foreground, "
            "icon_monochrome and splash_logo only",
            "export the background as a PNG or JPEG, or write a colour such as \"#0A7D5A\"",
        )]
    limit = svg.MAX_BYTES if svg.is_svg(path) else MAX_SOURCE_BYTES
    if stat.st_size > limit:
        mib = stat.st_size / (1024 * 1024)
        return [SourceProblem(
            role, f"is {mib:.1f} MiB; at most {limit // (1024 * 1024)} MiB is allowed",
            "simplify the paths (Illustrator: Object > Path > Simplify) or export a PNG"
            if svg.is_svg(path) else
            "export it at 1024–4096 px; flat PNG art is rarely over 1 MiB",
        )]
    try:
        key = (svg.is_svg(path), content_digest(path))
    except OSError as exc:
        return [SourceProblem(role, f"cannot be read ({exc.strerror})",
                              "check the file's permissions")]
    verdict = _VERDICTS.get(key)
    if verdict is None:
        verdict = _check_svg(path) if svg.is_svg(path) else _check_raster(path)
        _VERDICTS[key] = verdict
    return [SourceProblem(role, message, hint) for message, hint in verdict]


_Verdict = tuple[tuple[str, str], ...]
_VERDICTS: dict[tuple[bool, str], _Verdict] = {}
"""(is SVG, sha256) → problems, for this process: validating 16 environments, or a build
after its check, decodes each source once. A verdict is a few strings; the decoded
pixels live in raster's bounded cache."""


def _check_svg(path: Path) -> _Verdict:
    try:
        svg.load(path).render((0, 0, svg.RASTER_SIDE, svg.RASTER_SIDE), (64, 64))
    except svg.SvgError as exc:
        return ((exc.message, exc.hint),)
    return ()


def _check_raster(path: Path) -> _Verdict:
    try:
        header = read_header(path)
    except SourceError as exc:
        return (_header_problem(path, exc),)

    problems: list[tuple[str, str]] = []
    w, h = header.width, header.height
    if w != h:
        problems.append((
            f"is {w}×{h} px; it must be square",
            f"put the art on a square canvas of at least {MIN_SIDE}×{MIN_SIDE} px",
        ))
    if min(w, h) < MIN_SIDE:
        problems.append((
            f"is {w}×{h} px; at least {MIN_SIDE}×{MIN_SIDE} is needed",
            f"export it at {MIN_SIDE}×{MIN_SIDE} px or larger (from the vector original), "
            "or use the SVG itself",
        ))
    try:
        verify_decodes(path)
    except SourceError as exc:
        if exc.kind in ("bomb", "budget", "structure"):
            problems.append(_header_problem(path, exc))
        else:
            problems.append((
                f"is truncated or corrupt and cannot be decoded ({exc.detail})",
                "export the image again; the file was probably cut short while copying",
            ))
    return tuple(problems)


def _header_problem(path: Path, exc: SourceError) -> tuple[str, str]:
    if exc.kind == "bomb":
        return (
            f"{_declared_size(exc.detail)}, more than the {MAX_SOURCE_SIDE}×{MAX_SOURCE_SIDE} "
            "px limit; refused without decoding",
            f"export it at 1024–{MAX_SOURCE_SIDE} px",
        )
    if exc.kind in ("structure", "budget"):
        return (exc.detail, exc.hint)
    if exc.kind == "format":
        what = _sniff(path)
        if what.startswith("an SVG"):
            return (f"is {what}", "rename it so its name ends in .svg")
        return (f"is {what}, not a PNG, JPEG, WebP or SVG image", _EXPORT_HINT)
    return (f"cannot be read as an image ({exc.detail})", _EXPORT_HINT)


def _declared_size(detail: str) -> str:
    if detail.startswith("declares"):
        return detail
    match = re.search(r"\((\d+) pixels\)", detail)  # Pillow's own bomb message
    if match:
        return f"declares {int(match.group(1)):,} pixels"
    return "declares too many pixels"


_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"GIF8", "a GIF image"),
    (0, b"BM", "a BMP image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"%PDF", "a PDF document"),
    (0, b"\x00\x00\x01\x00", "an ICO icon"),
    (0, b"8BPS", "a Photoshop document"),
    (4, b"ftypavif", "an AVIF image"),
    (4, b"ftypheic", "a HEIC image"),
    (4, b"ftypmif1", "a HEIF image"),
)


def _sniff(path: Path) -> str:
    """Name what the file is, so the message says more than 'unknown format'."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return "unreadable"
    for offset, magic, name in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "an SVG drawing, but its name does not end in .svg"
    if not head:
        return "an empty file"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "an unrecognised file"
    return "a text file"
