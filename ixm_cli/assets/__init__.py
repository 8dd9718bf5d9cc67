"""Asset pipeline: every icon, splash and favicon derived from a tenant's sources.

``plan`` decides (pure), ``raster`` draws (the only Pillow I/O), ``checks`` refuses bad
sources up front. The build calls :func:`check_sources`, then :func:`plan_assets`, then
:func:`render_assets`.
"""

from __future__ import annotations

from .checks import SourceProblem, check_sources
from .plan import AssetJob, AssetSources, plan_assets
from .raster import render_assets

__all__ = [
    "AssetJob",
    "AssetSources",
    "SourceProblem",
    "check_sources",
    "plan_assets",
    "render_assets",
]
