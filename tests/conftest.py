"""Fixtures shared by the whole suite; registers ``tests/helpers.py`` as ``ixm_test_helpers``.

The helpers get a unique module name because pytest puts every test folder on ``sys.path``
and ``tests/integration/helpers.py`` is already imported as ``helpers``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Speed is measured by the benchmarks, never asserted: hypothesis' per-example deadline is a
# timed assertion that fails on a loaded CI runner, so it is off for the whole suite.
settings.register_profile("ixm", deadline=None)
settings.load_profile("ixm")


def _register_helpers() -> None:
    name = "ixm_test_helpers"
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("helpers.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_register_helpers()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty tenants folder (resolved, so diagnostic paths compare equal)."""
    tenants = tmp_path.resolve() / "tenants"
    tenants.mkdir()
    return tenants
