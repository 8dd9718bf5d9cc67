"""Override folders: a name the build would silently ignore is reported by `ixm validate`.

`tenants/<slug>/overrides/<android|ios|web|metadata>/` (and `metadata/<android|ios>/`) are
laid over the output; anything else there would be skipped without a word, so a typo such as
`andriod/` is an error (with a suggestion) and a stray file a warning.
"""

from __future__ import annotations

from pathlib import Path

from ixm_test_helpers import build_file_tree, diagnose, errors, make_tenant, rendered, warnings

from ixm_cli.errors import Severity


def test_known_folders_are_clean(root: Path) -> None:
    make_tenant(root, "acme")
    build_file_tree(
        {
            "overrides/android/app/src/main/res/values/extra.xml": "<resources/>\n",
            "overrides/ios/App/Extra.swift": "// extra\n",
            "overrides/web/robots.txt": "User-agent: *\n",
            "overrides/metadata/android/en-US/video.txt": "https://video.example/acme\n",
            "overrides/metadata/ios/en-US/copyright.txt": "2026 Acme\n",
        },
        root / "acme",
    )
    assert diagnose(root, "acme") == []


def test_a_misspelt_target_folder_is_an_error_with_a_suggestion(root: Path) -> None:
    make_tenant(root, "acme")
    build_file_tree({"overrides/andriod/app/x.txt": "x\n"}, root / "acme")
    (d,) = diagnose(root, "acme")
    assert d.severity is Severity.ERROR
    assert d.field == "overrides"
    assert d.message == "'andriod' is not an override folder; ixm would ignore it"
    assert d.hint == "did you mean 'android'?"
    assert d.location is not None
    assert d.location.file == root / "acme" / "overrides" / "andriod"
    assert (d.location.line, d.location.col) == (0, 0)  # a folder has no line


def test_metadata_holds_one_folder_per_store_platform(root: Path) -> None:
    make_tenant(root, "acme")
    build_file_tree(
        {"overrides/metadata/iso/en-US/name.txt": "x", "overrides/metadata/en-US/x.txt": "x"},
        root / "acme",
    )
    found = errors(diagnose(root, "acme"))
    assert [(d.location.file.name if d.location else None, d.hint) for d in found] == [
        ("en-US", "use folders named android, ios"),
        ("iso", "did you mean 'ios'?"),
    ], rendered(found)


def test_a_stray_file_is_only_a_warning(root: Path) -> None:
    make_tenant(root, "acme")
    build_file_tree({"overrides/NOTES.md": "for the designers\n"}, root / "acme")
    diags = diagnose(root, "acme")
    assert errors(diags) == []
    (d,) = warnings(diags)
    assert d.message == "'NOTES.md' is not in an override folder; ixm ignores it"


def test_a_parents_overrides_are_checked_through_the_child(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner")
    build_file_tree({"overrides/wbe/index.html": "<!doctype html>\n"}, root / "_partner")
    (d,) = diagnose(root, "acme")
    assert d.location is not None and d.location.file == root / "_partner" / "overrides" / "wbe"
    assert d.hint == "did you mean 'web'?"
