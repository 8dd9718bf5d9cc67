"""Every check on a resolved manifest, each finding with file:line:col, field and a fix.

Structure (types, required and unknown keys) is judged by the pydantic model; the rest are
small functions over the merged data. A rule looks only at values whose structure passed,
so one mistake is reported once, and every independent mistake is reported together.
"""

from __future__ import annotations

import difflib
import itertools
import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from pydantic import BaseModel, ValidationError

from ixm_cli import colors, locales, redact
from ixm_cli.errors import Diagnostic, Location, Severity, error, warning
from ixm_cli.escape import xml_unsafe_chars
from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.model import (
    ANDROID_ID_PATTERN,
    ENV_REF_PATTERN,
    IOS_ID_PATTERN,
    SCHEMA_ID,
    SECRET_REFS,
    SLUG_PATTERN,
    VERSION_PATTERN,
    Manifest,
)
from ixm_cli.manifest.resolve import Merged, get, path_problem

# JLS §3.9 keywords and the literals SourceVersion.isKeyword rejects (PLATFORM_SPEC §2.5),
# plus Kotlin hard keywords, which need backticks in a Kotlin package declaration.
JAVA_KEYWORDS = frozenset(
    "abstract assert boolean break byte case catch char class const continue default do double "
    "else enum extends final finally float for goto if implements import instanceof int "
    "interface long native new package private protected public return short static strictfp "
    "super switch synchronized this throw throws transient try void volatile while true false "
    "null _".split()
)
KOTLIN_KEYWORDS = frozenset("as fun in is object typealias val var when".split())

# PLATFORM_SPEC §5: store limits, in characters unless noted.
STORE_LIMITS: dict[str, tuple[int, str]] = {
    "subtitle": (30, "App Store subtitle"),
    "short_description": (80, "Google Play short description"),
    "full_description": (4000, "store description"),
    "promotional_text": (170, "App Store promotional text"),
    "release_notes": (500, "Google Play release notes"),
}
KEYWORDS_MAX_BYTES = 100
NAME_MAX = 30  # Google Play title and App Store name (§5.1, §5.2)
NAME_MIN = 2  # App Store name
SHORT_NAME_MAX = 12  # home-screen label before truncation (§4.1)
BUILD_MAX = 2_100_000_000  # Google Play versionCode maximum (§2.5)
LOCAL_TEXTS: tuple[Key, ...] = (
    ("app", "name"),
    ("app", "short_name"),
    ("app", "description"),
    *((("store", k)) for k in (*STORE_LIMITS, "keywords")),
    ("services", "push_channel"),
)
ASSET_ROLES = ("icon", "icon_foreground", "icon_background", "icon_monochrome", "splash_logo")
LOCALHOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
ONE_LINE_TEXTS: tuple[Key, ...] = (
    ("typography", "font_family"),
    ("signing", "android", "key_alias"),
    ("storage", "region"),
)
"""Free text that reaches outputs (CSS, Kotlin, JSON) and has no business spanning lines."""
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def field_name(path: Key) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "manifest"


