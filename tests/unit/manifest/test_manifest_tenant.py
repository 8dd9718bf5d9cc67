"""Tenant identity, ``extends`` chains with provenance, and environment overlays."""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import (
    DELETE,
    Marked,
    at,
    build_file_tree,
    check,
    diagnose,
    line_of,
    make_tenant,
    marker_col,
    marker_line,
    only,
    run_ixm,
    set_manifest,
)

from ixm_cli import api
from ixm_cli.errors import Severity


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


# -- tenant slug ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["Acme", "1acme", "a", "acme_ding", "acme ding", "a" * 40])
def test_invalid_slug(root: Path, slug: str) -> None:
    manifest = make_tenant(root, "acme", {"tenant": Marked(slug)})
    d = only(diagnose(root, "acme"), "tenant")
    assert d.message == f"{slug!r} is not a valid tenant slug"
    assert d.hint and "lowercase letters" in d.hint
    assert at(d) == (manifest, marked(manifest), len("tenant: ") + 1)


def test_slug_must_equal_the_folder(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"tenant": Marked("other")})
    d = only(diagnose(root, "acme"), "tenant")
    assert d.message == "tenant 'other' does not match its folder 'acme'"
    assert d.hint == "write tenant: acme, or rename the folder"
    assert at(d) == (manifest, marked(manifest), 9)


def test_missing_tenant(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"tenant": DELETE})
    d = only(diagnose(root, "acme"), "tenant")
    assert d.message == "missing required key 'tenant'"
    assert d.location is not None and d.location.file == manifest


def test_tenant_inherited_from_a_parent_is_refused(root: Path) -> None:
    make_tenant(root, "base")  # a buildable tenant another one extends
    manifest = make_tenant(root, "acme", {"tenant": DELETE, "extends": "../base/brand.yaml"})
    d = only(diagnose(root, "acme"), "tenant")
    assert d.message == "tenant 'base' is inherited from base/; every tenant declares its own"
    assert d.hint == "add tenant: acme"
    assert at(d) == (manifest, 1, 1)


def test_a_parent_folder_must_not_declare_a_tenant(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner", parent_overrides={"tenant": Marked("partner")})
    parent = root / "_partner" / "brand.yaml"
    d = only(diagnose(root, "acme"), "tenant")
    assert d.message == "a parent manifest (folder starting with '_') has no tenant key"
    assert at(d) == (parent, marked(parent), 1)


# -- extends -------------------------------------------------------------------------------


def test_missing_parent_is_reported_at_the_extends_line(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"extends": Marked("../_nope/brand.yaml")})
    d = only(diagnose(root, "acme"), "extends")
    assert d.message == "parent manifest '../_nope/brand.yaml' does not exist"
    assert d.hint == "check the path; it is relative to this manifest's folder"
    assert at(d) == (manifest, marked(manifest), len("extends: ") + 1)


def test_extends_may_name_the_parent_folder(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner")
    set_manifest(root / "acme" / "brand.yaml", {"extends": "../_partner"})
    assert diagnose(root, "acme") == []


def test_extends_cycle(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner",
                parent_overrides={"extends": Marked("../acme/brand.yaml")})
    parent = root / "_partner" / "brand.yaml"
    d = only(diagnose(root, "acme"), "extends")
    assert d.message.startswith("extends cycle: ")
    assert d.message.count("acme/brand.yaml") == 2 and "_partner/brand.yaml" in d.message
    assert ".." not in d.message
    assert at(d) == (parent, marked(parent), len("extends: ") + 1)


def test_a_manifest_extending_itself_is_a_cycle(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"extends": Marked("brand.yaml")})
    d = only(diagnose(root, "acme"), "extends")
    assert "extends cycle" in d.message
    assert at(d)[:2] == (manifest, marked(manifest))


def _chain(root: Path, parents: int) -> Path:
    """acme -> _p1 -> ... -> _pN; _pN holds the parent keys, the others only extend."""
    make_tenant(root, "acme", parent=f"_p{parents}")
    set_manifest(root / "acme" / "brand.yaml", {"extends": "../_p1/brand.yaml"})
    for i in range(1, parents):
        build_file_tree(
            {f"_p{i}/brand.yaml": f"schema: ixm/v1\nextends: ../_p{i + 1}/brand.yaml  # <-\n"},
            root,
        )
    return root


def test_an_extends_chain_of_eight_parents_is_accepted(root: Path) -> None:
    _chain(root, 8)
    result = check(root, "acme")
    assert result.diagnostics == []
    assert result.brand is not None and len(result.brand.manifests) == 9


def test_an_extends_chain_deeper_than_eight_is_refused(root: Path) -> None:
    _chain(root, 9)
    last = root / "_p8" / "brand.yaml"
    d = only(diagnose(root, "acme"), "extends")
    assert d.message == "extends chain is deeper than 8"
    assert at(d) == (last, marked(last), len("extends: ") + 1)


