"""The Android tree, proven by its real consumer: aapt2 compiles and links it, aapt reads it.

For every example tenant, the nasty names tenant (helpers.NASTY) and yunzhuding's staging
environment, the generated ``android/app/src/main/res`` tree is compiled with ``aapt2
compile`` and linked with ``aapt2 link`` against the platform's ``framework-res.apk``, and
``aapt dump badging`` / ``aapt2 dump resources`` read the result back.

Two things differ from a Gradle build, on purpose and only in the test's scratch folder:

* **The manifest's package.** The generated AndroidManifest.xml has no ``package``: AGP
  takes the code package from ``namespace`` and writes ``package=<applicationId>``,
  ``versionCode`` and ``versionName`` from app/build.gradle.kts into the merged manifest.
  aapt2 alone needs them in the manifest, so the test does what AGP does: it parses
  app/build.gradle.kts (after asserting it matches the brand) and injects those values into a
  scratch copy, expanding ``.MainActivity`` against the namespace as the manifest merger does.
* **values-v31.** Debian's framework-res.apk is API 29, which has no
  ``android:windowSplashScreen*`` attributes (API 31). Every file, values-v31 included, is
  compiled; everything except values-v31 is linked; the v31 attribute names are checked
  against PLATFORM_SPEC §2.4 by parsing the XML, and a link WITH values-v31 must fail only on
  those attributes (never renamed or stubbed to make a link pass).

aapt 2.19's badging prints labels between single quotes through ``normalizeForOutput``, which
escapes only ``\\``, ``"`` and newline (a ``'`` inside stays raw, so a line is read to its last
quote); astral characters (emoji) come out as plain UTF-8. ``aapt2 dump resources`` prints
values raw. Both are decoded by :func:`badging_unescape` / :func:`parse_dump` below.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest
from helpers import (
    EXAMPLES,
    NASTY,
    NASTY_ANDROID_ID,
    NASTY_LOCALES,
    NASTY_SIGNING,
    build_tenant_dir,
    example_slugs,
    require_file,
    require_tool,
)
from PIL import Image

from ixm_cli.locales import lookup
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import check_tenant

pytestmark = pytest.mark.consumer

FRAMEWORK_RES = Path("/usr/share/android-framework-res/framework-res.apk")
ANDROID_NS = "http://schemas.android.com/apk/res/android"
A = f"{{{ANDROID_NS}}}"
NAMESPACE = "com.ixm.platform"
V31 = "values-v31"
# PLATFORM_SPEC §2.4: the platform theme's SplashScreen attributes (android: prefix).
SPLASH_ATTRS = frozenset(
    "android:" + a
    for a in (
        "windowSplashScreenBackground",
        "windowSplashScreenAnimatedIcon",
        "windowSplashScreenAnimationDuration",
        "windowSplashScreenIconBackgroundColor",
        "windowSplashScreenBrandingImage",
    )
)
SPLASH_REQUIRED = {
    "android:windowSplashScreenBackground": "@color/splash_background",
    "android:windowSplashScreenAnimatedIcon": "@drawable/splash_icon",
}
# PLATFORM_SPEC §0: legacy launcher icon px per density (48 dp).
LAUNCHER_PX = {"ldpi": 36, "mdpi": 48, "hdpi": 72, "xhdpi": 96, "xxhdpi": 144, "xxxhdpi": 192}
BADGING_DENSITIES = ("120", "160", "240", "320", "480", "640", "65534")
STRINGS = ("app_name", "app_full_name", "app_description")


# --- what a case is -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What the APK must say, from the brand (library-resolved) or from helpers.NASTY."""

    android_id: str
    version: str
    build: int
    locales: list[str]  # default first
    texts: dict[str, dict[str, str]]  # string name -> locale tag -> text
    signing_envs: list[str] = field(default_factory=list)  # env variable names
    key_alias: str | None = None


@dataclass
class Linked:
    """One case, compiled and linked once per module."""

    name: str
    android: Path
    expected: Expected
    gradle: Gradle
    compiled: list[str]
    badging: str
    badging_lines: list[str]
    dump: dict[str, dict[str, str]]  # resource -> config -> value
    apk: Path
    v31_link_errors: list[str] | None


def expected_from_brand(tenants: Path, slug: str, env: str | None) -> Expected:
    checked = check_tenant(Workspace.at(tenants), slug, env)
    brand = checked.brand
    assert brand is not None, checked.diagnostics
    tags = [loc.tag for loc in brand.locales]
    app = brand.app
    texts = {
        "app_name": {t: app.short_name[t] for t in tags},
        "app_full_name": {t: app.name[t] for t in tags},
        "app_description": {
            t: (app.description[t] if app.description else app.name[t]) for t in tags
        },
    }
    sign = brand.signing
    refs = (sign.android_keystore, sign.android_password, sign.android_key_password)
    envs = [ref.removeprefix("env:") for ref in refs if ref]
    return Expected(
        brand.android_id, app.version, app.build, tags, texts, envs, sign.android_key_alias
    )


