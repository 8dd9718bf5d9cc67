"""Fixtures: small, deterministic source images drawn with Pillow in tmp dirs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from assets_fixtures import (
    ALL_PLATFORMS,
    DARK_BG,
    ICON_BG,
    LIGHT_BG,
    Rendered,
    disc_image,
    gradient_image,
    icon_image,
)

from ixm_cli.assets import AssetSources, render_assets
from ixm_cli.targets import plan_assets


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("sources")
    icon_image().save(d / "icon.png")
    disc_image((37, 99, 235), 0.25).save(d / "foreground.png")
    disc_image((0, 0, 0), 0.25).save(d / "mono.png")
    disc_image((32, 32, 32), 0.3).save(d / "dark-logo.png")
    disc_image((250, 250, 250), 0.3).save(d / "light-logo.png")
    gradient_image().save(d / "background.png")
    return d


@pytest.fixture(scope="module")
def full_sources(source_dir: Path) -> AssetSources:
    """Every optional source present, background as a colour."""
    return AssetSources(
        icon=source_dir / "icon.png",
        icon_foreground=source_dir / "foreground.png",
        icon_background=ICON_BG,
        icon_monochrome=source_dir / "mono.png",
        splash_logo=None,
        background=LIGHT_BG,
        dark_background=DARK_BG,
        supply_locales=("zh-CN", "en-US"),
    )


@pytest.fixture(scope="module")
def minimal_sources(source_dir: Path) -> AssetSources:
    """Only the icon, and an image as the icon background."""
    return AssetSources(
        icon=source_dir / "icon.png",
        icon_foreground=None,
        icon_background=source_dir / "background.png",
        icon_monochrome=None,
        splash_logo=None,
        background=LIGHT_BG,
        dark_background=DARK_BG,
        supply_locales=("en-US",),
    )


@pytest.fixture(scope="module")
def render() -> Callable[[AssetSources], Rendered]:
    cache: dict[AssetSources, Rendered] = {}

    def go(sources: AssetSources) -> Rendered:
        if sources not in cache:
            cache[sources] = render_assets(plan_assets(sources, ALL_PLATFORMS), sources)
        return cache[sources]

    return go
