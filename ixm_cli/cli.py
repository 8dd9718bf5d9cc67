"""The `ixm` command line: a thin shell over ``ixm_cli.api`` with one error boundary."""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Collection, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from ixm_cli import (
    __version__,
    api,
    bundle,
    changes,
    config,
    events,
    faults,
    interrupts,
    output,
    progress,
    report,
    resources,
    shards,
)
from ixm_cli.cache import Spec
from ixm_cli.errors import Diagnostic, IxmError, Location, Severity, display_path
from ixm_cli.targets import Registry

try:  # typer >= 0.2x vendors click; older releases use click itself
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - depends on the installed typer
    from click.exceptions import UsageError  # type: ignore[assignment,unused-ignore]

DEFAULT_OUT = Path("dist")
_WANTS_JSON = "ixm.wants_json"
_JSON_DOCUMENT = "ixm.json_document"
"""A command's own JSON document for an interrupt or usage error it saw (ctx.meta)."""


def _wants_json(args: Sequence[str]) -> bool:
    """Whether the raw command line asks for ``--format json``.

    Read from the raw arguments because a usage error means they did not parse: a pipeline
    that asked for JSON still gets its one document.
    """
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--format=json" or (arg == "--format" and args[i + 1 : i + 2] == ["json"]):
            return True
    return False


def _reserve_standard_fds() -> None:
    """Keep fds 0-2 occupied when ixm was started with one closed (``ixm build >&-``).

    Otherwise the next file ixm opens (a PNG being written, a zip) would get fd 1 and any
    stray write to "stdout" would land inside an output. ``/dev/null`` holds the slot; stdout
    itself stays known as closed (``sys.stdout is None``) and writing to it is reported.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:  # a lower slot was free too; it is filled on its own turn
                os.dup2(opened, fd)
                os.close(opened)


def _silence_stdout() -> None:
    """After stdout failed, point fd 1 at /dev/null so the interpreter's final flush of what
    is still buffered cannot print "Exception ignored … BrokenPipeError" (Python docs,
    "Note on SIGPIPE")."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


class IxmGroup(TyperGroup):
    """The root command: what every ixm command shares before and after it runs.

    * ``--format json`` yields its JSON document for usage errors too (exit 2);
    * SIGTERM unwinds like Ctrl-C; either ends with one line and exit 130/143;
    * a stdout that fails (closed, full disk, a reader that left) is exit 1, quietly for a
      reader that left (``ixm schema | head -c1``), like a Unix filter;
    * previous outputs that a kill left under a trash name in ``./dist`` are put back.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Any = None,
        **extra: Any,
    ) -> Any:
        _reserve_standard_fds()
        wants_json = _wants_json(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            if wants_json:
                _usage_json(exc)
            raise
        ctx.meta[_WANTS_JSON] = wants_json
        return ctx

    def invoke(self, ctx: Any) -> Any:
        wants_json = bool(ctx.meta.get(_WANTS_JSON))
        try:
            with interrupts.terminate_raises():
                bundle.recover(_workspace_out())
                try:
                    return super().invoke(ctx)
                finally:
                    _flush_stdout()
        except UsageError as exc:
            if wants_json:
                _usage_json(exc, ctx.meta.get(_JSON_DOCUMENT))
            raise
        except output.StdoutError as exc:
            _silence_stdout()
            if exc.cause.errno != errno.EPIPE:  # a reader that left wants no message
                d = faults.diagnose(
                    exc.cause,
                    doing="writing to standard output",
                    field="stdout",
                    fix="send ixm's output to a file on a writable disk with free space, or "
                    "to /dev/null",
                )
                output.print_text([d])
            raise typer.Exit(1) from None
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM, after every cleanup has run
            if wants_json:
                _try_json(ctx.meta.get(_JSON_DOCUMENT) or {
                    "ok": False, "interrupted": interrupts.signal_name(exc), "diagnostics": []})
            print(
                f"ixm: interrupted ({interrupts.signal_name(exc)}); unfinished outputs were "
                "removed, earlier ones are as they were",
                file=sys.stderr,
            )
            raise typer.Exit(interrupts.exit_code(exc)) from None


def _workspace_out() -> Path:
    """Where this workspace's outputs go (ixm.toml's ``out``, else ./dist), for recovery;
    a workspace file that does not load is the command's to report, not this."""
    try:
        return config.load(config.find(Path.cwd())).out.absolute()
    except (IxmError, OSError):
        return DEFAULT_OUT.absolute()


