"""The library façade: what the CLI calls and what tests call directly.

Keyword-only options, no printing, no exit codes: results and diagnostics are returned, and
user-fixable failures raise IxmError.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ixm_cli import bundle, changes, interrupts, overrides, shards, view
from ixm_cli.build import BUILD_INFO, Built, override_layer, render_tenant
from ixm_cli.buildkey import base_digest, tenant_key
from ixm_cli.cache import Cache, Info
from ixm_cli.changes import Change
from ixm_cli.errors import Diagnostic, IxmError, Severity, display_path, warning
from ixm_cli.manifest import fleet, model
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.resolve import PROD, Workspace, apply_environment, environments, get
from ixm_cli.manifest.tenant import (
    Checked,
    asset_sources,
    check_all_environments,
    check_tenant,
    load_merged,
    printable,
)
from ixm_cli.platform_base import bundled_root
from ixm_cli.publish import publish
from ixm_cli.show import render_merged, render_resolved
from ixm_cli.targets import Provided, Registry, plan_targets
from ixm_cli.targets.base import extension_values
from ixm_cli.tree import Entry, overlay

if TYPE_CHECKING:  # cookiecutter, Jinja and Playwright load only for the commands using them
    from ixm_cli.scaffold import Created


@dataclass(frozen=True)
class Report:
    """What `validate` found, per tenant and environment, plus cross-tenant findings."""

    results: Sequence[Checked]
    shared: Sequence[Diagnostic] = field(default_factory=list)

    def diagnostics(self) -> list[Diagnostic]:
        seen: dict[tuple[Any, ...], Diagnostic] = {}
        for result in self.results:
            for d in result.diagnostics:
                seen.setdefault((d.severity, d.field, d.message, d.location), d)
        for d in self.shared:
            seen.setdefault((d.severity, d.field, d.message, d.location), d)
        return list(seen.values())

    def count(self, severity: Severity) -> int:
        return sum(d.severity is severity for d in self.diagnostics())

    def failed(self, *, strict: bool = False) -> bool:
        return self.count(Severity.ERROR) > 0 or (strict and self.count(Severity.WARNING) > 0)


def select_tenants(ws: Workspace, tenants: Sequence[str], *, all_tenants: bool) -> list[str]:
    """The named tenants, or every tenant when none is named (or --all)."""
    if all_tenants or not tenants:
        found = ws.discover()
        if not found:
            raise IxmError.single(
                "tenants",
                f"no tenants under {ws.tenants}",
                None,
                "a tenant is a folder holding brand.yaml (see tenants/ in the ixm repository)",
            )
        return found
    return list(dict.fromkeys(tenants))


def validate(
    *,
    tenants_dir: Path,
    tenants: Sequence[str] = (),
    all_tenants: bool = False,
    registry: Registry | None = None,
) -> Report:
    ws = Workspace.at(tenants_dir)
    reg = registry or Registry.installed()
    folders = reg.override_folders()
    slugs = select_tenants(ws, tenants, all_tenants=all_tenants)
    results: list[Checked] = []
    for slug in slugs:
        results.extend(_with_collisions(r, reg)
                       for r in check_all_environments(ws, slug, folders=folders))
    shared = shared_team_ids([r for r in results if r.env is None])
    shared += fleet.duplicate_ids(ws, results)
    return Report(results, printable(shared))


def _with_collisions(result: Checked, registry: Registry) -> Checked:
    """What build's overlay would refuse about the overrides and the generated images (an
    override of an image, a folder where an image goes), so validate refuses it too. Only
    the image plan is needed (pure, no pixels); every platform counts, as build may pick any."""
    brand = result.brand
    if brand is None:
        return result
    platforms = frozenset(registry.platforms())
    try:
        laid = overrides.collect(brand.manifests, platforms, registry.override_folders())
        jobs = plan_targets(registry.selected(platforms), asset_sources(brand), platforms)
        overlay([override_layer(laid), {j.path: Entry(b"", layer="images") for j in jobs}])
    except IxmError as exc:
        found = [*result.diagnostics, *printable(exc.diagnostics)]
        return replace(result, diagnostics=found, brand=None)
    return result


SHARED_TEAM_SHOWN = 5
"""Tenants named in a shared-team-id warning; the rest are counted. Naming every tenant in
a warning per tenant grew with the square of the fleet (1.7 MB of stderr at 400 tenants)."""


def shared_team_ids(results: Sequence[Checked]) -> list[Diagnostic]:
    """App Store guideline 4.2.6: template apps must be submitted by each content provider.

    One warning per shared team id, at the first tenant's ``team_id`` (by slug), with the
    number of tenants and the first few of them.
    """
    owners: dict[str, list[Checked]] = {}
    for r in results:
        team = get(r.merged, ("signing", "ios", "team_id")) if r.merged else None
        if isinstance(team, str):
            owners.setdefault(team, []).append(r)
    found = []
    for team, rs in sorted(owners.items()):
        slugs = sorted({r.slug for r in rs})
        if len(slugs) < 2:
            continue
        first = min(rs, key=lambda r: r.slug)
        assert first.merged is not None
        names = ", ".join(slugs[:SHARED_TEAM_SHOWN])
        if len(slugs) > SHARED_TEAM_SHOWN:
            names += f", … ({len(slugs) - SHARED_TEAM_SHOWN} more)"
        found.append(
            warning(
                "signing.ios.team_id",
                f"team id {team} is shared by {len(slugs)} tenants: {names}",
                first.merged.locate(("signing", "ios", "team_id")),
                "App Store guideline 4.2.6: apps from a template must be submitted by "
                "each customer's own developer account",
            )
        )
    return found


def _build_in_worker(
    tenants: Path, slug: str, env: str | None, out_root: Path, plan: _Plan
) -> Built:
    result = check_tenant(Workspace(tenants), slug, env,
                          folders=plan.registry.override_folders())
    if result.brand is None:
        raise IxmError(list(result.diagnostics))
    return _build_one(result.brand, out_root, plan, workers=1)


@dataclass(frozen=True)
class _Plan:
    """What every tenant of one build shares."""

    registry: Registry
    platforms: frozenset[str]
    base: Path
    extensions: Mapping[str, Mapping[str, Any]]
    write: bool
    """False for a dry run or --check: compare with what is published, write nothing."""
    cache: Path | None = None
    base_digest: str = ""
    force: bool = False
    """Build even a tenant whose published output has this build's key."""


