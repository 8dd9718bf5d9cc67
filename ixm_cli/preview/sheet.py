"""The brand sheet: one resolved brand as a self-contained HTML page.

Pure data in, text out: :func:`sheet_view` gathers what the page shows (with where each value
came from), :func:`render_sheet` fills the Jinja template in ``ixm_cli/data/preview/``.
Jinja's autoescaping treats every manifest value as text; colours also pass ``css_color`` and
the font family ``css_string`` where they reach CSS. The page loads nothing: images are
``data:`` URIs, and a Content-Security-Policy forbids every other source, so even a value
that slipped past escaping could not reach the network.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ixm_cli import colors
from ixm_cli.errors import Diagnostic, Location, display_path
from ixm_cli.escape import css_color, css_string
from ixm_cli.manifest.brand import Brand, Text
from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.model import ENV_REF_PATTERN
from ixm_cli.manifest.resolve import Merged, get
from ixm_cli.manifest.rules import KEYWORDS_MAX_BYTES, SHORT_NAME_MAX, STORE_LIMITS, field_name

from .images import MASKABLE_CIRCLE, SAFE_ZONE, Pictures

TEXT_AA = 4.5
NON_TEXT_AA = 3.0

PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("on_primary", "primary", TEXT_AA, "text and icons on buttons and bars"),
    ("on_background", "background", TEXT_AA, "body text"),
    ("primary", "background", TEXT_AA, "links and coloured text"),
    ("on_primary", "secondary", TEXT_AA, "text on accent buttons"),
    ("primary", "background", NON_TEXT_AA, "buttons and controls against the page"),
    ("secondary", "background", NON_TEXT_AA, "accents and highlights against the page"),
)
"""Every foreground/background pair the platform draws, with the WCAG 2.2 AA level it needs
(1.4.3 text 4.5:1; 1.4.11 non-text 3:1)."""

MASKS: tuple[tuple[str, str], ...] = (
    ("circle", "Circle (Pixel)"),
    ("squircle", "Squircle (Samsung One UI)"),
    ("rounded", "Rounded square"),
    ("teardrop", "Teardrop"),
)


@dataclass(frozen=True)
class Origin:
    """Where a value came from: ``kind`` is tenant, parent, environment or default."""

    kind: str
    label: str
    where: str

    @property
    def title(self) -> str:
        return f"{self.label}: {self.where}" if self.where else self.label


DEFAULT = Origin("default", "default", "")


class Provenance:
    """Classifies the file:line:col of each value into tenant / parent / environment."""

    def __init__(self, merged: Merged, env: str | None, env_locations: frozenset[Location]):
        self.merged = merged
        self.env = env
        self.env_locations = env_locations
        self.tenant_file = merged.files[0] if merged.files else None

    def of(self, path: Key) -> Origin:
        for n in range(len(path), 0, -1):
            loc = self.merged.values.get(path[:n]) or self.merged.keys.get(path[:n])
            if loc is not None:
                return self._classify(loc)
        return DEFAULT

    def _classify(self, loc: Location) -> Origin:
        where = loc.display()
        if loc in self.env_locations:
            return Origin("environment", f"environment {self.env}", where)
        if loc.file == self.tenant_file:
            return Origin("tenant", "tenant", where)
        return Origin("parent", f"parent {loc.file.parent.name}", where)


def _text_rows(text: Text | None) -> list[tuple[str, str]]:
    return list(text.items()) if text is not None else []


def _pairs(brand: Brand) -> list[dict[str, Any]]:
    rows = []
    for mode, pal in (("light", brand.light), ("dark", brand.dark)):
        for fg, bg, need, use in PAIRS:
            a, b = getattr(pal, fg), getattr(pal, bg)
            ratio = colors.contrast(a, b)
            rows.append({
                "mode": mode, "fg": fg, "bg": bg, "fg_hex": a, "bg_hex": b, "need": need,
                "use": use, "ratio": colors.floor2(ratio), "ok": ratio >= need,
                "origin_fg": ("colors", "dark", fg) if mode == "dark" else ("colors", fg),
            })
    return rows


def contrast_ratios(brand: Brand) -> list[str]:
    """Every ratio the sheet prints, as printed (for tests and the fleet tooltips)."""
    return [row["ratio"] for row in _pairs(brand)]


def _swatches(brand: Brand) -> list[dict[str, Any]]:
    rows = []
    for mode, pal in (("light", brand.light), ("dark", brand.dark)):
        for f in fields(pal):
            value = getattr(pal, f.name)
            rows.append({
                "mode": mode, "name": f.name, "hex": value, "ink": best_ink(value),
                "path": ("colors", "dark", f.name) if mode == "dark" else ("colors", f.name),
            })
    return rows


def best_ink(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (always ≥ 4.58:1)."""
    return max(("#000000", "#FFFFFF"), key=lambda c: colors.contrast(c, background))


