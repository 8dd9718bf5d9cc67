"""The preview sheet and the fleet grid pass axe-core (Lighthouse's engine) in light and dark.

The sheet's own text must meet WCAG AA; brand colours appear only in samples. Every example
tenant's sheet, the fleet grid and the page --watch shows for a broken manifest are audited.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe import describe, violations
from helpers import EXAMPLES, example_slugs
from playwright.sync_api import Browser

from ixm_cli import api
from ixm_cli.errors import error
from ixm_cli.preview import render_errors

pytestmark = [pytest.mark.consumer, pytest.mark.slow]

SCHEMES = ("light", "dark")


def _audit(browser: Browser, html: Path, scheme: str) -> None:
    page = browser.new_page(color_scheme=scheme)
    try:
        page.goto(html.as_uri(), wait_until="load")
        found = violations(page)
        assert found == [], describe(found)
    finally:
        page.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("slug", example_slugs())
def test_sheet_has_no_axe_violations(
    browser: Browser, tmp_path: Path, slug: str, scheme: str
) -> None:
    html = api.preview(tenants_dir=EXAMPLES, tenant=slug, out=tmp_path / "s.html").html
    _audit(browser, html, scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fleet_and_error_pages_have_no_axe_violations(
    browser: Browser, tmp_path: Path, scheme: str
) -> None:
    fleet = api.preview_fleet(tenants_dir=EXAMPLES, out=tmp_path / "fleet.html").html
    _audit(browser, fleet, scheme)
    broken = tmp_path / "errors.html"
    broken.write_text(render_errors("acme", [error("colors.primary", "'#FFF0' is not a colour",
                                                   None, 'write "#RRGGBB"')]), "utf-8")
    _audit(browser, broken, scheme)
