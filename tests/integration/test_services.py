"""Deep links, Firebase and push, proven by their consumers.

* Android: the manifest with the App Links intent filters, the scheme filter and the
  notification meta-data is linked by ``aapt2 link`` with the notification icon and channel
  strings (test_android's helpers), and ``aapt2 dump xmltree`` reads the filters back from
  the linked APK.
* iOS: App.entitlements, Info.plist and GoogleService-Info.plist through ``plistlib``.
* Web: ``.well-known/assetlinks.json`` and ``apple-app-site-association`` served by the local
  server (application/json, no redirect), fetched by Chromium and parsed; their shape is
  checked against Google's Digital Asset Links and Apple's applinks formats.

huaxinding (links) and ouruanding (Firebase and push, with its own files under staging) are
the example tenants; expected values come from the validated manifest, never from the
outputs.
"""

from __future__ import annotations

import json
import plistlib
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, require_tool
from PIL import Image
from playwright.sync_api import Browser
from test_android import A, Linked, dump_string, expected_from_brand, link_case
from webserver import serve

from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import check_tenant
from ixm_cli.targets import ios

pytestmark = pytest.mark.consumer

LINKS, PUSH = "huaxinding", "ouruanding"
NOTIFY_PX = {"ldpi": 18, "mdpi": 24, "hdpi": 36, "xhdpi": 48, "xxhdpi": 72, "xxxhdpi": 96}
FINGERPRINT = re.compile(r"[0-9A-F]{2}(:[0-9A-F]{2}){31}")
VIEW = "android.intent.action.VIEW"
CATEGORIES = {"android.intent.category.DEFAULT", "android.intent.category.BROWSABLE"}


def brand_of(slug: str, env: str | None = None) -> Brand:
    checked = check_tenant(Workspace.at(EXAMPLES), slug, env)
    assert checked.brand is not None, checked.diagnostics
    return checked.brand


@pytest.fixture(scope="module")
def linked(build_example: Callable[..., Path],
           tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Linked]:
    done: dict[str, Linked] = {}

    def get(slug: str) -> Linked:
        if slug not in done:
            dist = build_example(slug)
            scratch = tmp_path_factory.mktemp(f"aapt-services-{slug}")
            done[slug] = link_case(slug, dist / "android", expected_from_brand(EXAMPLES, slug,
                                                                                None), scratch)
        return done[slug]

    return get


# --- Android ----------------------------------------------------------------------------------


def _filters(manifest: Path) -> list[ET.Element]:
    activity = ET.parse(manifest).getroot().find("application/activity")
    assert activity is not None
    return [f for f in activity.findall("intent-filter")
            if any(a.get(f"{A}name") == VIEW for a in f.findall("action"))]


def test_app_links_and_scheme_filters_link_with_aapt2(linked: Callable[[str], Linked]) -> None:
    case = linked(LINKS)
    brand = brand_of(LINKS)
    filters = _filters(case.android / "app/src/main/AndroidManifest.xml")
    verified = [f for f in filters if f.get(f"{A}autoVerify") == "true"]
    hosts = []
    for f in verified:
        data = [d.attrib for d in f.findall("data")]
        assert {f"{A}scheme": "https"} in data
        hosts += [d[f"{A}host"] for d in data if f"{A}host" in d]
        assert {c.get(f"{A}name") for c in f.findall("category")} == CATEGORIES
    assert hosts == list(brand.links.domains)
    (custom,) = [f for f in filters if f.get(f"{A}autoVerify") is None]
    assert [d.attrib for d in custom.findall("data")] == [{f"{A}scheme": brand.links.scheme}]
    assert {c.get(f"{A}name") for c in custom.findall("category")} == CATEGORIES
    # What aapt2 linked into the APK's binary manifest, read back from the APK.
    tree = subprocess.run([require_tool("aapt2"), "dump", "xmltree", "--file",
                           "AndroidManifest.xml", case.apk], capture_output=True, text=True,
                          check=True).stdout
    assert tree.count("autoVerify") == len(brand.links.domains)
    for host in brand.links.domains:
        assert f'host(0x01010028)="{host}"' in tree
    assert f'scheme(0x01010027)="{brand.links.scheme}"' in tree


