"""Shared helpers for the foundation tests (manifest rules, colours, output, CLI).

Importable as ``ixm_test_helpers`` (``tests/conftest.py`` registers it under that unique
name: a plain ``helpers`` module would clash with ``tests/integration/helpers.py``, since
pytest puts each test folder on ``sys.path``).

* :func:`build_file_tree` writes ``{relpath: text_or_bytes}`` under a root (as copier's tests).
* :func:`make_tenant` writes a VALID baseline tenant (every key, good contrast, real 1024 px
  PNG images) with ``overrides`` deep-merged in, so each test changes exactly one thing.
  :data:`DELETE` removes a key; :class:`Marked` wraps a value so its line carries ``# <-``.
* :func:`write_marked` / :func:`marker_line` find the 1-based line of the ``# <-`` marker, so
  tests assert exact line numbers without counting lines by hand.
* :func:`diagnose` / :func:`only` run the checks in-process and pick one diagnostic.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ixm_cli.errors import Diagnostic, Severity
from ixm_cli.index import INDEX
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import Checked, check_tenant

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "tenants"
MARK = "# <-"
ICON_SIDE = 1024


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""An override value that removes the key from the baseline."""


class Marked:
    """An override value whose line in the written YAML ends with the ``# <-`` marker."""

    def __init__(self, value: Any) -> None:
        self.value = value


# -- files -------------------------------------------------------------------------------


def build_file_tree(spec: Mapping[str | Path, str | bytes], root: Path) -> Path:
    """Write each ``relpath: content`` below ``root`` (text as UTF-8 with LF); returns root."""
    for rel, content in spec.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
    return root


@cache
def png_bytes(
    side: int = ICON_SIDE, color: tuple[int, int, int, int] = (10, 125, 90, 255)
) -> bytes:
    """A real, square RGBA PNG (solid colour: small and fast to write)."""
    buf = io.BytesIO()
    Image.new("RGBA", (side, side), color).save(buf, format="PNG")
    return buf.getvalue()


@cache
def layer_png(
    reach: float = 0.25, color: tuple[int, int, int, int] = (255, 255, 255, 255)
) -> bytes:
    """A 1024 px icon layer: a disc of radius ``reach`` × the edge on transparency.

    The baseline's foreground and monochrome layers are drawn like this (inside the adaptive
    safe zone, one flat colour), so they pass the safe-zone and silhouette checks.
    """
    buf = io.BytesIO()
    img = Image.new("RGBA", (ICON_SIDE, ICON_SIDE), (0, 0, 0, 0))
    r, c = reach * ICON_SIDE, ICON_SIDE / 2
    ImageDraw.Draw(img).ellipse((c - r, c - r, c + r, c + r), fill=color)
    img.save(buf, format="PNG")
    return buf.getvalue()


def marker_line(text: str, marker: str = MARK) -> int:
    """The 1-based line holding ``marker``; exactly one line may hold it."""
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(lines) == 1, f"expected one {marker!r} marker, found lines {lines}"
    return lines[0]


def marker_col(text: str, token: str, marker: str = MARK) -> int:
    """The 1-based column of ``token`` on the marked line."""
    line = text.splitlines()[marker_line(text, marker) - 1]
    assert token in line, f"{token!r} not on the marked line {line!r}"
    return line.index(token) + 1


