"""YAML syntax errors said the way a designer can act on them.

ruamel reports what its parser expected ("expected <block end>, but found '<block mapping
start>'"), which names parser states, not the mistake. The common mistakes (a tab, a key
indented one space off, a ': ' inside a value) are recognisable from the error and the
lines around it, so we name the key that is out of line and the key it should line up with.
Anything else keeps ruamel's own words (``explain`` returns None).
"""

from __future__ import annotations

from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError


@dataclass(frozen=True)
class Plain:
    """A syntax error in plain words, at a 1-based line and column."""

    message: str
    hint: str
    line: int
    col: int


def explain(exc: MarkedYAMLError, text: str) -> Plain | None:
    mark = exc.problem_mark
    if mark is None:
        return None
    problem = exc.problem or ""
    lines = text.split("\n")
    if not 0 <= mark.line < len(lines):
        return None
    n, col = mark.line, mark.column
    line = lines[n]
    if "'\\t'" in problem:
        return _tab(line, n, col)
    if "mapping values are not allowed" in problem:
        return _colon_in_value(line, n, col) or _misaligned(lines, n)
    if "expected <block end>" in problem:
        return _misaligned(lines, n)
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        k = exc.context_mark.line
        if 0 <= k < len(lines):
            shown = _short(_strip_comment(lines[k]).strip())
            return Plain(
                f"{shown!r} is not 'key: value'; every line inside a block of keys needs "
                "a ':' after its key",
                "add the ':' (and a space) after the key, or quote a text that runs on from "
                "the line above",
                k + 1,
                _indent(lines[k]) + 1,
            )
    return None


def _tab(line: str, n: int, col: int) -> Plain:
    if not line[:col].strip(" \t"):
        return Plain(
            "this line is indented with a tab; YAML indents with spaces only",
            "replace the tab with spaces, as many as the lines around it use (2 per level)",
            n + 1,
            col + 1,
        )
    return Plain(
        "a tab character here; YAML does not allow tabs between keys and values",
        "replace the tab with a space",
        n + 1,
        col + 1,
    )


def _colon_in_value(line: str, n: int, col: int) -> Plain | None:
    """``name: Acme: Ding`` — the second ': ' is the problem, not the indentation."""
    first = _colon(line)
    if first is None or col <= first:
        return None
    key = _key(line)
    value = _strip_comment(line[first + 1 :]).strip()
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    hint = f'put the value in quotes: {key}: "{quoted}"'
    if len(quoted) > SHOWN:  # a cut value would be copied as it is shown: describe it
        hint = f'put the whole value in double quotes: {key}: "…"'
    return Plain(
        f"the value of {key!r} contains ': ', which YAML reads as the start of another key",
        hint,
        n + 1,
        col + 1,
    )


def _misaligned(lines: list[str], n: int) -> Plain | None:
    """Which key is out of line with which (``n`` is the line the parser stopped at)."""
    line = lines[n]
    if not line.strip():
        return None
    ind, name = _indent(line), _name(line)
    p = _previous(lines, n)
    if p is None:
        return None
    p_ind, p_name = _indent(lines[p]), _name(lines[p])
    if ind > p_ind:
        colon = _colon(lines[p])
        if colon is None or not _strip_comment(lines[p][colon + 1 :]).strip():
            return None
        return Plain(
            f"{name} is indented {_spaces(ind)}, more than {p_name} on line {p + 1}, which "
            "already has a value on its line",
            f"line it up with {p_name} ({_spaces(p_ind)}); only a key with nothing after "
            "its ':' can have keys indented under it",
            n + 1,
            ind + 1,
        )
    if ind < p_ind:
        first = p  # the first entry of the block the previous line belongs to
        k = p - 1
        owner = None
        while k >= 0:
            if _content(lines[k]):
                if _indent(lines[k]) < p_ind:
                    owner = k
                    break
                if _indent(lines[k]) == p_ind:
                    first = k
            k -= 1
        f_name = _name(lines[first])
        if owner is not None and _indent(lines[owner]) < ind:
            o_name, o_ind = _name(lines[owner]), _indent(lines[owner])
            return Plain(
                f"{name} is indented {_spaces(ind)}, but {f_name} (line {first + 1}) in the "
                f"same block is indented {_spaces(p_ind)}; entries of one block must line up",
                f"indent {name} with {_spaces(p_ind)} to keep it under {o_name}, or with "
                f"{_spaces(o_ind)} to end that block",
                n + 1,
                ind + 1,
            )
    return None


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _previous(lines: list[str], n: int) -> int | None:
    for k in range(n - 1, -1, -1):
        if _content(lines[k]):
            return k
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _colon(line: str) -> int | None:
    """Where the first ``key:`` colon of a block line is (a colon followed by a space or the
    end of the line), outside quotes; None when there is none."""
    quote = ""
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'" and (i == 0 or line[i - 1] in " [{,"):
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] == " "):
            return None
        elif c == ":" and (i + 1 == len(line) or line[i + 1] in " \t"):
            return i
    return None


SHOWN = 40
"""Characters of a key or value quoted in a message: enough to find it, never a whole line."""


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _key(line: str) -> str:
    colon = _colon(line)
    body = line[:colon] if colon is not None else line
    return _short(body.strip().removeprefix("- ").strip())


def _name(line: str) -> str:
    """How a line is named in a message: ``'version'`` or ``the list item '- y'``."""
    stripped = line.strip()
    if stripped.startswith("-") and _colon(line) is None:
        return f"the list item {_short(stripped)!r}"
    return repr(_key(line))


def _strip_comment(value: str) -> str:
    cut = value.find(" #")
    return value if cut < 0 else value[:cut]


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"