def test_notification_icon_and_channel_link_with_aapt2(linked: Callable[[str], Linked]) -> None:
    case = linked(PUSH)
    brand = brand_of(PUSH)
    assert brand.services.push and brand.services.push_channel is not None
    res = case.android / "app/src/main/res"
    for density, px in NOTIFY_PX.items():
        with Image.open(res / f"drawable-{density}/ic_stat_notify.png") as img:
            assert img.size == (px, px) and img.mode == "RGBA"
            raw = img.tobytes()
        pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
        # A white silhouette: every visible pixel is white, and something is visible.
        assert any(a for *_, a in pixels)
        assert all((r, g, b) == (255, 255, 255) for r, g, b, a in pixels if a)
    icon = case.dump["drawable/ic_stat_notify"]
    assert {c for c in icon} >= {"ldpi", "mdpi", "hdpi", "xhdpi", "xxhdpi", "xxxhdpi"}
    channel = case.dump["string/notification_channel_default"]
    for loc in brand.locales:
        q = "" if loc == brand.default_locale else loc.android[0]
        assert dump_string(channel[q]) == brand.services.push_channel[loc.tag], (q, channel)
    assert dump_string(case.dump["string/notification_channel_default_id"][""]) == "default"
    manifest = ET.parse(case.android / "app/src/main/AndroidManifest.xml").getroot()
    meta = {m.get(f"{A}name"): m.attrib for m in manifest.iter("meta-data")}
    icon_meta = meta["com.google.firebase.messaging.default_notification_icon"]
    assert icon_meta[f"{A}resource"] == "@drawable/ic_stat_notify"
    perms = [p.get(f"{A}name") for p in manifest.findall("uses-permission")]
    assert "android.permission.POST_NOTIFICATIONS" in perms


def test_tenant_without_push_or_links_gets_neither(linked: Callable[[str], Linked]) -> None:
    case = linked("xiwangding")
    assert "drawable/ic_stat_notify" not in case.dump
    assert "string/notification_channel_default" not in case.dump
    assert _filters(case.android / "app/src/main/AndroidManifest.xml") == []
    gradle = (case.android / "app/build.gradle.kts").read_text("utf-8")
    assert "google-services" not in gradle
    assert not (case.android / "app/google-services.json").exists()


def test_google_services_is_placed_and_its_plugin_applied(
        build_example: Callable[..., Path]) -> None:
    for env in (None, "staging"):
        brand = brand_of(PUSH, env)
        dist = build_example(PUSH, env)
        source = brand.services.firebase_android
        assert source is not None
        placed = dist / "android/app/google-services.json"
        assert placed.read_bytes() == source.read_bytes()
        doc = json.loads(placed.read_text("utf-8"))
        packages = [c["client_info"]["android_client_info"]["package_name"]
                    for c in doc["client"]]
        assert brand.android_id in packages, env
        app = (dist / "android/app/build.gradle.kts").read_text("utf-8")
        root = (dist / "android/build.gradle.kts").read_text("utf-8")
        assert 'id("com.google.gms.google-services")\n' in app
        assert re.search(r'id\("com\.google\.gms\.google-services"\) version "[0-9.]+" apply '
                         r"false", root)


# --- iOS --------------------------------------------------------------------------------------


def test_entitlements_and_url_types_through_plistlib(build_example: Callable[..., Path]) -> None:
    brand = brand_of(LINKS)
    app = build_example(LINKS) / "ios/App"
    entitlements = plistlib.loads((app / "App.entitlements").read_bytes())
    assert entitlements == {"com.apple.developer.associated-domains":
                            [f"applinks:{d}" for d in brand.links.domains]}
    info = plistlib.loads((app / "Info.plist").read_bytes())
    assert info["CFBundleURLTypes"] == [{"CFBundleTypeRole": "Viewer",
                                         "CFBundleURLName": brand.ios_id,
                                         "CFBundleURLSchemes": [brand.links.scheme]}]
    project = (app.parent / "project.yml").read_text("utf-8")
    assert "CODE_SIGN_ENTITLEMENTS: App/App.entitlements" in project


@pytest.mark.parametrize(("env", "aps"), [(None, "production"), ("staging", "development")])
def test_push_entitlement_follows_the_environment(
        build_example: Callable[..., Path], env: str | None, aps: str) -> None:
    brand = brand_of(PUSH, env)
    app = build_example(PUSH, env) / "ios/App"
    assert plistlib.loads((app / "App.entitlements").read_bytes()) == {"aps-environment": aps}
    source = brand.services.firebase_ios
    assert source is not None
    placed = app / "GoogleService-Info.plist"
    assert placed.read_bytes() == source.read_bytes()
    assert plistlib.loads(placed.read_bytes())["BUNDLE_ID"] == brand.ios_id