def expected_nasty() -> Expected:
    texts = {
        "app_name": dict(NASTY["short_name"]),
        "app_full_name": dict(NASTY["name"]),
        "app_description": dict(NASTY["description"]),
    }
    yz = expected_from_brand(EXAMPLES, "yunzhuding", None)  # version and build are its own
    envs = [v.removeprefix("env:") for k, v in NASTY_SIGNING.items() if k != "key_alias"]
    return Expected(
        NASTY_ANDROID_ID,
        yz.version,
        yz.build,
        list(NASTY_LOCALES),
        texts,
        envs,
        NASTY_SIGNING["key_alias"],
    )


# --- tools ----------------------------------------------------------------------------------


def run(args: Sequence[str | Path], *, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, encoding="utf-8", check=False
    )
    if ok:
        assert proc.returncode == 0, (
            f"{' '.join(map(str, args))} exited {proc.returncode}\n{proc.stderr}{proc.stdout}"
        )
    return proc


def kotlin_unescape(body: str) -> str:
    """The value of a Kotlin "…" literal body (the escapes gradle_kts_string produces)."""
    named = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", '"': '"', "\\": "\\", "$": "$", "'": "'"}

    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        return chr(int(esc[1:], 16)) if esc.startswith("u") else named[esc]

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", one, body)


KT_STRING = r'"((?:[^"\\$]|\\.)*)"'


@dataclass(frozen=True)
class Gradle:
    """The values ixm writes into app/build.gradle.kts, read back."""

    text: str
    namespace: str
    application_id: str
    version_name: str
    version_code: int
    min_sdk: int
    resource_configurations: list[str]
    getenv: list[str]
    key_alias: list[str]


def parse_gradle(path: Path) -> Gradle:
    """Read app/build.gradle.kts with regexes (each key assigned exactly once)."""
    text = path.read_text("utf-8")

    def string(key: str) -> str:
        found = re.findall(rf"^\s*{key}\s*=\s*{KT_STRING}\s*$", text, re.M)
        assert len(found) == 1, f"{key} must be assigned once as a string literal in {path}"
        return kotlin_unescape(found[0])

    def integer(key: str) -> int:
        found = re.findall(rf"^\s*{key}\s*=\s*(\d+)\s*$", text, re.M)
        assert len(found) == 1, f"{key} must be assigned once as an integer in {path}"
        return int(found[0])

    def strings(pattern: str, within: str = text) -> list[str]:
        return [kotlin_unescape(s) for s in re.findall(pattern, within)]

    configs = re.search(r"resourceConfigurations\s*\+=\s*listOf\(([^)]*)\)", text)
    assert configs, "resourceConfigurations must list the tenant's locales"
    return Gradle(
        text=text,
        namespace=string("namespace"),
        application_id=string("applicationId"),
        version_name=string("versionName"),
        version_code=integer("versionCode"),
        min_sdk=integer("minSdk"),
        resource_configurations=strings(KT_STRING, configs.group(1)),
        getenv=strings(rf"System\.getenv\({KT_STRING}\)"),
        key_alias=strings(rf"keyAlias\s*=\s*{KT_STRING}"),
    )


def scratch_manifest(src: Path, dest: Path, gradle: Gradle) -> Path:
    """What AGP's manifest merger does, for aapt2 alone: package and versions injected."""
    ET.register_namespace("android", ANDROID_NS)
    tree = ET.parse(src)
    root = tree.getroot()
    assert "package" not in root.attrib, "the namespace, not a package attribute, names the code"
    root.set("package", gradle.application_id)
    root.set(f"{A}versionCode", str(gradle.version_code))
    root.set(f"{A}versionName", gradle.version_name)
    for node in root.iter():
        name = node.get(f"{A}name")
        if node.tag in ("activity", "service", "receiver", "provider") and name:
            if name.startswith("."):
                node.set(f"{A}name", gradle.namespace + name)
    tree.write(dest, encoding="utf-8", xml_declaration=True)
    return dest


