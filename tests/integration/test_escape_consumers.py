"""The escaping filters proven by their real consumers: aapt2 for strings.xml, node for JS.

Under ``CI`` (any value) a missing tool FAILS the test; locally, with ``CI`` unset, it skips.

How values are read back from the APK (investigated on Debian's aapt2 "v0.2-debian" and
aapt 2.19-debian):

* ``aapt2 dump resources out.apk`` prints ``() "<value>"`` with NO escaping: quotes and
  backslashes are raw, and every newline in a value is followed by the printer's indent
  (6 spaces) unless the next line is empty. It is still unambiguous, because a value's
  continuation line is either empty or starts with that indent while the next record starts
  with 4 spaces; :func:`read_aapt2_dump` undoes the indent. It converts the pool's modified
  UTF-8 back to UTF-8 except for planes 15–16 (U+F0000…U+10FFFF, high surrogates
  U+DB80–U+DBFF, which its ``ModifiedUtf8ToUtf8`` range check omits): those come out as
  CESU-8 halves, so the output is decoded like aapt1's below.
* ``aapt dump --values resources out.apk`` (aapt1, libandroidfw ``ResTable`` — the runtime's
  own reader) prints ``(string8) "<value>"`` through ``ResTable::normalizeForOutput``, which
  escapes exactly ``\\``, ``"`` and newline, so one value is one line. But it prints the
  pool's raw bytes, and aapt2 stores UTF-8 pools as *modified* UTF-8 (astral characters as
  CESU-8 surrogate halves), so :func:`read_aapt1_dump` decodes with ``surrogatepass`` and
  re-pairs the halves.

Both readers must return the original Python string exactly.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import require_file, require_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ixm_cli.escape import android_string, android_string_attrs, js_string, xml_unsafe_chars

pytestmark = pytest.mark.consumer

FRAMEWORK_RES = Path("/usr/share/android-framework-res/framework-res.apk")


def _run(args: Sequence[str | Path]) -> bytes:
    proc = subprocess.run([str(a) for a in args], capture_output=True, check=False)
    assert proc.returncode == 0, (
        f"{' '.join(map(str, args))} exited {proc.returncode}\n"
        f"{proc.stderr.decode(errors='replace')}{proc.stdout.decode(errors='replace')}"
    )
    return proc.stdout


# --- aapt2 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AndroidTools:
    aapt2: str
    aapt: str
    framework: Path


@pytest.fixture(scope="module")
def android() -> AndroidTools:
    """Checked once, before hypothesis starts generating examples."""
    return AndroidTools(require_tool("aapt2"), require_tool("aapt"), require_file(FRAMEWORK_RES))


MANIFEST = """<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="com.example.escape">
    <application android:label="@string/s0"/>
</manifest>
"""


def build_apk(tools: AndroidTools, workdir: Path, values: Sequence[str]) -> Path:
    """``res/values/strings.xml`` with ``s0…sN`` rendered by the filters, compiled and linked."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<resources>"]
    for i, value in enumerate(values):
        attrs = android_string_attrs(value)
        lines.append(f'    <string name="s{i}"{attrs}>{android_string(value)}</string>')
    lines.append("</resources>")
    res = workdir / "res" / "values"
    res.mkdir(parents=True)
    (res / "strings.xml").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    compiled = workdir / "compiled.zip"
    apk = workdir / "out.apk"
    _run([tools.aapt2, "compile", "--dir", workdir / "res", "-o", compiled])
    manifest = workdir / "AndroidManifest.xml"
    manifest.write_text(MANIFEST, encoding="utf-8", newline="\n")
    _run([tools.aapt2, "link", "-I", tools.framework, "--manifest", manifest, "-o", apk, compiled])
    return apk


def decode_modified_utf8(data: bytes) -> str:
    """UTF-8 that may hold CESU-8 surrogate halves (Android's "modified UTF-8" pools)."""
    halves = data.decode("utf-8", "surrogatepass")
    return halves.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


_AAPT2_ENTRY = re.compile(r"    resource 0x[0-9a-f]{8} string/(\w+)")
_AAPT2_VALUE_START = '      () "'
_AAPT2_INDENT = " " * 6


def read_aapt2_dump(tools: AndroidTools, apk: Path) -> dict[str, str]:
    """String resources from ``aapt2 dump resources``, de-indented (see module docstring)."""
    text = decode_modified_utf8(_run([tools.aapt2, "dump", "resources", apk]))
    lines = text.split("\n")  # not splitlines(): CR, U+2028, U+0085 … are value characters
    values: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = _AAPT2_ENTRY.fullmatch(lines[i])
        i += 1
        if not m:
            continue
        assert lines[i].startswith(_AAPT2_VALUE_START), lines[i]
        chunk = [lines[i][len(_AAPT2_VALUE_START) :]]
        i += 1
        while i < len(lines) and (lines[i] == "" or lines[i].startswith(_AAPT2_INDENT)):
            chunk.append(lines[i])
            i += 1
        while len(chunk) > 1 and chunk[-1] == "":  # the dump's own final newline
            chunk.pop()
            i -= 1
        rest = [line.removeprefix(_AAPT2_INDENT) for line in chunk[1:]]
        value = "\n".join([chunk[0], *rest])
        assert value.endswith('"'), value
        values[m.group(1)] = value[:-1]
    return values


