"""Diagnostics and the one exception type the library raises for user-fixable problems.

Nothing here prints: presenters in ``output.py`` decide how a diagnostic is shown, so the
same diagnostic can become a compiler-style line, a JSON object or a GitHub annotation.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a file; ``line``/``col`` are 0 when only the file is known."""

    file: Path
    line: int = 0
    col: int = 0

    def display(self) -> str:
        """``file:line:col`` for a text diagnostic; the file name is escaped like messages
        (:func:`escape_unprintable`), since a folder whose name holds a line break would
        otherwise forge a second compiler-style line."""
        name = escape_unprintable(display_path(self.file))
        if self.line <= 0:
            return name
        return f"{name}:{self.line}:{max(self.col, 1)}"


def display_path(path: Path) -> str:
    """Paths relative to the current directory when below it, as compilers print them."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def escape_unprintable(text: str) -> str:
    """``text`` with each unprintable character spelled as its escape (``\\n``, ``\\u202e``).

    Diagnostics quote manifest text and name files. A raw line break there would forge a
    second compiler-style line, a bidi override (U+202E) would make a line read differently
    than it is, and a file name that is not UTF-8 (a lone surrogate in Python) cannot even be
    written to a UTF-8 stream.
    """
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode()
        for c in text
    )


@dataclass(frozen=True)
class Diagnostic:
    """One finding: where, which field, what is wrong and how to fix it."""

    severity: Severity
    field: str
    message: str
    location: Location | None = None
    hint: str | None = None

    def render(self) -> str:
        where = self.location.display() if self.location else "ixm"
        text = f"{where}: {self.severity.value}[{self.field}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (
            str(loc.file) if loc else "",
            loc.line if loc else 0,
            loc.col if loc else 0,
            self.field,
            self.message,
        )


def error(
    field: str, message: str, location: Location | None = None, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(Severity.ERROR, field, message, location, hint)


def warning(
    field: str, message: str, location: Location | None = None, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(Severity.WARNING, field, message, location, hint)


@dataclass
class IxmError(Exception):
    """A user-fixable failure (exit code 1) carrying one or more diagnostics."""

    diagnostics: Sequence[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def __reduce__(self) -> tuple[type[IxmError], tuple[list[Diagnostic]]]:
        # Exceptions unpickle as cls(*args), and args holds the rendered text: a build
        # worker's IxmError must reach the parent as itself, not break the process pool.
        return (type(self), (list(self.diagnostics),))

    @classmethod
    def single(
        cls,
        field: str,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
    ) -> IxmError:
        return cls([error(field, message, location, hint)])


def pydantic_message(msg: str) -> str:
    """A pydantic error message to continue a sentence: "Value error, " dropped, the first
    letter lowered unless it starts a name (``CFBundleName …``)."""
    msg = msg.removeprefix("Value error, ")
    return msg[:1].lower() + msg[1:] if msg[:2].istitle() else msg


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
