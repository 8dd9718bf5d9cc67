"""Load, check and resolve one tenant into a Brand (or the diagnostics that prevent it)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ixm_cli import colors, locales, overrides
from ixm_cli.assets import AssetSources, safezone
from ixm_cli.assets.checks import check_image
from ixm_cli.catalog import Catalog, load_catalog
from ixm_cli.errors import Diagnostic, IxmError, escape_unprintable, has_errors, warning
from ixm_cli.manifest import brand as b
from ixm_cli.manifest import modules, services
from ixm_cli.manifest.inherit import check_inheritance
from ixm_cli.manifest.resolve import (
    MAX_ENVIRONMENTS,
    PROD,
    Merged,
    Workspace,
    apply_environment,
    environments,
    get,
    load_chain,
    merge_chain,
)
from ixm_cli.manifest.rules import (
    ASSET_ROLES,
    Checker,
    check,
    dedupe,
    field_name,
    palettes,
    resolve_asset,
)


@dataclass(frozen=True)
class Checked:
    """The outcome for one tenant and environment."""

    slug: str
    env: str | None
    diagnostics: Sequence[Diagnostic]
    brand: b.Brand | None  # None when there are errors
    merged: Merged | None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def load_merged(ws: Workspace, slug: str) -> tuple[Merged, list[Diagnostic]]:
    chain = load_chain(ws, slug)
    return merge_chain(chain)


def check_tenant(
    ws: Workspace,
    slug: str,
    env: str | None,
    *,
    images: bool = True,
    folders: overrides.Folders | None = None,
) -> Checked:
    """Every check for ``slug`` under ``env`` (None or "prod": the manifest itself); never
    raises for bad input. ``folders`` are the override folders the build's targets use
    (None: every installed target's)."""
    env = None if env == PROD else env
    try:
        catalog = load_catalog(ws.base)
        base, problems = load_merged(ws, slug)
    except IxmError as exc:
        return Checked(slug, env, printable(exc.diagnostics), None, None)
    return _check_merged(slug, env, base, problems, images=images, folders=_folders(folders),
                         catalog=catalog)


def _folders(folders: overrides.Folders | None) -> overrides.Folders:
    if folders is not None:
        return folders
    from ixm_cli.targets import Registry  # the targets import the brand: import when needed

    return Registry.installed().override_folders()


def _check_merged(
    slug: str,
    env: str | None,
    base: Merged,
    problems: list[Diagnostic],
    *,
    images: bool,
    folders: overrides.Folders,
    catalog: Catalog,
) -> Checked:
    try:
        merged, env_problems = apply_environment(base, env)
    except IxmError as exc:
        return Checked(slug, env, printable(exc.diagnostics), None, None)
    ck = check(merged, slug, env)
    ck.found.extend(problems + env_problems)
    ck.found.extend(overrides.check(merged.files, folders))
    for rule in services.RULES:
        rule(ck)
    chosen = modules.check_modules(ck, catalog)
    check_inheritance(ck)
    assets = {role: resolve_asset(ck, role) for role in ASSET_ROLES}
    firebase = services.resolve_firebase(ck)
    if images:
        _check_images(ck, assets)
    brand = None if has_errors(ck.found) else _brand(ck, assets, firebase,
                                                      modules.resolve(catalog, chosen,
                                                                      ck.locale_tags()))
    found = printable(dedupe(ck.found))
    return Checked(slug, env, found, None if has_errors(found) else brand, merged)


def _check_images(ck: Checker, assets: dict[str, Any]) -> None:
    """Decode every image that resolved, whatever else is wrong: a designer fixing contrast
    should not learn about a too-small icon only in the next round."""
    for role, value in assets.items():
        if not isinstance(value, Path):
            continue
        try:
            info = value.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = (0, -1)
        errors, warnings = _image_findings(role, value, stamp)
        for message, hint in errors:
            ck.error(("assets", role), message, hint)
        for message, hint in warnings:
            ck.warn(("assets", role), message, hint)


Findings = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]


@functools.lru_cache(maxsize=64)
def _image_findings(role: str, path: Path, stamp: tuple[int, int]) -> Findings:
    """(errors, warnings) as (message, hint) for one source image.

    Kept per file version (``stamp``: mtime and size): a tenant's images are the same under
    each of its environments and decoding them is the slow part of validate, while a file
    saved again (``preview --watch``) is a new key and is checked afresh.
    """
    problems = check_image(role, path)
    errors = tuple((p.message, p.hint) for p in problems)
    if problems or role not in ("icon_foreground", "icon_monochrome"):
        return errors, ()
    found = safezone.check_layers(
        path if role == "icon_foreground" else None,
        path if role == "icon_monochrome" else None,
    )
    return errors, tuple((f.message, f.hint) for f in found)


def check_all_environments(
    ws: Workspace, slug: str, *, folders: overrides.Folders | None = None
) -> list[Checked]:
    """The manifest alone, then with each of its environment overlays (DESIGN.md).

    The chain is read and merged once and each overlay laid over that: reading it again per
    environment multiplied the cost of a large manifest by its number of environments.
    """
    try:
        catalog = load_catalog(ws.base)
        base, problems = load_merged(ws, slug)
    except IxmError as exc:
        return [Checked(slug, None, printable(exc.diagnostics), None, None)]
    folders = _folders(folders)
    results = [_check_merged(slug, None, base, problems, images=True, folders=folders,
                             catalog=catalog)]
    envs = environments(base)
    if len(envs) > MAX_ENVIRONMENTS:
        # prod reports it (apply_environment); checking thousands of overlays, each a full
        # copy and check of the manifest, is the amplification the bound prevents
        return results
    for env in envs:
        results.append(_check_merged(slug, env, base, problems, images=True, folders=folders,
                                     catalog=catalog))
    return [results[0], *(_shared_link_hosts(results[0], r) for r in results[1:])]


