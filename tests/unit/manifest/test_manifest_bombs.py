"""Alias bombs and nesting bombs are refused with exit 1, a precise message and bounded memory.

What is proven:

* **Oversized** attacks (a 10 MiB "billion laughs", a 5 MiB ``[[[[…]]]]``) are refused by the
  1 MiB size limit before any of the file is read: exit 1, one compiler-style line naming the
  file with its size and the limit, and a hint that says how to fix it. Peak memory while
  loading stays under half the file's size, so the file was not read.
* The **same attacks shaped to fit just under 1 MiB** reach the parser and are refused by the
  composer's bounds, each at the file:line:col where the bound was crossed:

  - billion laughs (padded with comments so the parser reads ~1 MiB first) by the bound on
    values after alias expansion (50,000), at the alias whose expansion crosses it;
  - an alias flood (150,000 aliases of one scalar) by the bound on aliases (256), at the
    257th;
  - nesting in flow lists, flow maps, block maps and block lists by the depth bound (32), at
    the node that opens level 33.

  Expected positions are computed from the generated text and the documented bounds, never
  hard-coded.
* **Memory is bounded**: peak growth measured with ``tracemalloc`` while loading each file
  stays under 64 MiB (a resource bound, not a timing: how fast each is refused is reported by
  ``tests/benchmarks/bench_limits.py``, which builds its inputs with :func:`hostile_cases`).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from ixm_test_helpers import run_ixm

from ixm_cli.errors import IxmError, Location
from ixm_cli.manifest import loader

HEAD = "schema: ixm/v1\ntenant: acme\n"
MiB = 1024 * 1024
MEMORY_BOUND = 64 * MiB
NEAR = loader.MAX_BYTES - 64 * 1024  # "just under the limit" means within its last 64 KiB


@dataclass(frozen=True)
class Hostile:
    """A hostile brand.yaml and what ixm must say about it."""

    text: str
    message: str
    line: int = 0  # 0: a whole-file diagnostic (the size limit)
    col: int = 0

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _laughs_rows(levels: int, width: int) -> list[str]:
    rows = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        rows.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return rows


def _comment_padding(size: int) -> str:
    line = "# " + "padding to the size limit " * 3 + "\n"
    return line * (size // len(line))


def oversized_laughs() -> str:
    """A 10 MiB billion laughs: ten levels of nine aliases, more anchored levels to fill."""
    rows = _laughs_rows(10, 9)
    wide = ", ".join(["*l9"] * 64)
    text = HEAD + "\n".join(rows) + "\n"
    row = 0
    parts = [text]
    size = len(text)
    while size < 10 * MiB:
        part = f"m{row}: &m{row} [{wide}]\n"
        parts.append(part)
        size += len(part)
        row += 1
    return "".join(parts)


def oversized_nesting() -> str:
    """5 MiB of ``[`` then ``]``: two and a half million levels."""
    n = (5 * MiB - len(HEAD) - 6) // 2
    return HEAD + "app: " + "[" * n + "]" * n + "\n"


def laughs_under_the_limit(width: int = 9, levels: int = 9) -> Hostile:
    """Billion laughs after ~1 MiB of comments, refused at the alias that crosses the bound.

    Each level's list holds ``width`` aliases of the level before; an alias counts every value
    it would expand to (the list and all inside it), so the running total is simple arithmetic.
    """
    rows = _laughs_rows(levels, width)
    bomb = "\n".join(rows) + "\n"
    text = HEAD + _comment_padding(loader.MAX_BYTES - len(HEAD) - len(bomb) - 512) + bomb
    total = 3  # the root mapping, schema's and tenant's values
    size = 1 + width  # l0: the list and its scalars
    total += size
    for level in range(1, levels):
        total += 1  # the level's own list
        row = f"l{level}:"
        start = text.index("\n" + row) + 1
        for j in range(width):
            total += size
            if total > loader.MAX_NODES:
                alias = f"*l{level - 1}"
                at = start
                for _ in range(j + 1):
                    at = text.index(alias, at + 1)
                line, col = _line_col(text, at)
                return Hostile(
                    text,
                    f"the manifest expands to more than {loader.MAX_NODES} values",
                    line,
                    col,
                )
        size = 1 + width * size
    raise AssertionError("the bomb is too small to cross the bound")  # pragma: no cover


def alias_flood_under_the_limit() -> Hostile:
    """One anchored scalar and as many ``- *a`` entries as fit: refused at the 257th alias."""
    head = HEAD + "a: &a x\nlist:\n"
    entry = "  - *a\n"
    text = head + entry * ((loader.MAX_BYTES - len(head)) // len(entry))
    line = head.count("\n") + loader.MAX_ALIASES + 1
    return Hostile(text, f"more than {loader.MAX_ALIASES} aliases (*name)", line, 5)


DEEPER = loader.MAX_DEPTH + 1  # the level that is refused; the root mapping is level 0


def flow_lists_under_the_limit() -> Hostile:
    prefix = HEAD + "app: "
    n = (loader.MAX_BYTES - len(prefix) - 1) // 2
    text = prefix + "[" * n + "]" * n + "\n"
    # the value of `app` is level 1, so the DEEPER-th bracket opens the refused level
    line, col = _line_col(text, len(prefix) + DEEPER - 1)
    return Hostile(text, f"nesting is deeper than {loader.MAX_DEPTH} levels", line, col)


def flow_maps_under_the_limit() -> Hostile:
    prefix = HEAD + "app: "
    opener = "{a: "
    n = (loader.MAX_BYTES - len(prefix) - 2) // (len(opener) + 1)
    text = prefix + opener * n + "x" + "}" * n + "\n"
    line, col = _line_col(text, len(prefix) + len(opener) * (DEEPER - 1))
    return Hostile(text, f"nesting is deeper than {loader.MAX_DEPTH} levels", line, col)


def block_maps_under_the_limit() -> Hostile:
    """``k:`` indented one step more on each line, as deep as 1 MiB allows (~1,000 levels)."""
    rows: list[str] = []
    size = len(HEAD) + 3
    while size + 2 * len(rows) + 3 <= loader.MAX_BYTES:
        rows.append("  " * len(rows) + "k:\n")
        size += len(rows[-1])
    text = HEAD + "".join(rows)[:-1] + " x\n"
    # the mapping that starts on row i is the value of row i-1's key: level i
    line = HEAD.count("\n") + DEEPER + 1
    return Hostile(
        text, f"nesting is deeper than {loader.MAX_DEPTH} levels", line, 2 * DEEPER + 1
    )


def block_lists_under_the_limit() -> Hostile:
    """``- - - - … x``: compact nested block lists on one line."""
    prefix = HEAD + "app:\n  "
    n = (loader.MAX_BYTES - len(prefix) - 2) // 2
    text = prefix + "- " * n + "x\n"
    line, col = _line_col(text, len(prefix) + 2 * (DEEPER - 1))
    return Hostile(text, f"nesting is deeper than {loader.MAX_DEPTH} levels", line, col)


def _oversized(text: str) -> Hostile:
    size = len(text.encode("utf-8"))
    return Hostile(text, f"file is {size:,} bytes; the limit is {loader.MAX_BYTES:,}")


def hostile_cases() -> dict[str, Callable[[], Hostile]]:
    """Every hostile manifest, by name (also what bench_limits.py times)."""
    return {
        "laughs-10MiB": lambda: _oversized(oversized_laughs()),
        "nesting-5MiB": lambda: _oversized(oversized_nesting()),
        "laughs-1MiB": laughs_under_the_limit,
        "alias-flood-1MiB": alias_flood_under_the_limit,
        "flow-lists-1MiB": flow_lists_under_the_limit,
        "flow-maps-1MiB": flow_maps_under_the_limit,
        "block-maps-1MiB": block_maps_under_the_limit,
        "block-lists-1MiB": block_lists_under_the_limit,
    }


OVERSIZED = ["laughs-10MiB", "nesting-5MiB"]
UNDER = [name for name in hostile_cases() if name not in OVERSIZED]


def load_measured(path: Path) -> tuple[IxmError, int]:
    """Load ``path`` (which must fail) and return the error and the peak memory growth."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        with pytest.raises(IxmError) as caught:
            loader.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return caught.value, peak - before


