"""Store metadata, proven against what fastlane ``supply`` and ``deliver`` read (PLATFORM_SPEC §5).

``dist/<tenant>/metadata/android/`` is a ``supply`` metadata_path (Google Play) and
``metadata/ios/`` a ``deliver`` one (App Store Connect). fastlane is not installed here, so
this module reads the trees the way the two tools do, from their sources:

* supply (``supply/lib/supply/uploader.rb``): every directory is a language code sent to the
  Play API as it is (supply does not check it; the API rejects an unknown code mid-upload);
  ``upload_metadata`` reads ``<field>.txt`` with ``File.read(path, encoding: 'UTF-8')`` and
  ``upload_changelog`` reads ``changelogs/<versionCode>.txt`` the same way: verbatim, **not
  stripped**; ``upload_images`` takes ``images/icon.{png,jpg,jpeg}``.
* deliver (``deliver/lib/deliver/upload_metadata.rb``, ``loader.rb``): a directory name must
  be an App Store Connect language; ``load_from_filesystem`` reads ``<field>.txt`` with
  ``File.read`` and ``upload`` sends ``value.to_s.strip``.

Trailing newlines: supply uploads the bytes as they are, so a newline added by ixm would
become part of the Play listing (and count against its limit). ixm therefore adds none: every
text file holds exactly the manifest's text, UTF-8, and no more. deliver's strip would hide a
difference, but one rule for both trees is simpler to keep and to review.

Every example tenant, one environment build, the nasty names tenant and a tenant that leaves
texts out (default-locale fallback, a manifest written with CRLF line ends) are checked. The
expected texts are read back from brand.yaml through the library's loader (extends and
environment overlays applied), never from the Brand the templates were rendered from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, NASTY, NASTY_LOCALES, NASTY_STORE, example_slugs
from ixm_test_helpers import DELETE, make_tenant
from PIL import Image
from ruamel.yaml.scalarstring import LiteralScalarString

from ixm_cli import api
from ixm_cli.manifest.resolve import Merged, Workspace, get
from ixm_cli.manifest.tenant import check_tenant

# Supply::Languages::ALL_LANGUAGES (fastlane supply/lib/supply/languages.rb), in the hyphen
# form supply uses for folder names. Source: PLATFORM_SPEC §5.1.
SUPPLY_LANGUAGES = frozenset(
    "af am ar az-AZ be bg bn-BD ca cs-CZ da-DK de-DE el-GR en-AU en-CA en-GB en-IN en-SG en-US "
    "en-ZA es-419 es-ES es-US et eu-ES fa fi-FI fil fr-CA fr-FR gl-ES hi-IN hr hu-HU hy-AM id "
    "is-IS it-IT iw-IL ja-JP ka-GE km-KH kn-IN ko-KR ky-KG lo-LA lt lv mk-MK ml-IN mn-MN mr-IN "
    "ms ms-MY my-MM ne-NP nl-NL no-NO pl-PL pt-BR pt-PT rm ro ru-RU si-LK sk sl sr sv-SE sw "
    "ta-IN te-IN th tr-TR uk vi zh-CN zh-HK zh-TW zu".split()
)
# Deliver::Languages::ALL_LANGUAGES (fastlane deliver/lib/deliver/languages.rb, newest stored
# version). Source: PLATFORM_SPEC §5.2. deliver compares case-insensitively, but the folder
# name is also the locale it sends to App Store Connect, so the exact spelling is required.
DELIVER_LANGUAGES = frozenset(
    "ar-SA bn ca cs da de-DE el en-AU en-CA en-GB en-US es-ES es-MX fi fr-CA fr-FR gu he hi hr "
    "hu id it ja kn ko ml mr ms nl-NL no or pa pl pt-BR pt-PT ro ru sk sl sv ta te th tr uk ur "
    "vi zh-Hans zh-Hant".split()
)
# PLATFORM_SPEC §5.3, the cheat-sheet rows where the stores disagree with BCP 47 or each
# other: canonical tag -> (supply folder, deliver folder).
CHEAT_SHEET = {
    "en-US": ("en-US", "en-US"),
    "de": ("de-DE", "de-DE"),
    "es-419": ("es-419", "es-MX"),
    "zh-Hans": ("zh-CN", "zh-Hans"),
    "zh-Hant": ("zh-TW", "zh-Hant"),
    "zh-Hant-HK": ("zh-HK", "zh-Hant"),
    "he": ("iw-IL", "he"),
    "ja": ("ja-JP", "ja"),
    "nb": ("no-NO", "no"),
    "ar": ("ar", "ar-SA"),
}

# Store limits (PLATFORM_SPEC §5.1 and §5.2): glob relative to a locale folder ->
# (maximum, unit). Measured on the raw file, which is what supply uploads (deliver's strip
# can only make a text shorter).
SUPPLY_LIMITS = {
    "title.txt": (30, "characters"),
    "short_description.txt": (80, "characters"),
    "full_description.txt": (4000, "characters"),
    "changelogs/*.txt": (500, "characters"),
}
DELIVER_LIMITS = {
    "name.txt": (30, "characters"),
    "subtitle.txt": (30, "characters"),
    "description.txt": (4000, "characters"),
    "keywords.txt": (100, "bytes"),  # UTF-8 bytes: a CJK character takes 3 (U-4)
    "promotional_text.txt": (170, "characters"),
    "release_notes.txt": (4000, "characters"),
}
NAME_MIN = 2  # App Store Connect: a name has 2-30 characters
PLAY_ICON_SIDE = 512  # PLATFORM_SPEC §1.4
PLAY_ICON_MAX_BYTES = 1024 * 1024
BOM = b"\xef\xbb\xbf"
TEMPLATE_MARKS = ("{{", "}}", "{%", "%}", "{#", "#}")

STAGING_CASE = "yunzhuding@staging"
NASTY_CASE = "nasty-names"
FALLBACK_CASE = "fallback"
CASES = [*example_slugs(), STAGING_CASE, NASTY_CASE, FALLBACK_CASE]

Key = tuple[str, ...]


def locale_table() -> dict[str, dict[str, Any]]:
    """ixm_cli/data/locales.json, read as data (the file the mapping is defined by)."""
    text = resources.files("ixm_cli").joinpath("data/locales.json").read_text("utf-8")
    return {row["tag"]: row for row in json.loads(text)["locales"]}


# --- the trees under test ------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """One built tenant and its manifest as the library loads it (extends + env applied)."""

    case: str
    dist: Path
    manifest: Merged

    @property
    def supply(self) -> Path:
        return self.dist / "metadata" / "android"

    @property
    def deliver(self) -> Path:
        return self.dist / "metadata" / "ios"

    @property
    def tags(self) -> list[str]:
        tags = get(self.manifest, ("locales",))
        assert isinstance(tags, list) and tags, tags
        return [str(t) for t in tags]

    def text(self, path: Key, tag: str) -> str | None:
        """The manifest's text at ``path`` for ``tag``; None when the key is absent.

        A locale without its own text gets the default locale's (the first in ``locales``);
        a plain string is the default locale's text, so every locale gets it.
        """
        value = get(self.manifest, path)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        assert isinstance(value, dict), (path, value)
        found = value.get(tag, value[self.tags[0]])
        assert isinstance(found, str)
        return found

    def first_text(self, tag: str, *paths: Key) -> str:
        """The first of ``paths`` the manifest has (the templates' field fallbacks)."""
        for path in paths:
            found = self.text(path, tag)
            if found is not None:
                return found
        raise AssertionError(f"none of {paths} in the manifest")

    def value(self, path: Key) -> Any:
        return get(self.manifest, path)


def manifest(tenants: Path, slug: str, env: str | None) -> Merged:
    checked = check_tenant(Workspace.at(tenants), slug, env, images=False)
    assert checked.ok and checked.merged is not None, [d.render() for d in checked.diagnostics]
    return checked.merged


def fallback_overrides() -> dict[str, Any]:
    """A tenant whose texts leave locales and fields out (see test_default_locale_fallback)."""
    return {
        # 'de' has no text anywhere; 'zh-Hans' loses some of the baseline's.
        "locales": ["en", "de", "zh-Hans"],
        "app": {
            "name": "Acme Ding",  # a plain string: the default locale's text, used everywhere
            "description": {"zh-Hans": DELETE},
        },
        "store": {
            "subtitle": {"zh-Hans": DELETE},
            "short_description": DELETE,  # supply falls back to the app name
            "full_description": DELETE,  # both stores fall back to app.description
            "release_notes": LiteralScalarString("Bug fixes.\nFaster sync.\n"),
        },
    }


def build_fallback(tmp: Path) -> Path:
    """Build the fallback tenant from a brand.yaml saved with CRLF line ends (Windows)."""
    tenants = tmp / "tenants"
    tenants.mkdir()
    brand = make_tenant(tenants, "acme", fallback_overrides())
    crlf = brand.read_bytes().replace(b"\n", b"\r\n")
    assert b"|\r\n" in crlf  # the release notes really are a literal block, now with CRLF
    brand.write_bytes(crlf)
    report = api.build(tenants_dir=tenants, out=tmp / "dist", tenants=["acme"])
    (built,) = report.built
    return built.out


def make_tree(request: pytest.FixtureRequest, case: str) -> Tree:
    if case == NASTY_CASE:
        nasty: Callable[..., Path] = request.getfixturevalue("nasty_tenant")
        dist = nasty()
        # build_tenant_dir builds <tmp>/tenants/<slug> into <tmp>/dist/<slug>.
        return Tree(case, dist, manifest(dist.parent.parent / "tenants", dist.name, None))
    if case == FALLBACK_CASE:
        dist = request.getfixturevalue("fallback_dist")
        return Tree(case, dist, manifest(dist.parent.parent / "tenants", "acme", None))
    if case == STAGING_CASE:
        slug, env = case.split("@")
        dist = request.getfixturevalue("build_example")(slug, env)
        return Tree(case, dist, manifest(EXAMPLES, slug, env))
    built: dict[str, Path] = request.getfixturevalue("built_examples")
    return Tree(case, built[case], manifest(EXAMPLES, case, None))


@pytest.fixture(scope="module")
def fallback_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fallback tenant, built once for the module."""
    return build_fallback(tmp_path_factory.mktemp("fallback"))


@pytest.fixture(scope="module", params=CASES)
def tree(request: pytest.FixtureRequest) -> Tree:
    return make_tree(request, request.param)


@pytest.fixture(scope="module")
def nasty(request: pytest.FixtureRequest) -> Tree:
    return make_tree(request, NASTY_CASE)


@pytest.fixture(scope="module")
def fallback(request: pytest.FixtureRequest) -> Tree:
    return make_tree(request, FALLBACK_CASE)


# --- what each tree must hold ------------------------------------------------------------------


def supply_texts(tree: Tree, tag: str) -> dict[str, str]:
    """Relative path -> exact text of every text file in ``tag``'s supply folder."""
    files = {
        "title.txt": tree.first_text(tag, ("app", "name")),
        # Play requires both descriptions, so the templates fall back to the app's own texts.
        "short_description.txt": tree.first_text(
            tag, ("store", "short_description"), ("app", "name")
        ),
        "full_description.txt": tree.first_text(
            tag, ("store", "full_description"), ("app", "description"), ("app", "name")
        ),
    }
    notes = tree.text(("store", "release_notes"), tag)
    if notes is not None:
        # supply looks the changelog up by the versionCode it has just uploaded.
        files[f"changelogs/{tree.value(('app', 'build'))}.txt"] = notes
    return files


def deliver_texts(tree: Tree, tag: str) -> dict[str, str]:
    """Relative path -> exact text of every file in ``tag``'s deliver folder."""
    files = {
        "name.txt": tree.first_text(tag, ("app", "name")),
        "description.txt": tree.first_text(
            tag, ("store", "full_description"), ("app", "description"), ("app", "name")
        ),
        "privacy_url.txt": str(tree.value(("legal", "privacy_url"))),
    }
    support = tree.value(("legal", "support_url"))
    if support is not None:
        files["support_url.txt"] = str(support)
    for key in ("subtitle", "keywords", "promotional_text", "release_notes"):
        found = tree.text(("store", key), tag)
        if found is not None:
            files[f"{key}.txt"] = found
    # No marketing_url.txt: endpoints.web is the workspace people sign in to, not a marketing
    # page, and App Store Connect treats the field as optional.
    return files


def folders(tree: Tree, store: str) -> dict[str, str]:
    """Locale folder -> manifest tag, as locales.json maps it (one folder per tag)."""
    table = locale_table()
    mapped = {table[tag][store]: tag for tag in tree.tags}
    assert len(mapped) == len(tree.tags), f"two locales share a {store} folder: {tree.tags}"
    return mapped


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def text_files(tree: Tree) -> list[Path]:
    found = sorted(tree.dist.joinpath("metadata").rglob("*.txt"))
    assert found, f"no metadata text files in {tree.dist}"
    return found


def limit_for(limits: dict[str, tuple[int, str]], rel: str) -> tuple[int, str] | None:
    return next((v for pattern, v in limits.items() if fnmatch(rel, pattern)), None)


# --- the locale folders --------------------------------------------------------------------


def test_locale_table_names_only_fastlane_codes() -> None:
    # Every locale ixm accepts, not only the examples': a tenant may add any of them.
    table = locale_table()
    unknown_supply = {
        t: r["supply"] for t, r in table.items() if r["supply"] not in SUPPLY_LANGUAGES
    }
    unknown_deliver = {
        t: r["deliver"] for t, r in table.items() if r["deliver"] not in DELIVER_LANGUAGES
    }
    assert unknown_supply == {} and unknown_deliver == {}
    assert {t: (table[t]["supply"], table[t]["deliver"]) for t in CHEAT_SHEET} == CHEAT_SHEET


def test_one_folder_per_locale_with_the_store_code(tree: Tree) -> None:
    assert sorted(p.name for p in (tree.dist / "metadata").iterdir()) == ["android", "ios"]
    for root, store, known in (
        (tree.supply, "supply", SUPPLY_LANGUAGES),
        (tree.deliver, "deliver", DELIVER_LANGUAGES),
    ):
        found = sorted(p.name for p in root.iterdir())
        assert all((root / name).is_dir() for name in found), found
        assert found == sorted(folders(tree, store)), (store, tree.tags)
        assert set(found) <= known, f"not fastlane {store} codes: {set(found) - known}"


# --- the texts ---------------------------------------------------------------------------------


def test_supply_files_are_exactly_the_manifest_texts(tree: Tree) -> None:
    for folder, tag in folders(tree, "supply").items():
        expected = supply_texts(tree, tag)
        root = tree.supply / folder
        assert files_under(root) == {*expected, "images/icon.png"}, folder
        for rel, text in expected.items():
            assert (root / rel).read_bytes() == text.encode("utf-8"), f"{folder}/{rel}"


def test_deliver_files_are_exactly_the_manifest_texts(tree: Tree) -> None:
    for folder, tag in folders(tree, "deliver").items():
        expected = deliver_texts(tree, tag)
        root = tree.deliver / folder
        assert files_under(root) == set(expected), folder
        for rel, text in expected.items():
            assert (root / rel).read_bytes() == text.encode("utf-8"), f"{folder}/{rel}"


def test_text_files_are_utf8_without_bom_with_lf(tree: Tree) -> None:
    for path in text_files(tree):
        data = path.read_bytes()
        assert not data.startswith(BOM), path  # fastlane would upload the BOM as text
        data.decode("utf-8")  # strict: supply reads with encoding: 'UTF-8'
        assert b"\r" not in data, path


def test_no_template_syntax_is_left(tree: Tree) -> None:
    # A mark may appear only as often as the manifest's own text holds it (the nasty tenant
    # writes {{ 7*7 }} literally); file names must be free of them altogether.
    for store, root, expected_of in (
        ("supply", tree.supply, supply_texts),
        ("deliver", tree.deliver, deliver_texts),
    ):
        for folder, tag in folders(tree, store).items():
            expected = expected_of(tree, tag)
            for path in sorted((root / folder).rglob("*")):
                rel = path.relative_to(root / folder).as_posix()
                assert not any(m in rel for m in TEMPLATE_MARKS), rel
                assert "cookiecutter" not in rel, rel
                if path.suffix != ".txt":
                    continue
                text = path.read_text("utf-8")
                assert "cookiecutter" not in text and "_ixm" not in text, path
                for mark in TEMPLATE_MARKS:
                    assert text.count(mark) == expected[rel].count(mark), (path, mark)


def test_store_limits_hold(tree: Tree) -> None:
    checked = 0
    for root, limits in ((tree.supply, SUPPLY_LIMITS), (tree.deliver, DELIVER_LIMITS)):
        for path in sorted(root.rglob("*.txt")):
            rel = path.relative_to(root).as_posix().split("/", 1)[1]
            limit = limit_for(limits, rel)
            if limit is None:
                continue  # privacy_url: a URL, no store limit
            maximum, unit = limit
            text = path.read_text("utf-8")
            size = len(text.encode("utf-8")) if unit == "bytes" else len(text)
            assert size <= maximum, f"{path}: {size} {unit}, the limit is {maximum}"
            checked += 1
    for name in tree.deliver.glob("*/name.txt"):
        assert len(name.read_text("utf-8").strip()) >= NAME_MIN, name
    # At least title, short and full description (supply) + name and description (deliver)
    # per locale were measured: the loop above did not silently skip the tree.
    assert checked >= 5 * len(tree.tags)


def test_changelog_is_named_after_the_build_number(tree: Tree) -> None:
    build = tree.value(("app", "build"))
    has_notes = tree.value(("store", "release_notes")) is not None
    for folder in folders(tree, "supply"):
        changelogs = sorted(p.name for p in (tree.supply / folder).glob("changelogs/*"))
        assert changelogs == ([f"{build}.txt"] if has_notes else []), folder


def test_play_icon_is_512_rgb_png_under_1024_kb(tree: Tree) -> None:
    for folder in folders(tree, "supply"):
        path = tree.supply / folder / "images" / "icon.png"
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), path
        assert path.stat().st_size < PLAY_ICON_MAX_BYTES, path
        with Image.open(path) as im:
            assert im.format == "PNG"
            assert im.size == (PLAY_ICON_SIDE, PLAY_ICON_SIDE), path
            # Opaque (PLATFORM_SPEC U-7): no alpha channel and no tRNS transparent colour.
            assert im.mode == "RGB" and "transparency" not in im.info, (path, im.mode)


