"""iOS: a SwiftUI shell with an XcodeGen project; InfoPlist.strings per locale.

The base (``brand_templates/ios/base``: Swift sources, .gitignore) is copied verbatim;
``ios/template`` renders project.yml, Config/Tenant.xcconfig, App/Info.plist and the named
colours; ``ios/locale`` renders ``App/<lang>.lproj/InfoPlist.strings`` once per locale. The
asset catalog's images (AppIcon, SplashLogo) and its root Contents.json come from the assets
step, and App/tenant.json from the config target.
"""

from __future__ import annotations

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target

APP = "ios/App"


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    # The validator refuses two locales with one language ID (en and en-US are both en):
    # each locale gets its own .lproj.
    out = [Render("ios/template", ".", {"target_dir": "ios"})]
    for loc in brand.locales:
        out.append(Render("ios/locale", APP, {"lproj": f"{loc.ios}.lproj", "locale": loc.tag}))
    return out


TARGET = Target(
    name="ios",
    platforms=frozenset({"ios"}),
    renders=renders,
    base=(("ios/base", "ios"),),
)
