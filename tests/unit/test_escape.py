"""Escaping filters: table tests, and round-trip properties through a real parser per format.

Where no parser exists in Python (Apple ``.strings``, CSS strings, Kotlin literals, aapt2's
string flattening) the test carries a small, line-by-line port of the consumer's own code,
citing the function it mirrors. aapt2 itself is exercised in
``tests/integration/test_escape_consumers.py``.
"""

from __future__ import annotations

import json
import plistlib
import re
import string
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from ixm_cli import escape
from ixm_cli.escape import (
    FILTERS,
    android_string,
    android_string_attrs,
    css_color,
    css_string,
    gradle_kts_string,
    html_attr,
    html_text,
    js_string,
    json_string,
    json_value,
    plist_string,
    strings_value,
    xcconfig_value,
    xml_attr,
    xml_text,
    xml_unsafe_chars,
    yaml_string,
)

# --- strategies -------------------------------------------------------------------------

# Characters every format treats specially somewhere, and fragments that matter as a whole;
# each is its own branch of one_of so examples hit them often.
HOT_CHARS = st.sampled_from([*"'\"\\@?&<>%$#/{} \n\t\r\x0b\x0c\x00\x01\x1b\x7f\x85\xa0u0aAU"])
FRAGMENTS = st.sampled_from(
    ["</", "</style>", "</script>", "<!--", "]]>", "${x}", "$x", "//", "\\u0041", "  "]
    + ["\r\n", "\n ", "\na", "\\U0041", "\\101"]
    + ["\u2028", "\u2029", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U0001f44d\U0001f3fd"]
    + ["云助钉", "مرحبا", "שלום", "{{ 7*7 }}"]
)
ANY_CHAR = st.characters(exclude_categories=["Cs"])  # lone surrogates are rejected anyway

any_text = st.lists(st.one_of(HOT_CHARS, FRAGMENTS, ANY_CHAR), max_size=40).map("".join)
xml_text_st = any_text.map(lambda s: "".join(c for c in s if not xml_unsafe_chars(c)))

# The parsers here are in-process and fast: afford enough examples to hit rare combinations.
PROPERTY = settings(max_examples=500)


# --- shared contract ----------------------------------------------------------------------


def test_filters_table_names_every_filter_after_its_function() -> None:
    assert set(FILTERS) == {
        "android_string",
        "android_string_attrs",
        "css_color",
        "css_string",
        "gradle_kts_string",
        "html_attr",
        "html_text",
        "js_string",
        "json_string",
        "json_value",
        "kotlin_string",
        "plist_string",
        "strings_value",
        "swift_string",
        "xcconfig_value",
        "xml_attr",
        "xml_text",
        "yaml_string",
    }
    for name, fn in FILTERS.items():
        assert fn is getattr(escape, name)


STR_FILTERS = sorted(set(FILTERS) - {"json_value"})


@pytest.mark.parametrize("name", STR_FILTERS)
def test_non_strings_are_a_type_error(name: str) -> None:
    with pytest.raises(TypeError, match=name):
        FILTERS[name](42)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [*STR_FILTERS, "json_value"])
def test_lone_surrogates_are_rejected(name: str) -> None:
    with pytest.raises(ValueError):
        FILTERS[name]("a\ud800b")


XML_FAMILY = ["android_string", "xml_text", "xml_attr", "plist_string", "html_text", "html_attr"]


@pytest.mark.parametrize("name", XML_FAMILY)
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe"])
def test_xml_family_rejects_what_xml_cannot_carry(name: str, char: str) -> None:
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        FILTERS[name](f"a{char}b")


def test_xml_unsafe_chars_lists_each_offender_once_in_order() -> None:
    assert xml_unsafe_chars("ok\t\n\r é 👍") == []
    assert xml_unsafe_chars("\x01a\x0b\x01\uffff\ud800") == ["\x01", "\x0b", "\uffff", "\ud800"]


