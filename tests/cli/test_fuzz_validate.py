"""Random YAML thrown at `ixm validate`: it always answers with exit 0 or 1, never a crash.

What is proven, for every generated tenant folder:

* the exit code is 0 or 1 (never 2, a usage error, nor 3, an internal error);
* no Python traceback reaches stdout or stderr;
* every line on stderr is a compiler-style diagnostic naming a file that exists under the
  tenants root (``<file>:<line>:<col>: error[…]: …`` or, for a whole-file problem,
  ``<file>: error[…]: …``), a ``  hint: …`` line under one, or the closing summary; so a
  message can never smuggle a raw newline or another line into the output;
* exit 1 exactly when at least one error is reported;
* `ixm show` and `ixm show --resolved` on the same folder also answer 0 or 1, without a
  traceback, with only compiler-style lines on stderr.

Three generators feed it:

* **structured** manifests: block and flow YAML built from random nested maps, lists and
  scalars, keyed mostly by the real schema (schema, tenant, extends, locales, app, ids,
  colors, assets, environments, …) so the rules, the ``extends`` chain, environment overlays
  and asset paths are reached with hostile values: ``../x/brand.yaml``, ``../../etc/passwd``,
  absolute paths, NUL bytes, huge integers, NaN, dates, booleans, tags, anchors and aliases,
  duplicate keys; a parent folder ``_p/`` is written too, itself random;
* **mutated** baselines: a valid manifest with a few values replaced (half the time a
  hostile ``extends`` or asset path), which gets past the structure check and reaches the
  deeper rules, path containment and the image checks;
* **raw** bytes: invalid UTF-8, BOMs, tabs, control characters, ``!!python/object`` tags,
  ``%YAML``/``%TAG`` directives, several documents, unclosed brackets.

Examples are derandomized (the same ones on every run) and bounded for CI; a handful also go
through the installed ``ixm`` console script in a subprocess, so the real entry point (not only
the in-process runner) is shown to answer without a traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ixm_test_helpers import baseline, dump_yaml, png_bytes, run_ixm

SLUG = "acme"
PARENT = "_p"

# -- the YAML tree we generate ---------------------------------------------------------------
# A tiny YAML AST rather than Python data dumped by ruamel: we want what a dumper never
# writes (duplicate keys, aliases anywhere, explicit tags, odd plain scalars, flow and block
# styles mixed), and each node renders to exactly the text we chose.


@dataclass(frozen=True)
class Scalar:
    text: str  # already in YAML syntax: plain, quoted or tagged


@dataclass(frozen=True)
class Alias:
    name: str


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]
    anchor: str | None = None
    flow: bool = False


@dataclass(frozen=True)
class Map:
    entries: tuple[tuple[str, Node], ...]  # keys already in YAML syntax; duplicates allowed
    anchor: str | None = None
    flow: bool = False


Node = Scalar | Alias | Seq | Map

TOP_KEYS = (
    "schema", "tenant", "extends", "locales", "app", "ids", "colors", "typography", "assets",
    "features", "endpoints", "storage", "legal", "store", "signing", "environments",
)
INNER_KEYS = (
    "name", "short_name", "description", "version", "build", "android", "ios", "primary",
    "on_primary", "secondary", "background", "on_background", "dark", "font_family", "icon",
    "icon_foreground", "icon_background", "icon_monochrome", "splash_logo", "im", "api", "web",
    "mode", "endpoint", "bucket", "region", "privacy_url", "terms_url", "support_email",
    "subtitle", "keywords", "keystore", "key_alias", "password", "team_id", "profile",
    "staging", "en", "zh-Hans", "<<",
)
ASSET_ROLES = ("icon", "icon_foreground", "icon_background", "icon_monochrome", "splash_logo")
HOSTILE_TEXT = (
    "ixm/v1", SLUG, "Acme", "en", "zh-Hans", "zh-hans", "xx-YY", "",  " ", "2.3.0", "1.2.3.4",
    "../x/brand.yaml", f"../{PARENT}/brand.yaml", f"../{PARENT}", "../../etc/passwd",
    "/etc/passwd", "~/icon.png", "brand.yaml", ".", "..", "../acme/brand.yaml",
    "assets/icon.png", "assets/../../../outside.png", "assets/missing.png", "assets",
    "a\x00b", "assets/icon.png\x00.txt", "line\nbreak", "tab\there", "\u2028", "\ud800",
    "#0A7D5A", "#FFF", "#fff", "#GGGGGG", "red", "env:ACME_KEY", "env:lower", "hunter2",
    "https://api.acme.example", "http://localhost:8080", "http://u:p@host", "http://[::1",
    "https://", "ftp://x", "support@acme.example", "not-an-email", "com.acme.app",
    "com.acme.class", "com.acme-x", "ABCDE12345", "{{ 7*7 }}", "<b>&amp;</b>", "x" * 300,
    "云助钉", "\u202e", "private", "cloud",
)
PLAIN_SCALARS = (
    "true", "false", "True", "null", "~", "yes", "no", "on", "0", "-0", "0x1F", "0o17", "0b101",
    "1_000", "___", "+12", "1e400", "-1e400", ".nan", ".NaN", ".inf", "-.inf", "3.14", "1.", ".5",
    "9" * 5000, "-" + "9" * 30, "2024-01-01", "2001-12-14t21:59:43.10-05:00", "12:30:00",
    "0777", "00", "ixm/v1", SLUG, "en", "@", "`x`", "%x", "<<", "=",
)
TAGGED = (
    "!!str 123", "!!int 12", "!!int x", "!!float nope", "!!bool maybe", "!!null ''",
    "!!binary aGk=", "!!timestamp 2001-01-01", "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system ''", "!custom x", "!<tag:yaml.org,2002:str> verbatim", "! bare",
    "!!set {a: null}", "!!omap [a: 1]", "!!map {a: 1}", "!!seq [1]",
)


ESCAPED = (  # double-quoted escapes the scanner turns into characters
    r'"\ud800"', r'"\ud83d\ude00"', r'"\udc00\ud800"', r'"\x00"', r'"\0"', r'"\e[31m"',
    r'"\N\L\P"', r'"\u202e"', r'"\U0010FFFF"', r'"\uFFFE"', r'"a\tb"', r'"line\nbreak"',
)


def _quoted(text: str) -> str:
    # JSON strings are YAML double-quoted scalars (escapes included). Non-ASCII stays raw so
    # U+2028, U+0085 and friends reach the scanner as characters, not as escapes.
    return json.dumps(text, ensure_ascii=False)


# What `extends` and asset paths get: escapes, absolute paths, a NUL, names no file system
# takes, symlinks out of the folder and in a loop (write_example makes both), the tenant itself.
PATHS = (
    "assets/icon.png", "assets/link.png", "assets/loop.png", "assets", "assets/", ".", "",
    "../outside.png", "assets/../../outside.png", "../../etc/passwd", "/etc/passwd", "~",
    "~root/x", "a\x00b", "assets/icon.png\x00.txt", "x" * 300, "../" + "y/" * 2100,
    f"../{PARENT}/brand.yaml", f"../{PARENT}", f"../{PARENT}/", "brand.yaml", "../acme",
    "../nope/brand.yaml", "assets/icon.png/", "C:\\x.png", "\\\\server\\share",
    "file:///etc/passwd", "assets/*.png", "../_p/../acme/brand.yaml", "..", "../..",
)
texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=24))
path_texts = st.one_of(st.sampled_from(PATHS), texts)
scalars: st.SearchStrategy[Node] = st.one_of(
    texts.map(_quoted).map(Scalar),
    st.sampled_from(PLAIN_SCALARS).map(Scalar),
    st.sampled_from(TAGGED).map(Scalar),
    st.sampled_from(ESCAPED).map(Scalar),
    st.integers().map(str).map(Scalar),
    st.integers(min_value=-(10**400), max_value=10**400).map(str).map(Scalar),
    st.floats(allow_nan=False).map(repr).map(Scalar),
    st.dates().map(str).map(Scalar),
    st.booleans().map(lambda b: Scalar(str(b).lower())),
    st.from_regex(r"\A'[a-z #:./-]{0,12}'\Z").map(Scalar),
    st.sampled_from(["a", "b", "c"]).map(Alias),
)
keys = st.one_of(
    st.sampled_from(INNER_KEYS),
    st.sampled_from(TOP_KEYS),
    texts.map(_quoted),
    st.sampled_from(["1", "true", "null", "'x y'", "? complex", "[a, b]", "&k key", "*a"]),
)
anchors = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))


def _collections(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Seq, st.lists(children, max_size=4).map(tuple), anchors, st.booleans()),
        st.builds(
            Map, st.lists(st.tuples(keys, children), max_size=4).map(tuple), anchors,
            st.booleans(),
        ),
    )


nodes: st.SearchStrategy[Node] = st.recursive(scalars, _collections, max_leaves=12)


@st.composite
def top_values(draw: st.DrawFn, key: str) -> Node:
    """A value for a top-level key: usually shaped like the schema wants, often not."""
    if draw(st.integers(0, 3)) == 0:
        return draw(nodes)
    if key in ("schema", "tenant"):
        return Scalar(_quoted(draw(texts)))
    if key == "extends":
        return Scalar(_quoted(draw(path_texts)))
    if key == "assets":
        roles = st.sampled_from(ASSET_ROLES) | keys
        values = path_texts.map(_quoted).map(Scalar) | nodes
        return Map(tuple(draw(st.lists(st.tuples(roles, values), max_size=6))), None,
                   draw(st.booleans()))
    if key == "locales":
        return Seq(tuple(draw(st.lists(texts.map(_quoted).map(Scalar), max_size=3))),
                   draw(anchors), draw(st.booleans()))
    if key == "environments":
        overlay = st.builds(
            Map, st.lists(st.tuples(st.sampled_from(TOP_KEYS), nodes), max_size=3).map(tuple),
            anchors, st.booleans(),
        )
        envs = st.lists(st.tuples(st.sampled_from(["staging", "dev", "prod"]) | keys, overlay),
                        max_size=2)
        return Map(tuple(draw(envs)), None, draw(st.booleans()))
    inner = st.tuples(st.sampled_from(INNER_KEYS) | keys, nodes | scalars)
    return Map(tuple(draw(st.lists(inner, max_size=6))), draw(anchors), draw(st.booleans()))


@st.composite
def manifests(draw: st.DrawFn) -> Map:
    chosen = draw(st.lists(st.sampled_from(TOP_KEYS), max_size=len(TOP_KEYS) + 2))
    return Map(tuple((k, draw(top_values(k))) for k in chosen))


def render(node: Node, indent: int = 0) -> str:
    """YAML text for ``node`` at ``indent``: block style unless the node asks for flow."""
    pad = " " * indent
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, Alias):
        return f"*{node.name}"
    anchor = f"&{node.anchor} " if node.anchor else ""
    if node.flow or indent > 40:
        return anchor + _flow(node)
    if isinstance(node, Seq):
        if not node.items:
            return anchor + "[]"
        rows = [f"{pad}- {render(item, indent + 2)}" for item in node.items]
        return anchor.rstrip() + "\n" + "\n".join(rows)
    if not node.entries:
        return anchor + "{}"
    rows = [f"{pad}{key}: {render(value, indent + 2)}" for key, value in node.entries]
    return anchor.rstrip() + "\n" + "\n".join(rows)


def _flow(node: Node) -> str:
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, Alias):
        return f"*{node.name} "  # the space keeps a following ',' out of the alias name
    anchor = f"&{node.anchor} " if node.anchor else ""
    if isinstance(node, Seq):
        return anchor + "[" + ", ".join(_flow(i) for i in node.items) + "]"
    return anchor + "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node.entries) + "}"


def render_manifest(doc: Map) -> str:
    rows = [f"{key}: {render(value, 2).lstrip(' ')}" for key, value in doc.entries]
    return "\n".join(rows) + "\n"


# -- mutated baselines -----------------------------------------------------------------------


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _paths(v, (*prefix, i))
    return found


BASE = baseline(SLUG)
BASE_PATHS = _paths(BASE)
python_values = st.one_of(
    texts, st.integers(min_value=-(10**30), max_value=10**30), st.floats(), st.booleans(),
    st.none(), st.dates(), st.lists(texts, max_size=2), st.dictionaries(texts, texts, max_size=2),
)


_REMOVE = object()


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> None:
    """``data[path] = value`` if the path still exists (an earlier change may have cut it)."""
    node = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(node, dict) and isinstance(last, str):
        if value is _REMOVE:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = None if value is _REMOVE else value


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid baseline with a few values replaced (or removed)."""
    data: Any = json.loads(json.dumps(BASE))
    if draw(st.booleans()):  # half the time, a hostile path where the rules follow one
        role = draw(st.sampled_from(("extends", *ASSET_ROLES)))
        _replace(data, ("extends",) if role == "extends" else ("assets", role), draw(path_texts))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(BASE_PATHS))
        # mostly text where the baseline has text: it passes the structure check and so
        # reaches the rule that judges it (patterns, lengths, locales, URLs, colours)
        same_kind = texts if isinstance(_value_at(BASE, path), str) else python_values
        value = draw(st.one_of(same_kind, same_kind, python_values, st.just(_REMOVE)))
        _replace(data, path, value)
    return dump_yaml(data)


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


