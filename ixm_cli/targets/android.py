"""Android: a Gradle (Kotlin DSL) project; strings per locale in values-<qualifier>/."""

from __future__ import annotations

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target

RES = "android/app/src/main/res"


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    out = [Render("android/template", ".", {"target_dir": "android"})]
    for loc in brand.locales[1:]:
        for qualifier in loc.android:
            out.append(
                Render("android/locale", RES, {"qualifier": f"values-{qualifier}", "locale": loc.tag})
            )
    return out


TARGET = Target(
    name="android",
    platforms=frozenset({"android"}),
    renders=renders,
    base=(("android/base", "android"),),
    override_dirs=("android",),
)
