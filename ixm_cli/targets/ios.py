"""iOS: a SwiftUI shell with an XcodeGen project; InfoPlist.strings per locale.

The base (``brand_templates/ios/base``: Swift sources, .gitignore) is copied verbatim;
``ios/template`` renders project.yml, Config/Tenant.xcconfig, App/Info.plist and the named
colours; ``ios/locale`` renders ``App/<lang>.lproj/InfoPlist.strings`` once per locale. The
asset catalog's images (AppIcon, SplashLogo) and its root Contents.json come from the assets
step, and App/tenant.json from the config target.
"""

from __future__ import annotations

import plistlib
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from ixm_cli import jsontext
from ixm_cli.assets.plan import IOS_ICON, SPLASH_LOGO_PT, AssetJob, AssetSources
from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target, bundled

APP = "ios/App"
IOS_ASSETS = PurePosixPath("ios/App/Assets.xcassets")


GENERATED_INFO_KEYS = frozenset({
    "CFBundleDevelopmentRegion", "CFBundleDisplayName", "CFBundleExecutable",
    "CFBundleIdentifier", "CFBundleInfoDictionaryVersion", "CFBundleLocalizations",
    "CFBundleName", "CFBundlePackageType", "CFBundleShortVersionString", "CFBundleVersion",
    "LSRequiresIPhoneOS", "NSAppTransportSecurity", "UIApplicationSceneManifest",
    "UILaunchScreen", "UISupportedInterfaceOrientations",
    "UISupportedInterfaceOrientations~ipad",
})
"""The Info.plist keys ios/template writes itself (a test keeps this list equal to them)."""


def _plist_values(values: dict[str, Any]) -> dict[str, Any]:
    try:
        plistlib.dumps(values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"not a property-list value ({exc})") from None
    return values


class Extensions(BaseModel):
    """``[extensions.ios]`` in ixm.toml: Info.plist keys and entitlements the vendor's app
    needs, added without overriding the generated files."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    info_plist: dict[str, Any] = {}
    entitlements: dict[str, Any] = {}

    @field_validator("info_plist")
    @classmethod
    def _info(cls, values: dict[str, Any]) -> dict[str, Any]:
        taken = sorted(GENERATED_INFO_KEYS & values.keys())
        if taken:
            raise ValueError(f"{', '.join(taken)} is written by ixm from brand.yaml; "
                             "remove it here")
        return _plist_values(values)

    @field_validator("entitlements")
    @classmethod
    def _entitlements(cls, values: dict[str, Any]) -> dict[str, Any]:
        return _plist_values(values)


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    # The validator refuses two locales with one language ID (en and en-US are both en):
    # each locale gets its own .lproj.
    out = [Render("template", ".", {"target_dir": "ios"})]
    for loc in brand.locales:
        out.append(Render("locale", APP, {"lproj": f"{loc.ios}.lproj", "locale": loc.tag}))
    return out


def assets(s: AssetSources, platforms: frozenset[str]) -> list[AssetJob]:
    """The asset catalog: AppIcon (light, dark, tinted) and the launch logo (§3.1)."""
    cat = IOS_ASSETS
    iconset = cat / "AppIcon.appiconset"
    size = f"{IOS_ICON}x{IOS_ICON}"
    jobs = [
        AssetJob(cat / "Contents.json", "text",
                 text=jsontext.dumps({"info": {"author": "xcode", "version": 1}})),
        AssetJob(iconset / "AppIcon.png", "flatten", IOS_ICON, IOS_ICON, "icon", mode="RGB",
                 background=s.flatten_colour, matte=s.flatten_colour),
    ]
    images: list[dict[str, object]] = [
        {"filename": "AppIcon.png", "idiom": "universal", "platform": "ios", "size": size}
    ]
    if s.icon_foreground is not None:
        jobs.append(AssetJob(iconset / "AppIcon-dark.png", "cover", IOS_ICON, IOS_ICON,
                             "icon_foreground"))
        images.append({
            "appearances": [{"appearance": "luminosity", "value": "dark"}],
            "filename": "AppIcon-dark.png", "idiom": "universal", "platform": "ios",
            "size": size,
        })
    if s.icon_monochrome is not None:
        jobs.append(AssetJob(iconset / "AppIcon-tinted.png", "tinted", IOS_ICON, IOS_ICON,
                             "icon_monochrome", mode="L", matte="#000000"))
        images.append({
            "appearances": [{"appearance": "luminosity", "value": "tinted"}],
            "filename": "AppIcon-tinted.png", "idiom": "universal", "platform": "ios",
            "size": size,
        })
    jobs.append(AssetJob(iconset / "Contents.json", "text", text=jsontext.dumps(
        {"images": images, "info": {"author": "xcode", "version": 1}})))

    imageset = cat / "SplashLogo.imageset"
    logo_images: list[dict[str, object]] = []
    for factor in (1, 2, 3):
        name = "splash-logo.png" if factor == 1 else f"splash-logo@{factor}x.png"
        px = SPLASH_LOGO_PT * factor
        jobs.append(AssetJob(imageset / name, "cover", px, px, s.logo_role))
        logo_images.append({"filename": name, "idiom": "universal", "scale": f"{factor}x"})
    jobs.append(AssetJob(imageset / "Contents.json", "text", text=jsontext.dumps(
        {"images": logo_images, "info": {"author": "xcode", "version": 1}})))
    return jobs


TARGET = Target(
    name="ios",
    platforms=frozenset({"ios"}),
    renders=renders,
    templates=bundled("ios"),
    base=(("base", "ios"),),
    assets=assets,
    overrides=(("ios", "ios"),),
    config_dir="ios/App",
    bundle=("ios", "metadata/ios"),
    extensions=Extensions,
)
