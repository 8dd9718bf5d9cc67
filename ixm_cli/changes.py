"""What a build would change on disk: copier's verbs (create, change, remove, identical) for
every file of a rendered tree against the published ``<out>/<name>/``.

The tree is computed in memory exactly as a real build computes it; only the comparison is
added, so ``--dry-run`` and ``--check`` can never disagree with what ``ixm build`` writes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from ixm_cli import bundle
from ixm_cli.fsutil import open_nofollow, walk_files
from ixm_cli.tree import Entry, Tree


class Verb(str, Enum):
    create = "create"
    change = "change"
    remove = "remove"
    identical = "identical"


@dataclass(frozen=True)
class Change:
    verb: Verb
    path: PurePosixPath
    """Relative to the tenant's output folder."""


def compare(tree: Tree, published: Path) -> list[Change]:
    """Every file of ``tree`` and of ``published`` (missing: all are created), by path.

    A file differs when its bytes or its mode (0644/0755) differ; ixm's marker is not
    compared (every ixm output holds one).
    """
    on_disk = dict(_published(published))
    found: list[Change] = []
    for rel, entry in tree.items():
        have = on_disk.pop(rel.as_posix(), None)
        if have is None:
            found.append(Change(Verb.create, rel))
        else:
            same = have == (_digest(entry), entry.mode)
            found.append(Change(Verb.identical if same else Verb.change, rel))
    found += [Change(Verb.remove, PurePosixPath(rel)) for rel in on_disk]
    return sorted(found, key=lambda c: c.path.as_posix())


def stale(changes: list[Change]) -> bool:
    return any(c.verb is not Verb.identical for c in changes)


def _published(root: Path) -> Iterator[tuple[str, tuple[str, int]]]:
    if not root.is_dir():
        return
    for rel, path, st in walk_files(root, exclude=lambda r: r.as_posix() == bundle.MARKER):
        digest = hashlib.sha256()
        with os.fdopen(open_nofollow(path), "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        mode = stat.S_IMODE(st.st_mode)
        yield rel.as_posix(), (digest.hexdigest(), mode)


def _digest(entry: Entry) -> str:
    return entry.sha256()
