"""The build report: what ``ixm build --format json`` prints and ``--report FILE`` writes.

One pydantic model is both the document and the JSON Schema ``ixm schema --report`` prints,
so the two cannot drift. The document has the same shape however the run ended (built,
some tenants failed, nothing built, a usage error, an internal error, an interrupt): every
key is always present, and what does not apply is ``null`` or empty. A pipeline reads
``ok`` and ``exit_code`` first, then ``tenants``.

The per-tenant entries come from the build's events (:mod:`ixm_cli.events`), the same
events the progress presenters show, so the live progress and the report cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ixm_cli import __version__, events, jsontext, output
from ixm_cli.build import Built
from ixm_cli.changes import Verb
from ixm_cli.errors import Diagnostic, IxmError, display_path
from ixm_cli.fsutil import replace_text

SCHEMA_ID = "https://ixm.dev/schema/build-report-v1.json"
FORMAT = "ixm-build-report/v1"
DEFAULT_FILE = "build-report.json"

Sha256 = Annotated[str, Field(pattern="^[0-9a-f]{64}$")]
Seconds = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]


class _Closed(BaseModel):
    # The docstrings below each field are its description in the schema; and every key is
    # required there, defaults too: the document always holds every key (same shape).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              use_attribute_docstrings=True,
                              json_schema_serialization_defaults_required=True)


class DiagnosticEntry(_Closed):
    """One finding, as every ``--format json`` of ixm spells it (``output.diagnostic_data``)."""

    severity: Literal["error", "warning"]
    field: str
    message: str
    hint: str | None
    file: str | None
    """Relative to the current directory when below it, as compilers print it."""
    line: Annotated[int, Field(ge=1)] | None
    col: Annotated[int, Field(ge=1)] | None

    @classmethod
    def of(cls, d: Diagnostic) -> DiagnosticEntry:
        return cls(**output.diagnostic_data(d))


class FileChange(_Closed):
    """What a build would do to one file of the tenant's output (--dry-run, --check)."""

    verb: Verb
    path: str
    """Relative to the tenant's output folder."""


class TenantEntry(_Closed):
    """How one tenant ended."""

    tenant: str
    env: str | None
    """The environment overlay; null for prod."""
    name: str
    """``tenant`` or ``tenant@env``: the name of its output folder."""
    status: events.Status
    duration: Seconds
    """Seconds from its start (checking included) to its end."""
    out: str | None
    """Its output folder (null when it failed or was skipped)."""
    outputs: dict[str, Sha256]
    """Each published file, relative to ``out``, and its sha256, as build-info.json records
    them (bundles are the ``bundles/…`` ones); empty when it failed or was skipped."""
    changes: list[FileChange] | None
    """--dry-run/--check: every file and what a build would do to it; else null."""
    diagnostics: list[DiagnosticEntry]
    """Its errors (failed) or warnings."""


class Totals(_Closed):
    tenants: Count
    """Tenants the run covered (skipped ones included); more than ``tenants`` lists when
    the run stopped early (--fail-fast, an interrupt)."""
    built: Count
    cached: Count
    skipped: Count
    failed: Count
    duration: Seconds
    """Seconds the whole command took, wall clock."""


class Command(_Closed):
    """What was asked for (after ixm.toml's defaults)."""

    tenants: list[str]
    """The tenants named (empty: every tenant)."""
    platforms: list[str] | None
    """The platforms asked for; null: each target's default."""
    env: str | None
    out: str | None
    shard: str | None
    changed_since: str | None
    mode: Literal["build", "dry-run", "check"]
    fail_fast: bool
    force: bool
    prune: bool


class Tool(_Closed):
    name: Literal["ixm"] = "ixm"
    version: str


class BuildReport(_Closed):
    """The report of one ``ixm build`` run, v1."""

    model_config = ConfigDict(title="ixm build report, v1")

    schema_ref: str = Field(SCHEMA_ID, alias="$schema")
    format: Literal["ixm-build-report/v1"] = Field("ixm-build-report/v1", alias="schema")
    tool: Tool
    ok: bool
    """True when every tenant was built or was already current (and, with --check, none is
    stale)."""
    exit_code: int
    """The command's exit status: 0 ok, 1 failed, 2 usage error, 3 internal error,
    130/143 interrupted."""
    command: Command | None
    """Null only for a usage error: the command line did not parse."""
    totals: Totals
    tenants: list[TenantEntry]
    """Each tenant that ended: in the order the run named them, skipped ones last."""
    warnings: list[DiagnosticEntry]
    diagnostics: list[DiagnosticEntry]
    """Every error that failed the run: the failed tenants' (also under each tenant) and
    those of no one tenant (ixm.toml, no tenants, a full disk, --fail-fast)."""
    pruned: list[str]
    """Outputs removed because their tenant no longer exists (--prune)."""
    stale: bool | None
    """--dry-run/--check: whether any output differs from what a build writes; else null."""
    usage_error: str | None
    internal_error: str | None
    """A bug in ixm, not in the input: its message (rerun with --debug for the traceback)."""
    interrupted: str | None
    """The signal that stopped the run (SIGINT, SIGTERM)."""

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def json_schema() -> dict[str, Any]:
    """JSON Schema 2020-12 of the build report (from the same model as the data)."""
    schema = BuildReport.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


