"""plan_assets is pure: the list of outputs, their sizes and descriptor files."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
from assets_fixtures import ALL_PLATFORMS

from ixm_cli.assets import AssetSources
from ixm_cli.assets.plan import normalise_hex, plan_reference
from ixm_cli.colors import contrast_rgb
from ixm_cli.errors import IxmError
from ixm_cli.targets import plan_assets

RES = "android/app/src/main/res"
XCA = "ios/App/Assets.xcassets"


def _paths(sources: AssetSources, platforms: set[str]) -> set[str]:
    return {str(j.path) for j in plan_assets(sources, frozenset(platforms))}


def test_android_sizes_follow_the_density_table(full_sources: AssetSources) -> None:
    jobs = {str(j.path): j for j in plan_assets(full_sources, frozenset({"android"}))}
    legacy = {"ldpi": 36, "mdpi": 48, "hdpi": 72, "xhdpi": 96, "xxhdpi": 144, "xxxhdpi": 192}
    layer = {"ldpi": 81, "mdpi": 108, "hdpi": 162, "xhdpi": 216, "xxhdpi": 324, "xxxhdpi": 432}
    splash = {"mdpi": 288, "hdpi": 432, "xhdpi": 576, "xxhdpi": 864, "xxxhdpi": 1152}
    for d, px in legacy.items():
        for name in ("ic_launcher", "ic_launcher_round"):
            j = jobs[f"{RES}/mipmap-{d}/{name}.png"]
            assert (j.width, j.height) == (px, px)
        for name in ("ic_launcher_foreground", "ic_launcher_monochrome"):
            j = jobs[f"{RES}/mipmap-{d}/{name}.png"]
            assert (j.width, j.height) == (layer[d], layer[d])
    for d, px in splash.items():
        for folder in (f"drawable-{d}", f"drawable-night-{d}"):
            assert jobs[f"{RES}/{folder}/splash_icon.png"].width == px
    assert f"{RES}/drawable-ldpi/splash_icon.png" not in jobs
    # colour background: a values resource and no background bitmaps
    assert f"{RES}/values/ic_launcher_background.xml" in jobs
    assert not any("ic_launcher_background.png" in p for p in jobs)


def test_adaptive_xml_with_colour_and_monochrome(full_sources: AssetSources) -> None:
    jobs = {str(j.path): j for j in plan_assets(full_sources, frozenset({"android"}))}
    xml = jobs[f"{RES}/mipmap-anydpi-v26/ic_launcher.xml"].text
    assert jobs[f"{RES}/mipmap-anydpi-v26/ic_launcher_round.xml"].text == xml
    assert '<background android:drawable="@color/ic_launcher_background"/>' in xml
    assert '<foreground android:drawable="@mipmap/ic_launcher_foreground"/>' in xml
    assert '<monochrome android:drawable="@mipmap/ic_launcher_monochrome"/>' in xml
    colour = jobs[f"{RES}/values/ic_launcher_background.xml"].text
    assert '<color name="ic_launcher_background">#0A7D5A</color>' in colour


def test_adaptive_xml_with_image_background_and_no_monochrome(
    minimal_sources: AssetSources,
) -> None:
    jobs = {str(j.path): j for j in plan_assets(minimal_sources, frozenset({"android"}))}
    xml = jobs[f"{RES}/mipmap-anydpi-v26/ic_launcher.xml"].text
    assert '<background android:drawable="@mipmap/ic_launcher_background"/>' in xml
    assert "monochrome" not in xml
    assert f"{RES}/values/ic_launcher_background.xml" not in jobs
    assert f"{RES}/mipmap-xxxhdpi/ic_launcher_background.png" in jobs
    assert not any("monochrome" in p for p in jobs)
    # without a foreground the icon is inset into the 66 dp safe zone
    fg = jobs[f"{RES}/mipmap-mdpi/ic_launcher_foreground.png"]
    assert (fg.op, fg.source) == ("inset", "icon")
    assert round(fg.width * fg.scale) == 66


def test_only_requested_platforms_are_planned(full_sources: AssetSources) -> None:
    assert all(p.startswith("web/") for p in _paths(full_sources, {"web"}))
    assert all(p.startswith("ios/") for p in _paths(full_sources, {"ios"}))
    assert all(p.startswith("metadata/") for p in _paths(full_sources, {"metadata"}))
    assert _paths(full_sources, set()) == set()
    everything = _paths(full_sources, set(ALL_PLATFORMS))
    assert everything == (
        _paths(full_sources, {"android"}) | _paths(full_sources, {"ios"})
        | _paths(full_sources, {"web"}) | _paths(full_sources, {"metadata"})
    )


def test_web_and_metadata_outputs(full_sources: AssetSources) -> None:
    assert _paths(full_sources, {"web"}) == {
        "web/icons/icon-192.png", "web/icons/icon-512.png",
        "web/icons/maskable-192.png", "web/icons/maskable-512.png",
        "web/favicon.ico", "web/favicon-16x16.png", "web/favicon-32x32.png",
        "web/apple-touch-icon.png",
    }
    assert _paths(full_sources, {"metadata"}) == {
        "metadata/android/en-US/images/icon.png", "metadata/android/zh-CN/images/icon.png",
    }


def test_ios_contents_json_lists_exactly_the_planned_icons(
    full_sources: AssetSources, minimal_sources: AssetSources
) -> None:
    for sources, expected in (
        (full_sources, {"AppIcon.png", "AppIcon-dark.png", "AppIcon-tinted.png"}),
        (minimal_sources, {"AppIcon.png"}),
    ):
        jobs = {str(j.path): j for j in plan_assets(sources, frozenset({"ios"}))}
        contents = json.loads(jobs[f"{XCA}/AppIcon.appiconset/Contents.json"].text)
        listed = {img["filename"] for img in contents["images"]}
        planned = {p.rsplit("/", 1)[1] for p in jobs if "/AppIcon.appiconset/" in p}
        assert listed == expected == planned - {"Contents.json"}
        assert contents["info"] == {"author": "xcode", "version": 1}
        for img in contents["images"]:
            assert (img["idiom"], img["platform"], img["size"]) == (
                "universal", "ios", "1024x1024")
    text = jobs[f"{XCA}/Contents.json"].text
    assert text == json.dumps({"info": {"author": "xcode", "version": 1}}, indent=2,
                              sort_keys=True) + "\n"


def test_descriptor_json_is_sorted_and_newline_terminated(full_sources: AssetSources) -> None:
    for job in plan_assets(full_sources, frozenset({"ios"})):
        if job.op == "text":
            assert job.text.endswith("}\n")
            assert job.text == json.dumps(json.loads(job.text), indent=2, sort_keys=True) + "\n"


def test_splash_logo_falls_back_to_foreground_then_icon(
    full_sources: AssetSources, minimal_sources: AssetSources
) -> None:
    assert full_sources.logo_role == "icon_foreground"
    assert minimal_sources.logo_role == "icon"
    with_logo = AssetSources(**{**full_sources.__dict__, "splash_logo": Path("/x/logo.png")})
    assert with_logo.logo_role == "splash_logo"


def test_plan_is_sorted_and_pure(full_sources: AssetSources) -> None:
    a = plan_assets(full_sources, ALL_PLATFORMS)
    assert a == plan_assets(full_sources, ALL_PLATFORMS)
    assert [j.path for j in a] == sorted(j.path for j in a)
    assert len({j.path for j in a}) == len(a)


def test_reference_ops_translate() -> None:
    jobs = plan_reference([
        {"path": "a.png", "source": "s.png", "width": 48, "height": 48, "op": "legacy"},
        {"path": "b.png", "source": "s.png", "width": 48, "height": 48, "op": "round"},
        {"path": "c.png", "source": "s.png", "width": 20, "height": 30, "op": "cover"},
        {"path": "d.png", "source": "s.png", "width": 64, "height": 64, "op": "flatten"},
    ])
    assert [j.op for j in jobs] == ["inset", "round", "cover", "flatten"]
    assert round(jobs[0].width * jobs[0].scale) == 32
    assert jobs[3].mode == "RGB" and jobs[3].background == "#FFFFFF"
    assert jobs[0].path == PurePosixPath("a.png")


def test_colour_helpers() -> None:
    assert normalise_hex("#abc") == "#AABBCC"
    assert round(contrast_rgb((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert contrast_rgb((18, 18, 18), (18, 18, 18)) == 1.0


def test_bad_brand_colour_is_a_user_error(full_sources: AssetSources) -> None:
    bad = AssetSources(**{**full_sources.__dict__, "dark_background": "darkish"})
    with pytest.raises(IxmError) as info:
        plan_assets(bad, frozenset({"android"}))
    assert info.value.diagnostics[0].field == "colors.dark.background"
