"""ixm_cli.redact: what may be printed about a manifest.

URL userinfo is found where urllib finds it (up to the last '@' before the path), also in a
path the OS normalised (``https:/u:p@h``) and inside a longer text; signing keys are found
under their near misses; public data hides what may be a secret and keeps what is public.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ixm_cli import redact


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://user:pass@host.example/x", "https://***@host.example/x"),
        ("https://token@host.example", "https://***@host.example"),
        ("https://u:p@ss@host.example:8443/x?y=@", "https://***@host.example:8443/x?y=@"),
        ("see ftp://a:b@files.example and HTTP://c:d@e.example.", "see ftp://***@files.example "
         "and HTTP://***@e.example."),
        ("/abs/tenant/https:/u:p@h/icon.png", "/abs/tenant/https:/***@h/icon.png"),
        ("support@acme.example", "support@acme.example"),
        ("https://acme.example/@team", "https://acme.example/@team"),
        ("mailto:someone@acme.example", "mailto:someone@acme.example"),
        ("no url at all", "no url at all"),
        ("x1https://u:p@h.example", "x1https://***@h.example"),
        ("C:/Users/ci/key", "C:/Users/ci/key"),
    ],
)
def test_credentials(text: str, shown: str) -> None:
    assert redact.credentials(text) == shown


@pytest.mark.parametrize(
    "url",
    ["https://u:Zpass@h", "https://u:Zp@ss@h/x", "http://:Zsecret@h:80", "https://a@b@Zc:Zd@e/f"],
)
def test_what_urllib_calls_the_password_is_gone(url: str) -> None:
    parts = urlsplit(url)
    shown = redact.credentials(url)
    assert parts.password is None or parts.password not in shown
    assert urlsplit(shown).hostname == parts.hostname


@pytest.mark.parametrize("key", ["signing", "Signing", "signin", "singing", "sigining", "SIGNING"])
def test_signing_and_its_near_misses(key: str) -> None:
    assert redact.is_signing_key(key)


@pytest.mark.parametrize("key", ["storage", "string", "settings", "sign", "signature_files", 3])
def test_other_keys(key: object) -> None:
    assert not redact.is_signing_key(key)


def test_public_data() -> None:
    data = {
        "signing": {
            "android": {"keystore": "env:K", "key_alias": "acme", "password": "hunter2",
                        "pasword": ["a", "b"], "key_password": None},
            "ios": {"team_id": "ABCDE12345", "profile": 1234},
        },
        "signin": {"ios": {"team_id": "not a team id"}},
        "endpoints": {"api": "https://u:p@h"},
        "https://u:p@key": 1,
    }
    hidden = redact.HIDDEN
    assert redact.public_data(data) == {
        "signing": {
            "android": {"keystore": "env:K", "key_alias": "acme", "password": hidden,
                        "pasword": [hidden, hidden], "key_password": None},
            "ios": {"team_id": "ABCDE12345", "profile": hidden},
        },
        "signin": {"ios": {"team_id": hidden}},
        "endpoints": {"api": "https://***@h"},
        "https://***@key": 1,
    }
