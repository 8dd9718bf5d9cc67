"""SVG sources: parsed by a hardened parser, bounded, then rasterised by resvg at each size.

Why resvg (the ``resvg-py`` wheel) and not CairoSVG: it is one self-contained wheel (Rust,
no system cairo/pango whose versions differ between distributions and change pixels), its
renderer has no access to system fonts when told so, and it was faster at icon sizes
(measured on a 2,000-element logo: 48 px 33 ms vs 196 ms, 192 px 70 ms vs 231 ms; 1024 px
518 ms vs 419 ms).

What a source may hold is decided here, before the renderer sees a byte, and the renderer
gets our own re-serialisation of the checked tree (never the file):

- no entity declarations, so no entity expansion (billion laughs) and no external
  entities; a plain ``<!DOCTYPE svg PUBLIC …>`` (older Illustrator exports) is fine: it
  is never fetched, and the re-serialised tree has none;
- no reference leaving the file: every ``href`` and ``url(…)`` must be ``#fragment``; no
  ``<image>`` (embedded or linked rasters bring their own decode costs) and no
  ``<foreignObject>``, ``<script>`` or ``on…`` handlers;
- no ``<text>``: glyphs would come from whatever fonts the build machine has, and the bytes
  must not depend on the machine; designers convert text to outlines;
- at most :data:`MAX_NODES` elements, counted while parsing (a 100k-node file stops at the
  first element past the bound), and at most :data:`MAX_RENDERED` once every ``<use>`` and
  ``url(#…)`` reference is expanded (a "use bomb" nests references instead of entities);
- a square viewBox (or square width and height when there is none).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import resvg_py
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from PIL import Image

MAX_BYTES = 2 * 1024 * 1024
"""Logos exported as outlines are tens of KiB; 2 MiB leaves room for detailed art."""
MAX_NODES = 20_000
MAX_RENDERED = 50_000
MAX_DEPTH = 100
"""Elements inside elements. Design tools nest groups a dozen deep; the bound keeps every
walk over the tree (ours, the serialiser's, the renderer's) far from any recursion limit."""
RASTER_SIDE = 1024
"""The pixel grid the engine plans an SVG on: a vector source has no pixels of its own, and
every region it asks for is rendered afresh at the output's size."""

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_OUTLINE_HINT = (
    "convert text to outlines before exporting (Illustrator: Type > Create Outlines; "
    "Inkscape: Path > Object to Path; Figma: Flatten)"
)
_EMBED_HINT = "export the drawing as plain vector shapes, or export a PNG instead"
_REFUSED_ELEMENTS: Mapping[str, tuple[str, str]] = {
    "script": ("a <script>", "remove the script: an icon is a drawing"),
    "foreignObject": ("a <foreignObject> (HTML inside the SVG)", _EMBED_HINT),
    "image": ("an <image> (a raster picture inside the SVG)", _EMBED_HINT),
    "feImage": ("an <feImage> filter input", _EMBED_HINT),
    "text": ("text (<text>), which would render with the build machine's fonts", _OUTLINE_HINT),
    "tspan": ("text (<tspan>), which would render with the build machine's fonts",
              _OUTLINE_HINT),
    "textPath": ("text (<textPath>), which would render with the build machine's fonts",
                 _OUTLINE_HINT),
    "font": ("an SVG font (<font>)", _OUTLINE_HINT),
    "font-face": ("an SVG font (<font-face>)", _OUTLINE_HINT),
}
_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
_IMPORT = re.compile(r"@import|@font-face", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")


class SvgError(Exception):
    """The SVG is refused: ``message`` says what (with the SVG's own line where known) and
    ``hint`` how to fix it, both for the designer who exported it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Drawing:
    """A checked SVG: its root (re-serialised for every render) and its viewBox."""

    root: ET.Element
    view_box: tuple[float, float, float, float]

    def render(self, region: tuple[float, float, float, float], size: tuple[int, int],
               grid: int = RASTER_SIDE) -> Image.Image:
        """``region`` of the ``grid``-px square the drawing spans, drawn at ``size``: the
        viewBox is narrowed to the region, so every output is rendered at its own pixel
        size (sharp edges at 16 px as at 1024), never scaled from another render."""
        vx, vy, vw, vh = self.view_box
        x0, y0, x1, y1 = region
        box = (vx + x0 / grid * vw, vy + y0 / grid * vh,
               (x1 - x0) / grid * vw, (y1 - y0) / grid * vh)
        attrib = {k: v for k, v in self.root.attrib.items()
                  if k not in ("width", "height", "viewBox", "preserveAspectRatio")}
        attrib.update(
            width=str(size[0]), height=str(size[1]),
            viewBox=" ".join(repr(float(c)) for c in box), preserveAspectRatio="none",
        )
        top = ET.Element(self.root.tag, attrib)
        top.extend(list(self.root))
        text = ET.tostring(top, encoding="unicode")
        try:
            png = resvg_py.svg_to_bytes(svg_string=text, skip_system_fonts=True)
        except (ValueError, RuntimeError) as exc:
            raise SvgError(f"cannot be drawn by the SVG renderer ({exc})",
                           "open it in a browser to check it, and export it again") from None
        drawn: Image.Image = Image.open(io.BytesIO(bytes(png)))
        drawn.load()
        if drawn.size != size:  # the renderer rounds sizes itself; never trust it blindly
            drawn = drawn.resize(size, Image.Resampling.LANCZOS)
        return drawn


def is_svg(path: Path) -> bool:
    """Decided by the name: a designer's file is ``.svg``; a raster with that name is then
    refused by the parser with a clear message rather than sniffed into something else."""
    return path.suffix.lower() == ".svg"


def load(path: Path) -> Drawing:
    """Read and check ``path`` (see module docstring); raises :class:`SvgError`."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SvgError(
                f"is {size / (1024 * 1024):.1f} MiB; an SVG source may be at most "
                f"{MAX_BYTES // (1024 * 1024)} MiB",
                "simplify the paths (Illustrator: Object > Path > Simplify) or export a PNG",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SvgError(f"cannot be read ({exc.strerror})", "check the file's permissions") from None
    root = _parse(data)
    return Drawing(root, _view_box(root))


class _Checking(ET.TreeBuilder):
    """Builds the tree while refusing, element by element, what the SVG may not hold, so a
    hostile file stops at its first offending element (or the first past the count)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes = 0
        self.depth = 0
        self.in_style = 0
        self.line: Any = lambda: 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.nodes += 1
        where = f"line {self.line()}: "
        if self.nodes > MAX_NODES:
            raise SvgError(
                f"has more than {MAX_NODES:,} elements (the limit is passed on line "
                f"{self.line()})",
                "simplify the drawing (merge shapes, Object > Path > Simplify) or export a PNG",
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SvgError(
                f"nests elements more than {MAX_DEPTH} deep (line {self.line()})",
                "flatten the groups (Illustrator: Object > Ungroup) or export a PNG",
            )
        ns, _, local = tag.rpartition("}")
        # Elements of other namespaces (Inkscape's, Illustrator's metadata) are not drawn.
        refused = _REFUSED_ELEMENTS.get(local) if ns in ("", "{" + SVG_NS) else None
        if refused is not None:
            raise SvgError(f"contains {refused[0]} ({where.rstrip(': ')})", refused[1])
        for name, value in attrs.items():
            _check_attribute(name, value, where)
        self.in_style += local == "style"
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        self.in_style -= tag.rpartition("}")[2] == "style"
        return super().end(tag)

    def data(self, data: str) -> None:
        if self.in_style and (
            _IMPORT.search(data) or any(not t.strip().startswith("#") for t in _URL.findall(data))
        ):
            raise SvgError(
                f"has a style sheet that loads something from outside the file "
                f"(line {self.line()})",
                "remove @import, @font-face and url(…) links to other files from the <style>",
            )
        super().data(data)


def _check_attribute(name: str, value: str, where: str) -> None:
    local = name.rpartition("}")[2]
    if local.lower().startswith("on"):
        raise SvgError(f"has a script handler {local}=… ({where.rstrip(': ')})",
                       "remove the script: an icon is a drawing")
    if local == "href" and not value.strip().startswith("#"):
        raise SvgError(
            f"links to {_short(value)} outside the file ({where.rstrip(': ')})",
            "an SVG source must be self-contained: embed the shapes instead of linking them",
        )
    for target in _URL.findall(value):
        if not target.strip().startswith("#"):
            raise SvgError(
                f"refers to {_short(target)} outside the file ({where.rstrip(': ')})",
                "an SVG source must be self-contained: keep gradients, masks and patterns "
                "inside it",
            )


def _short(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 60 else text[:57] + "…")


def _parse(data: bytes) -> ET.Element:
    builder = _Checking()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    builder.line = lambda: parser.parser.CurrentLineNumber
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except DefusedXmlException:
        raise SvgError(
            "declares entities (<!ENTITY …>), which can expand without bound or read "
            "other files",
            "remove the <!ENTITY …> lines (and the [ … ] around them); export again as plain SVG",
        ) from None
    except ET.ParseError as exc:
        raise SvgError(f"is not well-formed XML ({exc})",
                       "export it again from your design tool as plain SVG") from None
    if root.tag != "{" + SVG_NS + "}svg":
        raise SvgError("is not an SVG drawing (its root element is not <svg>)",
                       "export it again as SVG (with the xmlns=\"http://www.w3.org/2000/svg\")")
    rendered = _expanded(root)
    if rendered > MAX_RENDERED:
        raise SvgError(
            f"expands to more than {MAX_RENDERED:,} elements through <use> and url(#…) "
            "references",
            "simplify the drawing: expand or remove repeated symbols",
        )
    return root


def _expanded(root: ET.Element) -> int:
    """Elements drawn once every ``<use href="#x">`` and ``url(#x)`` is counted as a copy of
    what it refers to; stops counting past :data:`MAX_RENDERED` (a nested-use bomb would
    otherwise overflow nothing but time)."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    memo: dict[int, int] = {}
    active: set[int] = set()

    def weight(el: ET.Element) -> int:
        key = id(el)
        if key in memo:
            return memo[key]
        if key in active:
            raise SvgError("has a reference loop (a <use> that contains itself)",
                           "remove the <use> that points back at its own group")
        active.add(key)
        total = 1
        for name, value in el.attrib.items():
            targets = [value[1:]] if name.rpartition("}")[2] == "href" else [
                t.strip()[1:] for t in _URL.findall(value)]
            for target in targets:
                ref = by_id.get(target.strip())
                if ref is not None:
                    total += weight(ref)
        for child in el:
            total += weight(child)
            if total > MAX_RENDERED:
                break
        active.discard(key)
        memo[key] = min(total, MAX_RENDERED + 1)
        return memo[key]

    try:
        return weight(root)
    except RecursionError:  # a chain of thousands of <use>, each pointing at the next
        raise SvgError("chains <use> references too deeply",
                       "expand the repeated symbols into plain shapes") from None


def _view_box(root: ET.Element) -> tuple[float, float, float, float]:
    box = root.get("viewBox")
    width, height = _length(root.get("width")), _length(root.get("height"))
    hint = 'put the art on a square artboard, e.g. viewBox="0 0 1024 1024"'
    if box is not None:
        numbers = [float(n) for n in _NUMBER.findall(box)]
        if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
            raise SvgError(f"has viewBox {box!r}; it must be four numbers: x y width height",
                           hint)
        x, y, w, h = numbers
        if not _square(w, h):
            raise SvgError(f"has a viewBox of {w:g}×{h:g}; it must be square", hint)
        if width is not None and height is not None and not _square(width, height):
            raise SvgError(f"is {width:g}×{height:g} (width × height); it must be square", hint)
        return (x, y, w, h)
    if width is None or height is None:
        raise SvgError("has no viewBox and no width and height in px, so its size is unknown",
                       hint)
    if not _square(width, height):
        raise SvgError(f"is {width:g}×{height:g} (width × height); it must be square", hint)
    return (0.0, 0.0, width, height)


def _length(value: str | None) -> float | None:
    """An absolute length in any unit (only the ratio matters); None for %, em or absent."""
    if value is None:
        return None
    match = _LENGTH.match(value)
    if match is None:
        return None
    number = float(match.group(1))
    return number if number > 0 else None


def _square(w: float, h: float) -> bool:
    return abs(w - h) <= 1e-6 * max(w, h)
