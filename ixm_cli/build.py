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

from ixm_cli import __version__, bundle
from ixm_cli.assets import plan_assets, render_assets
from ixm_cli.errors import IxmError, display_path
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.tenant import asset_sources
from ixm_cli.render import render_template
from ixm_cli.targets import PLATFORMS, Target, default_registry, template_view
from ixm_cli.view import brand_view

BUILD_INFO = "build-info.json"
BUNDLES = "bundles"
OVERRIDES = "overrides"


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


def _tree_files(src: Path, *, what: str) -> list[tuple[PurePosixPath, Path]]:
    """Every regular file under ``src`` as (relative path, path), sorted; nothing is written.

    A symlink could lead outside its folder (and a FIFO or device is no file to copy), so
    either is refused; listing first lets a build refuse before it writes anything.
    """
    found = []
    for path in sorted(src.rglob("*")):
        if path.is_symlink():
            raise IxmError.single(
                what,
                f"{display_path(path)} is a symbolic link",
                None,
                "replace it with the real file: links could point outside the tenant folder",
            )
        if not (path.is_dir() or path.is_file()):
            raise IxmError.single(
                what,
                f"{display_path(path)} is not a regular file or folder",
                None,
                "remove it: only plain files and folders can be laid over the output",
            )
        if path.is_file():
            found.append((PurePosixPath(path.relative_to(src).as_posix()), path))
    return found


# A file where the tree holds a folder, or the other way round.
_SHAPE_CLASH = (FileExistsError, NotADirectoryError, IsADirectoryError)


def _copy_files(
    files: list[tuple[PurePosixPath, Path]], dest: Path, *, what: str, into: str = "."
) -> list[Path]:
    """Copy ``files`` under ``dest`` (which is ``into`` in the output); returns the sources."""
    for rel, path in files:
        target = bundle.safe_join(dest, rel)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        except _SHAPE_CLASH:
            if what != "overrides":
                raise  # the platform base is ours: a clash there is a bug
            raise IxmError.single(
                "overrides",
                f"{display_path(path)} does not fit the output tree: a file and a folder "
                f"would share a name on the way to {PurePosixPath(into) / rel}",
                None,
                "lay a file over a file and a folder over a folder; rename or move it",
            ) from None
    return [path for _, path in files]


def _copy_tree(src: Path, dest: Path, *, what: str) -> list[Path]:
    """Copy regular files only (see :func:`_tree_files`); returns the sources copied."""
    return _copy_files(_tree_files(src, what=what), dest, what=what)


@dataclass(frozen=True)
class _Override:
    into: str  # "android", "metadata/ios", …: relative to dist/<tenant>/
    files: list[tuple[PurePosixPath, Path]]


def _overrides(
    brand: Brand, targets: list[Target], platforms: frozenset[str]
) -> list[_Override]:
    """The override folders of this build, parents' first so a customer's own file wins
    over its partner's; every file listed (and links refused) before the build writes."""
    found = []
    for manifest in reversed(brand.manifests):
        for target in targets:
            for name, platform in target.override_dirs:
                if platform not in platforms:
                    continue
                src = _override_dir(manifest.parent, name)
                if src is not None:
                    found.append(_Override(name, _tree_files(src, what="overrides")))
    return found


def _override_dir(tenant_dir: Path, name: str) -> Path | None:
    """``tenant_dir/overrides/<name>`` if it is a real folder, else None.

    Every step is checked, not only the files inside: a linked ``overrides/`` or
    ``overrides/web/`` would pull in files from outside the tenant folder.
    """
    path = tenant_dir
    for part in (OVERRIDES, *PurePosixPath(name).parts):
        path = path / part
        if path.is_symlink():
            raise IxmError.single(
                "overrides",
                f"{display_path(path)} is a symbolic link",
                None,
                "replace it with a real folder: links could point outside the tenant folder",
            )
        if not path.is_dir():
            return None
    return path


def _image_blocked(rel: PurePosixPath, overrides: list[_Override]) -> IxmError:
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
    overrides = _overrides(brand, targets, platforms)  # refuses links before anything exists
    stage = bundle.stage_dir(out_root, brand.output_name)
    try:
        inputs: list[Path] = list(brand.manifests) + brand.assets.files()
        view = template_view(brand_view(brand), brand, targets)
        for target in targets:
            for base, into in target.base:
                _copy_tree(root / base, _within(stage, into), what="templates")
            for r in target.renders(brand, platforms):
                render_template(root / r.template, _within(stage, r.into), r.variables, view)
        for override in overrides:
            inputs += _copy_files(
                override.files,
                bundle.safe_join(stage, override.into),
                what="overrides",
                into=override.into,
            )
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
                raise _image_blocked(rel, overrides) from None
        bundle.normalise_tree(stage)
        bundles = _write_bundles(brand, stage, platforms)
        _write_build_info(brand, stage, tenant_dir, inputs, platforms, root)
        bundle.normalise_tree(stage)
        files = sum(1 for p in stage.rglob("*") if p.is_file())
        final = out_root / brand.output_name
        bundle.publish(stage, final)
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
