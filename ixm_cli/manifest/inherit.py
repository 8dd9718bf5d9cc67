"""Inheritance lint: a tenant that rebrands but still ships pieces of its parent's brand.

A customer brand (``extends: ../_greentown/brand.yaml``) typically replaces the primary
colour and the icon, and nothing stops the build from shipping the parent's dark palette,
themed (monochrome) icon, splash logo and store texts with it: every value is valid, the
result is a mixed brand. These are warnings (``--strict`` makes them errors), raised only
once the tenant has changed its light brand, since a tenant that keeps the parent's look on
purpose (yunzhuding is Greentown's own estate app) inherits all of it legitimately.

An inherited value has no line in the tenant's file, so its warning points at the tenant's
own section key (``assets:``, ``colors:``, ``store:``) or, without one, at ``extends``: the
line to edit, in the file the designer has open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from ixm_cli import colors
from ixm_cli.errors import Location, display_path, warning
from ixm_cli.manifest.loader import Document, Key
from ixm_cli.manifest.rules import LOCAL_TEXTS, Checker, field_name

BRAND_LOOK: tuple[Key, ...] = (("colors", "primary"), ("assets", "icon"))
"""Changing either of these is a rebrand."""
DARK_BRAND: tuple[str, ...] = ("primary", "on_primary", "secondary")
"""Dark-mode colours that carry the brand's hue (backgrounds are usually neutral greys)."""
ICON_LAYERS: tuple[tuple[str, str], ...] = (
    ("icon_foreground", "the adaptive and maskable icons (Android 8+, the web app)"),
    ("icon_monochrome", "Android 13 themed and iOS 18 tinted icons"),
    ("splash_logo", "the splash screens"),
)
URL_KEYS: tuple[Key, ...] = (
    ("legal", "privacy_url"),
    ("legal", "terms_url"),
    ("legal", "support_url"),
    ("legal", "support_email"),
    ("endpoints", "api"),
    ("endpoints", "web"),
)


def check_inheritance(ck: Checker) -> None:
    docs = ck.merged.documents
    if len(docs) < 2:
        return
    own, parents = docs[0], docs[1:]
    changed = [path for path in BRAND_LOOK if _changed(ck, own, parents, path)]
    if not changed:
        return
    parent_name = display_path(parents[0].file)
    what = " and ".join(field_name(p) for p in changed)
    _dark_palette(ck, own, changed, parent_name)
    if ("assets", "icon") in changed:  # new colours on the parent's icon: its layers match
        _icon_layers(ck, own, what)
    _texts(ck, own, parents, what)


def _declared(doc: Document, path: Key) -> Any:
    node: Any = doc.data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _changed(ck: Checker, own: Document, parents: list[Document], path: Key) -> bool:
    mine = ck.value(path)
    if mine is None or ck.merged.origin(path) != own.file:
        return False
    theirs = next((v for d in parents if (v := _declared(d, path)) is not None), None)
    if path[0] == "assets":
        return True  # a path of the tenant's own is its own image (assets stay in its folder)
    if theirs is None:
        return True
    if colors.is_color(mine) and colors.is_color(theirs):
        return bool(colors.normalise(mine) != colors.normalise(theirs))
    return bool(mine != theirs)


def _inherited(ck: Checker, own: Document, path: Key) -> bool:
    origin = ck.merged.origin(path)
    return ck.value(path) is not None and origin is not None and origin != own.file


def _anchor(ck: Checker, own: Document, section: str) -> Location | None:
    """The tenant's own line to point at for an inherited value under ``section``."""
    return (
        own.keys.get((section,))
        or own.keys.get(("extends",))
        or ck.merged.locate((section,))
    )


def _dark_palette(ck: Checker, own: Document, changed: list[Key], parent: str) -> None:
    if ("colors", "primary") not in changed:
        return  # a new icon on the parent's colours: the parent's dark palette still fits
    primary = ck.value(("colors", "primary"))
    kept = [
        k for k in DARK_BRAND
        if _inherited(ck, own, ("colors", "dark", k))
        and colors.is_color(ck.value(("colors", "dark", k)))
    ]
    if not kept or not colors.is_color(primary):
        return  # an invalid colour is the colour check's to report
    shown = ", ".join(f"{k} {colors.normalise(ck.value(('colors', 'dark', k)))}" for k in kept)
    primary = colors.normalise(primary)
    ck.found.append(warning(
        "colors.dark",
        f"dark mode keeps the parent's {shown} from {parent}, while colors.primary is your "
        f"own {primary}",
        _anchor(ck, own, "colors"),
        f"add colors: dark: {{{', '.join(f'{k}: …' for k in kept)}}} in your colours (dark "
        "mode usually takes a lighter shade of the primary)",
    ))


