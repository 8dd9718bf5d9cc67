"""Locales, localised texts and the stores' length limits."""

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
    warnings,
)

from ixm_cli.errors import Severity


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


# -- locales -------------------------------------------------------------------------------


def test_wrong_case_locale_suggests_the_canonical_spelling(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"locales": ["en", Marked("zh-hans")]})
    diags = diagnose(root, "acme")
    d = only(diags, "locales[1]")
    assert d.message == "unsupported locale 'zh-hans'"
    assert d.hint == "did you mean 'zh-Hans'?"
    assert at(d) == (manifest, marked(manifest), 3)
    # the texts keyed zh-Hans are right; the mistake is reported once, at the locale
    assert len(diags) == 1


def test_unknown_locale_lists_the_supported_ones(root: Path) -> None:
    make_tenant(root, "acme", {"locales": ["en", "zh-Hans", Marked("klingon")]})
    d = only(diagnose(root, "acme"), "locales[2]")
    assert d.message == "unsupported locale 'klingon'"
    assert d.hint is not None and d.hint.startswith("supported: en, ")
    assert "zh-Hant-HK" in d.hint


def test_duplicate_locale(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"locales": ["en", "zh-Hans", Marked("en")]})
    d = only(diagnose(root, "acme"), "locales[2]")
    assert d.message == "locale 'en' is listed twice"
    assert at(d) == (manifest, marked(manifest), 3)


def test_two_locales_mapping_to_the_same_store_locale(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"locales": ["en", "zh-Hans", Marked("en-US")]})
    d = only(diagnose(root, "acme"), "locales[2]")
    assert d.message == (
        "locales 'en' and 'en-US' both map to the same store locale "
        "(ios 'en', supply 'en-US', deliver 'en-US')"
    )
    assert d.hint == "keep only one of them"
    assert at(d) == (manifest, marked(manifest), 3)


def test_every_localised_text_has_the_default_locale(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"app": {"description": Marked({"zh-Hans": "一起"})}})
    d = only(diagnose(root, "acme"), "app.description")
    assert d.message == "no text for the default locale 'en'"
    assert d.hint == "add en: … (the first entry of locales is the default)"
    assert at(d) == (manifest, marked(manifest), 3)


def test_the_default_locale_is_the_first(root: Path) -> None:
    make_tenant(root, "acme", {"locales": ["zh-Hans", "en"],
                               "store": {"subtitle": {"zh-Hans": DELETE}}})
    d = only(diagnose(root, "acme"), "store.subtitle")
    assert d.message == "no text for the default locale 'zh-Hans'"


def test_a_plain_string_is_the_default_locale(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"name": "Acme"}})
    brand = check(root, "acme").brand
    assert brand is not None
    # every locale falls back to the default locale's text
    assert dict(brand.app.name.items()) == {"en": "Acme", "zh-Hans": "Acme"}


def test_text_in_a_locale_not_listed(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"store": {"subtitle": {"fr": Marked("Ensemble")}}})
    d = only(diagnose(root, "acme"), "store.subtitle.fr")
    assert d.message == "locale 'fr' is not in locales (en, zh-Hans)"
    assert d.hint == "add it to locales or remove it"
    assert at(d) == (manifest, marked(manifest), 5)  # at the key


def test_text_in_a_misspelt_locale_suggests_the_listed_one(root: Path) -> None:
    make_tenant(root, "acme", {"store": {"subtitle": {"zh-Hant": Marked("一起")}}})
    d = only(diagnose(root, "acme"), "store.subtitle.zh-Hant")
    assert d.hint == "did you mean 'zh-Hans'?"


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text(root: Path, text: str) -> None:
    manifest = make_tenant(root, "acme", {"app": {"description": {"en": Marked(text)}}})
    d = only(diagnose(root, "acme"), "app.description.en")
    assert d.message == "text is empty"
    assert at(d)[:2] == (manifest, marked(manifest))


@pytest.mark.parametrize(("char", "code"), [("\x07", "U+0007"), ("\x1b", "U+001B"),
                                            ("\x00", "U+0000"), ("\ufffe", "U+FFFE")])
def test_control_characters_in_a_text(root: Path, char: str, code: str) -> None:
    manifest = make_tenant(root, "acme", {"store": {"promotional_text": {
        "en": Marked(f"New{char}version")}}})
    d = only(diagnose(root, "acme"), "store.promotional_text.en")
    assert d.message == f"contains control characters ({code})"
    assert at(d)[:2] == (manifest, marked(manifest))


@pytest.mark.parametrize(
    ("path", "overrides"),
    [
        ("typography.font_family", {"typography": {"font_family": Marked("Noto\0Sans")}}),
        ("storage.region", {"storage": {"region": Marked("cn-\x1bhangzhou")}}),
    ],
)
def test_one_line_texts_refuse_control_characters(
    root: Path, path: str, overrides: dict[str, Any]
) -> None:
    """font_family reaches CSS (which has no NUL at all) and tenant.json: refused at its line
    rather than crashing the build."""
    manifest = make_tenant(root, "acme", overrides)
    d = only(diagnose(root, "acme"), path)
    assert d.message.startswith("contains control characters (U+")
    assert at(d)[:2] == (manifest, marked(manifest))


def test_tabs_and_newlines_are_not_control_characters(root: Path) -> None:
    make_tenant(root, "acme", {"store": {"full_description": {"en": "One\n\tTwo\r\nThree"}}})
    assert diagnose(root, "acme") == []


# -- lengths -------------------------------------------------------------------------------


def test_app_name_longer_than_30_is_an_error(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"app": {"name": {"en": Marked("N" * 31)}}})
    d = only(diagnose(root, "acme"), "app.name.en")
    assert d.message == "app name is 31 characters; Google Play and the App Store allow 30"
    assert at(d) == (manifest, marked(manifest), len("    en: ") + 1)


