"""Application ids, the marketing version and the build number."""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import Marked, at, check, diagnose, make_tenant, marker_line, only


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


ANDROID_COL = len("  android: ") + 1
IOS_COL = len("  ios: ") + 1


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("com.acme-ding.app", "'com.acme-ding.app' is not a valid Android applicationId",
         "Android ids cannot contain '-': try 'com.acme_ding.app'"),
        ("acmeding", "'acmeding' is not a valid Android applicationId",
         "segments of letters, digits and '_', each starting with a letter, e.g. com.acme.ding"),
        ("com.1acme.ding", "'com.1acme.ding' is not a valid Android applicationId",
         "segments of letters, digits and '_', each starting with a letter, e.g. com.acme.ding"),
        ("com..acme", "'com..acme' is not a valid Android applicationId",
         "segments of letters, digits and '_', each starting with a letter, e.g. com.acme.ding"),
        ("com.acme.native",
         "segment 'native' is a Java keyword; the namespace derived from it would not compile",
         "rename the segment, e.g. nativeapp"),
        ("com.acme.fun",
         "segment 'fun' is a Kotlin keyword; the namespace derived from it would not compile",
         "rename the segment, e.g. funapp"),
        ("com.acme.true",
         "segment 'true' is a Java keyword; the namespace derived from it would not compile",
         "rename the segment, e.g. trueapp"),
    ],
)
def test_android_id(root: Path, value: str, message: str, hint: str) -> None:
    manifest = make_tenant(root, "acme", {"ids": {"android": Marked(value)}})
    d = only(diagnose(root, "acme"), "ids.android")
    assert (d.message, d.hint) == (message, hint)
    assert at(d) == (manifest, marked(manifest), ANDROID_COL)


@pytest.mark.parametrize("value", ["com.acme.ding_2", "Com.Acme.Ding", "com.acme.native_app"])
def test_valid_android_ids(root: Path, value: str) -> None:
    make_tenant(root, "acme", {"ids": {"android": value}})
    assert diagnose(root, "acme") == []


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("com.acme_ding", "iOS bundle ids cannot contain '_': try 'com.acme-ding'"),
        ("com.acme ding", "segments of letters, digits and '-', e.g. com.acme.ding"),
        ("acmeding", "segments of letters, digits and '-', e.g. com.acme.ding"),
        ("com.acme.钉", "segments of letters, digits and '-', e.g. com.acme.ding"),
    ],
)
def test_ios_id(root: Path, value: str, hint: str) -> None:
    manifest = make_tenant(root, "acme", {"ids": {"ios": Marked(value)}})
    d = only(diagnose(root, "acme"), "ids.ios")
    assert d.message == f"{value!r} is not a valid iOS bundle id"
    assert d.hint == hint
    assert at(d) == (manifest, marked(manifest), IOS_COL)


@pytest.mark.parametrize("version", ["1.2.3.4", "v1.2", "1.2.", "1..2", "12345", "1.2-beta", ""])
def test_bad_version(root: Path, version: str) -> None:
    manifest = make_tenant(root, "acme", {"app": {"version": Marked(version)}})
    d = only(diagnose(root, "acme"), "app.version")
    assert d.message == f"version {version!r} must be one to three numbers separated by dots"
    assert at(d)[:2] == (manifest, marked(manifest))


@pytest.mark.parametrize("version", ["1", "2.3", "2.3.0", "9999.9999.9999"])
def test_good_version(root: Path, version: str) -> None:
    make_tenant(root, "acme", {"app": {"version": version}})
    brand = check(root, "acme").brand
    assert brand is not None and brand.app.version == version


@pytest.mark.parametrize("build", [0, -1])
def test_build_below_one(root: Path, build: int) -> None:
    manifest = make_tenant(root, "acme", {"app": {"build": Marked(build)}})
    d = only(diagnose(root, "acme"), "app.build")
    assert d.message == "must be at least 1"
    assert at(d) == (manifest, marked(manifest), len("  build: ") + 1)


def test_build_above_the_play_maximum(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"app": {"build": Marked(2_100_000_001)}})
    d = only(diagnose(root, "acme"), "app.build")
    assert d.message == (
        "build 2100000001 is above Google Play's versionCode maximum 2,100,000,000"
    )
    assert at(d) == (manifest, marked(manifest), len("  build: ") + 1)


def test_build_at_the_play_maximum_is_fine(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"build": 2_100_000_000}})
    brand = check(root, "acme").brand
    assert brand is not None and brand.app.build == 2_100_000_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tenant": Marked("acme\n")}, "tenant"),
        ({"ids": {"android": Marked("com.acme.ding\n")}}, "ids.android"),
        ({"ids": {"ios": Marked("com.acme.ding\n")}}, "ids.ios"),
        ({"app": {"version": Marked("1.2.3\n")}}, "app.version"),
        ({"colors": {"primary": Marked("#0A7D5A\n")}}, "colors.primary"),
        ({"signing": {"ios": {"team_id": Marked("ABCDE12345\n")}}}, "signing.ios.team_id"),
        ({"signing": {"android": {"password": Marked("env:ACME_PW\n")}}},
         "signing.android.password"),
        ({"storage": {"bucket": Marked("acme-data\n")}}, "storage.bucket"),
        ({"legal": {"support_email": Marked("support@acme.example\n")}}, "legal.support_email"),
    ],
)
def test_a_trailing_newline_does_not_slip_through_a_pattern(
    root: Path, overrides: dict[str, object], field: str
) -> None:
    """A "$" in a pattern matches before a final newline: values must match in full."""
    manifest = make_tenant(root, "acme", overrides)
    d = only(diagnose(root, "acme"), field)
    assert at(d)[:2] == (manifest, marked(manifest))
