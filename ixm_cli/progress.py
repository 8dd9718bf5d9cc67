"""Presenters of a build's events (:mod:`ixm_cli.events`) on stderr, as they happen.

* :class:`Bar`: a live rich progress bar when stderr is a terminal (``[n/N]``, the tenant(s)
  being worked on, built/cached/failed counts, ETA); a tenant's diagnostics are printed
  above it, through the same console, so they never tear it.
* :class:`Lines`: one plain, flushed line per tenant as it ends, for logs and CI (stderr not
  a terminal, or ``TERM=dumb``), and one line as the run starts, so a fleet build that
  spends its first seconds checking manifests is not silent.
* :class:`JsonLines`: ``--format json``: one JSON object per line per event, so a pipeline
  can follow a long run; stdout keeps only the final document.

pip and rich.progress are the models: a live display only on a terminal, plain lines
otherwise, machine output on stdout and human output on stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from types import TracebackType
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Column

from ixm_cli import output, report
from ixm_cli.errors import Diagnostic, display_path
from ixm_cli.events import Event, Finished, Started, Status

BAR_WIDTH = 24
MIN_BAR_WIDTH = 6
NAMES_WIDTH = 30
"""Columns the bar leaves to the names of the tenants being worked on, when it can."""
CURRENT_SHOWN = 2
"""Tenant names the bar shows at once (a --jobs build works on several)."""


class Presenter:
    """Shows a build's events; a context manager, so a live display always ends (on an
    error or an interrupt too) before anything else is printed."""

    def __init__(self, *, write: bool = True) -> None:
        self.write = write
        self.shown: set[Diagnostic] = set()
        """Diagnostics already printed, so the end of the run does not print them twice."""
        self.counts = {s: 0 for s in Status}
        self.total = 0
        self.done = 0

    def __call__(self, event: Event) -> None:
        self.total = max(self.total, event.total)
        if isinstance(event, Finished):
            self.done = event.done
            self.counts[event.outcome.status] += 1
        self.show(event)

    def show(self, event: Event) -> None:
        """Present one event (the counts are already updated)."""

    def note(self, message: str) -> None:
        """What the library is doing right now (``api.build``'s ``progress``)."""

    def __enter__(self) -> Presenter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def verb(self, status: Status) -> str:
        # A dry run or --check renders and compares: nothing was built.
        return "rendered" if status is Status.BUILT and not self.write else status.value

    def summary(self, seconds: float) -> str:
        """``12 tenant(s) in 3.4 s: 9 built, 2 cached, 1 failed``, skipped when any."""
        shown = [Status.BUILT, Status.CACHED, Status.FAILED]
        if self.counts[Status.SKIPPED]:
            shown.append(Status.SKIPPED)
        counts = ", ".join(f"{self.counts[s]} {self.verb(s)}" for s in shown)
        return f"{self.done} tenant(s) in {seconds:.1f} s: {counts}"


def _line(event: Finished, verb: str) -> str:
    o = event.outcome
    where = f" -> {display_path(o.out)}" if o.out is not None and o.status in (
        Status.BUILT, Status.CACHED) else ""
    if o.status is Status.SKIPPED:  # why (no such environment, --fail-fast) is said at the end
        return f"[{event.done}/{event.total}] skipped {o.name}"
    return f"[{event.done}/{event.total}] {verb} {o.name}{where} ({o.duration:.2f} s)"


class Lines(Presenter):
    """One line per tenant, flushed as it ends (a log, a CI job)."""

    def __init__(self, stream: TextIO, *, write: bool = True) -> None:
        super().__init__(write=write)
        self.stream = stream
        self._announced = False

    def _print(self, text: str) -> None:
        print(f"ixm: {text}", file=self.stream, flush=True)

    def show(self, event: Event) -> None:
        if not self._announced:
            self._announced = True
            doing = "building" if self.write else "comparing (nothing is written)"
            self._print(f"{doing} {event.total} tenant(s)")
        if isinstance(event, Finished):
            self._print(_line(event, self.verb(event.outcome.status)))
            fresh = [d for d in event.outcome.diagnostics if d not in self.shown]
            output.print_text(fresh, self.stream)
            self.shown.update(fresh)
            self.stream.flush()


class JsonLines(Presenter):
    """``--format json``: each event as one JSON object on its own line."""

    def __init__(self, stream: TextIO, *, write: bool = True) -> None:
        super().__init__(write=write)
        self.stream = stream

    def show(self, event: Event) -> None:
        line: dict[str, Any]
        if isinstance(event, Started):
            name = event.tenant if event.env in (None, "prod") else f"{event.tenant}@{event.env}"
            line = {"event": "started", "tenant": event.tenant, "env": event.env,
                    "name": name, "total": event.total}
        else:
            # The report's own tenant entry (one spelling), less the long lists.
            entry = report.tenant_entry(event.outcome).model_dump(
                mode="json", exclude={"outputs", "changes"})
            line = {"event": "finished", "done": event.done, "total": event.total, **entry}
        self.stream.write(json.dumps(line, sort_keys=True, ensure_ascii=False,
                                     allow_nan=False, separators=(",", ":")) + "\n")
        self.stream.flush()


class Bar(Presenter):
    """A live progress bar on a terminal (rich), with diagnostics printed above it."""

    def __init__(self, console: Console, *, write: bool = True) -> None:
        super().__init__(write=write)
        self.console = console
        # Position, counts and ETA keep their width; the bar and then the current tenant
        # names give way on a narrow terminal (cut with an ellipsis, never wrapped).
        self._position = Column(no_wrap=True)
        self._tally = Column(no_wrap=True)
        self._bar = BarColumn(bar_width=BAR_WIDTH)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.fields[position]}", markup=False, table_column=self._position),
            self._bar,
            TextColumn("{task.fields[counts]}", markup=False, table_column=self._tally),
            TimeRemainingColumn(),
            TextColumn("{task.description}", markup=False, table_column=Column(
                no_wrap=True, overflow="ellipsis")),
            console=console,
            transient=False,
            refresh_per_second=8,
        )
        self.task: TaskID | None = None
        self.working: dict[str, None] = {}  # names started and not ended, oldest first
        self.detail = ""

    def __enter__(self) -> Bar:
        self.progress.start()
        self.task = self.progress.add_task("starting", total=None, position="[0/?]",
                                           counts=self._counts())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def _counts(self) -> str:
        shown = [Status.BUILT, Status.CACHED, Status.FAILED]
        if self.counts[Status.SKIPPED]:
            shown.append(Status.SKIPPED)
        return " · ".join(f"{self.verb(s)} {self.counts[s]}" for s in shown)

    def _current(self) -> str:
        names = list(self.working)
        text = ", ".join(names[:CURRENT_SHOWN])
        if len(names) > CURRENT_SHOWN:
            text += f" +{len(names) - CURRENT_SHOWN}"
        if self.detail and text:
            text += f": {self.detail}"
        return text

    def show(self, event: Event) -> None:
        if isinstance(event, Started):
            name = event.tenant if event.env in (None, "prod") else f"{event.tenant}@{event.env}"
            self.working[name] = None
        else:
            o = event.outcome
            self.working.pop(o.name, None)
            self.detail = ""
            if o.status is Status.FAILED or o.diagnostics:
                self.console.print(f"ixm: {_line(event, self.verb(o.status))}", markup=False,
                                   highlight=False, soft_wrap=True)
                self.print_diagnostics(o.diagnostics)
        self._refresh()

    def note(self, message: str) -> None:
        # Only while one tenant is being worked on is a note about it (a step of its build);
        # with --jobs, notes report tenants that already ended, which the counts show.
        if len(self.working) == 1:
            self.detail = message.strip()
            self._refresh()

    def _refresh(self) -> None:
        if self.task is None:
            return
        position, counts = f"[{self.done}/{self.total or '?'}]", self._counts()
        # A rich table shares a narrow width out among all columns; these must stay whole.
        self._position.min_width = len(position)
        self._tally.min_width = len(counts)
        # Spinner, position, counts and ETA (7) take their width, each with a space; the bar
        # and the current names share the rest, the names first up to NAMES_WIDTH.
        left = self.console.width - (2 + len(position) + 1 + len(counts) + 1 + 8)
        self._bar.bar_width = max(MIN_BAR_WIDTH, min(BAR_WIDTH, left - NAMES_WIDTH - 1))
        room = left - self._bar.bar_width - 1
        current = self._current()
        if len(current) > room:
            current = current[: max(room - 1, 0)] + "…" if room > 0 else ""
        self.progress.update(
            self.task,
            total=self.total or None,
            completed=self.done,
            position=position,
            counts=counts,
            description=current,
        )

    def print_diagnostics(self, diagnostics: Iterable[Diagnostic]) -> None:
        # markup off: "error[colors.primary]" is not a rich style; soft_wrap: one diagnostic
        # stays one line an editor or terminal can follow as file:line:col.
        for d in diagnostics:
            if d not in self.shown:
                self.console.print(output.public(d).render(), markup=False, highlight=False,
                                   emoji=False, soft_wrap=True)
                self.shown.add(d)


def for_build(json_lines: bool, *, write: bool, stream: TextIO | None = None) -> Presenter:
    """The presenter for ``ixm build``: JSON lines with ``--format json``; else a live bar
    when ``stream`` (stderr) is a terminal, plain lines when it is not."""
    stream = stream if stream is not None else sys.stderr
    if json_lines:
        return JsonLines(stream, write=write)
    console = Console(file=stream, highlight=False)
    if console.is_terminal and not console.is_dumb_terminal:
        return Bar(console, write=write)
    return Lines(stream, write=write)