def _flush_stdout() -> None:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:
        raise output.StdoutError(exc) from None


def _try_json(document: dict[str, Any]) -> None:
    """A last JSON document on the way out; a failing stdout is not worth a second error."""
    try:
        output.print_json(document)
    except output.StdoutError:
        _silence_stdout()


def _usage_json(exc: UsageError, document: dict[str, Any] | None = None) -> None:
    """The one JSON document of a usage error: the command's own (``document``; ``build``'s
    report, also when its arguments did not parse), else ok/usage_error/diagnostics."""
    if document is None and exc.ctx is not None and exc.ctx.command.name == "build":
        document = report.usage(exc.format_message()).document()
    _try_json(document or {"ok": False, "usage_error": exc.format_message(),
                           "diagnostics": []})


app = typer.Typer(
    name="ixm",
    help="White-label app packaging: one brand manifest to Android, iOS and web (PWA) trees.",
    cls=IxmGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold tenant data
    add_completion=False,
    rich_markup_mode=None,
)

T = TypeVar("T")
_state = {"debug": False}


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"


TenantsDir = Annotated[
    Path | None,
    typer.Option("--tenants", help="Folder holding one sub-folder per tenant "
                 "[default: from ixm.toml, else ./tenants]."),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", help="The workspace file [default: the nearest ixm.toml in this "
                 "folder or above].", dir_okay=False),
]


def _workspace(config_file: Path | None) -> config.Config:
    """The workspace file named, or found from the current folder (none: defaults)."""
    return config.load(config_file if config_file is not None else config.find(Path.cwd()))


def _version(value: bool) -> None:
    if value:
        print(f"ixm {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an internal error.")
    ] = False,
) -> None:
    """Exit codes: 0 ok, 1 invalid input, failed build or failing disk/folder/stdout (the
    message says how to fix it), 2 usage error, 3 internal error (a bug), 130/143 interrupted
    (SIGINT/SIGTERM)."""
    _state["debug"] = debug


@dataclass(frozen=True)
class _Failure:
    """How a command failed, before anything is printed: ``code`` 1 (the user's to fix:
    ``diagnostics`` say how) or 3 (a bug: ``internal``)."""

    code: int
    diagnostics: Sequence[Diagnostic] = ()
    internal: Exception | None = None

    def internal_text(self) -> str | None:
        exc = self.internal
        return None if exc is None else output.public_text(f"{type(exc).__name__}: {exc}")


def _attempt(action: Callable[[], T]) -> T | _Failure:
    """The one error boundary: domain and environment errors are exit 1, bugs exit 3.

    A full disk, a read-only or vanished folder, a name over the file system's limit: the
    user's to fix, so exit 1 naming the path (``faults``). Anything else is a bug: exit 3,
    the traceback with ``--debug``. Interrupts and usage errors pass through to
    ``IxmGroup.invoke``.
    """
    try:
        return action()
    except (typer.Exit, UsageError):
        raise
    except IxmError as exc:
        return _Failure(1, exc.diagnostics)
    except OSError as exc:
        if not faults.is_environment(exc):
            return _Failure(3, internal=exc)
        return _Failure(1, [faults.diagnose(exc, field="path")])
    except BrokenProcessPool:
        return _Failure(1, faults.worker_died().diagnostics)
    except Exception as exc:  # noqa: BLE001 - the boundary for bugs
        return _Failure(3, internal=exc)


def _run(action: Callable[[], T], *, json_errors: bool = False) -> T:
    """``action()``, or its failure reported (JSON on stdout with ``json_errors``) and
    exited with."""
    result = _attempt(action)
    if isinstance(result, _Failure):
        _exit(result, json_errors=json_errors)
    return result


