"""A vendor's own platform base, named in ``ixm.toml``, builds and passes the consumers.

The fixture base lives outside the package (a copy of the bundled base with the vendor's own
files and version, as a vendor keeps its real app), and ixm.toml adds a Gradle plugin, an
Info.plist key and entitlements through the base's extension points, without overriding a
generated file. The trees are then proven as the examples are: aapt2 compile + link and
``aapt dump badging`` for Android, plistlib for iOS, Chromium installability for the web.
A bad ixm.toml is exit 1 naming the file, with nothing written.
"""

from __future__ import annotations

import json
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, copy_tenant, require_file
from ruamel.yaml import YAML
from test_android import expected_from_brand, link_case
from test_web import CHROMIUM, _persistent, _wait_controlled, _wait_ready
from webserver import serve

from ixm_cli.platform_base import bundled_root

IXM = Path(sys.executable).with_name("ixm")
pytestmark = pytest.mark.consumer

TOML = """\
base = "vendor/base"
tenants = "tenants"
out = "dist"

[extensions.android]
gradle_plugins = [{ id = "com.google.gms.google-services", version = "4.4.2" }]

[extensions.ios.info_plist]
NSCameraUsageDescription = "Scan documents into approvals"
ITSAppUsesNonExemptEncryption = false

[extensions.ios.entitlements]
aps-environment = "production"
"com.apple.developer.associated-domains" = ["applinks:ding.yunzhu.example"]
"""

VENDOR_VERSION = "acme-platform 7.1.0"


def make_vendor_base(folder: Path) -> Path:
    shutil.copytree(bundled_root(), folder)
    (folder / "VERSION").write_text(VENDOR_VERSION + "\n")
    values = folder / "android/base/app/src/main/res/values"
    values.mkdir(parents=True, exist_ok=True)
    (values / "vendor.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n'
        '    <string name="vendor_support">Acme platform support</string>\n</resources>\n'
    )
    (folder / "ios/base/App/VendorSupport.swift").write_text(
        "// The vendor's own module, shipped in every tenant's app.\nenum VendorSupport {}\n"
    )
    return folder


