"""The platform base: the folder of target templates a build lays the brand over.

ixm ships an example base (``brand_templates/`` in the repository, ``ixm_cli/brand_templates``
in the wheel); a vendor points ixm at its own in ``ixm.toml`` (``base = …``).
"""

from __future__ import annotations

from pathlib import Path

from ixm_cli.errors import IxmError


def bundled_root() -> Path:
    """brand_templates/ beside the package (a source checkout or an editable install) or
    inside it (a wheel)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "brand_templates", here / "brand_templates"):
        if candidate.is_dir():
            return candidate
    raise IxmError.single(
        "templates",
        "brand_templates/ not found beside the ixm_cli package",
        None,
        "reinstall ixm (pip install ixm-cli, or pip install -e . in its repository)",
    )


def base_version(root: Path) -> str:
    version = root / "VERSION"
    return version.read_text("utf-8").strip() if version.is_file() else "unversioned"