def suggest(word: str, options: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return match[0] if match else None


def _few(items: list[str], *, quote: bool = False, shown: int = 8) -> str:
    """A listing of user data that stays short: one message per entry, each listing every
    entry, grew with the square of the list (20,000 locales made gigabytes of messages)."""
    words = [repr(i) if quote else i for i in items[:shown]]
    if len(items) > shown:
        words.append(f"… {len(items)} in all")
    return ", ".join(words)


@dataclass
class Checker:
    """Collects diagnostics about one resolved manifest."""

    merged: Merged
    slug: str
    env: str | None
    found: list[Diagnostic] = field(default_factory=list)
    broken: set[Key] = field(default_factory=set)  # paths whose structure is wrong

    def at(self, path: Key, *, key: bool = False) -> Location | None:
        if key and path in self.merged.keys:
            return self.merged.keys[path]
        return self.merged.locate(path)

    def error(self, path: Key, message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.found.append(error(field_name(path), message, self.at(path, key=key), hint))

    def warn(self, path: Key, message: str, hint: str | None = None) -> None:
        self.found.append(warning(field_name(path), message, self.at(path), hint))

    def value(self, path: Key) -> Any:
        """The value at ``path`` if present and structurally sound, else None."""
        if any(path[: len(b)] == b for b in self.broken):
            return None
        return get(self.merged, path)

    def texts(self, path: Key) -> list[tuple[Key, str, str]]:
        """(path, locale, text) for a localised text; a plain string is the default locale."""
        value = self.value(path)
        locs = self.locale_tags()
        if isinstance(value, str):
            return [(path, locs[0] if locs else "", value)]
        if isinstance(value, dict):
            return [(path + (k,), k, v) for k, v in value.items() if isinstance(v, str)]
        return []

    def locale_tags(self) -> list[str]:
        value = self.value(("locales",))
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# -- structure ---------------------------------------------------------------------------


def _model_at(path: Key) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Manifest
    for part in path:
        if model is None or not isinstance(part, str):
            return None
        fields = {(f.alias or n): f for n, f in model.model_fields.items()}
        if part not in fields:
            return None
        model = _model_in(fields[part].annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "list_type": "a list",
    "float_type": "a number",
}


def _describe(value: Any, *, secret: bool = False) -> str:
    if secret and value is not None:  # signing values may be the secret itself: never echo
        kind = (
            "a boolean" if isinstance(value, bool)
            else "a number" if isinstance(value, (int, float))
            else "a mapping" if isinstance(value, dict)
            else "a list" if isinstance(value, list)
            else "text"
        )
        return f"{kind} (not shown: it may be a secret)"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, str):
        # redacted before it is cut: a cut through the userinfo would leave no '@' to find
        return f"the text {redact.credentials(value)[:40]!r}"
    if isinstance(value, dict):
        return "a mapping"
    return "a list"


def _type_hint(path: Key, expected: set[str], value: Any) -> str | None:
    leaf = path[-1] if path else ""
    if value is None and "text" in expected:
        return 'a value starting with # is a YAML comment: quote it, e.g. primary: "#0A7D5A"'
    if "true or false" in expected and isinstance(value, str):
        return "write true or false (YAML 1.2 reads yes/no/on/off as text)"
    if "text" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'quote it: {leaf}: "{value}"'
    if "a whole number" in expected and isinstance(value, str) and value.isdigit():
        return f"remove the quotes: {leaf}: {value}"
    if "a mapping" in expected:
        return "indent the keys below it, or write {key: value}"
    return None


def check_structure(ck: Checker) -> None:
    try:
        Manifest.model_validate(ck.merged.data)
    except ValidationError as exc:
        raw: list[dict[str, Any]] = [dict(e) for e in exc.errors()]
    else:
        return
    # Union branches add loc parts that are not keys ('str', 'dict[str,str]'): walk the data
    # to find each error's real path, then keep the deepest errors for a given subtree.
    grouped: dict[Key, list[dict[str, Any]]] = {}
    for err in raw:
        real: list[str | int] = []
        node: Any = ck.merged.data
        loc = err["loc"]
        for i, part in enumerate(loc):
            last = i == len(loc) - 1
            if isinstance(node, dict) and part in node:
                real.append(part)
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                real.append(part)
                node = node[part]
            elif last and err["type"] in ("missing", "extra_forbidden"):
                real.append(part)
        grouped.setdefault(tuple(real), []).append(err)
    # every proper prefix of a path with an error: "is there an error deeper down?" in O(1)
    # per path (comparing every pair of paths was quadratic in the number of errors)
    above = {q[:n] for q in grouped for n in range(len(q))}
    for path in sorted(grouped, key=lambda p: [str(x) for x in p]):
        deeper = path in above
        errs = [e for e in grouped[path] if not (deeper and e["type"] in _EXPECTED)]
        if errs:
            _report_structure(ck, path, errs)
            ck.broken.add(path)


def _report_structure(ck: Checker, path: Key, errs: list[dict[str, Any]]) -> None:
    kinds = {e["type"] for e in errs}
    value = get(ck.merged, path)
    leaf = str(path[-1]) if path else ""
    if "extra_forbidden" in kinds:
        model = _model_at(path[:-1])
        options = [(f.alias or n) for n, f in model.model_fields.items()] if model else []
        close = suggest(leaf, options)
        hint = f"did you mean {close!r}?" if close else f"known keys: {', '.join(options)}"
        ck.error(path, f"unknown key {leaf!r}", hint, key=True)
    elif "missing" in kinds:
        parent = field_name(path[:-1]) if len(path) > 1 else "the manifest"
        hint = "add schema: ixm/v1 as the first line" if path == ("schema",) else (
            f"add {leaf}: under {parent}" if len(path) > 1 else f"add {leaf}: at the top level"
        )
        ck.found.append(
            error(field_name(path), f"missing required key {leaf!r}", ck.at(path[:-1]), hint)
        )
    elif "literal_error" in kinds:
        expected = errs[0].get("ctx", {}).get("expected", "")
        if path == ("schema",):
            ck.error(path, f"unsupported schema {value!r}", f"this ixm reads schema: {SCHEMA_ID}")
        else:
            secret = redact.signing_path(path) is not None
            ck.error(
                path, f"{_describe(value, secret=secret)} is not allowed here", f"use {expected}"
            )
    elif kinds & set(_EXPECTED):
        expected = {_EXPECTED[k] for k in kinds if k in _EXPECTED}
        if ("text" in expected) and ("a mapping" in expected):
            want = "text, or a mapping of locale to text"
        else:
            want = " or ".join(sorted(expected))
        secret = redact.signing_path(path) is not None
        type_hint = None if secret else _type_hint(path, expected, value)
        ck.error(path, f"expected {want}, found {_describe(value, secret=secret)}", type_hint)
    else:
        err = errs[0]
        msg = str(err["msg"])
        if err["type"] == "too_short":
            msg = "needs at least one entry"
        elif err["type"] == "greater_than_equal":
            msg = f"must be at least {err.get('ctx', {}).get('ge')}"
        ck.error(path, msg)


# -- semantics ---------------------------------------------------------------------------


def check_identity(ck: Checker) -> None:
    tenant = ck.value(("tenant",))
    if not isinstance(tenant, str):
        return
    origin = ck.merged.origin(("tenant",))
    if origin is not None and ck.merged.files and origin != ck.merged.files[0]:
        ck.found.append(
            error(
                "tenant",
                f"tenant {tenant!r} is inherited from {origin.parent.name}/; "
                "every tenant declares its own",
                Location(ck.merged.files[0], 1, 1),
                f"add tenant: {ck.slug}",
            )
        )
    elif not re.fullmatch(SLUG_PATTERN, tenant):
        ck.error(
            ("tenant",),
            f"{tenant!r} is not a valid tenant slug",
            "lowercase letters, digits and '-', starting with a letter, 2-39 characters",
        )
    elif tenant != ck.slug:
        ck.error(
            ("tenant",),
            f"tenant {tenant!r} does not match its folder {ck.slug!r}",
            f"write tenant: {ck.slug}, or rename the folder",
        )


# Tags people write from habit (POSIX locale names, region for script) and the tag we use.
_LOCALE_ALIASES = {
    "zh": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant-HK",
    "zh-mo": "zh-Hant-HK",
    "pt": "pt-BR",
    "no": "nb",
    "iw": "he",
    "in": "id",
}


def locale_suggestion(tag: str) -> str | None:
    """The supported tag meant by an unsupported one: ``zh_CN`` → ``zh-Hans``."""
    dashed = tag.strip().replace("_", "-")
    return (
        _LOCALE_ALIASES.get(dashed.lower())
        or locales.canonical(dashed)
        or suggest(dashed, locales.table())
    )


def check_locales(ck: Checker) -> None:
    seen: dict[str, int] = {}
    codes: dict[tuple[str, str], str] = {}
    for i, tag in enumerate(ck.locale_tags()):
        path: Key = ("locales", i)
        loc = locales.lookup(tag)
        if loc is None:
            close = locale_suggestion(tag)
            hint = f"did you mean {close!r}?" if close else (
                "supported: " + ", ".join(locales.table())
            )
            ck.error(path, f"unsupported locale {tag!r}", hint)
            continue
        if tag in seen:
            ck.error(path, f"locale {tag!r} is listed twice", "remove the second one")
            continue
        seen[tag] = i
        clashes: dict[str, list[str]] = {}  # one error per pair, naming every shared code
        for target in ("ios", "supply", "deliver"):
            code = getattr(loc, target)
            other = codes.get((target, code))
            if other:
                clashes.setdefault(other, []).append(f"{target} {code!r}")
            codes[(target, code)] = tag
        for other, shared in clashes.items():
            ck.error(
                path,
                f"locales {other!r} and {tag!r} both map to the same store locale "
                f"({', '.join(shared)})",
                "keep only one of them",
            )


def check_texts(ck: Checker) -> None:
    tags = ck.locale_tags()
    if not tags:
        return
    default = tags[0]
    # A text keyed 'zh-Hans' under `locales: [zh-hans]` is the locales entry's mistake, and
    # check_locales already reports it (with the right spelling): say it once.
    misspelt = {t.lower() for t in tags if locales.lookup(t) is None}
    # While the list itself has a mistake, text keys are judged against a list that is about
    # to change: under `locales: [zh_CN, en]` every 'zh-Hans' text (in the parent too) is
    # right, and reporting each of them buried the one real mistake under ten others.
    list_is_wrong = bool(misspelt)
    # A set, and suggestions only among the supported locales (a few dozen at most): with a
    # list of every entry, 20,000 locales and as many text keys took hours to check.
    listed = set(tags)
    supported = [t for t in dict.fromkeys(tags) if locales.lookup(t) is not None]
    for base in LOCAL_TEXTS:
        value = ck.value(base)
        if isinstance(value, dict):
            for key in value:
                if key not in listed and not list_is_wrong:
                    close = suggest(str(key), supported)
                    ck.error(
                        (*base, key),
                        f"locale {key!r} is not in locales ({_few(tags)})",
                        f"did you mean {close!r}?" if close else "add it to locales or remove it",
                        key=True,
                    )
            if default not in value and not list_is_wrong:
                ck.error(
                    base,
                    f"no text for the default locale {default!r}",
                    f"add {default}: … (the first entry of locales is the default)",
                    key=True,
                )
        for path, _, text in ck.texts(base):
            if not text.strip():
                ck.error(path, "text is empty", "write the text, or remove the key")
            _control_characters(ck, path, xml_unsafe_chars(text))
    for path in ONE_LINE_TEXTS:
        text = ck.value(path)
        if isinstance(text, str):
            if not text.strip():
                ck.error(path, "text is empty", "write the text, or remove the key")
            _control_characters(ck, path, [c for c in text if not c.isprintable()])


def _control_characters(ck: Checker, path: Key, bad: list[str]) -> None:
    """Characters no output format can carry (XML refuses them, CSS has no NUL): an error at
    the value, with the code points, since they are invisible in an editor."""
    if bad:
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(set(bad)))
        ck.error(path, f"contains control characters ({codes})", "remove them")


