"""Endpoints, storage, legal and signing: https only, no credentials, no inline secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import (
    DELETE,
    Marked,
    at,
    check,
    diagnose,
    line_of,
    make_tenant,
    marker_line,
    only,
    rendered,
)

from ixm_cli import api
from ixm_cli.errors import Severity

SECRET = "hunter2-Zq9"


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


def test_http_endpoint_is_an_error(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"endpoints": {"api": Marked("http://api.acme.example")}})
    d = only(diagnose(root, "acme"), "endpoints.api")
    assert d.message == "endpoints must use https"
    assert d.hint == "http is only for localhost, in a test env"
    assert at(d) == (manifest, marked(manifest), len("  api: ") + 1)


def test_http_non_localhost_is_an_error_in_an_environment_too(root: Path) -> None:
    make_tenant(root, "acme", {"environments": {"dev": {"endpoints": {
        "web": "http://ding.acme.example"}}}})
    d = only(diagnose(root, "acme", "dev"), "endpoints.web")
    assert d.message == "endpoints must use https"


@pytest.mark.parametrize("host", ["localhost:8080", "127.0.0.1", "[::1]:3000"])
def test_http_localhost_is_an_error_in_prod(root: Path, host: str) -> None:
    make_tenant(root, "acme", {"endpoints": {"api": f"http://{host}/api"}})
    d = only(diagnose(root, "acme"), "endpoints.api")
    assert d.message == "http://localhost is not allowed in prod"


@pytest.mark.parametrize(
    "url", [f"https://admin:{SECRET}@api.acme.example", f"https://{SECRET}@api.acme.example"]
)
def test_credentials_in_a_url_are_refused_without_echoing_them(root: Path, url: str) -> None:
    manifest = make_tenant(root, "acme", {"storage": {"endpoint": Marked(url)}})
    diags = diagnose(root, "acme")
    d = only(diags, "storage.endpoint")
    assert d.message == "the URL contains credentials (user:password@)"
    assert at(d) == (manifest, marked(manifest), len("  endpoint: ") + 1)
    assert SECRET not in rendered(diags)


@pytest.mark.parametrize("url", ["not a url", "ftp://files.acme.example", "https://", "api.acme"])
def test_not_a_url(root: Path, url: str) -> None:
    manifest = make_tenant(root, "acme", {"endpoints": {"web": Marked(url)}})
    d = only(diagnose(root, "acme"), "endpoints.web")
    assert d.message == f"{url!r} is not an http(s) URL"
    assert at(d) == (manifest, marked(manifest), len("  web: ") + 1)


@pytest.mark.parametrize(
    ("url", "message", "hint"),
    [
        (
            "https://acme.example/pri vacy",
            "the URL contains a space at character 25",
            "remove it, or write it as %20",
        ),
        (
            "https://acme.example/privacy\nsecond line",
            "the URL contains the control character '\\n' at character 29",
            "remove it",
        ),
        (
            'https://acme.example/"<x>',
            "the URL contains '\"' at character 22, which a URL must percent-encode",
            "write it as %22",
        ),
        (
            "https://例子.example/",
            "the URL contains '例' at character 9, which a URL must percent-encode",
            "write it as %E4%BE%8B; a non-ASCII host name goes in its xn-- (punycode) form",
        ),
        ("https://acme.example/100%", "the URL contains a '%' that starts no %XX escape",
         "write a literal % as %25"),
    ],
)
def test_characters_a_url_cannot_hold_raw(root: Path, url: str, message: str, hint: str) -> None:
    """urlsplit keeps (or silently drops) them; fastlane and Swift's URL(string:) would not."""
    manifest = make_tenant(root, "acme", {"legal": {"privacy_url": Marked(url)}})
    d = only(diagnose(root, "acme"), "legal.privacy_url")
    assert (d.message, d.hint) == (message, hint)
    assert at(d)[:2] == (manifest, marked(manifest))


def test_percent_escapes_brackets_and_queries_are_fine(root: Path) -> None:
    make_tenant(root, "acme", {"endpoints": {
        "api": "https://api.acme.example/v1/%E4%BE%8B?x=1&y=a+b#top",
        "web": "https://[2001:db8::1]:8443/",
    }})
    assert diagnose(root, "acme") == []


@pytest.mark.parametrize(
    ("url", "port"),
    [
        ("https://api.acme.example:abc", "abc"),
        ("https://api.acme.example:0/v1", "0"),
        ("https://api.acme.example:65536", "65536"),
        ("https://[2001:db8::1]:99999/", "99999"),
        ("https://api.acme.example:+443", "+443"),
        ("https://api.acme.example:4_43", "4_43"),
    ],
)
def test_a_port_no_client_can_use_is_an_error(root: Path, url: str, port: str) -> None:
    """urllib's .port refuses these (or, for 0, names no service): so do browsers and the
    apps' URL types, and tenant.json would carry a URL no client can open."""
    manifest = make_tenant(root, "acme", {"endpoints": {"api": Marked(url)}})
    d = only(diagnose(root, "acme"), "endpoints.api")
    assert d.message == f"the port {port!r} is not a number from 1 to 65535"
    assert d.hint is not None and "e.g. https://api.acme.example:8443" in d.hint
    assert at(d) == (manifest, marked(manifest), len("  api: ") + 1)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        (("storage", "endpoint"), "storage.endpoint"),
        (("legal", "terms_url"), "legal.terms_url"),
        (("environments", "staging", "endpoints", "api"), "endpoints.api"),
    ],
)
def test_every_url_has_its_port_checked(root: Path, path: tuple[str, ...], key: str) -> None:
    value: Any = "https://x.acme.example:70000/"
    for part in reversed(path):
        value = {part: value}
    make_tenant(root, "acme", value)
    env = "staging" if path[0] == "environments" else None
    d = only(diagnose(root, "acme", env), key)
    assert d.message == "the port '70000' is not a number from 1 to 65535"