def write(root: Path, case: Hostile) -> Path:
    manifest = root / "acme" / "brand.yaml"
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes(case.data)
    return manifest


@pytest.mark.parametrize("name", OVERSIZED)
def test_oversized_bombs_are_refused_by_the_size_limit(root: Path, name: str) -> None:
    case = hostile_cases()[name]()
    manifest = write(root, case)
    size = manifest.stat().st_size
    assert size > 4 * MiB  # the attack as written, not a token of it

    error, growth = load_measured(manifest)
    [d] = error.diagnostics
    assert (d.field, d.message, d.location) == ("manifest", case.message, Location(manifest))
    assert growth < size // 2, f"{growth:,} bytes: the file was read"

    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{manifest}: error[manifest]: file is {size:,} bytes; the limit is 1,048,576"
    )
    assert lines[1] == (
        "  hint: a brand manifest is a few kilobytes: point at the right file, or remove "
        "generated or repeated content until it is under 1 MiB"
    )
    assert lines[2].endswith("1 error(s), 0 warning(s)")


@pytest.mark.parametrize("name", UNDER)
def test_bombs_under_the_size_limit_are_refused_where_a_bound_is_crossed(
    root: Path, name: str
) -> None:
    case = hostile_cases()[name]()
    manifest = write(root, case)
    assert NEAR < manifest.stat().st_size <= loader.MAX_BYTES  # so it reaches the parser

    error, growth = load_measured(manifest)
    [d] = error.diagnostics
    assert d.field == "yaml"
    assert d.message == case.message
    assert d.location == Location(manifest, case.line, case.col)
    assert d.hint  # every bound says what to do instead
    assert growth < MEMORY_BOUND, f"loading grew memory by {growth / MiB:.1f} MiB"

    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{manifest}:{case.line}:{case.col}: error[yaml]: {case.message}\n  hint: {d.hint}\n"
    )