def test_absolute_extends_is_refused(root: Path) -> None:
    target = root / "_partner" / "brand.yaml"
    manifest = make_tenant(root, "acme", {"extends": Marked(str(target))}, parent="_partner")
    d = only(diagnose(root, "acme"), "extends")
    assert d.message == f"{str(target)!r} is an absolute path"
    assert at(d) == (manifest, marked(manifest), 10)


def test_extends_outside_the_tenants_root_is_refused(root: Path) -> None:
    build_file_tree({"elsewhere/brand.yaml": "schema: ixm/v1\n"}, root.parent)
    manifest = make_tenant(root, "acme", {"extends": Marked("../../elsewhere/brand.yaml")})
    d = only(diagnose(root, "acme"), "extends")
    assert d.message == "'../../elsewhere/brand.yaml' points outside the tenants folder"
    assert at(d) == (manifest, marked(manifest), 10)


def test_extends_through_a_symlink_leaving_the_root_is_refused(root: Path) -> None:
    build_file_tree({"elsewhere/brand.yaml": "schema: ixm/v1\n"}, root.parent)
    (root / "_partner").symlink_to(root.parent / "elsewhere")
    manifest = make_tenant(root, "acme", {"extends": Marked("../_partner/brand.yaml")})
    d = only(diagnose(root, "acme"), "extends")
    assert "outside the tenants folder" in d.message
    assert at(d)[:2] == (manifest, marked(manifest))


@pytest.mark.parametrize("value", [3, True, "", "  "])
def test_extends_must_be_a_path(root: Path, value: object) -> None:
    manifest = make_tenant(root, "acme", {"extends": Marked(value)})
    d = only(diagnose(root, "acme"), "extends")
    assert d.message == "extends must be a relative path to a brand.yaml"
    assert at(d)[:2] == (manifest, marked(manifest))


def test_child_overrides_a_parent_colour_and_inherits_the_rest(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"primary": Marked("#0B6E4F")}},
                           parent="_partner")
    parent = root / "_partner" / "brand.yaml"
    result = check(root, "acme")
    # the one finding is the inheritance lint's: a new primary under the parent's dark one
    assert [(d.severity, d.field) for d in result.diagnostics] == [
        (Severity.WARNING, "colors.dark")
    ]
    brand = result.brand
    assert brand is not None
    assert brand.light.primary == "#0B6E4F"
    assert brand.light.on_primary == "#FFFFFF"  # from the parent
    assert brand.manifests == (manifest, parent)
    # provenance: the override points into the child, an inherited value into the parent
    own = brand.provenance["colors.primary"]
    assert (own.file, own.line) == (manifest, marked(manifest))
    inherited = brand.provenance["colors.on_primary"]
    assert (inherited.file, inherited.line) == (parent, line_of(parent, "  on_primary:"))


def test_an_error_in_an_inherited_value_points_into_the_parent(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner",
                parent_overrides={"legal": {"support_email": Marked("nobody")}})
    parent = root / "_partner" / "brand.yaml"
    d = only(diagnose(root, "acme"), "legal.support_email")
    assert at(d) == (parent, marked(parent), len("  support_email: ") + 1)


def test_lists_replace_and_maps_merge(root: Path) -> None:
    make_tenant(root, "acme", {"locales": ["zh-Hans", "en"]}, parent="_partner")
    brand = check(root, "acme").brand
    assert brand is not None
    assert [loc.tag for loc in brand.locales] == ["zh-Hans", "en"]
    assert brand.font_family == "Noto Sans SC"


def test_child_inherits_parent_assets_from_the_parent_folder(root: Path) -> None:
    make_tenant(root, "acme", parent="_partner")
    assert not (root / "acme" / "assets").exists()
    brand = check(root, "acme", images=True).brand
    assert brand is not None
    assert brand.assets.icon == root / "_partner" / "assets" / "icon.png"
    assert brand.assets.splash_logo == root / "_partner" / "assets" / "splash-logo.png"


# -- environments --------------------------------------------------------------------------


def test_overlay_is_applied_with_provenance(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"environments": {"staging": {
        "ids": {"android": Marked("com.acme.acme.beta")}}}})
    prod = check(root, "acme").brand
    staging = check(root, "acme", "staging").brand
    assert prod is not None and staging is not None
    assert prod.android_id == "com.acme.acme"
    assert staging.android_id == "com.acme.acme.beta"
    assert staging.ios_id == "com.acme.acme.staging"
    assert staging.output_name == "acme@staging"
    where = staging.provenance["ids.android"]
    assert (where.file, where.line) == (manifest, marked(manifest))


def test_overlay_maps_merge_deeply(root: Path) -> None:
    make_tenant(root, "acme", {"environments": {"staging": {"app": {"name": {"en": "Acme β"}}}}})
    brand = check(root, "acme", "staging").brand
    assert brand is not None
    assert brand.app.name["en"] == "Acme β"
    assert brand.app.name["zh-Hans"] == "阿克米钉"


def test_unknown_environment(root: Path) -> None:
    manifest = make_tenant(root, "acme")
    d = only(diagnose(root, "acme", "qa"), "environments")
    assert d.message == "no environment 'qa'"
    assert d.hint == "environments defined: staging"
    assert at(d) == (manifest, line_of(manifest, "environments:"), 1)


