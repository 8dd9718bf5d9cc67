"""The only module that touches pixels: decode sources, run :class:`AssetJob` ops, encode.

Why it is shaped this way:

- **One normalised decode per source content per process**, bounded: structure limits and a
  CPU budget before and while decoding, sources over :data:`MAX_WORKING_SIDE` reduced as
  they are decoded, the result cached by sha256 for every role, environment and the render
  after the check. Every source becomes 8-bit sRGB, either ``RGB`` (opaque) or
  premultiplied ``RGBa``, so resampling never drags dark fringes in from transparent pixels
  and each op sees one of two modes only. SVG sources are drawn by :mod:`.svg` at each
  output's size instead of being resampled.
- **Reduce, then LANCZOS.** Small outputs come from a cached box-reduced copy of the source
  (or a DCT-scaled JPEG decode) with at least a 3× LANCZOS step left, which Pillow documents
  as indistinguishable from a full LANCZOS pass and which costs a fraction of it. The choice
  depends only on the job and the source size, never on what else is in the batch, so the
  bytes do not depend on ``workers``.
- **Flat backdrops are composed, not resized.** A source that is one colour or a linear
  gradient outside its art (a splash screen) is resampled as a 1-px strip plus the art
  alone, with the same LANCZOS weights as a whole resize (:class:`_Backdrop`).
- **Equal render keys render once**, and the rest is spread over processes (Pillow work is
  CPU-bound; processes also keep decoder state apart). The parent works too. Each batch
  reuses freed image buffers instead of faulting fresh pages in (:func:`_reuse_freed_memory`).
- **Deterministic PNG**: one fixed filter and zlib-ng level, pinned versions, no
  text/time/ICC/pHYs chunks (:func:`_png`).
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import math
import multiprocessing
import os
import struct
import sys
import threading
import time
import warnings
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from PIL import (
    Image,
    ImageChops,
    ImageCms,
    ImageDraw,
    ImageFile,
    ImageOps,
    ImageStat,
    UnidentifiedImageError,
)
from zlib_ng import zlib_ng

from ixm_cli import colors
from ixm_cli.errors import Diagnostic, IxmError, display_path
from ixm_cli.interrupts import init_helper

from . import limits, svg
from .plan import (
    DARK_PLATE_CONTRAST,
    AssetJob,
    AssetSources,
    hex_rgb,
    plan_reference,
)

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP")
MAX_SOURCE_BYTES = 20 * 1024 * 1024
MAX_SOURCE_SIDE = 8192
MAX_SOURCE_PIXELS = MAX_SOURCE_SIDE * MAX_SOURCE_SIDE
"""Refused from the header alone: 64 Mpx RGBA is already 256 MiB once decoded."""
MAX_WORKING_SIDE = 2732
"""Sources larger than this are box-reduced by a power of two while they are decoded (JPEG
by DCT scaling, never decoded at full size). 2732 px is the largest output there is (the
iOS universal splash, and the 2732² splash source @capacitor/assets asks for), so such a
source is kept whole: an output is never drawn up from a reduced copy. (At 2048 px the
2732² splashes were decoded at 1366² and every splash output past that was an upscale:
the 2048×2732 PWA splash came out at 39 dB against a plain LANCZOS render, and the
blurred gradients took 3.5× the peer's bytes.) The usual 1024–2732 px sources are
untouched (same bytes as ever). A larger source costs its one full decode and then at
most 28.5 MiB (2732² RGBA), not 64–256 MiB per role for the whole render: four distinct
8192 px roles used to peak at 1.57 GiB."""
DECODE_BUDGET_SECONDS = 5.0
"""CPU time one decode may take before it is stopped. The structural bounds (``limits``)
refuse every slow file we know of in microseconds; this catches the ones we do not, while
a maximal honest source (8192 px, 20 MiB) decodes in about a second."""
DECODED_CACHE_BYTES = 32 * 1024 * 1024
"""Decoded working copies kept per process, least recently used dropped first: one of the
largest (2732 px RGBA, 28.5 MiB), two 2048 px ones (16 MiB), or eight 1024 px sources,
i.e. every role of a tenant plus its partner's, which every customer reuses and so stay
the most recently used. A fleet worker builds hundreds of tenants, so this, not the
tenants, bounds its memory: at 128 MiB two workers and the main process peaked at 580 MB
for 100 tenants, at 48 MiB at 362 MB and no slower, but 408 MB for 1000 tenants; at
32 MiB, 311 MB for 100 tenants. It sits beside the one full-size decode in progress
(256 MiB for 8192 px RGBA), so together they stay under the 600 MiB a worker may use."""

PNG_COMPRESS_LEVEL = 6
"""zlib-ng's default level; fixed, as the byte stream depends on it (and on the zlib-ng
version, pinned in pyproject.toml)."""

REDUCING_GAP = 3.0
MAX_REDUCE = 16
LANCZOS = Image.Resampling.LANCZOS
MIN_ART_EXTENT = 0.25
"""circle_fit never enlarges art as if it reached less than a quarter of the source edge from
the centre: a tiny mark stays a mark instead of being blown up into a blur."""
FILTER_MARGIN = 2.0
"""Output pixels kept free inside a circle_fit circle: anti-aliased edges and LANCZOS ringing
spread about that far, and the maskable safe zone must stay exact."""
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_SIXTEEN_BIT = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I"})


class SourceError(Exception):
    """A source file Pillow cannot or must not decode; ``kind`` says which, for ``checks``."""

    def __init__(self, kind: str, detail: str, hint: str = "") -> None:
        super().__init__(detail)
        # "unreadable" | "format" | "bomb" | "truncated" | "structure" | "budget" | "svg"
        self.kind = kind
        self.detail = detail
        self.hint = hint


@dataclass(frozen=True)
class Header:
    """What the file header says, before any pixel is decoded."""

    format: str
    width: int
    height: int
    mode: str
    rotated: bool = False
    """EXIF orientation turns it a quarter: the upright image is height × width."""


# --------------------------------------------------------------------------- decoding


class DecodeBudgetExceeded(Exception):
    """Raised from inside Pillow's read loop when one decode has used up its CPU time."""


