"""Feature modules: the base's catalog, ``modules:``/``features:`` in brand.yaml, and every
bad input refused with file:line:col and a fix (exit 1 through the CLI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ixm_test_helpers import (
    DELETE,
    REPO,
    at,
    build_file_tree,
    check,
    errors,
    line_of,
    make_tenant,
    only,
    run_ixm,
)

from ixm_cli import api
from ixm_cli.catalog import FILE_NAME, load_catalog
from ixm_cli.errors import IxmError
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import check_tenant
from ixm_cli.platform_base import bundled_root

SEVEN = ["im", "attendance", "approvals", "docs", "meetings", "projects", "low_code"]
VENDOR = REPO / "examples" / "vendor-base"


def _manifest(root: Path, modules_yaml: str, slug: str = "acme") -> Path:
    """A tenant whose manifest ends with ``modules_yaml`` (exact text, so lines are known)."""
    path = make_tenant(root, slug, {"features": DELETE})
    text = path.read_text("utf-8")
    path.write_text(text + modules_yaml, encoding="utf-8")
    return path


def _line(path: Path, start: str) -> int:
    return line_of(path, start)


def test_the_bundled_catalog_is_the_seven_features_in_order() -> None:
    catalog = load_catalog(None)
    assert catalog.names() == SEVEN
    assert catalog.file == (bundled_root() / FILE_NAME).resolve()
    for m in catalog.modules:
        assert m.title["en"] and m.icon and m.route.startswith("/")


def test_features_booleans_still_work(tmp_path: Path) -> None:
    make_tenant(tmp_path, "acme", {"features": {"im": True, "docs": False, "projects": True,
                                                 "attendance": DELETE}})
    brand = check(tmp_path, "acme").brand
    assert brand is not None
    assert brand.enabled_features() == ["im", "approvals", "meetings", "projects", "low_code"]
    assert list(brand.features) == SEVEN


def test_modules_with_settings_fill_defaults(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "modules:\n  attendance: {geofence_m: 800}\n  docs: true\n")
    text = path.read_text("utf-8")
    assert "features" not in text.split("modules:")[-1]
    checked = check(tmp_path, "acme")
    assert checked.brand is not None, checked.diagnostics
    on = {m.name: dict(m.config) for m in checked.brand.enabled_modules()}
    assert on["attendance"] == {"geofence_m": 800, "methods": ["gps"]}
    assert on["docs"] == {"max_upload_mb": 100}


def test_unknown_module_is_an_error_at_its_key_with_did_you_mean(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "modules:\n  attendence: true\n")
    d = only(check(tmp_path, "acme").diagnostics, "modules.attendence")
    assert "unknown module 'attendence'" in d.message
    assert d.hint == "did you mean 'attendance'?"
    assert at(d) == (path.resolve(), _line(path, "  attendence:"), 3)


def test_unknown_module_under_features_names_the_catalog(tmp_path: Path) -> None:
    make_tenant(tmp_path, "acme", {"features": {"payroll": True}})  # beside the seven
    d = only(check(tmp_path, "acme").diagnostics, "features.payroll")
    assert "the platform base has no such module" in d.message
    assert d.hint is not None and "im, attendance" in d.hint and FILE_NAME in d.hint


def test_setting_out_of_range_points_at_the_value(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "modules:\n  attendance:\n    geofence_m: 10\n")
    d = only(check(tmp_path, "acme").diagnostics, "modules.attendance.geofence_m")
    assert d.message.startswith("geofence_m is 10; it must be between 50 and 5000")
    assert "Radius in metres" in d.message  # the schema's description says what it is
    assert d.hint == "use a value between 50 and 5000"
    assert at(d) == (path.resolve(), _line(path, "    geofence_m:"), 17)


def test_unknown_setting_points_at_its_key_with_did_you_mean(tmp_path: Path) -> None:
    path = _manifest(tmp_path, "modules:\n  meetings:\n    max_participant: 20\n")
    d = only(check(tmp_path, "acme").diagnostics, "modules.meetings.max_participant")
    assert d.message == "meetings has no setting 'max_participant'"
    assert d.hint == "did you mean 'max_participants'?"
    assert at(d) == (path.resolve(), _line(path, "    max_participant:"), 5)


def test_wrong_type_and_enum(tmp_path: Path) -> None:
    _manifest(tmp_path, 'modules:\n  meetings: {recording: "yes"}\n'
                        "  attendance: {methods: [gps, iris]}\n")
    found = errors(check(tmp_path, "acme").diagnostics)
    rec = only(found, "modules.meetings.recording")
    assert "must be true or false, found 'yes'" in rec.message
    enum = only(found, "modules.attendance.methods[1]")
    assert "'iris' is not one of gps, wifi, face" in enum.message


def test_both_spellings_of_one_module_is_an_error(tmp_path: Path) -> None:
    make_tenant(tmp_path, "acme", {"features": {"im": True}, "modules": {"im": False}})
    d = only(check(tmp_path, "acme").diagnostics, "modules.im")
    assert "both features: and modules:" in d.message


def test_a_childs_modules_override_a_parents_features(tmp_path: Path) -> None:
    """A partner (parent) on v1 features:, a customer giving settings under modules:."""
    make_tenant(tmp_path, "acme", {"modules": {"attendance": {"geofence_m": 900},
                                               "im": False}}, parent="_partner")
    checked = check(tmp_path, "acme")
    assert checked.brand is not None, [d.render() for d in checked.diagnostics]
    on = {m.name: dict(m.config) for m in checked.brand.enabled_modules()}
    assert on["attendance"]["geofence_m"] == 900 and "im" not in on


def test_a_non_boolean_module_value_is_a_structure_error(tmp_path: Path) -> None:
    make_tenant(tmp_path, "acme", {"features": DELETE, "modules": {"im": "yes"}})
    found = errors(check(tmp_path, "acme").diagnostics)
    assert [d.field for d in found] == ["modules.im"], [d.render() for d in found]


# -- a vendor base's catalog ----------------------------------------------------------------


def _vendor_base(tmp_path: Path, catalog: str) -> Path:
    base = tmp_path / "base"
    build_file_tree({FILE_NAME: catalog}, base)
    return base


PAYROLL = """\
format: ixm-modules/v1
modules:
  im:
    title: {en: Messages}
    icon: ["M4 4h16v16H4z"]
    route: /im
  payroll:
    title: {en: Payroll, zh-Hans: 薪酬}
    icon: ["M4 6h16v12H4z"]
    route: /payroll
    config:
      type: object
      additionalProperties: false
      required: [currency]
      properties:
        currency: {type: string, pattern: "^[A-Z]{3}$"}
        payday: {type: integer, minimum: 1, maximum: 28}
