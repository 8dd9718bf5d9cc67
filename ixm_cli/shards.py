"""Fan-out over CI runners: a deterministic, cost-balanced and stable partition of tenants.

Stable means a tenant stays in its shard as others come and go, so each runner's caches stay
warm: every tenant ranks the shards by a hash of (tenant, shard) — rendezvous hashing — and
takes the best-ranked shard that still has room. Balanced means no shard gets more than
``1 + SLACK`` times its fair share of the estimated cost (when tenants can fit at all);
heavier tenants are placed first.

The cost of a tenant is an estimate of its build time: a fixed part (templates, tree,
bundles) plus one part per image source in its own folder (inherited images are shared
with the parent's other customers).
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ixm_cli.errors import IxmError
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import load_merged

SLACK = 0.25
FIXED_COST = 2
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".svg"})
GITHUB_MATRIX_MAX = 256
"""GitHub Actions runs at most 256 jobs from one matrix."""
BUILDKITE_UPLOAD_MAX = 500
"""Buildkite accepts at most 500 steps in one pipeline upload."""
GITLAB_JOBS_MAX = 200
"""GitLab's `parallel` stops at 200; one child pipeline job per shard stays well-formed."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    of: int
    tenants: tuple[str, ...]
    cost: int

    @property
    def name(self) -> str:
        return f"{self.index}/{self.of}"


def parse_shard(value: str) -> tuple[int, int]:
    """``K/N`` with 1 ≤ K ≤ N."""
    try:
        k, n = (int(part) for part in value.split("/"))
    except ValueError:
        k = n = 0
    if not (1 <= k <= n):
        raise IxmError.single("shard", f"{value!r} is not a shard", None,
                              "write K/N with 1 <= K <= N, e.g. --shard 2/8")
    return k, n


def cost(ws: Workspace, slug: str) -> int:
    folder = ws.tenants / slug
    own = sum(1 for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES
              and "overrides" not in p.relative_to(folder).parts)
    return FIXED_COST + own


def _rank(slug: str, shard: int) -> bytes:
    return hashlib.sha256(f"{slug}\0{shard}".encode()).digest()


def plan(ws: Workspace, slugs: Sequence[str], n: int) -> list[Shard]:
    """``slugs`` in ``n`` shards (some may be empty when there are fewer tenants)."""
    if n < 1:
        raise IxmError.single("shards", "--shards must be at least 1", None, "e.g. --shards 8")
    costs = {slug: cost(ws, slug) for slug in slugs}
    capacity = math.ceil((1 + SLACK) * sum(costs.values()) / n) if costs else 0
    loads = [0] * n
    members: list[list[str]] = [[] for _ in range(n)]
    for slug in sorted(slugs, key=lambda s: (-costs[s], s)):
        order = sorted(range(n), key=lambda i: _rank(slug, i), reverse=True)
        fits = [i for i in order if loads[i] + costs[slug] <= capacity]
        chosen = fits[0] if fits else min(order, key=lambda i: loads[i])
        loads[chosen] += costs[slug]
        members[chosen].append(slug)
    return [Shard(i + 1, n, tuple(sorted(m)), loads[i]) for i, m in enumerate(members)]


def select(ws: Workspace, slugs: Sequence[str], shard: str) -> list[str]:
    """The tenants of ``slugs`` that shard ``K/N`` builds."""
    k, n = parse_shard(shard)
    mine = set(plan(ws, slugs, n)[k - 1].tenants)
    return [s for s in slugs if s in mine]


def changed_since(ws: Workspace, slugs: Sequence[str], ref: str,
                  everything: Iterable[Path] = ()) -> list[str]:
    """The tenants a change since the git revision ``ref`` touches: its own folder or a
    parent's it extends; a change to any path in ``everything`` (the platform base, the
    workspace file) touches them all. Uncommitted and untracked files count."""
    top = _git(ws.tenants, "rev-parse", "--show-toplevel").strip()
    changed = {
        (Path(top) / line).resolve()
        for line in (_git(ws.tenants, "diff", "--name-only", ref, "--", top)
                     + _git(ws.tenants, "ls-files", "--others", "--exclude-standard", "--full-name",
                            "--", top)).splitlines()
        if line
    }
    wide = [p.resolve() for p in everything]
    if any(c == w or w in c.parents for c in changed for w in wide):
        return list(slugs)
    found = []
    for slug in slugs:
        try:
            merged, _ = load_merged(ws, slug)
            folders = [m.parent.resolve() for m in merged.files]
        except IxmError:
            folders = [(ws.tenants / slug).resolve()]
        if any(f in c.parents for c in changed for f in folders):
            found.append(slug)
    return found


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise IxmError.single(
            "changed-since", f"git {args[0]} failed: {result.stderr.strip() or 'no output'}",
            None, "run ixm inside a git checkout and name a revision it has (e.g. origin/main)",
        )
    return result.stdout


# --- the CI engines' own forms ----------------------------------------------------------------


def as_json(shards: Sequence[Shard]) -> dict[str, object]:
    return {
        "shards": len(shards),
        "plan": [{"shard": s.name, "tenants": list(s.tenants), "cost": s.cost} for s in shards],
    }


def as_github(shards: Sequence[Shard]) -> str:
    """Lines for ``$GITHUB_OUTPUT``: ``matrix`` (or ``matrix-1``, ``matrix-2``… when a
    matrix would exceed GitHub's 256 jobs) and ``count``."""
    entries = [{"shard": s.name} for s in shards if s.tenants]
    chunks = [entries[i:i + GITHUB_MATRIX_MAX] for i in range(0, len(entries),
                                                               GITHUB_MATRIX_MAX)] or [[]]
    lines = []
    for i, chunk in enumerate(chunks, 1):
        key = "matrix" if len(chunks) == 1 else f"matrix-{i}"
        lines.append(f"{key}={json.dumps({'include': chunk}, separators=(',', ':'))}")
    lines.append(f"count={len(chunks)}")
    return "\n".join(lines) + "\n"


def as_gitlab(shards: Sequence[Shard], command: str) -> str:
    """A child pipeline: one job per non-empty shard (JSON is valid YAML)."""
    jobs = {
        f"ixm-shard-{s.index}-of-{s.of}": {
            "stage": "build",
            "script": [f"{command} --shard {s.name}"],
            "artifacts": {"paths": ["dist/"]},
        }
        for s in shards if s.tenants
    }
    if len(jobs) > GITLAB_JOBS_MAX:
        raise IxmError.single("shards", f"{len(jobs)} jobs in one GitLab child pipeline", None,
                              f"use at most {GITLAB_JOBS_MAX} shards")
    return json.dumps({"stages": ["build"], **jobs}, indent=2, sort_keys=True) + "\n"


def as_buildkite(shards: Sequence[Shard], command: str) -> str:
    """A pipeline for ``buildkite-agent pipeline upload`` (JSON is valid YAML)."""
    steps = [
        {"label": f":package: ixm {s.name}", "key": f"ixm-shard-{s.index}",
         "command": f"{command} --shard {s.name}"}
        for s in shards if s.tenants
    ]
    if len(steps) > BUILDKITE_UPLOAD_MAX:
        raise IxmError.single("shards", f"{len(steps)} steps in one Buildkite upload", None,
                              f"use at most {BUILDKITE_UPLOAD_MAX} shards")
    return json.dumps({"steps": steps}, indent=2, sort_keys=True) + "\n"
