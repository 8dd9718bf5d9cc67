"""Read one YAML manifest into plain data plus the position of every key and value.

We drive ruamel.yaml's parser and resolver ourselves instead of its round-trip constructor:
one pass gives a position for *every* node (ruamel's round-trip maps carry none for plain
scalars in sequences of sequences, and its composer recurses, so a deeply nested file could
exhaust the stack), and alias expansion, depth and size are bounded while composing, so an
alias bomb is refused after a bounded amount of work instead of after exploding.
"""

from __future__ import annotations

import io
import itertools
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from ixm_cli.errors import IxmError, Location
from ixm_cli.manifest import syntax

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000
MAX_ALIASES = 256

# The tags a plain or quoted scalar may resolve to, or carry explicitly ("!!str 123").
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null")}
_COLLECTION_TAGS = {f"{_CORE}map", f"{_CORE}seq"}
_BOM = b"\xef\xbb\xbf"
_SURROGATE = re.compile("[\ud800-\udfff]")

Key = tuple[str | int, ...]


@dataclass
class Document:
    """Plain data (dict/list/str/int/float/bool/None) with positions keyed by path."""

    file: Path
    data: dict[str, Any]
    values: dict[Key, Location] = field(default_factory=dict)  # where each value starts
    keys: dict[Key, Location] = field(default_factory=dict)  # where each mapping key is


class _Limit(Exception):
    def __init__(self, message: str, hint: str, mark: Any) -> None:
        super().__init__(message)
        self.message, self.hint, self.mark = message, hint, mark


