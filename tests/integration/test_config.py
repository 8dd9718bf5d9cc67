"""tenant.json, proven by what a client reads: one JSON document, valid against its schema.

Each platform's app reads its runtime config from a file bundled with it: Android from
``assets/tenant.json`` (``AssetManager.open``), iOS from the app bundle (``ios/App/``) and the
web app by fetching ``web/tenant.json``. Client teams validate it with the JSON Schema that
``ixm schema --tenant-json`` prints. So for every tree: the three copies exist and are the
same bytes (a client must not behave differently per platform), the document parses as
JSON, it is valid under that schema (Draft 2020-12, format checks on), and it says what
brand.yaml says. The expectation is read back from brand.yaml through the library's loader
(extends and environment overlays applied), not from the Brand the file was rendered from.
A ``--platform`` build writes only that platform's copy.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, NASTY, NASTY_LOCALES, REPO, example_slugs
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from ixm_cli import api
from ixm_cli.manifest.resolve import Merged, Workspace, get
from ixm_cli.manifest.tenant import check_tenant

COPIES = {  # platform -> where its client reads tenant.json (DESIGN.md, "Output")
    "android": "android/app/src/main/assets/tenant.json",
    "ios": "ios/App/tenant.json",
    "web": "web/tenant.json",
}
FEATURES = ("im", "attendance", "approvals", "docs", "meetings", "projects", "low_code")
CATALOG = YAML(typ="safe", pure=True).load(
    (REPO / "brand_templates" / "modules.yaml").read_text("utf-8"))["modules"]
"""The bundled base's module catalog, read here on its own (not through ixm)."""
COLOR_KEYS = ("primary", "on_primary", "secondary", "background", "on_background")
BOM = b"\xef\xbb\xbf"

NASTY_CASE = "nasty-names"
ENV_CASES = ["yunzhuding@staging", "ouruanding@staging"]  # an id overlay; a storage overlay
CASES = [*example_slugs(), *ENV_CASES, NASTY_CASE]


@dataclass(frozen=True)
class Tree:
    case: str
    dist: Path
    env: str | None
    manifest: Merged

    def value(self, *path: str) -> Any:
        return get(self.manifest, path)

    def read(self, platform: str) -> bytes:
        return (self.dist / COPIES[platform]).read_bytes()

    def document(self) -> dict[str, Any]:
        doc = json.loads(self.read("web").decode("utf-8"))
        assert isinstance(doc, dict)
        return doc


def manifest(tenants: Path, slug: str, env: str | None) -> Merged:
    checked = check_tenant(Workspace.at(tenants), slug, env, images=False)
    assert checked.ok and checked.merged is not None, [d.render() for d in checked.diagnostics]
    return checked.merged


@pytest.fixture(scope="module", params=CASES)
def tree(request: pytest.FixtureRequest) -> Tree:
    case: str = request.param
    if case == NASTY_CASE:
        nasty: Callable[..., Path] = request.getfixturevalue("nasty_tenant")
        dist = nasty()
        return Tree(case, dist, None, manifest(dist.parent.parent / "tenants", dist.name, None))
    if "@" in case:
        slug, env = case.split("@")
        dist = request.getfixturevalue("build_example")(slug, env)
        return Tree(case, dist, env, manifest(EXAMPLES, slug, env))
    built: dict[str, Path] = request.getfixturevalue("built_examples")
    return Tree(case, built[case], None, manifest(EXAMPLES, case, None))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = api.schema(tenant_json=True)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- what brand.yaml says ------------------------------------------------------------------------


def rtl_tags() -> set[str]:
    """Right-to-left locales, from ixm_cli/data/locales.json (the "dir" column)."""
    text = resources.files("ixm_cli").joinpath("data/locales.json").read_text("utf-8")
    return {row["tag"] for row in json.loads(text)["locales"] if row["dir"] == "rtl"}


