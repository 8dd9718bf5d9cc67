"""The iOS tree, proven by the parsers Xcode's inputs go through.

No Apple toolchain runs on this machine, so each file is read by the closest faithful
consumer: ``plistlib`` for the XML property lists (the format CoreFoundation writes and
reads), a port of CoreFoundation's old-style plist parser (``CFOldStylePList.c``) for
``InfoPlist.strings``, ``json`` + Pillow for the asset catalog (Apple's Asset Catalog Format
Reference), ruamel for XcodeGen's ``project.yml`` and a strict ``KEY = value`` reader for the
xcconfig. Every example tenant is checked, plus the nasty names tenant whose texts must come
back from those parsers exactly as written in brand.yaml.
"""

from __future__ import annotations

import json
import plistlib
import re
import string
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, NASTY, NASTY_LOCALES, build_tenant_dir, example_slugs
from PIL import Image
from ruamel.yaml import YAML

from ixm_cli.manifest.brand import Brand, Palette
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import check_tenant

NASTY_CASE = "nasty-names"
SVG_CASE = "svg"
CASES = [*example_slugs(), NASTY_CASE, SVG_CASE]

# Named colours the templates and the Swift sources rely on -> manifest colour key.
COLORSETS = {
    "AccentColor": "primary",
    "BrandBackground": "background",
    "BrandOnBackground": "on_background",
    "BrandOnPrimary": "on_primary",
    "BrandPrimary": "primary",
    "BrandSecondary": "secondary",
    "LaunchBackground": "background",
}
CFBUNDLENAME_MAX = 15  # "up to 15 characters" (PLATFORM_SPEC §3.3)
BUNDLE_ID = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")  # PLATFORM_SPEC §3.3
COMPONENT = re.compile(r"(0\.[0-9]{3}|1\.000)")  # PLATFORM_SPEC §3.5 / U-10: 3 decimals


# --- the trees under test ------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """One built tenant and its resolved brand (what the outputs must say)."""

    case: str
    dist: Path
    brand: Brand

    @property
    def ios(self) -> Path:
        return self.dist / "ios"

    @property
    def app(self) -> Path:
        return self.ios / "App"

    @property
    def catalog(self) -> Path:
        return self.app / "Assets.xcassets"


def resolved(tenants: Path, slug: str, env: str | None = None) -> Brand:
    checked = check_tenant(Workspace.at(tenants), slug, env, images=False)
    assert checked.brand is not None, checked.diagnostics
    return checked.brand


def make_tree(request: pytest.FixtureRequest, case: str) -> Tree:
    """``case``'s build from the shared session fixtures (an iOS-only build if theirs lacks it)."""
    if case == NASTY_CASE:
        nasty: Callable[..., Path] = request.getfixturevalue("nasty_tenant")
        dist = nasty()
        if not (dist / "ios").is_dir():
            dist = nasty(platforms="ios")
        # build_tenant_dir builds <tmp>/tenants/<slug> into <tmp>/dist/<slug>.
        return Tree(case, dist, resolved(dist.parent.parent / "tenants", dist.name))
    if case == SVG_CASE:
        dist = request.getfixturevalue("svg_tenant")
        return Tree(case, dist, resolved(dist.parent.parent / "tenants", dist.name))
    built: dict[str, Path] = request.getfixturevalue("built_examples")
    dist = built[case]
    if not (dist / "ios").is_dir():
        dist = request.getfixturevalue("build_example")(case, platforms="ios")
    return Tree(case, dist, resolved(EXAMPLES, case))


@pytest.fixture(scope="module", params=CASES)
def tree(request: pytest.FixtureRequest) -> Tree:
    return make_tree(request, request.param)


@pytest.fixture(scope="module")
def nasty(request: pytest.FixtureRequest) -> Tree:
    return make_tree(request, NASTY_CASE)


# --- consumers -------------------------------------------------------------------------------


class StringsFileError(ValueError):
    """What CoreFoundation reports (or would silently skip) for a malformed .strings file."""


