"""Presenters: diagnostics for people (stderr), for machines (JSON on stdout), for GitHub."""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ixm_cli import jsontext, redact
from ixm_cli.errors import Diagnostic, Severity, display_path, escape_unprintable


def public_text(text: str) -> str:
    # Escape first: a line break inside a URL's userinfo would otherwise end the match
    # early and leave part of the password behind.
    return redact.credentials(escape_unprintable(text))


def _file(path: Path) -> str:
    """A file name as every format prints it: escaped like text diagnostics, so a name that
    is not UTF-8 (a lone surrogate) can still be written to a UTF-8 stream."""
    return public_text(display_path(path))


def public(d: Diagnostic) -> Diagnostic:
    """``d`` as it may be published: every format prints through here, so none of them can
    forget to escape a quoted value or to redact URL credentials in it (signing values are
    never quoted by the rules in the first place)."""
    return replace(
        d,
        field=public_text(d.field),
        message=public_text(d.message),
        hint=None if d.hint is None else public_text(d.hint),
    )


def diagnostic_data(d: Diagnostic) -> dict[str, Any]:
    d = public(d)
    loc = d.location
    return {
        "severity": d.severity.value,
        "field": d.field,
        "message": d.message,
        "hint": d.hint,
        "file": _file(loc.file) if loc else None,
        "line": loc.line if loc and loc.line else None,
        "col": loc.col if loc and loc.col else None,
    }


def print_text(diagnostics: Iterable[Diagnostic], stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    for d in diagnostics:
        print(public(d).render(), file=out)


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command: ::error file=…,line=…,col=…,title=…::message."""
    d = public(d)
    kind = "error" if d.severity is Severity.ERROR else "warning"
    props = []
    loc = d.location
    if loc is not None:
        props.append(f"file={_gh_escape(_file(loc.file), prop=True)}")
        if loc.line:
            props.append(f"line={loc.line}")
            props.append(f"col={max(loc.col, 1)}")
    props.append(f"title={_gh_escape(d.field, prop=True)}")
    message = d.message + (f"\n{d.hint}" if d.hint else "")
    return f"::{kind} {','.join(props)}::{_gh_escape(message)}"


class StdoutError(Exception):
    """Standard output cannot take ixm's output: closed, on a full disk, or its reader left.

    Raised by :func:`write_stdout` so the CLI can tell a failing stdout (the environment's
    doing, exit 1) from any other ``OSError`` on the way.
    """

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def write_stdout(text: str) -> None:
    """Write and flush now, so a failing stdout surfaces here, not at interpreter exit."""
    stream = sys.stdout
    if stream is None:  # started with stdout closed (ixm >&-)
        raise StdoutError(OSError(errno.EBADF, "standard output is closed"))
    try:
        stream.write(text)
        stream.flush()
    except OSError as exc:
        raise StdoutError(exc) from None


def print_json(document: Any, stream: TextIO | None = None) -> None:
    if stream is None:
        write_stdout(jsontext.dumps(document))
    else:
        stream.write(jsontext.dumps(document))