def test_xml_unsafe_chars_agrees_with_expat() -> None:
    """Every BMP code point plus the astral edges, raw and as a character reference."""
    codepoints = [
        *range(0xD800),
        *range(0xE000, 0x10000),
        0x10000,
        0x1F44D,
        0xFFFFE,
        0x10FFFF,
    ]
    for cp in codepoints:
        c = chr(cp)
        unsafe = bool(xml_unsafe_chars(c))
        docs = [f"<r>&#x{cp:x};</r>".encode()]
        if c not in "&<":
            docs.append(f"<r>{c}</r>".encode())
        for doc in docs:
            try:
                ET.fromstring(doc)
            except ET.ParseError:
                assert unsafe, doc
            else:
                assert not unsafe, doc


# --- Android strings.xml ------------------------------------------------------------------


def aapt2_flatten(body: str) -> str:
    """What aapt2 stores for ``<string>{body}</string>``: a Python port of its pipeline.

    ``ResourceParser::FlattenXmlSubtree`` (XML-decode, then with no spans trim ASCII
    whitespace off the raw text's ends), ``ParseXml`` (a raw value starting with ``@``/``?``
    may become a reference: refused here), then ``ResourceUtils::StringBuilder::AppendText``
    (quote toggling, whitespace collapsing, backslash escapes). Errors raise ``ValueError``
    with aapt2's message.
    """
    raw = ET.fromstring(f"<string>{body}</string>").text or ""
    raw = raw.strip(" \t\n\v\f\r")  # util::TrimWhitespace uses isspace()
    if raw[:1] in ("@", "?"):
        raise ValueError("would be parsed as a reference")
    out: list[str] = []
    quote = False
    last_was_space = False
    chars = iter(raw)
    for c in chars:
        if not quote and c in " \t\n\v\f\r":
            if not last_was_space:
                out.append(" ")
                last_was_space = True
            continue
        last_was_space = False
        if c == "\\":
            nxt = next(chars, None)
            if nxt is None:
                continue  # a trailing backslash is dropped
            if nxt == "t":
                out.append("\t")
            elif nxt == "n":
                out.append("\n")
            elif nxt == "u":
                digits = "".join(next(chars, "") for _ in range(4))
                if len(digits) != 4 or not all(d in string.hexdigits for d in digits):
                    raise ValueError("invalid unicode escape sequence in string")
                out.append(chr(int(digits, 16)))
            else:  # '#', '@', '?', '"', '\'', '\\' and the default branch alike
                out.append(nxt)
        elif c == '"':
            quote = not quote
        elif c == "'" and not quote:
            raise ValueError("unescaped apostrophe in string")
        else:
            out.append(c)
    return "".join(out)


ANDROID_TABLE = [
    ('Joe\'s "Best" @Home & Co 100%', 'Joe\\\'s \\"Best\\" @Home &amp; Co 100%'),
    ("{{ 7*7 }}", "{{ 7*7 }}"),
    ("@string/app_name", "\\@string/app_name"),
    ("?attr/colorPrimary", "\\?attr/colorPrimary"),
    ("a@b?c", "a@b?c"),
    (" lead", '" lead"'),
    ("trail ", '"trail "'),
    ("two  spaces", '"two  spaces"'),
    (" @x", '" @x"'),  # quoted, so aapt2 does not see a reference
    ("one space", "one space"),
    ("line\nbreak\ttab", "line\\nbreak\\ttab"),
    ("cr\rhere", "cr\\u000Dhere"),
    ("back\\slash", "back\\\\slash"),
    ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"),
    ("]]>", "]]&gt;"),
    ("%s and %s", "%s and %s"),
    ("#1", "#1"),
    ("👍🏽 云助钉 مرحبا שלום", "👍🏽 云助钉 مرحبا שלום"),
    ("", ""),
]


@pytest.mark.parametrize(("value", "expected"), ANDROID_TABLE)
def test_android_string_table(value: str, expected: str) -> None:
    assert android_string(value) == expected
    assert aapt2_flatten(android_string(value)) == value


def test_android_spec_example_with_attrs() -> None:
    """PLATFORM_SPEC §2.1's worked example, as a whole element."""
    v = 'Joe\'s "Best" @Home & Co 100%'
    element = f'<string name="app_name"{android_string_attrs(v)}>{android_string(v)}</string>'
    assert element == (
        '<string name="app_name" formatted="false">Joe\\\'s \\"Best\\" @Home &amp; Co 100%</string>'
    )