def badging_unescape(s: str) -> str:
    """Undo aapt's ``ResTable::normalizeForOutput``: ``\\\\``, ``\\"``, ``\\n``."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), s)


def badging_values(lines: list[str], key: str) -> dict[str, str]:
    """``key[-suffix]:'value'`` lines -> {suffix: value} (suffix "" for the bare key)."""
    out = {}
    pat = re.compile(rf"^{re.escape(key)}(?:-([^:]+))?:'(.*)'$")
    for line in lines:
        m = pat.match(line)
        if m:
            out[m.group(1) or ""] = badging_unescape(m.group(2))
    return out


def parse_dump(text: str) -> dict[str, dict[str, str]]:
    """``aapt2 dump resources``: {"string/app_name": {"": v, "zh-rCN": v, …}, …}.

    Values are printed raw between the first and the last quote of the line; app texts
    carry no newline (the manifest validator refuses them in names), which is asserted.
    """
    out: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^\s+resource 0x[0-9a-f]+ (\S+)", line)
        if m:
            current = out.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\s+\(([^)]*)\) (.*)$", line)
        if m and current is not None:
            current[m.group(1)] = m.group(2)
    return out


def dump_string(raw: str) -> str:
    assert raw.startswith('"') and raw.endswith('"'), raw
    return raw[1:-1]


def badging_suffix(qualifier: str) -> str:
    """How aapt names a values-<qualifier> locale: zh-rCN -> zh-CN, b+zh+Hans -> zh-Hans."""
    if qualifier.startswith("b+"):
        return "-".join(qualifier[2:].split("+"))
    return qualifier.replace("-r", "-")


def qualifiers(tag: str) -> list[str]:
    loc = lookup(tag)
    assert loc is not None, tag
    return list(loc.android)


# --- compile + link once per case ------------------------------------------------------------


def link_case(name: str, android: Path, expected: Expected, scratch: Path) -> Linked:
    aapt2, aapt = require_tool("aapt2"), require_tool("aapt")
    framework = require_file(FRAMEWORK_RES)
    main = android / "app" / "src" / "main"
    res = main / "res"
    gradle = parse_gradle(android / "app" / "build.gradle.kts")

    compiled_zip = scratch / "compiled.zip"
    run([aapt2, "compile", "--dir", res, "-o", compiled_zip])
    flat = scratch / "flat"
    with zipfile.ZipFile(compiled_zip) as zf:
        zf.extractall(flat)
        compiled = sorted(zf.namelist())
    linkable = [flat / n for n in compiled if not n.startswith(V31 + "_")]
    manifest = scratch_manifest(main / "AndroidManifest.xml", scratch / "Manifest.xml", gradle)
    apk = scratch / "app.apk"
    base: list[str | Path] = [aapt2, "link", "-I", framework, "--manifest", manifest]
    base += ["--min-sdk-version", str(gradle.min_sdk)]
    run([*base, "-o", apk, *linkable])
    with_v31 = run([*base, "-o", scratch / "v31.apk", *(flat / n for n in compiled)], ok=False)
    # None: linked (a framework of API 31+ knows the attributes); else the error lines
    errors = None if with_v31.returncode == 0 else with_v31.stderr.splitlines()
    badging = run([aapt, "dump", "badging", apk]).stdout
    dump = parse_dump(run([aapt2, "dump", "resources", apk]).stdout)
    return Linked(
        name,
        android,
        expected,
        gradle,
        compiled,
        badging,
        badging.splitlines(),
        dump,
        apk,
        errors,
    )


CASES = [*example_slugs(), "nasty", "yunzhuding@staging", "svg"]
Linker = Callable[[str], Linked]


@pytest.fixture(scope="module")
def linker(
    built_examples: dict[str, Path],
    build_example: Callable[..., Path],
    nasty_tenant: Callable[..., Path],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Linker:
    """Compile, link and dump a case once (about a second of aapt2/aapt per case).

    A failure is remembered and re-raised, so one broken case fails only its own tests,
    without re-running the tools for each of them.
    """
    done: dict[str, Linked | BaseException] = {}

    def get(case: str) -> Linked:
        if case not in done:
            try:
                done[case] = _link(case)
            except (Exception, pytest.fail.Exception) as exc:
                done[case] = exc
        result = done[case]
        if isinstance(result, BaseException):
            raise result
        return result

    def _link(case: str) -> Linked:
        if case == "nasty":
            dist = nasty_tenant()
            expected = expected_nasty()
        elif case == "svg":  # SVG sources: the same consumer, the same expectations
            dist = request.getfixturevalue("svg_tenant")
            expected = expected_from_brand(dist.parent.parent / "tenants", dist.name, None)
        elif "@" in case:
            slug, env = case.split("@")
            dist = build_example(slug, env, "android")
            assert dist.name == case
            expected = expected_from_brand(EXAMPLES, slug, env)
        else:
            dist = built_examples[case]
            expected = expected_from_brand(EXAMPLES, case, None)
        scratch = tmp_path_factory.mktemp(f"aapt-{case.replace('@', '-')}")
        return link_case(case, dist / "android", expected, scratch)

    return get


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest, linker: Linker) -> Linked:
    return linker(request.param)


# --- the tests ------------------------------------------------------------------------------


def test_every_resource_compiles_including_v31(case: Linked) -> None:
    names = set(case.compiled)
    for required in (
        "values_strings.arsc.flat",
        "values_colors.arsc.flat",
        "values_themes.arsc.flat",
        "values-night_colors.arsc.flat",
        "values-night_themes.arsc.flat",
        f"{V31}_themes.arsc.flat",
        "mipmap-anydpi-v26_ic_launcher.xml.flat",
        "mipmap-anydpi-v26_ic_launcher_round.xml.flat",
    ):
        assert required in names, f"{case.name}: {required} not compiled"
    for tag in case.expected.locales[1:]:
        for q in qualifiers(tag):
            assert f"values-{q}_strings.arsc.flat" in names, f"{case.name}: {tag} -> {q}"


def test_gradle_matches_the_brand(case: Linked) -> None:
    g, e = case.gradle, case.expected
    assert g.namespace == NAMESPACE
    assert g.application_id == e.android_id
    assert g.version_code == e.build
    assert g.version_name == e.version
    assert g.resource_configurations == [q for tag in e.locales for q in qualifiers(tag)]


def test_signing_is_read_from_the_environment_by_name(case: Linked) -> None:
    text, e = case.gradle.text, case.expected
    assert "env:" not in text
    assert sorted(set(case.gradle.getenv)) == sorted(set(e.signing_envs))
    assert case.gradle.key_alias == ([e.key_alias] if e.key_alias else [])
    # a secret is never a literal: every credential comes from System.getenv or another val
    assert not re.search(r'(storePassword|keyPassword|storeFile)\s*=\s*"', text)


def kotlin_structure(text: str) -> list[str]:
    """Brackets left unbalanced once strings and comments are removed (empty: balanced).

    Not a Kotlin compiler (none is installed here), but it catches a template whose
    ``{% if %}`` blocks leave a brace or parenthesis behind, and a string literal that an
    escaping slip left unterminated.
    """
    code = re.sub(r"//[^\n]*", "", re.sub(KT_STRING, '""', text))
    assert '"' not in code.replace('""', ""), "unterminated string literal"
    stack: list[str] = []
    pairs = {")": "(", "}": "{", "]": "["}
    for ch in code:
        if ch in "({[":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return [ch]
    return stack


def test_gradle_file_is_well_formed(case: Linked) -> None:
    assert kotlin_structure(case.gradle.text) == []


def test_unsigned_tenant_has_no_signing_config(tmp_path: Path) -> None:
    """Without signing references the release build is simply unsigned (and still links)."""

    def drop_signing(data: dict[str, object]) -> None:
        data.pop("signing", None)

    dist = build_tenant_dir(EXAMPLES / "xiwangding", tmp_path, drop_signing, platforms="android")
    text = (dist / "android/app/build.gradle.kts").read_text("utf-8")
    assert "signingConfig" not in text and "System.getenv" not in text
    assert kotlin_structure(text) == []
    g = parse_gradle(dist / "android/app/build.gradle.kts")
    assert g.application_id == "com.xiwang.xiwangding"


def test_badging_package_and_versions(case: Linked) -> None:
    e = case.expected
    first = case.badging_lines[0]
    assert first.startswith(
        f"package: name='{e.android_id}' versionCode='{e.build}' versionName='{e.version}' "
    ), first
    assert f"launchable-activity: name='{NAMESPACE}.MainActivity'" in case.badging


def test_badging_labels_per_locale(case: Linked) -> None:
    e = case.expected
    labels = badging_values(case.badging_lines, "application-label")
    want = {"": e.texts["app_name"][e.locales[0]]}
    for tag in e.locales[1:]:
        for q in qualifiers(tag):
            want[badging_suffix(q)] = e.texts["app_name"][tag]
    assert labels == want


def test_every_string_round_trips(case: Linked) -> None:
    """aapt2's resource table holds each text exactly, in every locale folder."""
    e = case.expected
    for name in STRINGS:
        got = {cfg: dump_string(v) for cfg, v in case.dump[f"string/{name}"].items()}
        want = {"": e.texts[name][e.locales[0]]}
        for tag in e.locales[1:]:
            for q in qualifiers(tag):
                want[q] = e.texts[name][tag]
        assert all("\n" not in v for v in want.values())
        assert got == want, name