def _build_one(
    brand: Brand,
    out_root: Path,
    plan: _Plan,
    *,
    workers: int,
    progress: Callable[[str], None] | None = None,
) -> Built:
    laid = overrides.collect(brand.manifests, plan.platforms, plan.registry.override_folders())
    key = _key(brand, plan, laid)
    final = out_root / brand.output_name
    if plan.write and not plan.force:
        done = _published(final, key)
        if done is not None:
            return Built(brand.tenant, brand.env, final, len(done) + 2,
                         tuple(final / k for k in done if k.startswith("bundles/")),
                         cached=True)
    store = None if plan.cache is None else Cache(plan.cache, readonly=not plan.write)
    rendered = render_tenant(brand, registry=plan.registry, platforms=plan.platforms,
                             base=plan.base, extensions=plan.extensions, workers=workers,
                             progress=progress, cache=store, key=key, laid=laid)
    found: tuple[Change, ...] = ()
    if plan.write:
        publish(rendered.tree, out_root, rendered.name)
    else:
        found = tuple(changes.compare(rendered.tree, final))
    # The marker publishing adds is a file of the output too.
    return Built(brand.tenant, brand.env, final, len(rendered.tree) + 1,
                 tuple(final / rel for rel in rendered.bundles), found)


def _key(brand: Brand, plan: _Plan, laid: Sequence[overrides.Override]) -> str:
    root = brand.manifests[0].parent.parent.resolve()
    files = {*brand.manifests, *brand.assets.files(), *brand.services.files()}
    # An override's mode is published too (0755 for an owner-executable file): a chmod +x
    # alone must make the tenant stale, so the mode is part of the name the key hashes.
    modes = {f.source: f" (mode {f.mode:o})" for o in laid for f in o.files}
    return tenant_key(
        base=plan.base_digest, platforms=plan.platforms, env=brand.env,
        extensions=plan.extensions,
        inputs=[(p.resolve().relative_to(root).as_posix() + modes.get(p, ""), p)
                for p in {*files, *modes}],
    )


