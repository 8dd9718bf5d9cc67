"""The only code that writes a build's output: a rendered tree into a stage inside ``--out``,
then swapped into place atomically (:mod:`ixm_cli.bundle` holds the staging primitives).

Everything before this step is in memory, so a dry run or ``--check`` is the same build
without this step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ixm_cli import bundle, faults
from ixm_cli.errors import IxmError
from ixm_cli.fsutil import safe_join
from ixm_cli.tree import Tree


def publish(tree: Tree, out_root: Path, name: str) -> Path:
    """Write ``tree`` to ``out_root/name/``, replacing an earlier ixm output atomically.

    On any failure the stage is removed and the previous output stays as it was; an
    ``OSError`` (a full disk, a read-only or vanished ``--out``) is the user's to fix.
    """
    stage = bundle.stage_dir(out_root, name)
    try:
        write_tree(tree, stage)
        final = out_root / name
        bundle.publish(stage, final)
    except OSError as exc:
        bundle.discard(stage)
        raise os_failure(exc, name) from None
    except BaseException:
        bundle.discard(stage)
        raise
    return final


def write_tree(tree: Tree, root: Path) -> None:
    """Write every entry of ``tree`` under ``root`` (an empty, ixm-made folder), with its
    mode; a file copied from an input is streamed, never read whole."""
    made: set[Path] = set()
    for rel, entry in tree.items():
        target = safe_join(root, rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(entry.data, bytes):
            target.write_bytes(entry.data)
        else:
            with entry.data.open("rb") as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        target.chmod(entry.mode)
    bundle.normalise_tree(root)


def os_failure(exc: OSError, name: str) -> IxmError:
    """The path, what happened and what to do, in the words of :mod:`ixm_cli.faults`."""
    return faults.failure(exc, doing=f"building {name}")
