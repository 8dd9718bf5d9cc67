"""Clean interrupts: SIGINT and SIGTERM unwind the build like an exception, never a traceback.

The main process turns SIGTERM into :class:`Interrupted` (SIGINT already raises
``KeyboardInterrupt``), so every ``except BaseException: discard(stage)`` on the way up
removes its stage before the CLI prints one line and exits 128 + the signal number.

Worker processes (a ``--jobs`` build) must not decide on their own: a terminal's Ctrl-C
reaches the whole process group, and a worker that raises ``KeyboardInterrupt`` while it
waits for work prints ``Process ForkProcess-N: Traceback …``. So workers ignore SIGINT and
the main process forwards the interrupt as SIGTERM (:func:`worker_pool`); a worker that is
building then unwinds like the main process (removing its stage) and exits, and an idle one
exits at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Any, TypeVar

from .fsutil import die_with_parent

T = TypeVar("T")


class Interrupted(KeyboardInterrupt):
    """A termination signal, raised where the process was, so cleanups run on the way out.

    A ``KeyboardInterrupt`` so that code already careful about Ctrl-C treats SIGTERM alike.
    """

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum

    def __reduce__(self) -> tuple[type[Interrupted], tuple[int]]:
        return (type(self), (self.signum,))


def exit_code(exc: KeyboardInterrupt) -> int:
    """The shell's convention, 128 + signal number: 130 for SIGINT, 143 for SIGTERM."""
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    return 128 + int(signum)


def signal_name(exc: KeyboardInterrupt) -> str:
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    return signal.Signals(signum).name


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Interrupted` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- workers ---------------------------------------------------------------------------------

# Per worker process: whether it is running a task, and whether it was told to stop.
_worker = {"busy": False, "stopping": False}


def _worker_sigterm(signum: int, _frame: FrameType | None) -> None:
    if _worker["stopping"]:
        return  # already unwinding: let the stage cleanup this signal started finish
    _worker["stopping"] = True
    if _worker["busy"]:
        raise Interrupted(signum)  # unwinds the build, removing its stage (run_task exits)
    # Idle, waiting for work: end now, quietly. Waiting for the pool's shutdown sentinel is
    # not enough, because a pool broken by a dead worker (the OOM killer) sends none and
    # would wait for this process forever.
    os._exit(128 + signum)


def init_worker(parent_pid: int) -> None:
    """ProcessPoolExecutor initializer for build workers (see the module docstring)."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_sigterm)


def run_task(fn: Callable[..., T], *args: Any) -> T:
    """Run one task in a worker, interruptible by the main process's SIGTERM.

    A worker that was interrupted exits once its task has unwound (its stage removed)
    rather than take more work; the pool then sees it gone, which is what a stopping build
    wants.
    """
    if _worker["stopping"]:
        os._exit(128 + signal.SIGTERM)
    _worker["busy"] = True
    try:
        return fn(*args)
    finally:
        _worker["busy"] = False
        if _worker["stopping"]:
            os._exit(128 + signal.SIGTERM)


@contextlib.contextmanager
def worker_pool(
    max_workers: int, *, cleanup: Callable[[], object] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process and stop cleanly on an interrupt.

    Submit through :func:`run_task`. On any exception in the ``with`` body (Ctrl-C, SIGTERM,
    a worker killed by the OOM killer, a bug) the queued tasks are cancelled, the running
    ones are told to stop, and the pool is waited for, so every worker has removed its stage
    before this process goes on to exit. ``cleanup`` then removes what a worker killed
    outright (SIGKILL) could not.
    """
    pool = ProcessPoolExecutor(
        max_workers=max_workers, initializer=init_worker, initargs=(os.getpid(),)
    )
    try:
        yield pool
    except BaseException:
        # The executor keeps its worker processes in a private map; no public API reaches
        # them. Signal first: shutdown() forgets them.
        for pid in list(getattr(pool, "_processes", None) or {}):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
        pool.shutdown(wait=True, cancel_futures=True)
        if cleanup is not None:
            with contextlib.suppress(OSError):  # best effort: the first error is the news
                cleanup()
        raise
    pool.shutdown(wait=True)


def init_helper(parent_pid: int) -> None:
    """ProcessPoolExecutor initializer for helpers that own no stage (image workers).

    They ignore Ctrl-C (the process that started them unwinds and waits for them) and keep
    SIGTERM's default: dying outright prints nothing and leaves nothing of theirs behind.
    """
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a fork inherits the parent's handler
