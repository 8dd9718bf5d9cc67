"""What a fleet build reports while it runs: one event per tenant as it starts and ends.

The library emits these and never prints; presenters (a live bar on a terminal, a plain line
per tenant in a log, JSON lines for a pipeline, the build report) are built on them. Every
tenant that starts ends with exactly one :class:`Finished`, whatever became of it; only
--fail-fast leaves tenants that never start.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ixm_cli.errors import Diagnostic


class Status(str, enum.Enum):
    BUILT = "built"
    """Rendered (and, unless a dry run or --check, published)."""
    CACHED = "cached"
    """Its published output already is this build's (same build key): nothing to do."""
    SKIPPED = "skipped"
    """Left out: it does not define the environment asked for (--all --env E), or it was
    waiting for a worker when --fail-fast stopped the run."""
    FAILED = "failed"
    """Its manifest has errors, or building it failed; the others still ran."""


@dataclass(frozen=True)
class Outcome:
    """How one tenant ended."""

    tenant: str
    env: str | None
    status: Status
    duration: float
    """Seconds from its start (checking included) to its end, wall clock."""
    out: Path | None = None
    outputs: Mapping[str, str] = field(default_factory=dict)
    """Each published file (relative to ``out``) and its sha256, as build-info.json records
    them; empty for a failed or skipped tenant."""
    diagnostics: Sequence[Diagnostic] = ()
    """Its errors (failed) or warnings."""

    @property
    def name(self) -> str:
        return self.tenant if self.env in (None, "prod") else f"{self.tenant}@{self.env}"


@dataclass(frozen=True)
class Started:
    tenant: str
    env: str | None
    total: int
    """Tenants the run covers (skipped ones included)."""


@dataclass(frozen=True)
class Finished:
    outcome: Outcome
    done: int
    """Tenants ended so far, this one included."""
    total: int


Event = Started | Finished
Listener = Callable[[Event], None]