_AAPT1_ENTRY = re.compile(rb"\s+resource 0x[0-9a-f]{8} [\w.]+:string/(\w+): t=0x03 .*")
_AAPT1_VALUE = re.compile(rb'\s+\(string(?:8|16)\) "(.*)"')
_AAPT1_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def read_aapt1_dump(tools: AndroidTools, apk: Path) -> dict[str, str]:
    """String resources from ``aapt dump --values resources`` (see module docstring)."""
    out = _run([tools.aapt, "dump", "--values", "resources", apk])
    lines = out.split(b"\n")
    values: dict[str, str] = {}
    for line, nxt in zip(lines, lines[1:], strict=False):
        m = _AAPT1_ENTRY.fullmatch(line)
        if not m:
            continue
        v = _AAPT1_VALUE.fullmatch(nxt)
        assert v, nxt
        text = decode_modified_utf8(v.group(1))
        unescaped = _AAPT1_UNESCAPE.sub(lambda e: {"n": "\n"}.get(e.group(1), e.group(1)), text)
        values[m.group(1).decode()] = unescaped
    return values


def assert_aapt2_round_trip(tools: AndroidTools, values: Sequence[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="ixm-escape-") as tmp:
        apk = build_apk(tools, Path(tmp), values)
        expected = {f"s{i}": v for i, v in enumerate(values)}
        assert read_aapt2_dump(tools, apk) == expected
        assert read_aapt1_dump(tools, apk) == expected


TRICKY_STRINGS = [
    'Joe\'s "Best" @Home & Co 100%',  # the PLATFORM_SPEC §2.1 example
    'Joe\'s "Best" <App> & Co 100% @home',
    "{{ 7*7 }}",
    "{% raw %}{{ cookiecutter.app_name }}",
    "it's",
    "'single' and \"double\"",
    "@string/app_name",
    "@null",
    "@empty",
    "?attr/colorPrimary",
    "?android:attr/textColor",
    "a@b?c#d",
    "#ff0000",
    "true",
    "42",
    "%s and %s",
    "%1$s %% 100%",
    "back\\slash \\n not a newline \\u0041 \\",
    "trailing backslash\\",
    "line1\nline2",
    "\nleading newline",
    "trailing newline\n",
    "a \n b",
    "tab\there",
    "cr\rhere\r\n",
    "<b>not bold</b> <xliff:g id='x'>y</xliff:g> ]]>",
    "&amp; &lt; &#65; &apos;",
    "👍🏽 thumbs",
    "云助钉",
    "مرحبا بالعالم",
    "שלום עולם",
    "mixed עברית and English",
    " leading space",
    "trailing space ",
    "  both  ",
    "double  inner",
    "   ",
    " @string/app_name",
    "",
    "nbsp\u00a0nbsp\u00a0",
    "\u2028line sep\u2029para sep\u0085nel",
    "\ufeffbom \ufffd replacement",
    "\U0010fffd plane 16",
    '"',
    "'",
    "\\",
]


def test_tricky_strings_survive_aapt2(android: AndroidTools) -> None:
    assert_aapt2_round_trip(android, TRICKY_STRINGS)


def test_unescaped_apostrophe_really_is_an_aapt2_error(
    android: AndroidTools, tmp_path: Path
) -> None:
    """Guards the premise of §2.1: without the filter aapt2 rejects the value."""
    res = tmp_path / "res" / "values"
    res.mkdir(parents=True)
    (res / "strings.xml").write_text(
        '<resources><string name="s">Joe\'s</string></resources>\n', encoding="utf-8"
    )
    proc = subprocess.run(
        [android.aapt2, "compile", "--dir", str(tmp_path / "res"), "-o", str(tmp_path / "c.zip")],
        capture_output=True,
        check=False,
    )
    assert proc.returncode != 0
    assert b"unescaped apostrophe" in proc.stderr


_XML_CHAR = st.characters(exclude_categories=["Cs"]).filter(lambda c: not xml_unsafe_chars(c))
_TRICKY_CHAR = st.sampled_from([*"'\"\\@?&<>%#u \n\t\r", "\U0001f44d", "\u2028", "\u00a0"])
_android_text = st.lists(st.one_of(_TRICKY_CHAR, _XML_CHAR), max_size=30).map("".join)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_android_text, min_size=1, max_size=8))
def test_any_xml_legal_text_survives_aapt2(android: AndroidTools, values: list[str]) -> None:
    assert_aapt2_round_trip(android, values)


# --- node (JavaScript) --------------------------------------------------------------------

JS_STRINGS = [
    *TRICKY_STRINGS,
    "</script><!-- <script>",
    "${template} `backtick`",
    "\u2028\u2029",
    "\x00\x01\x1f\x7f",
]


@pytest.fixture(scope="module")
def node() -> str:
    return require_tool("node")


def _node_eval(node: str, values: Sequence[str]) -> list[str]:
    """Evaluate the literals as JavaScript source and return the strings node built."""
    source = "process.stdout.write(JSON.stringify([" + ",".join(map(js_string, values)) + "]));"
    with tempfile.TemporaryDirectory(prefix="ixm-escape-") as tmp:
        script = Path(tmp) / "check.js"
        script.write_text(source, encoding="utf-8", newline="\n")
        result: list[str] = json.loads(_run([node, script]))
    return result


def test_js_string_literals_evaluate_to_the_original_in_node(node: str) -> None:
    assert _node_eval(node, JS_STRINGS) == JS_STRINGS


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"])), min_size=1, max_size=20))
def test_any_text_js_string_evaluates_to_the_original_in_node(node: str, values: list[str]) -> None:
    assert _node_eval(node, values) == values