def _characters(n: int) -> str:
    return "1 character" if n == 1 else f"{n} characters"


def _length_checks(ck: Checker) -> None:
    for path, _locale, text in ck.texts(("app", "name")):
        n = len(text)
        if n > NAME_MAX:
            ck.error(
                path,
                f"app name is {n} characters; Google Play and the App Store allow {NAME_MAX}",
                "shorten it; put the long form in store.subtitle or the description",
            )
        elif len(text.strip()) < NAME_MIN:
            ck.error(path, f"app name must be at least {NAME_MIN} characters (App Store)")
    short = ck.texts(("app", "short_name")) or ck.texts(("app", "name"))
    for path, _locale, text in short:
        if len(text) > SHORT_NAME_MAX:
            ck.warn(
                path,
                f"{text!r} is {len(text)} characters; labels under the icon are cut after "
                f"about {SHORT_NAME_MAX}",
                "set app.short_name to a shorter form",
            )
    for key, (limit, what) in STORE_LIMITS.items():
        for path, _, text in ck.texts(("store", key)):
            if len(text) > limit:
                ck.error(
                    path,
                    f"{what} is {len(text)} characters; the limit is {limit}",
                    f"shorten it by {_characters(len(text) - limit)}",
                )
    if ck.value(("store", "full_description")) is None:
        # The store description falls back to app.description (metadata templates), so the
        # store's limit applies to it there.
        limit, what = STORE_LIMITS["full_description"]
        for path, _, text in ck.texts(("app", "description")):
            if len(text) > limit:
                ck.error(
                    path,
                    f"app description is {len(text)} characters and, with no "
                    f"store.full_description, is the {what}; the limit is {limit}",
                    f"shorten it by {_characters(len(text) - limit)}, or set "
                    "store.full_description",
                )
    for path, _, text in ck.texts(("store", "keywords")):
        size = len(text.encode("utf-8"))
        if size > KEYWORDS_MAX_BYTES:
            ck.error(
                path,
                f"keywords are {size} bytes in UTF-8; the App Store allows {KEYWORDS_MAX_BYTES}",
                "remove some keywords (CJK characters take 3 bytes each)",
            )
        short_words = [w.strip() for w in text.split(",") if 0 < len(w.strip()) <= 1]
        if short_words:
            shown = _few(short_words, quote=True)
            ck.warn(path, f"one-character keywords {shown} add nothing to search")


