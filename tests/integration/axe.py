"""axe-core in a Playwright page: the accessibility engine behind Lighthouse's audit.

    from axe import violations
    assert violations(page) == []

``violations(page)`` injects axe.min.js into the page's main frame (once per document), runs
every axe rule that is not experimental over the whole document, and returns axe's violation
objects (``id``, ``impact``, ``help``, ``helpUrl``, ``nodes``…) as plain dicts. Use
:func:`describe` to turn them into a readable assertion message.

axe-core comes from the npm registry, pinned with its integrity hash in ``.ci/axe-core/``;
``bash .ci/setup --test`` installs it into ``$IXM_AXE_DIR`` (default ``~/.cache/ixm-axe``).
When it is missing the test fails and names that command (it never skips).

The script goes in through the DevTools protocol (``page.evaluate``), not a ``<script>``
element: pages under test carry a CSP (``script-src 'self'``) that rightly refuses inline
scripts, and the page must be audited as shipped, so the CSP is not bypassed either.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from helpers import require_file
from playwright.sync_api import Page

__all__ = ["axe_script", "describe", "violations"]


def axe_dir() -> Path:
    return Path(os.environ.get("IXM_AXE_DIR", Path.home() / ".cache" / "ixm-axe"))


@cache
def axe_script() -> str:
    """The text of the installed axe.min.js (the test fails when it is not installed)."""
    return require_file(axe_dir() / "node_modules" / "axe-core" / "axe.min.js").read_text("utf-8")


_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations;
}"""


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations for the page as it is now (an empty list: none found)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Wrapped in a function so axe's UMD wrapper sees no module system and sets window.axe.
        page.evaluate(f"() => {{ {axe_script()}\n}}")
    found: list[dict[str, Any]] = page.evaluate(_RUN)
    return found


def describe(found: list[dict[str, Any]]) -> str:
    """One line per failing element: rule, impact, what to fix and where."""
    lines = []
    for v in found:
        for node in v.get("nodes", []):
            target = " ".join(map(str, node.get("target", [])))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"{v['id']} ({v.get('impact')}): {target}: {summary}")
    return "\n".join(lines) or "(no violations)"
