"""Output targets: one module per target, found through the ``ixm.targets`` entry points."""

from __future__ import annotations

from collections.abc import Iterable

from ixm_cli.assets.plan import AssetJob, AssetSources
from ixm_cli.targets.base import (
    ENTRY_POINTS,
    Provided,
    Registry,
    Render,
    Target,
    template_view,
)

__all__ = [
    "ENTRY_POINTS",
    "Provided",
    "Registry",
    "Render",
    "Target",
    "plan_assets",
    "plan_targets",
    "template_view",
]


def plan_targets(
    targets: Iterable[Target], sources: AssetSources, platforms: frozenset[str]
) -> list[AssetJob]:
    """Every derived file the ``targets`` make for a build of ``platforms``, sorted by path."""
    jobs = [j for t in targets if t.assets is not None for j in t.assets(sources, platforms)]
    return sorted(jobs, key=lambda j: j.path)


def plan_assets(
    sources: AssetSources, names: frozenset[str], *, registry: Registry | None = None
) -> list[AssetJob]:
    """The derived files of the targets named in ``names`` (e.g. {"android", "metadata"}),
    each as when every platform it serves is built."""
    reg = registry or Registry.installed()
    jobs = [
        j for t in reg.targets() if t.name in names and t.assets is not None
        for j in t.assets(sources, names | t.platforms)
    ]
    return sorted(jobs, key=lambda j: j.path)