def _exit(
    failure: _Failure,
    *,
    json_errors: bool,
    document: dict[str, Any] | None = None,
    printed: Collection[Diagnostic] = (),
) -> NoReturn:
    """Report ``failure`` and exit with its code. ``document`` is the command's own JSON
    document for it (the default: ok, diagnostics and internal_error); ``printed``
    diagnostics were already shown on stderr."""
    exc = failure.internal
    if exc is not None and _state["debug"]:
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    if json_errors:  # a pipeline reading stdout still gets its one JSON document
        if document is None:
            document = {"ok": False,
                        "diagnostics": [output.diagnostic_data(d) for d in failure.diagnostics]}
            if exc is not None:
                document["internal_error"] = failure.internal_text()
        output.print_json(document)
    output.print_text(d for d in failure.diagnostics if d not in printed)
    if exc is not None:
        print(
            f"ixm: internal error ({type(exc).__name__}): {output.public_text(str(exc))}\n"
            "  this is a bug in ixm, not in your input; rerun with --debug and report it",
            file=sys.stderr,
        )
    raise typer.Exit(failure.code) from None


@app.command()
def validate(
    tenants: Annotated[
        list[str] | None, typer.Argument(help="Tenant slugs; all tenants when none is named.")
    ] = None,
    all_tenants: Annotated[bool, typer.Option("--all", help="Validate every tenant.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    fmt: Annotated[
        ValidateFormat,
        typer.Option("--format", help="text (stderr), json (stdout) or github annotations."),
    ] = ValidateFormat.text,
    tenants_dir: TenantsDir = None,
    config_file: ConfigFile = None,
) -> None:
    """Check manifests (alone and with each environment overlay); writes nothing."""

    def action() -> api.Report:
        ws = _workspace(config_file)
        return api.validate(
            tenants_dir=tenants_dir or ws.tenants, tenants=tenants or (), all_tenants=all_tenants,
            base=ws.base,
        )

    report = _run(action, json_errors=fmt is ValidateFormat.json)
    diagnostics = sorted(report.diagnostics(), key=lambda d: d.sort_key())
    failed = report.failed(strict=strict)
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    if fmt is ValidateFormat.json:
        output.print_json(
            {
                "ok": not failed,
                "errors": errors,
                "warnings": warnings,
                "results": [
                    {
                        "tenant": r.slug,
                        "env": r.env,
                        "ok": r.ok,
                        "diagnostics": [output.diagnostic_data(d) for d in r.diagnostics],
                    }
                    for r in report.results
                ],
                "shared": [output.diagnostic_data(d) for d in report.shared],
            }
        )
    elif fmt is ValidateFormat.github:
        for d in diagnostics:
            print(output.github_annotation(d))
    else:
        output.print_text(diagnostics)
        slugs = sorted({r.slug for r in report.results})
        print(
            f"ixm: checked {len(slugs)} tenant(s), {len(report.results)} manifest(s) with "
            f"environments: {errors} error(s), {warnings} warning(s)",
            file=sys.stderr,
        )
    raise typer.Exit(1 if failed else 0)


@app.command()
def show(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    env: Annotated[
        str | None, typer.Option("--env", help="Apply this environment overlay.")
    ] = None,
    resolved: Annotated[
        bool,
        typer.Option(
            "--resolved", help="Show the checked brand: defaults filled, colours normalised."
        ),
    ] = False,
    tenants_dir: TenantsDir = None,
    config_file: ConfigFile = None,
) -> None:
    """Print the manifest after extends and --env, each value with the file:line:col it came
    from."""
    def action() -> str:
        ws = _workspace(config_file)
        return api.show(tenants_dir=tenants_dir or ws.tenants, tenant=tenant, env=env,
                        resolved=resolved, base=ws.base)

    text = _run(action)
    output.write_stdout(text)


@app.command()
def schema(
    tenant_json: Annotated[
        bool, typer.Option("--tenant-json", help="The schema of the runtime config tenant.json.")
    ] = False,
    build_report: Annotated[
        bool, typer.Option("--report", help="The schema of the build report (ixm build "
                           "--format json, --report FILE).")
    ] = False,
    config_file: ConfigFile = None,
) -> None:
    """Print the JSON Schema (2020-12) of brand.yaml, for editor autocompletion (its modules
    are those of the workspace's platform base), or of tenant.json, or of the build report."""
    if tenant_json and build_report:
        raise typer.BadParameter("--tenant-json and --report name different schemas; pass "
                                 "one of them", param_hint="'--report'")
    def action() -> dict[str, Any]:
        # only brand.yaml's schema depends on the workspace (its base's module catalog)
        base = None if tenant_json or build_report else _workspace(config_file).base
        return api.schema(tenant_json=tenant_json, report=build_report, base=base)

    document: Any = _run(action)
    output.print_json(document)


class BuildFormat(str, enum.Enum):
    text = "text"
    json = "json"


def _platforms_option(value: str | None) -> str | None:
    """An unknown platform is a usage error (exit 2), found before any tenant is read.

    ``api.build`` checks again for library callers (there an ``IxmError``); the CLI reports
    it like any other bad option value, with the usage line.
    """
    if value is not None and not value.strip():
        raise typer.BadParameter(
            "names no platform; leave --platform out to build every platform, or name "
            "some: android,ios,web"
        )
    if value is not None:
        try:
            registry = Registry.installed()
        except IxmError:
            return value  # a broken plug-in: the command reports it (exit 1)
        try:
            registry.parse_platforms(value)
        except IxmError as exc:
            raise typer.BadParameter(
                "; ".join(f"{d.message} ({d.hint})" if d.hint else d.message
                          for d in exc.diagnostics)
            ) from None
    return value


def _check_out(out: Path, tenants_dir: Path, *, from_file: Path | None) -> None:
    """``--out`` inside the tenants folder is a usage error: a tenant's output would land in
    (and ship with) a tenant's own files, and the next run would read it as input. When the
    folder came from ixm.toml (``from_file``) it is that file's error instead (exit 1)."""
    try:
        out_real, tenants_real = out.resolve(), tenants_dir.resolve()
    except (OSError, RuntimeError):  # a symlink loop; the build reports the path itself
        return
    if not (out_real == tenants_real or out_real.is_relative_to(tenants_real)):
        return
    problem = f"{display_path(out)} is inside the tenants folder {display_path(tenants_dir)}"
    if from_file is not None:
        raise IxmError.single(
            "out", f"out: {problem}", Location(from_file), "point out at a folder outside it"
        )
    raise typer.BadParameter(
        f"{problem}; choose an --out outside it (the default is ./dist)",
        param_hint="'--out'",
    )


@app.command()
def build(
    ctx: typer.Context,
    tenants: Annotated[
        list[str] | None, typer.Argument(help="Tenant slugs; all tenants when none is named.")
    ] = None,
    all_tenants: Annotated[bool, typer.Option("--all", help="Build every tenant.")] = False,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            callback=_platforms_option,
            help="Comma-separated platforms (ixm targets lists them; default: all).",
        ),
    ] = None,
    env: Annotated[
        str | None, typer.Option("--env", help="Environment overlay, e.g. staging (default prod).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder; each tenant goes to OUT/<tenant>[@env]/ "
                     "[default: from ixm.toml, else ./dist]."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, help="Processes to use (default: the CPUs this may use)."),
    ] = None,
    fmt: Annotated[
        BuildFormat, typer.Option("--format", help="text (progress on stderr) or json (stdout).")
    ] = BuildFormat.text,
    tenants_dir: TenantsDir = None,
    config_file: ConfigFile = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print per file create/change/remove/identical; "
                           "write nothing.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when an output is stale.")
    ] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first tenant that fails (default: "
                           "build every tenant that checks clean, report the rest).")
    ] = False,
    shard: Annotated[
        str | None, typer.Option("--shard", metavar="K/N",
                                 help="Build only shard K of N (see ixm plan).")
    ] = None,
    changed_since: Annotated[
        str | None, typer.Option("--changed-since", metavar="REF",
                                 help="Only tenants a change since git REF touches.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Render every image (ignore ixm.toml's cache).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild tenants whose output is already current.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove the outputs (only ixm-made ones) of tenants "
                           "that no longer exist.")
    ] = False,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", metavar="FILE", dir_okay=False,
                     help="Also write the JSON build report here (its schema: ixm schema "
                     "--report), on success and on failure."),
    ] = None,
) -> None:
    """Build Android, iOS and web trees, store metadata and zips for each tenant."""
    began = time.monotonic()
    compare = dry_run or check
    command = report.Command(
        tenants=list(tenants or ()), platforms=None, env=env, out=None, shard=shard,
        changed_since=changed_since, mode="check" if check else "dry-run" if dry_run else "build",
        fail_fast=fail_fast, force=force, prune=prune,
    )
    recorder = report.Recorder()
    show = progress.for_build(fmt is BuildFormat.json, write=not compare)

    def listen(event: events.Event) -> None:
        recorder(event)
        show(event)

    # Where outputs go and tenants are read, as far as known: the report is never written
    # among them, whatever stops the run (a workspace file that does not load included).
    where = {"out": out or DEFAULT_OUT, "tenants": tenants_dir or Path("tenants")}

    def report_target() -> Path | None:
        if report_file is None or report.check_path(report_file, **where) is not None:
            return None
        return report_file

    def action() -> api.BuildReport:
        nonlocal command
        ws = _workspace(config_file)
        where.update(out=out or ws.out, tenants=tenants_dir or ws.tenants)
        chosen = platform if platform is not None else ws.platforms
        command = command.model_copy(update={
            "out": str(out or ws.out),
            "platforms": None if chosen is None else [p.strip() for p in chosen.split(",")],
        })
        if report_file is not None:
            _check_report(report_file, out or ws.out, tenants_dir or ws.tenants)
        _check_out(out or ws.out, tenants_dir or ws.tenants, from_file=None if out else ws.file)
        return api.build(
            tenants_dir=tenants_dir or ws.tenants,
            out=out or ws.out,
            tenants=tenants or (),
            all_tenants=all_tenants,
            platforms=chosen,
            env=env,
            jobs=jobs or resources.default_jobs(),
            progress=show.note,
            listen=listen,
            base=ws.base,
            extensions=ws.extensions,
            config_file=ws.file,
            write=not compare,
            fail_fast=fail_fast,
            shard=shard,
            changed_since=changed_since,
            cache=None if no_cache else ws.cache,
            force=force,
            prune=prune,
            outputs=fmt is BuildFormat.json or report_file is not None,
        )

    def document(code: int, **found: Any) -> report.BuildReport:
        return report.make(command=command, exit_code=code, recorder=recorder,
                           duration=time.monotonic() - began, **found)

    try:
        with show:
            result = _attempt(action)
    except (KeyboardInterrupt, UsageError) as exc:
        # The group prints the one line (and, for JSON, this document) and exits; the
        # report file is written here, where what ran is known.
        if isinstance(exc, KeyboardInterrupt):
            ended = document(interrupts.exit_code(exc), interrupted=interrupts.signal_name(exc))
        else:
            ended = report.usage(exc.format_message())
        ctx.meta[_JSON_DOCUMENT] = ended.document()
        target = report_target()
        if target is not None:
            with contextlib.suppress(IxmError):  # best effort on the way out
                report.write(target, ended)
        raise
    if isinstance(result, _Failure):
        failed = document(result.code, diagnostics=result.diagnostics,
                          internal_error=result.internal_text())
        failed, _ = _save_report(report_target(), failed)
        _exit(result, json_errors=fmt is BuildFormat.json, document=failed.document(),
              printed=show.shown)
    stale = compare and any(changes.stale(list(b.changes)) for b in result.built)
    done = document(
        1 if not result.ok or (check and stale) else 0, outcomes=result.outcomes,
        built=result.built, compared=compare,
        warnings=result.warnings, diagnostics=result.failures, pruned=result.pruned,
        stale=stale if compare else None,
    )
    done, written = _save_report(report_target(), done)
    if fmt is BuildFormat.json:
        output.print_json(done.document())
        raise typer.Exit(done.exit_code)
    output.print_text(d for d in result.warnings if d not in show.shown)
    for b in result.built if compare else ():
        shown = display_path(b.out)
        for c in b.changes:
            if dry_run or c.verb is not changes.Verb.identical:
                print(f"{c.verb.value:>9}  {shown}/{c.path.as_posix()}")
        counts = {v: sum(c.verb is v for c in b.changes) for v in changes.Verb}
        state = "stale" if changes.stale(list(b.changes)) else "up to date"
        print(
            f"ixm: {shown} is {state}: " + ", ".join(f"{n} {v.value}" for v, n in counts.items()),
            file=sys.stderr,
        )
    for path in result.pruned:
        print(f"ixm: removed {display_path(path)}: its tenant no longer exists", file=sys.stderr)
    for slug in result.skipped:
        print(f"ixm: skipped {slug}: it does not define environment {env!r}", file=sys.stderr)
    output.print_text(d for d in result.failures if d not in show.shown)
    print(f"ixm: {show.summary(done.totals.duration)}", file=sys.stderr)
    if result.failed:
        print(f"ixm: {len(result.failed)} tenant(s) failed: {', '.join(result.failed)}",
              file=sys.stderr)
    if check and stale:
        print("ixm: outputs are stale; run ixm build to update them", file=sys.stderr)
    if written is not None:
        print(f"ixm: wrote the report {display_path(written)}", file=sys.stderr)
    raise typer.Exit(done.exit_code)