class Recorder:
    """A listener that keeps what the events say, so a report can be made however the run
    ends (the library's return value is lost when it raises)."""

    def __init__(self) -> None:
        self.total = 0
        self._order: dict[tuple[str, str | None], int] = {}
        self._ended: dict[tuple[str, str | None], events.Outcome] = {}

    def __call__(self, event: events.Event) -> None:
        if isinstance(event, events.Started):
            self.total = max(self.total, event.total)
            self._order.setdefault((event.tenant, event.env), len(self._order))
        else:
            self.total = max(self.total, event.total)
            key = (event.outcome.tenant, event.outcome.env)
            self._order.setdefault(key, len(self._order))
            self._ended[key] = event.outcome

    @property
    def outcomes(self) -> list[events.Outcome]:
        """Each tenant that ended, in the order the tenants started (tenant order)."""
        return sorted(self._ended.values(), key=lambda o: self._order[(o.tenant, o.env)])


def tenant_entry(outcome: events.Outcome, built: Built | None = None) -> TenantEntry:
    return TenantEntry(
        tenant=outcome.tenant,
        env=outcome.env,
        name=outcome.name,
        status=outcome.status,
        duration=max(outcome.duration, 0.0),
        out=None if outcome.out is None else str(outcome.out),
        outputs=dict(sorted(outcome.outputs.items())),
        changes=None if built is None else [
            FileChange(verb=c.verb, path=c.path.as_posix()) for c in built.changes],
        diagnostics=[DiagnosticEntry.of(d) for d in outcome.diagnostics],
    )


def make(
    *,
    command: Command | None,
    exit_code: int,
    duration: float,
    recorder: Recorder | None = None,
    outcomes: Sequence[events.Outcome] | None = None,
    built: Sequence[Built] = (),
    compared: bool = False,
    warnings: Sequence[Diagnostic] = (),
    diagnostics: Sequence[Diagnostic] = (),
    pruned: Sequence[Path] = (),
    stale: bool | None = None,
    usage_error: str | None = None,
    internal_error: str | None = None,
    interrupted: str | None = None,
) -> BuildReport:
    """The report of a run that ended with ``exit_code``.

    ``outcomes``: the library's, when it returned (its order); else those ``recorder``
    heard before the run stopped. ``compared``: a dry run or --check, whose ``built``
    entries list the changes a build would make (matched to the tenants by name).
    """
    if outcomes is None:
        outcomes = recorder.outcomes if recorder is not None else []
    by_name = {(b.tenant, b.env): b for b in built}
    tenants = [tenant_entry(o, by_name.get((o.tenant, o.env)) if compared else None)
               for o in outcomes]
    counts = {s: sum(o.status is s for o in outcomes) for s in events.Status}
    return BuildReport(
        tool=Tool(version=__version__),
        ok=exit_code == 0,
        exit_code=exit_code,
        command=command,
        totals=Totals(
            tenants=max(recorder.total if recorder else 0, len(outcomes)),
            built=counts[events.Status.BUILT],
            cached=counts[events.Status.CACHED],
            skipped=counts[events.Status.SKIPPED],
            failed=counts[events.Status.FAILED],
            duration=max(duration, 0.0),
        ),
        tenants=tenants,
        warnings=[DiagnosticEntry.of(d) for d in warnings],
        diagnostics=[DiagnosticEntry.of(d) for d in diagnostics],
        pruned=[str(p) for p in pruned],
        stale=stale,
        usage_error=usage_error,
        internal_error=internal_error,
        interrupted=interrupted,
    )


def usage(message: str) -> BuildReport:
    """The report of a command line that did not parse (exit 2): nothing ran."""
    return make(command=None, exit_code=2, duration=0.0, usage_error=message)


def check_path(path: Path, *, out: Path, tenants: Path) -> str | None:
    """Why ``path`` cannot hold the report, or None.

    Inside the tenants folder it would become an input (and ship with a tenant); below
    ``--out`` it would sit in a tenant's output folder, which the next build replaces
    whole (or in a folder --prune may treat as one). Directly in ``--out`` is fine:
    ixm leaves files there alone.
    """
    try:
        real = path.resolve()
        out_real, tenants_real = out.resolve(), tenants.resolve()
    except (OSError, RuntimeError):  # a symlink loop: writing it reports the path
        return None
    if real.is_relative_to(tenants_real):
        return f"{display_path(path)} is inside the tenants folder {display_path(tenants)}"
    if real.parent != out_real and real.is_relative_to(out_real):
        return (f"{display_path(path)} is inside a folder of --out {display_path(out)}, where "
                "a tenant's output is replaced whole")
    if real == out_real:
        return f"{display_path(path)} is the --out folder"
    return None


def write(path: Path, report: BuildReport) -> None:
    """Write the report atomically: a reader (a CI step, a dashboard) sees the previous
    file or the whole new one, never a half-written one."""
    try:
        replace_text(path, jsontext.dumps(report.document()))
    except OSError as exc:
        # mkdir says "File exists" when a parent is a file; say what that means.
        why = (f"{display_path(Path(exc.filename))} is not a folder"
               if isinstance(exc, FileExistsError) and exc.filename else exc.strerror or exc)
        raise IxmError.single(
            "report", f"cannot write the report {display_path(path)}: {why}",
            None, "choose a --report FILE in a writable folder with free space",
        ) from None
