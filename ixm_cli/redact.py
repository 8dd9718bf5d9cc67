"""What ixm may print about a manifest: logs (CI output, `ixm show`) are published.

Two kinds of value are never printed, whatever command or ``--format`` prints them:

* URL credentials, anywhere: ``https://user:pass@host`` is shown as ``https://***@host``;
* values under ``signing`` other than what is public by design (env:NAME references, the
  Android key alias, a well-formed Apple team id), whatever their type (a list, a map, a
  number) and whatever the key is called (a misspelt ``pasword`` is the password still).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ixm_cli.manifest.model import ENV_REF_PATTERN

HIDDEN = "<not shown: an inline secret; use env:NAME>"

# Anchored on "://" alone, not on a scheme before it: a scheme glued to other text
# ("1https://…") is a URL to a reader all the same, and matching from ':' keeps the scan
# linear on the 1 MiB strings a manifest may hold. Greedy up to the last '@' before the path,
# as urllib's netloc.rpartition('@') finds the userinfo. Slashes are `/+`: a path the OS
# normalised (https:/user:pass@host) still holds them.
_CREDENTIALS = re.compile(r"(:/+)[^/?#\s]*@")

PUBLIC_SIGNING: dict[tuple[str, ...], str] = {
    ("android", "key_alias"): r"[^\x00-\x1f\x7f]*",
    ("ios", "team_id"): r"[A-Z0-9]{10}",
    # the same two as `show --resolved` names them
    ("android_key_alias",): r"[^\x00-\x1f\x7f]*",
    ("ios_team_id",): r"[A-Z0-9]{10}",
}
"""Signing values that are not secrets (a key alias, an Apple team id), with the shape they
must have to be shown: anything else in their place may be a pasted secret."""

SIGNING = "signing"


def credentials(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    if "@" not in text or ":/" not in text:
        return text
    return _CREDENTIALS.sub(r"\1***@", text)


def is_signing_key(key: object) -> bool:
    """``signing`` or a near miss of it (``signin``, ``Singing``, ``sigining``): a misspelt
    signing block holds the same secrets."""
    if not isinstance(key, str):
        return False
    word = key.lower()
    if not 5 <= len(word) <= 10:  # a ratio of 0.8 to a 7-letter word needs 5-10 letters
        return False
    # difflib scores a swap of letters low ("singing": 0.57): letters alike count as well
    return (
        sorted(word) == sorted(SIGNING)
        or difflib.SequenceMatcher(None, word, SIGNING).ratio() >= 0.8
    )


def signing_path(path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The part of ``path`` below its signing key (``()`` for the block itself), or None
    when ``path`` is not under one."""
    for i, key in enumerate(path):
        if is_signing_key(key):
            return tuple(path[i + 1 :])
    return None


def signing_value_hidden(below: tuple[Any, ...], value: Any) -> bool:
    """Whether ``value`` (at ``below`` under a signing key) must not be printed."""
    if value is None:
        return False  # an empty value holds no secret, and "nothing" helps the reader
    if isinstance(value, str):
        if re.fullmatch(ENV_REF_PATTERN, value):
            return False
        shape = PUBLIC_SIGNING.get(tuple(below))
        return shape is None or re.fullmatch(shape, value) is None
    return True


def public_data(value: Any, path: tuple[Any, ...] = ()) -> Any:
    """Plain data (dicts, lists, scalars) as it may be printed: hidden signing values,
    URL credentials redacted in every string (keys included)."""
    below = signing_path(path)
    if isinstance(value, dict):
        return {
            (credentials(k) if isinstance(k, str) else k): public_data(v, (*path, k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [public_data(v, (*path, i)) for i, v in enumerate(value)]
    if below is not None and signing_value_hidden(below, value):
        return HIDDEN
    return credentials(value) if isinstance(value, str) else value
