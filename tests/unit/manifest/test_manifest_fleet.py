"""Ids shared across tenants: an error when one tenant is validated, siblings included."""

from __future__ import annotations

from pathlib import Path

from ixm_test_helpers import Marked, at, make_tenant, marker_line, only

from ixm_cli import api
from ixm_cli.errors import display_path


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


def test_a_sibling_with_the_same_application_id_fails_one_tenant_validation(root: Path) -> None:
    acme = make_tenant(root, "acme", {"ids": {"android": Marked("com.shared.ding")}})
    beta = make_tenant(root, "beta", {"ids": {"android": Marked("com.shared.ding")}})
    make_tenant(root, "gamma")
    report = api.validate(tenants_dir=root, tenants=["acme"])
    d = only(report.diagnostics(), "ids.android")
    assert d.message == (
        "applicationId 'com.shared.ding' is also used by beta "
        f"({display_path(beta)}:{marked(beta)}:12)"
    )
    assert d.hint == "every app needs its own applicationId in the stores: e.g. com.shared.acme"
    assert at(d) == (acme, marked(acme), len("  android: ") + 1)
    assert report.failed()


def test_a_bundle_id_inherited_by_a_sibling_from_its_parent_is_found(root: Path) -> None:
    acme = make_tenant(root, "acme", {"ids": {"ios": Marked("com.partner.app")}})
    # beta declares no ids of its own: it inherits them from _partner
    make_tenant(root, "beta", {"ids": {"android": "com.beta.app"}}, parent="_partner",
                parent_overrides={"ids": {"ios": Marked("com.partner.app")}})
    beta = root / "beta" / "brand.yaml"
    beta.write_text(beta.read_text("utf-8").replace("  ios: com.acme.beta\n", ""), "utf-8")
    parent = root / "_partner" / "brand.yaml"
    report = api.validate(tenants_dir=root, tenants=["acme"])
    d = only(report.diagnostics(), "ids.ios")
    assert d.message == (
        f"bundle id 'com.partner.app' is also used by beta ({display_path(parent)}:"
        f"{marked(parent)}:8)"
    )
    assert at(d)[:2] == (acme, marked(acme))


def test_an_environment_id_clashing_with_another_tenant_is_reported_in_the_overlay(
    root: Path,
) -> None:
    acme = make_tenant(root, "acme", {"environments": {"staging": {"ids": {
        "android": Marked("com.acme.beta")}}}})
    make_tenant(root, "beta")
    report = api.validate(tenants_dir=root, tenants=["acme"])
    d = only(report.diagnostics(), "ids.android")
    assert d.message.startswith("applicationId 'com.acme.beta' is also used by beta (")
    assert d.hint == (
        "every app needs its own applicationId in the stores: e.g. com.acme.acme.staging"
    )
    assert at(d)[:2] == (acme, marked(acme))


def test_with_all_both_tenants_get_the_error(root: Path) -> None:
    make_tenant(root, "acme", {"ids": {"ios": "com.shared.ding"}})
    make_tenant(root, "beta", {"ids": {"ios": "com.shared.ding"}})
    report = api.validate(tenants_dir=root, all_tenants=True)
    found = [d for d in report.diagnostics() if d.field == "ids.ios"]
    assert sorted(str(d.location.file.parent.name) for d in found if d.location) == [
        "acme", "beta"
    ]


def test_distinct_ids_are_clean(root: Path) -> None:
    make_tenant(root, "acme")
    make_tenant(root, "beta")
    report = api.validate(tenants_dir=root, tenants=["acme"])
    assert not [d for d in report.diagnostics() if d.field.startswith("ids")]