def write_marked(path: Path, text: str, marker: str = MARK) -> int:
    """Write ``text`` (UTF-8, LF) to ``path`` and return the 1-based line of ``marker``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return marker_line(text, marker)


def line_of(path: Path, start: str) -> int:
    """The 1-based line of the only line of ``path`` that starts with ``start``."""
    lines = [
        i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if line.startswith(start)
    ]
    assert len(lines) == 1, f"{start!r} starts lines {lines} of {path}"
    return lines[0]


# -- manifests ---------------------------------------------------------------------------


def baseline(slug: str) -> dict[str, Any]:
    """Every key of manifest v1 with valid values; passes all checks (text, json, strict)."""
    package = slug.replace("-", "_")
    return {
        "schema": "ixm/v1",
        "tenant": slug,
        "locales": ["en", "zh-Hans"],
        "app": {
            "name": {"en": "Acme Ding", "zh-Hans": "阿克米钉"},
            "short_name": {"en": "Acme", "zh-Hans": "阿克米"},
            "description": {"en": "Work together", "zh-Hans": "一起协同"},
            "version": "1.2.3",
            "build": 42,
        },
        "ids": {"android": f"com.acme.{package}", "ios": f"com.acme.{slug}"},
        "colors": {
            "primary": "#0A7D5A",
            "on_primary": "#FFFFFF",
            "secondary": "#F5A623",
            "background": "#FFFFFF",
            "on_background": "#1A1A1A",
            "dark": {
                "primary": "#34C38F",
                "on_primary": "#0B1F17",
                "secondary": "#F5A623",
                "background": "#121212",
                "on_background": "#EDEDED",
            },
        },
        "typography": {"font_family": "Noto Sans SC"},
        "assets": {
            "icon": "assets/icon.png",
            "icon_foreground": "assets/icon-foreground.png",
            "icon_background": "#0A7D5A",
            "icon_monochrome": "assets/icon-mono.png",
            "splash_logo": "assets/splash-logo.png",
        },
        "features": {
            "im": True,
            "attendance": True,
            "approvals": True,
            "docs": True,
            "meetings": True,
            "projects": False,
            "low_code": True,
        },
        "endpoints": {"api": "https://api.acme.example", "web": "https://ding.acme.example/"},
        "storage": {
            "mode": "private",
            "endpoint": "https://oss.acme.example",
            "bucket": "acme-data",
            "region": "cn-hangzhou",
        },
        "legal": {
            "privacy_url": "https://acme.example/privacy",
            "terms_url": "https://acme.example/terms",
            "support_url": "https://acme.example/support",
            "support_email": "support@acme.example",
        },
        "store": {
            "subtitle": {"en": "Work, together", "zh-Hans": "一起协同办公"},
            "short_description": {"en": "Chat and approvals", "zh-Hans": "沟通与审批"},
            "full_description": {"en": "A workspace for teams.", "zh-Hans": "团队工作台。"},
            "keywords": {"en": "chat,approvals,docs", "zh-Hans": "沟通,审批,文档"},
            "promotional_text": {"en": "Now with meetings.", "zh-Hans": "现已支持会议。"},
            "release_notes": {"en": "Bug fixes.", "zh-Hans": "问题修复。"},
        },
        "signing": {
            "android": {
                "keystore": "env:ACME_KEYSTORE",
                "key_alias": "acme",
                "password": "env:ACME_KEY_PASSWORD",
                "key_password": "env:ACME_KEY_ALIAS_PASSWORD",
            },
            "ios": {"team_id": _team_id(slug), "profile": "env:ACME_PROFILE"},
        },
        "environments": {
            "staging": {
                "ids": {
                    "android": f"com.acme.{package}.staging",
                    "ios": f"com.acme.{slug}.staging",
                },
                "endpoints": {"api": "https://api-staging.acme.example"},
            }
        },
    }


def _team_id(slug: str) -> str:
    """A distinct, valid Apple team id per slug (a shared one is a warning)."""
    digits = "".join(c for c in slug.upper() if c.isalnum())
    return (digits + "0123456789")[:10]


PARENT_KEYS = ("locales", "colors", "typography", "assets", "features", "legal", "store")
"""What :func:`make_tenant` moves into a parent (``parent=``); the rest stays in the child."""


def deep_merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` laid over a copy of ``base``: maps merge, other values replace."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is DELETE:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _commented(value: Any) -> Any:
    """Plain data as ruamel round-trip nodes, with ``# <-`` after each Marked value."""
    if isinstance(value, Marked):
        return _commented(value.value)
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, sub in value.items():
            out[key] = _commented(sub)
            if isinstance(sub, Marked):
                out.yaml_add_eol_comment(MARK, key)
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq()
        for i, sub in enumerate(value):
            seq.append(_commented(sub))
            if isinstance(sub, Marked):
                seq.yaml_add_eol_comment(MARK, i)
        return seq
    return value


