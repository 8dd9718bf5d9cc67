"""Android: a Gradle (Kotlin DSL) project; strings per locale in values-<qualifier>/.

Layers (see build.py): ``brand_templates/android/base`` is the unbranded platform project
(Gradle settings, MainActivity, network security config, the pre-Android-12 splash drawable);
``android/template`` renders app/build.gradle.kts, the manifest and ``res/values*`` for the
default locale; ``android/locale`` renders one ``values-<qualifier>/strings.xml`` per
qualifier of each extra locale (zh-Hans gets ``zh-rCN`` and ``b+zh+Hans``, he gets ``iw`` and
``he``: the table in data/locales.json, PLATFORM_SPEC §2.2 and U-11). The icon generator adds
mipmaps, ``values/ic_launcher_background.xml`` and the splash_icon drawables afterwards.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ixm_cli.assets.plan import (
    DENSITIES,
    LAYER_DP,
    LEGACY_ART,
    LEGACY_DP,
    SAFE_ZONE,
    SPLASH_CIRCLE,
    SPLASH_DENSITIES,
    SPLASH_DP,
    SPLASH_VISIBLE,
    AssetJob,
    AssetSources,
    brand_colour,
    dp_px,
)
from ixm_cli.codegen import KOTLIN_MODULES, KOTLIN_PUSH, kotlin_modules, kotlin_push
from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target, bundled

RES = "android/app/src/main/res"
ANDROID_RES = PurePosixPath(RES)


class GradlePlugin(BaseModel):
    """A Gradle plugin the vendor's app applies (e.g. com.google.gms.google-services)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$")
    version: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
    """Pinned in the root build.gradle.kts (apply false); None when the settings' plugin
    management already pins it."""


class Extensions(BaseModel):
    """``[extensions.android]`` in ixm.toml: what the base's Gradle files take."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    gradle_plugins: list[GradlePlugin] = []


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    out = [Render("template", ".", {"target_dir": "android"})]
    for loc in brand.locales[1:]:  # the default locale lives in values/
        for qualifier in loc.android:
            variables = {"qualifier": f"values-{qualifier}", "locale": loc.tag}
            out.append(Render("locale", RES, variables))
    return out


def _env_name(ref: str | None) -> str | None:
    """``env:NAME`` -> ``NAME``: templates get the variable's name, never a value."""
    return ref[len("env:") :] if ref is not None and ref.startswith("env:") else None


GOOGLE_SERVICES_PLUGIN = GradlePlugin(id="com.google.gms.google-services", version="4.4.2")
"""Applied when the tenant has a google-services.json: the plugin turns it into resources.
A vendor base that lists the plugin in ixm.toml pins its own version instead."""
NOTIFICATION_ICON = "ic_stat_notify"
NOTIFICATION_DP = 24
"""Status-bar icons are 24 dp (Material's system icon grid)."""


def view(brand: Brand) -> dict[str, Any]:
    """``signing``: the env variables app/build.gradle.kts reads at build time (no secrets);
    None when the manifest does not name a keystore, its password and a key alias.
    ``links``, ``firebase`` and ``push``: what the manifest, Gradle files and strings need
    for deep links, the google-services plugin and notifications."""
    return {
        "signing": _signing(brand),
        "links": {"domains": list(brand.links.domains), "scheme": brand.links.scheme},
        "firebase": brand.services.firebase_android is not None,
        "google_services_plugin": GOOGLE_SERVICES_PLUGIN.model_dump(mode="json"),
        "push": {
            "icon": NOTIFICATION_ICON,
            "channel": {loc.tag: _channel_name(brand, loc.tag) for loc in brand.locales},
        } if brand.services.push else None,
    }


def _channel_name(brand: Brand, tag: str) -> str:
    if brand.services.push_channel is not None:
        return brand.services.push_channel[tag]
    names = _channel_names()
    return names.get(tag) or names.get(tag.split("-")[0]) or names["en"]


@cache
def _channel_names() -> dict[str, str]:
    data = json.loads(resources.files("ixm_cli").joinpath("data/notification_channel.json")
                      .read_text("utf-8"))
    return dict(data["names"])


def _signing(brand: Brand) -> dict[str, Any] | None:
    s = brand.signing
    keystore, password = _env_name(s.android_keystore), _env_name(s.android_password)
    if keystore is None or password is None or s.android_key_alias is None:
        return None
    return {
        "keystore_env": keystore,
        "password_env": password,
        "key_password_env": _env_name(s.android_key_password),  # None: same as password
        "key_alias": s.android_key_alias,
    }


