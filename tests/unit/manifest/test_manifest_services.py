"""links, services and signing.android.cert_sha256: every bad input is an error at its
file:line:col with a fix, `ixm validate` exits 1 on it, and a Firebase config is judged
against the tenant's ids under each environment."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import (
    DELETE,
    Marked,
    at,
    check,
    diagnose,
    errors,
    make_tenant,
    marker_line,
    only,
    run_ixm,
    warnings,
)

GOOD_PRINT = ":".join(["AB"] * 32)
ANDROID_ID = "com.acme.acme"  # helpers.baseline's ids for the slug "acme"
IOS_ID = "com.acme.acme"


def google_services(*packages: str) -> str:
    """A google-services.json as the Firebase console writes it, one client per package."""
    return json.dumps({
        "project_info": {"project_number": "1", "project_id": "acme-test"},
        "client": [
            {"client_info": {"mobilesdk_app_id": f"1:1:android:{i}",
                             "android_client_info": {"package_name": p}},
             "api_key": [{"current_key": "EXAMPLE-public-client-key"}]}
            for i, p in enumerate(packages)
        ],
        "configuration_version": "1",
    })


def service_info(bundle: str) -> bytes:
    return plistlib.dumps({"BUNDLE_ID": bundle, "GOOGLE_APP_ID": "1:1:ios:0",
                           "API_KEY": "EXAMPLE-public-client-key", "PROJECT_ID": "acme-test"})


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


def col(path: Path, token: str) -> int:
    line = path.read_text("utf-8").splitlines()[marked(path) - 1]
    return line.index(token) + 1


def assert_exit_1(root: Path, manifest: Path, field: str, message: str) -> None:
    """What a designer sees: `ixm validate` exits 1 naming file:line and the problem."""
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1, result.stderr
    assert f"{manifest}:{marked(manifest)}:" in result.stderr
    assert f"error[{field}]: {message}" in result.stderr
    assert "Traceback" not in result.stderr


# -- links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "message", "hint"),
    [
        ("https://ding.acme.example/open", "'https://ding.acme.example/open' is a URL; "
         "links.domains lists host names", "write just the host name: ding.acme.example (the "
         "apps open every page on it)"),
        ("ding.acme.example:8443", "'ding.acme.example:8443' has a port; phones check links "
         "over https on the standard port", "write just the host name: ding.acme.example, and "
         "serve it on port 443"),
        ("ding.acme.example/app", "'ding.acme.example/app' has a path; links.domains lists "
         "host names", "write just the host name: ding.acme.example (the apps open every page "
         "on it)"),
        ("*.acme.example", "'*.acme.example' is a wildcard; each host serves its own "
         ".well-known files", "list every host name, e.g. ding.acme.example, www.acme.example"),
        ("Ding.Acme.example", "'Ding.Acme.example' has capital letters; Android matches hosts "
         "exactly as written", "write it in lower case: ding.acme.example"),
        ("acme", "'acme' is not a host name", "dot-separated labels of letters, digits and "
         "'-', e.g. ding.acme.example"),
    ],
)
def test_a_domain_that_is_not_a_host_name(root: Path, domain: str, message: str,
                                          hint: str) -> None:
    manifest = make_tenant(root, "acme", {"links": {"domains": ["ok.acme.example",
                                                                Marked(domain)]}})
    d = only(diagnose(root, "acme"), "links.domains[1]")
    assert (d.message, d.hint) == (message, hint)
    assert at(d) == (manifest, marked(manifest), col(manifest, "- ") + 2)
    assert_exit_1(root, manifest, "links.domains[1]", message)


def test_a_domain_listed_twice(root: Path) -> None:
    make_tenant(root, "acme", {"links": {"domains": ["a.acme.example", "a.acme.example"]}})
    d = only(diagnose(root, "acme"), "links.domains[1]")
    assert d.message == "'a.acme.example' is listed twice"


@pytest.mark.parametrize(
    ("scheme", "message", "hint"),
    [
        ("acme_ding", "'acme_ding' contains '_', which a URL scheme cannot hold (RFC 3986)",
         "use only letters, digits, '+', '-' and '.', e.g. acmeding"),
        ("9acme", "'9acme' must start with a letter (RFC 3986)",
         "e.g. acmeding: a letter, then letters, digits, '+', '-' or '.'"),
        ("acme ding", "'acme ding' contains ' ', which a URL scheme cannot hold (RFC 3986)",
         "use only letters, digits, '+', '-' and '.', e.g. acmeding"),
        ("acmeding://", "'acmeding://' is more than a scheme", "write the scheme alone: acmeding"),
        ("https", "'https' is not a custom scheme",
         "https links go in links.domains; choose a scheme of your own, e.g. acmeding"),
        ("AcmeDing", "'AcmeDing' has capital letters; Android matches schemes exactly as "
         "written", "write it in lower case: acmeding"),
    ],
)
def test_a_scheme_with_illegal_characters(root: Path, scheme: str, message: str,
                                          hint: str) -> None:
    manifest = make_tenant(root, "acme", {"links": {"scheme": Marked(scheme)}})
    d = only(diagnose(root, "acme"), "links.scheme")
    assert (d.message, d.hint) == (message, hint)
    assert at(d)[:2] == (manifest, marked(manifest))
    assert_exit_1(root, manifest, "links.scheme", message)


def test_good_links_pass_and_reach_the_brand(root: Path) -> None:
    make_tenant(root, "acme", {
        "links": {"domains": ["ding.acme.example", "xn--fiqs8s.example"], "scheme": "acme.ding+1"},
        "signing": {"android": {"cert_sha256": [GOOGLE_PRINT_LOWER]}},
    })
    result = check(root, "acme")
    assert result.diagnostics == []
    assert result.brand is not None
    assert result.brand.links.domains == ("ding.acme.example", "xn--fiqs8s.example")
    assert result.brand.links.scheme == "acme.ding+1"
    assert result.brand.signing.android_cert_sha256 == (GOOGLE_PRINT_LOWER.upper(),)


GOOGLE_PRINT_LOWER = ":".join(["0f"] * 32)


def test_domains_without_the_other_side_are_warned(root: Path) -> None:
    make_tenant(root, "acme", {"links": {"domains": ["ding.acme.example"]},
                               "signing": {"ios": DELETE}})
    found = warnings(diagnose(root, "acme"))
    assert [d.field for d in found] == ["links.domains", "links.domains"]
    assert "signing.android.cert_sha256 is not set" in found[0].message + found[1].message
    assert "signing.ios.team_id is not set" in found[0].message + found[1].message


# -- fingerprints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (":".join(["AB"] * 20), "this is a SHA-1 fingerprint (20 bytes); assetlinks.json needs "
         "SHA-256"),
        ("AB" * 32, "the fingerprint needs ':' between its bytes"),
        (":".join(["AB"] * 31), "a SHA-256 fingerprint has 32 bytes; this one has 31"),
        (":".join(["ZZ"] * 32), "not a SHA-256 fingerprint (32 bytes written AB:CD:…, "
         "hexadecimal)"),
    ],
)
def test_a_malformed_fingerprint(root: Path, value: str, message: str) -> None:
    manifest = make_tenant(root, "acme", {"signing": {"android": {
        "cert_sha256": [GOOD_PRINT, Marked(value)]}}})
    d = only(diagnose(root, "acme"), "signing.android.cert_sha256[1]")
    assert d.message == message
    assert d.hint is not None
    assert at(d)[:2] == (manifest, marked(manifest))
    assert_exit_1(root, manifest, "signing.android.cert_sha256[1]", message)


def test_colons_missing_hint_spells_the_fix(root: Path) -> None:
    make_tenant(root, "acme", {"signing": {"android": {"cert_sha256": ["ab" * 32]}}})
    d = only(diagnose(root, "acme"), "signing.android.cert_sha256[0]")
    assert d.hint == f"write {GOOD_PRINT}"


# -- Firebase ---------------------------------------------------------------------------


def firebase_tenant(root: Path, files: dict[str, str | bytes], overrides: dict[str, Any],
                    **kwargs: Any) -> Path:
    manifest = make_tenant(root, "acme", overrides, **kwargs)
    for rel, data in files.items():
        path = manifest.parent / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, "utf-8")
    return manifest


def test_firebase_files_for_the_tenant_pass_and_reach_the_brand(root: Path) -> None:
    manifest = firebase_tenant(
        root,
        {"fb/google-services.json": google_services("com.other.app", ANDROID_ID),
         "fb/GoogleService-Info.plist": service_info(IOS_ID),
         "fb/s/google-services.json": google_services(f"{ANDROID_ID}.staging"),
         "fb/s/GoogleService-Info.plist": service_info(f"{IOS_ID}.staging")},
        {"services": {"firebase": {"android": "fb/google-services.json",
                                   "ios": "fb/GoogleService-Info.plist"}},
         "environments": {"staging": {"services": {"firebase": {
             "android": "fb/s/google-services.json", "ios": "fb/s/GoogleService-Info.plist"}}}}},
    )
    prod, staging = check(root, "acme"), check(root, "acme", "staging")
    assert prod.diagnostics == [] and staging.diagnostics == []
    assert prod.brand is not None and staging.brand is not None
    folder = manifest.parent.resolve()
    assert prod.brand.services.firebase_android == folder / "fb/google-services.json"
    assert staging.brand.services.firebase_ios == folder / "fb/s/GoogleService-Info.plist"


def test_google_services_for_another_package(root: Path) -> None:
    manifest = firebase_tenant(
        root, {"google-services.json": google_services("com.other.app")},
        {"services": {"firebase": {"android": Marked("google-services.json")}}})
    d = only(diagnose(root, "acme"), "services.firebase.android")
    message = (f"'google-services.json' is for 'com.other.app', not this tenant's "
               f"applicationId '{ANDROID_ID}'")
    assert d.message == message
    assert d.hint is not None and "Firebase console" in d.hint
    assert at(d) == (manifest, marked(manifest), col(manifest, "google-services.json"))
    assert_exit_1(root, manifest, "services.firebase.android", message)


def test_google_services_wrong_only_under_one_environment(root: Path) -> None:
    """Prod's file names the prod package; staging changes the ids but not the file."""
    manifest = firebase_tenant(
        root, {"google-services.json": google_services(ANDROID_ID)},
        {"services": {"firebase": {"android": Marked("google-services.json")}}})
    assert errors(diagnose(root, "acme")) == []
    d = only(diagnose(root, "acme", "staging"), "services.firebase.android")
    assert d.message == (f"'google-services.json' is for '{ANDROID_ID}', not this tenant's "
                         f"applicationId '{ANDROID_ID}.staging' (environment 'staging')")
    assert d.hint is not None
    assert d.hint.endswith("and name it under environments.staging.services.firebase.android")
    assert at(d)[:2] == (manifest, marked(manifest))
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1
    assert f"{manifest}:{marked(manifest)}:" in result.stderr
    assert "(environment 'staging')" in result.stderr