def _check_report(path: Path, out: Path, tenants_dir: Path) -> None:
    """--report FILE must not land where a build replaces or reads files: a usage error."""
    problem = report.check_path(path, out=out, tenants=tenants_dir)
    if problem is not None:
        raise typer.BadParameter(
            f"{problem}; write it beside --out or in it (e.g. {report.DEFAULT_FILE})",
            param_hint="'--report'",
        )


def _save_report(
    path: Path | None, done: report.BuildReport
) -> tuple[report.BuildReport, Path | None]:
    """Write the report to ``path`` (when asked for): the report, and where it was written.
    When that fails the run fails (exit 1) and says why: the file a pipeline expects is
    missing."""
    if path is None:
        return done, None
    try:
        report.write(path, done)
    except IxmError as exc:
        output.print_text(exc.diagnostics)
        return done.model_copy(update={
            "ok": False,
            "exit_code": done.exit_code or 1,
            "diagnostics": [*done.diagnostics, *map(report.DiagnosticEntry.of, exc.diagnostics)],
        }), None
    return done, path


class PlanFormat(str, enum.Enum):
    json = "json"
    github = "github"
    gitlab = "gitlab"
    buildkite = "buildkite"


@app.command()
def plan(
    shard_count: Annotated[
        int, typer.Option("--shards", min=1, help="How many CI jobs to fan out to.")
    ],
    tenants: Annotated[
        list[str] | None, typer.Argument(help="Tenant slugs; all tenants when none is named.")
    ] = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", help="json, or the CI engine's own form: github "
                                 "($GITHUB_OUTPUT lines), gitlab (child pipeline), buildkite.")
    ] = PlanFormat.json,
    changed_since: Annotated[
        str | None, typer.Option("--changed-since", metavar="REF",
                                 help="Keep only tenants a change since git REF touches.")
    ] = None,
    command: Annotated[
        str, typer.Option("--command", help="What each gitlab/buildkite job runs, before "
                          "--shard K/N.")
    ] = "ixm build --all",
    tenants_dir: TenantsDir = None,
    config_file: ConfigFile = None,
) -> None:
    """Split the tenants into stable, cost-balanced shards for a CI fan-out."""

    def action() -> list[shards.Shard]:
        ws = _workspace(config_file)
        return api.plan(tenants_dir=tenants_dir or ws.tenants, shard_count=shard_count,
                        tenants=tenants or (), changed_since=changed_since, base=ws.base,
                        config_file=ws.file)

    planned = _run(action, json_errors=fmt is PlanFormat.json)
    if fmt is PlanFormat.json:
        output.print_json(shards.as_json(planned))
        return
    text = _run(lambda: {
        PlanFormat.github: lambda: shards.as_github(planned),
        PlanFormat.gitlab: lambda: shards.as_gitlab(planned, command),
        PlanFormat.buildkite: lambda: shards.as_buildkite(planned, command),
    }[fmt]())
    sys.stdout.write(text)