# -- raw bytes -------------------------------------------------------------------------------

SNIPPETS = (
    b"\xef\xbb\xbf", b"\xff\xfe", b"\t", b"  ", b"\n", b"\r\n", b"\r", b"%YAML 1.2\n",
    b"%YAML 1.1\n", b"%YAML 2.0\n", b"%YAML 1.3\n", b"%TAG ! tag:example.com,2000:\n",
    b"%TAG !e! tag:e,2000:\n", b"%FOO bar\n", b"---\n", b"--- ", b"...\n", b"schema: ixm/v1\n",
    b"tenant: acme\n", b"extends: ../_p/brand.yaml\n", b"extends: /etc/passwd\n",
    b"assets: {icon: ../../etc/passwd}\n", b"!!python/object/apply:os.system ['true']",
    b"!!python/object:__main__.X {}", b"!e!x y", b"&a ", b"*a", b"*", b"&", b"\x00", b"\x07",
    b"\x1b[31m", b"\x7f", b"\x85", b"\xc2\x85", b"\xe2\x80\xa8", b"\xed\xa0\x80", b"\xff",
    b"\xc3", b"\xc3(", b"{", b"}", b"[", b"]", b"? ", b"- ", b": ", b", ", b'"', b"'", b"\\",
    b'"\\x00"', b'"\\ud800"', b'"\\U0010FFFF"', b'"\\q"', b"|\n", b">-\n", b"|+2\n", b"#",
    b"app:\n  name: x\n", b"a: 1\na: 2\n", b"<<: *a\n", b"!!set\n", b"9" * 400, b"\xef\xbb\xbf---",
)
raw_files = st.lists(
    st.one_of(
        st.sampled_from(SNIPPETS), st.binary(max_size=6),
        st.text(max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    max_size=24,
).map(b"".join)


# -- the example on disk and the checks ------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A tenants root: ``acme/brand.yaml`` (under test), ``_p/brand.yaml`` (a parent)."""

    manifest: bytes
    parent: bytes


mutated_examples = st.builds(
    Example,
    mutated().map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.just(dump_yaml({"schema": "ixm/v1"}).encode()),
)
examples = st.one_of(
    st.builds(
        Example,
        manifests().map(render_manifest).map(lambda t: t.encode("utf-8", "surrogatepass")),
        manifests().map(render_manifest).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    mutated_examples,
    st.builds(Example, raw_files, raw_files),
)


def write_example(root: Path, example: Example) -> None:
    """Write the example under ``root``: real images, a symlink out of the tenant folder and
    one in a loop, and a file beside the tenants root for paths that escape to find."""
    for folder, content in ((SLUG, example.manifest), (PARENT, example.parent)):
        (root / folder / "assets").mkdir(parents=True)
        for name in ("icon.png", "icon-foreground.png", "icon-mono.png", "splash-logo.png"):
            (root / folder / "assets" / name).write_bytes(png_bytes())
        (root / folder / "brand.yaml").write_bytes(content)
    (root.parent / "outside.png").write_bytes(png_bytes())
    (root / SLUG / "assets" / "link.png").symlink_to("../../../outside.png")
    (root / SLUG / "assets" / "loop.png").symlink_to("loop.png")


DIAGNOSTIC = re.compile(
    r"^(?P<file>.+?)(?::(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*))?: "
    r"(?P<severity>error|warning)\[(?P<field>.*)\]: (?P<message>.+)$"
)
SUMMARY = re.compile(
    r"^ixm: checked 1 tenant\(s\), [1-9][0-9]* manifest\(s\) with environments: "
    r"(?P<errors>[0-9]+) error\(s\), (?P<warnings>[0-9]+) warning\(s\)$"
)


def _names_a_file(name: str, root: Path) -> bool:
    path = Path(name)
    return path.is_absolute() and path.is_relative_to(root) and path.is_file()


def assert_well_formed(code: int, stdout: str, stderr: str, root: Path) -> None:
    """The contract of every answer `ixm validate` gives, whatever the input."""
    shown = f"exit {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    assert code in (0, 1), shown
    assert "Traceback (most recent call last)" not in stdout + stderr, shown
    assert stdout == "", shown  # text format: diagnostics and the summary go to stderr
    errors = 0
    lines = stderr.split("\n")
    assert lines[-1] == "", shown  # every line ends with a newline
    previous_was_diagnostic = False
    for line in lines[:-1]:
        if line.startswith("  hint: "):
            assert previous_was_diagnostic, f"a hint with no diagnostic above it\n{shown}"
            continue
        found = DIAGNOSTIC.match(line)
        if found:
            # a diagnostic names a file under the tenants root (the manifest, or whatever
            # `extends` made ixm read), never 'ixm' or a path that is not there
            assert _names_a_file(found["file"], root), f"{found['file']!r}: no such file\n{shown}"
            errors += found["severity"] == "error"
            previous_was_diagnostic = True
            continue
        summary = SUMMARY.match(line)
        assert summary, f"not compiler-style: {line!r}\n{shown}"
        assert int(summary["errors"]) >= (1 if errors else 0), shown
        previous_was_diagnostic = False
    assert SUMMARY.match(lines[-2]) if len(lines) > 1 else False, shown
    assert (code == 1) == (errors > 0), shown


def validate_in_process(example: Example) -> None:
    with tempfile.TemporaryDirectory(prefix="ixm-fuzz-") as tmp:
        root = Path(tmp).resolve() / "tenants"
        write_example(root, example)
        result = run_ixm("validate", SLUG, "--tenants", root)
        assert_well_formed(result.exit_code, result.stdout, result.stderr, root)
        # `show` reads the same chain: it prints YAML (exit 0) or diagnostics (exit 1), and
        # with --resolved also runs every check (and the brand's defaults) like validate
        for flags in ((), ("--resolved",)):
            shown = run_ixm("show", SLUG, *flags, "--tenants", root)
            both = shown.stdout + shown.stderr
            assert shown.exit_code in (0, 1), both
            assert "Traceback (most recent call last)" not in both
            for line in shown.stderr.splitlines():
                found = DIAGNOSTIC.match(line)
                assert line.startswith("  hint: ") or (
                    found and _names_a_file(found["file"], root)
                ), shown.stderr


FUZZ = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(example=examples)
def test_validate_answers_any_manifest_with_exit_0_or_1(example: Example) -> None:
    validate_in_process(example)


@settings(FUZZ, max_examples=150)
@given(example=mutated_examples)
def test_mutated_baselines_reach_every_rule(example: Example) -> None:
    """Near-valid manifests: what gets past the structure check meets the semantic rules."""
    validate_in_process(example)


@settings(FUZZ, max_examples=150)
@given(doc=manifests(), parent=manifests(), extend=st.booleans())
def test_structured_manifests_reach_the_rules(doc: Map, parent: Map, extend: bool) -> None:
    """Schema-shaped YAML through the chain: a parent the child extends, then the rules."""
    text = render_manifest(doc)
    if extend:
        # a child that surely extends the random parent, so merging, overlays and the
        # parent's asset paths run on random data (its own schema/tenant/extends dropped,
        # or a duplicate key would stop it at the parser)
        own = Map(tuple(e for e in doc.entries if e[0] not in ("schema", "tenant", "extends")))
        text = f'schema: ixm/v1\ntenant: {SLUG}\nextends: "../{PARENT}/brand.yaml"\n'
        text += render_manifest(own) if own.entries else ""
    validate_in_process(
        Example(
            text.encode("utf-8", "surrogatepass"),
            render_manifest(parent).encode("utf-8", "surrogatepass"),
        )
    )


# -- the installed entry point ---------------------------------------------------------------


def ixm_script() -> Path:
    """The console script installed beside the interpreter running the tests."""
    script = Path(sys.executable).parent / "ixm"
    assert script.is_file(), f"the ixm console script is not installed at {script}"
    return script


HOSTILE: dict[str, bytes] = {
    "nul": b"schema: ixm/v1\ntenant: nul\napp: {name: \"a\\0b\"}\n\x00",
    "latin1": b"schema: ixm/v1\ntenant: latin1\napp: {name: Caf\xe9}\n",
    "python-tag": b"schema: ixm/v1\ntenant: python-tag\nx: !!python/object/apply:os.system [id]\n",
    "bom-directive": b"\xef\xbb\xbf%YAML 1.1\n---\nschema: ixm/v1\ntenant: bom-directive\n",
    "two-docs": b"schema: ixm/v1\n---\nschema: ixm/v1\n",
    "tabs": b"schema: ixm/v1\n\ttenant: tabs\n",
    "control": b"schema: ixm/v1\ntenant: control\x07\n",
    "escape": (
        b"schema: ixm/v1\ntenant: escape\nextends: ../../etc/passwd\n"
    ),
    "assets-out": dump_yaml(
        {**baseline("assets-out"), "assets": {"icon": "../../etc/passwd",
                                              "icon_foreground": "/etc/passwd",
                                              "splash_logo": "assets/a\x00b.png"}}
    ).encode(),
    "laughs": b"schema: ixm/v1\n" + b"".join(
        b"l%d: &l%d [%s]\n" % (i, i, b", ".join([b"*l%d" % (i - 1) if i else b"lol"] * 9))
        for i in range(8)
    ),
}


@settings(FUZZ, max_examples=3)
@given(example=examples)
def test_the_installed_ixm_answers_without_a_traceback(example: Example) -> None:
    """Generated and hand-picked hostile tenants through the real console script."""
    with tempfile.TemporaryDirectory(prefix="ixm-fuzz-") as tmp:
        root = Path(tmp).resolve() / "tenants"
        write_example(root, example)
        for slug, content in HOSTILE.items():
            (root / slug).mkdir()
            (root / slug / "brand.yaml").write_bytes(content)
        proc = subprocess.run(
            [str(ixm_script()), "validate", "--all", "--tenants", str(root)],
            capture_output=True, text=True, encoding="utf-8", errors="backslashreplace",
            timeout=120, check=False,
        )
        assert proc.returncode == 1, proc.stderr  # the hand-picked tenants are all invalid
        assert "Traceback (most recent call last)" not in proc.stdout + proc.stderr
        for line in proc.stderr.splitlines()[:-1]:
            found = DIAGNOSTIC.match(line)
            assert line.startswith("  hint: ") or (found and _names_a_file(found["file"], root)), (
                f"{line!r}\n{proc.stderr}"
            )
        assert proc.stderr.splitlines()[-1].startswith(f"ixm: checked {len(HOSTILE) + 1} tenant")

