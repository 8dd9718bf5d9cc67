"""`ixm preview --png`: the sheet as a PNG, drawn by the system's headless Chromium.

Playwright drives Debian's /usr/bin/chromium (``playwright install`` is never run: no browser
download). The page is given as content, not a URL, and its Content-Security-Policy allows
only inline styles and ``data:`` images, so rendering it reaches no network.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ixm_cli.errors import IxmError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH = 1280


def chromium() -> str:
    """The Chromium to drive: $IXM_CHROMIUM, else the distribution's."""
    chosen = os.environ.get("IXM_CHROMIUM")
    for candidate in ([chosen] if chosen else []) + list(CHROMIUM_CANDIDATES):
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise IxmError.single(
        "png", "--png needs Chromium, and none was found",
        None, "install it (Debian/Ubuntu: sudo apt-get install chromium) or set IXM_CHROMIUM",
    )


def render_png(html: str, target: Path) -> None:
    """Screenshot the whole page into ``target`` (written next to it, then renamed in)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise IxmError.single(
            "png", "--png needs Playwright, which is not installed",
            None, "pip install 'ixm-cli[png]' (it uses your Chromium; nothing is downloaded)",
        ) from None
    executable = chromium()
    partial = target.with_name(f".{target.name}.partial")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": WIDTH, "height": 900})
                page.set_content(html, wait_until="load")
                page.screenshot(path=str(partial), type="png", full_page=True)
            finally:
                browser.close()
        partial.replace(target)
    except Error as exc:
        partial.unlink(missing_ok=True)
        raise IxmError.single(
            "png", f"Chromium could not draw the sheet: {str(exc).splitlines()[0]}",
            None, f"check that {executable} starts; the HTML sheet was still written",
        ) from None