def _published(final: Path, key: str) -> dict[str, str] | None:
    """The outputs recorded by ``final``'s build-info.json when it was built with ``key``
    (and is a whole ixm output), else None."""
    try:
        if not (final / bundle.MARKER).is_file():
            return None
        info = json.loads((final / BUILD_INFO).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("key") != key:
        return None
    outputs = info.get("outputs")
    return outputs if isinstance(outputs, dict) else None


def show(*, tenants_dir: Path, tenant: str, env: str | None = None, resolved: bool = False) -> str:
    """The tenant's manifest after extends (and env), each value with where it came from."""
    ws = Workspace.at(tenants_dir)
    if resolved:
        result = check_tenant(ws, tenant, env)
        if result.brand is None:
            raise IxmError(list(result.diagnostics))
        return render_resolved(result.brand)
    base, problems = load_merged(ws, tenant)
    merged, _ = apply_environment(base, env)
    return render_merged(merged)


def targets(*, registry: Registry | None = None, base: Path | None = None) -> list[Provided]:
    """The registered targets (built-in and plug-ins) with the package that provides each;
    a broken plug-in is an :class:`IxmError` naming it."""
    return (registry or Registry.installed()).with_base(base).provided()


def cache_info(*, cache: Path) -> Info:
    return Cache(cache).info()


def cache_prune(*, cache: Path, max_bytes: int) -> Info:
    return Cache(cache).prune(max_bytes)


def schema(*, tenant_json: bool = False) -> dict[str, Any]:
    """JSON Schema of brand.yaml, or (``tenant_json``) of the runtime config tenant.json."""
    return view.tenant_json_schema() if tenant_json else model.json_schema()


@dataclass(frozen=True)
class BuildReport:
    built: Sequence[Built]
    warnings: Sequence[Diagnostic]
    failures: Sequence[Diagnostic] = ()
    """Why tenants failed (their manifest's errors, or a failure while building, e.g. an
    --out folder not made by ixm): the others were still built, as a CI fan-out expects."""
    failed: Sequence[str] = ()
    """The tenants that failed, in order."""
    skipped: Sequence[str] = ()
    """Tenants left out because they do not define the environment asked for (--all)."""
    pruned: Sequence[Path] = ()
    """Outputs removed because their tenant no longer exists (--prune)."""

    @property
    def ok(self) -> bool:
        return not self.failures


def build(
    *,
    tenants_dir: Path,
    out: Path,
    tenants: Sequence[str] = (),
    all_tenants: bool = False,
    platforms: str | None = None,
    env: str | None = None,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    registry: Registry | None = None,
    base: Path | None = None,
    extensions: Mapping[str, Mapping[str, Any]] | None = None,
    config_file: Path | None = None,
    write: bool = True,
    fail_fast: bool = False,
    shard: str | None = None,
    changed_since: str | None = None,
    cache: Path | None = None,
    force: bool = False,
    prune: bool = False,
) -> BuildReport:
    """Check, then build each tenant into ``out/<tenant>[@env]/``.

    A tenant whose manifest has errors, or that fails while building (its previous output
    stays as it was), does not stop the others: its diagnostics are in the report's
    ``failures``. When no tenant checks clean, or with ``fail_fast`` when any does not, it
    raises before anything is written; ``fail_fast`` also stops at the first build failure.
    With ``env`` and every tenant (none named), tenants that do not define ``env`` are
    skipped; an error only when none does.

    ``base`` is a vendor's platform base (None: the bundled one) and ``extensions`` the
    values of its extension points (``config_file`` names where they came from, for errors).
    With ``write=False`` nothing is written: each built entry lists what a build would
    change. ``shard`` (K/N) and ``changed_since`` (a git revision) narrow the tenants;
    ``cache`` is the image cache's folder; ``force`` rebuilds up-to-date tenants; ``prune``
    removes outputs of tenants that no longer exist.
    """
    ws = Workspace.at(tenants_dir)
    reg = (registry or Registry.installed()).with_base(base)
    values = extension_values(reg.targets(), extensions or {}, config_file)
    chosen = reg.parse_platforms(platforms)
    plan = _Plan(reg, chosen, base or bundled_root(), values, write, cache,
                 base_digest(reg.provided()), force)
    slugs = _scope(ws, tenants, all_tenants=all_tenants, shard=shard,
                   changed_since=changed_since, everything=[plan.base, *_files(config_file)])
    if not slugs:
        return BuildReport([], [])
    skipped: list[str] = []
    if env not in (None, PROD) and (all_tenants or not tenants):
        slugs, skipped = _defining(ws, slugs, env)
    folders = reg.override_folders()
    checked = [check_tenant(ws, slug, env, folders=folders) for slug in slugs]
    problems = [d for r in checked for d in r.diagnostics]
    broken = [r for r in checked if r.brand is None]
    if broken and (fail_fast or len(broken) == len(checked)):
        raise IxmError(problems)
    failed = [r.slug for r in broken]
    failures: list[Diagnostic] = [
        d for r in broken for d in r.diagnostics if d.severity is Severity.ERROR]
    out_root = out.absolute()
    if write and out_root.is_dir():
        bundle.cleanup_stale(out_root)
    brands = [r.brand for r in checked if r.brand is not None]
    built: list[Built] = []
    if jobs > 1 and len(brands) > 1:
        # Rendering and Pillow are CPU-bound Python: processes, not threads.
        # Workers get the slug, not the Brand, and resolve it again: cheap, and it keeps the
        # Brand free to hold read-only mappings that do not pickle.
        # Workers die with this process: a killed build must not go on publishing tenants.
        # On Ctrl-C/SIGTERM the pool stops its workers and waits until their stages are gone.
        # cleanup: the stage of a worker killed outright (the OOM killer) is gone at once.
        cleanup = functools.partial(bundle.cleanup_stale, out_root) if write else None
        with interrupts.worker_pool(min(jobs, len(brands)), cleanup=cleanup) as pool:
            futures = [
                pool.submit(
                    interrupts.run_task, _build_in_worker, ws.tenants, b.tenant, env, out_root,
                    plan,
                )
                for b in brands
            ]
            for b, fut in zip(brands, futures, strict=True):
                try:
                    result = fut.result()
                except IxmError as exc:
                    failures += exc.diagnostics
                    failed.append(b.tenant)
                    if fail_fast:
                        pool.shutdown(cancel_futures=True)
                        break
                    continue
                if progress:
                    done = "up to date" if result.cached else "built" if write else "rendered"
                    progress(f"{done} {b.output_name} -> {display_path(result.out)}")
                built.append(result)
    else:
        for b in brands:
            if progress:
                progress(f"building {b.output_name} ({', '.join(sorted(chosen))})")
            try:
                built.append(_build_one(b, out_root, plan, workers=jobs, progress=progress))
            except IxmError as exc:
                failures += exc.diagnostics
                failed.append(b.tenant)
                if fail_fast:
                    break
    warnings = [d for d in problems if d.severity is Severity.WARNING]
    pruned = _prune(ws, out_root) if prune and write else []
    return BuildReport(built, warnings, failures, failed, skipped, pruned)


def _prune(ws: Workspace, out_root: Path) -> list[Path]:
    """Remove ixm-made outputs (``<tenant>`` and ``<tenant>@<env>``) of tenants that are no
    longer under the tenants folder; anything else in --out stays."""
    current = set(ws.discover())
    removed = []
    for entry in sorted(out_root.iterdir()) if out_root.is_dir() else []:
        if entry.name.startswith(".") or entry.name.split("@", 1)[0] in current:
            continue
        if bundle.retire(entry):
            removed.append(entry)
    return removed


def _files(path: Path | None) -> list[Path]:
    return [] if path is None else [path]


def _scope(
    ws: Workspace,
    tenants: Sequence[str],
    *,
    all_tenants: bool,
    shard: str | None,
    changed_since: str | None,
    everything: Sequence[Path],
) -> list[str]:
    """The tenants a run covers: named or all, then those a change touches, then those of one
    shard (planned over every tenant in scope before the change filter, so assignments do
    not move with what changed)."""
    slugs = select_tenants(ws, tenants, all_tenants=all_tenants)
    if shard is not None:
        mine = set(shards.select(ws, slugs, shard))
        slugs = [s for s in slugs if s in mine]
    if changed_since is not None:
        slugs = shards.changed_since(ws, slugs, changed_since, everything)
    return slugs


def plan(
    *,
    tenants_dir: Path,
    shard_count: int,
    tenants: Sequence[str] = (),
    all_tenants: bool = False,
    changed_since: str | None = None,
    base: Path | None = None,
    config_file: Path | None = None,
) -> list[shards.Shard]:
    """``ixm plan``: the tenants in ``shard_count`` stable, cost-balanced shards; with
    ``changed_since``, each shard keeps only the tenants a change touches."""
    ws = Workspace.at(tenants_dir)
    slugs = select_tenants(ws, tenants, all_tenants=all_tenants)
    planned = shards.plan(ws, slugs, shard_count)
    if changed_since is None:
        return planned
    touched = set(shards.changed_since(ws, slugs, changed_since,
                                       [base or bundled_root(), *_files(config_file)]))
    return [
        shards.Shard(s.index, s.of, tuple(t for t in s.tenants if t in touched),
                     sum(shards.cost(ws, t) for t in s.tenants if t in touched))
        for s in planned
    ]


def _defining(ws: Workspace, slugs: list[str], env: str) -> tuple[list[str], list[str]]:
    """(tenants that define ``env``, those that do not). A manifest that cannot be read is
    kept: its check reports why."""
    keep: list[str] = []
    skip: list[str] = []
    for slug in slugs:
        try:
            merged, _ = load_merged(ws, slug)
        except IxmError:
            keep.append(slug)
            continue
        (keep if env in environments(merged) else skip).append(slug)
    if not keep:
        raise IxmError.single(
            "env", f"no tenant defines the environment {env!r}", None,
            "add it under environments: in a tenant's brand.yaml, or build without --env",
        )
    return keep, skip


def init(
    *,
    tenants_dir: Path,
    slug: str,
    extends: str | None = None,
    from_tenant: str | None = None,
    names: Mapping[str, str] | None = None,
    answers: Mapping[str, str] | None = None,
    locales: Sequence[str] = (),
    prompt: bool = False,
) -> Created:
    """Scaffold ``tenants_dir/<slug>/`` from the template shipped with ixm; it validates clean.

    ``names`` maps a locale (or "" for the default one) to the app name; ``answers`` holds
    ``android_id``, ``ios_id``, ``primary`` and ``icon`` (a path to copy). Unset values get
    defaults, or are asked on the terminal when ``prompt`` is true.
    """
    from ixm_cli import scaffold

    return scaffold.init(
        tenants_dir=tenants_dir, slug=slug, extends=extends, from_tenant=from_tenant,
        names=names, answers=answers, locale_tags=locales, prompt=prompt,
    )


@dataclass(frozen=True)
class Preview:
    """What `ixm preview` wrote."""

    html: Path
    png: Path | None
    warnings: Sequence[Diagnostic]


def default_preview_path(tenant: str, env: str | None) -> Path:
    """``dist/<tenant>[@env].preview.html``: beside the build output, never inside a tenant's
    own folder (which a build replaces), and unable to clash with one (slugs hold no dot)."""
    name = tenant if env in (None, "prod") else f"{tenant}@{env}"
    return Path("dist") / f"{name}.preview.html"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8", newline="\n")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise IxmError.single(
            "out", f"cannot write {display_path(path)}: {exc.strerror or exc}",
            None, "choose a writable --out FILE",
        ) from None


