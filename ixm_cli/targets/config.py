"""Runtime config: the same tenant.json inside every platform tree that is built."""

from __future__ import annotations

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target

LOCATIONS = {  # platform: (parent folder, folder holding tenant.json)
    "android": ("android/app/src/main", "assets"),
    "ios": ("ios", "App"),
    "web": (".", "web"),
}


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    return [
        Render("config/template", LOCATIONS[p][0], {"target_dir": LOCATIONS[p][1]})
        for p in sorted(platforms)
        if p in LOCATIONS
    ]


TARGET = Target(name="config", platforms=frozenset(LOCATIONS), renders=renders)