def _icon_layers(ck: Checker, own: Document, what: str) -> None:
    for role, shown_in in ICON_LAYERS:
        path: Key = ("assets", role)
        if not _inherited(ck, own, path):
            continue
        origin = ck.merged.origin(path)
        assert origin is not None
        image = display_path(origin.parent / str(ck.value(path)))
        ck.found.append(warning(
            field_name(path),
            f"{role} is the parent's image {image}: {shown_in} would show the parent's "
            f"brand, while {what} {_are(what)} your own",
            _anchor(ck, own, "assets"),
            f"add assets: {role}: assets/{role.replace('_', '-')}.png drawn from your own logo",
        ))


def _texts(ck: Checker, own: Document, parents: list[Document], what: str) -> None:
    names, domains = _parent_marks(parents)
    mine_names, mine_domains = _parent_marks([own])
    names -= {n for n in names if any(n.lower() in m.lower() for m in mine_names)}
    domains -= mine_domains
    if not names and not domains:
        return
    patterns = [(n, _word(n)) for n in sorted(names)] + [(d, _word(d)) for d in sorted(domains)]
    for base in LOCAL_TEXTS:
        for path, _locale, text in ck.texts(base):
            match = next((m for _, rx in patterns if (m := rx.search(text))), None)
            if match is None:
                continue
            hit = match.group(0)
            inherited = ck.merged.origin(path) != own.file
            where = _anchor(ck, own, str(base[0])) if inherited else ck.at(path)
            source = " (inherited from the parent)" if inherited else ""
            ck.found.append(warning(
                field_name(path),
                f"the text{source} names the parent's brand {hit!r}, while {what} "
                f"{_are(what)} your own",
                where,
                f"write your own {field_name(path)} without {hit!r}",
            ))
    on_parent: dict[str, list[Key]] = {}  # one warning per section, not one per URL
    for path in URL_KEYS:
        value = ck.value(path)
        if isinstance(value, str) and _inherited(ck, own, path) and _domain(value) in domains:
            on_parent.setdefault(str(path[0]), []).append(path)
    for section, paths in on_parent.items():
        hosts = sorted({str(_domain(str(ck.value(p)))) for p in paths})
        keys = ", ".join(str(p[-1]) for p in paths)
        ck.found.append(warning(
            section,
            f"{section} {keys} {'are' if len(paths) > 1 else 'is'} inherited from the parent, "
            f"on its domain {', '.join(hosts)}",
            _anchor(ck, own, section),
            f"add {section}: with your own {keys}",
        ))


def _parent_marks(docs: Iterable[Document]) -> tuple[set[str], set[str]]:
    """The brand names and the web domains the given manifests declare themselves.

    A partner's parent manifest (folder ``_greentown``) has no app name: its folder names
    the brand. Domains are reduced to their last two labels, so ``api.greentown.example``
    and ``greentown.example/privacy`` are one brand.
    """
    names: set[str] = set()
    domains: set[str] = set()
    for doc in docs:
        folder = doc.file.parent.name
        if folder.startswith("_") and len(folder) > 3:
            names.add(folder.lstrip("_"))
        # the app name only: a short name ("Landray") is also the company, and a customer
        # may rightly say it is "built on Landray's platform"
        names.update(t for t in _strings(_declared(doc, ("app", "name"))) if len(t) >= 3)
        for path in URL_KEYS:
            for value in _strings(_declared(doc, path)):
                if (host := _domain(value)) is not None:
                    domains.add(host)
    return names, domains


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (v for v in value.values() if isinstance(v, str))


def _domain(value: str) -> str | None:
    try:
        host = value.rpartition("@")[2] if "://" not in value else urlsplit(value).hostname
    except ValueError:
        return None
    labels = [x for x in (host or "").lower().split(".") if x]
    return ".".join(labels[-2:]) if len(labels) >= 2 else None


def _word(mark: str) -> re.Pattern[str]:
    """``mark`` as a whole word, any case: 'Greentown' but not 'evergreentowns'. CJK names
    have no word breaks and match anywhere."""
    if not mark.isascii():
        return re.compile(re.escape(mark), re.IGNORECASE)
    return re.compile(rf"(?<![\w.-]){re.escape(mark)}(?![\w-])", re.IGNORECASE)


def _are(subject: str) -> str:
    return "are" if " and " in subject else "is"