def _shared_link_hosts(prod: Checked, other: Checked) -> Checked:
    """A host serves one assetlinks.json and one apple-app-site-association, and each build
    writes them for its own ids: an environment with other ids on prod's hosts would
    replace prod's files (or never be verified)."""
    p, o = prod.brand, other.brand
    if p is None or o is None or other.merged is None:
        return other
    shared = [d for d in o.links.domains if d in p.links.domains]
    if not shared or (o.android_id, o.ios_id) == (p.android_id, p.ios_id):
        return other
    found = warning(
        "links.domains",
        f"environment {other.env!r} has its own ids but shares {', '.join(shared)} with prod; "
        "each host serves the .well-known files of one build",
        other.merged.locate(("links", "domains")),
        f"give environments.{other.env} its own links.domains, e.g. "
        f"{other.env}.{shared[0]}",
    )
    return replace(other, diagnostics=[*other.diagnostics, *printable([found])])


def printable(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics whose field, message and hint hold only printable characters.

    Messages quote manifest text (a locale, a key, a path). A raw line break there would
    forge a second compiler-style line and a bidi override (U+202E) would make a line read
    differently than it is, so each unprintable character is spelled as its escape (\\n,
    \\u202e); the rules need not remember ``!r`` everywhere.
    """
    return [
        replace(
            d,
            field=escape_unprintable(d.field),
            message=escape_unprintable(d.message),
            hint=None if d.hint is None else escape_unprintable(d.hint),
        )
        for d in diagnostics
    ]


def asset_sources(brand: b.Brand) -> AssetSources:
    """The asset pipeline's input for a resolved brand."""
    a = brand.assets
    return AssetSources(
        icon=a.icon,
        icon_foreground=a.icon_foreground,
        icon_background=a.icon_background,
        icon_monochrome=a.icon_monochrome,
        splash_logo=a.splash_logo,
        background=brand.light.background,
        dark_background=brand.dark.background,
        supply_locales=tuple(loc.supply for loc in brand.locales),
        push=brand.services.push,
    )


def _text(ck: Checker, path: tuple[str, ...], tags: list[str]) -> b.Text | None:
    value = get(ck.merged, path)
    if value is None:
        return None
    given = {tags[0]: value} if isinstance(value, str) else dict(value)
    default = given[tags[0]]
    return b.Text(MappingProxyType({t: given.get(t, default) for t in tags}), tags[0])


def _brand(
    ck: Checker, assets: dict[str, Any], firebase: dict[str, Path], mods: tuple[b.Module, ...]
) -> b.Brand:
    m = ck.merged
    tags = ck.locale_tags()
    light, dark = palettes(ck)
    for pal in (light, dark):
        pal.setdefault("secondary", pal["primary"])
    name = _text(ck, ("app", "name"), tags)
    assert name is not None
    storage = get(m, ("storage",)) or {"mode": "cloud"}
    legal = get(m, ("legal",))
    signing = get(m, ("signing",)) or {}
    android_sign = signing.get("android") or {}
    ios_sign = signing.get("ios") or {}
    links = get(m, ("links",)) or {}
    service = get(m, ("services",)) or {}
    provenance = {field_name(k): v for k, v in sorted(m.values.items(), key=lambda kv: str(kv[0]))}
    foreground = assets.get("icon_foreground")
    return b.Brand(
        tenant=get(m, ("tenant",)),
        env=ck.env,
        locales=tuple(loc for t in tags if (loc := locales.lookup(t)) is not None),
        app=b.AppInfo(
            name=name,
            short_name=_text(ck, ("app", "short_name"), tags) or name,
            description=_text(ck, ("app", "description"), tags),
            version=get(m, ("app", "version")),
            build=get(m, ("app", "build")),
        ),
        android_id=get(m, ("ids", "android")),
        ios_id=get(m, ("ids", "ios")),
        light=b.Palette(**light),
        dark=b.Palette(**dark),
        font_family=get(m, ("typography", "font_family")),
        assets=b.BrandAssets(
            icon=assets["icon"],
            icon_foreground=foreground,
            icon_background=assets.get("icon_background") or colors.normalise(light["background"]),
            icon_monochrome=assets.get("icon_monochrome"),
            splash_logo=assets.get("splash_logo"),
        ),
        modules=mods,
        api_endpoint=get(m, ("endpoints", "api")),
        web_endpoint=get(m, ("endpoints", "web")),
        storage=b.Storage(**storage),
        legal=b.Legal(**legal),
        store=b.StoreTexts(
            **{
                k: _text(ck, ("store", k), tags)
                for k in (
                    "subtitle",
                    "short_description",
                    "full_description",
                    "keywords",
                    "promotional_text",
                    "release_notes",
                )
            }
        ),
        signing=b.Signing(
            android_keystore=android_sign.get("keystore"),
            android_key_alias=android_sign.get("key_alias"),
            android_password=android_sign.get("password"),
            android_key_password=android_sign.get("key_password"),
            ios_team_id=ios_sign.get("team_id"),
            ios_profile=ios_sign.get("profile"),
            android_cert_sha256=tuple(
                c.strip().upper() for c in android_sign.get("cert_sha256") or ()),
        ),
        manifests=tuple(m.files),
        links=b.Links(domains=tuple(links.get("domains") or ()), scheme=links.get("scheme")),
        services=b.Services(
            firebase_android=firebase.get("android"),
            firebase_ios=firebase.get("ios"),
            push=bool(service.get("push")),
            push_channel=_text(ck, ("services", "push_channel"), tags),
        ),
        provenance=MappingProxyType(provenance),
    )
