"""The package ships what it needs: every sub-package, and brand_templates/ inside it.

pyproject.toml lists the packages explicitly (so brand_templates/, which lives at the top of
the repository, can ship as ``ixm_cli.brand_templates``): a new sub-package left off that list
would be missing from a wheel while every editable-install test still passed.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]


def _setuptools() -> dict[str, object]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    return dict(config["tool"]["setuptools"])


def test_every_sub_package_is_listed() -> None:
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "ixm_cli").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    listed = set(_setuptools()["packages"])  # type: ignore[call-overload]
    assert on_disk | {"ixm_cli.brand_templates"} == listed


def test_brand_templates_ship_inside_the_package_with_their_dotfiles() -> None:
    setup = _setuptools()
    assert setup["package-dir"] == {"ixm_cli.brand_templates": "brand_templates"}
    globs = setup["package-data"]["ixm_cli.brand_templates"]  # type: ignore[index]
    assert set(globs) == {"**/*", "**/.*"}
    assert any(p.name.startswith(".") for p in (REPO / "brand_templates").rglob("*"))
