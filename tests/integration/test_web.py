"""The web target proven by its consumer: Debian's Chromium, driven by Playwright.

Every example tenant plus two "nasty names" tenants (LTR default and RTL default) is served
from 127.0.0.1 (a secure context, so service workers and installation work without TLS) and
Chromium must:

* render the static page (JavaScript off) with the default-locale name as ``<title>``, the
  brand's light/dark ``theme-color``, ``lang``/``dir`` and the ``<h1>`` exactly as written;
* run app.js without a script or console error, pick the tenant locale that fits the
  browser's languages (``en-US`` -> ``en``, ``zh-CN`` -> ``zh-Hans``, unsupported -> the
  default), show that locale's name as title and header, and a tile for each ENABLED module
  only;
* report no installability errors (CDP ``Page.getInstallabilityErrors``, in a persistent
  context: Chromium counts the default context as incognito, where nothing installs) and
  parse the manifest without errors, with the brand's name, colours, identity and the four
  icons (192/512 ``any`` + ``maskable``, separate entries);
* keep working offline: after the service worker activated, with the server shut down and
  the context offline, a reload still shows the name and the enabled tiles;
* on one origin serving two tenants, keep both tenants' caches, and when one tenant ships a
  new build, replace only that tenant's cache;
* pass axe-core (tests/integration/axe.py) with zero violations on the workspace, the offline
  page and the file:// message, in light and dark colour schemes, and paint text at 4.5:1 and
  icons at 3:1 (the derived colours included);
* offline, show the offline page for a page never cached, in the tenant locale the browser
  prefers (the default when none fits), and say when opened from disk (file://) how to serve
  the folder, in the browser's language.

Expected values come from the validated manifest (``api.validate``) or from helpers.NASTY, the
input itself, never from the files under test. Python Playwright drives /usr/bin/chromium
(``playwright install`` is never run); without it the tests fail under ``CI=true`` and skip
otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe import describe, violations
from helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXAMPLES,
    NASTY,
    NASTY_BASE,
    build_tenant_dir,
    example_slugs,
    nasty_edit,
)
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
)
from webserver import serve

from ixm_cli import api, colors
from ixm_cli.manifest.brand import Brand, Palette

pytestmark = pytest.mark.consumer

TIMEOUT_MS = 15_000

# The RTL nasty tenant: Arabic default, and a feature set unlike any example's.
RTL_LOCALES = ["ar", "he", "en", "zh-Hans"]
RTL_FEATURES = {
    "im": False,
    "attendance": True,
    "approvals": False,
    "docs": True,
    "meetings": False,
    "projects": True,
    "low_code": False,
}
# A font family that breaks out of a naive CSS string (and a naive <style> element).
NASTY_FONT = 'Nasty "Sans" \\ </style><b>{{ 7*7 }}</b>; color: red'
NASTY_CASES = ["nasty", "nasty-rtl"]
SVG_CASE = "svg"
CASES = [*example_slugs(), *NASTY_CASES, SVG_CASE]


@dataclass(frozen=True)
class Case:
    """One built tenant: its web/ folder and the validated brand it was built from."""

    label: str
    web: Path
    brand: Brand

    @property
    def default(self) -> str:
        return self.brand.default_locale.tag

    def name(self, tag: str) -> str:
        return self.brand.app.name[tag]

    def dir(self, tag: str) -> str:
        return next("rtl" if loc.rtl else "ltr" for loc in self.brand.locales if loc.tag == tag)

    @property
    def tags(self) -> list[str]:
        return [loc.tag for loc in self.brand.locales]

    @property
    def enabled(self) -> list[str]:
        return self.brand.enabled_features()

    @property
    def disabled(self) -> list[str]:
        return [m.name for m in self.brand.modules if not m.enabled]


def _validated(tenants_dir: Path, slug: str) -> Brand:
    results = api.validate(tenants_dir=tenants_dir, tenants=[slug]).results
    (brand,) = [r.brand for r in results if r.env is None]
    assert brand is not None, f"{slug} does not validate"
    return brand


def _rtl_edit(data: dict[str, Any]) -> None:
    nasty_edit(data)
    data["locales"] = list(RTL_LOCALES)
    data["features"] = dict(RTL_FEATURES)
    data["typography"] = {"font_family": NASTY_FONT}


@pytest.fixture(scope="module")
def cases(
    built_examples: dict[str, Path],
    nasty_tenant: Callable[..., Path],
    svg_tenant: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Case]:
    found = {
        slug: Case(slug, dist / "web", _validated(EXAMPLES, slug))
        for slug, dist in built_examples.items()
    }
    nasty = nasty_tenant()
    rtl = build_tenant_dir(
        NASTY_BASE, tmp_path_factory.mktemp("web-nasty-rtl"), _rtl_edit, platforms="web"
    )
    for label, dist in (("nasty", nasty), ("nasty-rtl", rtl), (SVG_CASE, svg_tenant)):
        # build_tenant_dir's layout: <tmp>/tenants/<slug>/ built into <tmp>/dist/<slug>/.
        tenants = dist.parent.parent / "tenants"
        found[label] = Case(label, dist / "web", _validated(tenants, dist.name))
    # The nasty cases must carry the nasty strings, or every assertion below proves little.
    assert found["nasty"].brand.app.name.values == NASTY["name"]
    assert found["nasty-rtl"].default == "ar"
    assert found["nasty-rtl"].brand.font_family == NASTY_FONT
    return found



# Playwright's own console line when a context is made with service_workers="block".
SW_BLOCKED = "Service Worker registration blocked by Playwright"


class Problems:
    """Script errors, console errors/warnings and failed responses seen by a page."""

    def __init__(self, page: Page, expected: tuple[str, ...] = ()) -> None:
        self.errors: list[str] = []
        self.expected = expected
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning") and msg.text not in self.expected:
            self.errors.append(f"console {msg.type}: {msg.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status} {response.url}")


def _wait_ready(page: Page) -> None:
    page.wait_for_selector("html[data-ixm-ready]", state="attached", timeout=TIMEOUT_MS)
    assert page.get_attribute("html", "data-ixm-ready") == "true", page.inner_text("body")


def _tiles(page: Page) -> list[str]:
    return page.eval_on_selector_all("#ixm-modules > li", "els => els.map(e => e.dataset.module)")


def _assert_workspace(page: Page, case: Case, tag: str) -> None:
    """The page as app.js left it for tenant locale ``tag``."""
    name = case.name(tag)
    assert page.title() == name
    assert page.text_content("#ixm-app-name") == name
    assert page.get_attribute("html", "lang") == tag
    assert page.get_attribute("html", "dir") == case.dir(tag)
    description = case.brand.app.description
    if description is not None:
        assert page.text_content("#ixm-description") == description[tag]
    assert _tiles(page) == case.enabled
    for feature in case.disabled:
        assert page.locator(f'#ixm-modules [data-module="{feature}"]').count() == 0


COMPUTED_STYLE = """() => {
  const root = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  return {
    primary: root.getPropertyValue("--ixm-primary").trim(),
    background: body.backgroundColor,
    font: body.fontFamily,
  };
}"""


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _first_family(serialized: str) -> str:
    """The first family of a computed ``font-family``: a CSS string (unescaped) or a name."""
    if not serialized.startswith('"'):
        return serialized.split(",", 1)[0].strip()
    out, i = [], 1
    while serialized[i] != '"':
        c = serialized[i]
        if c == "\\":
            hexdigits = re.match(r"[0-9a-fA-F]{1,6} ?", serialized[i + 1 :])
            if hexdigits:
                out.append(chr(int(hexdigits.group().strip(), 16)))
                i += 1 + len(hexdigits.group())
                continue
            c, i = serialized[i + 1], i + 1
        out.append(c)
        i += 1
    return "".join(out)


def _browser_locale(tag: str) -> str:
    """What a browser in that language typically reports (exercises region -> script)."""
    return {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}.get(tag, tag)


# --- static page: what Chromium sees before (without) app.js ---------------------------------


@pytest.mark.parametrize("label", CASES)
def test_static_page(label: str, cases: dict[str, Case], browser: Browser) -> None:
    case = cases[label]
    b = case.brand
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        problems = Problems(page)
        with serve(case.web) as server:
            page.goto(server.url, wait_until="load")
            assert page.title() == case.name(case.default)
            assert page.text_content("h1") == case.name(case.default)
            assert page.get_attribute("html", "lang") == b.default_locale.web
            assert page.get_attribute("html", "dir") == case.dir(case.default)
            themes = page.eval_on_selector_all(
                'meta[name="theme-color"]', "els => els.map(e => [e.media, e.content])"
            )
            assert themes == [
                ["(prefers-color-scheme: light)", b.light.primary],
                ["(prefers-color-scheme: dark)", b.dark.primary],
            ]
            assert page.get_attribute('meta[name="color-scheme"]', "content") == "light dark"
            short = b.app.short_name[case.default]
            assert page.get_attribute('meta[name="apple-mobile-web-app-title"]', "content") == (
                short
            )
            # theme.css reached the cascade: the brand's colours and font family, exactly.
            style = page.evaluate(COMPUTED_STYLE)
            assert style["primary"] == b.light.primary
            assert style["background"] == _rgb(b.light.background)
            assert _first_family(style["font"]) == (b.font_family or "system-ui")
            # The <noscript> text is what a browser without JavaScript shows.
            assert page.locator("noscript").count() == 1
            # Every linked icon and stylesheet exists (404s are collected as problems).
            for href in page.eval_on_selector_all(
                'link[rel~="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]',
                "els => els.map(e => e.href)",
            ):
                response = page.request.get(href)
                assert response.ok, href
        assert problems.errors == []
    finally:
        context.close()


# --- runtime: app.js localises and renders the enabled modules --------------------------------


def _locale_cases(case: Case) -> list[tuple[str, str]]:
    """(browser locale, tenant locale app.js must pick)."""
    pairs = [
        (_browser_locale(case.default), case.default),
        ("en-US", "en" if "en" in case.tags else case.default),
        ("fr-FR", case.default),  # no tenant speaks French: the default
    ]
    if case.label in NASTY_CASES:
        pairs += [("zh-CN", "zh-Hans"), ("he-IL", "he"), ("ar-EG", "ar")]
    return pairs


@pytest.mark.parametrize("label", CASES)
def test_runtime_locales_and_tiles(label: str, cases: dict[str, Case], browser: Browser) -> None:
    case = cases[label]
    with serve(case.web) as server:
        for browser_locale, tag in _locale_cases(case):
            context = browser.new_context(locale=browser_locale, service_workers="block")
            try:
                page = context.new_page()
                problems = Problems(page, expected=(SW_BLOCKED,))
                page.goto(server.url)
                _wait_ready(page)
                _assert_workspace(page, case, tag)
                labels = page.eval_on_selector_all(
                    "#ixm-modules .ixm-tile-label", "els => els.map(e => e.textContent)"
                )
                # the catalog's titles (modules.yaml) for the tenant locale, via tenant.json
                assert labels == [m.title[tag] for m in case.brand.enabled_modules()], \
                    browser_locale
                assert all(labels), labels
                assert problems.errors == [], browser_locale
            finally:
                context.close()


@pytest.mark.parametrize("label", NASTY_CASES)
def test_nasty_names_stay_literal(label: str, cases: dict[str, Case], browser: Browser) -> None:
    """Every nasty name shows exactly as typed: no HTML, no template expansion, no mojibake."""
    case = cases[label]
    with serve(case.web) as server:
        for tag in case.tags:
            context = browser.new_context(locale=tag, service_workers="block")
            try:
                page = context.new_page()
                problems = Problems(page, expected=(SW_BLOCKED,))
                page.goto(server.url)
                _wait_ready(page)
                assert page.title() == NASTY["name"][tag]
                assert page.text_content("#ixm-app-name") == NASTY["name"][tag]
                assert page.text_content("#ixm-description") == NASTY["description"][tag]
                # Nothing was parsed as markup: the header holds text only.
                assert page.eval_on_selector("#ixm-app-name", "e => e.children.length") == 0
                assert problems.errors == [], tag
            finally:
                context.close()
    shown = "".join(NASTY["name"].values())
    assert "{{ 7*7 }}" in shown  # the literal really was under test


# --- installability and offline: a real (persistent) profile ---------------------------------


def _persistent(playwright: Playwright, profile: Path, locale: str) -> BrowserContext:
    """A fresh profile: Chromium treats the default context as incognito (never installable)."""
    return playwright.chromium.launch_persistent_context(
        user_data_dir=str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        locale=locale,
    )


def _wait_controlled(page: Page) -> None:
    """The service worker installed (shell cached), activated and controls the page."""
    state = page.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)")
    assert state in ("activating", "activated")
    # Not page.wait_for_function: when its first check fails it polls with eval(), which the
    # page's CSP (script-src 'self', no 'unsafe-eval') rightly blocks. evaluate() goes through
    # the DevTools protocol and may await the controllerchange event instead.
    controlled = page.evaluate(
        """ms => navigator.serviceWorker.controller !== null || Promise.race([
            new Promise(ok => navigator.serviceWorker.addEventListener(
                "controllerchange", () => ok(true), {once: true})),
            new Promise(ok => setTimeout(() => ok(navigator.serviceWorker.controller !== null),
                                         ms)),
        ])""",
        TIMEOUT_MS,
    )
    assert controlled, "the service worker never took control of the page"


@pytest.mark.parametrize("label", CASES)
def test_installable_and_offline(
    label: str, cases: dict[str, Case], playwright: Playwright, tmp_path: Path
) -> None:
    case = cases[label]
    b = case.brand
    tag = case.default
    context = _persistent(playwright, tmp_path / "profile", _browser_locale(tag))
    try:
        page = context.pages[0] if context.pages else context.new_page()
        problems = Problems(page)
        with serve(case.web) as server:
            page.goto(server.url)
            _wait_ready(page)
            _assert_workspace(page, case, tag)
            _wait_controlled(page)
            assert [w.url for w in context.service_workers] == [server.url + "sw.js"]

            cdp = context.new_cdp_session(page)
            assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
            got = cdp.send("Page.getAppManifest")
            assert got["url"] == server.url + "manifest.webmanifest"
            assert got["errors"] == []
            parsed = got["manifest"]
            assert parsed["name"] == b.app.name[tag]
            assert parsed["id"] == f"{server.url}?tenant={b.tenant}"
            assert parsed["startUrl"] == server.url
            assert parsed["scope"] == server.url
            assert parsed["display"] == "kStandalone"
            assert parsed.get("preferRelatedApplications", False) is False
            assert parsed["themeColor"] == _rgba(b.light.primary)
            assert parsed["backgroundColor"] == _rgba(b.light.background)
            if b.app.description is not None:
                assert parsed["description"] == b.app.description[tag]
            assert sorted((i["url"], i["sizes"]) for i in parsed["icons"]) == sorted(
                (server.url + f"icons/{kind}-{px}.png", f"{px}x{px}")
                for kind in ("icon", "maskable")
                for px in (192, 512)
            )
            # CDP's parsed manifest (Chromium 156) leaves out short_name, lang, dir and icon
            # purposes: read them from the exact bytes Chromium fetched and parsed without
            # errors above.
            raw = json.loads(got["data"])
            assert raw["short_name"] == b.app.short_name[tag]
            assert raw["lang"] == b.default_locale.web
            assert raw["dir"] == case.dir(tag)
            purposes = sorted((i["purpose"], i["sizes"]) for i in raw["icons"])
            assert purposes == [
                ("any", "192x192"),
                ("any", "512x512"),
                ("maskable", "192x192"),
                ("maskable", "512x512"),
            ]
            served = len(server.requests)

        # The server is gone and the context offline: only the service worker can answer.
        context.set_offline(True)
        page.reload()
        _wait_ready(page)
        _assert_workspace(page, case, tag)
        assert len(server.requests) == served
        assert problems.errors == []
    finally:
        context.close()


def _rgba(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},1)"


# --- two tenants on one origin, and a tenant's update -----------------------------------------


def test_tenants_share_an_origin_and_update_independently(
    cases: dict[str, Case], playwright: Playwright, tmp_path: Path
) -> None:
    """/a/ and /b/ are distinct installs with their own caches; a rebuilt /a/ replaces only its
    own cache (the nasty tenant keeps yunzhuding's slug, so it is yunzhuding's next build)."""
    old, other, new = cases["yunzhuding"], cases["ouruanding"], cases["nasty"]
    assert new.brand.tenant == old.brand.tenant
    origin = tmp_path / "origin"
    shutil.copytree(old.web, origin / "a")
    shutil.copytree(other.web, origin / "b")
    context = _persistent(playwright, tmp_path / "profile", "en-US")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        problems = Problems(page)
        with serve(origin) as server:
            ids = {}
            for folder, case in (("a", old), ("b", other)):
                page.goto(f"{server.url}{folder}/")
                _wait_ready(page)
                _assert_workspace(page, case, "en")
                _wait_controlled(page)
                cdp = context.new_cdp_session(page)
                assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
                ids[folder] = cdp.send("Page.getAppManifest")["manifest"]["id"]
            assert ids == {
                "a": f"{server.url}?tenant={old.brand.tenant}",
                "b": f"{server.url}?tenant={other.brand.tenant}",
            }
            before = _cache_names(page)
            assert len(before) == 2, before
            (old_cache,) = [n for n in before if n.startswith(f"ixm/{old.brand.tenant}/")]
            (other_cache,) = [n for n in before if n.startswith(f"ixm/{other.brand.tenant}/")]

            # Ship /a/'s next build, and let the browser check for a new service worker.
            shutil.rmtree(origin / "a")
            shutil.copytree(new.web, origin / "a")
            page.goto(f"{server.url}a/")
            _wait_ready(page)
            _assert_workspace(page, old, "en")  # still the cached shell: cache first
            assert page.evaluate(UPDATE_AND_ACTIVATE) == "activated"
            after = _cache_names(page)
            assert old_cache not in after
            assert other_cache in after
            assert len(after) == 2, after
            page.reload()
            _wait_ready(page)
            _assert_workspace(page, new, "en")
        assert problems.errors == []
    finally:
        context.close()


# Ask the browser to check /a/'s service worker now, and wait until the new one (a changed
# sw.js) has installed and activated: its "activate" handler has then pruned the old caches.
UPDATE_AND_ACTIVATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  await registration.update();
  const worker = registration.installing || registration.waiting || registration.active;
  if (worker.state === "activated") return worker.state;
  return new Promise((resolve) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated" || worker.state === "redundant") resolve(worker.state);
    });
  });
}"""


