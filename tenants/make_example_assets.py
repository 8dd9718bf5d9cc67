"""Draw the example tenants' placeholder brand images under ``tenants/<folder>/assets/``.

Run from anywhere: ``python tenants/make_example_assets.py``. Paths are taken relative to this
file, not the working directory.

Why a script rather than committed binaries only: the images stay reviewable (the geometry is
code) and reproducible. The output is deterministic: only geometric shapes (no fonts, so no
dependence on installed fonts), no randomness, and PNGs written without time or text chunks
at a fixed compression level. Running it twice gives byte-identical files with the same
Pillow/zlib build.

Every brand gets four 1024x1024 RGBA images:

- ``icon.png``: the full icon, a rounded square in the brand colour with the emblem;
  the corners are transparent.
- ``icon-foreground.png``: the emblem alone on transparency, inside the Android adaptive-icon
  safe zone (the central 66/108 circle), to be laid over ``assets.icon_background``.
- ``icon-mono.png``: the same geometry as a flat white silhouette (Android 13 themed icon).
- ``splash-logo.png``: the emblem in brand colours on transparency, readable on a light or
  dark splash background.

Shapes are drawn at 4x and downsampled with LANCZOS for anti-aliasing (see ``downsample``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

Colour = tuple[int, int, int, int]
Point = tuple[float, float]

SIZE = 1024
SUPERSAMPLE = 4
CANVAS = SIZE * SUPERSAMPLE
COMPRESS_LEVEL = 9

# Android adaptive icons: 108 dp layers, of which the central 66 dp circle is never clipped.
SAFE_ZONE_RADIUS = SIZE * 33 / 108  # ~312.9 px
# Emblems are designed to fit the unit circle; this maps it to pixels on the 1024 canvas.
FOREGROUND_RADIUS = 290.0  # < SAFE_ZONE_RADIUS, with a little margin
ICON_RADIUS = 340.0
ICON_CORNER = 0.2237 * SIZE  # the iOS-like corner ratio; Android and web mask on their own

TRANSPARENT: Colour = (0, 0, 0, 0)
WHITE: Colour = (255, 255, 255, 255)

TENANTS_DIR = Path(__file__).resolve().parent


def hex_colour(value: str) -> Colour:
    """Parse ``#RRGGBB`` into an opaque RGBA tuple."""
    text = value.removeprefix("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16), 255)


@dataclass(frozen=True)
class Palette:
    """Colours an emblem is drawn with.

    ``cut`` punches holes and the gaps that keep overlapping parts apart: transparent on the
    emblem-only images, the tile colour on the full icon.
    """

    main: Colour
    accent: Colour
    cut: Colour


class Pen:
    """Draws in emblem units (the unit circle, y pointing down) onto a supersampled canvas."""

    def __init__(self, image: Image.Image, radius: float) -> None:
        # A plain Draw on RGBA replaces pixels rather than blending, so ``cut`` can erase.
        self._draw = ImageDraw.Draw(image)
        self._centre = image.width / 2
        self._scale = radius * SUPERSAMPLE

    def _xy(self, point: Point) -> Point:
        return (self._centre + point[0] * self._scale, self._centre + point[1] * self._scale)

    def _len(self, length: float) -> float:
        return length * self._scale

    def circle(self, centre: Point, radius: float, fill: Colour) -> None:
        x, y = self._xy(centre)
        r = self._len(radius)
        self._draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def polygon(self, points: Sequence[Point], fill: Colour) -> None:
        self._draw.polygon([self._xy(p) for p in points], fill=fill)

    def rounded_rect(
        self, box: tuple[float, float, float, float], radius: float, fill: Colour
    ) -> None:
        x0, y0 = self._xy((box[0], box[1]))
        x1, y1 = self._xy((box[2], box[3]))
        self._draw.rounded_rectangle((x0, y0, x1, y1), radius=self._len(radius), fill=fill)

    def stroke(self, points: Sequence[Point], width: float, fill: Colour) -> None:
        """A polyline with round caps and joints."""
        self._draw.line(
            [self._xy(p) for p in points], fill=fill, width=round(self._len(width)), joint="curve"
        )
        for p in (points[0], points[-1]):
            self.circle(p, width / 2, fill)

    def halo(self, points: Sequence[Point], gap: float, fill: Colour) -> None:
        """Fill a polygon grown by ``gap``: drawn before a shape, it separates it from others."""
        self.polygon(points, fill)
        self.stroke([*points, points[0]], 2 * gap, fill)


def polar(angle_deg: float, radius: float, centre: Point = (0.0, 0.0)) -> Point:
    a = math.radians(angle_deg)
    return (centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a))


