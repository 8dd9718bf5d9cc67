"""Asset pipeline: every icon, splash and favicon derived from a tenant's sources.

``plan`` holds the job record and the sizes (pure; each target plans its own jobs with it),
``raster`` draws (the only Pillow I/O), ``checks`` refuses bad sources up front.
"""

from __future__ import annotations

from .checks import SourceProblem, check_sources
from .plan import AssetJob, AssetSources
from .raster import render_assets

__all__ = [
    "AssetJob",
    "AssetSources",
    "SourceProblem",
    "check_sources",
    "render_assets",
]
