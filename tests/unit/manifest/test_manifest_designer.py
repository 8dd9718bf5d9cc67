"""Mistakes designers make (issue 9): each is caught with its field, line and a fix they
can follow, and the root cause comes first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import (
    Marked,
    at,
    build_file_tree,
    diagnose,
    errors,
    layer_png,
    line_of,
    make_tenant,
    marker_col,
    marker_line,
    only,
    png_bytes,
    warnings,
)
from PIL import Image

from ixm_cli.errors import Severity, display_path


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


# -- inheritance lint ------------------------------------------------------------------------


def rebrand(root: Path, overrides: dict[str, Any], **kw: Any) -> Path:
    """A child of ``_partner`` with ``overrides``; its own images are written for it."""
    manifest = make_tenant(root, "acme", overrides, parent="_partner", **kw)
    own = {
        f"acme/{value}": png_bytes()
        for value in overrides.get("assets", {}).values()
        if isinstance(value, str) and value.endswith(".png")
    }
    build_file_tree(own, root)
    return manifest


def test_a_new_primary_under_the_parents_dark_palette_is_a_warning(root: Path) -> None:
    manifest = rebrand(root, {"colors": {"primary": "#8A5A00"}})
    d = only(diagnose(root, "acme"), "colors.dark", severity=Severity.WARNING)
    assert d.message == (
        "dark mode keeps the parent's primary #34C38F, on_primary #0B1F17, secondary #F5A623 "
        f"from {display_path(root / '_partner' / 'brand.yaml')}, while colors.primary is your "
        "own #8A5A00"
    )
    assert d.hint and d.hint.startswith("add colors: dark: {primary: …, on_primary: …")
    assert at(d)[:2] == (manifest, line_of(manifest, "colors:"))


def test_a_new_icon_with_the_parents_layers_warns_for_each_layer(root: Path) -> None:
    manifest = rebrand(root, {"assets": {"icon": "assets/own-icon.png"}})
    found = warnings(diagnose(root, "acme"))
    assert sorted(d.field for d in found) == [
        "assets.icon_foreground", "assets.icon_monochrome", "assets.splash_logo"
    ]
    mono = only(found, "assets.icon_monochrome", severity=Severity.WARNING)
    image = display_path(root / "_partner" / "assets" / "icon-mono.png")
    assert mono.message == (
        f"icon_monochrome is the parent's image {image}: Android 13 themed and iOS 18 tinted "
        "icons would show the parent's brand, while assets.icon is your own"
    )
    assert mono.hint == (
        "add assets: icon_monochrome: assets/icon-monochrome.png drawn from your own logo"
    )
    assert all(at(d)[:2] == (manifest, line_of(manifest, "assets:")) for d in found)


def test_an_inherited_store_text_naming_the_parent_is_a_warning_at_extends(root: Path) -> None:
    manifest = rebrand(
        root, {"colors": {"primary": "#8A5A00", "dark": {"primary": "#FFC94D",
                                                         "on_primary": "#1A1100",
                                                         "secondary": "#FFC94D"}}},
        parent_overrides={"store": {"full_description": {"en": "Built for Partner teams."}}},
    )
    d = only(diagnose(root, "acme"), "store.full_description.en", severity=Severity.WARNING)
    assert d.message == (
        "the text (inherited from the parent) names the parent's brand 'Partner', while "
        "colors.primary is your own"
    )
    assert d.hint == "write your own store.full_description.en without 'Partner'"
    assert at(d)[:2] == (manifest, line_of(manifest, "extends:"))


def test_an_own_text_naming_the_parent_points_at_the_text(root: Path) -> None:
    manifest = rebrand(root, {"colors": {"primary": "#8A5A00"},
                              "store": {"subtitle": {"en": Marked("Partner, at work")}}})
    d = only(diagnose(root, "acme"), "store.subtitle.en", severity=Severity.WARNING)
    assert d.message.startswith("the text names the parent's brand 'Partner'")
    assert at(d)[:2] == (manifest, marker_line(manifest.read_text("utf-8")))


def test_inherited_legal_urls_on_the_parents_domain_are_one_warning(root: Path) -> None:
    manifest = rebrand(
        root, {"colors": {"primary": "#8A5A00"}},
        parent_overrides={"legal": {"privacy_url": "https://partner.example/privacy",
                                    "terms_url": "https://partner.example/terms"}},
    )
    d = only(diagnose(root, "acme"), "legal", severity=Severity.WARNING)
    assert d.message == (
        "legal privacy_url, terms_url are inherited from the parent, on its domain "
        "partner.example"
    )
    assert at(d)[:2] == (manifest, line_of(manifest, "extends:"))


def test_a_tenant_keeping_the_parents_look_inherits_without_warnings(root: Path) -> None:
    # yunzhuding is the partner's own estate app: same colours, same icon, same texts
    rebrand(root, {"app": {"name": {"en": "Partner Estates"}}},
            parent_overrides={"store": {"subtitle": {"en": "Partner, at work"}}})
    assert diagnose(root, "acme") == []


# -- images: safe zone and silhouette --------------------------------------------------------


def test_a_foreground_reaching_040_is_a_warning_with_the_inset(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_foreground": Marked(
        "assets/icon-foreground.png")}})
    (root / "acme" / "assets" / "icon-foreground.png").write_bytes(layer_png(0.40))
    d = only(diagnose(root, "acme", images=True), "assets.icon_foreground",
             severity=Severity.WARNING)
    assert d.message == (
        "the art reaches 0.40 of the width from the centre, 132% of the adaptive-icon safe "
        "zone (a 66/108 circle, radius 0.31); launchers with a round mask clip it"
    )
    assert d.hint == (
        "scale the art down to 75% around the centre: on a 1024 px canvas keep it within "
        "312 px of the centre (an inset of 200 px from each edge); the background layer "
        "fills the rest"
    )
    assert at(d)[:2] == (manifest, marker_line(manifest.read_text("utf-8")))


def test_a_multicolour_monochrome_is_a_warning(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_monochrome": Marked(
        "assets/icon-mono.png")}})
    img = Image.new("RGBA", (1024, 1024), (0, 0, 0, 0))
    for i, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0),
                                (0, 255, 255), (255, 0, 255)]):
        img.paste((*colour, 255), (100 + i * 130, 300, 220 + i * 130, 700))
    img.save(root / "acme" / "assets" / "icon-mono.png")
    d = only(diagnose(root, "acme", images=True), "assets.icon_monochrome",
             severity=Severity.WARNING)
    assert d.message.startswith("is drawn in 6 colours; themed icons")
    assert at(d)[:2] == (manifest, marker_line(manifest.read_text("utf-8")))


def test_a_monochrome_without_transparency_is_a_warning(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_monochrome": Marked(
        "assets/icon-mono.jpg")}})
    Image.new("RGB", (1024, 1024), (255, 255, 255)).save(root / "acme/assets/icon-mono.jpg")
    d = only(diagnose(root, "acme", images=True), "assets.icon_monochrome",
             severity=Severity.WARNING)
    assert d.message.startswith("has no transparency; themed icons")
    assert d.hint == "export one flat colour (white or black) on a transparent background"
    assert at(d)[:2] == (manifest, marker_line(manifest.read_text("utf-8")))


def test_image_problems_come_in_the_same_round_as_contrast_errors(root: Path) -> None:
    # was: an image was decoded only once every other error was fixed
    make_tenant(root, "acme", {"colors": {"on_primary": "#0B7E5B"}})
    (root / "acme" / "assets" / "icon.png").write_bytes(png_bytes(side=512))
    found = errors(diagnose(root, "acme", images=True))
    assert {d.field for d in found} == {"colors.on_primary", "assets.icon"}


def test_an_invalid_new_primary_is_the_colour_checks_business(root: Path) -> None:
    rebrand(root, {"colors": {"primary": "amber"}})
    found = diagnose(root, "acme")
    assert only(found, "colors.primary").message == "'amber' is not a colour"
    assert not [d for d in found if d.field == "colors.dark"]
