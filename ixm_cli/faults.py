"""What a failure of the environment means for the person who has to fix it.

CI pipelines triage by exit code: 1 says "fix your input or your machine", 3 says "ixm has a
bug". A full disk, a read-only or vanished ``--out`` or a name over the file system's limit is
never a bug, so every ``OSError`` that carries one of these ``errno`` values becomes a
diagnostic naming the path, what happened and what to do. Anything else (an ``OSError``
without an errno, a ``ValueError``…) stays an internal error.

Nothing here prints (see ``errors.py``); ``cli._run`` is the one place that maps these to an
exit code.
"""

from __future__ import annotations

import errno
from pathlib import Path

from .errors import Diagnostic, IxmError, Location, display_path, error

# errno -> (what happened, what to do), in a designer's words rather than the C library's.
_ADVICE: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "free some space on that disk or choose another --out"),
    errno.EDQUOT: ("your disk quota is used up", "free some space or choose another --out"),
    errno.EROFS: (
        "the disk is read-only",
        "choose an --out on a writable disk (or remount this one read-write)",
    ),
    errno.EACCES: (
        "permission denied",
        "make --out writable and the tenants readable for the user running ixm, or choose "
        "another --out",
    ),
    errno.EPERM: (
        "the operation is not permitted",
        "make the folder writable for this user or choose another --out",
    ),
    errno.ENAMETOOLONG: (
        "a name in this path is too long for the file system (at most 255 bytes per folder "
        "name on most disks)",
        "use shorter folder names in --out and --tenants",
    ),
    errno.EIO: (
        "the disk reported an input/output error",
        "check the disk or network share (dmesg shows why), then run ixm again",
    ),
    errno.ENOENT: (
        "it vanished while ixm was working (was --out or a tenant folder deleted or moved?)",
        "leave --out and the tenants in place while ixm runs, then run it again",
    ),
    errno.ENOTDIR: (
        "a part of this path is a file, not a folder",
        "move that file away or choose another path",
    ),
    errno.EMFILE: (
        "ixm ran out of file handles",
        "raise the limit (ulimit -n 4096) or lower --jobs",
    ),
    errno.ENFILE: (
        "the system ran out of file handles",
        "close other programs or lower --jobs, then run ixm again",
    ),
    errno.ENOMEM: ("the machine ran out of memory", "lower --jobs or free some memory"),
    errno.ELOOP: (
        "too many symbolic links on the way",
        "point --out and --tenants at real folders",
    ),
    errno.ESTALE: (
        "the network share dropped this file (stale file handle)",
        "remount the share, then run ixm again",
    ),
    errno.EBADF: (
        "the stream is closed",
        "run ixm with this stream open (or redirected to a file or /dev/null)",
    ),
}


def is_environment(exc: BaseException) -> bool:
    """True for an OSError the user (or their machine) must fix, not a bug in ixm."""
    return isinstance(exc, OSError) and exc.errno in _ADVICE


def diagnose(
    exc: OSError, *, doing: str | None = None, field: str = "out", fix: str | None = None
) -> Diagnostic:
    """One located diagnostic for an environment failure: path, what happened, what to do.

    ``doing`` says what ixm was doing ("building acme") when the path alone would not say;
    ``fix`` replaces the usual advice where it would not fit (standard output has no --out).
    """
    what, usual_fix = _ADVICE.get(
        exc.errno or 0,
        ((exc.strerror or str(exc)).lower(), "check that path, then run ixm again"),
    )
    message = f"{doing} failed: {what}" if doing else what
    where: Location | None = None
    if exc.filename not in (None, ""):
        where = Location(Path(_text(exc.filename)))
        if exc.filename2 not in (None, ""):
            message += f" (renaming to {display_path(Path(_text(exc.filename2)))})"
    return error(field, message, where, fix or usual_fix)


def failure(exc: OSError, *, doing: str | None = None, field: str = "out") -> IxmError:
    return IxmError([diagnose(exc, doing=doing, field=field)])


def _text(name: object) -> str:
    if isinstance(name, bytes):
        return name.decode("utf-8", "backslashreplace")
    return str(name)


def worker_died() -> IxmError:
    """A build worker killed from outside (``BrokenProcessPool``): nearly always the kernel's
    OOM killer on a runner whose memory the build outgrew, which is no bug in ixm."""
    return IxmError.single(
        "jobs",
        "a build worker process was killed from outside ixm (most often the system ran out "
        "of memory); the tenants it had not finished keep their previous output",
        None,
        "build again with a lower --jobs, or give the machine more memory",
    )