def check_ids(ck: Checker) -> None:
    android = ck.value(("ids", "android"))
    if isinstance(android, str):
        if not re.fullmatch(ANDROID_ID_PATTERN, android):
            hint = (
                "segments of letters, digits and '_', each starting with a letter, "
                "e.g. com.acme.ding"
            )
            if "-" in android:
                hint = f"Android ids cannot contain '-': try {android.replace('-', '_')!r}"
            ck.error(("ids", "android"), f"{android!r} is not a valid Android applicationId", hint)
        else:
            for seg in android.split("."):
                if seg in JAVA_KEYWORDS or seg in KOTLIN_KEYWORDS:
                    lang = "Java" if seg in JAVA_KEYWORDS else "Kotlin"
                    ck.error(
                        ("ids", "android"),
                        f"segment {seg!r} is a {lang} keyword; the namespace derived from it "
                        "would not compile",
                        f"rename the segment, e.g. {seg}app",
                    )
    ios = ck.value(("ids", "ios"))
    if isinstance(ios, str) and not re.fullmatch(IOS_ID_PATTERN, ios):
        hint = "segments of letters, digits and '-', e.g. com.acme.ding"
        if "_" in ios:
            hint = f"iOS bundle ids cannot contain '_': try {ios.replace('_', '-')!r}"
        ck.error(("ids", "ios"), f"{ios!r} is not a valid iOS bundle id", hint)