def ixm(*args: str | Path, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(IXM), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vendor")
    make_vendor_base(root / "vendor" / "base")
    copy_tenant(EXAMPLES / "yunzhuding", root / "tenants")
    (root / "ixm.toml").write_text(TOML)
    (root / "ci").mkdir()
    # Run from a sub-folder: ixm.toml is found by walking up; its paths are its own folder's.
    result = ixm("build", "yunzhuding", cwd=root / "ci")
    assert result.returncode == 0, result.stderr
    return root


def test_the_vendor_base_is_used(workspace: Path) -> None:
    dist = workspace / "dist" / "yunzhuding"
    info = json.loads((dist / "build-info.json").read_text("utf-8"))
    assert info["base"] == {"version": VENDOR_VERSION}
    assert (dist / "ios/App/VendorSupport.swift").is_file()
    assert (dist / "android/app/src/main/res/values/vendor.xml").is_file()


def test_the_gradle_plugin_is_applied_and_pinned(workspace: Path) -> None:
    android = workspace / "dist/yunzhuding/android"
    root = (android / "build.gradle.kts").read_text("utf-8")
    app = (android / "app/build.gradle.kts").read_text("utf-8")
    assert '    id("com.google.gms.google-services") version "4.4.2" apply false\n' in root
    plugins = app.split("plugins {", 1)[1].split("}", 1)[0]
    assert plugins.splitlines()[1:] == [
        '    id("com.android.application")',
        '    id("org.jetbrains.kotlin.android")',
        '    id("com.google.gms.google-services")',
    ]


def test_android_tree_compiles_and_links(workspace: Path, tmp_path: Path) -> None:
    linked = link_case("vendor", workspace / "dist/yunzhuding/android",
                       expected_from_brand(EXAMPLES, "yunzhuding", None), tmp_path)
    assert "package: name='com.greentown.yunzhuding'" in linked.badging
    assert "string/vendor_support" in linked.dump
    assert next(iter(linked.dump["string/vendor_support"].values())) == (
        '"Acme platform support"')


def test_ios_info_plist_and_entitlements(workspace: Path) -> None:
    app = workspace / "dist/yunzhuding/ios/App"
    with (app / "Info.plist").open("rb") as fh:
        info = plistlib.load(fh)
    assert info["NSCameraUsageDescription"] == "Scan documents into approvals"
    assert info["ITSAppUsesNonExemptEncryption"] is False
    assert info["CFBundleIdentifier"] == "$(PRODUCT_BUNDLE_IDENTIFIER)"  # ixm's own kept
    with (app / "App.entitlements").open("rb") as fh:
        entitlements = plistlib.load(fh)
    assert entitlements == {
        "aps-environment": "production",
        "com.apple.developer.associated-domains": ["applinks:ding.yunzhu.example"],
    }
    project = YAML(typ="safe").load((app.parent / "project.yml").read_text("utf-8"))
    settings = project["targets"]["App"]["settings"]["base"]
    assert settings["CODE_SIGN_ENTITLEMENTS"] == "App/App.entitlements"


def test_web_is_installable(workspace: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    require_file(CHROMIUM)
    web = workspace / "dist/yunzhuding/web"
    with sync_playwright() as pw:
        context = _persistent(pw, tmp_path / "profile", "zh-CN")
        try:
            page = context.pages[0] if context.pages else context.new_page()
            with serve(web) as server:
                page.goto(server.url)
                _wait_ready(page)
                _wait_controlled(page)
                cdp = context.new_cdp_session(page)
                assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        finally:
            context.close()


def test_without_extensions_nothing_is_added(tmp_path: Path) -> None:
    copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")
    result = ixm("build", "yunzhuding", "--platform", "ios,android", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    app = tmp_path / "dist/yunzhuding/ios/App"
    assert not (app / "App.entitlements").exists()
    assert "CODE_SIGN_ENTITLEMENTS" not in (app.parent / "project.yml").read_text()
    assert "google-services" not in (
        tmp_path / "dist/yunzhuding/android/build.gradle.kts").read_text()


def test_a_base_can_be_an_installed_package(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_vendor_base(site / "acme_ixm_base")
    (site / "acme_ixm_base" / "__init__.py").write_text("")
    copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")
    (tmp_path / "ixm.toml").write_text('base = "acme_ixm_base"\nplatforms = ["web"]\n')
    result = ixm("build", "yunzhuding", cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert result.returncode == 0, result.stderr
    dist = tmp_path / "dist/yunzhuding"
    assert json.loads((dist / "build-info.json").read_text())["base"]["version"] == (
        VENDOR_VERSION)
    assert sorted(p.name for p in dist.iterdir() if p.is_dir()) == ["bundles", "web"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('colour = "red"\n', "ixm.toml: error[config]: unknown setting 'colour'"),
        ('base = "nowhere"\n', "base 'nowhere' is neither a folder"),
        ("[extensions.flutter]\nx = 1\n", "[extensions.flutter]: 'flutter' is not an installed"),
        ("[extensions.web]\nx = 1\n", "'web' has no extension points"),
        ('[extensions.ios]\ninfo_plist = { CFBundleIdentifier = "x" }\n',
         "CFBundleIdentifier is written by ixm from brand.yaml"),
        ('[extensions.android]\ngradle_plugins = [{ id = "not a plugin" }]\n',
         "[extensions.android] gradle_plugins.0.id: string should match pattern"),
        ('out = "dist"\nbase = = 1\n', "ixm.toml:2:8: error[config]: ixm.toml is not valid"),
    ],
    ids=["unknown-key", "no-base", "unknown-target", "no-extensions", "reserved-key",
         "bad-plugin", "bad-toml"],
)
def test_a_bad_workspace_file_is_exit_1_naming_it(tmp_path: Path, toml: str, message: str
                                                   ) -> None:
    copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")
    (tmp_path / "ixm.toml").write_text(toml)
    result = ixm("build", "yunzhuding", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()
