"""The brand sheet's data and HTML, without a browser: provenance, ratios, escaping."""

from __future__ import annotations

import re
from pathlib import Path

from ixm_test_helpers import make_tenant

from ixm_cli import api, colors
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.preview import tenant_sheet
from ixm_cli.preview.sheet import PAIRS, contrast_ratios

HOSTILE = "</title><script>x</script>"  # a name: at most 30 characters


def _row_badge(html: str, field: str) -> str:
    row = re.search(rf"<tr><td><code>{re.escape(field)}</code></td>.*?</tr>", html, re.S)
    assert row, field
    badge = re.search(r'class="badge (\w+)"[^>]*>([^<]*)<', row.group(0))
    assert badge, row.group(0)
    return f"{badge.group(1)}: {badge.group(2)}"


def test_every_value_says_where_it_came_from(root: Path) -> None:
    make_tenant(root, "acme", {"environments": {"staging": {"app": {"name": {"en": "Acme β"}}}}},
                parent="_partner")
    sheet = tenant_sheet(Workspace.at(root), "acme", "staging")
    html = sheet.html
    assert _row_badge(html, "tenant") == "tenant: tenant"
    assert _row_badge(html, "app.name.en") == "environment: environment staging"
    assert _row_badge(html, "app.name.zh-Hans") == "tenant: tenant"
    assert _row_badge(html, "colors.primary") == "parent: parent _partner"
    assert _row_badge(html, "assets.icon") == "parent: parent _partner"
    # A signing secret reference is shown (it is a name); nothing else of signing leaks.
    assert "env:ACME_KEYSTORE" in html


def test_every_pair_is_rated_in_both_modes(root: Path) -> None:
    make_tenant(root, "acme")
    sheet = tenant_sheet(Workspace.at(root), "acme", None)
    ratios = contrast_ratios(sheet.brand)
    assert len(ratios) == 2 * len(PAIRS)
    light = sheet.brand.light
    assert colors.floor2(colors.contrast(light.on_primary, light.primary)) == ratios[0]
    for ratio in ratios:
        assert f"{ratio}:1" in sheet.html


def test_values_are_escaped_as_text(root: Path, tmp_path: Path) -> None:
    make_tenant(root, "acme", {"app": {"name": {"en": HOSTILE},
                                       "description": {"en": "{{ 7*7 }} & <i>"}},
                               "typography": {"font_family": 'X", </style><b>'}})
    out = api.preview(tenants_dir=root, tenant="acme", out=tmp_path / "s.html").html
    html = out.read_text("utf-8")
    assert "<script" not in html and "</style><b>" not in html
    assert "&lt;/title&gt;&lt;script&gt;" in html
    assert "{{ 7*7 }} &amp; &lt;i&gt;" in html  # data, never a template or markup