def check_versions(ck: Checker) -> None:
    version = ck.value(("app", "version"))
    if isinstance(version, str) and not re.fullmatch(VERSION_PATTERN, version):
        ck.error(
            ("app", "version"),
            f"version {version!r} must be one to three numbers separated by dots",
            "e.g. 2.3.0 (each number at most 4 digits)",
        )
    build = ck.value(("app", "build"))
    if isinstance(build, int) and not isinstance(build, bool) and build > BUILD_MAX:
        ck.error(
            ("app", "build"),
            f"build {build} is above Google Play's versionCode maximum {BUILD_MAX:,}",
            "use a smaller build number",
        )


COLOR_KEYS = ("primary", "on_primary", "secondary", "background", "on_background")


def palettes(ck: Checker) -> tuple[dict[str, str], dict[str, str]]:
    """Light and dark palettes of the valid colours; dark falls back to light."""
    light = {}
    for key in COLOR_KEYS:
        v = ck.value(("colors", key))
        if colors.is_color(v):
            light[key] = colors.normalise(v)
    dark = dict(light)
    for key in COLOR_KEYS:
        v = ck.value(("colors", "dark", key))
        if colors.is_color(v):
            dark[key] = colors.normalise(v)
    return light, dark


def check_colors(ck: Checker) -> None:
    for at in [("colors", k) for k in COLOR_KEYS] + [("colors", "dark", k) for k in COLOR_KEYS]:
        v = ck.value(at)
        if isinstance(v, str) and not colors.is_color(v):
            ck.error(at, f"{v!r} is not a colour", 'write "#RRGGBB" or "#RGB", e.g. "#0A7D5A"')
    light, dark = palettes(ck)
    for mode, pal, prefix in (("light", light, ()), ("dark", dark, ("dark",))):
        for fg, bg in (("on_primary", "primary"), ("on_background", "background")):
            if fg not in pal or bg not in pal:
                continue
            if mode == "dark" and (pal[fg], pal[bg]) == (light.get(fg), light.get(bg)):
                continue  # the same pair as in light mode: judged (and reported) once
            ratio = colors.contrast(pal[fg], pal[bg])
            if ratio >= 4.5:
                continue
            path: Key = ("colors", *prefix, fg)
            if get(ck.merged, path) is None:
                path = ("colors", *prefix, bg)
            if get(ck.merged, path) is None:
                path = ("colors", fg)
            background = pal[bg]
            best = max(("#000000", "#FFFFFF"), key=lambda c: colors.contrast(c, background))
            text = (
                f"{mode} mode: {fg} {pal[fg]} on {bg} {pal[bg]} has contrast "
                f"{colors.floor2(ratio)}:1"
            )
            hint = (
                f"WCAG 1.4.3 asks 4.5:1 for text; {best} gives "
                f"{colors.floor2(colors.contrast(best, pal[bg]))}:1"
            )
            if ratio < 3:
                ck.error(path, text + "; at least 3:1 is required", hint)
            else:
                # The web app derives a readable shade rather than fail: say which one it shows.
                shade = colors.readable(pal[fg], pal[bg])
                hint += (
                    f"; until then the web app shows its {fg} text in {shade} "
                    f"({colors.floor2(colors.contrast(shade, pal[bg]))}:1)"
                )
                ck.warn(path, text + "; 4.5:1 is needed for body text", hint)