def test_deliver_has_the_required_privacy_url(tree: Tree) -> None:
    url = tree.value(("legal", "privacy_url"))
    assert isinstance(url, str) and url.startswith("https://")
    for folder in folders(tree, "deliver"):
        assert (tree.deliver / folder / "privacy_url.txt").read_text("utf-8") == url


# --- particular tenants ------------------------------------------------------------------------


def test_staging_texts_come_from_the_overlay(request: pytest.FixtureRequest) -> None:
    staging = make_tree(request, STAGING_CASE)
    # environments.staging overrides only the English name; Chinese stays the prod one.
    assert (staging.supply / "en-US" / "title.txt").read_text("utf-8") == "YunZhu Ding β"
    assert (staging.deliver / "en-US" / "name.txt").read_text("utf-8") == "YunZhu Ding β"
    assert (staging.deliver / "zh-Hans" / "name.txt").read_text("utf-8") == "云助钉"


def test_nasty_texts_reach_both_stores_literally(nasty: Tree) -> None:
    table = locale_table()
    supply_files = {
        "title.txt": NASTY["name"],
        "short_description.txt": NASTY_STORE["short_description"],
        "full_description.txt": NASTY_STORE["full_description"],
        f"changelogs/{nasty.value(('app', 'build'))}.txt": NASTY_STORE["release_notes"],
    }
    deliver_files = {
        "name.txt": NASTY["name"],
        "description.txt": NASTY_STORE["full_description"],
        **{f"{k}.txt": NASTY_STORE[k] for k in (
            "subtitle", "keywords", "promotional_text", "release_notes"
        )},
    }
    literal = 0
    for tag in NASTY_LOCALES:
        for root, files in (
            (nasty.supply / table[tag]["supply"], supply_files),
            (nasty.deliver / table[tag]["deliver"], deliver_files),
        ):
            for rel, texts in files.items():
                got = (root / rel).read_text("utf-8")
                assert got == texts[tag], f"{root.name}/{rel}"
                if "{{ 7*7 }}" in texts[tag]:
                    assert "49" not in got, f"{root.name}/{rel} was rendered as a template"
                    literal += 1
    assert literal >= 10  # the literal {{ 7*7 }} really went through both trees