def hex6(value: str) -> str:
    """``#abc`` / ``#aabbcc`` -> ``#AABBCC``, the one spelling clients have to parse."""
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def localised(tree: Tree, path: tuple[str, ...], tag: str) -> str | None:
    """A text for ``tag``: its own, else the default locale's; a plain string is for all."""
    value = get(tree.manifest, path)
    if value is None or isinstance(value, str):
        return value
    default = tree.value("locales")[0]
    found = value.get(tag, value[default])
    assert isinstance(found, str)
    return found


def expected_document(tree: Tree) -> dict[str, Any]:
    tags: list[str] = list(tree.value("locales"))
    rtl = rtl_tags()
    names: dict[str, Any] = {}
    for tag in tags:
        name = localised(tree, ("app", "name"), tag)
        entry: dict[str, Any] = {
            "name": name,
            "short_name": localised(tree, ("app", "short_name"), tag) or name,  # DESIGN default
            "dir": "rtl" if tag in rtl else "ltr",
        }
        description = localised(tree, ("app", "description"), tag)
        if description is not None:
            entry["description"] = description
        names[tag] = entry
    colors = tree.value("colors")
    light = {k: hex6(colors[k]) for k in COLOR_KEYS if k in colors}
    light.setdefault("secondary", light["primary"])  # "Accent colour (defaults to primary)"
    dark = {**light, **{k: hex6(v) for k, v in (colors.get("dark") or {}).items()}}
    features = dict(tree.value("features") or {})
    given = dict(tree.value("modules") or {})
    features.update({k: v is not False for k, v in given.items()})
    # Every example declares every feature (directly or through its parent), so this test
    # does not depend on a default for an undeclared one.
    assert sorted(features) == sorted(FEATURES), features
    modules = []
    for name, spec in CATALOG.items():  # the catalog's order
        if not features[name]:
            continue
        props = (spec.get("config") or {}).get("properties") or {}
        settings = given.get(name) if isinstance(given.get(name), dict) else {}
        modules.append({
            "name": name,
            "title": {t: spec["title"].get(t, spec["title"]["en"]) for t in tags},
            "icon": spec["icon"],
            "route": spec["route"],
            "config": {**{k: v["default"] for k, v in props.items() if "default" in v},
                       **settings},
        })
    storage = tree.value("storage") or {"mode": "cloud"}
    if storage["mode"] != "private":
        storage = {"mode": storage["mode"]}  # a cloud tenant has no store of its own
    endpoints = {k: v for k, v in tree.value("endpoints").items() if v is not None}
    font = tree.value("typography", "font_family")
    return {
        "$schema": api.schema(tenant_json=True)["$id"],
        "schema": "ixm-tenant/v1",
        "tenant": tree.value("tenant"),
        "environment": tree.env or "prod",
        "ids": dict(tree.value("ids")),
        "version": {"name": tree.value("app", "version"), "build": tree.value("app", "build")},
        "locales": {"default": tags[0], "supported": tags},
        "names": names,
        "colors": {"light": light, "dark": dark},
        "typography": {"font_family": font} if font else {},
        "features": {f: features[f] for f in FEATURES},
        "modules": modules,
        "endpoints": endpoints,
        "storage": dict(storage),
        "legal": {k: v for k, v in tree.value("legal").items() if v is not None},
    }


# --- the tests ---------------------------------------------------------------------------------


def test_three_copies_exist_and_are_byte_identical(tree: Tree) -> None:
    copies = {p: tree.read(p) for p in COPIES}
    assert copies["android"] == copies["ios"] == copies["web"]
    data = copies["web"]
    assert not data.startswith(BOM) and b"\r" not in data
    data.decode("utf-8")  # strict: JSON text exchanged between systems is UTF-8 (RFC 8259)


def test_parses_and_is_valid_against_the_published_schema(
    tree: Tree, validator: Draft202012Validator
) -> None:
    doc = tree.document()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def test_carries_what_brand_yaml_says(tree: Tree) -> None:
    assert tree.document() == expected_document(tree)


