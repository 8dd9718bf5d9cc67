"""The stat index: how an unchanged tenant is known to be up to date without reading it.

A build key (``buildkey.py``) proves a published output current, but computing it means
parsing the tenant's YAML chain, checking its images and hashing every input: tens of
milliseconds a tenant, half a minute for a fleet of a thousand that did not change. Git
has the same problem for ``git status`` and solves it with its index: it records each
file's size, mtime, ctime, inode and mode, and trusts a file whose ``stat`` still says the
same. This is that, per tenant output: the build key it was built with, a signature of
every input file and of every folder of its manifest chain (a new override file changes
its folder's mtime), and of the published ``build-info.json``. When all of them, and the
parts of the key shared by the whole run, still match, the tenant is up to date; any
difference sends it down the full path, which hashes and still skips it when only a stat
changed (a ``touch``), then records the new signatures.

Racy entries are handled as git does: a file changed in the same clock tick in which it
was read would keep its signature, so a signature newer than the moment the tenant's
build began (less :data:`RACY_NS`, the coarse kernel clock's lag) is not recorded, and that
tenant takes the full path next time. The ctime in a signature cannot be set by a user
(``touch -d``, ``tar``, ``cp -p`` set mtimes only), so an old mtime cannot hide an edit.

Hand-written because no maintained library keeps a stat cache of a file set; the index is
a cache, so any file that cannot be read is an empty index, and a lost update (two builds
into one ``--out``) only costs the next build its fast path.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ixm_cli.fsutil import replace_text

INDEX = ".ixm-index.json"
"""In ``--out``, beside the tenant outputs; a dot name is never a tenant's output."""
SCHEMA = "ixm-index/v1"
RACY_NS = 100_000_000

Signature = tuple[int, int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode, mode)."""


def signature(path: Path) -> Signature | None:
    try:
        st = path.lstat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


@dataclass(frozen=True)
class Entry:
    """What one published output was built from, as ``stat`` saw it."""

    run: str
    """The digest of what the whole run shares (ixm, base, platforms, env, extensions)."""
    key: str
    files: Mapping[str, Signature]
    """Every input file and every folder of the manifest chain."""
    output: Mapping[str, Signature]
    """The published output's build-info.json and marker."""
    count: int
    """Files in the output."""
    bundles: tuple[str, ...]
    """The output's bundles, relative to it."""

    def current(self, run: str, seen: dict[str, Signature | None]) -> bool:
        """Whether nothing it records has changed; ``seen`` memoizes ``stat`` over one run
        (a partner's files are inputs of every customer)."""
        if self.run != run:
            return False
        for group in (self.files, self.output):
            for path, sig in group.items():
                if path not in seen:
                    seen[path] = signature(Path(path))
                if seen[path] != sig:
                    return False
        return True

    def as_json(self) -> dict[str, Any]:
        return {"run": self.run, "key": self.key, "files": self.files, "output": self.output,
                "count": self.count, "bundles": list(self.bundles)}

    @classmethod
    def from_json(cls, data: Any) -> Entry | None:
        try:
            return cls(
                data["run"], data["key"],
                {p: _sig(s) for p, s in data["files"].items()},
                {p: _sig(s) for p, s in data["output"].items()},
                int(data["count"]), tuple(str(b) for b in data["bundles"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def _sig(value: Any) -> Signature:
    a, b, c, d, e = (int(v) for v in value)
    return (a, b, c, d, e)


def record(
    *,
    run: str,
    key: str,
    inputs: Iterable[Path],
    folders: Iterable[Path],
    final: Path,
    outputs: Iterable[Path],
    count: int,
    bundles: Iterable[str],
    since_ns: int,
) -> Entry | None:
    """The entry of a tenant whose build began at ``since_ns`` (``time.time_ns()`` before
    any input was read), or None when a signature is too new to be trusted (racy) or a
    file is gone."""
    files: dict[str, Signature] = {}
    for path in [*inputs, *_folders(folders)]:
        sig = signature(path)
        if sig is None or max(sig[1], sig[2]) >= since_ns - RACY_NS:
            return None
        files[str(path)] = sig
    output: dict[str, Signature] = {}
    for path in outputs:
        sig = signature(final / path)
        if sig is None:
            return None
        output[str(final / path)] = sig
    return Entry(run, key, files, output, count, tuple(bundles))


def _folders(roots: Iterable[Path]) -> list[Path]:
    """Each root and every folder below it (no links: a tenant folder holds files)."""
    found: list[Path] = []
    for root in dict.fromkeys(roots):
        found.append(root)
        for dirpath, dirnames, _ in os.walk(root):
            dirnames.sort()
            found.extend(Path(dirpath, d) for d in dirnames)
    return found


def load(out_root: Path) -> dict[str, Entry]:
    try:
        data = json.loads((out_root / INDEX).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return {}
    tenants = data.get("tenants")
    if not isinstance(tenants, dict):
        return {}
    found = {name: Entry.from_json(e) for name, e in tenants.items()}
    return {name: e for name, e in found.items() if e is not None}


def save(out_root: Path, entries: Mapping[str, Entry]) -> None:
    """Replace the index atomically; an index that cannot be written is a slower next build."""
    text = json.dumps(
        {"schema": SCHEMA, "tenants": {n: entries[n].as_json() for n in sorted(entries)}},
        separators=(",", ":"),
    )
    with contextlib.suppress(OSError):
        replace_text(out_root / INDEX, text)