"""


def test_vendor_module_is_enabled_with_its_settings(tmp_path: Path) -> None:
    base = _vendor_base(tmp_path, PAYROLL)
    make_tenant(tmp_path / "tenants", "acme",
                {"features": DELETE, "modules": {"payroll": {"currency": "CNY", "payday": 25}}})
    checked = check_tenant(Workspace.at(tmp_path / "tenants", base), "acme", None,
                           images=False)
    assert checked.brand is not None, checked.diagnostics
    assert [m.name for m in checked.brand.modules] == ["im", "payroll"]
    assert checked.brand.enabled_features() == ["payroll"]


def test_vendor_module_missing_a_required_setting(tmp_path: Path) -> None:
    base = _vendor_base(tmp_path, PAYROLL)
    path = make_tenant(tmp_path / "tenants", "acme",
                       {"features": DELETE, "modules": {"payroll": True}})
    checked = check_tenant(Workspace.at(tmp_path / "tenants", base), "acme", None,
                           images=False)
    d = only(checked.diagnostics, "modules.payroll")
    assert d.message == "payroll needs the setting 'currency'"
    assert d.hint == "add currency: under modules.payroll"
    assert at(d)[:2] == (path.resolve(), _line(path, "  payroll:"))


def test_the_bundled_catalog_has_no_vendor_module(tmp_path: Path) -> None:
    make_tenant(tmp_path, "acme", {"features": DELETE, "modules": {"payroll": {"currency": "CNY"}}})
    only(check(tmp_path, "acme").diagnostics, "modules.payroll", "unknown module")


BROKEN = {
    "invalid JSON Schema": (
        PAYROLL.replace("payday: {type: integer", "payday: {type: integr"),
        "modules.yaml.modules.payroll.config.properties.payday.type",
        "config is not a valid JSON Schema",
        "        payday:",
    ),
    "not an object schema": (
        PAYROLL.replace("      type: object\n      additionalProperties: false\n"
                        "      required: [currency]\n", "      type: array\n"),
        "modules.yaml.modules.payroll.config",
        "config must be a JSON Schema of type object",
        "    config:",
    ),
    "no English title": (
        PAYROLL.replace("{en: Payroll, zh-Hans: 薪酬}", "{zh-Hans: 薪酬}"),
        "modules.yaml.modules.payroll.title",
        "title has no English text",
        "    title: {zh-Hans",
    ),
    "markup as an icon": (
        PAYROLL.replace('["M4 6h16v12H4z"]', '["<script>"]'),
        "modules.yaml.modules.payroll.icon[0]",
        "not SVG path data",
        "    icon: [\"<script>",
    ),
    "a bad module name": (
        PAYROLL.replace("  payroll:", "  Pay-Roll:"),
        "modules.yaml.modules.Pay-Roll",
        "is not a lowercase identifier",
        "  Pay-Roll:",
    ),
    "wrong format": (
        PAYROLL.replace("ixm-modules/v1", "ixm-modules/v9"),
        "modules.yaml.format",
        "not ixm-modules/v1",
        "format:",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_catalog_is_the_vendors_error_at_its_line(tmp_path: Path, case: str) -> None:
    text, field, message, start = BROKEN[case]
    base = _vendor_base(tmp_path, text)
    make_tenant(tmp_path / "tenants", "acme", {"features": DELETE}, images=False)
    with pytest.raises(IxmError) as caught:
        load_catalog(base)
    d = only(caught.value.diagnostics, field)
    assert message in d.message
    assert d.hint
    assert d.location is not None and d.location.file.resolve() == (base / FILE_NAME).resolve()
    assert d.location.line == _line(base / FILE_NAME, start)
    # validate reports it too, as the tenant's only problem, without a traceback
    report = api.validate(tenants_dir=tmp_path / "tenants", base=base)
    assert [x.field for x in report.diagnostics()] == [field]


def test_cli_exit_1_for_unknown_module_and_broken_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(tmp_path / "tenants", "acme",
                {"features": DELETE, "modules": {"payrol": {"currency": "CNY"}}})
    build_file_tree({"ixm.toml": 'base = "base"\ntenants = "tenants"\n'}, tmp_path)
    _vendor_base(tmp_path, PAYROLL)
    monkeypatch.chdir(tmp_path)
    result = run_ixm("validate")
    assert result.exit_code == 1
    assert "tenants/acme/brand.yaml:" in result.stderr
    assert "error[modules.payrol]: unknown module 'payrol'" in result.stderr
    assert "did you mean 'payroll'?" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "base" / FILE_NAME).write_text(
        PAYROLL.replace("minimum: 1,", "minimum: one,"), encoding="utf-8")
    result = run_ixm("build", "--out", "dist")
    assert result.exit_code == 1
    assert f"base/{FILE_NAME}:" in result.stderr and "not a valid JSON Schema" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_ixm_schema_closes_modules_over_the_catalog(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    base = _vendor_base(tmp_path, PAYROLL)
    schema = api.schema(base=base)
    Draft202012Validator.check_schema(schema)
    check_ = Draft202012Validator(schema)
    good = {"schema": "ixm/v1", "modules": {"payroll": {"currency": "CNY"}, "im": True}}
    assert not list(check_.iter_errors(good))
    for bad in ({"payroll": {"currency": "yuan"}}, {"payrol": True}, {"im": {"x": 1}}):
        assert list(check_.iter_errors({"schema": "ixm/v1", "modules": bad})), bad
    assert list(check_.iter_errors({"schema": "ixm/v1", "features": {"payrol": True}}))


def test_the_example_vendor_workspace_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(VENDOR)
    result = run_ixm("validate")
    assert result.exit_code == 0, result.stderr
    printed = run_ixm("schema")
    assert json.loads(printed.stdout)["$defs"]["ModuleConfig.payroll"]["required"] == [
        "currency", "payday"]
    # the committed editor schema of the example is what `ixm schema` prints there
    assert printed.stdout_bytes == (VENDOR / "tenants" / "brand.schema.json").read_bytes()


def test_show_resolved_lists_modules(tmp_path: Path) -> None:
    shutil.copytree(VENDOR, tmp_path / "ws")
    text = api.show(tenants_dir=tmp_path / "ws" / "tenants", tenant="xinchouding",
                    base=tmp_path / "ws" / "base")
    assert "payroll" in text and "currency" in text


def test_editing_the_catalog_rebuilds_the_tenant(tmp_path: Path) -> None:
    base = _vendor_base(tmp_path, PAYROLL)
    make_tenant(tmp_path / "tenants", "acme",
                {"features": DELETE, "modules": {"payroll": {"currency": "CNY"}}})

    def build() -> bool:
        report = api.build(tenants_dir=tmp_path / "tenants", out=tmp_path / "dist",
                           platforms="web", base=base)
        assert report.ok, report.failures
        return report.built[0].cached

    assert build() is False
    assert build() is True
    (base / FILE_NAME).write_text(PAYROLL.replace("Payroll", "Pay"), encoding="utf-8")
    assert build() is False
    config = json.loads((tmp_path / "dist/acme/web/tenant.json").read_text("utf-8"))
    assert config["modules"][0]["title"]["en"] == "Pay"