def _cache_names(page: Page) -> list[str]:
    return sorted(page.evaluate("caches.keys()"))


# --- build-level facts the browser cannot observe ---------------------------------------------


def test_environment_is_a_separate_install_with_its_own_caches(
    build_example: Callable[..., Path], cases: dict[str, Case]
) -> None:
    prod = cases["yunzhuding"].web
    staging = build_example("yunzhuding", "staging", "web") / "web"
    manifests = [
        json.loads((d / "manifest.webmanifest").read_text("utf-8")) for d in (prod, staging)
    ]
    assert [m["id"] for m in manifests] == [
        "/?tenant=yunzhuding",
        "/?tenant=yunzhuding&env=staging",
    ]
    assert manifests[1]["name"] == "云助钉"  # staging only renames the English name
    prod_sw, staging_sw = ((d / "sw.js").read_text("utf-8") for d in (prod, staging))
    assert 'const CACHE_PREFIX = "ixm/yunzhuding/";' in prod_sw
    assert 'const CACHE_PREFIX = "ixm/yunzhuding@staging/";' in staging_sw


# --- accessibility: axe-core (Lighthouse's engine) and the colours Chromium paints ------------

# app.js's own words for the pages below (the UI's strings, not brand data).
SHELL_TEXT = {
    "en": {
        "offline_title": "You’re offline",
        "retry": "Try again",
        "open_workspace": "Open the workspace",
        "notice": "You’re offline. The workspace will update when you’re back online.",
        "file_title": "Open this app from a web server",
    },
    "zh-Hans": {
        "offline_title": "你已离线",
        "retry": "重试",
        "open_workspace": "打开工作台",
        "notice": "你已离线。恢复联网后，工作台会自动更新。",
        "file_title": "请通过 Web 服务器打开此应用",
    },
    "zh-Hant": {
        "offline_title": "你已離線",
        "retry": "再試一次",
        "open_workspace": "開啟工作台",
        "notice": "你已離線。恢復連線後，工作台會自動更新。",
        "file_title": "請透過網頁伺服器開啟此應用程式",
    },
    "fr": {"file_title": "Ouvrez cette application depuis un serveur web"},
}
SERVE_COMMAND = "python3 -m http.server 8000"
SCHEMES = ("light", "dark")