@pytest.mark.parametrize(
    ("value", "attrs"), [("100%", ' formatted="false"'), ("%s %s", ' formatted="false"'), ("a", "")]
)
def test_android_string_attrs(value: str, attrs: str) -> None:
    assert android_string_attrs(value) == attrs


@PROPERTY
@given(xml_text_st)
def test_android_string_round_trips_through_aapt2_port(s: str) -> None:
    out = android_string(s)
    assert "&apos;" not in out and "&quot;" not in out
    assert aapt2_flatten(out) == s


# --- XML, plist ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (xml_text, "a & b < c > d ]]>", "a &amp; b &lt; c &gt; d ]]&gt;"),
        (xml_text, "'\"\n\t", "'\"\n\t"),
        (xml_text, "a\rb", "a&#13;b"),
        (xml_text, "{{ 7*7 }}", "{{ 7*7 }}"),
        (xml_attr, "'\"&<>", "&apos;&quot;&amp;&lt;&gt;"),
        (xml_attr, "a\nb\tc\rd", "a&#10;b&#9;c&#13;d"),
        (plist_string, "Joe's <App> & Co", "Joe's &lt;App&gt; &amp; Co"),
    ],
)
def test_xml_table(fn: Callable[[str], str], value: str, expected: str) -> None:
    assert fn(value) == expected


@PROPERTY
@given(xml_text_st)
def test_xml_text_round_trips_through_expat(s: str) -> None:
    assert (ET.fromstring(f"<r>{xml_text(s)}</r>").text or "") == s


@PROPERTY
@given(xml_text_st)
def test_xml_attr_round_trips_in_both_quote_styles(s: str) -> None:
    el = ET.fromstring(f"<r a=\"{xml_attr(s)}\" b='{xml_attr(s)}'/>")
    assert el.get("a") == s
    assert el.get("b") == s