def test_app_name_of_30_characters_is_fine_but_long_for_a_label(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"name": {"en": "N" * 30}}})
    diags = diagnose(root, "acme")
    assert errors(diags) == []


def test_app_name_counts_characters_not_bytes(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"name": {"zh-Hans": "钉" * 30}}})
    assert errors(diagnose(root, "acme")) == []


@pytest.mark.parametrize("name", ["N", " N "])
def test_app_name_shorter_than_2_is_an_error(root: Path, name: str) -> None:
    manifest = make_tenant(root, "acme", {"app": {"name": {"en": Marked(name)}}})
    d = only(diagnose(root, "acme"), "app.name.en")
    assert d.message == "app name must be at least 2 characters (App Store)"
    assert at(d)[:2] == (manifest, marked(manifest))


def test_short_name_longer_than_12_is_only_a_warning(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"app": {"short_name": {"en": Marked("S" * 13)}}})
    diags = diagnose(root, "acme")
    assert errors(diags) == []
    d = only(diags, "app.short_name.en", severity=Severity.WARNING)
    assert d.message == (
        "'SSSSSSSSSSSSS' is 13 characters; labels under the icon are cut after about 12"
    )
    assert at(d)[:2] == (manifest, marked(manifest))
    assert check(root, "acme").brand is not None  # warnings do not block the brand


def test_a_long_name_without_short_name_warns_on_the_name(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"short_name": DELETE, "name": {"en": "Acme Ding Pro"}}})
    d = only(diagnose(root, "acme"), "app.name.en", severity=Severity.WARNING)
    assert d.hint == "set app.short_name to a shorter form"


@pytest.mark.parametrize(
    ("key", "limit", "what"),
    [
        ("subtitle", 30, "App Store subtitle"),
        ("short_description", 80, "Google Play short description"),
        ("full_description", 4000, "store description"),
        ("promotional_text", 170, "App Store promotional text"),
        ("release_notes", 500, "Google Play release notes"),
    ],
)
def test_store_text_limits(root: Path, key: str, limit: int, what: str) -> None:
    at_limit = make_tenant(root, "ok", {"store": {key: {"en": "x" * limit}}})
    assert errors(diagnose(root, "ok")) == [], at_limit
    manifest = make_tenant(root, "acme", {"store": {key: {"zh-Hans": Marked("钉" * (limit + 1))}}})
    d = only(diagnose(root, "acme"), f"store.{key}.zh-Hans")
    assert d.message == f"{what} is {limit + 1} characters; the limit is {limit}"
    assert at(d) == (manifest, marked(manifest), len("    zh-Hans: ") + 1)


def test_app_description_standing_in_for_the_store_description_has_its_limit(root: Path) -> None:
    long = "钉" * 4001
    covered = make_tenant(
        root, "ok", {"app": {"description": {"en": long}}, "store": {"full_description": "x"}}
    )
    assert errors(diagnose(root, "ok")) == [], covered
    manifest = make_tenant(
        root,
        "acme",
        {"app": {"description": {"en": Marked(long)}}, "store": {"full_description": DELETE}},
    )
    d = only(diagnose(root, "acme"), "app.description.en")
    assert d.message == (
        "app description is 4001 characters and, with no store.full_description, is the store "
        "description; the limit is 4000"
    )
    assert d.hint == "shorten it by 1 character, or set store.full_description"
    assert at(d) == (manifest, marked(manifest), len("    en: ") + 1)


def test_keywords_are_counted_in_utf8_bytes(root: Path) -> None:
    ascii_ok = make_tenant(root, "ok", {"store": {"keywords": {"en": "k" * 34}}})
    assert diagnose(root, "ok") == [], ascii_ok
    manifest = make_tenant(root, "acme", {"store": {"keywords": {"zh-Hans": Marked("钉" * 34)}}})
    d = only(diagnose(root, "acme"), "store.keywords.zh-Hans")
    assert d.message == "keywords are 102 bytes in UTF-8; the App Store allows 100"
    assert d.hint == "remove some keywords (CJK characters take 3 bytes each)"
    assert at(d)[:2] == (manifest, marked(manifest))


def test_keywords_of_exactly_100_bytes_pass(root: Path) -> None:
    make_tenant(root, "acme", {"store": {"keywords": {"en": "k" * 100, "zh-Hans": "钉" * 33}}})
    assert diagnose(root, "acme") == []


def test_one_character_keywords_are_a_warning(root: Path) -> None:
    make_tenant(root, "acme", {"store": {"keywords": {"en": "chat,a,docs"}}})
    d = only(diagnose(root, "acme"), "store.keywords.en", severity=Severity.WARNING)
    assert "'a'" in d.message


def test_every_locale_is_checked(root: Path) -> None:
    overrides: dict[str, Any] = {"store": {"subtitle": {"en": "x" * 31, "zh-Hans": "钉" * 31}}}
    make_tenant(root, "acme", overrides)
    fields = sorted(d.field for d in diagnose(root, "acme"))
    assert fields == ["store.subtitle.en", "store.subtitle.zh-Hans"]


def test_warnings_do_not_hide_errors_and_all_are_reported(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"name": {"en": "N" * 31}, "short_name": {"en": "S" * 13}},
                               "store": {"subtitle": {"en": "x" * 31}}})
    diags = diagnose(root, "acme")
    assert {d.field for d in errors(diags)} == {"app.name.en", "store.subtitle.en"}
    assert {d.field for d in warnings(diags)} == {"app.short_name.en"}
    # errors first, then warnings
    assert [d.severity for d in diags] == sorted((d.severity for d in diags),
                                                 key=lambda s: s is Severity.WARNING)
