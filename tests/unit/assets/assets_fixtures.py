"""Helpers shared by the asset tests (a uniquely named module, so it never clashes with
another directory's conftest when imported)."""

from __future__ import annotations

from pathlib import PurePosixPath

from PIL import Image, ImageDraw

SIDE = 1024
ICON_BG = "#0A7D5A"
LIGHT_BG = "#FFFFFF"
DARK_BG = "#121212"
ALL_PLATFORMS = frozenset({"android", "ios", "web", "metadata"})


def icon_image(side: int = SIDE) -> Image.Image:
    """A rounded square (transparent corners, like many exported icons) with a white disc."""
    im = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=(208, 48, 80, 255))
    r = side // 4
    d.ellipse((side // 2 - r, side // 2 - r, side // 2 + r, side // 2 + r),
              fill=(255, 255, 255, 255))
    return im


def disc_image(colour: tuple[int, int, int], radius_frac: float, side: int = SIDE) -> Image.Image:
    """A centred opaque disc on transparency: art inside the adaptive safe zone when the
    radius is below 33/108 of the side."""
    im = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    r = side * radius_frac
    c = side / 2
    ImageDraw.Draw(im).ellipse((c - r, c - r, c + r, c + r), fill=(*colour, 255))
    return im


def gradient_image(side: int = SIDE) -> Image.Image:
    im = Image.new("RGB", (side, side))
    im.putdata([(x * 255 // side, y * 255 // side, 128) for y in range(side) for x in range(side)])
    return im


Rendered = dict[PurePosixPath, bytes]
