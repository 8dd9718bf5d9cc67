"""Web: an installable PWA shell with no build step."""

from __future__ import annotations

from ixm_cli.manifest.brand import Brand
from ixm_cli.targets.base import Render, Target


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    return [Render("web/template", ".", {"target_dir": "web"})]


TARGET = Target(
    name="web",
    platforms=frozenset({"web"}),
    renders=renders,
    base=(("web/base", "web"),),
    override_dirs=("web",),
)
