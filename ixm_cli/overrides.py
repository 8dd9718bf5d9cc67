"""Tenant overrides: files under ``tenants/<slug>/overrides/<folder>/`` laid over the output.

One module answers both questions about them, so `ixm validate` refuses exactly what
`ixm build` would: which folders exist (each target names its own, as (folder, the platform
whose build lays it)), and which files a build takes from them (:func:`collect`). Only
plain files and folders qualify: a symbolic link anywhere on the way could pull in a file
from outside the tenant folder, and a FIFO or device is no file.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ixm_cli.errors import Diagnostic, IxmError, Location, error, warning
from ixm_cli.manifest.rules import suggest

ROOT = "overrides"
Folders = Sequence[tuple[str, str]]
"""(folder under overrides/, the platform whose build uses it): metadata/ios/ only with iOS."""


@dataclass(frozen=True)
class Override:
    """One override folder of one manifest: ``files`` go to ``into`` (relative to the
    tenant's output folder), as (path relative to ``into``, source file)."""

    into: str
    files: tuple[tuple[PurePosixPath, Path], ...]


def collect(
    manifests: Sequence[Path], platforms: frozenset[str], folders: Folders
) -> list[Override]:
    """The override folders a build of ``platforms`` uses, parents' first (so a customer's
    own file wins over its partner's), every file listed before the build writes anything.

    Raises :class:`IxmError` with every link or special file found.
    """
    found: list[Override] = []
    problems: list[Diagnostic] = []
    for manifest in reversed(manifests):
        for name, platform in folders:
            if platform not in platforms:
                continue
            folder, trouble = _folder(manifest.parent, name)
            problems += trouble
            if folder is not None:
                files, trouble = _files(folder)
                problems += trouble
                found.append(Override(name, tuple(files)))
    if problems:
        raise IxmError(problems)
    return found


def check(manifests: Sequence[Path], folders: Folders) -> list[Diagnostic]:
    """Everything :func:`collect` would refuse, for any platform, plus names it would ignore:
    a misspelt ``overrides/andriod/`` (an error with a suggestion) or a stray file (a warning:
    it may be a note kept for the designers)."""
    found: list[Diagnostic] = []
    for manifest in manifests:
        root = manifest.parent / ROOT
        if root.is_symlink():
            found.append(_link(root))
            continue
        if not root.is_dir():
            continue
        found += _stray(root, list(dict.fromkeys(n.split("/")[0] for n, _ in folders)))
        for parent in dict.fromkeys(n.split("/")[0] for n, _ in folders if "/" in n):
            nested = root / parent
            if nested.is_dir() and not nested.is_symlink():
                found += _stray(nested, [n.split("/", 1)[1] for n, _ in folders
                                         if n.startswith(f"{parent}/")])
        for name, _ in folders:
            folder, trouble = _folder(manifest.parent, name)
            found += trouble
            if folder is not None:
                found += _files(folder)[1]
    return found


def _folder(tenant_dir: Path, name: str) -> tuple[Path | None, list[Diagnostic]]:
    """``tenant_dir/overrides/<name>`` if it is a real folder; each step is checked, not only
    the files inside, since a linked ``overrides/web/`` leads elsewhere just the same."""
    path = tenant_dir
    for part in (ROOT, *PurePosixPath(name).parts):
        path = path / part
        if path.is_symlink():
            return None, [_link(path)]
        if not path.is_dir():
            return None, []
    return path, []


def _files(folder: Path) -> tuple[list[tuple[PurePosixPath, Path]], list[Diagnostic]]:
    files: list[tuple[PurePosixPath, Path]] = []
    problems: list[Diagnostic] = []
    try:
        entries = sorted(folder.rglob("*"))
    except OSError as exc:
        return [], [_unreadable(folder, exc)]
    for path in entries:
        try:
            mode = path.lstat().st_mode
        except OSError as exc:
            problems.append(_unreadable(path, exc))
            continue
        if stat.S_ISLNK(mode):
            problems.append(_link(path))
        elif stat.S_ISREG(mode):
            files.append((PurePosixPath(path.relative_to(folder).as_posix()), path))
        elif not stat.S_ISDIR(mode):
            problems.append(
                error(
                    "overrides",
                    f"{path.name!r} is not a regular file or folder",
                    Location(path),
                    "remove it: only plain files and folders can be laid over the output",
                )
            )
    return files, problems


def _stray(folder: Path, allowed: list[str]) -> list[Diagnostic]:
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name in allowed and entry.is_dir():
            continue
        close = suggest(entry.name, allowed)
        hint = f"did you mean {close!r}?" if close else f"use folders named {', '.join(allowed)}"
        if entry.is_dir():
            message = f"{entry.name!r} is not an override folder; ixm would ignore it"
            found.append(error("overrides", message, Location(entry), hint))
        else:
            message = f"{entry.name!r} is not in an override folder; ixm ignores it"
            found.append(warning("overrides", message, Location(entry), hint))
    return found


def _link(path: Path) -> Diagnostic:
    return error(
        "overrides",
        f"{path.name!r} is a symbolic link",
        Location(path),
        "replace it with the real file or folder: links could point outside the tenant folder",
    )


def _unreadable(path: Path, exc: OSError) -> Diagnostic:
    reason = (exc.strerror or "unreadable").lower()
    return error("overrides", f"{path.name!r} cannot be read: {reason}", Location(path),
                 "check its permissions")