def test_plist_for_another_bundle_id(root: Path) -> None:
    manifest = firebase_tenant(
        root, {"GoogleService-Info.plist": service_info("com.other.app")},
        {"services": {"firebase": {"ios": Marked("GoogleService-Info.plist")}}})
    d = only(diagnose(root, "acme"), "services.firebase.ios")
    message = (f"'GoogleService-Info.plist' is for 'com.other.app', not this tenant's bundle "
               f"id '{IOS_ID}'")
    assert d.message == message
    assert_exit_1(root, manifest, "services.firebase.ios", message)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("google-services.json", "{not json", "'google-services.json' cannot be read: not JSON "
         "(line 1, column 2: Expecting property name enclosed in double quotes)"),
        ("google-services.json", "[]", "'google-services.json' cannot be read: it has no "
         "project_info and client list, so it is no google-services.json"),
        ("GoogleService-Info.plist", b"<plist", "'GoogleService-Info.plist' cannot be read: not "
         "a property list (unclosed token: line 1, column 0)"),
    ],
)
def test_unreadable_firebase_files(root: Path, name: str, data: str | bytes,
                                   message: str) -> None:
    platform = "android" if name.endswith(".json") else "ios"
    firebase_tenant(root, {name: data}, {"services": {"firebase": {platform: name}}})
    d = only(diagnose(root, "acme"), f"services.firebase.{platform}")
    assert d.message == message


