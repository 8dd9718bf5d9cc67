"""The library façade: what the CLI calls and what tests call directly.

Keyword-only options, no printing, no exit codes: results and diagnostics are returned, and
user-fixable failures raise IxmError.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ixm_cli import bundle, changes, index, interrupts, overrides, shards, view
from ixm_cli.build import BUILD_INFO, Built, override_layer, render_tenant
from ixm_cli.buildkey import base_digest, run_digest, tenant_key
from ixm_cli.cache import Cache, Info, Spec
from ixm_cli.catalog import catalog_file, load_catalog
from ixm_cli.errors import Diagnostic, IxmError, Severity, display_path, warning
from ixm_cli.events import Finished, Listener, Outcome, Started, Status
from ixm_cli.fsutil import replace_text
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
    base: Path | None = None,
) -> Report:
    """``base``: the vendor's platform base (its module catalog); None: the bundled one."""
    ws = Workspace.at(tenants_dir, base)
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


@dataclass(frozen=True)
class _Plan:
    """What every tenant of one build shares (it is pickled to each worker)."""

    registry: Registry
    platforms: frozenset[str]
    base: Path
    extensions: Mapping[str, Mapping[str, Any]]
    write: bool
    """False for a dry run or --check: compare with what is published, write nothing."""
    cache: Spec | None = None
    run: str = ""
    """:func:`buildkey.run_digest` of this build: the part of each tenant's key they share."""
    force: bool = False
    """Build even a tenant whose published output has this build's key."""


@dataclass(frozen=True)
class _Done:
    """How one tenant's task ended, as it travels back from a worker."""

    tenant: str
    built: Built | None
    """None when it failed."""
    diagnostics: tuple[Diagnostic, ...]
    """Its warnings, and its errors when it failed."""
    checked: bool
    """False when its manifest did not check clean (nothing was built)."""
    duration: float
    outputs: Mapping[str, str] = field(default_factory=dict)
    entry: index.Entry | None = None
    """Its stat index entry, when it was published (or found current) with trusty stats."""


def _tenant_task(
    tenants: Path,
    slug: str,
    env: str | None,
    out_root: Path,
    plan: _Plan,
    workers: int,
    progress: Callable[[str], None] | None = None,
) -> _Done:
    """Check one tenant, then build it; in a worker or in the main process. A failure is an
    outcome, not an exception: the other tenants go on."""
    start = time.perf_counter()
    since = time.time_ns()
    result = check_tenant(Workspace(tenants, plan.base), slug, env,
                          folders=plan.registry.override_folders())
    found = tuple(result.diagnostics)
    if result.brand is None:
        return _Done(slug, None, found, False, time.perf_counter() - start)
    try:
        built, outputs, entry = _build_one(result.brand, out_root, plan, workers=workers,
                                           progress=progress, since=since)
    except IxmError as exc:
        return _Done(slug, None, (*found, *exc.diagnostics), True, time.perf_counter() - start)
    return _Done(slug, built, found, True, time.perf_counter() - start, outputs, entry)


