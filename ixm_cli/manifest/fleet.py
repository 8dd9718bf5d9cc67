"""Checks across tenants: two apps may not share an applicationId or a bundle id.

The stores refuse the second upload (or worse, it replaces the first app for its users), so
a clash is an error, and it must be found when ONE tenant is validated too: a designer runs
``ixm validate acme``, not ``--all``. The siblings are not validated for that: their files
are searched for the ids as plain text first, and only a manifest that contains one (or
extends a file that does) is read and merged, so the cost stays close to reading the files
even with thousands of tenants.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ixm_cli.errors import Diagnostic, IxmError, Location, error
from ixm_cli.manifest.loader import MAX_BYTES
from ixm_cli.manifest.resolve import (
    MANIFEST,
    MAX_EXTENDS_DEPTH,
    Merged,
    Workspace,
    apply_environment,
    environments,
    get,
    load_chain,
    merge_chain,
)
from ixm_cli.manifest.tenant import Checked

KINDS = {"android": "applicationId", "ios": "bundle id"}


@dataclass(frozen=True)
class Claim:
    """One tenant (under one environment) using an id, and where it says so."""

    slug: str
    env: str | None
    where: Location | None

    @property
    def name(self) -> str:
        return self.slug if self.env is None else f"{self.slug}@{self.env}"


def duplicate_ids(ws: Workspace, results: Sequence[Checked]) -> list[Diagnostic]:
    """An error at each validated tenant's id that another tenant also uses."""
    claims: dict[tuple[str, str], list[Claim]] = {}
    for r in results:
        if r.merged is not None:
            for kind, value, where in _ids(r.merged):
                claims.setdefault((kind, value), []).append(Claim(r.slug, r.env, where))
    if not claims:
        return []
    validated = {r.slug for r in results}
    try:
        siblings = [s for s in ws.discover() if s not in validated]
    except IxmError:
        siblings = []
    for slug, env, kind, value, where in _sibling_ids(ws, siblings, {v for _, v in claims}):
        if (kind, value) in claims:
            claims[(kind, value)].append(Claim(slug, env, where))
    found: list[Diagnostic] = []
    for (kind, value), users in sorted(claims.items()):
        if len({u.slug for u in users}) < 2:
            continue  # environments of one tenant sharing its id is the overlay's business
        for claim in users:
            if claim.slug not in validated:
                continue
            others = [u for u in users if u.slug != claim.slug]
            shown = ", ".join(
                f"{u.name} ({u.where.display()})" if u.where else u.name for u in others[:3]
            )
            if len(others) > 3:
                shown += f" and {len(others) - 3} more"
            suggestion = _suggest(kind, value, claim)
            hint = f"every app needs its own {KINDS[kind]} in the stores: e.g. {suggestion}"
            if suggestion == value:  # the id is named after this tenant: the other one copied it
                hint = (
                    f"the id is named after {claim.slug}: give {others[0].name} its own "
                    f"{KINDS[kind]}"
                )
            found.append(error(f"ids.{kind}", f"{KINDS[kind]} {value!r} is also used by {shown}",
                               claim.where, hint))
    return found


def _ids(merged: Merged) -> Iterator[tuple[str, str, Location | None]]:
    for kind in KINDS:
        value = get(merged, ("ids", kind))
        if isinstance(value, str):
            yield kind, value, merged.locate(("ids", kind))


def _suggest(kind: str, value: str, claim: Claim) -> str:
    own = claim.slug.replace("-", "_") if kind == "android" else claim.slug
    head = value.rsplit(".", 1)[0] if "." in value else "com.example"
    suggestion = f"{head}.{own}"
    if claim.env is not None:
        suggestion += f".{claim.env.replace('-', '_') if kind == 'android' else claim.env}"
    return suggestion


def _sibling_ids(
    ws: Workspace, siblings: list[str], wanted: set[str]
) -> Iterator[tuple[str, str | None, str, str, Location | None]]:
    """(slug, env, kind, id, where) for the siblings whose chain may hold a wanted id."""
    needles = [w.encode("utf-8") for w in wanted]
    texts: dict[Path, bytes] = {}

    def text(path: Path) -> bytes:
        if path not in texts:
            texts[path] = b""
            try:
                # only regular files inside the tenants folder: a FIFO would block the read
                if path.resolve().is_relative_to(ws.tenants) and path.is_file():
                    with path.open("rb") as fh:
                        texts[path] = fh.read(MAX_BYTES + 1)
            except (OSError, ValueError, RuntimeError):
                pass
        return texts[path]

    def holds(path: Path) -> bool:
        body = text(path)
        return any(n in body for n in needles)

    for slug in siblings:
        if not _may_hold(ws.manifest(slug), holds, text):
            continue
        try:
            base, _ = merge_chain(load_chain(ws, slug))
        except IxmError:
            continue  # a broken sibling is reported when it is validated itself
        for env in (None, *environments(base)):
            try:
                merged, _ = apply_environment(base, env)
            except IxmError:
                continue
            for kind, value, where in _ids(merged):
                yield slug, env, kind, value, where


_EXTENDS = re.compile(rb"""^extends:[ \t]*["']?([^"'#\r\n]*?)["']?[ \t]*(?:#.*)?$""", re.M)


def _may_hold(
    path: Path, holds: Callable[[Path], bool], text: Callable[[Path], bytes]
) -> bool:
    """Whether the manifest or a file it extends contains a wanted id, judged on the text.

    The ``extends`` line is found by a pattern; a manifest where none matches but the word
    appears (flow style, an anchor) is read in full, so the shortcut never misses a clash.
    """
    for _ in range(MAX_EXTENDS_DEPTH + 1):
        if holds(path):
            return True
        body = text(path)
        found = _EXTENDS.search(body)
        if found is None:
            return b"extends" in body
        try:
            parent = (path.parent / found.group(1).decode("utf-8").strip()).resolve()
            if parent.is_dir():
                parent = parent / MANIFEST
        except (OSError, ValueError, RuntimeError, UnicodeDecodeError):
            return True
        path = parent
    return True
