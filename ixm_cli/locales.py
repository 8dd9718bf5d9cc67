"""ixm's BCP 47 subset and each target's code for it, read from ``data/locales.json``.

The table is data, not code (PLATFORM_SPEC.md U-5): store locale lists change with fastlane
and the stores, and a table is easy to review against them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Locale:
    tag: str  # canonical BCP 47 tag as written in manifests
    android: tuple[str, ...]  # values-<qualifier> folders; the first is the main one
    ios: str  # <lang>.lproj
    supply: str  # fastlane supply (Google Play) folder
    deliver: str  # fastlane deliver (App Store Connect) folder
    web: str  # web manifest / <html lang>
    rtl: bool


@cache
def table() -> dict[str, Locale]:
    raw = json.loads(resources.files("ixm_cli").joinpath("data/locales.json").read_text("utf-8"))
    return {
        row["tag"]: Locale(
            tag=row["tag"],
            android=tuple(row["android"]),
            ios=row["ios"],
            supply=row["supply"],
            deliver=row["deliver"],
            web=row["web"],
            rtl=row["dir"] == "rtl",
        )
        for row in raw["locales"]
    }


def lookup(tag: str) -> Locale | None:
    return table().get(tag)


def canonical(tag: str) -> str | None:
    """The table's spelling of ``tag`` when it differs only in case (``zh-hans``)."""
    lowered = tag.lower()
    return next((t for t in table() if t.lower() == lowered), None)