def test_firebase_file_outside_the_tenant_folder(root: Path) -> None:
    (root / "google-services.json").parent.mkdir(parents=True, exist_ok=True)
    (root / "google-services.json").write_text(google_services(ANDROID_ID), "utf-8")
    make_tenant(root, "acme", {"services": {"firebase": {"android": "../google-services.json"}}})
    d = only(diagnose(root, "acme"), "services.firebase.android")
    assert d.message == "'../google-services.json' resolves outside the tenant folder acme/"


def test_firebase_file_with_another_name(root: Path) -> None:
    firebase_tenant(root, {"fb.json": google_services(ANDROID_ID)},
                    {"services": {"firebase": {"android": "fb.json"}}})
    d = only(diagnose(root, "acme"), "services.firebase.android")
    assert d.message == "'fb.json' is not a google-services.json file"


# -- push -------------------------------------------------------------------------------


def test_push_needs_a_monochrome_icon(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"services": {"push": Marked(True)},
                                          "assets": {"icon_monochrome": DELETE}})
    d = only(diagnose(root, "acme"), "services.push")
    assert d.message.startswith("push needs assets.icon_monochrome")
    assert at(d)[:2] == (manifest, marked(manifest))


def test_push_channel_is_a_localised_text(root: Path) -> None:
    make_tenant(root, "acme", {"services": {"push": True, "push_channel": {"fr": "Alertes"}}})
    found = diagnose(root, "acme")
    assert only(found, "services.push_channel.fr").message.startswith("locale 'fr' is not in")


