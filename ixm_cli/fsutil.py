"""Low-level file-system helpers for writing outputs safely.

Everything here exists to keep the *Contained* and *Atomic* invariants honest: relative output
paths are joined only through :func:`safe_join`, trees are walked without following symlinks,
directories are swapped with ``renameat2(RENAME_EXCHANGE)`` where the kernel offers it, and
advisory ``flock`` locks let one ixm process tell a live staging directory of another process
from a leftover of a killed one (the kernel drops the lock when its holder dies), and
:func:`die_with_parent` keeps a helper process from outliving (and writing after) the build
that forked it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from .errors import IxmError

_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")


def check_component(name: str, *, field: str = "out") -> str:
    """Return ``name`` if it is one harmless path component, else raise :class:`IxmError`.

    Deliberately an allow-list: no separators, no ``..``, no leading dot (which would collide
    with ixm's own ``.ixm-*`` working directories) and nothing a shell or Windows mangles.
    """
    if not _COMPONENT.fullmatch(name):
        raise IxmError.single(
            field,
            f"{name!r} is not a valid output directory name",
            hint="use letters, digits and . _ @ + -, starting with a letter or digit",
        )
    return name


def safe_join(base: Path, rel: str | PurePosixPath, *, field: str = "path") -> Path:
    """Join a relative POSIX path onto ``base``, refusing anything that could land outside it.

    Refused: empty paths, absolute paths, drive letters, backslashes, NUL, any ``..`` part,
    and results that leave ``base`` once existing symlinks are resolved.
    """
    text = str(rel)
    problem: str | None = None
    if text in ("", "."):
        problem = "is empty"
    elif "\0" in text:
        problem = "contains a NUL character"
    elif "\\" in text:
        problem = "contains a backslash; use '/'"
    elif text.startswith("/") or re.match(r"[A-Za-z]:", text):
        problem = "is absolute"
    elif ".." in PurePosixPath(text).parts:
        problem = "contains '..'"
    if problem is None:
        parts = PurePosixPath(text).parts
        joined = base.joinpath(*parts)
        base_real = base.resolve()
        if not joined.resolve().is_relative_to(base_real):
            problem = "leaves the output directory through a symlink"
        else:
            return joined
    raise IxmError.single(
        field,
        f"output path {text!r} {problem}",
        hint=f"paths must stay inside {base}",
    )


# --- walking -------------------------------------------------------------------------------


def walk_files(
    root: Path,
    *,
    exclude: Callable[[PurePosixPath], bool] | None = None,
    include_dirs: bool = False,
) -> Iterator[tuple[PurePosixPath, Path, os.stat_result]]:
    """Yield ``(relative posix path, path, lstat)`` for every entry under ``root``, sorted.

    Symlinks and special files are refused (``IxmError``): an output tree must consist of
    plain files and directories only, so nothing it holds can point outside ``--out``.
    ``exclude`` sees files and directories; an excluded directory is not entered. Entries are
    yielded in sorted order of their relative POSIX path string.
    """
    root_st = os.lstat(root)
    if not stat.S_ISDIR(root_st.st_mode):
        _refuse_entry(root, root_st)
    found: list[tuple[str, PurePosixPath, Path, os.stat_result]] = []
    stack: list[tuple[PurePosixPath, Path]] = [(PurePosixPath(), root)]
    while stack:
        rel_dir, directory = stack.pop()
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = rel_dir / entry.name
            if exclude is not None and exclude(rel):
                continue
            path = Path(entry.path)
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                stack.append((rel, path))
                if include_dirs:
                    found.append((rel.as_posix(), rel, path, st))
            elif stat.S_ISREG(st.st_mode):
                found.append((rel.as_posix(), rel, path, st))
            else:
                _refuse_entry(path, st)
    found.sort(key=lambda item: item[0])
    for _, rel, path, st in found:
        yield rel, path, st


def _refuse_entry(path: Path, st: os.stat_result) -> None:
    kind = "a symlink" if stat.S_ISLNK(st.st_mode) else "not a regular file or directory"
    raise IxmError.single(
        "out",
        f"{path} is {kind}; output trees may hold only plain files and directories",
        hint="template and override files must be real files, not links",
    )


# --- renames -------------------------------------------------------------------------------

_AT_FDCWD = -100
_LINUX_RENAME_NOREPLACE = 1
_LINUX_RENAME_EXCHANGE = 2
_DARWIN_RENAME_SWAP = 0x2
_DARWIN_RENAME_EXCL = 0x4
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _load_rename() -> Callable[[Path, Path, int], int] | None:
    """The platform's flag-taking rename (Linux ``renameat2``, macOS ``renamex_np``), or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to talk to
        return None
    if sys.platform.startswith("linux"):
        fn = getattr(libc, "renameat2", None)
        if fn is None:  # pragma: no cover - glibc < 2.28 / musl without the wrapper
            return None
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        fn.restype = ctypes.c_int

        def linux(src: Path, dst: Path, flags: int) -> int:
            return int(fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags))

        return linux
    if sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
        fn = getattr(libc, "renamex_np", None)
        if fn is None:
            return None
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        fn.restype = ctypes.c_int

        def darwin(src: Path, dst: Path, flags: int) -> int:
            return int(fn(os.fsencode(src), os.fsencode(dst), flags))

        return darwin
    return None  # pragma: no cover