# Computed colours ([r, g, b]) of what the workspace paints, and what each is painted on.
PAINTED = """() => {
  const rgb = (e, p) => getComputedStyle(e)[p].match(/[\\d.]+/g).slice(0, 3).map(Number);
  const one = (s) => document.querySelector(s);
  return {
    header: rgb(one(".ixm-header"), "backgroundColor"),
    name: rgb(one("#ixm-app-name"), "color"),
    description: rgb(one("#ixm-description"), "color"),
    tiles: Array.from(document.querySelectorAll(".ixm-tile"), (t) => ({
      surface: rgb(t, "backgroundColor"),
      label: rgb(t.querySelector(".ixm-tile-label"), "color"),
      plate: rgb(t.querySelector(".ixm-tile-icon"), "backgroundColor"),
      icon: rgb(t.querySelector(".ixm-tile-icon svg"), "stroke"),
    })),
  };
}"""


def _ratio(fg: list[float], bg: list[float]) -> float:
    return colors.contrast_rgb((fg[0], fg[1], fg[2]), (bg[0], bg[1], bg[2]))


def _assert_painted_contrast(page: Page, palette: Palette) -> None:
    """Text at 4.5:1 and icons at 3:1 as Chromium computed them; the description is ixm's
    derived shade (it was on_primary at 85 % opacity: 4.17-4.18:1 for two examples)."""
    got = page.evaluate(PAINTED)
    expected = colors.derive(
        palette.primary, palette.on_primary, palette.background, palette.on_background
    )
    assert got["description"] == list(colors.rgb(expected["on_primary_muted"]))
    assert _ratio(got["name"], got["header"]) >= colors.AA_TEXT
    assert _ratio(got["description"], got["header"]) >= colors.AA_TEXT
    assert got["tiles"], "no module tiles to measure"
    for tile in got["tiles"]:
        assert _ratio(tile["label"], tile["surface"]) >= colors.AA_TEXT
        assert _ratio(tile["icon"], tile["plate"]) >= colors.AA_NON_TEXT


