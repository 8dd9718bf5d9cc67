"""Mistakes designers make (issue 9): each is caught with its field, line and a fix they
can follow, and the root cause comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import (
    Marked,
    at,
    diagnose,
    errors,
    make_tenant,
    marker_col,
    marker_line,
    only,
)

from ixm_cli.errors import Severity


def rewrite(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) in the manifest with ``new`` ending in ``# <-``; its line."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, (old, text)
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8", newline="\n")
    return marker_line(text)


# -- a colour or image key with nothing after it -------------------------------------------


def test_unquoted_icon_background_is_an_error_with_the_quoting_hint(root: Path) -> None:
    manifest = make_tenant(root, "acme")
    line = rewrite(manifest, "icon_background: '#0A7D5A'", "icon_background: #FFB300  # <-")
    d = only(diagnose(root, "acme"), "assets.icon_background")
    assert d.message == (
        "icon_background is empty: YAML reads #FFB300 after an unquoted ':' as a comment"
    )
    assert d.hint == 'quote the colour: icon_background: "#FFB300"'
    assert at(d) == (manifest, line, 3)


@pytest.mark.parametrize(
    ("key", "field", "hint"),
    [
        ("secondary", "colors.secondary", "write a colour in quotes"),
        ("icon_monochrome", "assets.icon_monochrome", "write a path"),
        ("splash_logo", "assets.splash_logo", "write a path"),
    ],
)
def test_an_empty_optional_colour_or_image_is_an_error(
    root: Path, key: str, field: str, hint: str
) -> None:
    section = field.split(".")[0]
    manifest = make_tenant(root, "acme", {section: {key: Marked(None)}})
    d = only(diagnose(root, "acme"), field)
    assert d.message == f"{key} is empty"
    assert d.hint and d.hint.startswith(hint)
    assert at(d)[:2] == (manifest, marker_line(manifest.read_text("utf-8")))


def test_an_unquoted_dark_colour_is_an_error_too(root: Path) -> None:
    manifest = make_tenant(root, "acme")
    line = rewrite(manifest, "    primary: '#34C38F'", "    primary: #34C38F  # <-")
    d = only(diagnose(root, "acme"), "colors.dark.primary")
    assert "YAML reads #34C38F after an unquoted ':' as a comment" in d.message
    assert at(d) == (manifest, line, 5)


def test_an_empty_image_in_an_environment_overlay_is_reported_there(root: Path) -> None:
    manifest = make_tenant(
        root, "acme", {"environments": {"staging": {"assets": {"splash_logo": Marked(None)}}}}
    )
    assert not errors(diagnose(root, "acme"))
    d = only(diagnose(root, "acme", "staging"), "assets.splash_logo")
    assert at(d)[:2] == (manifest, marker_line(manifest.read_text("utf-8")))


# -- locales -------------------------------------------------------------------------------


def test_a_posix_locale_name_suggests_the_tag_and_is_the_only_error(root: Path) -> None:
    # was: 10 errors pointing into the parent ("locale 'zh-Hans' is not in locales") first
    manifest = make_tenant(
        root, "acme", {"locales": [Marked("zh_CN"), "en"]}, parent="_partner"
    )
    found = diagnose(root, "acme")
    d = only(found, "locales[0]")
    assert d.message == "unsupported locale 'zh_CN'"
    assert d.hint == "did you mean 'zh-Hans'?"
    text = manifest.read_text("utf-8")
    assert at(d) == (manifest, marker_line(text), marker_col(text, "zh_CN"))
    assert errors(found) == [d]


@pytest.mark.parametrize(
    ("written", "meant"), [("zh_TW", "zh-Hant"), ("en_US", "en-US"), ("pt", "pt-BR")]
)
def test_locale_typos_suggest_the_supported_tag(root: Path, written: str, meant: str) -> None:
    make_tenant(root, "acme", {"locales": ["en", written]})
    d = only(diagnose(root, "acme"), "locales[1]")
    assert d.hint == f"did you mean {meant!r}?"


def test_a_locale_without_texts_of_its_own_is_a_warning_naming_the_fallback(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"locales": ["en", "zh-Hans", Marked("fr")]})
    d = only(diagnose(root, "acme"), "locales[2]", severity=Severity.WARNING)
    assert d.message == (
        "locale 'fr' has no text of its own: app.name, app.short_name, app.description, "
        "store.subtitle, … 9 in all would show in 'en'"
    )
    assert d.hint and d.hint.startswith("add fr: … to those texts")
    text = manifest.read_text("utf-8")
    assert at(d) == (manifest, marker_line(text), marker_col(text, "fr"))


def test_one_text_of_its_own_is_enough(root: Path) -> None:
    make_tenant(root, "acme", {"locales": ["en", "zh-Hans", "fr"],
                               "app": {"name": {"fr": "Acme Ding"}}})
    assert not [d for d in diagnose(root, "acme") if d.field.startswith("locales")]


# -- extends ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["partner", "../partner", "../_partnr/brand.yaml"])
def test_an_extends_typo_suggests_the_nearest_parent(root: Path, written: str) -> None:
    manifest = make_tenant(root, "acme", parent="_partner")
    text = manifest.read_text("utf-8")
    line = rewrite(manifest, "extends: ../_partner/brand.yaml", f"extends: {written}  # <-")
    d = only(diagnose(root, "acme"), "extends")
    assert d.message == f"parent manifest {written!r} does not exist"
    assert d.hint == "did you mean extends: ../_partner/brand.yaml?"
    assert at(d) == (manifest, line, len("extends: ") + 1)
    assert text


def test_an_extends_far_from_any_parent_says_check_the_path(root: Path) -> None:
    manifest = make_tenant(root, "acme", parent="_partner")
    rewrite(manifest, "extends: ../_partner/brand.yaml", "extends: ../zzz  # <-")
    d = only(diagnose(root, "acme"), "extends")
    assert d.hint == "check the path; it is relative to this manifest's folder"
