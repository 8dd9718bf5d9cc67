"""The output tree in memory: every layer of a build is a :data:`Tree`, and :func:`overlay`
lays them over each other in a documented order.

Keeping files in memory until the publish step is what makes ``--dry-run``, ``--check``,
caching and snapshot tests cheap: they compare trees instead of re-reading a stage. A large
file a layer only copies (a tenant's override) is kept as the :class:`~pathlib.Path` it comes
from and streamed when published, so memory stays bounded by what is generated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ixm_cli.errors import IxmError, Location, display_path

FILE_MODE = 0o644
EXEC_MODE = 0o755


@dataclass(frozen=True)
class Entry:
    """One output file: its bytes (or the file holding them), its mode and its maker."""

    data: bytes | Path
    mode: int = FILE_MODE
    layer: str = ""
    """Who made it ("base", "templates", "overrides", "images", …): named in clash errors."""
    source: Path | None = None
    """The input file it came from, when there is one (named in clash errors)."""

    def read(self) -> bytes:
        return self.data if isinstance(self.data, bytes) else self.data.read_bytes()

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The content in pieces, so a large copied file is never whole in memory."""
        if isinstance(self.data, bytes):
            yield self.data
            return
        with self.data.open("rb") as fh:
            while chunk := fh.read(size):
                yield chunk

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()


Tree = dict[PurePosixPath, Entry]


def mode_of(executable: bool) -> int:
    """Published modes are 0644 or 0755: only the owner's execute bit carries over."""
    return EXEC_MODE if executable else FILE_MODE


def graft(tree: Mapping[PurePosixPath, Entry], into: PurePosixPath) -> Tree:
    """``tree`` moved under the folder ``into`` (``.`` keeps it where it is)."""
    if into == PurePosixPath("."):
        return dict(tree)
    return {into / rel: entry for rel, entry in tree.items()}


def overlay(layers: Iterable[Mapping[PurePosixPath, Entry]]) -> Tree:
    """Lay ``layers`` over each other, later ones winning on equal paths.

    A file where another layer put a folder (or the other way round) cannot be published;
    it is refused once, naming both files and the layers that made them.
    """
    merged: Tree = {}
    for layer in layers:
        for rel, entry in layer.items():
            earlier = merged.get(rel)
            if earlier is not None and _hidden(earlier, entry):
                raise _hides(rel, earlier, entry)
            merged[rel] = entry
    _refuse_shape_clashes(merged)
    return dict(sorted(merged.items()))


LAYERS = {"base": "base file", "templates": "generated file", "overrides": "override",
          "images": "generated image"}
"""The layers in the order they are laid (later wins), and how a message names their files."""


def _hidden(earlier: Entry, later: Entry) -> bool:
    """An override replaced by a generated image would be silently lost: the tenant meant
    something by it. Overrides over base files and templates are what overrides are for."""
    return earlier.layer == "overrides" and later.layer == "images"


def _hides(rel: PurePosixPath, earlier: Entry, later: Entry) -> IxmError:
    shown = display_path(earlier.source) if earlier.source else str(rel)
    return IxmError.single(
        earlier.layer,
        f"{shown} would be replaced by the {LAYERS.get(later.layer, 'file')} {rel}: ixm makes "
        "that file itself",
        Location(earlier.source) if earlier.source else None,
        "remove the override; to change the image, change its source under assets: in "
        "brand.yaml",
    )


def _refuse_shape_clashes(tree: Tree) -> None:
    for rel in sorted(tree):
        for parent in rel.parents:
            if parent == PurePosixPath("."):
                break
            if parent in tree:
                raise _clash(parent, tree[parent], rel, tree[rel])


def _clash(file: PurePosixPath, blocker: Entry, inner: PurePosixPath, entry: Entry) -> IxmError:
    """A file at ``file`` and another at ``inner`` below it: the one from the earlier layer
    is in the way of the later one, which would win."""
    rank = list(LAYERS)
    culprit, winner = (blocker, entry) if _rank(blocker, rank) < _rank(entry, rank) else (
        entry, blocker)
    culprit_path, winner_path = (file, inner) if culprit is blocker else (inner, file)
    shown = display_path(culprit.source) if culprit.source else str(culprit_path)
    kind = LAYERS.get(winner.layer, "file")
    return IxmError.single(
        culprit.layer or "output",
        f"{shown} is in the way of the {kind} {winner_path}: a file and a folder would share "
        "a name",
        Location(culprit.source) if culprit.source else None,
        "lay a file over a file and a folder over a folder; rename or move it",
    )


def _rank(entry: Entry, rank: list[str]) -> int:
    return rank.index(entry.layer) if entry.layer in rank else len(rank)