@pytest.mark.slow
@pytest.mark.parametrize("label", CASES)
def test_no_accessibility_violations(label: str, cases: dict[str, Case], browser: Browser) -> None:
    """axe-core finds nothing on the workspace and on the offline page, light and dark."""
    case = cases[label]
    with serve(case.web) as server:
        for scheme in SCHEMES:
            context = browser.new_context(
                locale=_browser_locale(case.default), color_scheme=scheme, service_workers="block"
            )
            try:
                page = context.new_page()
                problems = Problems(page, expected=(SW_BLOCKED,))
                page.goto(server.url)
                _wait_ready(page)
                found = violations(page)
                assert found == [], f"index.html, {scheme}:\n{describe(found)}"
                palette = case.brand.dark if scheme == "dark" else case.brand.light
                _assert_painted_contrast(page, palette)

                page.goto(server.url + "offline.html")
                _wait_ready(page)
                assert page.is_visible("#ixm-offline-title")
                found = violations(page)
                assert found == [], f"offline.html, {scheme}:\n{describe(found)}"
                assert problems.errors == [], scheme
            finally:
                context.close()


def _wait_state(page: Page) -> str:
    page.wait_for_selector("html[data-ixm-ready]", state="attached", timeout=TIMEOUT_MS)
    return page.get_attribute("html", "data-ixm-ready") or ""