def dump_yaml(data: Any) -> str:
    """YAML text (block style, unicode, no line folding); Marked values carry ``# <-``."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(_commented(data), buf)
    return buf.getvalue()


def asset_files(data: Mapping[str, Any]) -> dict[str, bytes]:
    """A real 1024 px PNG for each image path named under ``assets`` in ``data``."""
    assets = data.get("assets")
    if not isinstance(assets, Mapping):
        return {}
    return {
        value: layer_png() if role in ("icon_foreground", "icon_monochrome") else png_bytes()
        for role, value in assets.items()
        if isinstance(value, str) and value.endswith(".png")
    }


def make_tenant(
    root: Path,
    slug: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    parent: str | None = None,
    parent_overrides: Mapping[str, Any] | None = None,
    images: bool = True,
) -> Path:
    """Write ``root/<slug>/brand.yaml`` (+ PNG assets) from the baseline; returns the file.

    The baseline's images are written as real 1024 px PNGs (``images=False``: none); an
    image path given in ``overrides`` is NOT created, so the test decides what is there.

    With ``parent="_partner"``, the keys in :data:`PARENT_KEYS` (and their assets) go to
    ``root/_partner/brand.yaml`` (no ``tenant``) and the child ``extends`` it, so the merged
    manifest equals the baseline. ``overrides`` apply to the child, ``parent_overrides`` to
    the parent.
    """
    data = baseline(slug)
    if parent is not None:
        parent_data: dict[str, Any] = {"schema": "ixm/v1"}
        parent_data.update({k: data.pop(k) for k in PARENT_KEYS})
        parent_dir = root / parent
        if images:
            build_file_tree(asset_files(parent_data), parent_dir)
        parent_data = deep_merge(parent_data, parent_overrides or {})
        build_file_tree({"brand.yaml": dump_yaml(parent_data)}, parent_dir)
        data = {"schema": data.pop("schema"), "tenant": data.pop("tenant"),
                "extends": f"../{parent}/brand.yaml", **data}
    tenant_dir = root / slug
    if images:
        build_file_tree(asset_files(data), tenant_dir)
    data = deep_merge(data, overrides or {})
    build_file_tree({"brand.yaml": dump_yaml(data)}, tenant_dir)
    return tenant_dir / "brand.yaml"


def set_manifest(path: Path, overrides: Mapping[str, Any]) -> None:
    """Rewrite an existing manifest with ``overrides`` merged in (loses comments)."""
    data = YAML(typ="safe", pure=True).load(path.read_text("utf-8"))
    path.write_text(dump_yaml(deep_merge(data, overrides)), encoding="utf-8", newline="\n")


# -- running the checks ------------------------------------------------------------------


def diagnose(
    root: Path, slug: str, env: str | None = None, *, images: bool = False
) -> list[Diagnostic]:
    """Every diagnostic for one tenant and environment (image checks off by default)."""
    return list(check(root, slug, env, images=images).diagnostics)


def check(root: Path, slug: str, env: str | None = None, *, images: bool = False) -> Checked:
    return check_tenant(Workspace.at(root), slug, env, images=images)


def errors(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity is Severity.ERROR]


def warnings(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity is Severity.WARNING]


def only(
    diags: Sequence[Diagnostic],
    field: str | None = None,
    contains: str | None = None,
    severity: Severity | None = Severity.ERROR,
) -> Diagnostic:
    """The single diagnostic matching ``field`` / ``contains`` / ``severity``; fails otherwise.

    The other diagnostics are shown on failure, so a wrong message is easy to read.
    """
    hits = [
        d
        for d in diags
        if (field is None or d.field == field)
        and (contains is None or contains in d.message)
        and (severity is None or d.severity is severity)
    ]
    shown = "\n".join(d.render() for d in diags) or "(none)"
    assert len(hits) == 1, f"expected one {severity} [{field}] ~ {contains!r}; got:\n{shown}"
    return hits[0]


def at(d: Diagnostic) -> tuple[Path, int, int]:
    """(resolved file, line, col) of a diagnostic: what the tests compare against."""
    assert d.location is not None, d.render()
    return d.location.file.resolve(), d.location.line, d.location.col


def rendered(diags: Sequence[Diagnostic]) -> str:
    return "\n".join(d.render() for d in diags)


# -- the command line --------------------------------------------------------------------


def run_ixm(*args: str | Path) -> Any:
    """``ixm ARGS`` in-process; exceptions escape (the CLI must catch its own)."""
    from typer.testing import CliRunner

    from ixm_cli.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def listing(out: Path) -> list[str]:
    """The names in an --out folder, less ixm's stat index (a cache, not an output)."""
    return sorted(p.name for p in out.iterdir() if p.name != INDEX)
