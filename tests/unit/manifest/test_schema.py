"""The brand.yaml JSON Schema, proven by what an editor does with it.

Editors (VS Code's YAML extension, JetBrains) find the schema through the modeline
``# yaml-language-server: $schema=../brand.schema.json`` on the first line of a manifest and
validate the file *as written* against it, with a Draft 2020-12 validator. So: the schema is a
valid 2020-12 schema; every example file validates; it rejects the common mistakes (and
`ixm validate` rejects the same files, so the editor and ixm agree); it accepts the odd but
valid files ixm accepts, so an editor never marks a good manifest red; and the committed
``tenants/brand.schema.json`` is exactly what ``ixm schema`` prints, so it never goes stale.

Parent manifests (``tenants/_*/brand.yaml``) are partial by design: they have no ``tenant``
and leave out what each child adds. The schema itself encodes this (``model.json_schema``):
a file is checked against a partial form, and one that is complete on its own (``tenant``
and no ``extends``) against the full form too. So parents are validated as files like any
other, and in addition every child's *merged* manifest (extends and each environment
applied, through the library's loader) is validated against the full form, ``$defs/Manifest``:
what the parent leaves out must be supplied somewhere in the chain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import DELETE, EXAMPLES, check, errors, make_tenant, run_ixm
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from ruamel.yaml import YAML

from ixm_cli import api
from ixm_cli.manifest.resolve import Workspace, environments
from ixm_cli.manifest.tenant import check_tenant, load_merged

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
MODELINE = "# yaml-language-server: $schema=../brand.schema.json"
MANIFESTS = sorted(EXAMPLES.glob("*/brand.yaml"))
CHILDREN = sorted(p.parent.name for p in MANIFESTS if not p.parent.name.startswith("_"))
PARENTS = sorted(p.parent.name for p in MANIFESTS if p.parent.name.startswith("_"))


def load(path: Path) -> Any:
    """A manifest as an editor's validator sees it: plain YAML data (ruamel, safe loader)."""
    return YAML(typ="safe", pure=True).load(path.read_text("utf-8"))


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(v: Draft202012Validator, data: Any) -> list[str]:
    return sorted({f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(data)})