class _Budgeted(io.BufferedReader):
    """A source file that refuses to be read further once this thread has spent
    ``budget`` seconds of CPU since it was opened.

    Pillow decodes by reading a block and handing it to the codec, over and over, so every
    block is a point where a decode that turned out slow can be stopped. Thread CPU time,
    not wall time: a busy machine must not refuse a good file, and a decode in one thread
    must not be charged for another's work. Signals (an alarm) were the alternative, but they
    reach only a process's main thread, and ``preview --watch`` builds from another one.
    """

    def __init__(self, path: Path, budget: float) -> None:
        super().__init__(io.FileIO(path, "rb"))
        self._deadline = time.thread_time() + budget

    def read(self, size: int | None = -1) -> bytes:
        if time.thread_time() > self._deadline:
            raise DecodeBudgetExceeded
        return super().read(size)


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Truncated files must fail and bomb warnings must be errors, whatever a caller set."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


@contextmanager
def _opened(path: Path) -> Iterator[Image.Image]:
    """The image with its header read, after every bound that needs no pixel decoded: the
    structure (progressive scans, PNG chunks), then the pixel count; the file stays open
    under the CPU budget (:data:`DECODE_BUDGET_SECONDS`) until the block ends."""
    with _strict_decoding():
        try:
            fh = _Budgeted(path, DECODE_BUDGET_SECONDS)
        except FileNotFoundError:
            raise SourceError("unreadable", "file not found") from None
        except OSError as exc:
            raise SourceError("unreadable", exc.strerror or str(exc)) from None
        with fh:
            # Before Pillow reads anything: it parses every chunk ahead of a PNG's pixels
            # while opening, and a flood of them is the attack.
            try:
                found = limits.excess(fh)
                if found is not None:
                    raise SourceError("structure", found.message, found.hint)
                im = Image.open(fh, formats=ALLOWED_FORMATS)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise SourceError("bomb", str(exc)) from None
            except UnidentifiedImageError:
                raise SourceError("format", "not a PNG, JPEG or WebP image") from None
            except DecodeBudgetExceeded:
                raise _over_budget() from None
            except (OSError, ValueError, SyntaxError, struct.error) as exc:
                raise SourceError("unreadable", str(exc) or type(exc).__name__) from None
            with im:
                w, h = im.size
                if w > MAX_SOURCE_SIDE or h > MAX_SOURCE_SIDE or w * h > MAX_SOURCE_PIXELS:
                    raise SourceError("bomb", f"declares {w}×{h} px")
                yield im


def _over_budget() -> SourceError:
    return SourceError(
        "budget",
        f"took more than {DECODE_BUDGET_SECONDS:g} s of CPU to decode and was stopped",
        "re-export it as a PNG or a baseline JPEG without metadata",
    )


def read_header(path: Path) -> Header:
    """Format, size and mode from the file header; nothing is decoded."""
    if svg.is_svg(path):
        side = svg.RASTER_SIDE
        return Header("SVG", side, side, "RGBA")
    with _opened(path) as im:
        rotated = _orientation(im) in (5, 6, 7, 8)
        return Header(str(im.format), im.size[0], im.size[1], im.mode, rotated)


def _orientation(im: Image.Image) -> int:
    """EXIF orientation of a JPEG or WebP (read with the header). A PNG's is ignored: Pillow
    decodes the whole image to find a PNG's eXIf chunk, and PNG exports never rotate."""
    if im.format not in ("JPEG", "WEBP"):
        return 1
    value = im.getexif().get(0x0112, 1)
    return value if isinstance(value, int) else 1


def verify_decodes(path: Path) -> None:
    """Decode every pixel once (truncated or corrupt data fails here); the result is kept
    for the render (:func:`working_copy`), so checking a source costs no second decode."""
    working_copy(path)


def _load(im: Image.Image) -> None:
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise SourceError("bomb", str(exc)) from None
    except DecodeBudgetExceeded:
        raise _over_budget() from None
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error, struct.error) as exc:
        raise SourceError("truncated", str(exc) or type(exc).__name__) from None


