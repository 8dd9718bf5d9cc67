"""The cookiecutter adapter: the only module that touches cookiecutter.

We call ``generate_files`` with an explicit context and hooks off, never the top-level
``cookiecutter()`` (it reads the user's home config and writes replay files). Brand data
travels under the private key ``_ixm`` so cookiecutter never renders it as a template: a name
like ``{{ 7*7 }}`` is inserted as text. Files matched by the template's
``_copy_without_render`` globs are copied; every other file must be UTF-8 text, so nothing is
left to cookiecutter's binary guessing. ``generate_files`` changes the working directory while
it renders: parallelise builds with processes, never threads.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cookiecutter.generate import generate_files
from jinja2 import Environment
from jinja2.ext import Extension

from ixm_cli import jsontext
from ixm_cli.errors import IxmError
from ixm_cli.escape import FILTERS

PRIVATE_KEY = "_ixm"


def json_document(value: Any) -> str:
    """A whole JSON file in ixm's one spelling; the template's own last line break ends it."""
    return jsontext.dumps(value).removesuffix("\n")


VIEW_FILTERS = {"json_document": json_document}


class IxmFilters(Extension):
    """Registers ixm's per-format escaping filters (loaded by name via ``_extensions``)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(FILTERS)
        environment.filters.update(VIEW_FILTERS)


def template_config(template: Path) -> dict[str, Any]:
    config = json.loads((template / "cookiecutter.json").read_text("utf-8"))
    if not isinstance(config, dict):
        raise ValueError(f"{template}/cookiecutter.json must hold an object")
    return config


def _check_text_files(template: Path, copy_globs: list[str]) -> None:
    """Refuse a non-text file the template does not declare as copy-only."""
    for path in sorted(template.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(template).as_posix()
        inner = rel.split("/", 1)[1] if "/" in rel else rel
        if any(fnmatch.fnmatch(inner, g) for g in copy_globs) or rel == "cookiecutter.json":
            continue
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise IxmError.single(
                "templates",
                f"{path} is not UTF-8 text and is not declared in _copy_without_render",
                None,
                "add a glob for it to the template's cookiecutter.json",
            ) from None


def render_template(
    template: Path, output_dir: Path, variables: Mapping[str, Any], brand: Any
) -> Path:
    """Render one cookiecutter template into ``output_dir``; returns the created folder.

    ``variables`` are plain template variables (folder names, the current locale); ``brand``
    is the brand view passed as data under ``_ixm``.
    """
    config = template_config(template)
    copy_globs = list(config.get("_copy_without_render", []))
    _check_text_files(template, copy_globs)
    context = {
        "cookiecutter": {
            **{k: v for k, v in config.items() if not k.startswith("_")},
            **variables,
            "_copy_without_render": copy_globs,
            "_extensions": ["ixm_cli.render.IxmFilters"],
            "_new_lines": "\n",
            PRIVATE_KEY: brand,
        }
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    created = generate_files(
        repo_dir=str(template.resolve()),
        context=context,
        output_dir=str(output_dir.resolve()),
        overwrite_if_exists=True,
        accept_hooks=False,
    )
    return Path(created)