def test_push_channel_without_push_is_warned(root: Path) -> None:
    make_tenant(root, "acme", {"services": {"push_channel": "Alerts"}})
    d = only(diagnose(root, "acme"), "services.push_channel", severity=None)
    assert d.message == "push_channel is unused while push is off"


def test_a_build_with_another_apps_firebase_file_writes_nothing(root: Path,
                                                                 tmp_path: Path) -> None:
    firebase_tenant(root, {"google-services.json": google_services("com.other.app")},
                    {"services": {"firebase": {"android": "google-services.json"}}})
    out = tmp_path / "dist"
    result = run_ixm("build", "acme", "--tenants", root, "--out", out)
    assert result.exit_code == 1
    assert "error[services.firebase.android]" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_an_environment_with_other_ids_on_prods_hosts_is_warned(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"links": {"domains": Marked(["ding.acme.example"])}})
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 0, result.stderr
    assert (f"{manifest}:{marked(manifest)}:" in result.stderr
            or f"{manifest}:{marked(manifest) + 1}:" in result.stderr)
    assert ("warning[links.domains]: environment 'staging' has its own ids but shares "
            "ding.acme.example with prod" in result.stderr)
    assert "environments.staging its own links.domains, e.g. staging.ding.acme.example" in (
        result.stderr)
    # Its own hosts: no warning.
    make_tenant(root, "acme", {"links": {"domains": ["ding.acme.example"]}, "environments": {
        "staging": {"links": {"domains": ["staging.ding.acme.example"]}}}})
    assert "shares" not in run_ixm("validate", "acme", "--tenants", root).stderr


def test_a_changed_firebase_file_rebuilds_the_tenant(root: Path, tmp_path: Path) -> None:
    """The build key covers the Firebase files: a new config is never skipped as cached."""
    manifest = firebase_tenant(root, {"google-services.json": google_services(ANDROID_ID)},
                               {"services": {"firebase": {"android": "google-services.json"}}})
    out = tmp_path / "dist"

    def status() -> str:
        result = run_ixm("build", "acme", "--tenants", root, "--out", out, "--platform",
                         "android", "--format", "json")
        assert result.exit_code == 0, result.stderr
        (built,) = json.loads(result.stdout)["tenants"]
        return str(built["status"])

    assert status() == "built"
    assert status() == "cached"
    config = manifest.parent / "google-services.json"
    config.write_text(google_services("com.other.app", ANDROID_ID), "utf-8")
    assert status() == "built"
    assert (out / "acme/android/app/google-services.json").read_bytes() == config.read_bytes()
