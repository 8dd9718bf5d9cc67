"""Shared helpers for the integration tests (one module per target, each proven by its consumer).

Public API (kept stable; the Android, iOS and web test modules import it):

* :data:`REPO`, :data:`EXAMPLES` — the repository and its example ``tenants/`` folder.
* :func:`example_slugs` — the buildable example tenants (folders with ``brand.yaml`` whose
  name does not start with ``_``).
* :func:`require_tool` / :func:`require_file` — a missing consumer FAILS the test (a
  consumer test must never silently vanish), naming the setup command that installs it.
* :func:`build_tenant_dir` — copy an example tenant (and the parent folders its ``extends``
  chain names) into a scratch dir, let a callback edit its ``brand.yaml`` data, build it.
* :func:`svg_tenant_dir` — an example tenant whose icon, foreground, monochrome and splash
  logo are SVG drawings, so every consumer test also runs on vector sources.
* :data:`NASTY` / :func:`nasty_edit` — the "nasty names" tenant: every string that breaks a
  naive escaper, spread over name/short_name/description/store texts and four locales
  (LTR, CJK, Arabic and Hebrew RTL). Tests compare what a consumer reads back with these.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from ruamel.yaml import YAML

from ixm_cli import api

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium, driven by Playwright (never a browser Playwright downloads)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no network: no doomed requests
    "--disable-component-update",
    "--disable-sync",
]
EXAMPLES = REPO / "tenants"
BRAND = "brand.yaml"


def example_slugs() -> list[str]:
    """Buildable example tenants, sorted (``_partner`` folders are parents, never built)."""
    return sorted(
        p.name for p in EXAMPLES.iterdir() if (p / BRAND).is_file() and not p.name.startswith("_")
    )


def _missing(what: str) -> NoReturn:
    # A consumer test never skips, in CI or out of it: a test that vanishes proves nothing,
    # and the README's test command installs every consumer first.
    pytest.fail(f"{what} is required: run `bash .ci/setup --test` to install it")


def require_tool(name: str) -> str:
    """The absolute path of ``name`` on PATH (or an absolute path that exists)."""
    found = shutil.which(name)
    if found is None:
        _missing(f"`{name}`")
    return found


def require_file(path: Path) -> Path:
    """``path`` if it is a file; the test fails otherwise."""
    if not path.is_file():
        _missing(str(path))
    return path


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096  # never fold a long nasty string
    y.allow_unicode = True
    return y


def _parent_chain(tenant_dir: Path) -> list[Path]:
    """The folders of the manifests ``tenant_dir``'s brand.yaml extends, nearest first."""
    chain: list[Path] = []
    manifest = tenant_dir / BRAND
    while True:
        data = _yaml().load(manifest.read_text("utf-8"))
        parent = data.get("extends") if isinstance(data, dict) else None
        if not parent:
            return chain
        manifest = (manifest.parent / str(parent)).resolve()
        chain.append(manifest.parent)


def copy_tenant(src_tenant_dir: Path, tenants_root: Path) -> Path:
    """Copy a tenant folder and its parent chain side by side under ``tenants_root``.

    ``extends`` paths are relative (``../_greentown/brand.yaml``), so the parents keep their
    folder names next to the copy. Returns the copied tenant folder.
    """
    tenants_root.mkdir(parents=True, exist_ok=True)
    for folder in [src_tenant_dir, *_parent_chain(src_tenant_dir)]:
        dest = tenants_root / folder.name
        if not dest.exists():
            shutil.copytree(folder, dest, symlinks=True)
    return tenants_root / src_tenant_dir.name


def build_tenant_dir(
    src_tenant_dir: Path,
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None] | None = None,
    *,
    platforms: str | None = None,
    env: str | None = None,
) -> Path:
    """Copy ``src_tenant_dir`` (plus parents) into ``tmp_path``, edit its YAML, build it.

    ``edit`` receives the tenant's own ``brand.yaml`` data (a ruamel round-trip map, so a
    plain ``dict`` to the callback) and changes it in place; it is written back before the
    build. Returns ``dist/<tenant>`` (or ``dist/<tenant>@<env>``) under ``tmp_path``.
    """
    tenants = tmp_path / "tenants"
    tenant = copy_tenant(src_tenant_dir, tenants)
    if edit is not None:
        y = _yaml()
        manifest = tenant / BRAND
        data = y.load(manifest.read_text("utf-8"))
        edit(data)
        with manifest.open("w", encoding="utf-8") as fh:
            y.dump(data, fh)
    report = api.build(
        tenants_dir=tenants,
        out=tmp_path / "dist",
        tenants=[tenant.name],
        platforms=platforms,
        env=env,
    )
    (built,) = report.built
    return built.out


# --- the SVG tenant -------------------------------------------------------------------------

SVG_BASE = EXAMPLES / "huaxinding"