def lens(
    start: Point, end: Point, half_width: float, fullness: float = 1.0, steps: int = 48
) -> list[Point]:
    """A pointed leaf/petal outline from ``start`` to ``end``.

    ``fullness`` < 1 gives rounder sides, > 1 a slimmer blade.
    """
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    side_a: list[Point] = []
    side_b: list[Point] = []
    for i in range(steps + 1):
        t = i / steps
        w = half_width * math.sin(math.pi * t) ** fullness
        bx, by = start[0] + dx * t, start[1] + dy * t
        side_a.append((bx + nx * w, by + ny * w))
        side_b.append((bx - nx * w, by - ny * w))
    return side_a + side_b[-2:0:-1]


def quad_bezier(p0: Point, p1: Point, p2: Point, steps: int = 32) -> list[Point]:
    out: list[Point] = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append(
            (
                u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
                u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
            )
        )
    return out


# --- emblems --------------------------------------------------------------------------------


def cloud_house(pen: Pen, pal: Palette) -> None:
    """Greentown / 云助钉: a cloud (the service) with a house cut out (the estates)."""
    dy = 0.06
    pen.rounded_rect((-0.82, 0.02 + dy, 0.82, 0.50 + dy), 0.24, pal.main)
    pen.circle((-0.45, 0.08 + dy), 0.30, pal.main)
    pen.circle((0.0, -0.18 + dy), 0.45, pal.main)
    pen.circle((0.45, 0.02 + dy), 0.36, pal.main)
    house = [
        (0.02, -0.24 + dy),
        (0.31, 0.03 + dy),
        (0.23, 0.03 + dy),
        (0.23, 0.36 + dy),
        (-0.19, 0.36 + dy),
        (-0.19, 0.03 + dy),
        (-0.27, 0.03 + dy),
    ]
    pen.polygon(house, pal.cut)
    pen.rounded_rect((-0.05, 0.16 + dy, 0.09, 0.36 + dy), 0.03, pal.accent)


def sun_sprout(pen: Pen, pal: Palette) -> None:
    """希望钉 (hope): a sprout rising in front of the morning sun, over a field."""
    horizon = (0.0, 0.34)
    gap = 0.045
    # the sun: an upper half disc and a few rays that keep clear of the leaves
    pen.polygon([polar(180 + 180 * i / 64, 0.42, horizon) for i in range(65)], pal.accent)
    for angle in (195, 222, 318, 345):
        pen.stroke([polar(angle, 0.55, horizon), polar(angle, 0.77, horizon)], 0.09, pal.accent)
    # the sprout, set apart from the sun by a gap
    stem = [(0.0, 0.40), (0.0, -0.16)]
    leaves = [lens((0.0, -0.10), (-0.44, -0.34), 0.13), lens((0.0, -0.18), (0.40, -0.58), 0.14)]
    pen.stroke(stem, 0.085 + 2 * gap, pal.cut)
    for leaf in leaves:
        pen.halo(leaf, gap, pal.cut)
    pen.stroke(stem, 0.085, pal.main)
    for leaf in leaves:
        pen.polygon(leaf, pal.main)
    # the field the sun rises over
    pen.rounded_rect((-0.74, 0.40, 0.74, 0.52), 0.06, pal.main)


