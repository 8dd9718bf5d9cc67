"""Publishing where the file system cannot exchange two folders atomically (NFS, SMB, FUSE).

There ixm replaces ``dist/<tenant>`` with two renames; a SIGKILL between them leaves the
previous tree under ``dist/.ixm-trash-<tenant>-*`` and ``dist/<tenant>`` missing. These tests
take the exchange away twice over — forced off in the publisher, and for real on a FUSE
mount (bindfs answers ``renameat2`` flags with EINVAL, as NFS and SMB do) — kill a real
publisher exactly between the two renames, and check that the next ixm command of any kind
in that workspace puts the previous tree back, and leaves a live publisher's trash alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ixm_test_helpers import REPO, make_tenant

from ixm_cli.bundle import MARKER
from ixm_cli.index import INDEX

IXM = [sys.executable, "-m", "ixm_cli"]
N_FILES = 200

# Publish generation 1, then stage generation 2 and stop for good right after the first of
# the fallback's two renames (final -> trash), announcing "between".
_PUBLISHER = r"""
import sys, time
from pathlib import Path
from ixm_cli import fsutil
from ixm_cli.bundle import publish, stage_dir

out, n, how = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if how == "forced":
    fsutil._rename_flags = None  # as on NFS/SMB/FUSE: no renameat2(RENAME_EXCHANGE)

def generation(gen):
    stage = stage_dir(out, "t")
    for i in range(n):
        (stage / f"f{i:04d}.txt").write_text(f"gen {gen}\n")
    return stage

publish(generation(1), out / "t")
stage = generation(2)
rename = Path.rename
def pausing_rename(self, target):
    done = rename(self, target)
    if Path(target).name.startswith(".ixm-trash-"):
        print("between", flush=True)
        time.sleep(3600)
    return done
Path.rename = pausing_rename
publish(stage, out / "t")
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@contextlib.contextmanager
def fuse_mount(path: Path) -> Iterator[Path]:
    """``path`` as a FUSE mount (bindfs over a sibling folder): no atomic exchange there."""
    if shutil.which("bindfs") is None:
        pytest.fail("`bindfs` is required: run `bash .ci/setup --test` to install it")
    if not Path("/dev/fuse").exists():
        pytest.fail("/dev/fuse is missing: run the tests where FUSE is available (CI: root)")
    backing = path.with_name(path.name + "-backing")
    backing.mkdir()
    path.mkdir()
    done = subprocess.run(["bindfs", str(backing), str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"bindfs could not mount: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["fusermount", "-u", "-z", str(path)], check=False)


@pytest.fixture(params=["forced", pytest.param("fuse", marks=pytest.mark.slow)])
def paused(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A workspace whose ``dist/t`` a live publisher has just renamed away."""
    out = tmp_path / "dist"
    with contextlib.ExitStack() as stack:
        if request.param == "fuse":
            stack.enter_context(fuse_mount(out))
        yield from _paused(tmp_path, out, request.param)


def _paused(
    tmp_path: Path, out: Path, how: str
) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _PUBLISHER, str(out), str(N_FILES), how],
        env=_env(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline() == "between\n", "the publisher never reached the window"
    assert not (out / "t").exists()  # the window this protocol is about
    assert any(p.name.startswith(".ixm-trash-t-") for p in out.iterdir())
    try:
        yield tmp_path, proc
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()


def generation(tree: Path) -> int:
    assert (tree / MARKER).is_file()
    contents = {p.read_text() for p in tree.glob("f*.txt")}
    assert len(list(tree.glob("f*.txt"))) == N_FILES and len(contents) == 1, contents
    return int(contents.pop().split()[1])


def commands(workspace: Path) -> dict[str, list[str]]:
    tenants = workspace / "tenants"
    return {
        "schema": ["schema"],
        "validate": ["validate", "--tenants", str(tenants)],
        "show": ["show", "acme", "--tenants", str(tenants)],
        "build": ["build", "--platform", "web", "--jobs", "1", "--tenants", str(tenants)],
    }


@pytest.mark.parametrize(
    "command", ["schema", *(pytest.param(c, marks=pytest.mark.slow) for c in
                            ("validate", "show", "build"))]
)
def test_any_command_puts_back_a_tree_killed_between_the_renames(
    paused: tuple[Path, subprocess.Popen[str]], command: str
) -> None:
    workspace, proc = paused
    make_tenant(workspace / "tenants", "acme")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    out = workspace / "dist"
    assert not (out / "t").exists()
    result = subprocess.run([*IXM, *commands(workspace)[command]], cwd=workspace,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert generation(out / "t") == 1  # the previous output, whole
    assert not any(p.name.startswith(".ixm-trash-") for p in out.iterdir())


def test_a_live_publishers_trash_is_left_alone(
    paused: tuple[Path, subprocess.Popen[str]],
) -> None:
    workspace, proc = paused
    out = workspace / "dist"
    before = sorted(p.name for p in out.iterdir())
    result = subprocess.run([*IXM, "schema"], cwd=workspace, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == before  # still the publisher's to finish
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    again = subprocess.run([*IXM, "schema"], cwd=workspace, capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert generation(out / "t") == 1


def test_a_fuse_mount_really_lacks_the_exchange(tmp_path: Path) -> None:
    """The premise of the "fuse" cases above: ixm's exchange reports itself unavailable."""
    from ixm_cli import fsutil

    with fuse_mount(tmp_path / "m") as m:
        (m / "a").mkdir()
        (m / "b").mkdir()
        assert fsutil.exchange(m / "a", m / "b") is False


@pytest.mark.slow
def test_builds_on_a_fuse_mount_replace_the_output_whole(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants"
    make_tenant(tenants, "acme")
    with fuse_mount(tmp_path / "dist") as out:
        for version in ("1.2.3", "1.2.4"):
            manifest = tenants / "acme" / "brand.yaml"
            manifest.write_text(
                manifest.read_text("utf-8").replace("1.2.3", version), "utf-8"
            )
            result = subprocess.run(
                [*IXM, "build", "--platform", "web", "--jobs", "1", "--tenants", str(tenants),
                 "--out", str(out)],
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert [p.name for p in (out / "acme" / "bundles").iterdir()] == [
                f"acme-web-{version}+42.zip"
            ]
        assert sorted(p.name for p in out.iterdir() if p.name != INDEX) == ["acme"]


def test_the_workspace_files_out_is_recovered_too(
    paused: tuple[Path, subprocess.Popen[str]],
) -> None:
    """With ixm.toml naming ``out``, any command puts back the trees under that folder."""
    workspace, proc = paused
    project = workspace / "project"
    project.mkdir()
    (project / "ixm.toml").write_text('out = "../dist"\n', "utf-8")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    result = subprocess.run([*IXM, "schema"], cwd=project, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert generation(workspace / "dist" / "t") == 1