@pytest.mark.parametrize(
    "url", ["https://api.acme.example:1", "https://api.acme.example:65535/x", "https://a.example:/"]
)
def test_ports_in_range_are_fine(root: Path, url: str) -> None:
    make_tenant(root, "acme", {"endpoints": {"api": url}})
    assert diagnose(root, "acme") == []


def test_an_unparseable_url(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"endpoints": {"api": Marked("https://[::1")}})
    d = only(diagnose(root, "acme"), "endpoints.api")
    assert d.message == "not a valid URL"
    assert at(d)[:2] == (manifest, marked(manifest))


@pytest.mark.parametrize("key", ["endpoint", "bucket"])
def test_private_storage_needs_endpoint_and_bucket(root: Path, key: str) -> None:
    manifest = make_tenant(root, "acme", {"storage": {key: DELETE}})
    d = only(diagnose(root, "acme"), f"storage.{key}")
    assert d.message == f"storage mode 'private' needs {key}"
    assert at(d) == (manifest, line_of(manifest, "storage:"), 1)


@pytest.mark.parametrize("key", ["endpoint", "bucket", "region"])
def test_cloud_storage_takes_no_bucket(root: Path, key: str) -> None:
    others = {k: DELETE for k in ("endpoint", "bucket", "region") if k != key}
    manifest = make_tenant(root, "acme", {"storage": {"mode": "cloud", **others}})
    d = only(diagnose(root, "acme"), f"storage.{key}")
    assert d.message == f"{key} is only used with storage mode 'private'"
    assert d.hint == f"remove {key}, or set mode: private"
    assert at(d) == (manifest, line_of(manifest, f"  {key}:"), 3)


def test_cloud_storage_alone_is_fine(root: Path) -> None:
    make_tenant(root, "acme", {"storage": {"mode": "cloud", "endpoint": DELETE, "bucket": DELETE,
                                           "region": DELETE}})
    assert diagnose(root, "acme") == []


@pytest.mark.parametrize("bucket", ["Acme-Data", "ab", "acme_data", "-acme", "a" * 64])
def test_bad_bucket_name(root: Path, bucket: str) -> None:
    manifest = make_tenant(root, "acme", {"storage": {"bucket": Marked(bucket)}})
    d = only(diagnose(root, "acme"), "storage.bucket")
    assert d.message == f"{bucket!r} is not a valid bucket name"
    assert at(d) == (manifest, marked(manifest), len("  bucket: ") + 1)


@pytest.mark.parametrize("email", ["support", "support@", "@acme.example", "a b@acme.example",
                                   "support@acme"])
def test_bad_email(root: Path, email: str) -> None:
    manifest = make_tenant(root, "acme", {"legal": {"support_email": Marked(email)}})
    d = only(diagnose(root, "acme"), "legal.support_email")
    assert d.message == f"{email!r} is not an e-mail address"
    assert at(d) == (manifest, marked(manifest), len("  support_email: ") + 1)


def test_missing_support_url_is_a_warning_at_legal(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"legal": {"support_url": DELETE}})
    d = only(diagnose(root, "acme"), "legal", severity=Severity.WARNING)
    assert d.message == (
        "no legal.support_url: App Store Connect will not accept a version without a support URL"
    )
    assert d.hint == "add support_url: https://… (a page, not an e-mail address)"
    assert at(d)[:2] == (manifest, line_of(manifest, "legal:"))


@pytest.mark.parametrize("key", ["privacy_url", "terms_url", "support_url"])
def test_http_legal_url(root: Path, key: str) -> None:
    manifest = make_tenant(root, "acme", {"legal": {key: Marked("http://acme.example/legal")}})
    d = only(diagnose(root, "acme"), f"legal.{key}")
    assert d.message == "must use https"
    assert d.hint == "write https://acme.example/legal"
    assert at(d) == (manifest, marked(manifest), len(f"  {key}: ") + 1)


def test_legal_url_on_localhost_is_still_an_error(root: Path) -> None:
    make_tenant(root, "acme", {"environments": {"dev": {"legal": {
        "privacy_url": "http://localhost/privacy"}}}})
    d = only(diagnose(root, "acme", "dev"), "legal.privacy_url")
    assert d.message == "must use https"