def files(brand: Brand) -> dict[str, bytes | Path]:
    """google-services.json where the Google Services Gradle plugin looks for it, and the
    tenant's modules and push channel as Kotlin (TenantModules.kt, TenantPush.kt), which
    the base's MainActivity reads."""
    out: dict[str, bytes | Path] = {
        KOTLIN_MODULES: kotlin_modules(brand).encode("utf-8"),
        KOTLIN_PUSH: kotlin_push(brand).encode("utf-8"),
    }
    f = brand.services.firebase_android
    if f is not None:
        out["android/app/google-services.json"] = f
    return out


def _adaptive_xml(sources: AssetSources) -> str:
    bg = (
        "@mipmap/ic_launcher_background"
        if sources.background_is_image
        else "@color/ic_launcher_background"
    )
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<adaptive-icon xmlns:android="http://schemas.android.com/apk/res/android">',
        f'    <background android:drawable="{bg}"/>',
        '    <foreground android:drawable="@mipmap/ic_launcher_foreground"/>',
    ]
    if sources.icon_monochrome is not None:
        lines.append('    <monochrome android:drawable="@mipmap/ic_launcher_monochrome"/>')
    lines.append("</adaptive-icon>")
    return "\n".join(lines) + "\n"


def _background_colour_xml(colour: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<resources>\n"
        f'    <color name="ic_launcher_background">{colour}</color>\n'
        "</resources>\n"
    )


def assets(s: AssetSources, platforms: frozenset[str]) -> list[AssetJob]:
    """Launcher icons per density (legacy, round, adaptive layers) and the Android 12
    splash icon, light and dark (PLATFORM_SPEC §1, §2.4)."""
    res = ANDROID_RES
    jobs: list[AssetJob] = []
    for name, k in DENSITIES:
        mip = res / f"mipmap-{name}"
        legacy = dp_px(LEGACY_DP, k)
        layer = dp_px(LAYER_DP, k)
        jobs.append(
            AssetJob(mip / "ic_launcher.png", "inset", legacy, legacy, "icon", scale=LEGACY_ART)
        )
        jobs.append(
            AssetJob(
                mip / "ic_launcher_round.png", "round", legacy, legacy, "icon", scale=LEGACY_ART
            )
        )
        if s.icon_foreground is not None:
            fg = AssetJob(mip / "ic_launcher_foreground.png", "cover", layer, layer,
                          "icon_foreground")
        else:
            fg = AssetJob(mip / "ic_launcher_foreground.png", "inset", layer, layer, "icon",
                          scale=SAFE_ZONE)
        jobs.append(fg)
        if s.background_is_image:
            jobs.append(
                AssetJob(mip / "ic_launcher_background.png", "flatten", layer, layer,
                         "icon_background", mode="RGB", background=s.flatten_colour,
                         matte=s.flatten_colour)
            )
        if s.icon_monochrome is not None:
            jobs.append(
                AssetJob(mip / "ic_launcher_monochrome.png", "monochrome", layer, layer,
                         "icon_monochrome")
            )
    xml = _adaptive_xml(s)
    anydpi = res / "mipmap-anydpi-v26"
    jobs.append(AssetJob(anydpi / "ic_launcher.xml", "text", text=xml))
    jobs.append(AssetJob(anydpi / "ic_launcher_round.xml", "text", text=xml))
    if isinstance(s.icon_background, str):
        jobs.append(
            AssetJob(res / "values" / "ic_launcher_background.xml", "text",
                     text=_background_colour_xml(s.flatten_colour))
        )
    logo = s.logo_role
    light = brand_colour(s.background, "colors.background")
    dark = brand_colour(s.dark_background, "colors.dark.background")
    for name, k in SPLASH_DENSITIES:
        px = dp_px(SPLASH_DP, k)
        jobs.append(
            AssetJob(res / f"drawable-{name}" / "splash_icon.png", "circle_fit", px, px, logo,
                     scale=SPLASH_CIRCLE)
        )
        jobs.append(
            AssetJob(res / f"drawable-night-{name}" / "splash_icon.png", "circle_fit", px, px,
                     logo, scale=SPLASH_CIRCLE, plate=light, plate_scale=SPLASH_VISIBLE,
                     plate_against=dark)
        )
    if s.push and s.icon_monochrome is not None:
        # Android draws status-bar icons from their alpha only: a white silhouette.
        for name, k in DENSITIES:
            px = dp_px(NOTIFICATION_DP, k)
            jobs.append(AssetJob(res / f"drawable-{name}" / f"{NOTIFICATION_ICON}.png",
                                 "monochrome", px, px, "icon_monochrome"))
    return jobs


TARGET = Target(
    name="android",
    platforms=frozenset({"android"}),
    renders=renders,
    templates=bundled("android"),
    base=(("base", "android"),),
    view=view,
    assets=assets,
    overrides=(("android", "android"),),
    config_dir="android/app/src/main/assets",
    bundle=("android", "metadata/android"),
    extensions=Extensions,
    files=files,
)
