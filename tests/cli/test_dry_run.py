"""``ixm build --dry-run`` and ``--check``: the build computed in memory, compared with what is
published, nothing written.

A dry run prints one line per file with copier's verbs (create, change, remove, identical);
``--check`` prints the stale ones and exits 1 when any output would change. Both must leave
``--out`` exactly as it was (bytes, modes and mtimes), and never create it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ixm_test_helpers import make_tenant, run_ixm


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mode, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    } if folder.exists() else {}


def verbs(stdout: str) -> dict[str, str]:
    """``{path inside the tenant folder: verb}`` from the dry-run lines."""
    found = {}
    for line in stdout.splitlines():
        verb, path = line.split(maxsplit=1)
        found[path.split("/acme/", 1)[1]] = verb
    return found


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "tenants"
    make_tenant(root, "acme")
    out = tmp_path / "out"
    first = run_ixm("build", "--platform", "android,web", "--jobs", "1", "--tenants", root,
                    "--out", out)
    assert first.exit_code == 0, first.stderr
    return root, out


def test_an_unchanged_tenant_is_identical_and_up_to_date(built: tuple[Path, Path]) -> None:
    root, out = built
    before = snapshot(out)
    dry = run_ixm("build", "--platform", "android,web", "--tenants", root, "--out", out,
                  "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    found = verbs(dry.stdout)
    assert set(found.values()) == {"identical"}
    assert "android/app/src/main/res/values/strings.xml" in found
    assert "build-info.json" in found and ".ixm-output" not in found
    check = run_ixm("build", "--platform", "android,web", "--tenants", root, "--out", out,
                    "--check")
    assert check.exit_code == 0, check.stderr
    assert check.stdout == ""
    assert "is up to date" in check.stderr
    assert snapshot(out) == before


def test_changes_are_created_changed_and_removed(built: tuple[Path, Path]) -> None:
    root, out = built
    manifest = root / "acme" / "brand.yaml"
    text = manifest.read_text("utf-8")
    assert "en: Acme Ding" in text
    manifest.write_text(text.replace("en: Acme Ding", "en: Acme Works"), "utf-8")
    note = root / "acme" / "overrides" / "web" / "robots.txt"
    note.parent.mkdir(parents=True)
    note.write_text("User-agent: *\n", "utf-8")
    stray = out / "acme" / "web" / "left-over.txt"  # a file the next build would not make
    stray.write_text("old\n", "utf-8")
    before = snapshot(out)

    dry = run_ixm("build", "--platform", "android,web", "--tenants", root, "--out", out,
                  "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    found = verbs(dry.stdout)
    assert found["web/robots.txt"] == "create"
    assert found["web/left-over.txt"] == "remove"
    assert found["android/app/src/main/res/values/strings.xml"] == "change"
    assert found["build-info.json"] == "change"
    assert found["android/app/src/main/res/mipmap-mdpi/ic_launcher.png"] == "identical"
    assert "1 create" in dry.stderr and "1 remove" in dry.stderr

    check = run_ixm("build", "--platform", "android,web", "--tenants", root, "--out", out,
                    "--check", "--format", "json")
    assert check.exit_code == 1
    doc = json.loads(check.stdout)
    assert doc["ok"] is False
    assert doc["stale"] is True and doc["command"]["mode"] == "check"
    changes = {c["path"]: c["verb"] for c in doc["tenants"][0]["changes"]}
    assert changes["web/robots.txt"] == "create"
    assert snapshot(out) == before  # nothing written, not even a stage

    assert run_ixm("build", "--platform", "android,web", "--jobs", "1", "--tenants", root,
                   "--out", out).exit_code == 0
    again = run_ixm("build", "--platform", "android,web", "--tenants", root, "--out", out,
                    "--check")
    assert again.exit_code == 0, again.stdout


def test_a_mode_change_is_a_change(built: tuple[Path, Path]) -> None:
    root, out = built
    target = out / "acme" / "web" / "index.html"
    os.chmod(target, 0o755)  # noqa: PTH101 - the published file, changed behind ixm's back
    dry = run_ixm("build", "--platform", "android,web", "--tenants", root, "--out", out,
                  "--dry-run")
    assert verbs(dry.stdout)["web/index.html"] == "change"


def test_a_dry_run_into_a_missing_folder_creates_everything_and_writes_nothing(
    tmp_path: Path,
) -> None:
    root = tmp_path / "tenants"
    make_tenant(root, "acme")
    out = tmp_path / "never"
    dry = run_ixm("build", "--platform", "web", "--tenants", root, "--out", out, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert set(verbs(dry.stdout).values()) == {"create"}
    check = run_ixm("build", "--platform", "web", "--tenants", root, "--out", out, "--check")
    assert check.exit_code == 1
    assert "outputs are stale" in check.stderr
    assert not out.exists()