def every_error(errs: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """Errors with the ones nested under anyOf (an optional block is ``X | null``)."""
    for e in errs:
        yield e
        yield from every_error(e.context or [])


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return api.schema()


@pytest.fixture(scope="module")
def file_validator(schema: dict[str, Any]) -> Draft202012Validator:
    return validator(schema)


@pytest.fixture(scope="module")
def full_validator(schema: dict[str, Any]) -> Draft202012Validator:
    """The full form alone: a complete, resolved manifest."""
    return validator(
        {"$schema": DRAFT_2020_12, "$ref": "#/$defs/Manifest", "$defs": schema["$defs"]}
    )


# --- the schema itself ---------------------------------------------------------------------------


def test_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(schema)


def test_tenant_json_schema_from_the_cli_is_valid() -> None:
    result = run_ixm("schema", "--tenant-json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(printed)
    assert printed == api.schema(tenant_json=True)


def test_committed_schema_is_what_ixm_schema_prints() -> None:
    # Editors read the committed file: regenerate it with `ixm schema > tenants/brand.schema.json`.
    result = run_ixm("schema")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (EXAMPLES / "brand.schema.json").read_bytes()
    assert json.loads(result.stdout) == api.schema()


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_example_starts_with_the_schema_modeline(path: Path) -> None:
    first = path.read_text("utf-8").splitlines()[0]
    assert first == MODELINE
    # The modeline's relative path really leads to the committed schema.
    assert (path.parent / "../brand.schema.json").resolve() == EXAMPLES / "brand.schema.json"


# --- the examples --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_every_example_file_validates(path: Path, file_validator: Draft202012Validator) -> None:
    assert problems(file_validator, load(path)) == []


@pytest.mark.parametrize("slug", CHILDREN)
def test_every_merged_example_is_a_full_manifest(
    slug: str, full_validator: Draft202012Validator
) -> None:
    ws = Workspace.at(EXAMPLES)
    base, chain_problems = load_merged(ws, slug)
    assert chain_problems == []
    for env in [None, *environments(base)]:
        checked = check_tenant(ws, slug, env, images=False)
        assert checked.ok and checked.merged is not None, (slug, env)
        assert problems(full_validator, checked.merged.data) == [], (slug, env)


@pytest.mark.parametrize("slug", PARENTS)
def test_a_parent_alone_is_partial(
    slug: str, file_validator: Draft202012Validator, full_validator: Draft202012Validator
) -> None:
    data = load(EXAMPLES / slug / "brand.yaml")
    assert problems(file_validator, data) == []
    # The full form does demand what a parent leaves to its children: the split is real.
    missing = [e for e in full_validator.iter_errors(data) if e.validator == "required"]
    assert any("'tenant' is a required property" in e.message for e in missing)


# --- mistakes it catches, and valid files it must not flag ---------------------------------------

# (case, overrides on the helpers' baseline manifest, validator keyword, error path,
#  the diagnostic field `ixm validate` reports for the same file)
REJECTED: list[tuple[str, dict[str, Any], str, list[str], str]] = [
    ("unknown top-level key", {"colour": {"primary": "#FFFFFF"}}, "additionalProperties", [],
     "colour"),
    ("unknown nested key", {"colors": {"primray": "#FFFFFF"}}, "additionalProperties",
     ["colors"], "colors.primray"),
    ("wrong type", {"app": {"build": "230"}}, "type", ["app", "build"], "app.build"),
    ("bool as text", {"features": {"im": "yes"}}, "type", ["features", "im"], "features.im"),
    ("bad colour", {"colors": {"primary": "#12345"}}, "pattern", ["colors", "primary"],
     "colors.primary"),
    ("missing required key", {"legal": DELETE}, "required", [], "legal"),
    ("missing schema", {"schema": DELETE}, "required", [], "schema"),
    ("bad storage mode", {"storage": {"mode": "hybrid"}}, "enum", ["storage", "mode"],
     "storage.mode"),
    ("environments as text", {"environments": "staging"}, "type", ["environments"],
     "environments"),
    ("environments as a list", {"environments": ["staging", "dev"]}, "type", ["environments"],
     "environments"),
    ("environments as a number", {"environments": 2}, "type", ["environments"],
     "environments"),
    ("a port that is not a number", {"endpoints": {"api": "https://api.acme.example:abc"}},
     "pattern", ["endpoints", "api"], "endpoints.api"),
    ("port 0", {"endpoints": {"web": "https://ding.acme.example:0/"}}, "pattern",
     ["endpoints", "web"], "endpoints.web"),
    ("port 65536", {"storage": {"endpoint": "https://oss.acme.example:65536"}}, "pattern",
     ["storage", "endpoint"], "storage.endpoint"),
    ("a port out of range in a legal URL", {"legal": {"privacy_url": "https://a.example:99999/p"}},
     "pattern", ["legal", "privacy_url"], "legal.privacy_url"),
]


@pytest.mark.parametrize(
    ("overrides", "keyword", "path", "field"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_rejects_what_ixm_rejects(
    root: Path,
    file_validator: Draft202012Validator,
    overrides: dict[str, Any],
    keyword: str,
    path: list[str],
    field: str,
) -> None:
    manifest = make_tenant(root, "acme", overrides, images=False)
    found = [
        e for e in every_error(file_validator.iter_errors(load(manifest)))
        if e.validator == keyword and list(e.absolute_path) == path
    ]
    assert found, problems(file_validator, load(manifest))
    assert field in {d.field for d in errors(check(root, "acme").diagnostics)}


# Files ixm accepts that the schema must accept too (an editor must not flag them).
ACCEPTED: dict[str, Callable[[Path], Path]] = {
    "baseline": lambda root: make_tenant(root, "acme"),
    "plain strings for texts": lambda root: make_tenant(
        root,
        "acme",
        {"app": {"name": "Acme Ding", "short_name": "Acme", "description": "Work together"},
         "store": {"keywords": "chat,approvals,docs"}},
    ),
    "short colours": lambda root: make_tenant(
        root, "acme", {"colors": {"on_primary": "#fff", "background": "#fff"}}
    ),
    "cloud storage, no optional blocks": lambda root: make_tenant(
        root,
        "acme",
        {"storage": {"mode": "cloud", "endpoint": DELETE, "bucket": DELETE, "region": DELETE},
         "typography": DELETE, "features": DELETE, "store": DELETE, "signing": DELETE},
    ),
    # `staging:` with nothing under it (every key commented out) overlays nothing.
    "an empty environment": lambda root: make_tenant(
        root, "acme", {"environments": {"staging": None}}
    ),
    "environments: with nothing under it": lambda root: make_tenant(
        root, "acme", {"environments": None}
    ),
    "a child of a partner brand": lambda root: make_tenant(root, "acme", parent="_partner"),
    "URLs with ports": lambda root: make_tenant(
        root,
        "acme",
        {"endpoints": {"api": "https://api.acme.example:8443/v1", "web": "https://a.example:1/"},
         "legal": {"support_url": "https://acme.example:65535/support?x=1"},
         "environments": {"dev": {"endpoints": {"api": "http://[::1]:8080/api"}}}},
    ),
}


@pytest.mark.parametrize("make", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_accepts_what_ixm_accepts(
    root: Path, file_validator: Draft202012Validator, make: Callable[[Path], Path]
) -> None:
    make(root)
    slugs = Workspace.at(root).discover()
    assert slugs == ["acme"]
    ws = Workspace.at(root)
    base, _ = load_merged(ws, "acme")
    for env in [None, *environments(base)]:
        assert errors(check(root, "acme", env).diagnostics) == [], env
    for manifest in sorted(root.glob("*/brand.yaml")):  # the parent too, when there is one
        assert problems(file_validator, load(manifest)) == [], manifest