def test_launcher_icons(case: Linked) -> None:
    icons = badging_values(case.badging_lines, "application-icon")
    assert set(icons) == set(BADGING_DENSITIES)
    assert set(icons.values()) == {"res/mipmap-anydpi-v26/ic_launcher.xml"}
    with zipfile.ZipFile(case.apk) as zf:
        files = set(zf.namelist())
        for res in ("mipmap/ic_launcher", "mipmap/ic_launcher_round"):
            configs = case.dump[res]
            assert configs["anydpi-v26"].endswith(f"res/mipmap-anydpi-v26/{res[7:]}.xml type=XML")
            for density, px in LAUNCHER_PX.items():
                entry = f"res/mipmap-{density}-v4/{res[7:]}.png"
                assert configs[density] == f"(file) {entry} type=PNG"
                assert entry in files
                with Image.open(BytesIO(zf.read(entry))) as img:
                    assert img.size == (px, px), entry


def test_manifest_references_resolve(case: Linked) -> None:
    manifest = ET.parse(case.android / "app/src/main/AndroidManifest.xml").getroot()
    app = manifest.find("application")
    assert app is not None
    assert app.get(f"{A}label") == "@string/app_name"
    assert app.get(f"{A}icon") == "@mipmap/ic_launcher"
    assert app.get(f"{A}roundIcon") == "@mipmap/ic_launcher_round"
    assert app.get(f"{A}theme") == "@style/Theme.App.Starting"
    perms = [p.get(f"{A}name") for p in manifest.findall("uses-permission")]
    assert "android.permission.INTERNET" in perms
    for res in (
        "string/app_name",
        "mipmap/ic_launcher",
        "mipmap/ic_launcher_round",
        "style/Theme.App.Starting",
        "style/Theme.App",
        "drawable/splash_icon",
        "color/splash_background",
        "color/ic_launcher_background",
    ):
        assert res in case.dump, f"{case.name}: {res} not in the linked APK"