def test_env_prod_is_the_manifest_itself(root: Path) -> None:
    make_tenant(root, "acme")
    prod = check(root, "acme", "prod")
    assert prod.diagnostics == [] and prod.brand is not None
    assert prod.brand.env is None and prod.brand.output_name == "acme"
    assert prod.brand == check(root, "acme", None).brand


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("prod", "'prod' is the manifest itself, not an overlay"),
        ("Staging", "'Staging' is not a valid environment name"),
        ("stagé", "'stagé' is not a valid environment name"),
        ("../../tmp/x", "'../../tmp/x' is not a valid environment name"),
        ("qa env", "'qa env' is not a valid environment name"),
    ],
)
def test_environment_names_are_checked_at_their_key(root: Path, name: str, message: str) -> None:
    """The name becomes a folder (dist/<tenant>@<env>), a bundle name and the PWA's install
    id: validate refuses what build could not use, at the key, instead of build failing."""
    manifest = make_tenant(root, "acme", {"environments": {name: {"app": {"build": 9}}}})
    lines = manifest.read_text("utf-8").splitlines()
    (line,) = [i for i, text in enumerate(lines, 1) if name in text]
    d = only(diagnose(root, "acme"), "environments", contains=message)
    assert d.hint is not None
    assert at(d)[:2] == (manifest, line)


def test_unknown_environment_when_none_is_defined(root: Path) -> None:
    make_tenant(root, "acme", {"environments": DELETE})
    d = only(diagnose(root, "acme", "staging"), "environments")
    assert d.hint == "environments defined: none"


@pytest.mark.parametrize("key", ["tenant", "schema", "extends"])
def test_overlay_cannot_change_identity_keys(root: Path, key: str) -> None:
    value = {"tenant": "other", "schema": "ixm/v2", "extends": "../_x/brand.yaml"}[key]
    manifest = make_tenant(root, "acme", {"environments": {"staging": {key: Marked(value)}}})
    diags = diagnose(root, "acme", "staging")
    d = only(diags, f"environments.staging.{key}")
    assert d.message == f"{key!r} cannot be changed by an environment"
    assert at(d) == (manifest, marked(manifest), 5)
    assert len(diags) == 1  # and the overlay's value is not applied


@pytest.mark.parametrize(
    ("value", "found"),
    [("staging", "text"), (["staging", "dev"], "a list"), (3, "a number"), (True, "a value")],
)
def test_environments_must_be_a_mapping(root: Path, value: object, found: str) -> None:
    """A string, list or number under `environments:` used to pass: every --env then said
    "no environment", and validate checked no overlay at all."""
    manifest = make_tenant(root, "acme", {"environments": value})
    d = only(diagnose(root, "acme"), "environments")
    assert d.message == (
        f"environments must be a mapping of environment names to overlays; found {found}"
    )
    assert d.hint is not None and d.hint.startswith("e.g. environments: {staging:")
    assert at(d) == (manifest, line_of(manifest, "environments:"), 1)
    result = run_ixm("validate", "--tenants", root, "acme")
    assert result.exit_code == 1
    assert f"brand.yaml:{at(d)[1]}:1: error[environments]: environments must be" in result.stderr
    assert "Traceback" not in result.stderr


def test_overlay_must_be_a_mapping(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"environments": {"staging": Marked("beta")}})
    d = only(diagnose(root, "acme", "staging"), "environments.staging")
    assert d.message == "an environment must be a mapping of keys to override"
    assert at(d)[:2] == (manifest, marked(manifest))


def test_unknown_key_in_an_overlay_points_into_the_overlay(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"environments": {"staging": {"colour": Marked("x")}}})
    text = manifest.read_text()
    d = only(diagnose(root, "acme", "staging"), "colour")
    assert d.hint == "did you mean 'colors'?"
    assert at(d) == (manifest, marker_line(text), marker_col(text, "colour:"))


def test_http_localhost_is_allowed_in_an_environment_but_not_in_prod(root: Path) -> None:
    make_tenant(root, "acme", {"environments": {"dev": {
        "endpoints": {"api": "http://localhost:8080"}}}})
    assert diagnose(root, "acme", "dev") == []
    manifest = make_tenant(root, "prodonly", {"endpoints": {"api": Marked("http://localhost:8080")}})
    d = only(diagnose(root, "prodonly"), "endpoints.api")
    assert d.message == "http://localhost is not allowed in prod"
    assert at(d) == (manifest, marked(manifest), len("  api: ") + 1)


def test_validate_reports_errors_found_only_under_an_environment(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"environments": {"staging": {
        "ids": {"android": Marked("com.acme.acme-beta")}}}})
    assert diagnose(root, "acme") == []
    report = api.validate(tenants_dir=root, tenants=["acme"])
    assert [(r.slug, r.env, r.ok) for r in report.results] == [
        ("acme", None, True), ("acme", "staging", False)]
    assert report.failed()
    d = only(report.diagnostics(), "ids.android")
    assert d.severity is Severity.ERROR
    assert at(d)[:2] == (manifest, marked(manifest))
