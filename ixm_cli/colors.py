"""Brand colours: parsing, normalisation and WCAG 2.x contrast (PLATFORM_SPEC.md §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEX = re.compile(r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")
COLOR_PATTERN = _HEX.pattern
NORMALISED_PATTERN = r"^#[0-9A-F]{6}$"
"""What :func:`normalise` returns: the one spelling outputs carry."""


def is_color(value: object) -> bool:
    # fullmatch: with re.match, "$" also matches before a trailing "\n" ("#FFF\n")
    return isinstance(value, str) and bool(_HEX.fullmatch(value))


def normalise(value: str) -> str:
    """``#abc`` and ``#aabbcc`` both become ``#AABBCC``; callers check ``is_color`` first."""
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def rgb(value: str) -> tuple[int, int, int]:
    digits = normalise(value)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _channel(c8: float) -> float:
    cs = c8 / 255
    return cs / 12.92 if cs <= 0.04045 else ((cs + 0.055) / 1.055) ** 2.4


def luminance_rgb(channels: tuple[float, float, float]) -> float:
    """Relative luminance of 8-bit sRGB channels (floats allowed: a mean colour, say)."""
    r, g, b = (_channel(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def luminance(value: str) -> float:
    return luminance_rgb(rgb(value))


def contrast_rgb(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2.2 contrast ratio of two 8-bit sRGB colours, 1.0 to 21.0; never rounded."""
    la, lb = luminance_rgb(a), luminance_rgb(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def contrast(a: str, b: str) -> float:
    """WCAG 2.2 contrast ratio, 1.0 to 21.0; never rounded (4.499 fails 4.5)."""
    return contrast_rgb(rgb(a), rgb(b))


def floor2(ratio: float) -> str:
    """Print a ratio without rounding it up past a threshold it fails."""
    return f"{int(ratio * 100) / 100:.2f}"


# -- derived colours -------------------------------------------------------------------------
#
# The web shell shows more colours than the manifest declares: muted text, tinted surfaces,
# text that stays readable where the declared pair is only a warning. Each one is derived here
# and searched shade by shade until its WCAG ratio passes, measured on the exact #RRGGBB that
# is written out, so a derived colour never fails where the declared ones pass.

AA_TEXT = 4.5
"""WCAG 1.4.3 (AA): normal-size text."""
AA_NON_TEXT = 3.0
"""WCAG 1.4.11 (AA): icons and other meaningful graphics; also 1.4.3's large text."""

_STEPS = 100  # 1 % steps: fine enough that the chosen shade is within 1 % of the limit


def mix(a: str, b: str, amount_of_b: float) -> str:
    """``a`` moved ``amount_of_b`` (0 to 1) of the way to ``b`` in sRGB, as CSS
    ``color-mix(in srgb, …)`` and opacity do; channels rounded half up, so no platform's
    rounding mode can change the result."""
    return "#" + "".join(
        f"{int(x + (y - x) * amount_of_b + 0.5):02X}" for x, y in zip(rgb(a), rgb(b), strict=True)
    )


def _worst(fg: str, backgrounds: tuple[str, ...]) -> float:
    return min(contrast(fg, bg) for bg in backgrounds)


def readable(fg: str, *backgrounds: str, minimum: float = AA_TEXT) -> str:
    """``fg`` if it reaches ``minimum`` on every background, else the nearest shade of it
    toward black or white that does (the fewer steps wins; black on a tie).

    Black or white reaches 4.58:1 on any colour, so up to that ``minimum`` an answer always
    exists; above it (7:1, say) the better of black and white is returned.
    """
    fg = normalise(fg)
    if _worst(fg, backgrounds) >= minimum:
        return fg
    best: tuple[int, str] | None = None
    for extreme in ("#000000", "#FFFFFF"):
        for step in range(1, _STEPS + 1):
            shade = mix(fg, extreme, step / _STEPS)
            if _worst(shade, backgrounds) >= minimum:
                if best is None or step < best[0]:
                    best = (step, shade)
                break
    if best is not None:
        return best[1]
    return max(("#000000", "#FFFFFF"), key=lambda c: _worst(c, backgrounds))


def muted(fg: str, *backgrounds: str, fade: float, minimum: float = AA_TEXT) -> str:
    """``fg`` faded toward the first background by up to ``fade`` (0 to 1) — as far as the
    contrast on every background allows; when even ``fg`` itself falls short, ``readable``."""
    for step in range(round(fade * _STEPS), 0, -1):
        shade = mix(fg, backgrounds[0], step / _STEPS)
        if _worst(shade, backgrounds) >= minimum:
            return shade
    return readable(fg, *backgrounds, minimum=minimum)


@dataclass(frozen=True)
class Pair:
    """A derived colour and what it is shown on: the pair a WCAG check measures."""

    name: str
    fg: str
    bg: str
    minimum: float
    use: str

    @property
    def ratio(self) -> float:
        return contrast(self.fg, self.bg)


SURFACE_TINT = 0.06
"""How far the module tiles' fill leans from the background toward the primary colour."""


def derive(primary: str, on_primary: str, background: str, on_background: str) -> dict[str, str]:
    """The colours the web shell derives from one palette (light or dark), each readable.

    - ``on_primary_text``: headings, text and icons on ``primary`` (the header);
    - ``on_primary_muted``: secondary text on ``primary`` (the app description), a fade of
      ``on_primary_text`` toward ``primary`` of at most 15 %;
    - ``text``: body text on ``background`` and ``surface``;
    - ``surface``: the module tiles' fill, ``background`` tinted up to 6 % toward ``primary``
      (less when ``text`` would fall short on it: a mid-grey background leaves no room);
    - ``muted_text``: secondary text on both, a fade of ``text`` of at most 30 %.
    """
    on_primary_text = readable(on_primary, primary)
    text = readable(on_background, background)
    tints = (mix(background, primary, step / _STEPS)
             for step in range(round(SURFACE_TINT * _STEPS), -1, -1))
    # Step 0 is the background itself, on which ``text`` passes: the search always ends.
    surface = next(t for t in tints if contrast(text, t) >= AA_TEXT)
    return {
        "on_primary_text": on_primary_text,
        "on_primary_muted": muted(on_primary_text, primary, fade=0.15),
        "surface": surface,
        "text": text,
        "muted_text": muted(text, background, surface, fade=0.30),
    }


def derived_pairs(
    primary: str, on_primary: str, background: str, on_background: str
) -> list[Pair]:
    """Every derived colour with each colour it is shown on, and the ratio it must reach."""
    d = derive(primary, on_primary, background, on_background)
    return [
        Pair("on_primary_text", d["on_primary_text"], primary, AA_TEXT, "text on primary"),
        Pair("on_primary_text", d["on_primary_text"], primary, AA_NON_TEXT, "icons on primary"),
        Pair("on_primary_muted", d["on_primary_muted"], primary, AA_TEXT, "description"),
        Pair("text", d["text"], background, AA_TEXT, "body text"),
        Pair("text", d["text"], d["surface"], AA_TEXT, "module names on tiles"),
        Pair("muted_text", d["muted_text"], background, AA_TEXT, "secondary text"),
        Pair("muted_text", d["muted_text"], d["surface"], AA_TEXT, "secondary text on tiles"),
    ]
