"""A target outside ixm, as a third party would write one: a Linux desktop launcher.

It ships its own templates, plans one image per icon size through ixm's raster engine and
is opt-in (``default=False``): ``ixm build --platform desktop`` or ``platforms`` in ixm.toml.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path, PurePosixPath

from ixm_cli.assets.plan import AssetJob, AssetSources
from ixm_cli.manifest.brand import Brand
from ixm_cli.targets import Render, Target

ICON_SIZES = (64, 256)


def desktop_value(value: str) -> str:
    """A Desktop Entry string value: the spec's escapes, so a brand name cannot add keys."""
    out = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    out = out.replace("\r", "\\r")
    return "\\s" + out[1:] if out.startswith(" ") else out


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    return [Render("template", ".", {"target_dir": "desktop"})]


def assets(sources: AssetSources, platforms: frozenset[str]) -> list[AssetJob]:
    return [
        AssetJob(
            PurePosixPath(f"desktop/icons/hicolor/{px}x{px}/apps/ixm-app.png"),
            "cover", px, px, "icon",
        )
        for px in ICON_SIZES
    ]


TARGET = Target(
    name="desktop",
    platforms=frozenset({"desktop"}),
    renders=renders,
    templates=Path(str(resources.files(__name__) / "templates")),
    assets=assets,
    overrides=(("desktop", "desktop"),),
    config_dir="desktop/share",
    bundle=("desktop",),
    default=False,
    filters={"desktop_value": desktop_value},
)