def _build_one(
    brand: Brand,
    out_root: Path,
    plan: _Plan,
    *,
    workers: int,
    since: int,
    progress: Callable[[str], None] | None = None,
) -> tuple[Built, Mapping[str, str], index.Entry | None]:
    """Build (or find current) one checked tenant: what it is, its outputs with their
    sha256, and its stat index entry."""
    laid = overrides.collect(brand.manifests, plan.platforms, plan.registry.override_folders())
    inputs = _inputs(brand, laid)
    key = tenant_key(run=plan.run, inputs=inputs)
    final = out_root / brand.output_name

    def entry(files: int, bundles: Sequence[str]) -> index.Entry | None:
        return index.record(
            run=plan.run, key=key, inputs=[p for _, p in inputs],
            folders=[m.parent for m in brand.manifests], final=final,
            outputs=[Path(BUILD_INFO), Path(bundle.MARKER)], count=files, bundles=bundles,
            since_ns=since,
        )

    if plan.write and not plan.force:
        done = _published(final, key)
        if done is not None:
            bundles = [k for k in done if k.startswith("bundles/")]
            return (Built(brand.tenant, brand.env, final, len(done) + 2,
                          tuple(final / k for k in bundles), cached=True),
                    done, entry(len(done) + 2, bundles))
    store = None if plan.cache is None else Cache.of(plan.cache, readonly=not plan.write)
    rendered = render_tenant(brand, registry=plan.registry, platforms=plan.platforms,
                             base=plan.base, extensions=plan.extensions, workers=workers,
                             progress=progress, cache=store, key=key, laid=laid)
    # As build-info.json records them (it cannot hold its own digest), cached or not.
    outputs = {rel.as_posix(): e.sha256() for rel, e in sorted(rendered.tree.items())
               if rel != PurePosixPath(BUILD_INFO)}
    # The marker publishing adds is a file of the output too.
    built = Built(brand.tenant, brand.env, final, len(rendered.tree) + 1,
                  tuple(final / rel for rel in rendered.bundles),
                  warnings=tuple(store.warnings) if store is not None else ())
    if not plan.write:
        return replace(built, changes=tuple(changes.compare(rendered.tree, final))), outputs, None
    publish(rendered.tree, out_root, rendered.name)
    return built, outputs, entry(built.files, [rel.as_posix() for rel in rendered.bundles])


def _inputs(brand: Brand, laid: Sequence[overrides.Override]) -> list[tuple[str, Path]]:
    """Each input file of the tenant with the name its key hashes."""
    root = brand.manifests[0].parent.parent.resolve()
    files = {*brand.manifests, *brand.assets.files(), *brand.services.files()}
    # An override's mode is published too (0755 for an owner-executable file): a chmod +x
    # alone must make the tenant stale, so the mode is part of the name the key hashes.
    modes = {f.source: f" (mode {f.mode:o})" for o in laid for f in o.files}
    return [(p.resolve().relative_to(root).as_posix() + modes.get(p, ""), p)
            for p in {*files, *modes}]


def _published(final: Path, key: str) -> dict[str, str] | None:
    """The outputs recorded by ``final``'s build-info.json when it was built with ``key``
    and is a whole ixm output, else None."""
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


def show(
    *, tenants_dir: Path, tenant: str, env: str | None = None, resolved: bool = False,
    base: Path | None = None,
) -> str:
    """The tenant's manifest after extends (and env), each value with where it came from."""
    ws = Workspace.at(tenants_dir, base)
    if resolved:
        result = check_tenant(ws, tenant, env)
        if result.brand is None:
            raise IxmError(list(result.diagnostics))
        return render_resolved(result.brand)
    chain, _ = load_merged(ws, tenant)
    merged, _ = apply_environment(chain, env)
    return render_merged(merged)


def targets(*, registry: Registry | None = None, base: Path | None = None) -> list[Provided]:
    """The registered targets (built-in and plug-ins) with the package that provides each;
    a broken plug-in is an :class:`IxmError` naming it."""
    return (registry or Registry.installed()).with_base(base).provided()


def cache_info(*, cache: Path | Spec) -> list[Info]:
    """Entries and bytes of each level: the local folder, then the remote store (if any)."""
    store = Cache.of(_spec(cache))
    return [store.info(), *_present(store.remote_info())]


def cache_prune(*, cache: Path | Spec, max_bytes: int) -> list[Info]:
    """Each level cut to ``max_bytes``, oldest entries first (for a remote store, by its
    LastModified: the store's own clock, not this machine's)."""
    store = Cache.of(_spec(cache))
    return [store.prune(max_bytes), *_present(store.prune_remote(max_bytes))]


def _spec(cache: Path | Spec) -> Spec:
    return Spec(cache) if isinstance(cache, Path) else cache


def _present(info: Info | None) -> list[Info]:
    return [] if info is None else [info]