def orchid(pen: Pen, pal: Palette) -> None:
    """蓝凌钉: an orchid with three sepals, two petals and a lip."""
    gap = 0.035
    c = (0.0, 0.08)  # optical centre: the lower sepals are shorter than the upper one
    sepals = [lens(c, polar(a, r, c), 0.20, 0.8) for a, r in ((-90, 0.92), (55, 0.80), (125, 0.80))]
    petals = [lens(c, polar(a, 0.66, c), 0.24, 0.6) for a in (-20, -160)]
    for shape in sepals:
        pen.polygon(shape, pal.main)
    for shape in petals:
        pen.halo(shape, gap, pal.cut)
        pen.polygon(shape, pal.accent)
    lip = (0.0, 0.12)
    pen.circle(lip, 0.24 + gap, pal.cut)
    pen.circle(lip, 0.24, pal.main)
    pen.circle(lip, 0.09, pal.cut)


def shield_check(pen: Pen, pal: Palette) -> None:
    """华信钉 (trust): a shield with a check mark cut through it."""
    top, shoulder, tip = -0.74, 0.02, 0.86
    half = 0.64
    outline: list[Point] = []
    outline += quad_bezier((0.0, top + 0.08), (half * 0.5, top - 0.04), (half, top + 0.02))
    outline += quad_bezier((half, top + 0.02), (half + 0.02, shoulder - 0.2), (half, shoulder))
    outline += quad_bezier((half, shoulder), (half * 0.75, tip - 0.22), (0.0, tip))
    right = outline[:]
    outline += [(-x, y) for x, y in reversed(right)]
    pen.polygon(outline, pal.main)
    # a gold inner band along the top edge
    band = quad_bezier((-0.46, -0.50), (0.0, -0.58), (0.46, -0.50), 16)
    pen.stroke(band, 0.09, pal.accent)
    pen.stroke([(-0.30, 0.02), (-0.07, 0.26), (0.33, -0.18)], 0.15, pal.cut)


def gear(pen: Pen, pal: Palette) -> None:
    """欧软钉 (manufacturing software): an eight-tooth gear with a hub."""
    teeth = 8
    body: list[Point] = []
    for i in range(teeth):
        centre = 360 * i / teeth - 90
        body += [
            polar(centre - 15, 0.66),
            polar(centre - 8.5, 0.89),
            polar(centre + 8.5, 0.89),
            polar(centre + 15, 0.66),
        ]
        # the body rim between teeth, sampled so it stays round
        body += [polar(centre + 15 + 15 * k / 4, 0.66) for k in range(1, 4)]
    pen.polygon(body, pal.main)
    pen.circle((0.0, 0.0), 0.36, pal.cut)
    pen.circle((0.0, 0.0), 0.18, pal.accent)


Emblem = Callable[[Pen, Palette], None]


@dataclass(frozen=True)
class Brand:
    folder: str
    emblem: Emblem
    tile: str  # the icon tile colour; equals ``assets.icon_background`` in brand.yaml
    on_tile: str  # emblem colour on the tile
    on_tile_accent: str
    splash: str  # emblem colours on a light/dark splash background
    splash_accent: str


BRANDS: tuple[Brand, ...] = (
    Brand("_greentown", cloud_house, "#0A7D5A", "#FFFFFF", "#F5A623", "#0A7D5A", "#F5A623"),
    Brand("xiwangding", sun_sprout, "#C2410C", "#FFFFFF", "#FFD54F", "#4D7C0F", "#F59E0B"),
    Brand("lanlingding", orchid, "#1E5BC6", "#FFFFFF", "#9FE3F0", "#1E5BC6", "#00A3BF"),
    Brand("huaxinding", shield_check, "#B3261E", "#FFFFFF", "#E0B54A", "#B3261E", "#C99A2E"),
    Brand("ouruanding", gear, "#37474F", "#FFFFFF", "#F57C00", "#546E7A", "#F57C00"),
)


# --- rendering ------------------------------------------------------------------------------


SNAP_TOLERANCE = 3  # levels out of 255: invisible, but it halves the PNG size