def test_v31_splash_attributes_are_the_platform_ones(case: Linked) -> None:
    root = ET.parse(case.android / "app/src/main/res" / V31 / "themes.xml").getroot()
    (style,) = [s for s in root.findall("style") if s.get("name") == "Theme.App.Starting"]
    assert style.get("parent") == "Theme.App"
    items = {i.get("name"): (i.text or "").strip() for i in style.findall("item")}
    assert set(items) <= SPLASH_ATTRS, set(items) - SPLASH_ATTRS
    for attr, value in SPLASH_REQUIRED.items():
        assert items.get(attr) == value
    # they point at resources that exist in the linked APK
    for value in items.values():
        if value.startswith("@"):
            assert value[1:] in case.dump, value
    # and they are the only thing an API 29 framework cannot link (a newer one links them)
    if case.v31_link_errors is not None:
        failures = [ln for ln in case.v31_link_errors if "failed linking references" not in ln]
        assert failures
        for line in failures:
            m = re.search(r"error: style attribute 'android:attr/(\w+)' not found", line)
            assert m and f"android:{m.group(1)}" in SPLASH_ATTRS, line


def test_nasty_label_is_literal(linker: Linker) -> None:
    """The nasty short names reach the launcher label untouched; no template ran on them."""
    nasty = linker("nasty")
    labels = badging_values(nasty.badging_lines, "application-label")
    assert labels[""] == NASTY["short_name"]["en"] == "@Joe's & Co"
    assert labels["he"] == labels["iw"] == "{{ 7*7 }}"
    assert labels["zh-Hans"] == labels["zh-CN"] == NASTY["short_name"]["zh-Hans"]
    assert all("49" not in v for v in labels.values())
    full = {cfg: dump_string(v) for cfg, v in nasty.dump["string/app_full_name"].items()}
    assert full["zh-rCN"] == "云助钉 {{ 7*7 }} 👍🏽 &amp;"


def test_staging_build_uses_the_staging_identity(linker: Linker) -> None:
    staging, prod = linker("yunzhuding@staging"), linker("yunzhuding")
    assert staging.android.parent.name == "yunzhuding@staging"
    assert staging.gradle.application_id == "com.greentown.yunzhuding.staging"
    assert prod.gradle.application_id == "com.greentown.yunzhuding"
    assert "package: name='com.greentown.yunzhuding.staging'" in staging.badging
    full = {c: dump_string(v) for c, v in staging.dump["string/app_full_name"].items()}
    assert full["en"] == "YunZhu Ding β"
    tenant = (staging.android / "app/src/main/assets/tenant.json").read_text("utf-8")
    assert "https://api-staging.yunzhu.example" in tenant