def _once(found: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Worker processes each meet a failing remote cache on their own: one warning per run
    (the first), while other warnings are only deduplicated."""
    seen: dict[tuple[Any, ...], Diagnostic] = {}
    for d in found:
        seen.setdefault(("cache",) if d.field == "cache" else (d.field, d.message, d.location),
                        d)
    return list(seen.values())


def schema(
    *, tenant_json: bool = False, report: bool = False, base: Path | None = None
) -> dict[str, Any]:
    """JSON Schema of brand.yaml, or of the runtime config tenant.json (``tenant_json``), or
    of the build report (``report``: ``ixm build --format json`` / ``--report FILE``).
    brand.yaml's names the modules of ``base``'s catalog (None: the bundled base) with the
    JSON Schema of each one's settings, so editors complete and check them."""
    if tenant_json and report:
        raise ValueError("schema: tenant_json and report name different documents; pick one")
    if report:
        from ixm_cli import report as build_report

        return build_report.json_schema()
    if tenant_json:
        return view.tenant_json_schema()
    return model.json_schema({m.name: dict(m.schema) for m in load_catalog(base).modules})


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
    outcomes: Sequence[Outcome] = ()
    """How each tenant ended, in the order the run named them (skipped ones last)."""

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
    cache: Path | Spec | None = None,
    force: bool = False,
    prune: bool = False,
    listen: Listener | None = None,
    outputs: bool = True,
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
    ``cache`` is the image cache (a folder, or a :class:`Spec`: a folder with a remote store
    behind it); ``force`` rebuilds up-to-date tenants; ``prune`` removes outputs of tenants
    that no longer exist. ``listen`` hears each tenant start and end (:mod:`ixm_cli.events`)
    as it happens. ``outputs=False``: outcomes of tenants found up to date by the
    stat index do not list their outputs (reading them is most of what such a tenant costs).
    """
    ws = Workspace.at(tenants_dir, base)
    reg = (registry or Registry.installed()).with_base(base)
    values = extension_values(reg.targets(), extensions or {}, config_file)
    chosen = reg.parse_platforms(platforms)
    norm_env = None if env == PROD else env
    run = run_digest(base=base_digest(reg.provided(), catalog_file(base)), platforms=chosen,
                     env=norm_env, extensions=values)
    plan = _Plan(reg, chosen, base or bundled_root(), values, write,
                 None if cache is None else _spec(cache), run, force)
    slugs = _scope(ws, tenants, all_tenants=all_tenants, shard=shard,
                   changed_since=changed_since, everything=[plan.base, *_files(config_file)])
    if not slugs:
        return BuildReport([], [])
    out_root = out.absolute()
    run_ = _Run(ws, plan, norm_env, out_root, listen, progress, outputs=outputs)
    skipped: list[str] = []
    if norm_env is not None and (all_tenants or not tenants):
        slugs, skipped = _defining(ws, slugs, norm_env, known=run_.indexed)
    run_.total = len(slugs) + len(skipped)
    if fail_fast:
        # Fail-fast promises nothing is written when any manifest has errors: check all first.
        folders = reg.override_folders()
        checked = [check_tenant(ws, slug, env, folders=folders) for slug in slugs]
        broken = [r for r in checked if r.brand is None]
        for r in broken:  # the report names them, though the run ends here
            run_.refused(r)
        if broken:
            raise IxmError([d for r in checked for d in r.diagnostics])
    if write and out_root.is_dir():
        bundle.cleanup_stale(out_root)
    for slug in skipped:
        run_.skip(slug)
    try:
        pending = [slug for slug in slugs if not run_.current(slug)]
        run_.build(pending, jobs=jobs, fail_fast=fail_fast)
    finally:
        run_.save_index()
    done = [run_.done[s] for s in slugs if s in run_.done]
    problems = [d for t in done for d in t.diagnostics]
    if done and all(not t.checked for t in done) and len(done) == len(slugs):
        raise IxmError(problems)  # no tenant checks clean: nothing to build, say why
    failed = [t for t in done if t.built is None]
    failures = [d for t in failed for d in t.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in problems if d.severity is Severity.WARNING]
    warnings += _once([d for t in done if t.built is not None for d in t.built.warnings])
    pruned = _prune(ws, out_root) if prune and write else []
    return BuildReport([t.built for t in done if t.built is not None], warnings, failures,
                       [t.tenant for t in failed], skipped, pruned, run_.outcomes(slugs))


class _Run:
    """One build over many tenants: the stat index, the events, and who ended how."""

    def __init__(
        self,
        ws: Workspace,
        plan: _Plan,
        env: str | None,
        out_root: Path,
        listen: Listener | None,
        progress: Callable[[str], None] | None,
        *,
        outputs: bool = True,
    ) -> None:
        self.ws, self.plan, self.env, self.out_root = ws, plan, env, out_root
        self.total = 0
        """Tenants the run covers, once known."""
        self.listen = listen or (lambda _event: None)
        self.progress = progress
        self.outputs = outputs
        self.ended = 0
        self.done: dict[str, _Done] = {}
        self.skipped: list[Outcome] = []
        self.use_index = plan.write and not plan.force
        self.index = index.load(out_root) if self.use_index else {}
        self.entries = dict(self.index)
        self.seen: dict[str, index.Signature | None] = {}

    def name(self, slug: str) -> str:
        return slug if self.env is None else f"{slug}@{self.env}"

    def _finish(self, outcome: Outcome) -> None:
        self.ended += 1
        self.listen(Finished(outcome, self.ended, self.total))

    def skip(self, slug: str, *, started: bool = False) -> None:
        if not started:
            self.listen(Started(slug, self.env, self.total))
        outcome = Outcome(slug, self.env, Status.SKIPPED, 0.0)
        self.skipped.append(outcome)
        self._finish(outcome)

    def refused(self, checked: Checked) -> None:
        """A tenant whose manifest did not check clean, before anything was built."""
        self.listen(Started(checked.slug, self.env, self.total))
        self._ended(_Done(checked.slug, None, tuple(checked.diagnostics), False, 0.0))

    def indexed(self, slug: str) -> bool:
        """Whether the stat index has this tenant's output as current (it then defines the
        run's environment, too)."""
        entry = self.index.get(self.name(slug))
        return entry is not None and entry.current(self.plan.run, self.seen)

    def current(self, slug: str) -> bool:
        """Up to date by the stat index alone (no YAML read, no image decoded): it ends."""
        start = time.perf_counter()
        entry = self.index.get(self.name(slug))
        if entry is None or not self.indexed(slug):
            return False
        final = self.out_root / self.name(slug)
        # The signatures vouch for build-info.json (its ctime cannot be set back): read it
        # only for the outputs it lists, when someone wants them.
        outputs = _published(final, entry.key) if self.outputs else {}
        if outputs is None:
            return False
        self.listen(Started(slug, self.env, self.total))
        built = Built(slug, self.env, final, entry.count,
                      tuple(final / b for b in entry.bundles), cached=True)
        self._ended(_Done(slug, built, (), True, time.perf_counter() - start, outputs, entry))
        return True

    def _ended(self, done: _Done) -> None:
        self.done[done.tenant] = done
        # A tenant without a new entry (it failed, or its files were too new to trust)
        # keeps its old one: it no longer matches anything, and a failed build leaves the
        # index as it was.
        if done.entry is not None:
            self.entries[self.name(done.tenant)] = done.entry
        built = done.built
        if built is None:
            status = Status.FAILED
        else:
            status = Status.CACHED if built.cached else Status.BUILT
        self._finish(Outcome(done.tenant, self.env, status, done.duration,
                             None if built is None else built.out, done.outputs,
                             done.diagnostics))

    def build(self, slugs: Sequence[str], *, jobs: int, fail_fast: bool) -> None:
        if jobs <= 1 or len(slugs) <= 1:
            for slug in slugs:
                self.listen(Started(slug, self.env, self.total))
                if self.progress:
                    platforms = ", ".join(sorted(self.plan.platforms))
                    self.progress(f"building {self.name(slug)} ({platforms})")
                done = _tenant_task(self.ws.tenants, slug, self.env, self.out_root, self.plan,
                                    jobs, self.progress)
                self._ended(done)
                if fail_fast and done.built is None:
                    return
            return
        workers = min(jobs, len(slugs))
        # Rendering and Pillow are CPU-bound Python: processes, not threads. A worker gets
        # the slug, not the Brand, and checks it there: checking is most of what a fleet
        # costs, and the main process only hands out work. Workers die with this process:
        # a killed build must not go on publishing tenants; on Ctrl-C/SIGTERM the pool stops
        # them and waits until their stages are gone. cleanup: the stage of a worker killed
        # outright (the OOM killer) is gone at once.
        cleanup = functools.partial(bundle.cleanup_stale, self.out_root) if self.plan.write \
            else None
        queue = iter(slugs)
        with interrupts.worker_pool(workers, cleanup=cleanup) as pool:
            running: dict[Future[_Done], str] = {}

            def submit() -> None:
                slug = next(queue, None)
                if slug is not None:
                    self.listen(Started(slug, self.env, self.total))
                    running[pool.submit(interrupts.run_task, _tenant_task, self.ws.tenants,
                                        slug, self.env, self.out_root, self.plan, 1)] = slug
            # One task queued beyond the workers keeps them busy between results; no more,
            # so a tenant is "started" when a worker is about to take it.
            for _ in range(workers + 1):
                submit()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in sorted(finished, key=lambda f: slugs.index(running[f])):
                    running.pop(fut)
                    done = fut.result()
                    self._ended(done)
                    if self.progress and done.built is not None:
                        verb = "up to date" if done.built.cached else (
                            "built" if self.plan.write else "rendered")
                        self.progress(f"{verb} {self.name(done.tenant)} -> "
                                      f"{display_path(done.built.out)}")
                    if fail_fast and done.built is None:
                        pool.shutdown(cancel_futures=True)
                        for rest, slug in running.items():
                            if rest.cancelled():  # started (queued), never run
                                self.skip(slug, started=True)
                            else:
                                self._ended(rest.result())
                        return
                    submit()

    def outcomes(self, slugs: Sequence[str]) -> list[Outcome]:
        """Every tenant's outcome in the order the run named them, skipped ones last."""
        found = []
        for slug in slugs:
            done = self.done.get(slug)
            if done is None:
                continue
            built = done.built
            status = Status.FAILED if built is None else (
                Status.CACHED if built.cached else Status.BUILT)
            found.append(Outcome(slug, self.env, status, done.duration,
                                 None if built is None else built.out, done.outputs,
                                 done.diagnostics))
        return [*found, *self.skipped]

    def save_index(self) -> None:
        if self.use_index and self.entries != self.index:
            index.save(self.out_root, self.entries)


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


def _defining(
    ws: Workspace, slugs: list[str], env: str, *, known: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """(tenants that define ``env``, those that do not). A manifest that cannot be read is
    kept: its check reports why. ``known`` tenants define it without being read (their
    output for ``env`` is current)."""
    keep: list[str] = []
    skip: list[str] = []
    for slug in slugs:
        if known(slug):
            keep.append(slug)
            continue
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
    try:
        replace_text(path, text)
    except OSError as exc:
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
    base: Path | None = None,
) -> Preview:
    """Write the tenant's brand sheet (self-contained HTML) and, with ``png``, its picture."""
    from ixm_cli import preview as sheets

    ws = Workspace.at(tenants_dir, base)
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


def preview_fleet(
    *, tenants_dir: Path, out: Path | None = None, jobs: int = 1, base: Path | None = None
) -> Fleet:
    """Every tenant's icon, name and palette on one page. A tenant that does not validate is
    a tile saying so, and its diagnostics are returned: the grid is still written."""
    from ixm_cli import preview as sheets

    ws = Workspace.at(tenants_dir, base)
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
    base: Path | None = None,
) -> None:
    """Serve the sheet on 127.0.0.1 and reload it after each saved change, until ``stop``."""
    from ixm_cli.preview import watch

    ws = Workspace.at(tenants_dir, base)
    if not ws.manifest(tenant).is_file():
        load_merged(ws, tenant)  # no such tenant: its error, before anything is served
    watch.serve(ws, tenant, env, ready=ready, report=lambda d: report(list(d)),
                rendered=rendered, stop=stop)