def snap_lut(levels: set[int]) -> list[int]:
    """A lookup table moving values within SNAP_TOLERANCE onto the nearest of ``levels``."""
    ordered = sorted(levels)
    lut: list[int] = []
    for value in range(256):
        nearest = min(ordered, key=lambda level: abs(level - value))
        lut.append(nearest if abs(nearest - value) <= SNAP_TOLERANCE else value)
    return lut


def downsample(image: Image.Image, colours: Sequence[Colour]) -> Image.Image:
    """Resize to the final size with LANCZOS, then settle its ringing onto the flat colours.

    The resize works in premultiplied alpha so the colour of transparent pixels does not
    bleed into edges. LANCZOS overshoots by a few levels for several pixels beside every edge;
    those near-copies of the flat colours cost a lot of PNG bytes and add nothing visible, so
    each channel is snapped back onto the drawing's own channel values.
    """
    small = image.convert("RGBa").resize((SIZE, SIZE), Image.Resampling.LANCZOS).convert("RGBA")
    bands = [
        band.point(snap_lut({colour[i] for colour in colours} | {0, 255}))
        for i, band in enumerate(small.split())
    ]
    snapped = Image.merge("RGBA", bands)
    # pixels that became fully transparent get a canonical (0, 0, 0, 0)
    visible = bands[3].point(lambda a: 255 if a else 0)
    return Image.composite(snapped, Image.new("RGBA", snapped.size, TRANSPARENT), visible)


def render(
    emblem: Emblem, palette: Palette, radius: float, tile: Colour | None = None
) -> Image.Image:
    canvas = Image.new("RGBA", (CANVAS, CANVAS), TRANSPARENT)
    if tile is not None:
        ImageDraw.Draw(canvas).rounded_rectangle(
            (0, 0, CANVAS - 1, CANVAS - 1), radius=round(ICON_CORNER * SUPERSAMPLE), fill=tile
        )
    emblem(Pen(canvas, radius), palette)
    return downsample(canvas, (palette.main, palette.accent, palette.cut))


def images_for(brand: Brand) -> dict[str, Image.Image]:
    tile = hex_colour(brand.tile)
    on_tile = Palette(hex_colour(brand.on_tile), hex_colour(brand.on_tile_accent), TRANSPARENT)
    return {
        "icon.png": render(
            brand.emblem, Palette(on_tile.main, on_tile.accent, tile), ICON_RADIUS, tile
        ),
        "icon-foreground.png": render(brand.emblem, on_tile, FOREGROUND_RADIUS),
        "icon-mono.png": render(
            brand.emblem, Palette(WHITE, WHITE, TRANSPARENT), FOREGROUND_RADIUS
        ),
        "splash-logo.png": render(
            brand.emblem,
            Palette(hex_colour(brand.splash), hex_colour(brand.splash_accent), TRANSPARENT),
            FOREGROUND_RADIUS,
        ),
    }


def outside_safe_zone(image: Image.Image) -> bool:
    """True if any visible pixel lies outside the adaptive-icon safe-zone circle."""
    mask = Image.new("L", image.size, 255)
    c, r = SIZE / 2, SAFE_ZONE_RADIUS
    ImageDraw.Draw(mask).ellipse((c - r, c - r, c + r, c + r), fill=0)
    return ImageChops.multiply(image.getchannel("A"), mask).getbbox() is not None


def save_png(image: Image.Image, path: Path) -> None:
    # No pnginfo: no tEXt/tIME chunks, so the bytes depend on the pixels only.
    image.save(path, format="PNG", optimize=False, compress_level=COMPRESS_LEVEL, pnginfo=None)


def main() -> None:
    for brand in BRANDS:
        out_dir = TENANTS_DIR / brand.folder / "assets"
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, image in images_for(brand).items():
            path = out_dir / name
            if name != "icon.png" and outside_safe_zone(image):
                raise SystemExit(f"{brand.folder}/{name}: the emblem leaves the safe zone")
            save_png(image, path)
            print(f"wrote {path.relative_to(TENANTS_DIR.parent).as_posix()}")


if __name__ == "__main__":
    main()
