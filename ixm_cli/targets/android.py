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

from typing import Any

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target

RES = "android/app/src/main/res"


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    out = [Render("android/template", ".", {"target_dir": "android"})]
    for loc in brand.locales[1:]:  # the default locale lives in values/
        for qualifier in loc.android:
            variables = {"qualifier": f"values-{qualifier}", "locale": loc.tag}
            out.append(Render("android/locale", RES, variables))
    return out


def _env_name(ref: str | None) -> str | None:
    """``env:NAME`` -> ``NAME``: templates get the variable's name, never a value."""
    return ref[len("env:") :] if ref is not None and ref.startswith("env:") else None


def view(brand: Brand) -> dict[str, Any]:
    """``signing``: the env variables app/build.gradle.kts reads at build time (no secrets);
    None when the manifest does not name a keystore, its password and a key alias."""
    s = brand.signing
    keystore, password = _env_name(s.android_keystore), _env_name(s.android_password)
    if keystore is None or password is None or s.android_key_alias is None:
        return {"signing": None}
    return {
        "signing": {
            "keystore_env": keystore,
            "password_env": password,
            "key_password_env": _env_name(s.android_key_password),  # None: same as password
            "key_alias": s.android_key_alias,
        }
    }


TARGET = Target(
    name="android",
    platforms=frozenset({"android"}),
    renders=renders,
    base=(("android/base", "android"),),
    view=view,
)
