"""Structure: schema version, unknown and missing keys, and wrong types with a useful hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import (
    DELETE,
    Marked,
    at,
    diagnose,
    line_of,
    make_tenant,
    marker_col,
    marker_line,
    only,
    write_marked,
)


def test_the_baseline_is_clean(root: Path) -> None:
    make_tenant(root, "acme")
    assert diagnose(root, "acme") == []
    assert diagnose(root, "acme", "staging") == []
    assert diagnose(root, "acme", images=True) == []


def test_missing_schema(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"schema": DELETE})
    d = only(diagnose(root, "acme"), "schema")
    assert d.message == "missing required key 'schema'"
    assert d.hint == "add schema: ixm/v1 as the first line"
    assert d.location is not None and d.location.file == manifest


def test_wrong_schema_version(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"schema": Marked("ixm/v2")})
    d = only(diagnose(root, "acme"), "schema")
    assert d.message == "unsupported schema 'ixm/v2'"
    assert d.hint == "this ixm reads schema: ixm/v1"
    assert at(d) == (manifest, marker_line(manifest.read_text()), len("schema: ") + 1)


@pytest.mark.parametrize(
    ("overrides", "field", "suggestion"),
    [
        ({"colour": Marked({"primary": "#FFFFFF"})}, "colour", "colors"),
        ({"app": {"nmae": Marked("Acme")}}, "app.nmae", "name"),
        ({"colors": {"primray": Marked("#FFFFFF")}}, "colors.primray", "primary"),
        ({"assets": {"icon_backgorund": Marked("#FFFFFF")}}, "assets.icon_backgorund",
         "icon_background"),
        ({"endpoint": Marked({"api": "https://x.example"})}, "endpoint", "endpoints"),
    ],
)
def test_unknown_key_suggests_the_closest(
    root: Path, overrides: dict[str, Any], field: str, suggestion: str
) -> None:
    manifest = make_tenant(root, "acme", overrides)
    text = manifest.read_text()
    leaf = field.rsplit(".", 1)[-1]
    d = only(diagnose(root, "acme"), field)
    assert d.message == f"unknown key {leaf!r}"
    assert d.hint == f"did you mean {suggestion!r}?"
    # located at the KEY, not its value
    assert at(d) == (manifest, marker_line(text), marker_col(text, f"{leaf}:"))


def test_unknown_key_without_a_close_match_lists_the_keys(root: Path) -> None:
    make_tenant(root, "acme", {"ids": {"harmony": Marked("x")}})
    d = only(diagnose(root, "acme"), "ids.harmony")
    assert d.hint == "known keys: android, ios"


@pytest.mark.parametrize(
    ("path", "parent_line"),
    [(("app", "build"), "app:"), (("colors", "on_primary"), "colors:"),
     (("ids", "ios"), "ids:"), (("legal", "privacy_url"), "legal:")],
)
def test_missing_required_key_is_located_at_its_parent(
    root: Path, path: tuple[str, str], parent_line: str
) -> None:
    manifest = make_tenant(root, "acme", {path[0]: {path[1]: DELETE}})
    d = only(diagnose(root, "acme"), ".".join(path))
    assert d.message == f"missing required key {path[1]!r}"
    assert d.hint == f"add {path[1]}: under {path[0]}"
    assert at(d) == (manifest, line_of(manifest, parent_line), 1)


def test_missing_required_section_is_reported_against_the_file(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"ids": DELETE})
    d = only(diagnose(root, "acme"), "ids")
    assert d.message == "missing required key 'ids'"
    assert d.hint == "add ids: at the top level"
    assert d.location is not None and d.location.file == manifest


def test_every_missing_key_is_reported_at_once(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"version": DELETE, "build": DELETE}, "legal": DELETE})
    fields = {d.field for d in diagnose(root, "acme")}
    assert {"app.version", "app.build", "legal"} <= fields


def test_unquoted_hex_colour_is_a_comment_so_the_hint_says_quote_it(root: Path) -> None:
    text = """schema: ixm/v1
tenant: acme
colors:
  primary: #0A7D5A  # <-
"""
    manifest = root / "acme" / "brand.yaml"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "colors.primary")
    assert d.message == "expected text, found nothing (an empty value)"
    assert d.hint is not None and "quote it" in d.hint and "YAML comment" in d.hint
    assert at(d) == (manifest, line, 3)  # a null value is shown at its key


@pytest.mark.parametrize(
    ("overrides", "field", "message", "hint"),
    [
        ({"app": {"build": Marked("230")}}, "app.build",
         "expected a whole number, found the text '230'", "remove the quotes: build: 230"),
        ({"features": {"im": Marked("yes")}}, "features.im",
         "expected true or false, found the text 'yes'",
         "write true or false (YAML 1.2 reads yes/no/on/off as text)"),
        ({"app": {"version": Marked(2.3)}}, "app.version",
         "expected text, found the number 2.3", 'quote it: version: "2.3"'),
        ({"app": {"version": Marked(2)}}, "app.version",
         "expected text, found the number 2", 'quote it: version: "2"'),
        ({"locales": Marked("en")}, "locales", "expected a list, found the text 'en'", None),
        ({"app": Marked("Acme")}, "app", "expected a mapping, found the text 'Acme'",
         "indent the keys below it, or write {key: value}"),
        ({"storage": {"mode": Marked("hybrid")}}, "storage.mode",
         "the text 'hybrid' is not allowed here", "use 'cloud' or 'private'"),
        ({"app": {"build": Marked(1.5)}}, "app.build",
         "expected a whole number, found the number 1.5", None),
        ({"app": {"build": Marked(True)}}, "app.build",
         "expected a whole number, found the boolean true", None),
    ],
)
def test_wrong_types_say_what_was_found_and_how_to_fix(
    root: Path, overrides: dict[str, Any], field: str, message: str, hint: str | None
) -> None:
    manifest = make_tenant(root, "acme", overrides)
    text = manifest.read_text()
    d = only(diagnose(root, "acme"), field)
    assert d.message == message
    assert d.hint == hint
    line = marker_line(text)
    leaf = field.rsplit(".", 1)[-1]
    assert at(d) == (manifest, line, marker_col(text, f"{leaf}:") + len(leaf) + 2)


def test_a_wrong_type_inside_a_local_text(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"app": {"description": {"en": Marked(42)}}})
    d = only(diagnose(root, "acme"), "app.description.en")
    assert d.message == "expected text, found the number 42"
    assert at(d)[1] == marker_line(manifest.read_text())


def test_a_list_where_text_is_expected(root: Path) -> None:
    text = """schema: ixm/v1
tenant: acme
app:
  name: [Acme, Ding]  # <-
"""
    manifest = root / "acme" / "brand.yaml"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "app.name")
    assert d.message == "expected text, or a mapping of locale to text, found a list"
    assert at(d) == (manifest, line, marker_col(text, "["))


def test_empty_locales(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"locales": Marked([])})
    d = only(diagnose(root, "acme"), "locales")
    assert d.message == "needs at least one entry"
    assert at(d)[1] == marker_line(manifest.read_text())


def test_one_mistake_is_reported_once(root: Path) -> None:
    """A wrong type is not also reported by the semantic rules that read the same value."""
    make_tenant(root, "acme", {"colors": {"primary": Marked(None)}})
    assert [d.field for d in diagnose(root, "acme")] == ["colors.primary"]