def decode(path: Path, reduce: int = 1) -> Image.Image:
    """The source as 8-bit sRGB ``RGB`` or premultiplied ``RGBa``, optionally decoded at
    1/``reduce`` scale (JPEG DCT scaling; 1, 2, 4 or 8)."""
    with _opened(path) as im:
        if reduce > 1 and im.format == "JPEG":
            im.draft(None, (max(1, im.size[0] // reduce), max(1, im.size[1] // reduce)))
        _load(im)
        return normalise(im)


def working_factor(size: tuple[int, int]) -> int:
    """The power of two a source of ``size`` is reduced by while it is decoded: 1 up to
    :data:`MAX_WORKING_SIDE`, so every usual source keeps its full resolution."""
    k = 1
    while max(size) > MAX_WORKING_SIDE * k:
        k *= 2
    return k


def content_digest(path: Path) -> str:
    """sha256 of the file: sources are cached by content, so one image used by two roles,
    two environments or two tenants is decoded once."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _DecodedCache:
    """Working copies by content digest, least recently used dropped first past
    :data:`DECODED_CACHE_BYTES`. Forked render workers inherit it, so the decode the checks
    paid for is reused by every process of the build."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: OrderedDict[str, Working] = OrderedDict()

    def get(self, key: str) -> Working | None:
        got = self._items.get(key)
        if got is not None:
            self._items.move_to_end(key)
        return got

    def put(self, key: str, value: Working) -> None:
        self._items[key] = value
        while len(self._items) > 1 and sum(_nbytes(w.image) for w in self._items.values()) > (
            self._limit
        ):
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


def _nbytes(im: Image.Image) -> int:
    return im.size[0] * im.size[1] * len(im.getbands())


_DECODED = _DecodedCache(DECODED_CACHE_BYTES)


@dataclass(frozen=True)
class Working:
    """A source decoded for the render: normalised, reduced ``factor``× while decoding."""

    image: Image.Image
    factor: int
    extent: float | None = None
    """:func:`_art_extent` measured on the full-size pixels while they existed (None when
    ``factor`` is 1: the image is full size); the reduced copy would round faint edges."""


def working_copy(path: Path) -> Working:
    """The normalised source (see :func:`working_factor` for its size), decoded once per
    content. Raster sources only."""
    key = content_digest(path)
    got = _DECODED.get(key)
    if got is None:
        got = _decode_working(path)
        _DECODED.put(key, got)
    return got


def _decode_working(path: Path) -> Working:
    with _opened(path) as im:
        k = working_factor(im.size)
        if k > 1 and im.format == "JPEG":
            # DCT scaling decodes straight to the reduced size: the full image never exists.
            im.draft(None, (max(1, im.size[0] // k), max(1, im.size[1] // k)))
            _load(im)
            small = normalise(im)
            return Working(small, k, _art_extent(small))
        _load(im)
        if k == 1:
            return Working(normalise(im), 1)
        return _normalise_reduced(im, k)


_STRIP_ROWS = 256
"""Rows normalised at a time when a large source is reduced while decoding: the
conversions' copies then cost a strip, not a second and third full image."""


def _normalise_reduced(im: Image.Image, k: int) -> Working:
    """``normalise(im)`` halved ``log2(k)`` times, and its art extent, without the full-size
    normalised copy.

    Every step of :func:`normalise` but the orientation is per pixel, and box reduction of
    strips whose height is a multiple of the factor is the reduction of the whole, so the
    result is the same bytes as reducing the whole (halving step by step, as
    :meth:`_Sources.variant` does); only whether alpha is kept is decided over the whole.
    The extent's binary mask is reduced strip by strip the same way.
    """
    if _orientation(im) != 1:
        im = ImageOps.exif_transpose(im)
    w, h = im.size
    m = min(w, h)
    left, top0 = (w - m) // 2, (h - m) // 2
    mask_k = _mask_factor(m)
    unit = max(k, mask_k)
    rows = unit * -(-_STRIP_ROWS // unit)
    out: Image.Image | None = None
    mask: Image.Image | None = None
    lowest = 255
    # Strips start on the centred square's top edge so the mask's boxes align with it.
    starts = sorted({*range(top0 % rows, h, rows), 0} - {h})
    for top, bottom in zip(starts, [*starts[1:], h], strict=True):
        strip = im.crop((0, top, w, bottom))
        strip.info = im.info
        part, low = _normalise(strip, keep_alpha=True)
        lowest = min(lowest, low)
        small = part
        for _ in range(k.bit_length() - 1):
            small = small.reduce(2)
        if out is None:
            out = Image.new(small.mode, (-(-w // k), -(-h // k)))
        out.paste(small, (0, top // k))
        if part.mode == "RGBa" and top0 <= top < top0 + m:
            lit = part.getchannel(3).crop((left, 0, left + m, min(bottom, top0 + m) - top))
            lit = lit.point(lambda v: 255 if v else 0)
            if mask is None:
                mask = Image.new("L", (-(-m // mask_k), -(-m // mask_k)))
            mask.paste(lit.reduce(mask_k) if mask_k > 1 else lit, (0, (top - top0) // mask_k))
    assert out is not None
    if out.mode == "RGBa" and lowest == 255:
        return Working(out.convert("RGB"), k, math.sqrt(0.5))
    extent = _extent_of_mask(mask) if mask is not None else math.sqrt(0.5)
    return Working(out, k, extent)


def normalise(im: Image.Image) -> Image.Image:
    """Any mode → 8-bit sRGB ``RGB`` or premultiplied ``RGBa``.

    16-bit grey is scaled (65535 → 255), not clipped as ``convert("L")`` would; palette
    transparency (tRNS) becomes alpha; an embedded ICC profile is honoured, and ignored when
    it is broken; EXIF orientation is applied.
    """
    if _orientation(im) != 1:
        im = ImageOps.exif_transpose(im)
    return _normalise(im, keep_alpha=False)[0]


def _normalise(im: Image.Image, *, keep_alpha: bool) -> tuple[Image.Image, int]:
    """:func:`normalise` without the orientation, and the lowest alpha (255: opaque).
    ``keep_alpha`` keeps an opaque alpha band (``RGBa``), for a caller deciding over strips."""
    icc = im.info.get("icc_profile")
    alpha: Image.Image | None = None
    mode = im.mode
    if mode in _SIXTEEN_BIT:
        im = im.convert("I").point(lambda v: v * (1 / 257) + 0.5).convert("L")
    elif mode == "1":
        im = im.convert("L")
    elif mode in ("P", "PA"):
        im = im.convert("RGBA")
    elif mode in ("LA", "La"):
        la = im.convert("LA")
        im, alpha = la.getchannel("L"), la.getchannel("A")
    elif mode == "RGBa":
        im = im.convert("RGBA")
    elif mode not in ("L", "RGB", "RGBA", "CMYK"):
        im = im.convert("RGBA")
    if isinstance(icc, bytes) and icc:
        im = _to_srgb(im, icc)
    if im.mode == "RGBA":
        alpha = im.getchannel("A")
        im = im.convert("RGB")
    elif im.mode != "RGB":
        im = im.convert("RGB")
    low = 255 if alpha is None else _min_value(alpha)
    if alpha is not None and (low < 255 or keep_alpha):
        im.putalpha(alpha)
        return im.convert("RGBa"), low
    return im, low


def _min_value(band: Image.Image) -> int:
    low = band.getextrema()[0]
    return low if isinstance(low, int) else int(low[0]) if isinstance(low, tuple) else int(low)


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            im, profile, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode=out_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im  # a broken or mismatched profile: the pixels are still usable as sRGB
    return converted if converted is not None else im


# --------------------------------------------------------------------------- source cache


class _Sources:
    """Decoded sources and their reduced copies, for one batch in one process.

    Keyed by file, not role, so one image serving two roles is decoded once; the full-size
    working copy comes from the per-process cache keyed by content (:func:`working_copy`).
    """

    def __init__(self, roles: Mapping[str, Path]) -> None:
        self._roles = dict(roles)
        self._variants: dict[tuple[Path, int], Image.Image] = {}
        self._headers: dict[Path, Header] = {}
        self._extent: dict[Path, float] = {}
        self._backdrops: dict[tuple[Path, int], _Backdrop | None] = {}
        self._drawings: dict[Path, svg.Drawing] = {}

    def path(self, role: str) -> Path:
        try:
            return self._roles[role]
        except KeyError:
            raise IxmError.single(
                f"assets.{role}", f"no source image for '{role}'",
                hint="set it under assets: in brand.yaml",
            ) from None

    def drawing(self, role: str) -> svg.Drawing | None:
        """The checked SVG behind ``role``, or None for a raster source."""
        path = self.path(role)
        if not svg.is_svg(path):
            return None
        if path not in self._drawings:
            self._drawings[path] = _guard(role, path, lambda: _load_drawing(path))
        return self._drawings[path]

    def floor(self, role: str) -> int:
        """The smallest reduction there is of this source: sources larger than
        :data:`MAX_WORKING_SIDE` exist only reduced."""
        return working_factor(self.size(role))

    def variant(self, role: str, k: int) -> Image.Image:
        """The source reduced ``k``× (k a power of two, at least :meth:`floor`), computed
        once: JPEG decodes straight to 1/2, 1/4 or 1/8 (DCT scaling); the working copy is
        the floor; anything else box-reduces the next larger copy."""
        path = self.path(role)
        got = self._variants.get((path, k))
        if got is None:
            drawing = self.drawing(role)
            if drawing is not None:
                side = svg.RASTER_SIDE
                got = _guard(role, path, lambda: drawing.render(
                    (0, 0, side, side), (max(1, side // k), max(1, side // k))))
                got = normalise(got)
            elif k <= self.floor(role):
                got = _guard(role, path, lambda: working_copy(path)).image
            elif self._header(role).format == "JPEG" and k <= 8:
                got = _guard(role, path, lambda: decode(path, k))
            else:
                got = self.variant(role, k // 2).reduce(2)
            self._variants[(path, k)] = got
        return got

    def size(self, role: str) -> tuple[int, int]:
        """Upright pixel size, from the header (no decode needed)."""
        header = self._header(role)
        return (header.height, header.width) if header.rotated else (header.width, header.height)

    def _header(self, role: str) -> Header:
        path = self.path(role)
        if path not in self._headers:
            self._headers[path] = _guard(role, path, lambda: read_header(path))
        return self._headers[path]

    def extent(self, role: str) -> float:
        """How far the art reaches from the centre, as a fraction of the source edge."""
        path = self.path(role)
        if path not in self._extent:
            floor = self.floor(role)
            known = None
            if floor > 1 and self.drawing(role) is None:
                known = _guard(role, path, lambda: working_copy(path)).extent
            self._extent[path] = (
                known if known is not None else _art_extent(self.variant(role, floor))
            )
        return self._extent[path]

    def backdrop(self, role: str, k: int) -> _Backdrop | None:
        """The flat backdrop of the ``k``× variant, if it has one (see :class:`_Backdrop`)."""
        key = (self.path(role), k)
        if key not in self._backdrops:
            self._backdrops[key] = _find_backdrop(self.variant(role, k))
        return self._backdrops[key]


def _load_drawing(path: Path) -> svg.Drawing:
    try:
        return svg.load(path)
    except svg.SvgError as exc:
        raise SourceError("svg", exc.message, exc.hint) from None


_T = TypeVar("_T")


def _guard(role: str, path: Path, fn: Callable[[], _T]) -> _T:
    """Turn a decode failure into the user-facing error (``check_sources`` normally ran first,
    but a file can change between the check and the render)."""
    try:
        return fn()
    except SourceError as exc:
        raise IxmError.single(
            f"assets.{role}",
            f"cannot use {display_path(path)}: {exc.detail}",
            hint=exc.hint or "run `ixm validate` for the full source checks",
        ) from None


# --------------------------------------------------------------------------- geometry


Box = tuple[float, float, float, float]


def _reduce_factor(scale: float) -> int:
    """Largest power-of-two pre-reduction that still leaves a ≥ 3× LANCZOS step."""
    k = 1
    while k * 2 <= MAX_REDUCE and scale * k * 2 * REDUCING_GAP <= 1:
        k *= 2
    return k


def _resample(src: _Sources, role: str, region: Box, out: tuple[int, int]) -> Image.Image:
    """``region`` (source pixel coordinates) resampled to ``out``; RGB or RGBa."""
    drawing = src.drawing(role)
    if drawing is not None:  # vector: drawn afresh at this size, never resampled
        return normalise(_guard(role, src.path(role), lambda: _draw(drawing, region, out)))
    x0, y0, x1, y1 = region
    scale = max(out[0] / (x1 - x0), out[1] / (y1 - y0))
    k = max(_reduce_factor(scale), src.floor(role))
    img = src.variant(role, k)
    box = (x0 / k, y0 / k, x1 / k, y1 / k)
    ibox = (round(box[0]), round(box[1]), round(box[2]), round(box[3]))
    if (
        all(abs(c - i) < 1e-9 for c, i in zip(box, ibox, strict=True))
        and (ibox[2] - ibox[0], ibox[3] - ibox[1]) == out
    ):
        return img.crop(ibox)  # no scaling: an exact crop, not a resample
    backdrop = src.backdrop(role, k)
    if backdrop is not None:
        return _resample_on_backdrop(img, backdrop, box, out)
    return img.resize(out, LANCZOS, box=box, reducing_gap=None)


BACKDROP_MIN_PIXELS = 512 * 512
"""Smaller sources resize faster than their backdrop is found."""
BACKDROP_MAX_ART = 0.5
"""A backdrop is used only when the art covers at most half of the source; past that the
saving no longer pays for the second resize."""
LANCZOS_SUPPORT = 3.0
"""Pillow's LANCZOS kernel radius, in source pixels at scale 1 (widened when shrinking)."""


@dataclass(frozen=True)
class _Backdrop:
    """A source that is one strip of pixels repeated across the image everywhere outside
    ``art`` (the box holding everything else): a solid colour or a linear gradient behind
    a centred logo, as splash screens are.

    LANCZOS is separable and its weights sum to one, so resampling a repeated strip gives
    the strip resampled along its own axis, repeated. A splash then costs a 1-D resize of
    the strip plus a 2-D resize of the art alone, instead of a 2-D resize of the whole
    screen (7× less CPU on the 2732² reference splashes). The backdrop pixels are exactly
    those of a whole resize; a few art pixels may differ by a level or two, where float
    rounding moves a LANCZOS window by a hair (measured ≥ 57 dB PSNR).
    """

    strip: Image.Image
    """1 px wide (``axis`` 0: every row is one colour) or 1 px high (``axis`` 1)."""
    axis: int
    art: tuple[int, int, int, int]


def _find_backdrop(img: Image.Image) -> _Backdrop | None:
    w, h = img.size
    if w * h < BACKDROP_MIN_PIXELS:
        return None
    best: _Backdrop | None = None
    for axis in (0, 1):
        strip = img.crop((0, 0, 1, h) if axis == 0 else (0, 0, w, 1))
        plain = strip.resize((w, h), Image.Resampling.NEAREST)
        art = ImageChops.difference(img, plain).getbbox(alpha_only=False)
        if art is None:
            art = (w // 2, h // 2, w // 2, h // 2)  # nothing but backdrop
        area = (art[2] - art[0]) * (art[3] - art[1])
        if area <= BACKDROP_MAX_ART * w * h and (
            best is None or area < _area(best.art)
        ):
            best = _Backdrop(strip, axis, art)
        if best is not None and _area(best.art) * 8 <= w * h:
            break  # small enough: checking the other axis costs more than it could save
    return best


def _area(box: tuple[int, int, int, int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def _touched(lo: int, hi: int, start: float, end: float, n: int) -> tuple[int, int]:
    """Output pixels (of ``n`` spanning source ``start``–``end``) whose LANCZOS window
    reaches source pixels ``lo``–``hi``; one extra pixel each side absorbs rounding."""
    scale = (end - start) / n
    reach = LANCZOS_SUPPORT * max(scale, 1.0) + 1
    first = math.floor((lo - reach - start) / scale - 0.5) - 1
    last = math.ceil((hi + reach - start) / scale - 0.5) + 2
    return max(0, first), min(n, last)


def _resample_on_backdrop(
    img: Image.Image, backdrop: _Backdrop, box: Box, out: tuple[int, int]
) -> Image.Image:
    """``img.resize(out, LANCZOS, box=box)``, composed from the backdrop and the art."""
    x0, y0, x1, y1 = box
    if backdrop.axis == 0:
        line = backdrop.strip.resize((1, out[1]), LANCZOS, box=(0, y0, 1, y1),
                                     reducing_gap=None)
    else:
        line = backdrop.strip.resize((out[0], 1), LANCZOS, box=(x0, 0, x1, 1),
                                     reducing_gap=None)
    canvas = line.resize(out, Image.Resampling.NEAREST)
    ax0, ay0, ax1, ay1 = backdrop.art
    if ax1 <= ax0 or ay1 <= ay0:
        return canvas
    ox0, ox1 = _touched(ax0, ax1, x0, x1, out[0])
    oy0, oy1 = _touched(ay0, ay1, y0, y1, out[1])
    if ox1 <= ox0 or oy1 <= oy0:
        return canvas
    sx, sy = (x1 - x0) / out[0], (y1 - y0) / out[1]
    # The same scale and the same output pixel centres as the whole resize, so the same
    # LANCZOS weights (but for float rounding in the window positions).
    art = img.resize((ox1 - ox0, oy1 - oy0), LANCZOS,
                     box=(x0 + ox0 * sx, y0 + oy0 * sy, x0 + ox1 * sx, y0 + oy1 * sy),
                     reducing_gap=None)
    canvas.paste(art, (ox0, oy0))
    return canvas
def _draw(drawing: svg.Drawing, region: Box, out: tuple[int, int]) -> Image.Image:
    try:
        return drawing.render(region, out)
    except svg.SvgError as exc:
        raise SourceError("svg", exc.message, exc.hint) from None


def _cover_region(size: tuple[int, int], out: tuple[int, int]) -> Box:
    sw, sh = size
    s = max(out[0] / sw, out[1] / sh)
    rw, rh = out[0] / s, out[1] / s
    return ((sw - rw) / 2, (sh - rh) / 2, (sw + rw) / 2, (sh + rh) / 2)


def _pad(canvas: int, box: float) -> int:
    """Whole-pixel margin that keeps the art exactly centred (equal on both sides)."""
    return int(math.floor((canvas - box) / 2 + 0.5))


def _place(src: _Sources, role: str, size: tuple[int, int], box: float) -> Image.Image:
    """The source's centred square, scaled to a ``box``-px square centred on the canvas;
    a box larger than the canvas is cropped by it. RGB or RGBa."""
    w, h = size
    sw, sh = src.size(role)
    m = min(sw, sh)
    sq = ((sw - m) / 2, (sh - m) / 2)
    px, py = _pad(w, box), _pad(h, box)
    bw, bh = w - 2 * px, h - 2 * py
    if bw <= 0 or bh <= 0:
        return Image.new("RGBa", size, (0, 0, 0, 0))
    if px >= 0 and py >= 0:
        art = _resample(src, role, (sq[0], sq[1], sq[0] + m, sq[1] + m), (bw, bh))
        if px == 0 and py == 0:
            return art
        canvas = Image.new("RGBa", size, (0, 0, 0, 0))
        canvas.paste(art if art.mode == "RGBa" else art.convert("RGBa"), (px, py))
        return canvas
    fx, fy = m / bw, m / bh
    region = (sq[0] - px * fx, sq[1] - py * fy, sq[0] + (w - px) * fx, sq[1] + (h - py) * fy)
    return _resample(src, role, region, size)


def _straight(img: Image.Image) -> Image.Image:
    return img.convert("RGBA") if img.mode == "RGBa" else img


def _rgba(img: Image.Image) -> Image.Image:
    return img if img.mode == "RGBA" else img.convert("RGBA")


def _circle_mask(size: tuple[int, int], box: Box) -> Image.Image:
    """An anti-aliased filled circle (4× supersampled), as an ``L`` mask."""
    ss = 4
    big = Image.new("L", (size[0] * ss, size[1] * ss), 0)
    x0, y0, x1, y1 = (c * ss for c in box)
    ImageDraw.Draw(big).ellipse((x0, y0, x1 - 1, y1 - 1), fill=255)
    return big.reduce(ss)


def _centred_circle(size: tuple[int, int], diameter: float) -> Box:
    cx, cy, r = size[0] / 2, size[1] / 2, diameter / 2
    return (cx - r, cy - r, cx + r, cy + r)


def _art_extent(img: Image.Image) -> float:
    """Radius of the smallest centred circle holding every non-transparent pixel of the
    source's centred square, as a fraction of that square's edge (conservative by ~1 %).

    Measured on a ≤ 512 px binary mask: a box reduction keeps any lit pixel lit, and a
    binary search with filled circles finds the radius without numpy.
    """
    w, h = img.size
    m = min(w, h)
    if img.mode != "RGBa":
        return math.sqrt(0.5)
    left, top = (w - m) // 2, (h - m) // 2
    alpha = img.getchannel(3).crop((left, top, left + m, top + m))
    mask = alpha.point(lambda v: 255 if v else 0)
    k = _mask_factor(m)
    if k > 1:
        mask = mask.reduce(k)
    return _extent_of_mask(mask)


def _mask_factor(m: int) -> int:
    k = 1
    while k * 2 <= MAX_REDUCE and m / (k * 2) >= 256:
        k *= 2
    return k


def _extent_of_mask(mask: Image.Image) -> float:
    if mask.getbbox() is None:
        return 0.0
    n = mask.size[0]
    c = n / 2
    lo, hi = 0.0, n * 0.75
    for _ in range(16):
        r = (lo + hi) / 2
        probe = mask.copy()
        ImageDraw.Draw(probe).ellipse((c - r, c - r, c + r, c + r), fill=0)
        if probe.getbbox() is None:
            hi = r
        else:
            lo = r
    return min((hi + 1.5) / n, math.sqrt(0.5))


def _mean_colour(art: Image.Image) -> tuple[float, float, float] | None:
    """Alpha-weighted mean colour of the art, or None when nothing is visible."""
    if art.mode != "RGBA":
        r, g, b = ImageStat.Stat(art.convert("RGB")).mean
        return (r, g, b)
    pr, pg, pb, pa = ImageStat.Stat(art.convert("RGBa")).mean
    if pa <= 0:
        return None
    return (pr * 255 / pa, pg * 255 / pa, pb * 255 / pa)


def _solid(size: tuple[int, int], colour: str) -> Image.Image:
    return Image.new("RGBA", size, (*hex_rgb(colour), 255))


# --------------------------------------------------------------------------- ops


def _is_colour(value: str) -> bool:
    return value.startswith("#")


def _under(src: _Sources, job: AssetJob, size: tuple[int, int]) -> Image.Image | None:
    """What lies under the art: the matte (opaque outputs), then the job's background."""
    opaque = job.mode in ("RGB", "L")
    base = _solid(size, job.matte) if opaque else None
    if job.background is None:
        return base
    if _is_colour(job.background):
        layer = _solid(size, job.background)
    else:
        region = _cover_region(src.size(job.background), size)
        layer = _rgba(_straight(_resample(src, job.background, region, size)))
    return layer if base is None else Image.alpha_composite(base, layer)


def _compose(src: _Sources, job: AssetJob) -> Image.Image:
    size = (job.width, job.height)
    if job.op == "cover":
        return _straight(_resample(src, job.source, _cover_region(src.size(job.source), size),
                                   size))
    if job.op in ("monochrome", "tinted"):
        art = _straight(_resample(src, job.source, _cover_region(src.size(job.source), size),
                                  size))
        alpha = _silhouette(art)
        if job.op == "tinted":
            return alpha  # white art on black, grayscale
        white = Image.new("L", size, 255)
        return Image.merge("RGBA", (white, white, white, alpha))
    if job.op in ("inset", "round", "flatten"):
        box = job.width * job.scale
        art = _straight(_place(src, job.source, size, box))
        if job.op == "round":
            pad = _pad(job.width, box)
            side = job.width - 2 * pad
            art = _rgba(art)
            art.putalpha(ImageChops.multiply(
                art.getchannel("A"), _circle_mask(size, (pad, pad, pad + side, pad + side))))
    elif job.op == "circle_fit":
        extent = max(src.extent(job.source), MIN_ART_EXTENT)
        radius = job.width * job.scale / 2 - FILTER_MARGIN
        box = radius / extent
        art = _straight(_place(src, job.source, size, box))
    else:
        raise ValueError(f"not an image op: {job.op}")
    layers = [layer for layer in (_under(src, job, size),) if layer is not None]
    if job.plate is not None and job.plate_scale > 0 and _wants_plate(job, art):
        plate = Image.new("RGBA", size, (*hex_rgb(job.plate), 0))
        plate.putalpha(_circle_mask(size, _centred_circle(size, job.plate_scale * job.width)))
        layers.append(plate)
    if not layers:
        return art  # nothing underneath: keep RGB art RGB, transparent art transparent
    result = layers[0]
    for layer in [*layers[1:], _rgba(art)]:
        result = Image.alpha_composite(result, layer)
    return result


def _wants_plate(job: AssetJob, art: Image.Image) -> bool:
    if job.plate_against is None:
        return True
    mean = _mean_colour(art)
    if mean is None:
        return False
    return colors.contrast_rgb(mean, hex_rgb(job.plate_against)) < DARK_PLATE_CONTRAST


def _silhouette(art: Image.Image) -> Image.Image:
    """The alpha of a themed-icon layer. An opaque source has no alpha to keep, so its
    luminance stands in: light art on dark as is, dark art on light inverted."""
    if art.mode == "RGBA":
        return art.getchannel("A")
    grey = art.convert("L")
    if ImageStat.Stat(grey).mean[0] > 127:
        return ImageChops.invert(grey)
    return grey


def _finish(img: Image.Image, job: AssetJob) -> Image.Image:
    if job.mode == "RGBA":
        return _rgba(img)
    if job.mode in ("RGB", "L"):
        if img.mode in ("RGBA", "LA"):
            img = Image.alpha_composite(_solid(img.size, job.matte), _rgba(img))
        return img.convert(job.mode)
    return img  # auto: RGB stays RGB, straight RGBA stays RGBA


_PNG_COLOUR_TYPE = {"L": 0, "RGB": 2, "RGBA": 6}
_PNG_UP = b"\x02"
"""PNG filter type 'Up': each byte minus the byte above it."""


def _png(img: Image.Image) -> bytes:
    """A PNG of ``img`` with only IHDR, IDAT and IEND: no time, text, ICC or pHYs chunk.

    Written here rather than by Pillow's PNG plug-in, which tries four filters on every
    row and keeps the best: on the reference workload that search cost more CPU than all
    the resampling. One fixed filter, 'Up', is applied to the whole image at once in C
    (``subtract_modulo`` against the image shifted down a row), then deflated by zlib-ng:
    the encode runs about 3× faster, and as 'Up' leaves flat and vertically repeated
    areas (backgrounds, splash gradients, icon plates) as runs of zeros, the files come
    out no larger (icons much smaller) than the adaptive filters with run-length deflate.
    """
    colour_type = _PNG_COLOUR_TYPE.get(img.mode)
    if colour_type is None:
        raise ValueError(f"no PNG encoding for mode {img.mode}")
    w, h = img.size
    # Cropping from row -1 shifts the image down a row and zero-fills the row above the
    # first, as the PNG spec wants (and is many times faster than ImageChops.offset).
    above = img.crop((0, -1, w, h - 1))
    delta = memoryview(ImageChops.subtract_modulo(img, above).tobytes())
    stride = len(delta) // h
    deflate = zlib_ng.compressobj(PNG_COMPRESS_LEVEL)
    # Each scanline is its filter type byte, then its filtered bytes.
    idat = [deflate.compress(_PNG_UP + delta[y * stride:(y + 1) * stride]) for y in range(h)]
    idat.append(deflate.flush())
    header = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _png_chunk(b"IHDR", header),
        _png_chunk(b"IDAT", b"".join(idat)),
        _png_chunk(b"IEND", b""),
    ))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _ico(src: _Sources, job: AssetJob) -> bytes:
    frames = []
    for px in sorted(set(job.sizes), reverse=True):
        size = (px, px)
        frame = _rgba(_straight(_resample(src, job.source,
                                          _cover_region(src.size(job.source), size), size)))
        frame.info = {}
        frames.append(frame)
    buf = io.BytesIO()
    frames[0].save(buf, "ICO", sizes=[f.size for f in frames], append_images=frames[1:],
                   bitmap_format="bmp")
    return buf.getvalue()


def render_job(job: AssetJob, src: _Sources) -> bytes:
    """The bytes of one output file."""
    if job.op == "text":
        return job.text.encode("utf-8")
    if job.op == "ico":
        return _ico(src, job)
    return _png(_finish(_compose(src, job), job))


# --------------------------------------------------------------------------- engine


_Outcome = tuple[list[bytes], list[Diagnostic]]


def _render_batch(jobs: Sequence[AssetJob], roles: Mapping[str, Path]) -> _Outcome:
    """Worker entry point; user errors travel back as diagnostics, so every batch's problems
    are reported together; bugs as exceptions."""
    src = _Sources(roles)
    try:
        with _reuse_freed_memory():
            return [render_job(job, src) for job in jobs], []
    except IxmError as exc:
        return [], list(exc.diagnostics)


_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_GLIBC_DEFAULT_THRESHOLD = 128 * 1024
_KEEP_MMAP_BELOW = 32 * 1024 * 1024
"""glibc's ceiling for M_MMAP_THRESHOLD on 64-bit; a 2732² RGBX image is 30 MB."""
_KEEP_FREE_TOP = 256 * 1024 * 1024
_malloc_lock = threading.Lock()
_malloc_depth = 0


def _load_mallopt() -> tuple[Callable[[int, int], int], Callable[[int], int]] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        mallopt, malloc_trim = libc.mallopt, libc.malloc_trim  # glibc only (not musl)
    except (OSError, AttributeError):  # pragma: no cover - no glibc
        return None
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    malloc_trim.argtypes, malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return mallopt, malloc_trim


_mallopt = _load_mallopt()


@contextmanager
def _reuse_freed_memory() -> Iterator[None]:
    """Let glibc keep freed image buffers for the next image instead of unmapping them.

    A render allocates and frees buffers of megabytes for every output (decoded rows,
    resized canvases, filtered scanlines, encoded bytes). By default glibc hands blocks
    that large straight back to the kernel, and each new one is faulted in again page by
    page: on the reference workload that was 1.6 GB of page faults, 35–40 % of all CPU.
    Inside this block they stay in the heap and are reused (faults drop ~7×); on the way
    out the defaults come back and the heap is trimmed, so a long-lived process does not
    keep the memory. Elsewhere than glibc, a no-op.
    """
    global _malloc_depth
    if _mallopt is None:
        yield
        return
    mallopt, malloc_trim = _mallopt
    with _malloc_lock:
        _malloc_depth += 1
        if _malloc_depth == 1:
            mallopt(_M_MMAP_THRESHOLD, _KEEP_MMAP_BELOW)
            mallopt(_M_TRIM_THRESHOLD, _KEEP_FREE_TOP)
    try:
        yield
    finally:
        with _malloc_lock:
            _malloc_depth -= 1
            if _malloc_depth == 0:
                mallopt(_M_TRIM_THRESHOLD, _GLIBC_DEFAULT_THRESHOLD)
                mallopt(_M_MMAP_THRESHOLD, _GLIBC_DEFAULT_THRESHOLD)
                malloc_trim(0)


def _job_cost(job: AssetJob, sizes: Mapping[str, tuple[int, int]]) -> float:
    """Rough CPU cost in 'encoded output pixels': encode + resample work."""
    if job.op == "text":
        return 1.0
    frames = job.sizes or (max(job.width, job.height),)
    out = sum(f * f for f in frames) if job.op == "ico" else job.width * job.height
    cost = out * (1.3 if job.mode != "RGB" else 1.0)
    for role in job.image_roles:
        sw, sh = sizes.get(role, (1024, 1024))
        scale = max(job.width / sw, job.height / sh)
        k = _reduce_factor(scale)
        cost += (sw * sh) / (k * k) * (0.2 if scale == 1 else 1.0)
    return cost


def _partition(
    units: Sequence[AssetJob], sizes: Mapping[str, tuple[int, int]],
    paths: Mapping[str, Path], bins: int,
) -> list[list[AssetJob]]:
    """Greedy longest-first packing that charges a source's decode to each bin using it,
    so jobs of one source tend to share a process (and its decode cache)."""
    loads = [0.0] * bins
    decoded: list[set[Path]] = [set() for _ in range(bins)]
    out: list[list[AssetJob]] = [[] for _ in range(bins)]
    costed = sorted(units, key=lambda j: (-_job_cost(j, sizes), str(j.path)))
    for job in costed:
        base = _job_cost(job, sizes)
        best, best_load = 0, math.inf
        for i in range(bins):
            extra = sum(
                sizes.get(r, (1024, 1024))[0] * sizes.get(r, (1024, 1024))[1] * 0.5
                for r in job.image_roles
                if r in paths and paths[r] not in decoded[i]
            )
            if loads[i] + base + extra < best_load:
                best, best_load = i, loads[i] + base + extra
        loads[best] = best_load
        decoded[best].update(paths[r] for r in job.image_roles if r in paths)
        out[best].append(job)
    return [b for b in out if b]


def _pool_context() -> Any:
    """Fork is fastest and shares nothing mutable here, but is only safe in a single-threaded
    Linux process; otherwise spawn."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def render_jobs(
    jobs: Sequence[AssetJob], roles: Mapping[str, Path], *, workers: int = 1
) -> dict[PurePosixPath, bytes]:
    """Render ``jobs`` from the images in ``roles`` (role → path); see module docstring."""
    unique: dict[tuple[object, ...], AssetJob] = {}
    for job in jobs:
        unique.setdefault(job.render_key, job)
    units = list(unique.values())
    bins = max(1, min(workers, len(units)))
    if bins == 1:
        batches = [units]
    else:
        sizes = _source_sizes(units, roles)
        batches = _partition(units, sizes, roles, bins)
    by_key: dict[tuple[object, ...], bytes] = {}
    diagnostics: list[Diagnostic] = []
    if len(batches) == 1:
        outcomes = [_render_batch(batches[0], roles)]
    else:
        # Workers die with this process (any start method): a killed build leaves none behind.
        with ProcessPoolExecutor(max_workers=len(batches) - 1, mp_context=_pool_context(),
                                 initializer=init_helper, initargs=(os.getpid(),)) as pool:
            futures: list[Future[_Outcome]] = [
                pool.submit(_render_batch, batch, dict(roles)) for batch in batches[1:]
            ]
            outcomes = [_render_batch(batches[0], roles)]
            outcomes += [f.result() for f in futures]
    for batch, (data, diags) in zip(batches, outcomes, strict=True):
        diagnostics += diags
        for job, blob in zip(batch, data, strict=False):
            by_key[job.render_key] = blob
    if diagnostics:
        unique_diags = {d.render(): d for d in diagnostics}
        raise IxmError([unique_diags[k] for k in sorted(unique_diags)])
    return {job.path: by_key[job.render_key] for job in sorted(jobs, key=lambda j: j.path)}


def _source_sizes(
    units: Sequence[AssetJob], roles: Mapping[str, Path]
) -> dict[str, tuple[int, int]]:
    sizes: dict[str, tuple[int, int]] = {}
    for role in sorted({r for j in units for r in j.image_roles}):
        if role in roles:
            try:
                header = read_header(roles[role])
            except SourceError:
                continue  # the render reports it with context
            sizes[role] = (header.width, header.height)
    return sizes


def render_assets(
    jobs: Sequence[AssetJob], sources: AssetSources, *, workers: int = 1
) -> dict[PurePosixPath, bytes]:
    """Every derived file (images and the descriptor files that describe them), keyed by
    path relative to ``dist/<tenant>/``. Same sources and jobs → identical bytes, whatever
    ``workers`` is.

    ``workers`` > 1 renders in that many processes (this one included): forked on Linux
    when this process has no other threads, spawned otherwise (then ``__main__`` must be
    import-safe, as for any ``multiprocessing`` use). Raises only :class:`IxmError` for a
    source that cannot be used.
    """
    return render_jobs(jobs, sources.image_roles(), workers=workers)


def render_reference_entry(entry: Mapping[str, object], sources_dir: Path) -> bytes:
    """One entry of bench/reference_workload.json, rendered from ``sources_dir``."""
    (job,) = plan_reference([entry])
    return render_job(job, _Sources({job.source: sources_dir / job.source}))


def render_reference(
    entries: Sequence[Mapping[str, object]], sources_dir: Path, *, workers: int = 1
) -> dict[PurePosixPath, bytes]:
    """The whole reference workload through the same engine as ``render_assets``."""
    jobs = plan_reference(entries)
    roles = {j.source: sources_dir / j.source for j in jobs}
    return render_jobs(jobs, roles, workers=workers)