def svg_tenant_dir(tenants_root: Path) -> Path:
    """Copy :data:`SVG_BASE` under ``tenants_root`` with SVG sources for every role that
    takes one (icon_background stays a colour); returns the tenant folder."""
    from hostile_images import good_svg  # tests/ is on sys.path (the root conftest's folder)

    tenant = copy_tenant(SVG_BASE, tenants_root)
    files = {
        "icon": ("assets/icon.svg", good_svg("#FFFFFF", "#B3261E")),
        "icon_foreground": ("assets/icon-foreground.svg", good_svg("#FFFFFF", None)),
        "icon_monochrome": ("assets/icon-mono.svg", good_svg("#FFFFFF", None)),
        "splash_logo": ("assets/splash-logo.svg", good_svg("#B3261E", None)),
    }
    y = _yaml()
    manifest = tenant / BRAND
    data = y.load(manifest.read_text("utf-8"))
    for role, (rel, text) in files.items():
        (tenant / rel).write_text(text, encoding="utf-8")
        data["assets"][role] = rel
    with manifest.open("w", encoding="utf-8") as fh:
        y.dump(data, fh)
    return tenant


# --- the nasty names tenant -----------------------------------------------------------------

NASTY_BASE = EXAMPLES / "yunzhuding"  # has a parent (extends) and a staging environment
NASTY_LOCALES = ["en", "zh-Hans", "ar", "he"]  # default first; CJK; two RTL scripts
NASTY_ANDROID_ID = "com.nasty.names_app"

# Every app text per locale. Limits: name <= 30 characters, short_name <= 12 (warning only).
NASTY: dict[str, dict[str, str]] = {
    "name": {
        "en": 'Joe\'s "Best" <App> & Co 100%',
        "zh-Hans": "云助钉 {{ 7*7 }} 👍🏽 &amp;",
        "ar": 'تطبيق "الأمل" & <شركاء>',
        "he": "אפליקציה 'שלום' %s %s",
    },
    "short_name": {
        "en": "@Joe's & Co",
        "zh-Hans": "?云钉👍🏽 %s %s",
        "ar": '"أمل" \\ 50%',
        "he": "{{ 7*7 }}",
    },
    "description": {
        "en": "Back\\slash, %1$s & %s %s, \"quotes\" 'n' <tags> {% if x %}{{ 7*7 }}",
        "zh-Hans": "物业 <协同> & 平台 {{ 7*7 }} 100%",
        "ar": "منصة التعاون & <العمل> 'معًا'",
        "he": '@פלטפורמה "שיתופית" & ?',
    },
}
NASTY_STORE: dict[str, dict[str, str]] = {
    "subtitle": {
        "en": "Estates & <Co> {{ 7*7 }}",
        "zh-Hans": "智慧物业 & 协同 👍🏽",
        "ar": "العقارات & <معًا>",
        "he": "נכסים 'ביחד' & %s",
    },
    "short_description": {
        "en": 'Chat, attendance & approvals — 100% "yours" <b>{{ 7*7 }}</b>',
        "zh-Hans": "即时沟通、考勤 & 审批 {{ 7*7 }} 👍🏽",
        "ar": "الدردشة والحضور & الموافقات 'معًا'",
        "he": "צ'אט, נוכחות & אישורים %s %s",
    },
    "full_description": {
        "en": "Line one & <two>\n\n'Three' \"four\" 50% %s %s\n{{ 7*7 }} {% raw %} \\n",
        "zh-Hans": "专为物业团队打造 & <协同>\n{{ 7*7 }} 👍🏽",
        "ar": "منصة عمل واحدة & <آمنة>\nسطر 'ثان'",
        "he": 'מרחב עבודה & <אחד>\nשורה "שנייה"',
    },
    "keywords": {
        "en": "property,{{ 7*7 }},a&b,50%",
        "zh-Hans": "物业,考勤,审批",
        "ar": "عقارات,حضور",
        "he": "נכסים,נוכחות",
    },
    "promotional_text": {
        "en": "New: <repairs> & 'rounds' \"live\" {{ 7*7 }} 100%",
        "zh-Hans": "新版 & <工单> {{ 7*7 }}",
        "ar": "جديد & <الصيانة>",
        "he": "חדש & 'תיקונים'",
    },
    "release_notes": {
        "en": "Fixed <crash> & 'stuff' \"now\" %s %s {{ 7*7 }}",
        "zh-Hans": "修复 & <问题> 👍🏽",
        "ar": "إصلاحات & <تحسينات>",
        "he": "תיקונים & 'שיפורים'",
    },
}


# Signing references with a key password, and an alias that is hostile to Kotlin strings.
NASTY_SIGNING = {
    "keystore": "env:NASTY_KEYSTORE",
    "key_alias": 'release "$key" ${x} \\ {{ 7*7 }}',
    "password": "env:NASTY_STORE_PASSWORD",
    "key_password": "env:NASTY_KEY_PASSWORD",
}


def nasty_edit(data: dict[str, Any]) -> None:
    """Turn a copy of yunzhuding's brand.yaml into the nasty names tenant (keeps its slug)."""
    data["locales"] = list(NASTY_LOCALES)
    for key, texts in NASTY.items():
        data["app"][key] = dict(texts)
    data["ids"]["android"] = NASTY_ANDROID_ID
    data["store"] = {key: dict(texts) for key, texts in NASTY_STORE.items()}
    data["signing"] = {"android": dict(NASTY_SIGNING)}
