"""`ixm preview`: the brand sheet of one tenant, the fleet grid of all, live reload.

``sheet`` (pure: data → HTML), ``images`` (the build's asset engine at preview sizes),
``watch`` (a 127.0.0.1 server that reloads the page on a saved change) and ``png``
(Chromium through Playwright) are kept apart so the library and the tests can use each alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ixm_cli import fsutil
from ixm_cli.errors import Diagnostic, IxmError, Location, Severity
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.resolve import Merged, Workspace
from ixm_cli.manifest.tenant import Checked, asset_sources, check_tenant, load_merged

from . import images
from .sheet import Provenance, Reload, render_errors, render_fleet, render_sheet, sheet_view

__all__ = ["Sheet", "fleet", "render_errors", "tenant_sheet"]


@dataclass(frozen=True)
class Sheet:
    """A rendered brand sheet and what it was made from."""

    html: str
    brand: Brand
    merged: Merged
    warnings: Sequence[Diagnostic]


def _env_locations(ws: Workspace, slug: str, env: str | None) -> frozenset[Location]:
    """Positions of the values the ``env`` overlay sets (they sit in the tenant's file)."""
    if env is None:
        return frozenset()
    base, _ = load_merged(ws, slug)
    prefix = ("environments", env)
    found = {loc for k, loc in base.values.items() if k[:2] == prefix}
    found |= {loc for k, loc in base.keys.items() if k[:2] == prefix and len(k) > 2}
    return frozenset(found)


def tenant_sheet(
    ws: Workspace, slug: str, env: str | None, *, reload: Reload | None = None
) -> Sheet:
    """The brand sheet; IxmError (every diagnostic) when the tenant does not validate."""
    result: Checked = check_tenant(ws, slug, env)
    if result.brand is None or result.merged is None:
        raise IxmError(list(result.diagnostics))
    brand, merged = result.brand, result.merged
    provenance = Provenance(merged, brand.env, _env_locations(ws, slug, brand.env))
    pictures = images.pictures(asset_sources(brand))
    warnings = [d for d in result.diagnostics if d.severity is Severity.WARNING]
    view = sheet_view(brand, merged, provenance, pictures, warnings)
    return Sheet(render_sheet(view, reload), brand, merged, warnings)


def _tile(
    tenants: str, slug: str, base: str | None = None
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """One fleet tile; a tenant that does not validate becomes a tile saying so."""
    ws = Workspace(Path(tenants), None if base is None else Path(base))
    result = check_tenant(ws, slug, None, images=False)
    brand = result.brand
    if brand is None:
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        return ({"slug": slug, "name": slug, "icon": None, "colors": [],
                 "problem": f"does not validate: {len(errors)} error(s)"}, errors)
    tile: dict[str, Any] = {
        "slug": brand.tenant,
        "name": brand.app.name.default,
        "colors": [brand.light.primary, brand.light.secondary, brand.light.background,
                   brand.dark.primary, brand.dark.background],
        "problem": None,
    }
    try:
        tile["icon"] = images.thumbnail(asset_sources(brand))
    except IxmError as exc:
        tile["icon"] = None
        tile["problem"] = "icon cannot be read"
        return tile, list(exc.diagnostics)
    return tile, []


def fleet(ws: Workspace, slugs: Sequence[str], *, jobs: int = 1) -> tuple[str, list[Diagnostic]]:
    """Every tenant's icon, name and palette on one page, and the problems found."""
    base = None if ws.base is None else str(ws.base)
    if jobs > 1 and len(slugs) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(slugs)),
                                 initializer=fsutil.die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            done = list(pool.map(_tile, [str(ws.tenants)] * len(slugs), slugs,
                                 [base] * len(slugs),
                                 chunksize=max(1, len(slugs) // (jobs * 4))))
    else:
        done = [_tile(str(ws.tenants), slug, base) for slug in slugs]
    problems = [d for _, found in done for d in found]
    return render_fleet([tile for tile, _ in done]), problems
