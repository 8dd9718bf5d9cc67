"""Where the art sits in an icon layer: what launcher masks clip, what themed icons lose.

These are warnings about images that decode fine (``checks.py`` refuses the ones that do
not): the build still works, but the result is not what the designer drew.

- The adaptive foreground is drawn full-bleed on the 108 dp layer, and OEM masks keep only
  the centred 66 dp circle for sure (PLATFORM_SPEC §1.2): art beyond it is clipped under a
  circle mask. The PWA's maskable icon is fitted into its 40 % circle by ixm (``circle_fit``
  in ``raster.py``), so it shrinks rather than clips; the warning says so when it applies.
- The monochrome layer is used as a shape only (§1.3): several colours or no transparency
  mean detail that a themed icon cannot show.

Measured without numpy: a radial distance field (Pillow's ``radial_gradient``) masked by the
opaque pixels gives the farthest opaque pixel from the centre in one pass of C code.
"""

from __future__ import annotations

import functools
import math
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from .plan import MASKABLE_CIRCLE, SAFE_ZONE
from .raster import ALLOWED_FORMATS, SourceError, read_header

ADAPTIVE_RADIUS = SAFE_ZONE / 2
"""33/108 of the layer's edge: the radius of the circle no launcher mask clips."""
MASKABLE_RADIUS = MASKABLE_CIRCLE / 2
OPAQUE = 128
"""An alpha at least this high counts as art; fainter anti-aliasing and glows do not."""
TOLERANCE = 0.005
"""Half a percent of the edge: anti-aliased rims may cross the circle without harm."""
MEASURE_SIDE = 1024
"""Larger sources are measured at this size; a 4096 px image gives the same answer."""
MAX_MONO_COLOURS = 4
"""Distinct colours (3 bits a channel) a silhouette may have: its ink, and a few rims."""

_HALF_DIAGONAL = math.sqrt(0.5)
"""``radial_gradient`` is 255 at the corners: half the diagonal, in units of the edge."""


@dataclass(frozen=True)
class SafeZoneProblem:
    """A warning about one source image, in the designer's terms."""

    role: str
    message: str
    hint: str


def check_layers(
    foreground: Path | None, monochrome: Path | None
) -> list[SafeZoneProblem]:
    """Warnings for the adaptive/maskable foreground and the monochrome layer, if given.

    Images that cannot be decoded are skipped: ``checks.check_image`` reports them.
    """
    found: list[SafeZoneProblem] = []
    if foreground is not None:
        found += _foreground(foreground)
    if monochrome is not None:
        found += _monochrome(monochrome)
    return found


def _load(path: Path) -> Image.Image | None:
    """The image as RGBA (RGB when it has no transparency), or None when it cannot be used.

    Called only for files ``check_image`` passed (bounded size, decodes fully), so this skips
    ``raster.decode``'s colour management: colour profiles and EXIF rotation change neither
    how far the art reaches from the centre nor how many colours it has, and skipping them
    makes the measurement cost about one plain decode.
    """
    try:
        read_header(path)  # the size bounds, again: never decode what they refuse
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=ALLOWED_FORMATS) as im:
                im.load()
                clear = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
                    "transparency" in im.info
                )
                img = im.convert("RGBA" if clear else "RGB")
    except (SourceError, OSError, ValueError, SyntaxError, EOFError, zlib.error,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    side = min(img.size)
    if img.size != (side, side):
        left, top = (img.size[0] - side) // 2, (img.size[1] - side) // 2
        img = img.crop((left, top, left + side, top + side))
    if side > MEASURE_SIDE:
        img = img.resize((MEASURE_SIDE, MEASURE_SIDE), Image.Resampling.BOX)
    return img


def _alpha(img: Image.Image) -> Image.Image:
    """The alpha channel; an image without one is opaque everywhere."""
    if img.mode == "RGBA":
        return img.getchannel("A")
    return Image.new("L", img.size, 255)


def art_reach(img: Image.Image) -> float:
    """How far the farthest opaque pixel is from the centre, as a fraction of the edge
    (0.5 touches the middle of a side, about 0.71 a corner); 0 when nothing is opaque."""
    opaque = _alpha(img).point(lambda v: 255 if v >= OPAQUE else 0)
    reached = ImageChops.darker(_distance(img.size), opaque).getextrema()[1]
    assert isinstance(reached, int | float)
    return float(reached) / 255 * _HALF_DIAGONAL


@functools.lru_cache(maxsize=4)
def _distance(size: tuple[int, int]) -> Image.Image:
    """Distance from the centre at every pixel (255 at the corners); sources come in a few
    sizes, so the field is made once per size rather than once per image."""
    return Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)


def _foreground(path: Path) -> list[SafeZoneProblem]:
    img = _load(path)
    if img is None:
        return []
    reach = art_reach(img)
    if reach <= ADAPTIVE_RADIUS + TOLERANCE:
        return []
    side = 1024
    radius_px = math.floor(ADAPTIVE_RADIUS * side)
    message = (
        f"the art reaches {reach:.2f} of the width from the centre, "
        f"{reach / ADAPTIVE_RADIUS:.0%} of the adaptive-icon safe zone (a 66/108 circle, "
        f"radius {ADAPTIVE_RADIUS:.2f}); launchers with a round mask clip it"
    )
    if reach > MASKABLE_RADIUS + TOLERANCE:
        message += ", and the web app's maskable icon shrinks it to fit its 40% circle"
    hint = (
        f"scale the art down to {math.floor(ADAPTIVE_RADIUS / reach * 100)}% around the "
        f"centre: on a {side} px canvas keep it within {radius_px} px of the centre (an inset "
        f"of {side // 2 - radius_px} px from each edge); the background layer fills the rest"
    )
    return [SafeZoneProblem("icon_foreground", message, hint)]


def _monochrome(path: Path) -> list[SafeZoneProblem]:
    img = _load(path)
    if img is None:
        return []
    hint = "export one flat colour (white or black) on a transparent background"
    if img.mode != "RGBA":
        return [SafeZoneProblem(
            "icon_monochrome",
            "has no transparency; themed icons (Android 13, iOS 18 tinted) use only the "
            "shape, so ixm has to guess it from brightness",
            hint,
        )]
    small = img.resize((256, 256), Image.Resampling.NEAREST)
    colours: set[tuple[int, int, int]] = set()
    for _, pixel in small.getcolors(256 * 256) or []:
        assert isinstance(pixel, tuple)
        r, g, b, a = (int(c) for c in pixel)
        if a >= OPAQUE:
            colours.add((r >> 5, g >> 5, b >> 5))
    if len(colours) > MAX_MONO_COLOURS:
        return [SafeZoneProblem(
            "icon_monochrome",
            f"is drawn in {len(colours)} colours; themed icons (Android 13, iOS 18 tinted) "
            "keep only the shape, so detail drawn in colour disappears",
            hint + "; draw inner detail as holes in the shape",
        )]
    return []