def resolve_asset(ck: Checker, role: str) -> Path | str | None:
    """The absolute path (or colour, for icon_background) of an asset, after checking it."""
    path: Key = ("assets", role)
    value = ck.value(path)
    if value is None:
        return None
    if not isinstance(value, str):
        return None
    if role == "icon_background" and (value.startswith("#") or colors.is_color(value)):
        if not colors.is_color(value):
            ck.error(path, f"{value!r} is not a colour", 'write "#RRGGBB", or an image path')
            return None
        return colors.normalise(value)
    return resolve_file(ck, path, value, example="assets/icon.png", kind="an image file")


def resolve_file(ck: Checker, path: Key, value: str, *, example: str, kind: str) -> Path | None:
    """The absolute path of a file the manifest names at ``path``, relative to the folder of
    the manifest that set it and never outside it; None (after an error) when unusable."""
    origin = ck.merged.origin(path)
    if origin is None:
        return None
    folder = origin.parent.resolve()
    rel = Path(value)
    if rel.is_absolute() or value.startswith("~"):
        ck.error(
            path, f"{value!r} is an absolute path", "write it relative to the manifest's folder"
        )
        return None
    target = (origin.parent / rel).absolute()
    try:
        real = target.resolve(strict=False)
        if not real.is_relative_to(folder):
            ck.error(
                path,
                f"{value!r} resolves outside the tenant folder {origin.parent.name}/",
                "keep assets inside the tenant's own folder (symlinks are followed)",
            )
            return None
        exists, is_file = real.exists(), real.is_file()
    except (OSError, ValueError, RuntimeError) as exc:
        ck.error(
            path,
            f"{value!r} is not a usable path: {path_problem(exc)}",
            f"write a short path relative to the manifest's folder, e.g. {example}",
        )
        return None
    if not exists:
        ck.error(path, f"file {value!r} does not exist", f"expected at {target}")
        return None
    if not is_file:
        ck.error(path, f"{value!r} is not a file", f"point at {kind}")
        return None
    return real


_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2}")


def _url_problem(value: str) -> tuple[str, str] | None:
    """The first character no RFC 3986 URL may hold raw, as (what, hint); None if all fit.

    urlsplit drops tabs and line breaks and keeps spaces, quotes and '<', so without this a
    URL such as "https://a.example/x y" reached fastlane and tenant.json, where store uploads
    and Swift's URL(string:) refuse it.
    """
    at = 0
    while at < len(value):
        match = _URL_CHARS.match(value, at)
        if match is None:
            c = value[at]
            if c == "%":
                return "a '%' that starts no %XX escape", "write a literal % as %25"
            if c == " ":
                return f"a space at character {at + 1}", "remove it, or write it as %20"
            if c.isspace() or not c.isprintable():
                return f"the control character {c!r} at character {at + 1}", "remove it"
            encoded = "".join(f"%{b:02X}" for b in c.encode("utf-8"))
            hint = f"write it as {encoded}"
            if not c.isascii():
                hint += "; a non-ASCII host name goes in its xn-- (punycode) form"
            return f"{c!r} at character {at + 1}, which a URL must percent-encode", hint
        at = match.end()
    return None


def _port_problem(parts: SplitResult) -> str | None:
    """The port text of a URL that no consumer can connect to, or None.

    Judged by urllib's own ``.port`` (a ValueError for ``:abc`` or ``:65536``): the parser
    the apps' URL types agree with, so what passes here is what ships in tenant.json. Port 0
    parses but reaches nothing. The text must also be plain ASCII digits: Python 3.10's
    ``.port`` still reads ``:+80`` and ``:8_0`` as 80, which browsers refuse.
    """
    hostinfo = parts.netloc.rpartition("@")[2]
    _, bracket, after = hostinfo.partition("[")
    text = after.partition("]")[2].partition(":")[2] if bracket else hostinfo.partition(":")[2]
    try:
        port = parts.port
    except ValueError:
        return text
    if port == 0 or (text and not (text.isascii() and text.isdigit())):
        return text
    return None


