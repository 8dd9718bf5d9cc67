"""A build never changes the working directory and writes only inside ``--out``.

Proven with CPython's audit hooks (PEP 578), which see every file open, mkdir, rename,
chmod, removal and ``chdir`` the interpreter makes, ctypes calls (ixm's ``renameat2``)
included, in the build process and in its forked workers. The hook cannot be removed once
installed, so each build runs in a fresh interpreter; it refuses an offending operation on
the spot (the build then fails) and reports it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import EXAMPLES, copy_tenant

from ixm_cli.index import INDEX

DRIVER = textwrap.dedent(
    r"""
    import json, os, sys
    from pathlib import Path

    out = os.path.realpath(sys.argv[1])
    mode = sys.argv[3]
    WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    busy = []

    def inside(path):
        if isinstance(path, int) or path is None:
            return True  # an fd: opened (and so checked) before
        real = os.path.realpath(os.path.abspath(os.fsdecode(path)))
        return mode == "write" and (real == out or real.startswith(out + os.sep))

    def refuse(event, path):
        raise RuntimeError(f"AUDIT: {event} {os.fsdecode(path)!r} outside --out")

    PATHS = {"os.mkdir": 1, "os.remove": 1, "os.rmdir": 1, "os.chmod": 1, "os.chown": 1,
             "os.truncate": 1, "os.utime": 1, "os.symlink": 2, "os.link": 2,
             "shutil.rmtree": 1, "os.rename": 2, "os.replace": 2, "shutil.copyfile": 2}

    def hook(event, args):
        if busy:
            return
        busy.append(1)
        try:
            if event in ("os.chdir", "os.fchdir"):
                raise RuntimeError(f"AUDIT: {event} {args!r}")
            if event == "open":
                path, fmode, flags = args
                writes = (fmode is not None and any(c in fmode for c in "wax+")) or (
                    fmode is None and flags & WRITE)
                if writes and not inside(path):
                    refuse(event, path)
            elif event in PATHS:
                for path in args[:PATHS[event]]:
                    if not inside(path):
                        refuse(event, path)
            elif event == "ctypes.call_function":
                for arg in args[1]:
                    if isinstance(arg, bytes) and arg.startswith(b"/") and not inside(arg):
                        refuse(event, arg)
        finally:
            busy.pop()

    from ixm_cli import api
    sys.addaudithook(hook)
    report = api.build(tenants_dir=Path(sys.argv[2]), out=Path(sys.argv[1]), jobs=2,
                       write=mode == "write")
    print(json.dumps({"built": [b.tenant for b in report.built], "ok": report.ok,
                      "failures": [d.render() for d in report.failures]}))
    """
)


def _run(tmp_path: Path, mode: str) -> dict[str, object]:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, "utf-8")
    result = subprocess.run(
        [sys.executable, str(driver), str(tmp_path / "out"), str(tmp_path / "tenants"), mode],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert "AUDIT:" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return found


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["write", "dry-run"])
def test_a_build_writes_only_inside_out_and_never_changes_directory(
    tmp_path: Path, mode: str
) -> None:
    tenants = tmp_path / "tenants"
    for slug in ("lanlingding", "xiwangding"):
        copy_tenant(EXAMPLES / slug, tenants)
    before = {p: p.read_bytes() for p in sorted(tenants.rglob("*")) if p.is_file()}
    found = _run(tmp_path, mode)
    assert found["ok"] is True, found
    assert found["built"] == ["lanlingding", "xiwangding"]
    assert {p: p.read_bytes() for p in sorted(tenants.rglob("*")) if p.is_file()} == before
    if mode == "write":
        assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name != INDEX) == [
            "lanlingding", "xiwangding"]
    else:
        assert not (tmp_path / "out").exists()


def test_the_audit_hook_catches_a_write_outside_out(tmp_path: Path) -> None:
    """The guard itself works: a dry run is allowed no write at all, so a real build under
    the dry-run rule is refused at its first write."""
    copy_tenant(EXAMPLES / "xiwangding", tmp_path / "tenants")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.replace('write=mode == "write"', "write=True"), "utf-8")
    result = subprocess.run(
        [sys.executable, str(driver), str(tmp_path / "out"), str(tmp_path / "tenants"),
         "dry-run"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert "AUDIT: os.mkdir" in result.stderr + result.stdout
