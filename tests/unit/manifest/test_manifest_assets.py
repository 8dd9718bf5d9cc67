"""Asset paths: relative to the declaring manifest, never outside its folder (symlinks too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import (
    Marked,
    at,
    build_file_tree,
    check,
    diagnose,
    make_tenant,
    marker_line,
    only,
    png_bytes,
)


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


def col(role: str) -> int:
    return len(f"  {role}: ") + 1


def test_missing_file(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_monochrome": Marked("assets/mono.png")}})
    d = only(diagnose(root, "acme"), "assets.icon_monochrome")
    assert d.message == "file 'assets/mono.png' does not exist"
    assert d.hint == f"expected at {root / 'acme' / 'assets' / 'mono.png'}"
    assert at(d) == (manifest, marked(manifest), col("icon_monochrome"))


def test_a_directory_is_not_a_file(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon": Marked("assets")}})
    d = only(diagnose(root, "acme"), "assets.icon")
    assert d.message == "'assets' is not a file"
    assert at(d) == (manifest, marked(manifest), col("icon"))


def test_dotdot_escaping_the_tenant_folder(root: Path) -> None:
    build_file_tree({"other/icon.png": png_bytes()}, root)
    manifest = make_tenant(root, "acme", {"assets": {"splash_logo": Marked("../other/icon.png")}})
    d = only(diagnose(root, "acme"), "assets.splash_logo")
    assert d.message == "'../other/icon.png' resolves outside the tenant folder acme/"
    assert at(d) == (manifest, marked(manifest), col("splash_logo"))


def test_dotdot_that_stays_inside_is_fine(root: Path) -> None:
    make_tenant(root, "acme", {"assets": {"icon": "assets/../assets/icon.png"}})
    assert diagnose(root, "acme") == []


@pytest.mark.parametrize("value", ["/etc/passwd", "~/icon.png"])
def test_absolute_path(root: Path, value: str) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_foreground": Marked(value)}})
    d = only(diagnose(root, "acme"), "assets.icon_foreground")
    assert d.message == f"{value!r} is an absolute path"
    assert d.hint == "write it relative to the manifest's folder"
    assert at(d) == (manifest, marked(manifest), col("icon_foreground"))


def test_symlink_pointing_outside_is_refused(root: Path) -> None:
    build_file_tree({"secret.png": png_bytes()}, root.parent)
    manifest = make_tenant(root, "acme", {"assets": {"icon": Marked("assets/link.png")}})
    (root / "acme" / "assets" / "link.png").symlink_to(root.parent / "secret.png")
    d = only(diagnose(root, "acme"), "assets.icon")
    assert d.message == "'assets/link.png' resolves outside the tenant folder acme/"
    assert d.hint == "keep assets inside the tenant's own folder (symlinks are followed)"
    assert at(d) == (manifest, marked(manifest), col("icon"))


def test_symlinked_folder_pointing_outside_is_refused(root: Path) -> None:
    build_file_tree({"shared/icon.png": png_bytes()}, root.parent)
    make_tenant(root, "acme", {"assets": {"icon": Marked("shared/icon.png")}})
    (root / "acme" / "shared").symlink_to(root.parent / "shared")
    d = only(diagnose(root, "acme"), "assets.icon")
    assert "resolves outside the tenant folder" in d.message


def test_symlink_inside_the_folder_is_fine(root: Path) -> None:
    make_tenant(root, "acme", {"assets": {"icon": "assets/alias.png"}})
    (root / "acme" / "assets" / "alias.png").symlink_to("icon.png")
    brand = check(root, "acme").brand
    assert brand is not None
    assert brand.assets.icon == root / "acme" / "assets" / "icon.png"  # resolved


def test_symlink_loop(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon": Marked("assets/loop.png")}})
    (root / "acme" / "assets" / "loop.png").symlink_to("loop.png")
    d = only(diagnose(root, "acme"), "assets.icon")
    assert at(d)[:2] == (manifest, marked(manifest))
    assert "loop" in d.message


def test_icon_background_as_colour(root: Path) -> None:
    make_tenant(root, "acme", {"assets": {"icon_background": "#abc"}})
    brand = check(root, "acme", images=True).brand
    assert brand is not None and brand.assets.icon_background == "#AABBCC"


def test_icon_background_as_image(root: Path) -> None:
    make_tenant(root, "acme", {"assets": {"icon_background": "assets/bg.png"}})
    build_file_tree({"acme/assets/bg.png": png_bytes()}, root)
    brand = check(root, "acme", images=True).brand
    assert brand is not None
    assert brand.assets.icon_background == root / "acme" / "assets" / "bg.png"
    assert brand.assets.icon_background in brand.assets.files()


def test_icon_background_bad_colour(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"assets": {"icon_background": Marked("#12345")}})
    d = only(diagnose(root, "acme"), "assets.icon_background")
    assert d.message == "'#12345' is not a colour"
    assert d.hint == 'write "#RRGGBB", or an image path'
    assert at(d) == (manifest, marked(manifest), col("icon_background"))


def test_icon_background_missing_image(root: Path) -> None:
    make_tenant(root, "acme", {"assets": {"icon_background": Marked("assets/bg.png")}})
    d = only(diagnose(root, "acme"), "assets.icon_background")
    assert d.message == "file 'assets/bg.png' does not exist"


def test_icon_background_defaults_to_the_background(root: Path) -> None:
    from ixm_test_helpers import DELETE

    make_tenant(root, "acme", {"assets": {"icon_background": DELETE}})
    brand = check(root, "acme").brand
    assert brand is not None and brand.assets.icon_background == "#FFFFFF"


def test_child_inherits_assets_relative_to_the_parent_folder(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner")
    brand = check(root, "acme", images=True).brand
    assert brand is not None
    parent_assets = root / "_partner" / "assets"
    assert brand.assets.icon == parent_assets / "icon.png"
    assert brand.assets.icon_monochrome == parent_assets / "icon-mono.png"


def test_child_override_is_relative_to_the_child_folder(root: Path) -> None:
    make_tenant(root, "acme", {"assets": {"icon": "assets/own.png"}}, parent="_partner")
    build_file_tree({"acme/assets/own.png": png_bytes()}, root)
    brand = check(root, "acme", images=True).brand
    assert brand is not None
    assert brand.assets.icon == root / "acme" / "assets" / "own.png"
    assert brand.assets.splash_logo == root / "_partner" / "assets" / "splash-logo.png"


def test_inherited_asset_may_not_leave_the_parent_folder(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner",
                parent_overrides={"assets": {"icon": Marked("../acme/assets/x.png")}})
    build_file_tree({"acme/assets/x.png": png_bytes()}, root)
    parent = root / "_partner" / "brand.yaml"
    d = only(diagnose(root, "acme"), "assets.icon")
    assert d.message == "'../acme/assets/x.png' resolves outside the tenant folder _partner/"
    assert at(d) == (parent, marked(parent), col("icon"))