@dataclass
class _Composer:
    file: Path
    events: Iterator[Event]
    doc: Document
    anchors: dict[str, tuple[Any, dict[Key, Location], dict[Key, Location]]] = field(
        default_factory=dict
    )
    nodes: int = 0
    aliases: int = 0
    resolver: VersionedResolver = field(default_factory=lambda: VersionedResolver((1, 2)))

    def loc(self, mark: Any) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def count(self, n: int, mark: Any) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise _Limit(
                f"the manifest expands to more than {MAX_NODES} values",
                "a brand manifest is small; remove repeated aliases (*name) or split the data",
                mark,
            )

    def compose(self, ev: Event, path: Key, depth: int) -> Any:
        """Build the value that starts with ``ev``; records positions under ``path``."""
        if depth > MAX_DEPTH:
            raise _Limit(
                f"nesting is deeper than {MAX_DEPTH} levels",
                "a brand manifest needs only a few levels; check the brackets and indentation",
                ev.start_mark,
            )
        starts = len(self.doc.values), len(self.doc.keys)
        self.doc.values[path] = self.loc(ev.start_mark)
        if isinstance(ev, AliasEvent):
            return self.alias(ev, path)
        self.count(1, ev.start_mark)
        raw_tag = getattr(ev, "tag", None)
        tag = None if raw_tag is None else str(raw_tag)
        if isinstance(ev, ScalarEvent):
            value = self.scalar(ev)
        elif isinstance(ev, SequenceStartEvent):
            self.check_tag(tag, _COLLECTION_TAGS, ev)
            value = self.sequence(path, depth)
        elif isinstance(ev, MappingStartEvent):
            self.check_tag(tag, _COLLECTION_TAGS, ev)
            value = self.mapping(path, depth)
        else:  # pragma: no cover - the parser only starts nodes with the events above
            raise _Limit("unexpected YAML structure", "check the file's syntax", ev.start_mark)
        anchor = getattr(ev, "anchor", None)
        if anchor:
            self.anchors[anchor] = (
                value,
                _added(self.doc.values, starts[0], path),
                _added(self.doc.keys, starts[1], path),
            )
        return value

    def alias(self, ev: AliasEvent, path: Key) -> Any:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise _Limit(
                f"more than {MAX_ALIASES} aliases (*name)",
                "aliases are for a few shared texts; write the values out instead",
                ev.start_mark,
            )
        if ev.anchor not in self.anchors:
            raise _Limit(
                f"alias *{ev.anchor} refers to an anchor that is not defined before it",
                f"define &{ev.anchor} earlier in the file",
                ev.start_mark,
            )
        value, values, keys = self.anchors[ev.anchor]
        # An alias expands to a copy: count what it brings so a chain of aliases that doubles
        # at each step is refused long before it exhausts memory.
        self.count(max(len(values), 1), ev.start_mark)
        here = self.doc.values[path]
        for sub, _ in values.items():
            if sub:
                self.doc.values[path + sub] = here
        for sub, _ in keys.items():
            self.doc.keys[path + sub] = here
        return _copy(value)

    def check_tag(self, tag: str | None, allowed: set[str], ev: Event) -> None:
        if tag is None or tag in ("!", "?"):
            return
        if tag.startswith("!!"):
            tag = _CORE + tag[2:]
        if tag not in allowed:
            raise _Limit(
                f"YAML tag {tag!r} is not allowed",
                "brand manifests hold plain data: remove the tag (a '!…' before the value)",
                ev.start_mark,
            )

    def scalar(self, ev: ScalarEvent) -> Any:
        text = _characters(ev)
        tag = None if ev.tag is None else str(ev.tag)
        if tag is not None and tag != "!":
            self.check_tag(tag, _SCALAR_TAGS, ev)
            tag = _CORE + tag[2:] if tag.startswith("!!") else tag
        else:
            tag = str(self.resolver.resolve(ScalarNode, text, ev.implicit))
        return _construct(tag, text)

    def sequence(self, path: Key, depth: int) -> list[Any]:
        items: list[Any] = []
        for ev in self.events:
            if isinstance(ev, SequenceEndEvent):
                return items
            items.append(self.compose(ev, (*path, len(items)), depth + 1))
        raise _Limit("the file ends inside a list", "close the list", None)

    def mapping(self, path: Key, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for ev in self.events:
            if isinstance(ev, MappingEndEvent):
                return result
            if not isinstance(ev, ScalarEvent) or ev.anchor:
                raise _Limit(
                    "a mapping key must be plain text",
                    "use simple names as keys (no lists, maps, anchors or aliases)",
                    ev.start_mark,
                )
            key = self.scalar(ev)
            if not isinstance(key, str):
                key = ev.value  # `1: x` or `true: x`: keep the text, the schema decides
            kpath = (*path, key)
            if key in result:
                first = self.doc.keys[kpath]
                raise _Limit(
                    f"duplicate key {key!r} (first defined at line {first.line})",
                    "each key may appear once in a mapping; remove or merge one of them",
                    ev.start_mark,
                )
            self.doc.keys[kpath] = self.loc(ev.start_mark)
            value_ev = next(self.events)
            result[key] = self.compose(value_ev, kpath, depth + 1)
        raise _Limit("the file ends inside a mapping", "close the mapping", None)


def _characters(ev: ScalarEvent) -> str:
    """The scalar's text, with UTF-16 surrogate pairs written as two escapes joined.

    Only escapes make surrogates (the file itself is valid UTF-8): JSON-minded tools spell
    U+1F600 as "\\ud83d\\ude00", which is one character. A lone half is no character at
    all; no output format could encode it, so it is refused where it is written.
    """
    text: str = ev.value
    if not _SURROGATE.search(text):
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    try:
        return units.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        half = ord(units[exc.start : exc.start + 2].decode("utf-16-le", "surrogatepass"))
        raise _Limit(
            f"\\u{half:04x} is half of a UTF-16 surrogate pair, not a character",
            "write the character itself, or one \\U0001F600-style escape for it",
            ev.start_mark,
        ) from None


def _added(table: dict[Key, Location], start: int, path: Key) -> dict[Key, Location]:
    """The entries added to ``table`` after its first ``start``, relative to ``path``.

    Composing is depth-first and records each path once, so what was added while a node was
    composed is exactly its subtree. Taking it from the end costs the subtree's size; scanning
    the whole table for the prefix instead made every anchor cost the file's size, and 50,000
    anchored scalars (600 KB) took minutes.
    """
    n = len(path)
    added = list(itertools.islice(reversed(table.items()), len(table) - start))
    return {k[n:]: v for k, v in reversed(added)}


def _construct(tag: str, text: str) -> Any:
    """YAML 1.2 core-schema values; anything unparseable stays text for the schema to judge."""
    kind = tag[len(_CORE) :] if tag.startswith(_CORE) else "str"
    try:
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        if kind == "int":
            digits = text.replace("_", "")
            sign = -1 if digits.startswith("-") else 1
            digits = digits.lstrip("+-")
            if digits[:2] in ("0o", "0x"):
                return sign * int(digits[2:], 8 if digits[1] == "o" else 16)
            return sign * int(digits)
        if kind == "float":
            lowered = text.lower().replace("_", "")
            if lowered.lstrip("+-") in (".inf", ".nan"):
                return float(lowered.replace(".", ""))
            return float(lowered)
    except ValueError:
        pass
    return text


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def read_text(path: Path, *, display: Path | None = None) -> str:
    """The file's text, bounded in size and decoded as UTF-8 (a BOM is allowed).

    At most ``MAX_BYTES + 1`` bytes are ever read, whatever the file claims to be: a file that
    grows while it is read, or one whose size the system does not know, is refused like an
    oversized one instead of being read to the end.
    """
    where = Location(display or path)
    too_big = "a brand manifest is a few kilobytes: point at the right file, or remove "
    too_big += f"generated or repeated content until it is under {MAX_BYTES // 1024 // 1024} MiB"
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise IxmError.single(
                "manifest", "not a regular file", where, "point at a brand.yaml file"
            )
        if info.st_size > MAX_BYTES:
            raise IxmError.single(
                "manifest",
                f"file is {info.st_size:,} bytes; the limit is {MAX_BYTES:,}",
                where,
                too_big,
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise IxmError.single(
            "manifest", f"cannot read the file: {exc.strerror}", where, "check the path"
        ) from None
    if len(raw) > MAX_BYTES:
        raise IxmError.single(
            "manifest", f"file is more than {MAX_BYTES:,} bytes (it grew while read)", where,
            too_big,
        )
    # The BOM is dropped by hand, not by "utf-8-sig": that codec reports error offsets
    # relative to the text after the BOM, which would misplace the error and the bad byte.
    body = raw.removeprefix(_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = body.rfind(b"\n", 0, exc.start) + 1
        raise IxmError.single(
            "manifest",
            f"not valid UTF-8 (byte 0x{body[exc.start]:02x})",
            # columns count characters, as in every other diagnostic, not bytes
            Location(
                where.file,
                body.count(b"\n", 0, exc.start) + 1,
                len(body[start : exc.start].decode()) + 1,
            ),
            "save the file as UTF-8",
        ) from None


def _one_line(text: str) -> str:
    # A diagnostic is one line (and its hint another): ruamel's messages may span several
    # ("…\n  in "<file>", line 3"), which would break every compiler-style reader downstream.
    return " ".join(text.split())


def _unacceptable(exc: ReaderError, text: str, file: Path) -> IxmError:
    """A character YAML forbids anywhere in a file (NUL, ESC, U+FFFE, …), at its position.

    ruamel reports it before any token, as a plain error with a character offset and a
    two-line message; we turn the offset into line:col like every other diagnostic.
    """
    char = chr(exc.character) if isinstance(exc.character, int) else ""
    pos = exc.position if 0 <= exc.position < len(text) and text[exc.position] == char else (
        text.find(char) if char else -1
    )
    where = Location(file)
    if pos >= 0:
        line = text.count("\n", 0, pos) + 1
        where = Location(file, line, pos - (text.rfind("\n", 0, pos) + 1) + 1)
    code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
    return IxmError.single(
        "yaml",
        f"{code} is a control character or non-character, which YAML does not allow",
        where,
        "remove it; inside double quotes a text may spell it as an escape such as \\t",
    )


_VERSION_DIRECTIVE = re.compile(r"^%YAML[ \t]+([0-9]+)\.([0-9]+)", re.MULTILINE)


def _unknown_version(exc: AssertionError, text: str, file: Path) -> IxmError:
    """A `%YAML 1.3` (or 1.0) directive: refused at its line, like any other mistake."""
    for found in _VERSION_DIRECTIVE.finditer(text):
        if int(found.group(1)) == 1 and int(found.group(2)) not in (1, 2):
            line = text.count("\n", 0, found.start()) + 1
            return IxmError.single(
                "yaml",
                f"YAML version {found.group(1)}.{found.group(2)} is not supported",
                Location(file, line, 1),
                "brand.yaml is YAML 1.2: write %YAML 1.2, or remove the line",
            )
    return IxmError.single(
        "yaml",
        f"cannot parse the file: {_one_line(str(exc))}",
        Location(file),
        "check the file's syntax",
    )


def load(path: Path) -> Document:
    """Load one manifest file; raises IxmError with a position on any problem."""
    text = read_text(path)
    return parse(text, path)


def parse(text: str, file: Path) -> Document:
    doc = Document(file=file, data={})
    # The safe scanner: the same events and marks as the round-trip one, without gathering
    # comments we never read (about 40% faster on a large file).
    yaml = YAML(typ="safe", pure=True)
    events = iter(yaml.parse(io.StringIO(text)))
    composer = _Composer(file=file, events=events, doc=doc)
    try:
        root: Any = None
        documents = 0
        for ev in events:
            if isinstance(ev, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Limit(
                        "more than one YAML document (a second '---')",
                        "keep one manifest per brand.yaml",
                        ev.start_mark,
                    )
                start = next(events)
                root = composer.compose(start, (), 0)
                if root is not None and not isinstance(root, dict):  # None: "the file is empty"
                    raise _Limit(
                        "the manifest must be a mapping of keys to values",
                        "start with 'schema: ixm/v1' on its own line",
                        start.start_mark,
                    )
            elif isinstance(ev, StreamEndEvent):
                break
    except _Limit as exc:
        where = composer.loc(exc.mark) if exc.mark is not None else Location(file)
        raise IxmError.single("yaml", exc.message, where, exc.hint) from None
    except ReaderError as exc:
        raise _unacceptable(exc, text, file) from None
    except AssertionError as exc:
        # ruamel asserts, rather than raising a YAMLError, on a `%YAML 1.x` it does not know
        raise _unknown_version(exc, text, file) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = composer.loc(mark) if mark is not None else Location(file)
        plain = syntax.explain(exc, text)
        if plain is not None:
            raise IxmError.single(
                "yaml", plain.message, Location(file, plain.line, plain.col), plain.hint
            ) from None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise IxmError.single(
            "yaml", _one_line(problem), where, "check the indentation, quotes and brackets here"
        ) from None
    except (YAMLError, RecursionError) as exc:
        raise IxmError.single(
            "yaml",
            f"cannot parse the file: {_one_line(str(exc))}",
            Location(file),
            "check the file's syntax",
        ) from None
    if root is None:
        raise IxmError.single(
            "manifest", "the file is empty", Location(file), "start with 'schema: ixm/v1'"
        )
    doc.data = root
    return doc
