"""iOS: a SwiftUI shell with an XcodeGen project; InfoPlist.strings per locale."""

from __future__ import annotations

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    out = [Render("ios/template", ".", {"target_dir": "ios"})]
    for loc in brand.locales:
        out.append(Render("ios/locale", "ios/App", {"lproj": f"{loc.ios}.lproj", "locale": loc.tag}))
    return out


TARGET = Target(
    name="ios",
    platforms=frozenset({"ios"}),
    renders=renders,
    base=(("ios/base", "ios"),),
    override_dirs=("ios",),
)