def preview(
    *,
    tenants_dir: Path,
    tenant: str,
    env: str | None = None,
    out: Path | None = None,
    png: bool = False,
) -> Preview:
    """Write the tenant's brand sheet (self-contained HTML) and, with ``png``, its picture."""
    from ixm_cli import preview as sheets

    ws = Workspace.at(tenants_dir)
    sheet = sheets.tenant_sheet(ws, tenant, env)
    target = out or default_preview_path(tenant, env)
    _write_atomic(target, sheet.html)
    picture = None
    if png:
        from ixm_cli.preview.png import render_png

        picture = target.with_suffix(".png")
        render_png(sheet.html, picture)
    return Preview(target, picture, sheet.warnings)


@dataclass(frozen=True)
class Fleet:
    html: Path
    tenants: int
    problems: Sequence[Diagnostic]


FLEET_FILE = "_fleet.preview.html"
""""_" cannot start a tenant slug: the grid never takes the name of a tenant's sheet."""


def preview_fleet(*, tenants_dir: Path, out: Path | None = None, jobs: int = 1) -> Fleet:
    """Every tenant's icon, name and palette on one page. A tenant that does not validate is
    a tile saying so, and its diagnostics are returned: the grid is still written."""
    from ixm_cli import preview as sheets

    ws = Workspace.at(tenants_dir)
    slugs = select_tenants(ws, (), all_tenants=True)
    html, problems = sheets.fleet(ws, slugs, jobs=jobs)
    target = out or Path("dist") / FLEET_FILE
    _write_atomic(target, html)
    return Fleet(target, len(slugs), problems)


def preview_watch(
    *,
    tenants_dir: Path,
    tenant: str,
    env: str | None = None,
    ready: Callable[[str], None],
    report: Callable[[Sequence[Diagnostic]], None],
    stop: threading.Event | None = None,
    rendered: Callable[[int], None] | None = None,
) -> None:
    """Serve the sheet on 127.0.0.1 and reload it after each saved change, until ``stop``."""
    from ixm_cli.preview import watch

    ws = Workspace.at(tenants_dir)
    if not ws.manifest(tenant).is_file():
        load_merged(ws, tenant)  # no such tenant: its error, before anything is served
    watch.serve(ws, tenant, env, ready=ready, report=lambda d: report(list(d)),
                rendered=rendered, stop=stop)
