"""Escaping filters: one pure ``str -> str`` function per output format.

Brand values are *data*. A tenant called ``{{ 7*7 }}`` or ``Joe's "Best" <App> & Co 100%``
must reach every consumer (aapt2, CoreFoundation, a browser, Gradle, XcodeGen) literally, so
templates never interpolate a raw value: they pipe it through the filter named after the
syntax it lands in, e.g. ``<string name="app_name"{{ v|android_string_attrs }}>{{
v|android_string }}</string>``. :data:`FILTERS` is the table the renderer registers with Jinja.

Contract shared by every filter:

* The argument must be a ``str`` (``json_value`` excepted); anything else is a ``TypeError``,
  so a template that pipes a number gets told to convert it explicitly.
* Lone surrogates (U+D800–U+DFFF) raise ``ValueError``: output files are UTF-8, which cannot
  encode them.
* Formats that have *no* way to carry a character raise ``ValueError`` rather than silently
  dropping or replacing it. For the XML/HTML family that is the set reported by
  :func:`xml_unsafe_chars`, which the manifest validator (``rules.check_texts``) reuses to
  reject such text earlier with a proper location; the filters are defence in depth.
* The output is plain ``str``: the Jinja environment must not autoescape on top of it
  (cookiecutter's does not).

Section numbers refer to ``PLATFORM_SPEC.md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType

__all__ = [
    "FILTERS",
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
    "xml_unsafe_chars",
    "yaml_string",
]

# XML 1.0 §2.2 production [2]:
#   Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# Its complement, as a Python regex (a Python str may hold lone surrogates, which it excludes).
_XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check(s: object, fmt: str) -> str:
    if not isinstance(s, str):
        raise TypeError(f"{fmt}: expected str, got {type(s).__name__}; convert it explicitly")
    bad = _SURROGATE.search(s)
    if bad:
        raise ValueError(f"{fmt}: lone surrogate U+{ord(bad.group()):04X} cannot be encoded")
    return s


def _check_xml(s: object, fmt: str) -> str:
    text = _check(s, fmt)
    bad = xml_unsafe_chars(text)
    if bad:
        listed = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise ValueError(f"{fmt}: characters not allowed in XML 1.0: {listed}")
    return text


def _is_control(c: str) -> bool:
    """C0, DEL and C1 controls, plus the Unicode line/paragraph separators.

    Escaped (never emitted raw) by every backslash-escaping format, so no output line is
    broken by a character an editor or a lexer treats as a line end.
    """
    return unicodedata.category(c) == "Cc" or c in "\u2028\u2029"


def xml_unsafe_chars(s: str) -> list[str]:
    """Characters of ``s`` that XML 1.0 cannot carry, even as character references.

    That is U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF and lone
    surrogates (XML 1.0 §2.2 ``Char``). Each offending character is listed once, in order of
    first occurrence; an empty list means the text is representable. Exposed so the manifest
    validator rejects such values with a location before any filter sees them.
    """
    return list(dict.fromkeys(_XML_UNSAFE.findall(s)))


# --- XML, plist -------------------------------------------------------------------------

_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&apos;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def xml_text(s: str) -> str:
    """Character data of an XML element (XML 1.0 §2.4, §2.11).

    ``&`` and ``<`` must be escaped; ``>`` is too, so ``]]>`` can never appear. CR becomes
    ``&#13;`` because parsers normalise a raw CR (and CRLF) to LF (§2.11). Raises
    ``ValueError`` for :func:`xml_unsafe_chars`.
    """
    return _check_xml(s, "xml_text").translate(_XML_TEXT)


def xml_attr(s: str) -> str:
    """An XML attribute value, safe inside either ``"…"`` or ``'…'``.

    Besides :func:`xml_text`'s escapes, both quotes are escaped, and TAB/LF/CR become
    character references because attribute-value normalisation (XML 1.0 §3.3.3) turns raw
    ones into spaces. Raises ``ValueError`` for :func:`xml_unsafe_chars`.
    """
    return _check_xml(s, "xml_attr").translate(_XML_ATTR)


def plist_string(s: str) -> str:
    """Text inside ``<string>…</string>`` of an XML property list (§3.3).

    An XML plist is plain XML: the same escapes as :func:`xml_text`. Raises ``ValueError``
    for :func:`xml_unsafe_chars` (XML plists have no escape for them).
    """
    return _check_xml(s, "plist_string").translate(_XML_TEXT)


# --- Android strings.xml ----------------------------------------------------------------

# §2.1 step 1 (backslash layer). CR has no letter escape in aapt2's StringBuilder::AppendText
# (``\r`` would yield ``r``), and a raw CR is whitespace that collapses, so use \u000D.
_ANDROID_ESCAPES = str.maketrans(
    {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\u000D"}
)


def android_string(s: str) -> str:
    """Body of ``<string>`` in ``res/values*/strings.xml``, per §2.1's recommended order.

    1. ``\\`` ``'`` ``"`` become ``\\\\`` ``\\'`` ``\\"``; newline ``\\n``, tab ``\\t``,
       CR ``\\u000D`` (never ``&apos;``/``&quot;``: the XML layer decodes those first, §2.1
       U-8).
    2. A leading ``@`` or ``?`` gets a ``\\`` so it is not a resource/attribute reference.
    3. ``&`` ``<`` ``>`` become XML entities.
    4. If the value starts or ends with a space or contains two in a row, the result is
       wrapped in ``"…"``: outside quotes aapt2 trims the raw text and collapses runs of
       ASCII whitespace. After step 1 the only raw whitespace left is U+0020, so testing
       the input for spaces is exact.

    ``%`` is left alone: pair this with :func:`android_string_attrs`. Characters outside
    the BMP are written as raw UTF-8 (aapt2 accepts them; it stores them as modified UTF-8).
    Raises ``ValueError`` for :func:`xml_unsafe_chars` (aapt2 could take ``\\uXXXX`` for
    some, but the XML plist and HTML targets cannot carry them, so the brand value is
    rejected everywhere alike).
    """
    text = _check_xml(s, "android_string")
    out = text.translate(_ANDROID_ESCAPES)
    if text[:1] in ("@", "?"):
        out = "\\" + out
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text.startswith(" ") or text.endswith(" ") or "  " in text:
        out = f'"{out}"'
    return out


def android_string_attrs(s: str) -> str:
    """`` formatted="false"`` when ``s`` contains ``%``, else ``""`` (§2.1 step 5).

    A brand value is never a format string; without the attribute aapt2's
    ``VerifyJavaStringFormat`` rejects e.g. ``%s and %s``. Escaping ``%`` as ``%%`` instead
    would show ``%%`` to callers of ``getString(id)`` without arguments.
    """
    return ' formatted="false"' if "%" in _check(s, "android_string_attrs") else ""


# --- Apple .strings (old-style plist) ----------------------------------------------------

_STRINGS_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def strings_value(s: str) -> str:
    """A double-quoted value for ``InfoPlist.strings``, quotes included (§3.4).

    CoreFoundation ``CFOldStylePList.c`` ``parseQuotedPlistString``/``getSlashedChar``:
    ``\\\\`` ``\\"`` ``\\n`` ``\\t`` ``\\r`` are escaped by name; every other control
    character (and U+2028/U+2029) as ``\\U`` + exactly four hex digits, one UTF-16 code
    unit (``\\U`` reads at most four digits, so a following hex digit is safe). Other
    characters, including astral ones, stay raw UTF-8. Octal escapes are never produced
    (they decode as NeXTSTEP Latin).
    """
    return _quoted(_check(s, "strings_value"), _STRINGS_NAMED, "\\U{:04X}")


def _quoted(s: str, named: Mapping[str, str], control: str) -> str:
    """``s`` in double quotes: ``named`` characters by their escape, other controls (and
    U+2028/U+2029) through the ``control`` format of their code point, the rest raw."""
    out = []
    for c in s:
        if c in named:
            out.append(named[c])
        elif _is_control(c):
            out.append(control.format(ord(c)))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


# --- JSON / JavaScript --------------------------------------------------------------------

# Characters that must not appear raw in an HTML <script> (``</script>``, ``<!--``) or that
# were not legal in JS string literals before ES2019 (U+2028/U+2029). JSON escapes consist of
# ASCII letters, digits and backslashes only, so replacing these in ``json.dumps`` output
# cannot alter an existing escape, and outside strings JSON syntax never uses them.
_HTML_SAFE_JSON = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def json_string(s: str) -> str:
    """A JSON string literal, quotes included, safe to embed in an HTML ``<script>`` (§4).

    ``json.dumps(ensure_ascii=False)`` (RFC 8259: ``"``, ``\\``, U+0000–U+001F escaped),
    then ``< > &`` U+2028 U+2029 as ``\\uXXXX``.
    """
    return _json_literal(_check(s, "json_string"))


def _json_literal(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).translate(_HTML_SAFE_JSON)


def json_value(obj: object) -> str:
    """Any JSON-able value (§4.1 manifests): sorted keys, UTF-8, no NaN/Infinity.

    Same HTML-safety as :func:`json_string` for every string inside. Lone surrogates in
    strings raise ``ValueError`` like everywhere else.
    """
    out = json.dumps(obj, ensure_ascii=False, sort_keys=True, allow_nan=False)
    bad = _SURROGATE.search(out)
    if bad:
        raise ValueError(f"json_value: lone surrogate U+{ord(bad.group()):04X} cannot be encoded")
    return out.translate(_HTML_SAFE_JSON)


def js_string(s: str) -> str:
    """A JavaScript string literal: exactly :func:`json_string`.

    Every JSON string is a JS string literal with the same value (ES2019 made JSON a subset
    of ECMAScript; U+2028/U+2029 are escaped anyway for older engines), and the HTML-safe
    escapes keep it inert inside ``<script>``. It is double-quoted and does not escape
    ``'``; inside an HTML attribute (``onclick="…"``) pipe it through :func:`html_attr` too.
    """
    return _json_literal(_check(s, "js_string"))


# --- CSS ----------------------------------------------------------------------------------


def css_string(s: str) -> str:
    """A CSS ``"…"`` string token (CSS Syntax 3 §4.3.5, escapes §4.3.7).

    ``\\`` and ``"`` get a backslash. Controls (newline would end the token as a
    bad-string; CR and FF are turned into LF by preprocessing, §3.3), U+2028/U+2029 and
    ``<`` ``>`` become hex escapes terminated by one space (``\\a ``, ``\\3c ``), so
    ``</style>`` can never close a style element and a following hex digit or space is not
    swallowed. U+0000 raises ``ValueError``: CSS turns it into U+FFFD both raw and escaped.
    """
    out = ['"']
    for c in _check(s, "css_string"):
        if c == "\0":
            raise ValueError("css_string: U+0000 cannot be represented in CSS")
        if c in '\\"':
            out.append("\\" + c)
        elif c in "<>" or _is_control(c):
            out.append(f"\\{ord(c):x} ")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


_CSS_HEX_COLOR = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")


def css_color(s: str) -> str:
    """``s`` unchanged if it is ``#RGB`` or ``#RRGGBB``, else ``ValueError``.

    Colours are validated in the manifest; this whitelist keeps a value that slipped through
    from injecting CSS/HTML where a colour is interpolated (``theme-color``, ``<style>``).
    """
    if not _CSS_HEX_COLOR.fullmatch(_check(s, "css_color")):
        raise ValueError(f"css_color: {s!r} is not #RGB or #RRGGBB")
    return s


# --- HTML ---------------------------------------------------------------------------------

_HTML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_HTML_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "\r": "&#13;"}
)


def html_text(s: str) -> str:
    """HTML text content (§4.4): ``& < >`` as entities.

    CR becomes ``&#13;`` because input preprocessing turns raw CR into LF (HTML §13.2.3.5).
    Raises ``ValueError`` for :func:`xml_unsafe_chars` (HTML drops or replaces U+0000 and
    flags the other controls as parse errors), which also keeps the output valid XHTML.
    """
    return _check_xml(s, "html_text").translate(_HTML_TEXT)


def html_attr(s: str) -> str:
    """An HTML attribute value, safe inside ``"…"`` or ``'…'`` (e.g. ``<meta content>``).

    :func:`html_text`'s escapes plus ``"`` and ``'``. Unlike XML, HTML does not normalise
    whitespace in attribute values, so TAB/LF stay raw.
    """
    return _check_xml(s, "html_attr").translate(_HTML_ATTR)


# --- Kotlin (build.gradle.kts) ------------------------------------------------------------

_KOTLIN_NAMED = {
    "\\": "\\\\",
    '"': '\\"',
    "$": "\\$",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
}


def gradle_kts_string(s: str) -> str:
    """A Kotlin ``"…"`` string literal, quotes included, for ``build.gradle.kts``.

    Kotlin expands ``$name`` and ``${…}`` in string literals, so ``$`` is ``\\$``; plus
    ``\\\\`` ``\\"`` ``\\n`` ``\\r`` ``\\t`` ``\\b``, and other controls (and U+2028/U+2029)
    as ``\\uXXXX``. Everything else, astral characters included, stays raw UTF-8.
    """
    return _quoted(_check(s, "gradle_kts_string"), _KOTLIN_NAMED, "\\u{:04x}")


def kotlin_string(s: str) -> str:
    """A Kotlin ``"…"`` string literal in generated Kotlin source: :func:`gradle_kts_string`
    (the same language, so the same escapes; ``$`` never starts a template)."""
    return _quoted(_check(s, "kotlin_string"), _KOTLIN_NAMED, "\\u{:04x}")


# --- Swift --------------------------------------------------------------------------------

_SWIFT_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def swift_string(s: str) -> str:
    r"""A Swift ``"…"`` string literal, quotes included (The Swift Programming Language,
    "Special Characters in String Literals").

    ``\\`` ``\"`` ``\n`` ``\r`` ``\t`` ``\0`` by name, so ``\(…)`` interpolation can
    never start; other controls and U+2028/U+2029 as ``\u{X}``. Everything else stays raw.
    """
    return _quoted(_check(s, "swift_string"), _SWIFT_NAMED, "\\u{{{:x}}}")


# --- xcconfig -----------------------------------------------------------------------------

_XCCONFIG_SAFE = re.compile(r"[A-Za-z0-9._-]+")


def xcconfig_value(s: str) -> str:
    """A value for ``KEY = value`` in an ``.xcconfig``: a strict whitelist, not an escape.

    xcconfig values are unquoted to the end of the line, ``//`` starts a comment, ``$(…)``
    and ``${…}`` expand build settings, and there is no documented escape for any of them.
    Only bundle ids, versions and similar identifiers go here (validated upstream to
    ``[A-Za-z0-9.-]``), so ``s`` is returned unchanged if it is non-empty and made of
    ``[A-Za-z0-9._-]``; anything else raises ``ValueError``. Display names belong in
    Info.plist / ``InfoPlist.strings`` (§3.3–3.4), never here.
    """
    if not _XCCONFIG_SAFE.fullmatch(_check(s, "xcconfig_value")):
        raise ValueError(f"xcconfig_value: {s!r} is not made of [A-Za-z0-9._-]")
    return s


# --- YAML (XcodeGen project.yml) ----------------------------------------------------------

_YAML_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_string(s: str) -> str:
    """A double-quoted YAML scalar, quotes included (YAML 1.2 §5.7, §7.3.1; valid 1.1 too).

    ``\\\\`` ``\\"`` ``\\n`` ``\\t`` ``\\r`` by name (a raw newline would be folded into a
    space). Controls, U+2028/U+2029 (line breaks in YAML 1.1, which XcodeGen's Yams/libyaml
    speaks), U+FEFF, U+FFFE and U+FFFF (not ``c-printable``) as ``\\uXXXX``. Inside double
    quotes ``:`` ``#`` ``{`` ``&`` ``*`` ``!`` etc. carry no meaning.
    """
    out = []
    for c in _check(s, "yaml_string"):
        if c in _YAML_NAMED:
            out.append(_YAML_NAMED[c])
        elif _is_control(c) or c in "\ufeff\ufffe\uffff":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


FILTERS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "android_string": android_string,
        "android_string_attrs": android_string_attrs,
        "css_color": css_color,
        "css_string": css_string,
        "gradle_kts_string": gradle_kts_string,
        "html_attr": html_attr,
        "html_text": html_text,
        "js_string": js_string,
        "json_string": json_string,
        "json_value": json_value,
        "kotlin_string": kotlin_string,
        "plist_string": plist_string,
        "strings_value": strings_value,
        "swift_string": swift_string,
        "xcconfig_value": xcconfig_value,
        "xml_attr": xml_attr,
        "xml_text": xml_text,
        "yaml_string": yaml_string,
    }
)
"""Jinja filter name -> function; names equal the function names."""