def test_tenant_and_base_entitlements_are_one_plist() -> None:
    """A vendor base's entitlements (ixm.toml) and the tenant's meet in one file: lists are
    joined, the tenant's environment decides aps-environment."""
    view: dict[str, Any] = {
        "extensions": {"ios": {
            "entitlements": {"com.apple.developer.associated-domains":
                             ["applinks:login.vendor.example"],
                             "aps-environment": "development",
                             "com.apple.security.application-groups": ["group.vendor"]},
            "info_plist": {"CFBundleURLTypes": [{"CFBundleURLSchemes": ["com.googleusercontent"
                                                                        ".apps.1"]}]}}},
        "ios": ios.view(brand_of(LINKS)) | {"entitlements": {
            "com.apple.developer.associated-domains": ["applinks:ding.huaxin.example"],
            "aps-environment": "production"}},
    }
    merged = plistlib.loads(ios.app_entitlements(view).encode("utf-8"))
    assert merged == {
        "aps-environment": "production",
        "com.apple.developer.associated-domains": ["applinks:login.vendor.example",
                                                   "applinks:ding.huaxin.example"],
        "com.apple.security.application-groups": ["group.vendor"],
    }
    body = ios.info_plist_extras(view)
    info = plistlib.loads(f'<plist version="1.0"><dict>{body}</dict></plist>'.encode())
    schemes = [t["CFBundleURLSchemes"] for t in info["CFBundleURLTypes"]]
    assert schemes == [["com.googleusercontent.apps.1"], ["huaxinding"]]


# --- bundles ----------------------------------------------------------------------------------


def test_firebase_files_stay_in_their_own_trees_and_bundles(
        build_example: Callable[..., Path]) -> None:
    dist = build_example(PUSH)
    assert not list((dist / "web").rglob("google-services.json"))
    assert not list((dist / "web").rglob("GoogleService-Info.plist"))
    holds: dict[str, set[str]] = {}
    for zip_path in sorted((dist / "bundles").glob("*.zip")):
        with zipfile.ZipFile(zip_path) as zf:
            names = {Path(n).name for n in zf.namelist()}
        platform = zip_path.name.split("-")[1]
        holds[platform] = names & {"google-services.json", "GoogleService-Info.plist"}
    assert holds == {"android": {"google-services.json"}, "ios": {"GoogleService-Info.plist"},
                     "web": set()}
    info = json.loads((dist / "build-info.json").read_text("utf-8"))
    brand = brand_of(PUSH)
    for source in brand.services.files():
        rel = f"{PUSH}/{source.relative_to(EXAMPLES / PUSH).as_posix()}"
        assert re.fullmatch(r"[0-9a-f]{64}", info["inputs"][rel])
    assert "EXAMPLE-not-a-real-key" not in (dist / "build-info.json").read_text("utf-8")


# --- web: the .well-known files, through Chromium ---------------------------------------------


def _fetch(browser: Browser, url: str) -> tuple[str, Any]:
    page = browser.new_page()
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert response.request.redirected_from is None  # the phones follow no redirect
        return response.headers["content-type"], json.loads(response.text())
    finally:
        page.close()


def test_well_known_files_served_fetched_and_in_the_documented_format(
        build_example: Callable[..., Path], browser: Browser) -> None:
    brand = brand_of(LINKS)
    web = build_example(LINKS) / "web"
    with serve(web) as server:
        links_type, statements = _fetch(browser, server.url + ".well-known/assetlinks.json")
        aasa_type, aasa = _fetch(browser, server.url + ".well-known/apple-app-site-association")
    assert links_type == aasa_type == "application/json"
    # developers.google.com/digital-asset-links/v1/create-statement
    assert isinstance(statements, list) and len(statements) == 1
    (statement,) = statements
    assert set(statement) == {"relation", "target"}
    assert statement["relation"] == ["delegate_permission/common.handle_all_urls"]
    target = statement["target"]
    assert set(target) == {"namespace", "package_name", "sha256_cert_fingerprints"}
    assert target["namespace"] == "android_app"
    assert target["package_name"] == brand.android_id
    assert target["sha256_cert_fingerprints"] == list(brand.signing.android_cert_sha256)
    assert all(FINGERPRINT.fullmatch(p) for p in target["sha256_cert_fingerprints"])
    # developer.apple.com/documentation/bundleresources/applinks
    assert set(aasa) == {"applinks"} and set(aasa["applinks"]) == {"details"}
    (detail,) = aasa["applinks"]["details"]
    assert detail == {"appIDs": [f"{brand.signing.ios_team_id}.{brand.ios_id}"],
                      "components": [{"/": "*"}]}


def test_well_known_files_follow_the_environment(tmp_path: Path) -> None:
    """An environment with its own ids gets an association file naming them."""
    from helpers import build_tenant_dir

    def staging(data: dict[str, Any]) -> None:
        data["environments"] = {"staging": {"ids": {"android": "com.huaxin.huaxinding.beta",
                                                    "ios": "com.huaxin.huaxinding.beta"}}}

    dist = build_tenant_dir(EXAMPLES / LINKS, tmp_path, staging, platforms="web", env="staging")
    aasa = json.loads((dist / "web/.well-known/apple-app-site-association").read_text("utf-8"))
    team = brand_of(LINKS).signing.ios_team_id
    assert aasa["applinks"]["details"][0]["appIDs"] == [f"{team}.com.huaxin.huaxinding.beta"]
    links = json.loads((dist / "web/.well-known/assetlinks.json").read_text("utf-8"))
    assert links[0]["target"]["package_name"] == "com.huaxin.huaxinding.beta"