_rename_flags = _load_rename()


def _flag(name: str) -> int:
    if sys.platform == "darwin":  # pragma: no cover
        return _DARWIN_RENAME_SWAP if name == "exchange" else _DARWIN_RENAME_EXCL
    return _LINUX_RENAME_EXCHANGE if name == "exchange" else _LINUX_RENAME_NOREPLACE


def _rename_with(src: Path, dst: Path, name: str) -> bool:
    """Try a flagged rename; True when done, False when this system/file system lacks it."""
    if _rename_flags is None:
        return False
    if _rename_flags(src, dst, _flag(name)) == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(src), None, str(dst))


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths. False if unsupported here (nothing was changed)."""
    return _rename_with(a, b, "exchange")


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``, failing with ``FileExistsError`` if ``dst`` appears meanwhile.

    Without kernel support this falls back to a check-then-``rename``, which is only racy
    against someone creating an *empty* directory at ``dst`` in between.
    """
    if _rename_with(src, dst, "noreplace"):
        return
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
    src.rename(dst)


# --- deletion ------------------------------------------------------------------------------


def remove_tree(path: Path, *, within: Path) -> None:
    """Delete ``path`` (a direct child of ``within``) without ever following a symlink.

    A symlink at ``path`` itself is unlinked, never its target; inside the tree
    ``shutil.rmtree`` unlinks links rather than descending (fd-based on Linux and macOS).
    """
    if path.parent != within or path.name in ("", ".", ".."):
        raise ValueError(f"refusing to delete {path}: not directly inside {within}")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        path.unlink()


# --- advisory locks ------------------------------------------------------------------------


def replace_text(path: Path, text: str) -> None:
    """Write ``path`` atomically: a reader sees the previous file or the whole new one.

    The partial file has a name of its own (two runs may write the same file) and mode
    0666 less the umask, like any file the user creates (mkstemp's 0600 would hide a report
    from a CI step running as another user). Raises OSError, with nothing left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.parent / f".{path.name}.{secrets.token_hex(4)}.partial"
    done = False
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        partial.replace(path)
        done = True
    finally:
        if not done:
            partial.unlink(missing_ok=True)


def try_lock(path: Path) -> int | None:
    """Open ``path`` and take a non-blocking exclusive ``flock``; the fd, or None if held.

    Also None when the file cannot be opened (gone, or not a regular file): the caller treats
    the directory as "not mine to touch".
    """
    try:
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except OSError:
        return None
    if sys.platform == "win32":  # pragma: no cover - no flock; every lock "succeeds"
        return fd
    import fcntl

    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def unlock(fd: int | None) -> None:
    """Release a lock from :func:`try_lock` (closing the fd drops the ``flock``)."""
    if fd is not None:
        os.close(fd)


def open_nofollow(path: Path) -> int:
    """Open a file for reading, refusing (``OSError``) if it has become a symlink meanwhile."""
    return os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))


# --- helper processes ----------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[[int, int], int] | None:
    """Linux ``prctl(option, arg2)``, looked up once in the parent (not in a fresh fork)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - no C library / no prctl
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    fn.restype = ctypes.c_int

    def prctl(option: int, arg: int) -> int:
        return int(fn(option, arg, 0, 0, 0))

    return prctl


_prctl = _load_prctl()


def die_with_parent(parent_pid: int) -> None:
    """Make this helper process get SIGKILL as soon as ``parent_pid`` (its parent) dies.

    For worker processes of a build (``ProcessPoolExecutor`` initializer, or a fork while a
    stage is held). Without it, a SIGKILLed ``ixm build`` leaves its workers behind: they
    block forever on their task queue (they hold its write end themselves, so they never see
    EOF), keep the build's stdout/stderr pipes open (a CI step reading them hangs), and
    those already handed a tenant go on to write and publish it after the build was killed.

    Linux only (``PR_SET_PDEATHSIG``); elsewhere a no-op. The signal follows this process's
    actual parent: ``parent_pid`` itself when forked, or an intermediary such as
    multiprocessing's forkserver (which ends with ``parent_pid``, taking this process with
    it). If ``parent_pid`` died before the signal was armed, exits at once.
    """
    if _prctl is None:
        return
    if _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:  # pragma: no cover - cannot fail
        return
    if os.getppid() != parent_pid and not _alive(parent_pid):
        os._exit(1)  # orphaned already: the build this process was to help is gone


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs. A killed build whose exit nobody has collected yet is a zombie,
    which ``kill(pid, 0)`` still finds: a worker forked just before the kill and arming its
    death signal just after must see its parent as gone (Linux: /proc tells the state)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists, owned by someone else
        return True
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: kill() is all there is to know
    return text[text.rindex(")") + 2 :][:1] not in ("Z", "X")
