"""The ``ixm`` console script: the CLI, made quiet to interrupt while it is still starting.

Importing the CLI (pydantic, cookiecutter, Pillow) takes a second or more on a busy CI
runner, and a Ctrl-C or SIGTERM in that second would print a ``KeyboardInterrupt`` traceback
from deep inside an import. Nothing is written before the CLI runs, so an interrupt then
just ends the process with one line and the usual exit code; once the CLI runs, its own
handling (``cli.IxmGroup``) takes over and cleans up what it started.
"""

from __future__ import annotations

import os
import signal
from types import FrameType


def _quit_while_starting(signum: int, _frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    os.write(2, f"ixm: interrupted ({name}) while starting; nothing was written\n".encode())
    os._exit(128 + signum)


def main() -> None:
    sigint_ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # nohup, a shell's `&`
    if not sigint_ignored:
        signal.signal(signal.SIGINT, _quit_while_starting)
    signal.signal(signal.SIGTERM, _quit_while_starting)
    from ixm_cli.cli import app

    if not sigint_ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    app(prog_name="ixm")
