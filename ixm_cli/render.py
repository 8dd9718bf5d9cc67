"""The cookiecutter adapter: the only module that touches cookiecutter.

Templates keep cookiecutter's *format* (``cookiecutter.json``, a ``{{cookiecutter.…}}`` root
folder, templated file and folder names, ``_copy_without_render``) and render through
cookiecutter's own Jinja environment (``StrictEnvironment`` with its default extensions, strict
undefined), so a template behaves here as under ``cookiecutter``. What we do not take is
``generate_files``: it changes the working directory and writes to disk, while a build needs
the files in memory (for ``--dry-run``, ``--check`` and a publish step that is the only
writer). :func:`render_template` therefore walks the template itself, with cookiecutter's
rules: names are rendered, a name that renders empty is skipped, copy-only globs match the
path relative to the template root, and a file keeps its execute bit.

Brand data travels under the private key ``_ixm`` so it is never rendered as a template: a
name like ``{{ 7*7 }}`` is inserted as text. Every file not matched by
``_copy_without_render`` must be UTF-8 text, so nothing is left to binary guessing.
"""

from __future__ import annotations

import fnmatch
import json
import os
import plistlib
import stat
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from cookiecutter.environment import StrictEnvironment
from jinja2 import Environment, FileSystemLoader, TemplateError
from jinja2.ext import Extension

from ixm_cli import jsontext
from ixm_cli.errors import IxmError, Location
from ixm_cli.escape import FILTERS
from ixm_cli.tree import Entry, Tree, mode_of

PRIVATE_KEY = "_ixm"
LAYER = "templates"


def json_document(value: Any) -> str:
    """A whole JSON file in ixm's one spelling; the template's own last line break ends it."""
    return jsontext.dumps(value).removesuffix("\n")


def plist_entries(values: Mapping[str, Any]) -> str:
    """``<key>…</key>`` and value lines for a dictionary, to continue a plist's top-level
    dict (one tab deep): plistlib writes them, so every value is escaped as Apple's parser
    reads it. Empty for no values."""
    if not values:
        return ""
    lines = plistlib.dumps(dict(values), sort_keys=True).decode("utf-8").splitlines()
    body = lines[lines.index("<dict>") + 1 : len(lines) - 1 - lines[::-1].index("</dict>")]
    return "\n".join(body)


def plist_document(values: Mapping[str, Any]) -> str:
    """A whole plist holding ``values``; the template's own last line break ends it."""
    return plistlib.dumps(dict(values), sort_keys=True).decode("utf-8").removesuffix("\n")


VIEW_FILTERS: Mapping[str, Callable[[Any], str]] = {
    "json_document": json_document,
    "plist_entries": plist_entries,
    "plist_document": plist_document,
}


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


@cache
def _listing(
    template: Path, copy_globs: tuple[str, ...]
) -> tuple[Path, tuple[tuple[PurePosixPath, Path, bool, bool], ...]]:
    """The template's root folder and its files (relative path, file, executable, copy
    only), sorted; every file to render is checked to be UTF-8 text.

    A template's files do not change while ixm runs, and a build renders the same locale
    template once per locale: list (and check) them once per process.
    """
    roots = [p for p in sorted(template.iterdir()) if "cookiecutter" in p.name and "{{" in p.name]
    if len(roots) != 1 or not roots[0].is_dir():
        raise IxmError.single(
            "templates",
            f"{template} must hold exactly one folder named like {{{{cookiecutter.…}}}}",
            None,
            "lay the template out as cookiecutter does",
        )
    root = roots[0]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode):
                raise IxmError.single(
                    "templates", f"{path} is not a regular file", Location(path),
                    "templates hold plain files only",
                )
            rel = PurePosixPath(path.relative_to(root).as_posix())
            copy_only = _copy_only(rel, copy_globs)
            if not copy_only:
                _check_text(path)
            files.append((rel, path, bool(st.st_mode & stat.S_IXUSR), copy_only))
    return root, tuple(files)


def _copy_only(rel: PurePosixPath, globs: tuple[str, ...]) -> bool:
    """cookiecutter matches ``_copy_without_render`` against the path inside the root folder,
    and a matching folder copies everything below it."""
    candidates = [rel, *[p for p in rel.parents if p != PurePosixPath(".")]]
    return any(fnmatch.fnmatch(c.as_posix(), g) for c in candidates for g in globs)


@cache
def _environment(
    template: Path, root: Path, filters: tuple[tuple[str, Callable[[Any], str]], ...]
) -> StrictEnvironment:
    env = StrictEnvironment(
        context={"cookiecutter": {"_extensions": ["ixm_cli.render.IxmFilters"]}},
        keep_trailing_newline=True,
    )
    env.filters.update(filters)
    # cookiecutter's loader path, made absolute: no chdir into the template.
    env.loader = FileSystemLoader([str(root), str(template / "templates")])
    return env


def render_template(
    template: Path,
    variables: Mapping[str, Any],
    brand: Any,
    *,
    filters: Mapping[str, Callable[[Any], str]] | None = None,
    layer: str = LAYER,
) -> Tree:
    """Render one cookiecutter template in memory: ``{path: Entry}``, paths relative to the
    folder the template would be generated into (the rendered root folder is their first part).

    ``variables`` are plain template variables (folder names, the current locale); ``brand``
    is the brand view passed as data under ``_ixm``; ``filters`` are the target's own
    escaping filters, beside ixm's.
    """
    config = template_config(template)
    copy_globs = [str(g) for g in config.get("_copy_without_render", [])]
    root, files = _listing(template, tuple(copy_globs))
    env = _environment(template, root, tuple(sorted((filters or {}).items())))
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
    out: Tree = {}
    try:
        top = env.from_string(root.name).render(**context)
        for rel, path, executable, copy_only in files:
            name = env.from_string(rel.as_posix()).render(**context)
            if not name or name.endswith("/"):  # a name that renders empty: skipped
                continue
            target = PurePosixPath(top) / name
            mode = mode_of(executable)
            if copy_only:
                out[target] = Entry(path.read_bytes(), mode, layer, path)
                continue
            rendered = env.get_template(rel.as_posix()).render(**context)
            out[target] = Entry(rendered.encode("utf-8"), mode, layer, path)
    except TemplateError as exc:
        raise IxmError.single(
            "templates", f"{template.name}: {exc}", Location(template),
            "fix the template (this is the base's, not the tenant's)",
        ) from None
    return out


def _check_text(path: Path) -> None:
    """Refuse a non-text file the template does not declare as copy-only."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise IxmError.single(
            "templates",
            f"{path} is not UTF-8 text and is not declared in _copy_without_render",
            None,
            "add a glob for it to the template's cookiecutter.json",
        ) from None
