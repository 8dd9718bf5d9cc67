"""`ixm build` for one tenant, in memory: every layer as a tree, laid over each other, plus the
bundles and build-info.json made from the result. Writing is :mod:`ixm_cli.publish`'s job.

Layers, later winning: platform base -> rendered templates (and tenant.json) -> tenant
overrides -> generated images. A file where another layer needs a folder is refused once,
naming both (see :func:`ixm_cli.tree.overlay`).
"""

from __future__ import annotations

import platform as pyplatform
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import PIL

from ixm_cli import __version__, bundle, jsontext, overrides
from ixm_cli.assets import AssetJob, AssetSources, render_assets
from ixm_cli.cache import Cache, file_digest, image_key
from ixm_cli.changes import Change
from ixm_cli.errors import Diagnostic
from ixm_cli.fsutil import walk_files
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.tenant import asset_sources
from ixm_cli.platform_base import base_version
from ixm_cli.render import render_template
from ixm_cli.targets import Registry, Target, plan_targets, template_view
from ixm_cli.tree import FILE_MODE, Entry, Tree, graft, overlay
from ixm_cli.view import brand_view

BUILD_INFO = "build-info.json"
BUNDLES = "bundles"
TENANT_JSON = "tenant.json"


@dataclass(frozen=True)
class Built:
    tenant: str
    env: str | None
    out: Path
    files: int
    bundles: tuple[Path, ...]
    changes: tuple[Change, ...] = ()
    """What the build would change on disk (a dry run or --check; empty when written)."""
    cached: bool = False
    """Skipped: the published output already is this build's (same build key)."""
    warnings: tuple[Diagnostic, ...] = ()
    """Problems that did not stop this tenant (the remote cache failing: a local build)."""


@dataclass(frozen=True)
class Rendered:
    """One tenant's whole output, in memory: what publishing writes to ``<out>/<name>/``."""

    name: str
    tree: Tree
    bundles: tuple[PurePosixPath, ...]


def read_folder(folder: Path, *, layer: str) -> Tree:
    """A platform base folder, verbatim (walk_files refuses links: a base holds files)."""
    return {
        PurePosixPath(rel): Entry(path.read_bytes(), FILE_MODE, layer, path)
        for rel, path, _ in walk_files(folder)
    }


def override_layer(layers: Iterable[overrides.Override]) -> Tree:
    """Override files as entries that stream from their source when published, with the
    mode overrides.collect chose (an owner-executable gradlew stays 0755)."""
    tree: Tree = {}
    for layer in layers:
        for f in layer.files:
            tree[PurePosixPath(layer.into) / f.rel] = Entry(f.source, f.mode, "overrides", f.source)
    return tree


def render_tenant(
    brand: Brand,
    *,
    registry: Registry,
    platforms: frozenset[str],
    base: Path,
    extensions: Mapping[str, Mapping[str, Any]] | None = None,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
    cache: Cache | None = None,
    key: str | None = None,
    laid: Sequence[overrides.Override] | None = None,
) -> Rendered:
    """Everything ``ixm build`` publishes for ``brand``, in memory.

    ``base`` is the platform base's root (its VERSION is recorded in build-info.json);
    ``extensions`` the values of its templates' extension points (checked by each target);
    ``key`` the build key recorded in build-info.json (see :mod:`ixm_cli.buildkey`);
    ``laid`` the tenant's override folders when the caller has listed them already.
    """
    say = progress or (lambda _msg: None)
    targets = registry.selected(platforms)
    if laid is None:  # every override file listed (and links refused) before rendering
        laid = overrides.collect(brand.manifests, platforms, registry.override_folders())
    base_layer, templates = text_layers(brand, targets, platforms, extensions)
    overridden = override_layer(laid)
    say("  icons and splash screens")
    sources = asset_sources(brand)
    jobs = plan_targets(targets, sources, platforms)
    images = {
        rel: Entry(data, layer="images")
        for rel, data in render_images(jobs, sources, workers=workers, cache=cache).items()
    }
    tree = overlay([base_layer, templates, overridden, images])
    bundles = _bundles(brand, tree, [registry.platform(p) for p in sorted(platforms)])
    tree.update(bundles)
    # Every override file counts, also one a later layer (the child's, an image) replaced.
    inputs = [*brand.manifests, *brand.assets.files(), *(f.source for o in laid for f in o.files),
              *(e.data for e in target_files(brand, targets).values() if isinstance(e.data, Path))]
    tree[PurePosixPath(BUILD_INFO)] = _build_info(brand, tree, inputs, platforms, base, key)
    return Rendered(brand.output_name, dict(sorted(tree.items())), tuple(sorted(bundles)))