def test_storage_mode(request: pytest.FixtureRequest, built_examples: dict[str, Path]) -> None:
    docs = {
        slug: json.loads((dist / COPIES["web"]).read_text("utf-8"))
        for slug, dist in built_examples.items()
    }
    # The exclusive edition keeps data in the customer's own store: clients need where.
    assert docs["yunzhuding"]["storage"] == {
        "mode": "private",
        "endpoint": "https://oss.yunzhu.example",
        "bucket": "yunzhu-data",
        "region": "cn-hangzhou",
    }
    # A cloud tenant (huaxinding inherits cloud from lanlingding) names no store at all.
    for slug in ("xiwangding", "lanlingding", "huaxinding"):
        assert docs[slug]["storage"] == {"mode": "cloud"}, slug
    # An environment overlay changes one storage key and keeps the rest.
    staging = request.getfixturevalue("build_example")("ouruanding", "staging")
    assert json.loads((staging / COPIES["web"]).read_text("utf-8"))["storage"] == {
        "mode": "private",
        "endpoint": "https://s3.ouruan.example",
        "bucket": "ouruan-ding-staging",
        "region": "eu-central-1",
    }


def test_staging_identity(build_example: Callable[..., Path]) -> None:
    doc = json.loads((build_example("yunzhuding", "staging") / COPIES["ios"]).read_text("utf-8"))
    assert doc["environment"] == "staging"
    assert doc["ids"] == {
        "android": "com.greentown.yunzhuding.staging",
        "ios": "com.greentown.yunzhuding.staging",
    }
    assert doc["endpoints"]["api"] == "https://api-staging.yunzhu.example"
    assert doc["names"]["en"]["name"] == "YunZhu Ding β"


def test_nasty_names_are_plain_json_strings(nasty_tenant: Callable[..., Path]) -> None:
    doc = json.loads((nasty_tenant() / COPIES["android"]).read_text("utf-8"))
    for tag in NASTY_LOCALES:
        assert doc["names"][tag]["name"] == NASTY["name"][tag]
        assert doc["names"][tag]["short_name"] == NASTY["short_name"][tag]
        assert doc["names"][tag]["description"] == NASTY["description"][tag]
    assert [doc["names"][t]["dir"] for t in NASTY_LOCALES] == ["ltr", "ltr", "rtl", "rtl"]


def test_schema_rejects_what_clients_cannot_use(
    built_examples: dict[str, Path], validator: Draft202012Validator
) -> None:
    # The validity test above means something only if the schema does reject broken files.
    good = json.loads((built_examples["yunzhuding"] / COPIES["web"]).read_text("utf-8"))
    broken: dict[str, Callable[[dict[str, Any]], object]] = {
        "private without bucket": lambda d: d["storage"].pop("bucket"),
        "cloud with endpoint and bucket": lambda d: d["storage"].update(mode="cloud"),
        "lower-case colour": lambda d: d["colors"]["light"].update(primary="#0a7d5a"),
        "feature as text": lambda d: d["features"].update(im="yes"),
        "module without route": lambda d: d["modules"][0].pop("route"),
        "module named in capitals": lambda d: d["modules"][0].update(name="IM"),
        "unknown key": lambda d: d.update(extra=1),
        "build as text": lambda d: d["version"].update(build="230"),
        "ftp endpoint": lambda d: d["endpoints"].update(api="ftp://api.yunzhu.example"),
    }
    assert validator.is_valid(good)
    accepted = []
    for label, breaks in broken.items():
        doc = copy.deepcopy(good)
        breaks(doc)
        if validator.is_valid(doc):
            accepted.append(label)
    assert accepted == []


@pytest.mark.parametrize("platform", ["web"])
def test_platform_build_writes_only_its_copy(
    platform: str, build_example: Callable[..., Path], built_examples: dict[str, Path]
) -> None:
    dist = build_example("xiwangding", platforms=platform)
    written = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("tenant.json"))
    assert written == [COPIES[platform]]
    # ...and it is the same file an all-platform build writes.
    assert (dist / COPIES[platform]).read_bytes() == (
        built_examples["xiwangding"] / COPIES[platform]
    ).read_bytes()