# -- signing -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["password", "keystore", "key_password"])
def test_inline_signing_secret_is_refused_without_echoing_it(root: Path, key: str) -> None:
    manifest = make_tenant(root, "acme", {"signing": {"android": {key: Marked(SECRET)}}})
    diags = diagnose(root, "acme")
    d = only(diags, f"signing.android.{key}")
    assert d.message == "holds an inline value; signing secrets must be references, never stored"
    assert d.hint == f"put the secret in an environment variable and write env:ACME_{key.upper()}"
    assert at(d) == (manifest, marked(manifest), len(f"    {key}: ") + 1)
    assert SECRET not in rendered(diags)


def test_inline_secret_of_the_wrong_type_is_not_echoed_either(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"signing": {"android": {"password": Marked(73519624)}}})
    diags = diagnose(root, "acme")
    d = only(diags, "signing.android.password")
    assert d.message == "expected text, found a number (not shown: it may be a secret)"
    assert at(d)[:2] == (manifest, marked(manifest))
    assert "73519624" not in rendered(diags)


def test_inline_profile_is_refused(root: Path) -> None:
    make_tenant(root, "acme", {"signing": {"ios": {"profile": Marked(SECRET)}}})
    diags = diagnose(root, "acme")
    only(diags, "signing.ios.profile")
    assert SECRET not in rendered(diags)


@pytest.mark.parametrize("ref", ["env:acme_pw", "env:Acme", "env:1ACME", "env:"])
def test_env_reference_must_be_upper_snake_case(root: Path, ref: str) -> None:
    manifest = make_tenant(root, "acme", {"signing": {"android": {"password": Marked(ref)}}})
    d = only(diagnose(root, "acme"), "signing.android.password")
    assert d.message == "an env: reference names an environment variable in UPPER_SNAKE_CASE"
    assert at(d)[:2] == (manifest, marked(manifest))


@pytest.mark.parametrize("team", ["abcde12345", "ABCDE1234", "ABCDE123456", "ABCDE-1234"])
def test_bad_team_id(root: Path, team: str) -> None:
    manifest = make_tenant(root, "acme", {"signing": {"ios": {"team_id": Marked(team)}}})
    d = only(diagnose(root, "acme"), "signing.ios.team_id")
    assert d.message == "an Apple team id is 10 uppercase letters and digits"
    assert at(d) == (manifest, marked(manifest), len("    team_id: ") + 1)


def test_a_shared_team_id_is_one_warning_at_the_first_tenant(root: Path) -> None:
    first = make_tenant(root, "acme", {"signing": {"ios": {"team_id": Marked("SHARED1234")}}})
    make_tenant(root, "beta", {"signing": {"ios": {"team_id": "SHARED1234"}}})
    make_tenant(root, "gamma")
    report = api.validate(tenants_dir=root)
    diags = report.diagnostics()
    assert all(d.severity is Severity.WARNING for d in diags)
    d = only(diags, "signing.ios.team_id", severity=Severity.WARNING)
    assert d.message == "team id SHARED1234 is shared by 2 tenants: acme, beta"
    assert d.hint and "4.2.6" in d.hint
    assert at(d) == (first, marked(first), len("    team_id: ") + 1)
    assert not report.failed()
    assert report.failed(strict=True)


def test_a_team_id_shared_by_a_fleet_is_one_short_warning(root: Path) -> None:
    """400 tenants on one team id made 400 warnings each naming all 400 (1.7 MB of stderr):
    now one line with the count and the first few, whatever the size of the fleet."""
    slugs = [f"t{i:03d}" for i in range(12)]
    for slug in slugs:
        make_tenant(root, slug, {"signing": {"ios": {"team_id": "FLEET12345"}}}, images=False)
    make_tenant(root, "solo", {"signing": {"ios": {"team_id": "SOLO123456"}}}, images=False)
    make_tenant(root, "pair-a", {"signing": {"ios": {"team_id": "PAIR123456"}}}, images=False)
    make_tenant(root, "pair-b", {"signing": {"ios": {"team_id": "PAIR123456"}}}, images=False)
    shared = api.shared_team_ids(
        [check(root, slug) for slug in [*reversed(slugs), "solo", "pair-b", "pair-a"]]
    )
    assert [(d.message, at(d)[0].parent.name) for d in shared] == [
        ("team id FLEET12345 is shared by 12 tenants: t000, t001, t002, t003, t004, "
         "… (7 more)", "t000"),
        ("team id PAIR123456 is shared by 2 tenants: pair-a, pair-b", "pair-a"),
    ]


def test_a_team_id_inherited_from_one_parent_is_shared(root: Path) -> None:
    """Two customers of one partner inheriting its team id are warned (guideline 4.2.6)."""
    make_tenant(root, "acme", {"signing": {"ios": DELETE}}, parent="_partner",
                parent_overrides={"signing": {"ios": {"team_id": "PARTNER123"}}})
    make_tenant(root, "beta", {"signing": {"ios": DELETE}}, parent="_partner",
                parent_overrides={"signing": {"ios": {"team_id": "PARTNER123"}}})
    diags = api.validate(tenants_dir=root).diagnostics()
    assert [d.message for d in diags] == ["team id PARTNER123 is shared by 2 tenants: acme, beta"]
