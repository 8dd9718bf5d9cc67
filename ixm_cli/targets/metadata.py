"""Store metadata in fastlane's layout: supply (Google Play) and deliver (App Store)."""

from __future__ import annotations

from pathlib import PurePosixPath

from ixm_cli.assets.plan import PLAY_ICON, AssetJob, AssetSources
from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target, bundled


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    out = []
    if "android" in platforms:
        for loc in brand.locales:
            variables = {"locale_dir": loc.supply, "locale": loc.tag}
            out.append(Render("supply", "metadata/android", variables))
    if "ios" in platforms:
        for loc in brand.locales:
            variables = {"locale_dir": loc.deliver, "locale": loc.tag}
            out.append(Render("deliver", "metadata/ios", variables))
    return out


def assets(s: AssetSources, platforms: frozenset[str]) -> list[AssetJob]:
    """The 512 px Play Store icon of each supply listing (only when Android is built)."""
    if "android" not in platforms:
        return []
    return [
        AssetJob(PurePosixPath("metadata/android") / loc / "images" / "icon.png", "flatten",
                 PLAY_ICON, PLAY_ICON, "icon", mode="RGB", background=s.flatten_colour,
                 matte=s.flatten_colour)
        for loc in sorted(set(s.supply_locales))
    ]


TARGET = Target(
    name="metadata",
    platforms=frozenset({"android", "ios"}),
    renders=renders,
    templates=bundled("metadata"),
    assets=assets,
    overrides=(("metadata/android", "android"), ("metadata/ios", "ios")),
)