cache_app = typer.Typer(help="The build cache named in ixm.toml (cache = …).",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def _cache_folder(config_file: Path | None) -> Spec:
    ws = _workspace(config_file)
    if ws.cache is None:
        raise IxmError.single("cache", "no cache is configured", None,
                              'add cache = ".ixm-cache" to ixm.toml')
    return ws.cache


def _size(value: str) -> int:
    """``500M``, ``2G``, ``1.5GiB``, ``0``: bytes (binary units)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*", value, re.IGNORECASE)
    if found is None:
        raise typer.BadParameter(f"{value!r} is not a size (e.g. 500M, 2G)")
    return int(float(found[1]) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[
        found[2].upper()])


@cache_app.command("info")
def cache_info(config_file: ConfigFile = None) -> None:
    """How many entries and bytes the cache holds (each level: local, then remote)."""
    for info in _run(lambda: api.cache_info(cache=_cache_folder(config_file))):
        print(f"{info.label()}: {info.entries} entries, {info.bytes} bytes")


@cache_app.command("prune")
def cache_prune(
    max_size: Annotated[
        str, typer.Option("--max-size", help="Keep at most this much (e.g. 500M, 2G).")
    ] = "0",
    config_file: ConfigFile = None,
) -> None:
    """Remove the oldest entries until the cache fits --max-size (default: empty it); with a
    remote store, each level is cut to --max-size."""
    limit = _size(max_size)
    for info in _run(lambda: api.cache_prune(cache=_cache_folder(config_file),
                                             max_bytes=limit)):
        print(f"{info.label()}: {info.entries} entries, {info.bytes} bytes")


class TargetsFormat(str, enum.Enum):
    text = "text"
    json = "json"


@app.command()
def targets(
    fmt: Annotated[
        TargetsFormat, typer.Option("--format", help="text (a table) or json (stdout).")
    ] = TargetsFormat.text,
    config_file: ConfigFile = None,
) -> None:
    """List the registered targets (built-in and plug-ins) with their package and version."""
    provided = _run(lambda: api.targets(base=_workspace(config_file).base),
                    json_errors=fmt is TargetsFormat.json)
    rows = [
        {
            "name": p.target.name,
            "package": p.package,
            "version": p.version,
            "platform": p.target.is_platform,
            "default": p.target.default,
            "templates": str(p.target.templates),
        }
        for p in provided
    ]
    if fmt is TargetsFormat.json:
        output.print_json({"targets": rows})
        return
    for row in rows:
        kind = ("platform" if row["platform"] else "built with " + ", ".join(
            sorted(next(p.target.platforms for p in provided if p.target.name == row["name"]))))
        default = "" if row["default"] or not row["platform"] else ", opt-in"
        print(f"{row['name']:<12} {row['package']} {row['version']}  ({kind}{default})")


def _names(values: list[str]) -> dict[str, str]:
    """``--name LOCALE=TEXT`` (or a bare TEXT for the default locale): a name that merely
    holds "=" stays whole unless what precedes it is a supported locale."""
    from ixm_cli import locales

    found: dict[str, str] = {}
    for value in values:
        tag, sep, text = value.partition("=")
        canonical = locales.canonical(tag) if sep else None
        if canonical:
            found[canonical] = text
        else:
            found[""] = value
    return found


@app.command()
def init(
    slug: Annotated[str, typer.Argument(help="The new tenant's slug, e.g. acme-ding.")],
    extends: Annotated[
        str | None,
        typer.Option("--extends", help="Parent brand: a folder under tenants/ (e.g. _greentown)."),
    ] = None,
    from_tenant: Annotated[
        str | None,
        typer.Option("--from", help="Start from this tenant's parent, locales and colours."),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never ask: use the flags and defaults.")
    ] = False,
    name: Annotated[
        list[str] | None,
        typer.Option("--name", help="App name: LOCALE=TEXT, repeatable (TEXT alone: default)."),
    ] = None,
    android_id: Annotated[str | None, typer.Option("--android-id")] = None,
    ios_id: Annotated[str | None, typer.Option("--ios-id")] = None,
    primary: Annotated[str | None, typer.Option("--primary", help="#RRGGBB")] = None,
    icon: Annotated[
        str | None, typer.Option("--icon", help="Icon image to copy (square, >= 1024 px).")
    ] = None,
    locales: Annotated[
        str | None, typer.Option("--locales", help="Comma-separated, default first (no parent).")
    ] = None,
    tenants_dir: TenantsDir = None,
    config_file: ConfigFile = None,
) -> None:
    """Scaffold a new tenant (asks on a terminal; --no-input or no terminal: flags only)."""
    answers = {"android_id": android_id, "ios_id": ios_id, "primary": primary, "icon": icon}
    created = _run(
        lambda: api.init(
            tenants_dir=tenants_dir or _workspace(config_file).tenants,
            slug=slug,
            extends=extends,
            from_tenant=from_tenant,
            names=_names(name or []),
            answers={k: v for k, v in answers.items() if v is not None},
            locales=[t.strip() for t in locales.split(",") if t.strip()] if locales else (),
            prompt=not no_input and sys.stdin.isatty(),
        )
    )
    output.print_text(created.warnings)
    for path in created.files:
        print(f"ixm: create {display_path(path)}", file=sys.stderr)
    print(
        f"ixm: next: edit {display_path(created.folder / 'brand.yaml')}, then "
        f"`ixm preview {created.tenant} --watch` and `ixm validate {created.tenant}`",
        file=sys.stderr,
    )


@app.command()
def preview(
    tenant: Annotated[
        str | None, typer.Argument(help="Tenant slug (or --all for the fleet grid).")
    ] = None,
    env: Annotated[str | None, typer.Option("--env", help="Environment overlay.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="HTML file to write (default <out>/<tenant>.preview.html)."),
    ] = None,
    png: Annotated[
        bool, typer.Option("--png", help="Also write a PNG of the sheet (headless Chromium).")
    ] = False,
    open_: Annotated[bool, typer.Option("--open", help="Open the sheet in a browser.")] = False,
    watch: Annotated[
        bool,
        typer.Option("--watch", help="Serve on 127.0.0.1 and reload on every saved change."),
    ] = False,
    all_tenants: Annotated[
        bool, typer.Option("--all", help="A fleet grid: every tenant's icon, name, palette.")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", min=1, help="Processes for --all.")
    ] = None,
    tenants_dir: TenantsDir = None,
    config_file: ConfigFile = None,
) -> None:
    """A visual brand sheet: icons under every mask, splash, labels, store texts, contrast and
    where each value comes from; one self-contained HTML file."""
    import webbrowser

    if all_tenants:
        if tenant is not None or watch or png or env is not None:
            raise typer.BadParameter("--all takes no TENANT, --env, --png or --watch")
        def grid() -> api.Fleet:
            ws = _workspace(config_file)
            return api.preview_fleet(tenants_dir=tenants_dir or ws.tenants,
                                     out=out or ws.out / api.FLEET_FILE,
                                     jobs=jobs or resources.default_jobs(), base=ws.base)

        fleet = _run(grid)
        output.print_text(fleet.problems)
        print(f"ixm: wrote {display_path(fleet.html)} ({fleet.tenants} tenants)", file=sys.stderr)
        if open_:
            webbrowser.open(fleet.html.absolute().as_uri())
        raise typer.Exit(1 if fleet.problems else 0)
    if tenant is None:
        raise typer.BadParameter("name a TENANT, or pass --all")
    if watch:
        if png or out is not None:
            raise typer.BadParameter("--watch serves the sheet: it takes no --out or --png")
        name = tenant

        def ready(url: str) -> None:
            print(f"ixm: previewing {name} at {url} (Ctrl+C to stop)", file=sys.stderr,
                  flush=True)
            if open_:
                webbrowser.open(url)

        def report(diagnostics: Sequence[Diagnostic]) -> None:
            output.print_text(diagnostics)
            sys.stderr.flush()

        workspace = _run(lambda: _workspace(config_file))
        try:
            _run(lambda: api.preview_watch(
                tenants_dir=tenants_dir or workspace.tenants, tenant=tenant,
                env=env, ready=ready, report=report, base=workspace.base,
                rendered=lambda v: print(f"ixm: reloaded ({v})", file=sys.stderr, flush=True)))
        except KeyboardInterrupt as exc:
            if interrupts.exit_code(exc) != 130:
                raise  # SIGTERM: the usual one line and exit 143
            print("ixm: preview stopped", file=sys.stderr)  # Ctrl+C is how a watch ends
            raise typer.Exit(0) from None
        return
    def sheet() -> api.Preview:
        ws = _workspace(config_file)
        return api.preview(
            tenants_dir=tenants_dir or ws.tenants, tenant=tenant, env=env, png=png,
            out=out or ws.out / api.default_preview_path(tenant, env).name, base=ws.base,
        )

    result = _run(sheet)
    output.print_text(result.warnings)
    print(f"ixm: wrote {display_path(result.html)}", file=sys.stderr)
    if result.png is not None:
        print(f"ixm: wrote {display_path(result.png)}", file=sys.stderr)
    if open_:
        webbrowser.open(result.html.absolute().as_uri())
