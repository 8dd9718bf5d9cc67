"""`ixm preview` proven by its consumer: Debian's Chromium, driven by Playwright.

Every example tenant's sheet must load without a console error or a request to anything but
itself, every image must decode (naturalWidth > 0), and its text must hold each locale's
name and every WCAG ratio (computed here from the validated brand, not read from the sheet).
The icon tiles are screenshotted and must not be blank. ``--watch`` runs as a real
subprocess; a real page must reload after a real file write, show diagnostics for a broken
manifest, and recover.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from io import BytesIO
from pathlib import Path

import pytest
from helpers import (
    CHROMIUM,
    EXAMPLES,
    NASTY,
    copy_tenant,
    example_slugs,
    nasty_edit,
    require_file,
)
from PIL import Image, ImageStat
from playwright.sync_api import Browser, Page
from ruamel.yaml import YAML

from ixm_cli import api, colors
from ixm_cli.manifest.brand import Brand

pytestmark = [pytest.mark.consumer, pytest.mark.slow]

TIMEOUT_MS = 15_000
IXM = Path(sys.executable).with_name("ixm")

# (foreground, background): every pair the sheet must rate, per mode.
PAIRS = [
    ("on_primary", "primary"),
    ("on_background", "background"),
    ("primary", "background"),
    ("on_primary", "secondary"),
    ("secondary", "background"),
]



def _brand(tenants: Path, slug: str, env: str | None = None) -> Brand:
    results = api.validate(tenants_dir=tenants, tenants=[slug]).results
    (brand,) = [r.brand for r in results if r.env == env]
    assert brand is not None
    return brand


def _expected_ratios(brand: Brand) -> set[str]:
    found = set()
    for pal in (brand.light, brand.dark):
        for fg, bg in PAIRS:
            ratio = colors.contrast(getattr(pal, fg), getattr(pal, bg))
            found.add(f"{int(ratio * 100) / 100:.2f}:1")
    return found


class Watched:
    """A page and everything it asked for or complained about."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed",
                lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))


def _open(browser: Browser, html: Path, scheme: str = "light") -> Watched:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    watched = Watched(page)
    page.goto(html.as_uri(), wait_until="load")
    return watched


def _broken_images(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).map(e => e.alt)"
    )


@pytest.mark.parametrize("slug", example_slugs())
def test_every_example_sheet_loads_clean(browser: Browser, tmp_path: Path, slug: str) -> None:
    brand = _brand(EXAMPLES, slug)
    result = api.preview(tenants_dir=EXAMPLES, tenant=slug, out=tmp_path / "sheet.html")
    for scheme in ("light", "dark"):
        watched = _open(browser, result.html, scheme)
        page = watched.page
        assert watched.problems == [], watched.problems
        # Self-contained: the document is the only thing fetched; images are data: URIs.
        assert [u for u in watched.requests if not u.startswith("data:")] == [
            result.html.as_uri()
        ]
        assert page.locator("img").count() >= 10
        assert _broken_images(page) == []
        text = page.inner_text("body")
        for tag, name in brand.app.name.items():
            assert name in text, (tag, name)
        missing = [r for r in _expected_ratios(brand) if r not in text]
        assert missing == [], missing
        page.close()


def _tile_stddev(png: bytes) -> float:
    stat = ImageStat.Stat(Image.open(BytesIO(png)).convert("RGB"))
    return max(stat.stddev)


def test_icon_tiles_are_not_blank(browser: Browser, tmp_path: Path) -> None:
    result = api.preview(tenants_dir=EXAMPLES, tenant="xiwangding", out=tmp_path / "x.html")
    watched = _open(browser, result.html)
    tiles = watched.page.locator(".icon-tile")
    names = [tiles.nth(i).get_attribute("data-tile") for i in range(tiles.count())]
    assert {"mask-circle", "mask-squircle", "mask-rounded", "mask-teardrop", "themed-light",
            "ios-dark", "ios-tinted", "splash-light", "splash-dark"} <= set(names)
    for i, name in enumerate(names):
        shot = tiles.nth(i).screenshot()
        # A blank (single-colour) tile has no variance; an icon has edges and two colours.
        assert _tile_stddev(shot) > 8, name
    watched.page.close()


def test_provenance_names_tenant_parent_and_environment(
    browser: Browser, tmp_path: Path
) -> None:
    result = api.preview(tenants_dir=EXAMPLES, tenant="yunzhuding", env="staging",
                         out=tmp_path / "y.html")
    page = _open(browser, result.html).page

    def origin(field: str) -> tuple[str, str]:
        row = page.locator("#values tr", has=page.locator(f'code:text-is("{field}")'))
        return row.locator(".badge").inner_text(), row.locator("td").nth(3).inner_text()

    label, where = origin("app.name.en")
    assert label == "environment staging"
    assert where.startswith("tenants/yunzhuding/brand.yaml:") or "yunzhuding/brand.yaml:" in where
    assert origin("ids.android")[0] == "environment staging"
    assert origin("tenant")[0] == "tenant"
    label, where = origin("colors.primary")
    assert label == "parent _greentown" and "_greentown/brand.yaml:" in where
    # Inherited brand images are badged as the parent's.
    assert "Inherited images" in page.inner_text("body")
    page.close()