class OldStylePlistParser:
    """A port of the strings-file path of CoreFoundation's old-style plist parser.

    Source: swift-corelibs-foundation ``CoreFoundation/Parsing.subproj/CFOldStylePList.c``
    (``advanceToNonSpace``, ``getSlashedChar``, ``parseQuotedPlistString``,
    ``parseUnquotedPlistString``, ``parsePlistString``, ``parsePlistObject``,
    ``parsePlistDictContent`` and ``__CFCreateOldStylePropertyListOrStringsFile``). Like CF
    it works on UTF-16 code units, so ``\\U`` surrogate pairs recombine. Values other than
    strings (``{`` ``(`` ``<``) are refused: an InfoPlist.strings file holds only strings.

    Two places where CF is lenient are made errors, because each hides a broken file: a
    duplicate key (CF keeps the last) and anything left after the last entry (CF's dictionary
    loop stops at the first character that cannot start a key and drops the rest silently).
    """

    UNQUOTED = frozenset(map(ord, string.ascii_letters + string.digits + "_$/:.-"))
    NAMED = {"a": 0x07, "b": 0x08, "f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}

    def __init__(self, text: str) -> None:
        raw = text.encode("utf-16-le")
        self.units = list(struct.unpack(f"<{len(raw) // 2}H", raw))
        self.pos = 0

    # helpers
    def _line(self) -> int:
        text = struct.pack(f"<{self.pos}H", *self.units[: self.pos]).decode("utf-16-le", "replace")
        return text.count("\n") + 1

    def _fail(self, message: str) -> StringsFileError:
        return StringsFileError(f"{message} on line {self._line()}")

    @staticmethod
    def _text(units: list[int]) -> str:
        # strict: a lone surrogate half would be a corrupt value, not a character
        return struct.pack(f"<{len(units)}H", *units).decode("utf-16-le")

    # CF functions
    def advance_to_non_space(self) -> bool:
        u, end = self.units, len(self.units)
        while self.pos < end:
            ch = u[self.pos]
            self.pos += 1
            if 9 <= ch <= 0x0D or ch in (0x20, 0x2028, 0x2029):
                continue
            if ch == ord("/"):
                if self.pos >= end:
                    self.pos -= 1
                    return True
                if u[self.pos] == ord("/"):
                    self.pos += 1
                    while self.pos < end and u[self.pos] not in (0x0A, 0x0D, 0x2028, 0x2029):
                        self.pos += 1
                elif u[self.pos] == ord("*"):
                    self.pos += 1
                    while self.pos < end:
                        ch = u[self.pos]
                        self.pos += 1
                        if ch == ord("*") and self.pos < end and u[self.pos] == ord("/"):
                            self.pos += 1
                            break
                else:
                    self.pos -= 1
                    return True
            else:
                self.pos -= 1
                return True
        return False

    def slashed_char(self) -> int:
        u = self.units
        ch = u[self.pos]
        self.pos += 1
        if ord("0") <= ch <= ord("7"):  # octal, at most three digits, NeXTSTEP Latin
            num = ch - ord("0")
            for _ in range(2):
                if self.pos >= len(u) or not ord("0") <= u[self.pos] <= ord("7"):
                    break
                num = ((num << 3) + u[self.pos] - ord("0")) & 0xFF  # uint8_t
                self.pos += 1
            if num >= 0x80:
                raise NotImplementedError("NeXTSTEP Latin upper half: ixm never writes octal")
            return num
        if ch == ord("U"):
            num, digits = 0, 4
            while self.pos < len(u) and digits:  # `numDigits--` in the C condition
                digits -= 1
                c = u[self.pos]
                if c < 128 and chr(c) in string.hexdigits:
                    self.pos += 1
                    num = (num << 4) + int(chr(c), 16)
            return num
        if ch < 128 and chr(ch) in self.NAMED:
            return self.NAMED[chr(ch)]
        return ch  # \" \' \\ and any other character: itself

    def quoted(self, quote: int) -> str:
        start, out = self.pos, []
        while self.pos < len(self.units):
            ch = self.units[self.pos]
            if ch == quote:
                break
            if ch == ord("\\"):
                self.pos += 1
                if self.pos >= len(self.units):
                    break
                out.append(self.slashed_char())
            else:
                out.append(ch)
                self.pos += 1
        if self.pos >= len(self.units):
            self.pos = start
            raise self._fail("Unterminated quoted string starting")
        self.pos += 1  # past the closing quote
        return self._text(out)

    def unquoted(self) -> str:
        start = self.pos
        while self.pos < len(self.units) and self.units[self.pos] in self.UNQUOTED:
            self.pos += 1
        if self.pos == start:
            raise StringsFileError("Unexpected EOF")
        return self._text(self.units[start : self.pos])

    def plist_string(self) -> str | None:
        """``parsePlistString(pInfo, false)``: None where CF's dictionary loop would stop."""
        if not self.advance_to_non_space():
            return None
        ch = self.units[self.pos]
        if ch in (ord('"'), ord("'")):
            self.pos += 1
            return self.quoted(ch)
        if ch in self.UNQUOTED:
            return self.unquoted()
        return None

    def plist_object(self) -> str:
        """``parsePlistObject(pInfo, true)``, restricted to string values."""
        if not self.advance_to_non_space():
            raise self._fail("Unexpected EOF while parsing plist")
        ch = self.units[self.pos]
        if ch in (ord("{"), ord("("), ord("<")):
            raise self._fail(f"a {chr(ch)!r} container or data value where a string belongs")
        value = self.plist_string()
        if value is None:
            raise self._fail(f"Unexpected character '0x{ch:x}'")
        return value

    def dict_content(self) -> list[tuple[str, str]]:
        entries: list[tuple[str, str]] = []
        key = self.plist_string()
        while key is not None:
            if not self.advance_to_non_space():
                raise self._fail("Missing ';'")
            ch = self.units[self.pos]
            if ch == ord(";"):  # the `"key";` shortcut: the value is the key
                value = key
            elif ch == ord("="):
                self.pos += 1
                value = self.plist_object()
            else:
                raise self._fail("Unexpected ';' or '=' after key")
            entries.append((key, value))
            if not (self.advance_to_non_space() and self.units[self.pos] == ord(";")):
                raise self._fail("Missing ';'")
            self.pos += 1
            key = self.plist_string()
        return entries

    def strings_file(self) -> dict[str, str]:
        """``__CFCreateOldStylePropertyListOrStringsFile`` for a strings file."""
        if not self.advance_to_non_space():
            return {}  # "a file consisting only of whitespace is an empty dictionary"
        self.pos = 0
        first = self.plist_object()
        if not self.advance_to_non_space():
            raise StringsFileError(f"the file is one string ({first!r}), not key = value pairs")
        self.pos = 0  # CF re-reads the file from its start as a dictionary without braces
        entries = self.dict_content()
        if self.advance_to_non_space():
            raise self._fail("CoreFoundation would silently drop everything from here")
        found: dict[str, str] = {}
        for key, value in entries:
            if key in found:
                raise StringsFileError(f"duplicate key {key!r} (CoreFoundation keeps the last)")
            found[key] = value
        return found


def parse_strings_file(data: bytes) -> dict[str, str]:
    """An InfoPlist.strings file as CoreFoundation reads it (UTF-8 without BOM, §3.4)."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise StringsFileError("UTF-8 byte order mark (Xcode expects UTF-8 without BOM)")
    return OldStylePlistParser(data.decode("utf-8")).strings_file()


def read_xcconfig(path: Path) -> dict[str, str]:
    """``KEY = value`` lines (``//`` comment lines allowed), nothing else, no key twice."""
    settings: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        match = re.fullmatch(r"([A-Z_][A-Z0-9_]*) = ([A-Za-z0-9._-]+)", line)
        assert match, f"{path}:{number}: not `KEY = value` with a plain value: {line!r}"
        key, value = match.groups()
        assert key not in settings, f"{path}:{number}: {key} set twice"
        settings[key] = value
    return settings


def load_yaml(path: Path) -> Any:
    """project.yml as XcodeGen reads it: Yams speaks YAML 1.1 (``NO`` is a boolean there).

    It must mean the same under YAML 1.2, so no reader can take it differently.
    """
    text = path.read_text("utf-8")
    yaml11 = YAML(typ="safe", pure=True)
    yaml11.version = (1, 1)
    data = yaml11.load(text)
    assert data == YAML(typ="safe", pure=True).load(text), "YAML 1.1 and 1.2 readings differ"
    return data


def target_settings(tree: Tree, config: str) -> dict[str, str]:
    """The App target's build settings for ``config`` as XcodeGen hands them to Xcode.

    Xcode's precedence, lowest first: the target's xcconfig (``configFiles``), then the
    target's own settings (``settings.base``, then ``settings.configs.<config>``).
    """
    project = load_yaml(tree.ios / "project.yml")
    target = project["targets"]["App"]
    settings = read_xcconfig(tree.ios / target["configFiles"][config])
    declared = target.get("settings", {})
    for layer in (declared.get("base", {}), declared.get("configs", {}).get(config, {})):
        settings.update({str(k): str(v) for k, v in layer.items()})
    return settings


def expand(value: str, settings: dict[str, str]) -> str:
    """Info.plist preprocessing: ``$(NAME)`` is replaced by the build setting's value."""
    return re.sub(r"\$\(([A-Za-z0-9_]+)\)", lambda m: settings[m.group(1)], value)


def catalog_folders(tree: Tree, suffix: str) -> Iterator[Path]:
    return (p for p in sorted(tree.catalog.iterdir()) if p.is_dir() and p.name.endswith(suffix))


def to_hex(components: dict[str, str]) -> str:
    channels = ("red", "green", "blue")
    return "#" + "".join(f"{round(float(components[c]) * 255):02X}" for c in channels)


def expected_short_names(tree: Tree) -> dict[str, str]:
    """ios language ID -> display name, from brand.yaml (the nasty literals for the nasty case)."""
    if tree.case == NASTY_CASE:
        ios = {loc.tag: loc.ios for loc in tree.brand.locales}
        assert list(ios) == NASTY_LOCALES
        return {ios[tag]: NASTY["short_name"][tag] for tag in NASTY_LOCALES}
    out: dict[str, str] = {}
    for loc in tree.brand.locales:
        out.setdefault(loc.ios, tree.brand.app.short_name[loc.tag])
    return out


# --- the strings parser itself ---------------------------------------------------------------


def test_strings_parser_follows_corefoundation() -> None:
    text = (
        "/* block */ // line\n"
        'a = "x";\n'
        "'b' = 'it\\'s';\n"
        "c;\n"
        '"d" = "\\UD83D\\UDC4D\\U00e9\\101\\q\\"\\\\\\n";\n'
    )
    assert parse_strings_file(text.encode()) == {
        "a": "x",
        "b": "it's",
        "c": "c",
        "d": '👍éAq"\\\n',
    }
    assert parse_strings_file(b"  /* only a comment */ ") == {}
    for bad, message in [
        (b'"a" = "x"', "Missing ';'"),
        (b'"a" = "x', "Unterminated"),
        (b'"a" "x";', "after key"),
        (b'"a" = "x"; "a" = "y";', "duplicate"),
        (b'"a" = "x"; } "b" = "y";', "silently drop"),
        (b'"a" = ("x");', "container"),
        (b'\xef\xbb\xbf"a" = "x";', "byte order mark"),
    ]:
        with pytest.raises(StringsFileError, match=message):
            parse_strings_file(bad)


# --- Info.plist --------------------------------------------------------------------------------


def test_every_plist_parses(tree: Tree) -> None:
    plists = sorted(tree.ios.rglob("*.plist"))
    assert tree.app / "Info.plist" in plists
    for path in plists:
        data = path.read_bytes()
        assert data.startswith(b"<?xml"), path  # an XML plist, as Info.plist files are
        assert isinstance(plistlib.loads(data, fmt=plistlib.FMT_XML), dict), path


def test_info_plist_identity_and_versions(tree: Tree) -> None:
    info = plistlib.loads((tree.app / "Info.plist").read_bytes())
    b = tree.brand
    # Identity and versions are build settings, so CI can swap the xcconfig alone.
    assert info["CFBundleIdentifier"] == "$(PRODUCT_BUNDLE_IDENTIFIER)"
    assert info["CFBundleShortVersionString"] == "$(MARKETING_VERSION)"
    assert info["CFBundleVersion"] == "$(CURRENT_PROJECT_VERSION)"
    for config in ("Debug", "Release"):
        settings = target_settings(tree, config)
        assert expand(info["CFBundleIdentifier"], settings) == b.ios_id
        assert expand(info["CFBundleShortVersionString"], settings) == b.app.version
        assert expand(info["CFBundleVersion"], settings) == str(b.app.build)
    assert BUNDLE_ID.fullmatch(b.ios_id)
    assert re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", b.app.version)
    assert info["CFBundleExecutable"] == "$(EXECUTABLE_NAME)"
    assert info["CFBundlePackageType"] == "$(PRODUCT_BUNDLE_PACKAGE_TYPE)"
    assert info["CFBundleInfoDictionaryVersion"] == "6.0"


def test_info_plist_names_and_localizations(tree: Tree) -> None:
    info = plistlib.loads((tree.app / "Info.plist").read_bytes())
    names = expected_short_names(tree)
    region = tree.brand.default_locale.ios
    lprojs = {p.name.removesuffix(".lproj") for p in tree.app.glob("*.lproj") if p.is_dir()}
    assert info["CFBundleDevelopmentRegion"] == region
    assert len(info["CFBundleLocalizations"]) == len(set(info["CFBundleLocalizations"]))
    assert set(info["CFBundleLocalizations"]) == lprojs == set(names)
    assert info["CFBundleLocalizations"][0] == region
    assert info["CFBundleDisplayName"] == names[region]
    bundle_name = info["CFBundleName"]
    if len(names[region]) <= CFBUNDLENAME_MAX:
        assert bundle_name == names[region]
    else:  # never a truncated brand name
        assert bundle_name == "$(PRODUCT_NAME)"


def test_info_plist_launch_screen_and_scenes(tree: Tree) -> None:
    info = plistlib.loads((tree.app / "Info.plist").read_bytes())
    launch = info["UILaunchScreen"]
    color = tree.catalog / f"{launch['UIColorName']}.colorset" / "Contents.json"
    image = tree.catalog / f"{launch['UIImageName']}.imageset" / "Contents.json"
    assert color.is_file() and image.is_file()
    assert launch["UIColorName"] == "LaunchBackground" and launch["UIImageName"] == "SplashLogo"
    images = json.loads(image.read_text("utf-8"))["images"]
    assert images and all((image.parent / i["filename"]).is_file() for i in images)
    # UILaunchScreen and a launch storyboard must not be combined (§3.6).
    assert "UILaunchStoryboardName" not in info and not list(tree.ios.rglob("*.storyboard"))
    assert isinstance(info["UIApplicationSceneManifest"], dict)
    assert info["LSRequiresIPhoneOS"] is True
    ats = info["NSAppTransportSecurity"]
    assert ats.get("NSAllowsArbitraryLoads") is False


# --- InfoPlist.strings -------------------------------------------------------------------------


def test_infoplist_strings_round_trip_every_locale(tree: Tree) -> None:
    names = expected_short_names(tree)
    found = sorted(tree.app.glob("*.lproj/InfoPlist.strings"))
    assert [p.parent.name for p in found] == sorted(f"{ios}.lproj" for ios in names)
    for ios, name in names.items():
        path = tree.app / f"{ios}.lproj" / "InfoPlist.strings"
        strings = parse_strings_file(path.read_bytes())
        expected = {"CFBundleDisplayName": name}
        if len(name) <= CFBUNDLENAME_MAX:
            expected["CFBundleName"] = name
        assert strings == expected, path


def test_nasty_names_reach_ios_literally(nasty: Tree) -> None:
    tree = nasty
    he = parse_strings_file((tree.app / "he.lproj" / "InfoPlist.strings").read_bytes())
    assert he["CFBundleDisplayName"] == "{{ 7*7 }}"
    zh = parse_strings_file((tree.app / "zh-Hans.lproj" / "InfoPlist.strings").read_bytes())
    assert zh["CFBundleDisplayName"] == "?云钉👍🏽 %s %s"
    ar = parse_strings_file((tree.app / "ar.lproj" / "InfoPlist.strings").read_bytes())
    assert ar["CFBundleDisplayName"] == '"أمل" \\ 50%'
    info = plistlib.loads((tree.app / "Info.plist").read_bytes())
    assert info["CFBundleDisplayName"] == "@Joe's & Co"
    for path in [*tree.app.glob("*.lproj/InfoPlist.strings"), tree.app / "Info.plist"]:
        assert "49" not in path.read_text("utf-8"), path  # nothing was evaluated


LONG_SHORT_NAME = "Xiwang Heavy Industry"  # 21 characters: a warning, not an error


def _long_names(data: dict[str, Any]) -> None:
    data["locales"] = ["en", "zh-Hans"]
    data["app"]["short_name"] = {"en": LONG_SHORT_NAME, "zh-Hans": "希望钉"}


def test_long_short_name_is_never_truncated(tmp_path: Path) -> None:
    dist = build_tenant_dir(EXAMPLES / "xiwangding", tmp_path, _long_names, platforms="ios")
    app = dist / "ios" / "App"
    info = plistlib.loads((app / "Info.plist").read_bytes())
    assert info["CFBundleDisplayName"] == LONG_SHORT_NAME
    assert info["CFBundleName"] == "$(PRODUCT_NAME)"
    assert info["CFBundleLocalizations"] == ["en", "zh-Hans"]
    assert sorted(p.name for p in app.glob("*.lproj")) == ["en.lproj", "zh-Hans.lproj"]
    # Without a CFBundleName of its own, a locale takes Info.plist's.
    en = parse_strings_file((app / "en.lproj" / "InfoPlist.strings").read_bytes())
    assert en == {"CFBundleDisplayName": LONG_SHORT_NAME}
    zh = parse_strings_file((app / "zh-Hans.lproj" / "InfoPlist.strings").read_bytes())
    assert zh == {"CFBundleDisplayName": "希望钉", "CFBundleName": "希望钉"}


# --- asset catalog -----------------------------------------------------------------------------


def test_every_catalog_contents_json_parses(tree: Tree) -> None:
    root = json.loads((tree.catalog / "Contents.json").read_text("utf-8"))
    assert root["info"]["version"] == 1
    for folder in sorted(p for p in tree.catalog.rglob("*") if p.is_dir()):
        contents = folder / "Contents.json"
        assert contents.is_file(), f"{folder} has no Contents.json"
        doc = json.loads(contents.read_text("utf-8"))
        assert doc["info"]["version"] == 1, contents


def _declared_px(entry: dict[str, Any]) -> tuple[float, float] | None:
    if "size" not in entry:
        return None
    w, h = (float(v) for v in entry["size"].split("x"))
    scale = float(entry.get("scale", "1x").removesuffix("x"))
    return w * scale, h * scale


def test_catalog_images_exist_at_their_declared_pixel_size(tree: Tree) -> None:
    sets = [*catalog_folders(tree, ".appiconset"), *catalog_folders(tree, ".imageset")]
    assert {p.name for p in sets} >= {"AppIcon.appiconset", "SplashLogo.imageset"}
    for folder in sets:
        images = json.loads((folder / "Contents.json").read_text("utf-8"))["images"]
        names = [i["filename"] for i in images if "filename" in i]
        assert len(names) == len(set(names)), folder
        # Xcode warns about a file nothing references ("unassigned child").
        assert {p.name for p in folder.iterdir()} == {*names, "Contents.json"}, folder
        points: set[tuple[float, float]] = set()
        for entry in images:
            with Image.open(folder / entry["filename"]) as im:
                assert im.format == "PNG", entry
                size = im.size
            declared = _declared_px(entry)
            if declared is not None:
                assert size == declared, (folder.name, entry, size)
            else:  # an image set: each scale draws the same point size
                scale = int(entry["scale"].removesuffix("x"))
                assert size[0] % scale == 0 and size[1] % scale == 0, (entry, size)
                points.add((size[0] // scale, size[1] // scale))
        assert len(points) <= 1, (folder.name, points)


def test_marketing_icon_is_opaque_rgb(tree: Tree) -> None:
    iconset = tree.catalog / "AppIcon.appiconset"
    images = json.loads((iconset / "Contents.json").read_text("utf-8"))["images"]
    marketing = [
        i
        for i in images
        if i.get("size") == "1024x1024"
        and "appearances" not in i
        and i.get("idiom") in ("universal", "ios-marketing")
    ]
    assert len(marketing) == 1, images
    with Image.open(iconset / marketing[0]["filename"]) as im:
        # ITMS-90717: no alpha channel at all, not even a fully opaque one (§3.2).
        assert im.mode == "RGB", im.mode
        assert "transparency" not in im.info
        w, h = im.size
        corners = [im.getpixel(xy) for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
    assert all(c != (0, 0, 0) for c in corners), corners  # not flattened onto black


def test_colorsets_have_light_and_dark_manifest_colours(tree: Tree) -> None:
    found = {p.name.removesuffix(".colorset") for p in catalog_folders(tree, ".colorset")}
    assert found >= set(COLORSETS)
    palettes: dict[str, Palette] = {"light": tree.brand.light, "dark": tree.brand.dark}
    for name, key in COLORSETS.items():
        doc = json.loads((tree.catalog / f"{name}.colorset" / "Contents.json").read_text("utf-8"))
        entries = doc["colors"]
        universal = [e for e in entries if "appearances" not in e]
        dark = [
            e
            for e in entries
            if e.get("appearances") == [{"appearance": "luminosity", "value": "dark"}]
        ]
        assert len(universal) == 1 and len(dark) == 1 and len(entries) == 2, name
        for mode, entry in (("light", universal[0]), ("dark", dark[0])):
            assert entry["idiom"] == "universal"
            color = entry["color"]
            assert color["color-space"] == "srgb"
            components = color["components"]
            assert set(components) == {"red", "green", "blue", "alpha"}
            for value in components.values():
                assert isinstance(value, str) and COMPONENT.fullmatch(value), (name, value)
                assert 0.0 <= float(value) <= 1.0
            assert components["alpha"] == "1.000"
            assert to_hex(components) == getattr(palettes[mode], key), (name, mode)


def test_example_colours_come_from_the_partner_brand(request: pytest.FixtureRequest) -> None:
    """An independent spot check: yunzhuding inherits _greentown's greens (brand.yaml)."""
    catalog = make_tree(request, "yunzhuding").catalog
    doc = json.loads((catalog / "BrandPrimary.colorset/Contents.json").read_text("utf-8"))
    light, dark = (e["color"]["components"] for e in doc["colors"])
    assert to_hex(light) == "#0A7D5A" and to_hex(dark) == "#34C38F"


# --- XcodeGen project and xcconfig ------------------------------------------------------------


def test_project_yml(tree: Tree) -> None:
    project = load_yaml(tree.ios / "project.yml")
    b = tree.brand
    assert project["name"] == b.tenant
    options = project["options"]
    assert b.ios_id.startswith(options["bundleIdPrefix"] + ".")
    assert options["developmentLanguage"] == b.default_locale.ios
    assert options["deploymentTarget"] == {"iOS": "16.0"}
    (name,) = project["targets"]
    target = project["targets"][name]
    assert (target["type"], target["platform"], target["deploymentTarget"]) == (
        "application",
        "iOS",
        "16.0",
    )
    sources = [s["path"] if isinstance(s, dict) else s for s in target["sources"]]
    assert sources == ["App"]
    assert target["configFiles"] == {
        "Debug": "Config/Tenant.xcconfig",
        "Release": "Config/Tenant.xcconfig",
    }
    base = target["settings"]["base"]
    assert all(isinstance(v, str) for v in base.values()), base  # no YAML 1.1 booleans
    assert (tree.ios / base["INFOPLIST_FILE"]).is_file()
    assert (tree.catalog / f"{base['ASSETCATALOG_COMPILER_APPICON_NAME']}.appiconset").is_dir()
    accent = base["ASSETCATALOG_COMPILER_GLOBAL_ACCENT_COLOR_NAME"]
    assert (tree.catalog / f"{accent}.colorset").is_dir()
    assert base.get("DEVELOPMENT_TEAM") == b.signing.ios_team_id
    for config in ("Debug", "Release"):
        settings = target_settings(tree, config)
        assert settings["PRODUCT_BUNDLE_IDENTIFIER"] == b.ios_id
        assert settings["MARKETING_VERSION"] == b.app.version
        assert settings["CURRENT_PROJECT_VERSION"] == str(b.app.build)
        assert settings.get("DEVELOPMENT_TEAM") == b.signing.ios_team_id


def test_xcconfig_lines_are_key_value(tree: Tree) -> None:
    settings = read_xcconfig(tree.ios / "Config" / "Tenant.xcconfig")
    b = tree.brand
    expected = {
        "PRODUCT_BUNDLE_IDENTIFIER": b.ios_id,
        "MARKETING_VERSION": b.app.version,
        "CURRENT_PROJECT_VERSION": str(b.app.build),
    }
    if b.signing.ios_team_id is not None:
        expected["DEVELOPMENT_TEAM"] = b.signing.ios_team_id
    assert settings == expected


def test_swift_sources_use_what_the_tree_provides(tree: Tree) -> None:
    swift = {p.name: p.read_text("utf-8") for p in sorted(tree.app.glob("*.swift"))}
    assert set(swift) >= {"IxmApp.swift", "WorkspaceView.swift", "TenantConfig.swift"}
    assert sum("@main" in s for s in swift.values()) == 1
    named = set()
    for source in swift.values():
        named |= set(re.findall(r'Color\("([A-Za-z]+)"\)', source))
        named |= set(re.findall(r'UIColor\(named: "([A-Za-z]+)"\)', source))
    assert named and all((tree.catalog / f"{n}.colorset").is_dir() for n in named), named
    tenant = json.loads((tree.app / "tenant.json").read_text("utf-8"))
    assert f'"{tenant["schema"]}"' in swift["TenantConfig.swift"]
    assert tenant["ids"]["ios"] == tree.brand.ios_id
    assert "*.xcodeproj" in (tree.ios / ".gitignore").read_text("utf-8").splitlines()


# --- environments ------------------------------------------------------------------------------


def test_staging_uses_the_staging_bundle_id(build_example: Callable[..., Path]) -> None:
    dist = build_example("yunzhuding", "staging", "ios")
    assert dist.name == "yunzhuding@staging"
    staging = Tree("yunzhuding@staging", dist, resolved(EXAMPLES, "yunzhuding", "staging"))
    assert staging.brand.ios_id == "com.greentown.yunzhuding.staging"  # brand.yaml, literally
    assert read_xcconfig(dist / "ios/Config/Tenant.xcconfig")["PRODUCT_BUNDLE_IDENTIFIER"] == (
        "com.greentown.yunzhuding.staging"
    )
    info = plistlib.loads((dist / "ios/App/Info.plist").read_bytes())
    for config in ("Debug", "Release"):
        settings = target_settings(staging, config)
        assert expand(info["CFBundleIdentifier"], settings) == "com.greentown.yunzhuding.staging"
        assert settings["DEVELOPMENT_TEAM"] == "GT7Q2K9W4M"  # inherited from ../_greentown
    tenant = json.loads((dist / "ios/App/tenant.json").read_text("utf-8"))
    assert tenant["ids"]["ios"] == "com.greentown.yunzhuding.staging"
    assert tenant["environment"] == "staging"