def _store(brand: Brand) -> list[dict[str, Any]]:
    rows = []
    store = brand.store
    for key, (limit, what) in STORE_LIMITS.items():
        text: Text | None = getattr(store, key)
        for tag, value in _text_rows(text):
            rows.append({"key": key, "what": what, "tag": tag, "text": value,
                         "count": len(value), "limit": limit, "unit": "characters"})
    for tag, value in _text_rows(store.keywords):
        size = len(value.encode("utf-8"))
        rows.append({"key": "keywords", "what": "App Store keywords", "tag": tag, "text": value,
                     "count": size, "limit": KEYWORDS_MAX_BYTES, "unit": "bytes"})
    order = {loc.tag: i for i, loc in enumerate(brand.locales)}
    return sorted(rows, key=lambda r: (order.get(r["tag"], 99), r["key"]))


def _values(merged: Merged) -> list[tuple[Key, Any]]:
    """Every leaf value of the merged manifest, in file order of the keys."""
    out: list[tuple[Key, Any]] = []

    def walk(value: Any, path: Key) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k))
        elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
            for i, v in enumerate(value):
                walk(v, (*path, i))
        else:
            out.append((path, value))

    walk(merged.data, ())
    return out


def _shown(path: Key, value: Any) -> str:
    """A value as the provenance table prints it; a signing value that is not an env:NAME
    reference may be a pasted secret and is never shown (as in `ixm show`)."""
    if path and path[0] == "signing" and not (
        isinstance(value, str) and re.fullmatch(ENV_REF_PATTERN, value)
    ) and path[-1] not in ("key_alias", "team_id"):
        return "(not shown: use env:NAME)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@cache
def squircle_path(n: float = 5.0, steps: int = 96) -> str:
    """A superellipse |x|^n + |y|^n = 1 in a unit box (clipPathUnits=objectBoundingBox): the
    squircle of Samsung's and other OEM launchers, close enough to judge clipping by."""
    points = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        c, s = math.cos(t), math.sin(t)
        x = 0.5 + 0.5 * math.copysign(abs(c) ** (2 / n), c)
        y = 0.5 + 0.5 * math.copysign(abs(s) ** (2 / n), s)
        points.append(f"{x:.4f} {y:.4f}")
    return "M " + " L ".join(points) + " Z"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ixm_cli", "data/preview"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_color"] = css_color
    env.filters["css_string"] = css_string
    env.filters["field"] = field_name
    return env


@dataclass(frozen=True)
class Reload:
    """How a served sheet learns about a change: server-sent events from ``events_path``."""

    events_path: str
    version: int


def sheet_view(
    brand: Brand, merged: Merged, provenance: Provenance, pictures: Pictures,
    warnings: Sequence[Diagnostic] = (),
) -> dict[str, Any]:
    default = brand.default_locale.tag
    assets = {
        role: provenance.of(("assets", role))
        for role in ("icon", "icon_foreground", "icon_background", "icon_monochrome",
                     "splash_logo")
    }
    links = get(merged, ("links", "domains"))
    return {
        "brand": brand,
        "title": brand.app.name[default],
        "default_locale": default,
        "locales": [loc.tag for loc in brand.locales],
        "names": _text_rows(brand.app.name),
        "short_names": [
            (tag, text, len(text) > SHORT_NAME_MAX) for tag, text in brand.app.short_name.items()
        ],
        "short_max": SHORT_NAME_MAX,
        "descriptions": _text_rows(brand.app.description),
        "pictures": pictures.uris,
        "masks": MASKS,
        "squircle": squircle_path(),
        "safe_zone": SAFE_ZONE,
        "maskable_circle": MASKABLE_CIRCLE,
        "assets": assets,
        "inherited_assets": [r for r, o in assets.items() if o.kind == "parent"],
        "swatches": _swatches(brand),
        "pairs": _pairs(brand),
        "store": _store(brand),
        "features": [(m.name, m.enabled) for m in brand.modules],
        "endpoints": [("endpoints.api", brand.api_endpoint, ("endpoints", "api")),
                      ("endpoints.web", brand.web_endpoint, ("endpoints", "web"))],
        "storage": brand.storage,
        "link_domains": [d for d in links if isinstance(d, str)]
        if isinstance(links, list) else [],
        "values": [(p, _shown(p, v), provenance.of(p)) for p, v in _values(merged)],
        "origin": provenance.of,
        "ink": best_ink,
        "chain": [display_path(p) for p in brand.manifests],
        "warnings": [d.render() for d in warnings],
        "font": brand.font_family,
    }


def render_sheet(view: Mapping[str, Any], reload: Reload | None = None) -> str:
    return _environment().get_template("sheet.html.j2").render(**view, reload=reload)


def render_errors(
    tenant: str, diagnostics: Sequence[Diagnostic], reload: Reload | None = None
) -> str:
    """The page --watch shows while the manifest does not validate."""
    return _environment().get_template("errors.html.j2").render(
        tenant=tenant, diagnostics=[d.render() for d in diagnostics], reload=reload
    )


def render_fleet(tiles: Sequence[Mapping[str, Any]]) -> str:
    return _environment().get_template("fleet.html.j2").render(tiles=tiles, ink=best_ink)


def manifest_dirs(merged: Merged | None, tenant_dir: Path) -> list[Path]:
    """The folders whose files change the sheet: the tenant's and its parents'."""
    found = [tenant_dir] + ([f.parent for f in merged.files] if merged else [])
    return sorted(set(found))
