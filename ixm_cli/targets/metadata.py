"""Store metadata in fastlane's layout: supply (Google Play) and deliver (App Store)."""

from __future__ import annotations

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    out = []
    if "android" in platforms:
        for loc in brand.locales:
            variables = {"locale_dir": loc.supply, "locale": loc.tag}
            out.append(Render("metadata/supply", "metadata/android", variables))
    if "ios" in platforms:
        for loc in brand.locales:
            variables = {"locale_dir": loc.deliver, "locale": loc.tag}
            out.append(Render("metadata/deliver", "metadata/ios", variables))
    return out


TARGET = Target(
    name="metadata",
    platforms=frozenset({"android", "ios"}),
    renders=renders,
)