def check_url(ck: Checker, path: Key, *, endpoint: bool) -> None:
    value = ck.value(path)
    if not isinstance(value, str):
        return
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        has_credentials = bool(parts.username or parts.password)
    except ValueError:
        ck.error(path, "not a valid URL", "e.g. https://api.acme.example")
        return
    if has_credentials:
        # Never echo the URL: it holds a secret.
        ck.error(
            path,
            "the URL contains credentials (user:password@)",
            "remove them; give the service its credentials at deploy time, not in the brand",
        )
        return
    if parts.scheme not in ("http", "https") or not host:
        ck.error(path, f"{value!r} is not an http(s) URL", "e.g. https://api.acme.example")
        return
    problem = _url_problem(value)
    if problem is not None:
        ck.error(path, f"the URL contains {problem[0]}", problem[1])
        return
    port = _port_problem(parts)
    if port is not None:
        ck.error(
            path,
            f"the port {port!r} is not a number from 1 to 65535",
            "write the port in digits, e.g. https://api.acme.example:8443, or leave it out "
            "for the default (443 for https)",
        )
        return
    if parts.scheme == "http":
        if not endpoint:
            ck.error(path, "must use https", f"write https://{value[len('http://'):]}")
        elif host not in LOCALHOSTS:
            ck.error(path, "endpoints must use https", "http is only for localhost, in a test env")
        elif ck.env is None:
            ck.error(
                path,
                "http://localhost is not allowed in prod",
                "move it into an environment overlay, e.g. environments.dev",
            )


def check_endpoints(ck: Checker) -> None:
    for key in ("api", "web"):
        check_url(ck, ("endpoints", key), endpoint=True)
    check_url(ck, ("storage", "endpoint"), endpoint=True)
    for key in ("privacy_url", "terms_url", "support_url"):
        check_url(ck, ("legal", key), endpoint=False)
    if isinstance(ck.value(("legal",)), dict) and ck.value(("legal", "support_url")) is None:
        ck.warn(
            ("legal",),
            "no legal.support_url: App Store Connect will not accept a version without a "
            "support URL",
            "add support_url: https://… (a page, not an e-mail address)",
        )
    email = ck.value(("legal", "support_email"))
    if isinstance(email, str) and not _EMAIL.fullmatch(email):
        ck.error(
            ("legal", "support_email"),
            f"{email!r} is not an e-mail address",
            "e.g. support@acme.example",
        )


def check_storage(ck: Checker) -> None:
    mode = ck.value(("storage", "mode"))
    if mode == "private":
        for key in ("endpoint", "bucket"):
            if ck.value(("storage", key)) is None and ("storage", key) not in ck.broken:
                ck.error(
                    ("storage", key),
                    f"storage mode 'private' needs {key}",
                    "the exclusive edition keeps data in the customer's own store: name it",
                )
        bucket = ck.value(("storage", "bucket"))
        if isinstance(bucket, str) and not _BUCKET.fullmatch(bucket):
            ck.error(
                ("storage", "bucket"),
                f"{bucket!r} is not a valid bucket name",
                "3-63 lowercase letters, digits, '.' and '-'",
            )
    elif mode == "cloud":
        for key in ("endpoint", "bucket", "region"):
            if ck.value(("storage", key)) is not None:
                ck.error(
                    ("storage", key),
                    f"{key} is only used with storage mode 'private'",
                    f"remove {key}, or set mode: private",
                    key=True,
                )


def check_signing(ck: Checker) -> None:
    for path in SECRET_REFS:
        _check_ref(ck, path)
    team = ck.value(("signing", "ios", "team_id"))
    if isinstance(team, str) and not re.fullmatch(r"^[A-Z0-9]{10}$", team):
        ck.error(
            ("signing", "ios", "team_id"),
            "an Apple team id is 10 uppercase letters and digits",
            "copy it from developer.apple.com → Membership",
        )


def _check_ref(ck: Checker, path: Key) -> None:
    value = ck.value(path)
    if not isinstance(value, str) or re.fullmatch(ENV_REF_PATTERN, value):
        return
    # Never echo the value: it may be the secret itself.
    name = f"{ck.slug.upper().replace('-', '_')}_{str(path[-1]).upper()}"
    if value.startswith("env:"):
        msg = "an env: reference names an environment variable in UPPER_SNAKE_CASE"
    else:
        msg = "holds an inline value; signing secrets must be references, never stored"
    ck.error(path, msg, f"put the secret in an environment variable and write env:{name}")


