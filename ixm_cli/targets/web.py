"""Web: an installable PWA shell with no build step."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from ixm_cli import __version__, jsontext
from ixm_cli.assets.plan import (
    APPLE_TOUCH,
    FAVICON_SIZES,
    MASKABLE_CIRCLE,
    WEB_ICON_SIZES,
    AssetJob,
    AssetSources,
)
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.tenant import asset_sources
from ixm_cli.targets.base import Render, Target, bundled
from ixm_cli.view import tenant_config

WEB = PurePosixPath("web")

SHELL_FILES = (
    "./", "index.html", "offline.html", "app.js", "styles.css", "theme.css", "manifest.webmanifest",
    "tenant.json",
)
"""What the service worker caches besides the generated images (those come from the plan)."""


def renders(brand: Brand, platforms: frozenset[str]) -> list[Render]:
    return [Render("template", ".", {"target_dir": "web"})]


def view(brand: Brand) -> dict[str, Any]:
    """The web app manifest (PLATFORM_SPEC §4.1), the offline shell and its cache names.

    ``id`` is the install identity: it names the tenant (and a non-prod environment) so
    tenants served from one origin install as distinct apps, and it never changes with
    paths or versions. The cache name carries a fingerprint of tenant.json (every brand value
    the shell shows) and the tool version, so any change ships a byte-different sw.js and
    browsers replace the cached shell; the prefix lets sw.js delete only its own old caches.
    """
    tag = brand.default_locale.tag
    identity = f"/?tenant={brand.tenant}" + (f"&env={brand.env}" if brand.env else "")
    manifest: dict[str, Any] = {
        "id": identity,
        "name": brand.app.name[tag],
        "short_name": brand.app.short_name[tag],
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": brand.light.background,
        "theme_color": brand.light.primary,
        "lang": brand.default_locale.web,
        "dir": "rtl" if brand.default_locale.rtl else "ltr",
        "categories": ["business", "productivity"],
        "icons": [
            {
                "src": web_icon(purpose, px).relative_to(WEB).as_posix(),
                "sizes": f"{px}x{px}",
                "type": "image/png",
                "purpose": purpose,
            }
            for purpose in ("any", "maskable")
            for px in WEB_ICON_SIZES
        ],
    }
    if brand.app.description:
        manifest["description"] = brand.app.description[tag]
    images = [
        job.path.relative_to(WEB).as_posix()
        for job in sorted(assets(asset_sources(brand), frozenset({"web"})), key=lambda j: j.path)
    ]
    config = json.dumps(tenant_config(brand), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{__version__}\n{config}".encode()).hexdigest()[:12]
    prefix = f"ixm/{brand.output_name}/"  # "/" is in no slug: "a/" never prefixes "a-b/"
    return {
        "manifest": manifest,
        "shell": [*SHELL_FILES, *images],
        "cache_prefix": prefix,
        "cache_name": f"{prefix}{brand.app.version}+{brand.app.build}/{digest}",
    }


WELL_KNOWN = WEB / ".well-known"
ASSETLINKS = WELL_KNOWN / "assetlinks.json"
AASA = WELL_KNOWN / "apple-app-site-association"


def files(brand: Brand) -> dict[str, bytes | Path]:
    """The files each host in ``links.domains`` serves so the phones trust its links:
    Digital Asset Links for Android App Links and the apple-app-site-association file for
    Universal Links, in Google's and Apple's documented formats. Each is written only when
    the other side is known (certificate fingerprints, team id); the validator warns when
    one is missing."""
    if not brand.links.domains:
        return {}
    out: dict[str, bytes | Path] = {}
    if brand.signing.android_cert_sha256:
        out[ASSETLINKS.as_posix()] = jsontext.dumps(assetlinks(brand)).encode("utf-8")
    if brand.signing.ios_team_id:
        out[AASA.as_posix()] = jsontext.dumps(apple_app_site_association(brand)).encode("utf-8")
    return out


def assetlinks(brand: Brand) -> list[dict[str, Any]]:
    """developers.google.com/digital-asset-links: one statement letting the app, signed
    with any of these certificates, handle all of the host's URLs."""
    return [{
        "relation": ["delegate_permission/common.handle_all_urls"],
        "target": {
            "namespace": "android_app",
            "package_name": brand.android_id,
            "sha256_cert_fingerprints": list(brand.signing.android_cert_sha256),
        },
    }]


def apple_app_site_association(brand: Brand) -> dict[str, Any]:
    """Apple's applinks format (iOS 13+; the app's deployment target is 16): the app id is
    ``<team id>.<bundle id>`` of this build's environment; every path opens the app."""
    return {
        "applinks": {
            "details": [{
                "appIDs": [f"{brand.signing.ios_team_id}.{brand.ios_id}"],
                "components": [{"/": "*"}],
            }],
        },
    }


def web_icon(purpose: Literal["any", "maskable"], px: int) -> PurePosixPath:
    """Where the web app manifest's icon of that purpose and size lives."""
    return WEB / "icons" / f"{'icon' if purpose == 'any' else 'maskable'}-{px}.png"


def assets(s: AssetSources, platforms: frozenset[str]) -> list[AssetJob]:
    """Manifest icons (any and maskable), favicons and the apple-touch icon (§4)."""
    bg = "icon_background" if s.background_is_image else s.flatten_colour
    art = "icon_foreground" if s.icon_foreground is not None else "icon"
    jobs: list[AssetJob] = []
    for px in WEB_ICON_SIZES:
        jobs.append(AssetJob(web_icon("any", px), "cover", px, px, "icon"))
        jobs.append(AssetJob(web_icon("maskable", px), "circle_fit", px, px, art,
                             mode="RGB", scale=MASKABLE_CIRCLE, background=bg,
                             matte=s.flatten_colour))
    jobs.append(AssetJob(WEB / "favicon.ico", "ico", max(FAVICON_SIZES), max(FAVICON_SIZES),
                         "icon", sizes=FAVICON_SIZES))
    for px in (16, 32):
        jobs.append(AssetJob(WEB / f"favicon-{px}x{px}.png", "cover", px, px, "icon"))
    jobs.append(AssetJob(WEB / "apple-touch-icon.png", "flatten", APPLE_TOUCH, APPLE_TOUCH,
                         "icon", mode="RGB", background=s.flatten_colour,
                         matte=s.flatten_colour))
    return jobs


TARGET = Target(
    name="web",
    platforms=frozenset({"web"}),
    renders=renders,
    templates=bundled("web"),
    base=(("base", "web"),),
    view=view,
    assets=assets,
    overrides=(("web", "web"),),
    config_dir="web",
    bundle=("web",),
    files=files,
)
