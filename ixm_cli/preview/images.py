"""The sheet's pictures, made by the build's own asset engine at preview sizes.

Each picture is an :class:`AssetJob` run by ``render_assets``: the same ops, geometry and
resampling the build ships, only smaller, so what a designer sees is what the stores get.
The geometry constants are the build's too; this module is the one place that imports them,
so the asset planning may move (issue 6) with a one-line change here.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ixm_cli.assets import AssetJob, AssetSources, render_assets
from ixm_cli.assets.plan import MASKABLE_CIRCLE, SAFE_ZONE, SPLASH_CIRCLE, SPLASH_VISIBLE

LAYER_PX = 216
"""The 108 dp adaptive layer at 2 px/dp: crisp on a high-density screen, small inline."""
ICON_PX = 180
SPLASH_PX = 288
"""The 288 dp Android 12 splash canvas at 1 px/dp."""
LOGO_PX = 200
THUMB_PX = 64

__all__ = [
    "MASKABLE_CIRCLE",
    "SAFE_ZONE",
    "SPLASH_VISIBLE",
    "Pictures",
    "pictures",
    "thumbnail",
]


@dataclass(frozen=True)
class Pictures:
    """``data:`` URIs by role; a role is missing when the brand has no source for it."""

    uris: dict[str, str]

    def get(self, role: str) -> str | None:
        return self.uris.get(role)


def _uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _jobs(s: AssetSources) -> list[AssetJob]:
    p = PurePosixPath
    background = "icon_background" if s.background_is_image else s.flatten_colour
    if s.icon_foreground is not None:
        layer = AssetJob(p("layer"), "flatten", LAYER_PX, LAYER_PX, "icon_foreground",
                         mode="RGB", scale=1.0, background=background, matte=s.flatten_colour)
    else:
        layer = AssetJob(p("layer"), "flatten", LAYER_PX, LAYER_PX, "icon", mode="RGB",
                         scale=SAFE_ZONE, background=background, matte=s.flatten_colour)
    logo = s.logo_role
    jobs = [
        layer,
        AssetJob(p("icon"), "flatten", ICON_PX, ICON_PX, "icon", mode="RGB",
                 background=s.flatten_colour, matte=s.flatten_colour),
        AssetJob(p("splash_light"), "circle_fit", SPLASH_PX, SPLASH_PX, logo,
                 scale=SPLASH_CIRCLE),
        AssetJob(p("splash_dark"), "circle_fit", SPLASH_PX, SPLASH_PX, logo,
                 scale=SPLASH_CIRCLE, plate=s.background, plate_scale=SPLASH_VISIBLE,
                 plate_against=s.dark_background),
        AssetJob(p("ios_logo"), "cover", LOGO_PX, LOGO_PX, logo),
        AssetJob(p("maskable"), "circle_fit", ICON_PX, ICON_PX,
                 "icon_foreground" if s.icon_foreground is not None else "icon",
                 mode="RGB", scale=MASKABLE_CIRCLE, background=background,
                 matte=s.flatten_colour),
    ]
    if s.icon_monochrome is not None:
        jobs.append(AssetJob(p("monochrome"), "monochrome", LAYER_PX, LAYER_PX,
                             "icon_monochrome"))
        jobs.append(AssetJob(p("ios_tinted"), "tinted", ICON_PX, ICON_PX, "icon_monochrome",
                             mode="L", matte="#000000"))
    if s.icon_foreground is not None:
        jobs.append(AssetJob(p("ios_dark"), "cover", ICON_PX, ICON_PX, "icon_foreground"))
    return jobs


_CACHE: OrderedDict[Hashable, str] = OrderedDict()
_CACHE_SIZE = 64
"""Pictures by render key and source-file identity: under --watch a save re-draws only the
pictures whose sources changed (a name edit none, an icon edit the icon's)."""


def _stamp(path: Path) -> Hashable:
    st = path.stat()
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def _key(job: AssetJob, roles: dict[str, Path]) -> Hashable | None:
    try:
        return (job.render_key, tuple(_stamp(roles[r]) for r in job.image_roles if r in roles))
    except OSError:
        return None  # unreadable now: render it, so the user gets the real error


def pictures(sources: AssetSources) -> Pictures:
    """Every picture of the brand sheet; raises IxmError for a source that cannot be used."""
    roles = sources.image_roles()
    jobs = _jobs(sources)
    keys = {str(job.path): _key(job, roles) for job in jobs}
    missing = [job for job in jobs if keys[str(job.path)] not in _CACHE]
    drawn = render_assets(missing, sources, workers=1) if missing else {}
    uris: dict[str, str] = {}
    for job in jobs:
        name, key = str(job.path), keys[str(job.path)]
        if job.path in drawn:
            uris[name] = _uri(drawn[job.path])
            if key is not None:
                _CACHE[key] = uris[name]
        else:
            _CACHE.move_to_end(key)
            uris[name] = _CACHE[key]
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return Pictures(uris)


def thumbnail(sources: AssetSources) -> str:
    """The launcher icon as the fleet grid shows it (small: 300 of them share one page)."""
    job = AssetJob(PurePosixPath("thumb"), "flatten", THUMB_PX, THUMB_PX, "icon", mode="RGB",
                   background=sources.flatten_colour, matte=sources.flatten_colour)
    (data,) = render_assets([job], sources, workers=1).values()
    return _uri(data)