NULL_CHECKED: tuple[Key, ...] = (
    *(("colors", k) for k in COLOR_KEYS),
    *(("colors", "dark", k) for k in COLOR_KEYS),
    *(("assets", role) for role in ASSET_ROLES),
)
"""Colour and image keys whose empty value would silently mean "use the default"."""


def check_empty_values(ck: Checker) -> None:
    """A colour or image key written with nothing after it is a mistake, never a choice.

    The usual cause is an unquoted colour: YAML reads ``icon_background: #FFB300`` as a key
    and a comment, so the value is null and the build quietly fell back to a default (a
    white-on-white maskable icon). Required keys get this from the structure check; this
    covers the optional ones.
    """
    for path in NULL_CHECKED:
        if path not in ck.merged.keys or get(ck.merged, path) is not None:
            continue
        if any(path[: len(b)] == b for b in ck.broken):
            continue
        leaf = str(path[-1])
        where = ck.merged.keys[path]
        comment = _comment_after(where)
        image = path[0] == "assets"
        if comment is not None and colors.is_color(comment):
            message = f"{leaf} is empty: YAML reads {comment} after an unquoted ':' as a comment"
            hint = f'quote the colour: {leaf}: "{comment}"'
        elif image:
            message = f"{leaf} is empty"
            example = "a colour or an image path" if leaf == "icon_background" else "a path"
            hint = (
                f"write {example}, e.g. {leaf}: assets/{leaf.replace('_', '-')}.png, or remove "
                "the line"
            )
            if leaf == "icon_background":
                hint = f'write a colour in quotes or an image path, e.g. {leaf}: "#0A7D5A"'
        else:
            message = f"{leaf} is empty"
            hint = f'write a colour in quotes, e.g. {leaf}: "#0A7D5A", or remove the line'
        ck.found.append(error(field_name(path), message, where, hint))


def _comment_after(where: Location) -> str | None:
    """The first word of a comment right after the key at ``where`` (``#FFB300``), if any."""
    try:
        with where.file.open(encoding="utf-8", errors="replace") as fh:
            line = next(itertools.islice(fh, where.line - 1, None), None)
    except (OSError, ValueError):
        return None
    if line is None:
        return None
    colon = line.find(":", max(where.col - 1, 0))
    rest = line[colon + 1 :].strip() if colon >= 0 else ""
    if not rest.startswith("#"):
        return None
    word = rest.split()[0]
    return word if len(word) > 1 else None


def check_locale_texts(ck: Checker) -> None:
    """A locale with no text of its own ships the default locale's texts under its name (a
    French store listing in Chinese): worth a warning naming what would fall back."""
    tags = ck.locale_tags()
    if len(tags) < 2 or any(locales.lookup(t) is None for t in tags):
        return
    default = tags[0]
    present = [base for base in LOCAL_TEXTS if ck.value(base) is not None]
    for i, tag in enumerate(tags[1:], 1):
        if tags.index(tag) != i:
            continue  # listed twice: check_locales says so
        if any(isinstance(v := ck.value(base), dict) and tag in v for base in present):
            continue
        shown = _few([field_name(base) for base in present], shown=4)
        ck.warn(
            ("locales", i),
            f"locale {tag!r} has no text of its own: {shown} would show in {default!r}",
            f"add {tag}: … to those texts (e.g. app: name: {{{tag}: …}}), or remove {tag!r} "
            "from locales",
        )


RULES: tuple[Callable[[Checker], None], ...] = (
    check_identity,
    check_locales,
    check_locale_texts,
    check_empty_values,
    check_texts,
    _length_checks,
    check_ids,
    check_versions,
    check_colors,
    check_endpoints,
    check_storage,
    check_signing,
)


def check(merged: Merged, slug: str, env: str | None) -> Checker:
    ck = Checker(merged=merged, slug=slug, env=env)
    check_structure(ck)
    for rule in RULES:
        rule(ck)
    return ck


def dedupe(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    unique = {(d.severity, d.field, d.message, d.location): d for d in found}
    return sorted(unique.values(), key=lambda d: (d.severity is not Severity.ERROR, d.sort_key()))
