"""Brand colours: parsing, normalisation and WCAG 2.x contrast (PLATFORM_SPEC.md §6)."""

from __future__ import annotations

import re

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
