"""Targets are plug-ins: found through the ``ixm.targets`` entry points, built-ins included.

* The test plug-in ``tests/plugins/ixm-desktop-target`` (installed into the test venv by
  ``.ci/setup --test``) adds a Linux desktop target with its own templates, its own escaping
  filter and one image job; it builds end to end through the real ``ixm`` and its
  ``.desktop`` file passes ``desktop-file-validate`` (Debian's desktop-file-utils).
* ``ixm targets`` lists every target with its package and version.
* A broken plug-in (it fails to import, or registers something that is not a Target, or under
  another name) is exit 1 naming its package, never a traceback. It is installed for real:
  a ``.dist-info`` folder on ``PYTHONPATH``, which is what pip writes.
* Nothing in ``ixm_cli/`` lists target names: no list, tuple or set literal there names two
  platforms.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO, copy_tenant, require_tool
from PIL import Image

IXM = Path(sys.executable).with_name("ixm")
pytestmark = pytest.mark.consumer


def ixm(*args: str | Path, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(IXM), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_targets_lists_builtins_and_the_plugin_with_package_and_version(tmp_path: Path) -> None:
    result = ixm("targets", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)["targets"]}
    assert sorted(rows) == ["android", "desktop", "ios", "metadata", "web"]
    from ixm_cli import __version__

    for name in ("android", "ios", "metadata", "web"):
        assert (rows[name]["package"], rows[name]["version"]) == ("ixm-cli", __version__)
    assert rows["desktop"]["package"] == "ixm-desktop-target"
    assert rows["desktop"]["version"] == "0.3.0"
    assert rows["desktop"]["default"] is False
    assert rows["metadata"]["platform"] is False and rows["web"]["platform"] is True

    text = ixm("targets", cwd=tmp_path)
    assert text.returncode == 0
    assert "desktop" in text.stdout and "ixm-desktop-target 0.3.0" in text.stdout


def test_the_plugin_target_builds_end_to_end(tmp_path: Path) -> None:
    validator = require_tool("desktop-file-validate")
    copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")
    result = ixm("build", "yunzhuding", "--platform", "desktop,web", "--out", "dist",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "dist" / "yunzhuding"
    entry = out / "desktop" / "ixm-app.desktop"
    check = subprocess.run([validator, str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr
    text = entry.read_text("utf-8")
    assert "Name=云助钉\n" in text and "Name[en]=YunZhu Ding\n" in text
    for px in (64, 256):
        with Image.open(out / f"desktop/icons/hicolor/{px}x{px}/apps/ixm-app.png") as im:
            assert im.size == (px, px)
    config = json.loads((out / "desktop/share/tenant.json").read_text("utf-8"))
    assert config == json.loads((out / "web/tenant.json").read_text("utf-8"))
    with zipfile.ZipFile(out / "bundles" / "yunzhuding-desktop-2.3.0+230.zip") as zf:
        names = zf.namelist()
    assert "desktop/ixm-app.desktop" in names and not any(n.startswith("web/") for n in names)
    info = json.loads((out / "build-info.json").read_text("utf-8"))
    assert info["platforms"] == ["desktop", "web"]
    assert "desktop/ixm-app.desktop" in info["outputs"]
    # Opt-in: a build without --platform leaves it out.
    plain = ixm("build", "yunzhuding", "--out", "plain", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert not (tmp_path / "plain" / "yunzhuding" / "desktop").exists()


def test_plugin_overrides_follow_its_own_folder(tmp_path: Path) -> None:
    tenant = copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")
    extra = tenant / "overrides" / "desktop" / "README.txt"
    extra.parent.mkdir(parents=True)
    extra.write_text("installed by the vendor's package\n")
    assert ixm("validate", "yunzhuding", cwd=tmp_path).returncode == 0
    result = ixm("build", "yunzhuding", "--platform", "desktop", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist/yunzhuding/desktop/README.txt").read_text() == extra.read_text()


def _install_fake(site: Path, module: str, body: str, *, name: str = "broken") -> None:
    """A plug-in installed as pip installs one: a module and its .dist-info."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(body)
    info = site / f"{module.replace('_', '-')}-1.2.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.2\n"
    )
    (info / "entry_points.txt").write_text(f"[ixm.targets]\n{name} = {module}:TARGET\n")


@pytest.mark.parametrize(
    ("body", "name", "why"),
    [
        ("import flutter_sdk_that_is_missing\n", "broken",
         "it failed to load: ModuleNotFoundError"),
        ("TARGET = {'name': 'broken'}\n", "broken", "is not an ixm Target"),
        (
            "from ixm_cli.targets.web import TARGET as WEB\n"
            "import dataclasses\nTARGET = dataclasses.replace(WEB, name='other')\n",
            "broken",
            "it declares a target named 'other'",
        ),
        ("from ixm_cli.targets.web import TARGET\n", "web", "registered twice"),
    ],
    ids=["import-error", "not-a-target", "wrong-name", "duplicate"],
)
def test_a_broken_plugin_is_exit_1_naming_its_package(
    tmp_path: Path, body: str, name: str, why: str
) -> None:
    site = tmp_path / "site"
    _install_fake(site, "acme_ixm_plugin", body, name=name)
    copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")
    env = {"PYTHONPATH": str(site)}
    for args in (("targets",), ("build", "yunzhuding"), ("validate", "yunzhuding")):
        result = ixm(*args, cwd=tmp_path, env=env)
        assert result.returncode == 1, (args, result.stderr)
        assert "acme-ixm-plugin" in result.stderr, result.stderr
        assert why in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()


PLATFORM_NAMES = {"android", "ios", "web", "metadata"}
OWN_MODULES = {"android.py", "ios.py", "web.py", "metadata.py"}


def test_no_list_of_target_names_outside_the_targets() -> None:
    """Adding a target needs no change elsewhere in ixm: no collection literal in the
    package names two of them (a target's own module may name itself and its kin)."""
    found = []
    for path in sorted((REPO / "ixm_cli").rglob("*.py")):
        if path.parent.name == "targets" and path.name in OWN_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                names = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                if len(names & PLATFORM_NAMES) >= 2:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []
    toml = (REPO / "pyproject.toml").read_text("utf-8")
    assert '[project.entry-points."ixm.targets"]' in toml