def render_images(
    jobs: Sequence[AssetJob], sources: AssetSources, *, workers: int, cache: Cache | None
) -> dict[PurePosixPath, bytes]:
    """The derived images, from the cache where an entry for the same job and source bytes
    exists; the rest rendered (in ``workers`` processes) and stored."""
    if cache is None:
        return render_assets(jobs, sources, workers=workers)
    roles = sources.image_roles()
    digests = {role: file_digest(path) for role, path in roles.items()}
    keys = {
        job.path: image_key(job.render_key, {r: digests[r] for r in job.image_roles})
        for job in jobs
    }
    found = cache.get_many(keys.values())
    missing = [job for job in jobs if keys[job.path] not in found]
    if missing:
        made: dict[str, bytes] = {}
        for rel, data in render_assets(missing, sources, workers=workers).items():
            made.setdefault(keys[rel], data)
        cache.put_many(made)
        found.update(made)
    return {job.path: found[keys[job.path]] for job in sorted(jobs, key=lambda j: j.path)}


def text_layers(
    brand: Brand,
    targets: Sequence[Target],
    platforms: frozenset[str],
    extensions: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Tree, Tree]:
    """The platform base and the rendered templates (with tenant.json) of ``targets``."""
    view = template_view(brand_view(brand), brand, targets, extensions)
    base_layer: Tree = {}
    templates: Tree = {}
    config = Entry(jsontext.dumps(view["tenant_json"]).encode("utf-8"), layer="templates")
    for target in targets:
        for folder, into in target.base:
            base_layer.update(graft(read_folder(target.templates / folder, layer="base"),
                                    PurePosixPath(into)))
        for r in target.renders(brand, platforms):
            rendered = render_template(target.templates / r.template, r.variables, view,
                                       filters=target.filters)
            templates.update(graft(rendered, PurePosixPath(r.into)))
        if target.config_dir is not None and target.name in platforms:
            templates[PurePosixPath(target.config_dir) / TENANT_JSON] = config
        templates.update(target_files(brand, [target]))
    return base_layer, templates


def target_files(brand: Brand, targets: Sequence[Target]) -> Tree:
    """The files ``targets`` add outside their templates (a tenant file is kept as its path:
    streamed when written)."""
    return {
        PurePosixPath(rel): Entry(data, FILE_MODE, "templates",
                                  data if isinstance(data, Path) else None)
        for target in targets if target.files is not None
        for rel, data in sorted(target.files(brand).items())
    }


def bundle_name(brand: Brand, platform: str) -> str:
    return f"{brand.output_name}-{platform}-{brand.app.version}+{brand.app.build}.zip"


def _bundles(brand: Brand, tree: Tree, platforms: list[Target]) -> Tree:
    """One deterministic zip per platform: the folders its target names (its tree and its
    store metadata)."""
    out: Tree = {}
    for target in platforms:
        folders = [PurePosixPath(f) for f in target.bundle]
        members = [
            (rel, entry) for rel, entry in tree.items()
            if any(rel == f or f in rel.parents for f in folders)
        ]
        data = bundle.zip_bytes((rel, entry.mode, entry.read) for rel, entry in members)
        out[PurePosixPath(BUNDLES) / bundle_name(brand, target.name)] = Entry(data, layer="bundles")
    return out


def _build_info(
    brand: Brand,
    tree: Tree,
    inputs: list[Path],
    platforms: frozenset[str],
    base: Path,
    key: str | None,
) -> Entry:
    tenants_root = brand.manifests[0].parent.parent.resolve()
    info: dict[str, Any] = {
        "schema": "ixm-build-info/v1",
        "tool": {"name": "ixm", "version": __version__},
        "base": {"version": base_version(base)},
        "runtime": {"python": pyplatform.python_version(), "pillow": PIL.__version__},
        "tenant": brand.tenant,
        "env": brand.env,
        "platforms": sorted(platforms),
        "inputs": {
            p.resolve().relative_to(tenants_root).as_posix(): Entry(p).sha256()
            for p in sorted(set(inputs))
        },
        "outputs": {rel.as_posix(): entry.sha256() for rel, entry in sorted(
            tree.items(), key=lambda item: item[0].as_posix())},
    }
    if key is not None:
        info["key"] = key
    return Entry(jsontext.dumps(info).encode("utf-8"), layer="build-info")
