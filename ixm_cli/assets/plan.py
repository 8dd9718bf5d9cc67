"""Which derived image goes where, at which size, made by which operation — decided without I/O.

Planning is kept pure so the build can list, diff and test every output before a single pixel
is decoded, and so ``raster`` stays a small interpreter of :class:`AssetJob` records. Sizes
come from PLATFORM_SPEC.md (§0 density table, §1 launcher icons, §2.4 splash, §3.1 app icon,
§4.3 maskable safe zone, §4.4 favicons).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from ixm_cli import colors
from ixm_cli.errors import IxmError

Op = Literal[
    "cover", "inset", "round", "flatten", "circle_fit", "monochrome", "tinted", "ico", "text"
]
"""What a job does to its source.

- ``cover``: LANCZOS resize with a centred cover crop (sharp's ``fit=cover``).
- ``inset``: the source covers a centred square box ``scale`` × the canvas edge; the rest is
  transparent (or ``background`` when set).
- ``round``: ``inset`` with a circular alpha mask inscribed in the box.
- ``flatten``: ``inset`` onto ``background`` (a colour or an image role), then no alpha at all.
- ``circle_fit``: measures how far the art (non-transparent pixels) reaches from the centre
  and scales it so all of it lies inside a centred circle of diameter ``scale`` × the canvas
  edge; optional ``background`` and ``plate`` (a filled circle of that diameter behind the art).
- ``monochrome``: cover, then every pixel white and only the alpha kept (Android 13 themed icon).
- ``tinted``: ``monochrome`` flattened onto black as grayscale (iOS 18 tinted icon).
- ``ico``: a multi-size favicon from ``sizes`` cover renders.
- ``text``: a descriptor file whose bytes are ``text`` (XML, Contents.json).
"""

Mode = Literal["RGBA", "RGB", "L", "auto"]
"""Pixel format written; ``auto`` keeps alpha only when the source has any (reference ops)."""

DENSITIES: tuple[tuple[str, float], ...] = (
    ("ldpi", 0.75),
    ("mdpi", 1.0),
    ("hdpi", 1.5),
    ("xhdpi", 2.0),
    ("xxhdpi", 3.0),
    ("xxxhdpi", 4.0),
)
"""Android density buckets and their px-per-dp scale (PLATFORM_SPEC §0)."""

SPLASH_DENSITIES = DENSITIES[1:]
"""The Android 12 splash icon is shipped for mdpi…xxxhdpi; ldpi devices take the nearest."""

LEGACY_DP = 48
LEGACY_ART = 44 / 48
"""Legacy launcher art keeps the 2 dp keyline margin of Material's 44 dp legacy icon grid."""
LAYER_DP = 108
SAFE_ZONE = 66 / 108
"""The adaptive-icon safe zone (66 dp of a 108 dp layer) that OEM masks never clip."""
SPLASH_DP = 288
SPLASH_VISIBLE = 192 / 288
"""The Android 12 splash shows only a centred 192 dp circle of the 288 dp canvas."""
SPLASH_CIRCLE = SPLASH_VISIBLE * (66 / 72)
"""Splash art fits the 192 dp visible circle with the same margin the adaptive safe zone keeps
inside its 72 dp viewport, so the system mask never shaves anti-aliased edges."""
MASKABLE_CIRCLE = 0.8
"""W3C maskable safe zone: a centred circle of radius 40 % (diameter 80 %) of the icon."""
DARK_PLATE_CONTRAST = 3.0
"""WCAG 1.4.11 non-text contrast: below this the dark splash logo gets a light plate."""
FAVICON_SIZES = (16, 32, 48)
WEB_ICON_SIZES = (192, 512)
"""Chrome's install criteria need a 192 and a 512 px icon (PLATFORM_SPEC §4.2)."""
IOS_ICON = 1024
PLAY_ICON = 512
APPLE_TOUCH = 180
SPLASH_LOGO_PT = 200

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class AssetSources:
    """The tenant's source images and brand colours, as resolved from the manifest.

    Paths are absolute; colours are ``#RRGGBB``. ``icon_background`` is either a colour or an
    image path: the type tells which.
    """

    icon: Path
    icon_foreground: Path | None = None
    icon_background: Path | str = "#FFFFFF"
    icon_monochrome: Path | None = None
    splash_logo: Path | None = None
    background: str = "#FFFFFF"
    dark_background: str = "#121212"
    supply_locales: tuple[str, ...] = ()
    """Google Play listing folders, for the store icon of each."""
    push: bool = False
    """Push is on: Android gets a notification icon (a silhouette of ``icon_monochrome``)."""

    def image_roles(self) -> dict[str, Path]:
        """Role name → image path for every image source present."""
        roles: dict[str, Path] = {"icon": self.icon}
        if self.icon_foreground is not None:
            roles["icon_foreground"] = self.icon_foreground
        if isinstance(self.icon_background, Path):
            roles["icon_background"] = self.icon_background
        if self.icon_monochrome is not None:
            roles["icon_monochrome"] = self.icon_monochrome
        if self.splash_logo is not None:
            roles["splash_logo"] = self.splash_logo
        return roles

    @property
    def background_is_image(self) -> bool:
        return isinstance(self.icon_background, Path)

    @property
    def flatten_colour(self) -> str:
        """The opaque colour transparent icon pixels become: the icon background colour, or
        the brand background when the icon background is an image (never black)."""
        if isinstance(self.icon_background, str):
            return brand_colour(self.icon_background, "assets.icon_background")
        return brand_colour(self.background, "colors.background")

    @property
    def logo_role(self) -> str:
        """The splash logo falls back to the foreground, then to the icon."""
        if self.splash_logo is not None:
            return "splash_logo"
        if self.icon_foreground is not None:
            return "icon_foreground"
        return "icon"


@dataclass(frozen=True)
class AssetJob:
    """One output file: where it goes and how ``raster`` makes it.

    ``path`` is relative to ``dist/<tenant>/``. Everything except ``path`` is the render key:
    two jobs equal but for the path produce identical bytes, so the renderer makes them once.
    """

    path: PurePosixPath
    op: Op
    width: int = 0
    height: int = 0
    source: str = ""
    """Role (or, for the benchmark, file name) of the image drawn; empty for ``text``."""
    mode: Mode = "RGBA"
    scale: float = 1.0
    """inset/round/flatten: art box edge ÷ canvas edge; circle_fit: circle diameter ÷ edge."""
    background: str | None = None
    """``#RRGGBB`` filled under the art, or an image role drawn (cover) under it."""
    matte: str = "#FFFFFF"
    """Opaque colour under everything when the output has no alpha."""
    plate: str | None = None
    """circle_fit: colour of a filled circle (diameter ``scale``) behind the art."""
    plate_scale: float = 0.0
    """circle_fit: the plate's diameter ÷ canvas edge."""
    plate_against: str | None = None
    """When set, the plate is drawn only if the art's mean colour has contrast below
    ``DARK_PLATE_CONTRAST`` against this colour (dark-mode splash)."""
    sizes: tuple[int, ...] = ()
    """ico: the square frame sizes."""
    text: str = field(default="", repr=False)
    """text: the file's content (UTF-8, LF newlines)."""

    @property
    def render_key(self) -> tuple[object, ...]:
        """Everything that determines the bytes: equal keys, equal files."""
        return (
            self.op,
            self.width,
            self.height,
            self.source,
            self.mode,
            self.scale,
            self.background,
            self.matte,
            self.plate,
            self.plate_scale,
            self.plate_against,
            self.sizes,
            self.text,
        )

    @property
    def image_roles(self) -> tuple[str, ...]:
        """Image roles the job reads (the art, and an image background if any)."""
        roles = [self.source] if self.source else []
        if self.background is not None and not _HEX.match(self.background):
            roles.append(self.background)
        return tuple(roles)


def normalise_hex(colour: str) -> str:
    """``#rgb``/``#rrggbb`` → ``#RRGGBB`` (Android and CSS accept either case; one spelling
    keeps outputs byte-stable); ValueError for anything else."""
    c = colour.strip()
    if not colors.is_color(c):
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return colors.normalise(c)


def brand_colour(colour: str, field: str) -> str:
    """``normalise_hex`` for a manifest value: a bad one is the user's to fix (IxmError)."""
    try:
        return normalise_hex(colour)
    except ValueError:
        raise IxmError.single(
            field, f"'{colour}' is not a #RRGGBB colour", hint='write it as "#0A7D5A"'
        ) from None


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return colors.rgb(normalise_hex(colour))


def dp_px(dp: float, scale: float) -> int:
    return int(math.floor(dp * scale + 0.5))


# --------------------------------------------------------------------------- benchmark


def plan_reference(entries: Sequence[Mapping[str, object]]) -> list[AssetJob]:
    """Translate the @capacitor/assets reference workload (bench/reference_workload.json)
    into jobs, so the benchmark exercises exactly the engine the build uses.

    Its ``legacy`` (cover to (w-16)² plus an 8 px transparent border) is our ``inset``;
    ``round`` is ``cover`` plus a circular mask; ``flatten`` is onto white, RGB.
    """
    jobs: list[AssetJob] = []
    for e in entries:
        path = PurePosixPath(str(e["path"]))
        w, h = _int(e["width"]), _int(e["height"])
        src, op = str(e["source"]), str(e["op"])
        if op == "cover":
            jobs.append(AssetJob(path, "cover", w, h, src, mode="auto"))
        elif op == "legacy":
            jobs.append(AssetJob(path, "inset", w, h, src, scale=(w - 16) / w))
        elif op == "round":
            jobs.append(AssetJob(path, "round", w, h, src))
        elif op == "flatten":
            jobs.append(AssetJob(path, "flatten", w, h, src, mode="RGB",
                                 background="#FFFFFF", matte="#FFFFFF"))
        else:
            raise ValueError(f"unknown reference op {op!r} for {path}")
    return jobs


def _int(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer, got {v!r}")
    return v
