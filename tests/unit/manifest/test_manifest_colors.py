"""Colour values and WCAG contrast, in light and dark mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import (
    DELETE,
    Marked,
    at,
    check,
    diagnose,
    errors,
    make_tenant,
    marker_line,
    only,
)

from ixm_cli import colors
from ixm_cli.errors import Severity


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


@pytest.mark.parametrize("value", ["red", "#12", "#1234", "#GGGGGG", "0A7D5A", "#0A7D5A80"])
def test_bad_colour(root: Path, value: str) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"secondary": Marked(value)}})
    d = only(diagnose(root, "acme"), "colors.secondary")
    assert d.message == f"{value!r} is not a colour"
    assert d.hint == 'write "#RRGGBB" or "#RGB", e.g. "#0A7D5A"'
    assert at(d) == (manifest, marked(manifest), len("  secondary: ") + 1)


def test_bad_dark_colour(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"dark": {"primary": Marked("teal")}}})
    d = only(diagnose(root, "acme"), "colors.dark.primary")
    assert at(d)[:2] == (manifest, marked(manifest))


def test_short_hex_is_normalised_in_the_brand(root: Path) -> None:
    make_tenant(root, "acme", {"colors": {"on_primary": "#fff", "secondary": "#f5a623",
                                          "dark": {"on_background": "#eee"}},
                               "assets": {"icon_background": "#0a7"}})
    brand = check(root, "acme").brand
    assert brand is not None
    assert brand.light.on_primary == "#FFFFFF"
    assert brand.light.secondary == "#F5A623"
    assert brand.dark.on_background == "#EEEEEE"
    assert brand.assets.icon_background == "#00AA77"


def test_secondary_defaults_to_primary_and_dark_falls_back_to_light(root: Path) -> None:
    make_tenant(root, "acme", {"colors": {"secondary": DELETE, "dark": {
        "secondary": DELETE, "on_primary": DELETE, "primary": DELETE}}})
    brand = check(root, "acme").brand
    assert brand is not None
    assert brand.light.secondary == brand.light.primary == "#0A7D5A"
    assert brand.dark.primary == "#0A7D5A" and brand.dark.on_primary == "#FFFFFF"
    assert brand.dark.secondary == "#0A7D5A"
    assert brand.dark.background == "#121212"


def test_contrast_below_3_is_an_error(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"on_primary": Marked("#777777")}})
    d = only(diagnose(root, "acme"), "colors.on_primary")
    assert d.message == (
        "light mode: on_primary #777777 on primary #0A7D5A has contrast 1.14:1; "
        "at least 3:1 is required"
    )
    assert d.hint == "WCAG 1.4.3 asks 4.5:1 for text; #FFFFFF gives 5.12:1"
    assert at(d) == (manifest, marked(manifest), len("  on_primary: ") + 1)


def test_contrast_between_3_and_4_5_is_a_warning(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"on_background": Marked("#949494")}})
    diags = diagnose(root, "acme")
    assert errors(diags) == []
    d = only(diags, "colors.on_background", severity=Severity.WARNING)
    assert d.message == (
        "light mode: on_background #949494 on background #FFFFFF has contrast 3.03:1; "
        "4.5:1 is needed for body text"
    )
    assert at(d)[:2] == (manifest, marked(manifest))
    # The web app picks the nearest readable shade instead, and the hint names it.
    shade = colors.readable("#949494", "#FFFFFF")
    assert colors.contrast(shade, "#FFFFFF") >= colors.AA_TEXT
    assert d.hint is not None
    assert d.hint.endswith(
        f"; until then the web app shows its on_background text in {shade} "
        f"({colors.floor2(colors.contrast(shade, '#FFFFFF'))}:1)"
    )


def test_dark_contrast_is_checked(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"dark": {"on_background": Marked("#222")}}})
    d = only(diagnose(root, "acme"), "colors.dark.on_background")
    assert d.message.startswith("dark mode: on_background #222222 on background #121212 ")
    assert d.message.endswith("at least 3:1 is required")
    assert at(d) == (manifest, marked(manifest), len("    on_background: ") + 1)


def test_dark_falls_back_to_light_values_for_contrast(root: Path) -> None:
    """Only dark.background is set: the light on_background is drawn on it in dark mode."""
    only_background: dict[str, Any] = {
        k: DELETE for k in ("primary", "on_primary", "secondary", "on_background")
    }
    manifest = make_tenant(root, "acme", {"colors": {"dark": {
        **only_background, "background": Marked("#000000")}}})
    d = only(diagnose(root, "acme"), "colors.dark.background")
    assert d.message.startswith("dark mode: on_background #1A1A1A on background #000000 ")
    assert at(d) == (manifest, marked(manifest), len("    background: ") + 1)


def test_a_failing_pair_without_dark_overrides_is_reported_once(root: Path) -> None:
    make_tenant(root, "acme", {"colors": {"dark": DELETE, "on_background": "#BBBBBB"}})
    diags = diagnose(root, "acme")
    d = only(diags, "colors.on_background")
    assert d.message.startswith("light mode: ")
    assert len(diags) == 1


def test_ratio_is_floored_not_rounded(root: Path) -> None:
    """4.499:1 fails 4.5:1, so it must never print as 4.50:1."""
    fg, bg = _pair_just_below_4_5()
    assert 4.495 <= colors.contrast(fg, bg) < 4.5
    make_tenant(root, "acme", {"colors": {"on_background": fg, "background": bg,
                                          "dark": {"on_background": "#EDEDED"}}})
    d = only(diagnose(root, "acme"), "colors.on_background", severity=Severity.WARNING)
    assert "has contrast 4.49:1" in d.message
    assert "4.50" not in d.message


def _pair_just_below_4_5() -> tuple[str, str]:
    """A colour on white whose contrast is in [4.495, 4.5): rounding would print 4.50."""
    for v in range(256):
        for g in range(256):
            fg = f"#{v:02X}{g:02X}{v:02X}"
            if 4.495 <= colors.contrast(fg, "#FFFFFF") < 4.5:
                return fg, "#FFFFFF"
    raise AssertionError("no pair found")