def test_default_locale_fallback(fallback: Tree) -> None:
    """Locales without their own text get the default locale's, field by field."""

    def supply(folder: str, rel: str) -> bytes:
        return (fallback.supply / folder / rel).read_bytes()

    def deliver(folder: str, rel: str) -> bytes:
        return (fallback.deliver / folder / rel).read_bytes()

    # The plain-string name is every locale's title, and the short description falls back
    # to it: Play has no listing without one.
    for folder in ("en-US", "de-DE", "zh-CN"):
        assert supply(folder, "title.txt") == b"Acme Ding"
        assert supply(folder, "short_description.txt") == b"Acme Ding"
        # app.description in English only: German and Chinese get the English text.
        assert supply(folder, "full_description.txt") == b"Work together"
        # The literal block kept its final newline (it is part of the text) and the CRLF
        # of the Windows-saved manifest became LF.
        assert supply(folder, "changelogs/42.txt") == b"Bug fixes.\nFaster sync.\n"
    for folder in ("en-US", "de-DE", "zh-Hans"):
        assert deliver(folder, "subtitle.txt") == b"Work, together"
        assert deliver(folder, "release_notes.txt") == b"Bug fixes.\nFaster sync.\n"
    # A locale with its own text keeps it; one without takes the default locale's.
    assert deliver("zh-Hans", "keywords.txt") == "沟通,审批,文档".encode()
    assert deliver("de-DE", "keywords.txt") == b"chat,approvals,docs"
    assert deliver("de-DE", "promotional_text.txt") == b"Now with meetings."