PLIST_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>CFBundleDisplayName</key>
\t<string>{}</string>
</dict>
</plist>
"""


@PROPERTY
@given(xml_text_st)
def test_plist_string_round_trips_through_plistlib(s: str) -> None:
    doc = PLIST_DOC.format(plist_string(s)).encode()
    assert plistlib.loads(doc) == {"CFBundleDisplayName": s}


# --- Apple .strings -------------------------------------------------------------------------


def _cf_get_slashed_char(units: list[int], pos: int) -> tuple[int, int]:
    """Port of ``getSlashedChar`` (swift-corelibs-foundation ``CFOldStylePList.c``).

    ``pos`` is just after the backslash; returns (UTF-16 unit, new position).
    """
    ch = units[pos]
    pos += 1
    if 0x30 <= ch <= 0x37:  # octal, at most three digits, NeXTSTEP Latin
        num = ch - 0x30
        for _ in range(2):
            if pos >= len(units) or not 0x30 <= units[pos] <= 0x37:
                break
            num = ((num << 3) + units[pos] - 0x30) & 0xFF  # uint8_t
            pos += 1
        if num >= 0x80:
            raise NotImplementedError("NeXTSTEP Latin upper half (the filter never emits octal)")
        return num, pos
    if ch == ord("U"):
        num, num_digits = 0, 4
        while pos < len(units) and num_digits:  # `numDigits--` in the C condition
            num_digits -= 1
            c = units[pos]
            if c < 128 and chr(c) in string.hexdigits:
                pos += 1
                num = (num << 4) + int(chr(c), 16)
        return num, pos
    named = {"a": 0x07, "b": 0x08, "f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
    if ch < 128 and chr(ch) in named:
        return named[chr(ch)], pos
    return ch, pos  # '"' -> '"', '\n' -> '\n', and any other character is itself


def cf_parse_quoted(text: str) -> tuple[str, str]:
    """Port of ``parseQuotedPlistString``; ``text`` starts at the opening quote.

    Works on UTF-16 code units like CoreFoundation (so ``\\U`` surrogate pairs recombine)
    and returns (value, unparsed rest of ``text``).
    """
    raw = text.encode("utf-16-le")
    units = list(struct.unpack(f"<{len(raw) // 2}H", raw))
    quote = units[0]
    assert quote in (ord('"'), ord("'"))
    pos = 1
    out: list[int] = []
    while pos < len(units):
        ch = units[pos]
        if ch == quote:
            break
        if ch == ord("\\"):
            pos += 1
            if pos == len(units):
                raise ValueError("Unterminated backslash sequence")
            ch, pos = _cf_get_slashed_char(units, pos)
            out.append(ch)
        else:
            out.append(ch)
            pos += 1
    if pos >= len(units):
        raise ValueError("Unterminated quoted string")
    value = struct.pack(f"<{len(out)}H", *out).decode("utf-16-le")  # strict: no lone halves
    rest = struct.pack(f"<{len(units) - pos - 1}H", *units[pos + 1 :]).decode("utf-16-le")
    return value, rest


def test_cf_port_follows_getslashedchar() -> None:
    assert cf_parse_quoted(r'"\UD83D\UDC4D \U00e9x \101 \q \"\\"') == ('👍 éx A q "\\', "")
    assert cf_parse_quoted(r'"\U41G";') == ("AG", ";")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('Café "Ünïcode" App', '"Café \\"Ünïcode\\" App"'),
        ("a\\b", '"a\\\\b"'),
        ("l1\nl2\tt\rr", '"l1\\nl2\\tt\\rr"'),
        ("bell\x07 nul\x00 esc\x1b del\x7f", '"bell\\U0007 nul\\U0000 esc\\U001B del\\U007F"'),
        ("\x01A", '"\\U0001A"'),  # \U reads at most four digits
        ("ls\u2028", '"ls\\U2028"'),
        ("👍🏽 {{ 7*7 }} 'single'", "\"👍🏽 {{ 7*7 }} 'single'\""),
        ("", '""'),
    ],
)
def test_strings_value_table(value: str, expected: str) -> None:
    assert strings_value(value) == expected


@PROPERTY
@given(any_text)
def test_strings_value_round_trips_through_corefoundation_port(s: str) -> None:
    out = strings_value(s)
    assert "\n" not in out and "\r" not in out
    assert cf_parse_quoted(f"{out};") == (s, ";")


# --- JSON / JS ------------------------------------------------------------------------------

HTML_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029]")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("</script><!--", '"\\u003c/script\\u003e\\u003c!--"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("x & y", '"x \\u0026 y"'),
        ("\n\u2028", '"\\n\\u2028"'),
        ("云 👍", '"云 👍"'),
        ("{{ 7*7 }}", '"{{ 7*7 }}"'),
    ],
)
def test_json_string_table(value: str, expected: str) -> None:
    assert json_string(value) == expected
    assert js_string(value) == expected


@PROPERTY
@given(any_text)
def test_json_and_js_string_round_trip_and_are_script_safe(s: str) -> None:
    for fn in (json_string, js_string):
        out = fn(s)
        assert json.loads(out) == s
        assert not HTML_UNSAFE_IN_SCRIPT.search(out)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text,
    lambda children: st.lists(children) | st.dictionaries(any_text, children),
    max_leaves=10,
)


@PROPERTY
@given(json_values)
def test_json_value_round_trips_sorted_and_script_safe(obj: Any) -> None:
    out = json_value(obj)
    assert json.loads(out) == obj
    assert not HTML_UNSAFE_IN_SCRIPT.search(out)

    def keys_sorted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        assert [k for k, _ in pairs] == sorted(k for k, _ in pairs)
        return dict(pairs)

    json.loads(out, object_pairs_hook=keys_sorted)


def test_json_value_sorts_keys_and_refuses_nan() -> None:
    assert json_value({"b": 1, "a": ["<", "é"]}) == '{"a": ["\\u003c", "é"], "b": 1}'
    with pytest.raises(ValueError):
        json_value(float("nan"))


# --- HTML -----------------------------------------------------------------------------------


def html_preprocess(src: str) -> str:
    """HTML §13.2.3.5: browsers turn CRLF and CR into LF before tokenising.

    ``html.parser`` skips this step, so the tests apply it to stay faithful to a browser.
    """
    return src.replace("\r\n", "\n").replace("\r", "\n")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (html_text, 'Joe\'s "Best" <App> & Co', 'Joe\'s "Best" &lt;App&gt; &amp; Co'),
        (html_text, "{{ 7*7 }}", "{{ 7*7 }}"),
        (html_attr, 'Joe\'s "Best" <App> & Co', "Joe&#x27;s &quot;Best&quot; &lt;App&gt; &amp; Co"),
        (html_attr, "a\nb\rc", "a\nb&#13;c"),
    ],
)
def test_html_table(fn: Callable[[str], str], value: str, expected: str) -> None:
    assert fn(value) == expected


@PROPERTY
@given(xml_text_st)
def test_html_text_round_trips_through_html_parser(s: str) -> None:
    p = _Collector()
    p.feed(html_preprocess(f"<p>{html_text(s)}</p>"))
    p.close()
    assert "".join(p.data) == s


@PROPERTY
@given(xml_text_st)
def test_html_attr_round_trips_in_both_quote_styles(s: str) -> None:
    p = _Collector()
    p.feed(html_preprocess(f"<meta content=\"{html_attr(s)}\" name='{html_attr(s)}'>"))
    p.close()
    assert p.attrs == [("content", s), ("name", s)]


# --- CSS ------------------------------------------------------------------------------------

_CSS_WS = " \t\n"


def _css_consume_escape(src: str, i: int) -> tuple[str, int]:
    """CSS Syntax 3 §4.3.7 "consume an escaped code point"; ``i`` is after the backslash."""
    c = src[i]
    i += 1
    if c in string.hexdigits:
        digits = c
        while len(digits) < 6 and i < len(src) and src[i] in string.hexdigits:
            digits += src[i]
            i += 1
        if i < len(src) and src[i] in _CSS_WS:
            i += 1
        n = int(digits, 16)
        if n == 0 or 0xD800 <= n <= 0xDFFF or n > 0x10FFFF:
            return "\ufffd", i
        return chr(n), i
    return c, i


def css_parse_string(src: str) -> tuple[str, str]:
    """CSS Syntax 3 §3.3 preprocessing + §4.3.5 "consume a string token".

    Returns (value, rest); a bad-string or EOF inside the string raises ``ValueError``.
    """
    src = src.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    src = src.replace("\0", "\ufffd")
    ending = src[0]
    i = 1
    out: list[str] = []
    while True:
        if i == len(src):
            raise ValueError("EOF in string")
        c = src[i]
        i += 1
        if c == ending:
            return "".join(out), src[i:]
        if c == "\n":
            raise ValueError("bad-string token")
        if c == "\\":
            if i == len(src):
                continue
            if src[i] == "\n":
                i += 1
                continue
            ch, i = _css_consume_escape(src, i)
            out.append(ch)
        else:
            out.append(c)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("</style><script>", '"\\3c /style\\3e \\3c script\\3e "'),
        ('say "hi" \\o/', '"say \\"hi\\" \\\\o/"'),
        ("l1\nl2", '"l1\\a l2"'),
        ("\na", '"\\a a"'),  # the space ends the escape, so 'a' is not a hex digit of it
        ("{{ 7*7 }} 'x'", "\"{{ 7*7 }} 'x'\""),
    ],
)
def test_css_string_table(value: str, expected: str) -> None:
    assert css_string(value) == expected


def test_css_string_rejects_nul() -> None:
    with pytest.raises(ValueError, match="U\\+0000"):
        css_string("a\0b")


@PROPERTY
@given(any_text.map(lambda s: s.replace("\0", "")))
def test_css_string_round_trips_through_css_tokenizer(s: str) -> None:
    out = css_string(s)
    assert "<" not in out
    assert css_parse_string(out + ";") == (s, ";")


@pytest.mark.parametrize("value", ["#fff", "#A1b2C3"])
def test_css_color_passes_hex(value: str) -> None:
    assert css_color(value) == value


@pytest.mark.parametrize(
    "value", ["#ffff", "#ff", "fff", "red", "#ffffff\n", "#fff;}", "rgb(0,0,0)", "#gggggg", ""]
)
def test_css_color_rejects_everything_else(value: str) -> None:
    with pytest.raises(ValueError):
        css_color(value)


# --- Kotlin ---------------------------------------------------------------------------------


def kotlin_parse_string(src: str) -> tuple[str, str]:
    """A one-line Kotlin string literal per the Kotlin lexer grammar (``LineStrText``,
    ``LineStrEscapedChar`` = ``\\`` + ``tbrn'"\\$`` or ``\\uXXXX``, ``LineStrRef`` /
    ``LineStrExprStart`` for ``$ident`` / ``${``). Templates and raw newlines are errors.
    """
    assert src[0] == '"'
    named = {"t": "\t", "b": "\b", "r": "\r", "n": "\n", "'": "'", '"': '"', "\\": "\\", "$": "$"}
    out: list[str] = []
    i = 1
    while i < len(src):
        c = src[i]
        if c == '"':
            return "".join(out), src[i + 1 :]
        if c in "\r\n":
            raise ValueError("newline in a single-line string")
        if c == "\\":
            nxt = src[i + 1 : i + 2]
            if nxt == "u":
                digits = src[i + 2 : i + 6]
                if len(digits) != 4 or not all(d in string.hexdigits for d in digits):
                    raise ValueError("illegal escape")
                out.append(chr(int(digits, 16)))
                i += 6
                continue
            if nxt not in named:
                raise ValueError(f"illegal escape \\{nxt}")
            out.append(named[nxt])
            i += 2
            continue
        if c == "$" and (src[i + 1 : i + 2] in ("{", "`") or src[i + 1 : i + 2].isidentifier()):
            raise ValueError("string template")
        out.append(c)
        i += 1
    raise ValueError("unterminated string")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("com.example.app", '"com.example.app"'),
        ("${System.exit(1)} $HOME", '"\\${System.exit(1)} \\$HOME"'),
        ('a"b\\c\nd', '"a\\"b\\\\c\\nd"'),
        ("bell\x07", '"bell\\u0007"'),
        ("{{ 7*7 }} 👍", '"{{ 7*7 }} 👍"'),
    ],
)
def test_gradle_kts_string_table(value: str, expected: str) -> None:
    assert gradle_kts_string(value) == expected


@PROPERTY
@given(any_text)
def test_gradle_kts_string_round_trips_through_kotlin_lexer_rules(s: str) -> None:
    assert kotlin_parse_string(gradle_kts_string(s) + ")") == (s, ")")


# --- xcconfig -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["com.example.app", "1.2.3", "42", "my-app_Staging"])
def test_xcconfig_value_passes_identifiers(value: str) -> None:
    assert xcconfig_value(value) == value


@pytest.mark.parametrize(
    "value", ["", "a b", "http://x", "$(HOME)", "${HOME}", "a\nB = c", "a;b", "é", "a//b"]
)
def test_xcconfig_value_rejects_anything_else(value: str) -> None:
    with pytest.raises(ValueError):
        xcconfig_value(value)


@PROPERTY
@given(any_text)
def test_xcconfig_value_is_identity_on_a_strict_whitelist(s: str) -> None:
    try:
        out = xcconfig_value(s)
    except ValueError:
        assert not re.fullmatch(r"[A-Za-z0-9._-]+", s)
    else:
        assert out == s
        assert "//" not in out and "$" not in out


# --- YAML -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Joe's: #1 & *ref {x}", '"Joe\'s: #1 & *ref {x}"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("l1\nl2\t\r", '"l1\\nl2\\t\\r"'),
        ("nel\x85 ls\u2028", '"nel\\u0085 ls\\u2028"'),
        ("{{ 7*7 }}", '"{{ 7*7 }}"'),
        ("yes", '"yes"'),
    ],
)
def test_yaml_string_table(value: str, expected: str) -> None:
    assert yaml_string(value) == expected


@PROPERTY
@given(any_text)
def test_yaml_string_round_trips_through_pyyaml_and_ruamel(s: str) -> None:
    doc = f"name: {yaml_string(s)}\nnext: 1\n"
    assert yaml.safe_load(doc) == {"name": s, "next": 1}
    assert YAML(typ="safe", pure=True).load(doc) == {"name": s, "next": 1}
