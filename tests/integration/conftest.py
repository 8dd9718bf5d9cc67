"""Shared fixtures for the integration tests: build the example tenants once per session.

Fixtures (stable API; the Android, iOS and web modules use them):

* ``built_examples`` -> ``dict[str, Path]``: every example tenant under ``tenants/`` built
  for ALL platforms (prod, no ``--env``) into one session tmp dir; slug -> ``dist/<slug>``.
* ``build_example`` -> ``(slug, env=None, platforms=None) -> Path``: one example tenant built
  on demand (e.g. ``build_example("yunzhuding", "staging")`` -> ``dist/yunzhuding@staging``),
  cached per arguments for the session.
* ``svg_tenant`` -> ``Path``: ``helpers.svg_tenant_dir`` (an example tenant drawn from SVG
  sources) built once for all platforms; returns its ``dist/<slug>`` dir, next to the
  ``tenants/`` folder it was built from.
* ``nasty_tenant`` -> ``(platforms=None, env=None) -> Path``: the "nasty names" tenant
  (helpers.NASTY: quotes, ``&``, ``<``, leading ``@``/``?``, ``%s %s``, emoji, CJK,
  Arabic/Hebrew, ``{{ 7*7 }}``) built once per arguments per session; returns its
  ``dist/<slug>`` dir. Call it with no arguments to share one all-platform build.
* ``playwright`` / ``browser``: Playwright and Debian's Chromium (``helpers.CHROMIUM``,
  ``CHROMIUM_ARGS``), one per test module.

Helpers live in ``helpers.py`` (``require_tool``, ``require_file``, ``build_tenant_dir``,
``NASTY``…); test modules import them with ``from helpers import …`` (pytest puts this
folder on ``sys.path``). ``require_tool`` is re-exported here for convenience.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXAMPLES,
    NASTY_BASE,
    build_tenant_dir,
    example_slugs,
    nasty_edit,
    require_file,
    require_tool,
    svg_tenant_dir,
)
from playwright.sync_api import Browser, Playwright, sync_playwright

from ixm_cli import api

__all__ = ["require_file", "require_tool"]

JOBS = max(1, min(4, os.cpu_count() or 1))


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """slug -> dist/<slug> for every example tenant, all platforms, built once."""
    out = tmp_path_factory.mktemp("examples-dist")
    built: dict[str, Path] = {}
    # One tenant per call: ``jobs`` then parallelises the image work inside each build (and
    # api.build's process pool over several tenants cannot pickle a Brand at the moment).
    for slug in example_slugs():
        report = api.build(tenants_dir=EXAMPLES, out=out, tenants=[slug], platforms=None, jobs=JOBS)
        built.update({b.tenant: b.out for b in report.built if b.env is None})
    assert sorted(built) == example_slugs()
    return built


BuildExample = Callable[..., Path]


@pytest.fixture(scope="session")
def build_example(tmp_path_factory: pytest.TempPathFactory) -> BuildExample:
    """Build one example tenant (optionally an environment / some platforms), cached."""
    cache: dict[tuple[str, str | None, str | None], Path] = {}

    def build(slug: str, env: str | None = None, platforms: str | None = None) -> Path:
        key = (slug, env, platforms)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"example-{slug}-{env or 'prod'}")
            report = api.build(
                tenants_dir=EXAMPLES,
                out=out,
                tenants=[slug],
                platforms=platforms,
                env=env,
                jobs=JOBS,
            )
            (built,) = report.built
            cache[key] = built.out
        return cache[key]

    return build


@pytest.fixture(scope="session")
def svg_tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An example tenant whose images are SVG drawings, built for every platform once."""
    scratch = tmp_path_factory.mktemp("svg")
    tenant = svg_tenant_dir(scratch / "tenants")
    report = api.build(tenants_dir=tenant.parent, out=scratch / "dist", tenants=[tenant.name],
                       jobs=JOBS)
    (built,) = report.built
    return built.out


@pytest.fixture(scope="session")
def nasty_tenant(tmp_path_factory: pytest.TempPathFactory) -> BuildExample:
    """Build the nasty names tenant (helpers.NASTY) once per arguments; returns dist dir."""
    cache: dict[tuple[str | None, str | None], Path] = {}

    def build(platforms: str | None = None, env: str | None = None) -> Path:
        key = (platforms, env)
        if key not in cache:
            scratch = tmp_path_factory.mktemp("nasty")
            cache[key] = build_tenant_dir(
                NASTY_BASE, scratch, nasty_edit, platforms=platforms, env=env
            )
        return cache[key]

    return build


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    require_file(CHROMIUM)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
