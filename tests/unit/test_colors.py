"""WCAG 2.x contrast (PLATFORM_SPEC §6) and colour normalisation."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ixm_cli import colors

hex6 = st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z")


@pytest.mark.parametrize(
    ("value", "ok"),
    [("#fff", True), ("#FFFFFF", True), ("#0a7D5a", True), ("fff", False), ("#ffff", False),
     ("#GGG", False), ("#FFFFFF00", False), ("", False), (None, False), (0xFFFFFF, False),
     ("#FFF\n", False)],
)
def test_is_color(value: object, ok: bool) -> None:
    assert colors.is_color(value) is ok


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#fff", "#FFFFFF"), ("#0a7", "#00AA77"), ("#0a7d5a", "#0A7D5A"), ("#0A7D5A", "#0A7D5A")],
)
def test_normalise(value: str, expected: str) -> None:
    assert colors.normalise(value) == expected


def test_rgb() -> None:
    assert colors.rgb("#0A7D5A") == (10, 125, 90)
    assert colors.rgb("#f00") == (255, 0, 0)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#777777", "#FFFFFF", 4.478),  # the classic "almost AA" grey
        ("#767676", "#FFFFFF", 4.542),  # the lightest grey that passes AA on white
        ("#FFFFFF", "#0A7D5A", 5.129),
    ],
)
def test_contrast_known_values(a: str, b: str, ratio: float) -> None:
    assert colors.contrast(a, b) == pytest.approx(ratio, abs=0.005)


def test_luminance_uses_the_0_04045_threshold() -> None:
    # channel 10/255 = 0.0392 is below 0.04045: linear segment (0.03928 would agree here);
    # channel 11/255 = 0.0431 is above both: the power curve
    assert colors.luminance("#0A0A0A") == pytest.approx((10 / 255) / 12.92)
    assert colors.luminance("#0B0B0B") == pytest.approx(((11 / 255 + 0.055) / 1.055) ** 2.4)


@given(hex6, hex6)
def test_contrast_is_symmetric_and_bounded(a: str, b: str) -> None:
    ratio = colors.contrast(a, b)
    assert ratio == colors.contrast(b, a)
    assert 1.0 <= ratio <= 21.0 + 1e-9


@given(hex6)
def test_normalise_is_idempotent_and_uppercase(value: str) -> None:
    once = colors.normalise(value)
    assert colors.normalise(once) == once == value.upper()
    assert colors.is_color(once)


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [(4.499, "4.49"), (4.4999999, "4.49"), (4.5, "4.50"), (2.999, "2.99"), (21.0, "21.00"),
     (1.0, "1.00"), (3.0, "3.00")],
)
def test_floor2_never_rounds_up(ratio: float, shown: str) -> None:
    assert colors.floor2(ratio) == shown


@given(st.floats(min_value=1.0, max_value=21.0))
def test_floor2_is_never_above_the_ratio(ratio: float) -> None:
    assert float(colors.floor2(ratio)) <= ratio


# -- derived colours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "amount", "expected"),
    [
        ("#000000", "#FFFFFF", 0.0, "#000000"),
        ("#000000", "#FFFFFF", 1.0, "#FFFFFF"),
        ("#000000", "#FFFFFF", 0.5, "#808080"),  # 127.5 rounds half up, never to even
        ("#0A7D5A", "#FFFFFF", 0.15, "#2F9173"),
        ("#fff", "#000", 0.1, "#E6E6E6"),
    ],
)
def test_mix(a: str, b: str, amount: float, expected: str) -> None:
    assert colors.mix(a, b, amount) == expected


def test_readable_keeps_a_colour_that_passes() -> None:
    assert colors.readable("#ffffff", "#0A7D5A") == "#FFFFFF"


def test_readable_picks_the_nearest_passing_shade() -> None:
    # White on amber is 1.97:1: the nearest passing shade of white is a dark grey.
    shade = colors.readable("#FFFFFF", "#F5A623")
    assert colors.contrast(shade, "#F5A623") >= colors.AA_TEXT
    # One step lighter would fail: it is the nearest, not just any, passing shade.
    lighter = colors.mix(shade, "#FFFFFF", 0.02)
    assert colors.contrast(lighter, "#F5A623") < colors.AA_TEXT


def test_muted_fades_as_far_as_the_contrast_allows() -> None:
    # The PWA description used to be on_primary at 85 % opacity: 4.18:1 on yunzhuding's green.
    assert colors.floor2(colors.contrast(colors.mix("#FFFFFF", "#0A7D5A", 0.15), "#0A7D5A")) == (
        "4.18"
    )
    shade = colors.muted("#FFFFFF", "#0A7D5A", fade=0.15)
    assert shade != "#FFFFFF"  # still muted
    assert colors.contrast(shade, "#0A7D5A") >= colors.AA_TEXT
    # A generous contrast leaves the full fade.
    assert colors.muted("#FFFFFF", "#000000", fade=0.3) == colors.mix("#FFFFFF", "#000000", 0.3)


def test_the_example_pwa_descriptions_now_pass() -> None:
    """yunzhuding (4.18:1) and xiwangding (4.17:1) failed AA with the old 85 % opacity."""
    for primary in ("#0A7D5A", "#C2410C"):
        muted = colors.derive(primary, "#FFFFFF", "#FFFFFF", "#1A1A1A")["on_primary_muted"]
        assert colors.contrast(muted, primary) >= colors.AA_TEXT


@pytest.mark.parametrize("primary", ["#000000", "#FFFFFF", "#0000FF", "#00FF00", "#F5A623"])
def test_derived_pairs_pass_on_every_grey_background(primary: str) -> None:
    """Mid greys (#6E6E6E to #7B7B7B) leave black and white barely 4.5:1: a 6 % tint of the
    tiles then broke the body text, so the tint gives way there."""
    for level in sorted({*range(0, 256, 15), *range(0x68, 0x80)}):
        grey = f"#{level:02X}{level:02X}{level:02X}"
        for on in ("#FFFFFF", "#777777", "#000000"):
            for pair in colors.derived_pairs(primary, on, grey, on):
                assert pair.ratio >= pair.minimum, (grey, pair)


@example("#000000", "#FFFFFF", "#777777", "#FFFFFF")
@example("#0000FF", "#FFFFFF", "#797979", "#777777")
@given(hex6, hex6, hex6, hex6)
def test_every_derived_pair_meets_wcag_aa(
    primary: str, on_primary: str, background: str, on_background: str
) -> None:
    """Whatever the palette (even one validate rejects), no derived pair falls short."""
    pairs = colors.derived_pairs(primary, on_primary, background, on_background)
    assert {p.name for p in pairs} == set(
        colors.derive(primary, on_primary, background, on_background)
    ) - {"surface"}
    for pair in pairs:
        assert colors.is_color(pair.fg) and pair.fg == pair.fg.upper()
        assert pair.ratio >= pair.minimum, pair


@given(hex6, hex6)
def test_readable_is_a_shade_of_the_colour_when_it_can_be(fg: str, bg: str) -> None:
    shade = colors.readable(fg, bg)
    assert colors.contrast(shade, bg) >= colors.AA_TEXT
    if colors.contrast(fg, bg) >= colors.AA_TEXT:
        assert shade == colors.normalise(fg)
