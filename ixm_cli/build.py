"""`ixm build` for one tenant: stage, render every layer, bundle, then publish atomically.

Layers, later winning: platform base -> rendered templates -> tenant overrides -> generated
images. Everything is written into a stage folder inside --out and swapped into place only
when complete, so an interrupted build leaves the previous output as it was.
"""

from __future__ import annotations

import hashlib
import platform as pyplatform
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import PIL

from ixm_cli import __version__, bundle, overrides
from ixm_cli.assets import plan_assets, render_assets
from ixm_cli.errors import IxmError, Location, display_path
from ixm_cli.fsutil import walk_files
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.tenant import asset_sources
from ixm_cli.overrides import Override
from ixm_cli.render import render_template
from ixm_cli.targets import PLATFORMS, default_registry, template_view
from ixm_cli.view import brand_view

BUILD_INFO = "build-info.json"
BUNDLES = "bundles"


@dataclass(frozen=True)
class Built:
    tenant: str
    env: str | None
    out: Path
    files: int
    bundles: tuple[Path, ...]


def templates_root() -> Path:
    """brand_templates/ beside the package (a source checkout or an editable install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "brand_templates", here / "brand_templates"):
        if candidate.is_dir():
            return candidate
    raise IxmError.single(
        "templates",
        "brand_templates/ not found beside the ixm_cli package",
        None,
        "install ixm from its repository (pip install -e .)",
    )


def base_version(root: Path) -> str:
    version = root / "VERSION"
    return version.read_text("utf-8").strip() if version.is_file() else "unversioned"


# A file where the tree holds a folder, or the other way round.
_SHAPE_CLASH = (FileExistsError, NotADirectoryError, IsADirectoryError)


def _copy_base(src: Path, dest: Path) -> None:
    """A platform base folder, verbatim (walk_files refuses links: a base holds files)."""
    for rel, path, _ in walk_files(src):
        target = bundle.safe_join(dest, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _lay_override(override: Override, stage: Path) -> list[Path]:
    """Copy one override folder over the rendered tree; returns the files it used."""
    dest = bundle.safe_join(stage, override.into)
    for rel, path in override.files:
        target = bundle.safe_join(dest, rel)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        except _SHAPE_CLASH:
            raise IxmError.single(
                "overrides",
                f"it does not fit the output tree: a file and a folder would share a name on "
                f"the way to {PurePosixPath(override.into) / rel}",
                Location(path),
                "lay a file over a file and a folder over a folder; rename or move it",
            ) from None
    return [path for _, path in override.files]


def _image_blocked(rel: PurePosixPath, overrides: list[Override]) -> IxmError:
    """A generated image cannot be written because an override put a folder (or a file
    where a folder belongs) in its way: name the override, since images win over overrides."""
    culprits = sorted(
        display_path(path)
        for o in overrides
        for r, path in o.files
        if (full := PurePosixPath(o.into) / r) in rel.parents or rel in full.parents
    )
    return IxmError.single(
        "overrides",
        f"{', '.join(culprits) or 'an override'} is in the way of the generated image {rel}",
        None,
        "generated images always win over overrides: remove or rename that override",
    )


def _within(stage: Path, into: str) -> Path:
    return stage if into in ("", ".") else bundle.safe_join(stage, into)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_tenant(
    brand: Brand,
    *,
    out_root: Path,
    platforms: frozenset[str],
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Built:
    """Build ``brand`` into ``out_root/<tenant>[@env]/`` and return what was written."""
    say = progress or (lambda _msg: None)
    root = templates_root()
    registry = default_registry()
    tenant_dir = brand.manifests[0].parent
    targets = registry.selected(platforms)
    # Every override file listed (and links refused) before anything is written.
    layers = overrides.collect(brand.manifests, platforms)
    stage = bundle.stage_dir(out_root, brand.output_name)
    try:
        inputs: list[Path] = list(brand.manifests) + brand.assets.files()
        view = template_view(brand_view(brand), brand, targets)
        for target in targets:
            for base, into in target.base:
                _copy_base(root / base, _within(stage, into))
            for r in target.renders(brand, platforms):
                render_template(root / r.template, _within(stage, r.into), r.variables, view)
        for layer in layers:
            inputs += _lay_override(layer, stage)
        say("  icons and splash screens")
        sources = asset_sources(brand)
        wanted = platforms | {"metadata"} if "android" in platforms else platforms
        jobs = plan_assets(sources, frozenset(wanted))
        for rel, data in sorted(render_assets(jobs, sources, workers=workers).items()):
            target_path = bundle.safe_join(stage, rel)
            try:
                target_path.parent.mkdir(parents=True, exist_ok=True)
                target_path.write_bytes(data)
            except _SHAPE_CLASH:
                raise _image_blocked(rel, layers) from None
        bundle.normalise_tree(stage)
        bundles = _write_bundles(brand, stage, platforms)
        _write_build_info(brand, stage, tenant_dir, inputs, platforms, root)
        bundle.normalise_tree(stage)
        files = sum(1 for p in stage.rglob("*") if p.is_file())
        final = out_root / brand.output_name
        bundle.publish(stage, final)
    except OSError as exc:  # a full disk, a read-only or vanished --out: the user's to fix
        bundle.discard(stage)
        raise _os_failure(exc, brand.output_name) from None
    except BaseException:
        bundle.discard(stage)
        raise
    return Built(
        brand.tenant,
        brand.env,
        final,
        files,
        tuple(final / BUNDLES / p.name for p in bundles),
    )


def _os_failure(exc: OSError, name: str) -> IxmError:
    where = f" ({display_path(Path(exc.filename))})" if exc.filename else ""
    return IxmError.single(
        "out",
        f"building {name} failed: {(exc.strerror or str(exc)).lower()}{where}",
        None,
        "check free space and permissions of --out and the tenant folder; the previous "
        "output is untouched",
    )


def _write_bundles(brand: Brand, stage: Path, platforms: frozenset[str]) -> list[Path]:
    """One deterministic zip per platform: its tree plus its store metadata."""
    written = []
    folder = stage / BUNDLES
    folder.mkdir(exist_ok=True)
    for plat in sorted(platforms):
        name = f"{brand.tenant}-{plat}-{brand.app.version}+{brand.app.build}.zip"
        if brand.env:
            name = f"{brand.tenant}@{brand.env}-{plat}-{brand.app.version}+{brand.app.build}.zip"
        scratch = stage / f".bundle-{plat}"
        scratch.mkdir()
        try:
            tree = stage / plat
            if tree.is_dir():
                shutil.copytree(tree, scratch / plat)
            meta = stage / "metadata" / plat
            if meta.is_dir():
                shutil.copytree(meta, scratch / "metadata" / plat)
            dest = folder / name
            bundle.write_zip(scratch, dest)
            written.append(dest)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return written


def _write_build_info(
    brand: Brand,
    stage: Path,
    tenant_dir: Path,
    inputs: list[Path],
    platforms: frozenset[str],
    root: Path,
) -> None:
    tenants_root = tenant_dir.parent
    info: dict[str, Any] = {
        "schema": "ixm-build-info/v1",
        "tool": {"name": "ixm", "version": __version__},
        "base": {"version": base_version(root)},
        "runtime": {"python": pyplatform.python_version(), "pillow": PIL.__version__},
        "tenant": brand.tenant,
        "env": brand.env,
        "platforms": sorted(platforms),
        "inputs": {
            p.resolve().relative_to(tenants_root.resolve()).as_posix(): _sha256(p)
            for p in sorted(set(inputs))
        },
        "outputs": bundle.digest_tree(
            stage,
            exclude=lambda rel: rel.as_posix() in (BUILD_INFO, bundle.MARKER),
        ),
    }
    bundle.write_json(stage / BUILD_INFO, info)


def parse_platforms(value: str | None) -> frozenset[str]:
    if not value:
        return frozenset(PLATFORMS)
    chosen = {p.strip() for p in value.split(",") if p.strip()}
    unknown = chosen - set(PLATFORMS)
    if unknown or not chosen:
        raise IxmError.single(
            "platform",
            f"unknown platform {', '.join(sorted(unknown))}" if unknown else "no platform named",
            None,
            f"choose from {', '.join(PLATFORMS)}, comma-separated",
        )
    return frozenset(chosen)
