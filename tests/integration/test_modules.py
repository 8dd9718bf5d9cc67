"""Feature modules in the three apps, proven by their consumers.

* Kotlin and Swift: no compiler for either runs offline on Debian, so the generated
  ``TenantModules.kt`` / ``TenantPush.kt`` / ``TenantModules.swift`` and the base's shells that
  read them (``MainActivity.kt``, the SwiftUI files) are parsed with tree-sitter's Kotlin and
  Swift grammars (PyPI ``tree-sitter-kotlin`` / ``tree-sitter-swift``): no ERROR or MISSING
  node, the declarations the shells use are there (enum entries, properties, config types),
  every name the shells read from them is declared, and every string literal holds exactly
  the brand's text (no interpolation, even for ``${…}`` / ``\\(…)`` in a title or a setting).
* Web: Chromium loads the built PWA; the workspace shows a tile for each enabled module, in
  the catalog's order, with the catalog's title and icon, and none for a disabled one.
* tenant.json: ``modules`` lists the enabled modules only; ``features`` every module.

Examples: every tenant in tenants/ (xiwangding gives settings) and the vendor workspace in
examples/vendor-base (its own module, payroll). Expected values come from the validated brand.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_kotlin
import tree_sitter_swift
from helpers import EXAMPLES, REPO, example_slugs
from ixm_test_helpers import DELETE, build_file_tree, make_tenant
from playwright.sync_api import Browser
from webserver import serve

from ixm_cli import api, codegen
from ixm_cli.manifest.brand import Brand
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import check_tenant
from ixm_cli.platform_base import bundled_root

pytestmark = pytest.mark.consumer

KOTLIN = tree_sitter.Parser(tree_sitter.Language(tree_sitter_kotlin.language()))
SWIFT = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
VENDOR = REPO / "examples" / "vendor-base"
EXAMPLE_SLUGS = example_slugs()
MAIN_ACTIVITY = bundled_root() / "android/base/app/src/main/java/com/ixm/platform/MainActivity.kt"
SWIFT_SHELL = sorted((bundled_root() / "ios/base/App").glob("*.swift"))


def brand_of(tenants: Path, slug: str, base: Path | None = None) -> Brand:
    checked = check_tenant(Workspace.at(tenants, base), slug, None, images=False)
    assert checked.brand is not None, [d.render() for d in checked.diagnostics]
    return checked.brand


def all_brands() -> Iterator[tuple[str, Brand]]:
    for slug in EXAMPLE_SLUGS:
        yield slug, brand_of(EXAMPLES, slug)
    yield "xinchouding", brand_of(VENDOR / "tenants", "xinchouding", VENDOR / "base")


def nodes(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from nodes(child)


def parse_clean(parser: tree_sitter.Parser, source: bytes, name: str) -> tree_sitter.Node:
    root = parser.parse(source).root_node
    bad = [n for n in nodes(root) if n.is_error or n.is_missing]
    where = [(n.start_point, source[n.start_byte:n.end_byte][:60]) for n in bad]
    assert not root.has_error and not bad, f"{name}: {where}"
    return root


def text(node: tree_sitter.Node) -> str:
    assert node.text is not None
    return node.text.decode("utf-8")


def of_type(root: tree_sitter.Node, kind: str) -> list[tree_sitter.Node]:
    return [n for n in nodes(root) if n.type == kind]


def code_only(root: tree_sitter.Node, source: bytes) -> str:
    """``source`` with its comments blanked: names a comment mentions are not reads."""
    out = bytearray(source)
    for n in nodes(root):
        if "comment" in n.type:
            out[n.start_byte:n.end_byte] = b" " * (n.end_byte - n.start_byte)
    return out.decode("utf-8")


# -- Kotlin ------------------------------------------------------------------------------------


def kotlin_declared(root: tree_sitter.Node) -> dict[str, list[str]]:
    """{class or object name: the names it declares (enum entries, properties, functions,
    nested classes)}."""
    out: dict[str, list[str]] = {}
    for decl in nodes(root):
        if decl.type not in ("class_declaration", "object_declaration"):
            continue
        name = next(text(c) for c in decl.children if c.type == "identifier")
        body = next((c for c in decl.children if c.type in ("class_body", "enum_class_body")),
                    None)
        names: list[str] = []
        for member in body.children if body is not None else []:
            if member.type in ("enum_entry", "function_declaration", "class_declaration"):
                names.append(next(text(c) for c in member.children if c.type == "identifier"))
            elif member.type == "property_declaration":
                var = next(c for c in member.children if c.type == "variable_declaration")
                names.append(next(text(c) for c in var.children if c.type == "identifier"))
        out[name] = names
    return out


def kotlin_strings(root: tree_sitter.Node) -> list[str]:
    """The value of every string literal, decoded; a template (``$x``, ``${…}``) fails."""
    found = []
    for lit in of_type(root, "string_literal"):
        value: list[str] = []
        run = ""  # tree-sitter-kotlin 1.1 reads \uXXXX as content: decode it per run
        for part in lit.children:
            if part.type == "string_content":
                run += text(part)
                continue
            assert not re.search(r"\$[A-Za-z_{`]", run), run
            value.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g[1], 16)), run))
            run = ""
            if part.type == "escape_sequence":
                esc = text(part)
                value.append(chr(int(esc[2:], 16)) if esc.startswith("\\u") else
                             {"n": "\n", "r": "\r", "t": "\t", "b": "\b"}.get(esc[1], esc[1]))
            else:
                assert part.type == '"', f"{part.type} in {text(lit)}"
        found.append("".join(value))
    return found


@pytest.mark.parametrize("slug", [*EXAMPLE_SLUGS, "xinchouding"])
def test_generated_kotlin_parses_and_declares_every_module(slug: str) -> None:
    brand = dict(all_brands())[slug]
    root = parse_clean(KOTLIN, codegen.kotlin_modules(brand).encode(), "TenantModules.kt")
    declared = kotlin_declared(root)
    assert declared["AppModule"][: len(brand.modules)] == [m.name.upper() for m in brand.modules]
    assert "title" in declared["AppModule"]
    tenant = declared["TenantModules"]
    for name in ("DEFAULT_LOCALE", "locales", "enabled", "isEnabled"):
        assert name in tenant
    for m in brand.modules:
        if m.settings:
            cls = "".join(p.title() for p in m.name.split("_")) + "Config"
            assert cls in tenant and codegen.kotlin_name(m.name + "_config") in tenant
    enabled = next(p for p in of_type(root, "property_declaration") if "val enabled" in text(p))
    assert re.findall(r"AppModule\.(\w+)", text(enabled)) == [
        m.name.upper() for m in brand.enabled_modules()]
    strings = kotlin_strings(root)
    for m in brand.modules:
        assert m.route in strings and all(m.title[loc.tag] in strings for loc in brand.locales)
    push = parse_clean(KOTLIN, codegen.kotlin_push(brand).encode(), "TenantPush.kt")
    assert kotlin_declared(push) == {"TenantPush": ["defaultChannel"]}
    assert ("R.string.notification_channel_default" in text(push)) is brand.services.push


def test_main_activity_parses_and_reads_only_declared_names() -> None:
    source = MAIN_ACTIVITY.read_bytes()
    root = parse_clean(KOTLIN, source, MAIN_ACTIVITY.name)
    brand = brand_of(EXAMPLES, "ouruanding")
    declared = {
        **kotlin_declared(parse_clean(KOTLIN, codegen.kotlin_modules(brand).encode(), "m")),
        **kotlin_declared(parse_clean(KOTLIN, codegen.kotlin_push(brand).encode(), "p")),
    }
    used = re.findall(r"\b(TenantModules|TenantPush|AppModule)\.(\w+)", code_only(root, source))
    assert {"enabled", "locales", "DEFAULT_LOCALE", "defaultChannel"} <= {n for _, n in used}
    for owner, name in used:
        assert name in declared[owner], f"MainActivity reads {owner}.{name}"
    calls = {text(n) for n in of_type(root, "call_expression")}
    assert any(c.startswith("createNotificationChannel()") for c in calls)
    body = source.decode()
    # the channel is created on API 26+ only, with the id FCM's meta-data names
    assert "Build.VERSION.SDK_INT < Build.VERSION_CODES.O" in body
    assert "NotificationChannel(id, getString(name)" in body


# -- Swift -------------------------------------------------------------------------------------


def swift_declared(root: tree_sitter.Node) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for decl in nodes(root):
        if decl.type != "class_declaration":
            continue
        name = next(text(c) for c in decl.children if c.type == "type_identifier")
        body = next((c for c in decl.children if c.type in ("class_body", "enum_class_body")),
                    None)
        names: list[str] = []
        for member in body.children if body is not None else []:
            if member.type == "enum_entry":
                names += [text(c) for c in member.children if c.type == "simple_identifier"]
            elif member.type == "property_declaration":
                pattern = next(c for c in member.children if c.type == "pattern")
                names.append(text(pattern))
            elif member.type == "function_declaration":
                names.append(next(text(c) for c in member.children
                                  if c.type == "simple_identifier"))
            elif member.type == "class_declaration":
                names.append(next(text(c) for c in member.children
                                  if c.type == "type_identifier"))
        out[name] = names
    return out


def swift_strings(root: tree_sitter.Node) -> list[str]:
    found = []
    for lit in of_type(root, "line_string_literal"):
        value = []
        for part in lit.children:
            if part.type == "line_str_text":
                value.append(text(part))
            elif part.type == "str_escaped_char":
                esc = text(part)
                value.append(chr(int(esc[3:-1], 16)) if esc.startswith("\\u{") else
                             {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}.get(esc[1], esc[1]))
            else:
                assert part.type == '"', f"{part.type} in {text(lit)}"  # no \( … )
        found.append("".join(value))
    return found


@pytest.mark.parametrize("slug", [*EXAMPLE_SLUGS, "xinchouding"])
def test_generated_swift_parses_and_declares_every_module(slug: str) -> None:
    brand = dict(all_brands())[slug]
    root = parse_clean(SWIFT, codegen.swift_modules(brand).encode(), "TenantModules.swift")
    declared = swift_declared(root)
    assert [n for n in declared["AppModule"] if n not in ("id", "route", "titles", "title")] \
        == [codegen.swift_name(m.name) for m in brand.modules]
    tenant = declared["TenantModules"]
    for name in ("defaultLocale", "locales", "enabled", "isEnabled"):
        assert name in tenant
    for m in brand.modules:
        if m.settings:
            cls = "".join(p.title() for p in m.name.split("_")) + "Config"
            assert cls in tenant and codegen.swift_name(m.name + "_config") in tenant
            struct = swift_declared(root)[cls]
            assert struct == [codegen.swift_name(s.name) for s in m.settings]
    enabled = next(p for p in of_type(root, "property_declaration")
                   if text(p).startswith("static let enabled"))
    assert re.findall(r"\.(\w+)", text(enabled).split("=", 1)[1]) == [
        codegen.swift_name(m.name) for m in brand.enabled_modules()]
    strings = swift_strings(root)
    for m in brand.modules:
        assert m.route in strings and all(m.title[loc.tag] in strings for loc in brand.locales)


@pytest.mark.parametrize("path", SWIFT_SHELL, ids=lambda p: p.name)
def test_swiftui_shell_parses_and_reads_only_declared_names(path: Path) -> None:
    source = path.read_bytes()
    root = parse_clean(SWIFT, source, path.name)
    brand = brand_of(EXAMPLES, "yunzhuding")
    declared = swift_declared(parse_clean(SWIFT, codegen.swift_modules(brand).encode(), "m"))
    for owner, name in re.findall(r"\b(TenantModules|AppModule)\.(\w+)", code_only(root, source)):
        assert name in declared[owner], f"{path.name} reads {owner}.{name}"
    if path.name == "WorkspaceView.swift":
        assert "ForEach(TenantModules.enabled)" in source.decode()


HOSTILE = '${System.exit(1)} \\(exit(1)) "q" \\ $x */ /* \n\t\u2028 {{ 7*7 }}'


def test_brand_text_in_the_generated_code_is_data(tmp_path: Path) -> None:
    """A catalog title and a tenant's setting holding every Kotlin/Swift hazard reach the
    literals exactly, with no interpolation (and the files still parse)."""
    base = tmp_path / "base"
    catalog = {
        "format": "ixm-modules/v1",
        "modules": {
            "in": {  # a keyword in both languages, once camel-cased
                "title": {"en": HOSTILE},
                "icon": ["M4 4h16v16H4z"],
                "route": "/in",
                "config": {"type": "object", "properties": {
                    "default": {"type": "string"}, "ratio": {"type": "number"},
                    "object": {"type": "boolean"},
                    "extra": {"type": "object"}}},
            },
        },
    }
    build_file_tree({"modules.yaml": json.dumps(catalog)}, base)
    make_tenant(tmp_path / "tenants", "acme", {
        "features": DELETE,
        "modules": {"in": {"default": HOSTILE, "ratio": 0.5, "object": True,
                           "extra": {"k": HOSTILE}}}})
    brand = brand_of(tmp_path / "tenants", "acme", base)
    kt = parse_clean(KOTLIN, codegen.kotlin_modules(brand).encode(), "k")
    sw = parse_clean(SWIFT, codegen.swift_modules(brand).encode(), "s")
    for strings in (kotlin_strings(kt), swift_strings(sw)):
        # the title in each locale (English is the catalog's fallback), and the setting
        assert strings.count(HOSTILE) == len(brand.locales) + 1
        assert json.dumps({"k": HOSTILE}, sort_keys=True, ensure_ascii=False) in strings
    # keywords as names: back-quoted where the language reserves them
    assert "val `object`: Boolean?" in text(kt) and "`object` = true" in text(kt)
    assert "case `in` = " in text(sw) and "let `default`: String?" in text(sw)


# -- tenant.json and the web app ---------------------------------------------------------------


def test_tenant_json_lists_enabled_modules_with_settings(
    build_example: Callable[..., Path]
) -> None:
    out = build_example("xiwangding")
    config = json.loads((out / "web" / "tenant.json").read_text("utf-8"))
    brand = brand_of(EXAMPLES, "xiwangding")
    assert config["features"] == dict(brand.features)
    assert [m["name"] for m in config["modules"]] == brand.enabled_features()
    attendance = next(m for m in config["modules"] if m["name"] == "attendance")
    assert attendance["config"] == {"geofence_m": 500, "methods": ["gps", "face"]}
    assert attendance["title"] == {"zh-Hans": "考勤", "en": "Attendance"}
    from jsonschema import Draft202012Validator

    assert not list(Draft202012Validator(api.schema(tenant_json=True)).iter_errors(config))
    for rel in (codegen.KOTLIN_MODULES, codegen.KOTLIN_PUSH, codegen.SWIFT_MODULES):
        assert (out / rel).is_file(), rel


@pytest.mark.slow
def test_the_web_workspace_shows_only_enabled_modules(
    browser: Browser, tmp_path: Path
) -> None:
    """The vendor tenant in Chromium: one tile per enabled module (payroll included), in the
    catalog's order, titled for the tenant locale; a disabled module has no tile."""
    ws = tmp_path / "ws"
    shutil.copytree(VENDOR, ws, ignore=shutil.ignore_patterns("dist"))
    brand = brand_of(ws / "tenants", "xinchouding", ws / "base")
    report = api.build(tenants_dir=ws / "tenants", out=ws / "dist", platforms="web",
                       base=ws / "base")
    assert report.ok, report.failures
    web = ws / "dist" / "xinchouding" / "web"
    with serve(web) as server:
        page = browser.new_page(locale="zh-CN")
        page.goto(server.url)
        page.wait_for_function("document.documentElement.dataset.ixmReady === 'true'")
        tiles = page.eval_on_selector_all(
            "#ixm-modules .ixm-tile",
            "els => els.map(e => [e.dataset.module, e.textContent,"
            " e.querySelectorAll('svg path').length])")
        page.close()
    enabled = brand.enabled_modules()
    assert [t[0] for t in tiles] == [m.name for m in enabled]
    assert "payroll" in [t[0] for t in tiles] and "docs" not in [t[0] for t in tiles]
    assert [t[1] for t in tiles] == [m.title["zh-Hans"] for m in enabled]
    assert [t[2] for t in tiles] == [len(m.icon) for m in enabled]


def test_the_push_channel_mainactivity_creates_is_the_one_fcm_names(
    build_example: Callable[..., Path]
) -> None:
    """TenantPush.kt's channel id is the string FCM's default_notification_channel_id
    meta-data names, and its name resource is in the linked strings (test_services links
    the tree with aapt2); without push there is no channel."""
    import xml.etree.ElementTree as ET

    out = build_example("ouruanding", platforms="android")
    kotlin = (out / codegen.KOTLIN_PUSH).read_text("utf-8")
    root = parse_clean(KOTLIN, kotlin.encode(), "TenantPush.kt")
    (channel_id,) = [s for s in kotlin_strings(root)]
    strings = ET.parse(out / "android/app/src/main/res/values/strings.xml").getroot()
    by_name = {e.get("name"): e.text for e in strings.iter("string")}
    assert by_name["notification_channel_default_id"] == channel_id
    assert by_name["notification_channel_default"]
    manifest = (out / "android/app/src/main/AndroidManifest.xml").read_text("utf-8")
    assert "@string/notification_channel_default_id" in manifest
    quiet = build_example("xiwangding", platforms="android")
    assert "defaultChannel: Pair<String, Int>? = null" in (
        quiet / codegen.KOTLIN_PUSH).read_text("utf-8")
