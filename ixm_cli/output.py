"""Presenters: diagnostics for people (stderr), for machines (JSON on stdout), for GitHub."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO

from ixm_cli import jsontext
from ixm_cli.errors import Diagnostic, Severity, display_path


def diagnostic_data(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {
        "severity": d.severity.value,
        "field": d.field,
        "message": d.message,
        "hint": d.hint,
        "file": display_path(loc.file) if loc else None,
        "line": loc.line if loc and loc.line else None,
        "col": loc.col if loc and loc.col else None,
    }


def print_text(diagnostics: Iterable[Diagnostic], stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    for d in diagnostics:
        print(d.render(), file=out)


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command: ::error file=…,line=…,col=…,title=…::message."""
    kind = "error" if d.severity is Severity.ERROR else "warning"
    props = []
    loc = d.location
    if loc is not None:
        props.append(f"file={_gh_escape(display_path(loc.file), prop=True)}")
        if loc.line:
            props.append(f"line={loc.line}")
            props.append(f"col={max(loc.col, 1)}")
    props.append(f"title={_gh_escape(d.field, prop=True)}")
    message = d.message + (f"\n{d.hint}" if d.hint else "")
    return f"::{kind} {','.join(props)}::{_gh_escape(message)}"


def print_json(document: Any, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    out.write(jsontext.dumps(document))
