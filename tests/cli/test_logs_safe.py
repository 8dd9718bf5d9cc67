"""Logs are safe to publish: no command and no --format prints a planted secret.

CI logs, pull-request annotations and pasted `ixm show` output are public. What is proven:

* a value under ``signing`` (top level, under a misspelt key such as ``signin:``, or in an
  environment overlay) is never printed by ``show``, ``show --resolved``, ``show --env`` or
  ``validate`` in text, JSON or GitHub form, whatever its type (text, a number, a list, a
  map) and whatever key it sits under (``pasword``, ``keystor``, ``profile`` …); only
  env:NAME references, the key alias and a well-formed team id are shown;
* URL credentials (``https://user:pass@host``), planted in any text of the manifest
  (endpoints, legal URLs, descriptions, colours, asset paths, a number's place, overlays),
  are never printed: show prints ``https://***@host``;
* every run answers with exit 0 or 1, never a traceback.

Two hypothesis tests generate the manifests (derandomized, bounded); a few fixed cases pin
the exact redacted spellings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ixm_test_helpers import make_tenant, run_ixm

from ixm_cli import redact

SLUG = "acme"
SECRET = st.text("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", min_size=10,
                 max_size=16).map(lambda s: "Zq" + s)
"""A token no output holds by chance: 'Zq' and 10+ letters and digits."""

PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]  # no slow "explain"
SIGNING_KEYS = ["android", "ios", "andriod", "keystore", "keystor", "password", "pasword",
                "key_password", "profile", "team_id", "key_alias", "pin", "Password"]
SIGNING_BLOCKS: list[tuple[str, ...]] = [
    ("signing",), ("signin",), ("Signing",), ("environments", "staging", "signing"),
]
TEXT_PLACES: list[tuple[str | int, ...]] = [
    ("endpoints", "api"), ("endpoints", "web"), ("storage", "endpoint"),
    ("legal", "privacy_url"), ("legal", "support_email"), ("app", "description", "en"),
    ("store", "full_description", "en"), ("colors", "primary"), ("assets", "icon"),
    ("typography", "font_family"), ("app", "build"), ("app", "version"), ("ids", "android"),
    ("app", "name", "en"), ("signing", "android", "key_alias"), ("locales", 1),
    ("environments", "staging", "endpoints", "api"), ("surprise",),
]


def nest(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """``{a: {b: value}}`` for path (a, b); an int step replaces that list item."""
    for part in reversed(path):
        if isinstance(part, int):
            items: list[Any] = ["en", "zh-Hans"]
            items[part] = value
            value = items
        else:
            value = {part: value}
    assert isinstance(value, dict)
    return value


def outputs(root: Path, env: str | None) -> str:
    """Everything show and validate print (stdout and stderr), every mode and format."""
    runs = [
        ("show", SLUG),
        ("show", SLUG, "--resolved"),
        ("validate", SLUG),
        ("validate", SLUG, "--format", "json"),
        ("validate", SLUG, "--format", "github"),
    ]
    if env:
        runs += [("show", SLUG, "--env", env), ("show", SLUG, "--env", env, "--resolved")]
    printed = []
    for args in runs:
        result = run_ixm(*args, "--tenants", root)
        assert result.exit_code in (0, 1), (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        printed.append(result.stdout + result.stderr)
    return "\n".join(printed)


@st.composite
def signing_secrets(draw: st.DrawFn) -> tuple[dict[str, Any], str, str | None]:
    """(manifest overrides with a secret somewhere under a signing block, the secret text as
    it would be printed, the environment to show)."""
    secret = draw(SECRET)
    shape = draw(st.sampled_from(["text", "number", "list", "map", "nested list"]))
    printed = secret
    value: Any
    if shape == "text":
        value = secret
    elif shape == "number":
        number = draw(st.integers(10**9, 10**15))
        value, printed = number, str(number)
    elif shape == "list":
        value = ["env:OK_REF", secret]
    elif shape == "map":
        value = {draw(st.sampled_from(SIGNING_KEYS)): secret}
    else:
        value = [{"k": [secret]}]
    block = draw(st.sampled_from(SIGNING_BLOCKS))
    below = tuple(draw(st.lists(st.sampled_from(SIGNING_KEYS), min_size=0, max_size=2)))
    if shape == "text" and below in (("android", "key_alias"),):
        below = ("android", "password")  # the key alias is public by design
    env = "staging" if block[0] == "environments" else None
    return nest((*block, *below), value), printed, env


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True, phases=PHASES,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(planted=signing_secrets())
def test_no_value_under_signing_is_ever_printed(
    tmp_path_factory: pytest.TempPathFactory, planted: tuple[dict[str, Any], str, str | None]
) -> None:
    overrides, secret, env = planted
    root = tmp_path_factory.mktemp("tenants")
    make_tenant(root, SLUG, overrides)
    printed = outputs(root, env)
    assert secret not in printed


@st.composite
def url_credentials(draw: st.DrawFn) -> tuple[dict[str, Any], str, str | None]:
    password = draw(SECRET)
    user = draw(st.sampled_from(["admin", "ci", "", "deploy.bot"]))
    userinfo = f"{user}:{password}" if user else password
    host = draw(st.sampled_from(["api.acme.example", "oss.acme.example:8443", "[::1]"]))
    url = f"{draw(st.sampled_from(['https', 'http', 'ftp', 'HTTPS']))}://{userinfo}@{host}/x"
    text = draw(st.sampled_from([url, f"see {url} for details", f"{url}?q=1#top"]))
    place = draw(st.sampled_from(TEXT_PLACES))
    env = "staging" if place[0] == "environments" else None
    return nest(place, text), password, env


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True, phases=PHASES,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(planted=url_credentials())
def test_url_credentials_are_never_printed(
    tmp_path_factory: pytest.TempPathFactory, planted: tuple[dict[str, Any], str, str | None]
) -> None:
    overrides, password, env = planted
    root = tmp_path_factory.mktemp("tenants")
    make_tenant(root, SLUG, overrides)
    printed = outputs(root, env)
    assert password not in printed


# --- the exact spellings -----------------------------------------------------------------------


def test_show_hides_signing_values_of_any_type_and_spelling(root: Path) -> None:
    make_tenant(root, SLUG, {
        "signing": {
            "android": {"password": ["Zqhunter2list", "env:OK_REF"], "pasword": "Zqmisspelt1"},
            "ios": {"profile": {"inline": "Zqmapvalue12"}, "keystor": 4815162342},
        },
        "signin": {"password": "Zqtoplevel99"},
    })
    result = run_ixm("show", SLUG, "--tenants", root)
    assert result.exit_code == 0, result.stderr
    for secret in ("Zqhunter2list", "Zqmisspelt1", "Zqmapvalue12", "4815162342", "Zqtoplevel99"):
        assert secret not in result.stdout
    lines = result.stdout.splitlines()
    hidden = [line for line in lines if redact.HIDDEN in line]
    assert len(hidden) == 5, result.stdout
    # what is public by design is still shown: a reference, the key alias, the team id
    assert any("- env:OK_REF" in line for line in lines)
    assert any("key_alias: acme" in line for line in lines)
    assert any("team_id: ACME012345" in line for line in lines)


def test_show_redacts_url_credentials_but_keeps_the_rest(root: Path) -> None:
    make_tenant(root, SLUG, {
        "endpoints": {"api": "https://bot:Zqpassw0rd99@api.acme.example:8443/v1"},
        "app": {"description": {"en": "Mirror at ftp://Zqtokenonly1@files.acme.example/x"}},
    })
    result = run_ixm("show", SLUG, "--tenants", root)
    assert result.exit_code == 0, result.stderr
    assert "api: https://***@api.acme.example:8443/v1" in result.stdout
    assert "Mirror at ftp://***@files.acme.example/x" in result.stdout
    assert "Zqpassw0rd99" not in result.stdout and "Zqtokenonly1" not in result.stdout


def test_validate_json_and_github_redact_url_credentials_in_quoted_values(root: Path) -> None:
    make_tenant(root, SLUG, {"colors": {"primary": "https://u:Zqcolour1234@x.example"},
                             "app": {"build": "https://u:Zqbuildnumber1234567890@x.example"}})
    document = run_ixm("validate", SLUG, "--format", "json", "--tenants", root)
    assert document.exit_code == 1
    messages = [d["message"] for r in json.loads(document.stdout)["results"]
                for d in r["diagnostics"]]
    assert "'https://***@x.example' is not a colour" in messages
    # a long value is cut to 40 characters after redaction, never through the userinfo
    assert "expected a whole number, found the text 'https://***@x.example'" in messages
    github = run_ixm("validate", SLUG, "--format", "github", "--tenants", root)
    assert "https://***@x.example" in github.stdout
    assert "Zqcolour1234" not in github.stdout + document.stdout
    assert "Zqbuild" not in github.stdout + document.stdout


def test_a_tenant_folder_named_with_a_line_break_cannot_forge_a_diagnostic(root: Path) -> None:
    odd = "acme\nforged.yaml:1:1: error[forged]: all is well"
    make_tenant(root, SLUG, images=False).parent.rename(root / odd)
    for fmt in ("text", "github"):
        result = run_ixm("validate", "--all", "--format", fmt, "--tenants", root)
        assert result.exit_code == 1
        printed = (result.stderr + result.stdout).splitlines()
        assert not [line for line in printed if line.startswith("forged.yaml")], printed
    text = run_ixm("validate", "--all", "--tenants", root).stderr
    assert "acme\\nforged.yaml:1:1: error[forged]: all is well/brand.yaml:" in text
