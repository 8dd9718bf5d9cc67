"""WCAG 2.x contrast (PLATFORM_SPEC §6) and colour normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
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
