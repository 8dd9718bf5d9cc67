"""Tenant overrides: files under ``tenants/<slug>/overrides/<folder>/`` laid over the output.

One module answers both questions about them, so `ixm validate` refuses exactly what
`ixm build` would: which folders exist (each target names its own, as (folder, the platform
whose build lays it)), and which files a build takes from them (:func:`collect`). Only
plain files and folders qualify: a symbolic link anywhere on the way could pull in a file
from outside the tenant folder, and a FIFO or device is no file.

Names and sizes are judged here too, for the same reason (build used to take, or crash on,
what validate passed): a name must be UTF-8 without backslashes, control characters or a
leading drive letter (``c:``), at most :data:`MAX_NAME_BYTES` per name and
:data:`MAX_PATH_BYTES` for its path in the output; a file at most :data:`MAX_FILE_BYTES`.
Each file keeps one bit of its mode: owner-executable (a ``gradlew``) ships 0755, the rest
0644, in the tree and in the zip alike.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ixm_cli.errors import Diagnostic, IxmError, Location, error, warning
from ixm_cli.manifest.rules import suggest
from ixm_cli.tree import mode_of

ROOT = "overrides"
Folders = Sequence[tuple[str, str]]
"""(folder under overrides/, the platform whose build uses it): metadata/ios/ only with iOS."""


MAX_FILE_BYTES = 64 * 1024 * 1024
"""An override replaces a config file, a screen or a store text, not a media library: larger
files make every build and every zip slow and belong in a download at run time."""
MAX_NAME_BYTES = 255
"""One name (a file or folder), in UTF-8 bytes: the limit of ext4, APFS, NTFS and zip tools."""
MAX_PATH_BYTES = 1024
"""A file's path below the tenant's output folder (``android/app/…``), in UTF-8 bytes. The
published path is ``--out``, the tenant, then this: a quarter of Linux's PATH_MAX (4096)
leaves the rest for wherever --out and the build's stage folder happen to be."""
_DRIVE = re.compile(r"[A-Za-z]:")


@dataclass(frozen=True)
class OverrideFile:
    """One file of an override folder: where it goes (relative to :attr:`Override.into`),
    where it comes from, and the mode it is published with (0644, or 0755 when its owner may
    execute it)."""

    rel: PurePosixPath
    source: Path
    mode: int


@dataclass(frozen=True)
class Override:
    """One override folder of one manifest: ``files`` go to ``into`` (relative to the
    tenant's output folder)."""

    into: str
    files: tuple[OverrideFile, ...]


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
                files, trouble = _files(folder, name)
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
                found += _files(folder, name)[1]
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


def _files(folder: Path, into: str) -> tuple[list[OverrideFile], list[Diagnostic]]:
    files: list[OverrideFile] = []
    problems: list[Diagnostic] = []
    try:
        entries = sorted(folder.rglob("*"))
    except OSError as exc:
        return [], [_unreadable(folder, exc)]
    for path in entries:
        try:
            st = path.lstat()
        except OSError as exc:
            problems.append(_unreadable(path, exc))
            continue
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            problems.append(_link(path))
        elif stat.S_ISREG(mode):
            rel = PurePosixPath(path.relative_to(folder).as_posix())
            trouble = _name_problem(rel, into) or _size_problem(st.st_size)
            if trouble is not None:
                problems.append(error("overrides", trouble[0], Location(path), trouble[1]))
            else:
                files.append(OverrideFile(rel, path, mode_of(bool(mode & stat.S_IXUSR))))
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


def _name_problem(rel: PurePosixPath, into: str) -> tuple[str, str] | None:
    """Why the output could not carry a file at ``rel`` (as (message, hint)), or None.

    Each reason is a name the build cannot write, or one that would break where the tree
    goes next: a zip, a Windows checkout, a log line.
    """
    try:
        size = len(f"{into}/{rel}".encode())
    except UnicodeEncodeError:
        # Linux names are bytes; Python hands over undecodable ones as lone surrogates,
        # which no zip entry, JSON document or UTF-8 log can hold.
        return (
            f"the name '{rel.name}' is not valid UTF-8",
            "rename it (a tool such as convmv converts names from a legacy encoding)",
        )
    for part in rel.parts:
        if "\\" in part:
            return (
                f"the name '{part}' holds a backslash, which Windows and zip tools read as a "
                "folder separator",
                "rename it without '\\'; for a folder, make a real folder",
            )
        bad = sorted({c for c in part if unicodedata.category(c) == "Cc"})
        if bad:
            codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
            return f"the name '{part}' holds control characters ({codes})", "rename it"
        if len(part.encode()) > MAX_NAME_BYTES:
            return (
                f"a name is {len(part.encode())} bytes long; at most {MAX_NAME_BYTES} are "
                "allowed",
                "shorten it",
            )
    if _DRIVE.match(str(rel)):
        return (
            f"the name '{rel.parts[0]}' starts like a Windows drive ({str(rel)[:2]})",
            "rename it without the ':'",
        )
    if size > MAX_PATH_BYTES:
        return (
            f"its path in the output is {size} bytes long; at most {MAX_PATH_BYTES} are allowed",
            "use fewer or shorter folder names",
        )
    return None


def _size_problem(size: int) -> tuple[str, str] | None:
    if size <= MAX_FILE_BYTES:
        return None
    return (
        f"the file is {size:,} bytes; an override file may be at most "
        f"{MAX_FILE_BYTES // 2**20} MiB ({MAX_FILE_BYTES:,} bytes)",
        "shrink it, or have the app download large media at run time",
    )


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
