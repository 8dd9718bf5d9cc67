"""iOS: a SwiftUI shell with an XcodeGen project; InfoPlist.strings per locale.

The base (``brand_templates/ios/base``: Swift sources, .gitignore) is copied verbatim;
``ios/template`` renders project.yml, Config/Tenant.xcconfig, App/Info.plist and the named
colours; ``ios/locale`` renders ``App/<lang>.lproj/InfoPlist.strings`` once per locale. The
asset catalog's images (AppIcon, SplashLogo) and its root Contents.json come from the assets
step, and App/tenant.json from the config target.
"""

from __future__ import annotations

import plistlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from ixm_cli import jsontext
from ixm_cli.assets.plan import IOS_ICON, SPLASH_LOGO_PT, AssetJob, AssetSources
from ixm_cli.codegen import SWIFT_MODULES, swift_modules
from ixm_cli.manifest.brand import Brand
from ixm_cli.render import plist_document, plist_entries
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


ASSOCIATED_DOMAINS = "com.apple.developer.associated-domains"
APS_ENVIRONMENT = "aps-environment"
URL_TYPES = "CFBundleURLTypes"


def view(brand: Brand) -> dict[str, Any]:
    """The tenant's own entitlements and URL types; the templates merge them with the
    vendor base's (ixm.toml) through :func:`app_entitlements` and :func:`info_plist_extras`.

    ``aps-environment`` follows the build's environment: a prod build is signed for the App
    Store (production APNs), any other environment for development (sandbox APNs)."""
    entitlements: dict[str, Any] = {}
    if brand.links.domains:
        entitlements[ASSOCIATED_DOMAINS] = [f"applinks:{d}" for d in brand.links.domains]
    if brand.services.push:
        entitlements[APS_ENVIRONMENT] = "production" if brand.env is None else "development"
    url_types = []
    if brand.links.scheme:
        url_types.append({
            "CFBundleTypeRole": "Viewer",
            "CFBundleURLName": brand.ios_id,
            "CFBundleURLSchemes": [brand.links.scheme],
        })
    return {"entitlements": entitlements, "url_types": url_types}


def _merged_entitlements(b: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(b["extensions"]["ios"]["entitlements"])
    for key, value in b["ios"]["entitlements"].items():
        vendor = merged.get(key)
        # The base may associate its own domains (a shared login host): keep both lists.
        merged[key] = (vendor + [v for v in value if v not in vendor]
                       if isinstance(vendor, list) and isinstance(value, list) else value)
    return merged


def app_entitlements(b: Mapping[str, Any]) -> str:
    """App/App.entitlements: the base's entitlements and the tenant's, one plist."""
    return plist_document(_merged_entitlements(b))


def info_plist_extras(b: Mapping[str, Any]) -> str:
    """Info.plist entries beyond ixm's own: the base's keys, with the tenant's URL scheme
    added to any URL types the base declares (e.g. a sign-in SDK's callback scheme)."""
    extra = dict(b["extensions"]["ios"]["info_plist"])
    own = b["ios"]["url_types"]
    if own:
        vendor = extra.get(URL_TYPES)
        extra[URL_TYPES] = [*(vendor if isinstance(vendor, list) else []), *own]
    return plist_entries(extra)


def files(brand: Brand) -> dict[str, bytes | Path]:
    """GoogleService-Info.plist beside Info.plist: project.yml's App sources take it in as
    a resource, where Firebase looks for it in the app bundle. TenantModules.swift: the
    tenant's modules as Swift types, which the SwiftUI shell reads."""
    out: dict[str, bytes | Path] = {SWIFT_MODULES: swift_modules(brand).encode("utf-8")}
    f = brand.services.firebase_ios
    if f is not None:
        out[f"{APP}/GoogleService-Info.plist"] = f
    return out


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
    view=view,
    files=files,
    filters={"app_entitlements": app_entitlements, "info_plist_extras": info_plist_extras},
)