def test_manifest_values_are_text_never_markup(browser: Browser, tmp_path: Path) -> None:
    tenants = tmp_path / "tenants"
    tenant = copy_tenant(EXAMPLES / "yunzhuding", tenants)
    y = YAML(typ="rt")
    y.width = 4096
    data = y.load((tenant / "brand.yaml").read_text("utf-8"))
    nasty_edit(data)
    data["typography"] = {"font_family": 'Nasty "Sans" </style><b id="x">{{ 7*7 }}</b>'}
    with (tenant / "brand.yaml").open("w", encoding="utf-8") as fh:
        y.dump(data, fh)
    result = api.preview(tenants_dir=tenants, tenant="yunzhuding", out=tmp_path / "n.html")
    watched = _open(browser, result.html)
    page = watched.page
    assert watched.problems == []
    text = page.inner_text("body")
    for name in NASTY["name"].values():
        assert name in text
    assert page.locator("b#x").count() == 0
    assert page.locator("script").count() == 0
    page.close()


def _lines(stream: object) -> queue.Queue[str]:
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:  # type: ignore[attr-defined]
            found.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return found


def _url(lines: queue.Queue[str]) -> str:
    seen = []
    while True:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            pytest.fail("ixm preview --watch printed no URL:\n" + "".join(seen))
        seen.append(line)
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if match:
            return match.group(0)


def test_watch_reloads_after_a_saved_change(browser: Browser, tmp_path: Path) -> None:
    tenants = tmp_path / "tenants"
    tenant = copy_tenant(EXAMPLES / "xiwangding", tenants)
    manifest = tenant / "brand.yaml"
    original = manifest.read_text("utf-8")
    brand = _brand(tenants, "xiwangding")
    old = brand.app.name[brand.default_locale.tag]
    proc = subprocess.Popen(
        [str(IXM), "preview", "xiwangding", "--watch", "--tenants", str(tenants)],
        cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = _lines(proc.stderr)
        url = _url(lines)
        page = browser.new_page()
        watched = Watched(page)
        page.goto(url, wait_until="load")
        assert page.title().startswith(old)
        # A real write of the manifest: the page reloads by itself and shows the new name.
        renamed = original.replace(f"name: {{zh-Hans: {old},", "name: {zh-Hans: Renamed Ding,")
        assert renamed != original
        with page.expect_event("load", timeout=TIMEOUT_MS):
            manifest.write_text(renamed, encoding="utf-8")
        assert page.title().startswith("Renamed Ding")
        # A broken manifest: its diagnostics are shown in the page, and the watch goes on.
        with page.expect_event("load", timeout=TIMEOUT_MS):
            manifest.write_text(renamed + "colors: {primary: #FFF}\n", encoding="utf-8")
        assert page.locator("[data-diagnostic]").count() >= 1
        assert "brand.yaml:" in page.inner_text("body")
        with page.expect_event("load", timeout=TIMEOUT_MS):
            manifest.write_text(original, encoding="utf-8")
        assert page.title().startswith(old)
        # Leaving a page cancels its open event stream: that abort is the reload itself.
        aborted = re.compile(r"failed: http://127\.0\.0\.1:\d+/events net::ERR_ABORTED")
        assert [p for p in watched.problems if not aborted.fullmatch(p)] == []
        assert proc.poll() is None
        page.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0


def test_png_is_drawn_by_chromium(tmp_path: Path) -> None:
    require_file(CHROMIUM)
    out = tmp_path / "sheet.html"
    result = subprocess.run(
        [str(IXM), "preview", "lanlingding", "--png", "--out", str(out),
         "--tenants", str(EXAMPLES)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(out.with_suffix(".png")) as im:
        assert im.format == "PNG" and im.size[0] == 1280 and im.size[1] > 2000


def test_fleet_grid_shows_every_tenant(browser: Browser, tmp_path: Path) -> None:
    fleet = api.preview_fleet(tenants_dir=EXAMPLES, out=tmp_path / "fleet.html", jobs=2)
    assert fleet.problems == []
    watched = _open(browser, fleet.html)
    page = watched.page
    assert watched.problems == [] and _broken_images(page) == []
    shown = page.eval_on_selector_all(".tile", "els => els.map(e => e.dataset.tenant)")
    assert shown == example_slugs()
    for slug in example_slugs():
        brand = _brand(EXAMPLES, slug)
        assert brand.app.name.default in page.inner_text(f'[data-tenant="{slug}"]')
    page.close()