def _icons_loaded(page: Page) -> bool:
    return bool(page.eval_on_selector(".ixm-logo", "img => img.complete && img.naturalWidth > 0"))


# (example, browser locale, tenant locale the offline page must speak)
OFFLINE_CASES = [
    ("yunzhuding", "en-US", "en"),
    ("yunzhuding", "fr-FR", "zh-Hans"),  # no French: the tenant's default locale
    ("lanlingding", "zh-TW", "zh-Hant"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("label", "browser_locale", "tag"), OFFLINE_CASES)
def test_offline_page_in_the_browsers_language(
    label: str,
    browser_locale: str,
    tag: str,
    cases: dict[str, Case],
    playwright: Playwright,
    tmp_path: Path,
) -> None:
    """Offline, the workspace says so, and a page never cached gets the offline page: the
    tenant's logo and name and the shell's text, in the tenant locale the browser prefers."""
    case = cases[label]
    text = SHELL_TEXT[tag]
    context = _persistent(playwright, tmp_path / "profile", browser_locale)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        problems = Problems(page)
        with serve(case.web) as server:
            page.goto(server.url)
            _wait_ready(page)
            assert page.is_hidden("#ixm-notice")
            _wait_controlled(page)

        context.set_offline(True)
        page.reload()
        _wait_ready(page)
        _assert_workspace(page, case, tag)
        assert page.text_content("#ixm-notice") == text["notice"]
        assert page.is_visible("#ixm-notice")

        deep = server.url + "projects/42?from=notification"
        page.goto(deep)
        assert _wait_state(page) == "true", page.inner_text("body")
        assert page.url == deep
        assert page.get_attribute("html", "data-ixm-page") == "offline"
        assert page.get_attribute("html", "lang") == tag
        assert page.get_attribute("html", "dir") == case.dir(tag)
        assert page.text_content("#ixm-app-name") == case.name(tag)
        assert page.title() == f"{text['offline_title']} – {case.name(tag)}"
        assert page.text_content("#ixm-offline-title") == text["offline_title"]
        assert page.text_content("#ixm-retry") == text["retry"]
        assert page.text_content("#ixm-open-workspace") == text["open_workspace"]
        assert page.eval_on_selector("#ixm-offline-icon svg", "e => e.children.length") > 0
        assert _icons_loaded(page)
        found = violations(page)
        assert found == [], describe(found)

        # Its link leads back to the cached workspace (a <base> keeps it at the scope).
        with page.expect_navigation():
            page.click("#ixm-open-workspace")
        _wait_ready(page)
        assert page.url == server.url
        _assert_workspace(page, case, tag)
        assert problems.errors == []
    finally:
        context.close()


@pytest.mark.parametrize(
    ("browser_locale", "ui"), [("en-US", "en"), ("fr-FR", "fr"), ("zh-CN", "zh-Hans")]
)
def test_opened_from_disk_says_how_to_serve_it(
    browser_locale: str, ui: str, cases: dict[str, Case], browser: Browser
) -> None:
    """file:// can read neither tenant.json nor run a service worker: the page says so in the
    browser's language (yunzhuding's default is Chinese; it used to say "could not load" in
    Chinese to everyone), with the command that serves the folder; light and dark pass axe."""
    case = cases["yunzhuding"]
    for scheme in SCHEMES:
        context = browser.new_context(locale=browser_locale, color_scheme=scheme)
        try:
            page = context.new_page()
            problems = Problems(page)
            page.goto((case.web / "index.html").as_uri())
            assert _wait_state(page) == "file"
            status = page.locator("#ixm-status")
            assert status.is_visible()
            assert status.get_attribute("lang") == ui
            assert page.text_content("#ixm-status h2") == SHELL_TEXT[ui]["file_title"]
            assert page.eval_on_selector_all(
                "#ixm-status code", "els => els.map(e => e.textContent)"
            ) == [SERVE_COMMAND, "http://localhost:8000/"]
            assert page.text_content("h1") == case.name(case.default)
            assert _icons_loaded(page)
            # Before axe: its own XHRs for the stylesheets are refused on file:// and logged.
            assert problems.errors == []
            found = violations(page)
            assert found == [], f"{scheme}:\n{describe(found)}"
        finally:
            context.close()


# app.js's "could not load" line, in the languages the test below expects.
LOAD_FAILED = {
    "en": "The workspace could not be loaded. Check your connection and try again.",
    "zh-Hans": "无法加载工作台，请检查网络后重试。",
}


@pytest.mark.parametrize(("browser_locale", "ui"), [("en-US", "en"), ("fr-FR", "zh-Hans")])
def test_a_failed_load_speaks_the_browsers_tenant_locale(
    browser_locale: str, ui: str, cases: dict[str, Case], browser: Browser, tmp_path: Path
) -> None:
    """Without tenant.json the page still knows the tenant's locales (index.html lists them):
    an English browser reads English, one the tenant does not speak the default locale."""
    case = cases["yunzhuding"]
    web = shutil.copytree(case.web, tmp_path / "web")
    (web / "tenant.json").unlink()
    context = browser.new_context(locale=browser_locale, service_workers="block")
    try:
        page = context.new_page()
        problems = Problems(page, expected=(SW_BLOCKED,))
        with serve(web) as server:
            page.goto(server.url)
            assert _wait_state(page) == "error"
            assert page.get_attribute("#ixm-status", "lang") == ui
            assert page.text_content("#ixm-status") == LOAD_FAILED[ui]
            assert page.is_visible("#ixm-status")
        # The 404 and app.js's own report of it, nothing else.
        assert len(problems.errors) == 3, problems.errors
        assert any("404" in e and e.endswith("/tenant.json") for e in problems.errors)
        assert any("could not load tenant.json" in e for e in problems.errors)
    finally:
        context.close()
