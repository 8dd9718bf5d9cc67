"""Faults of the environment, made for real, against a real ``ixm`` process.

CI pipelines triage by exit code (1: fix your input or machine, 3: a bug in ixm), so each
failure class below is made the way it happens on a runner — a full tmpfs, a read-only bind
mount, names over the file system's limit, ``--out`` deleted mid-build, real signals, a
stdout on ``/dev/full`` or with no reader — and each test asserts the exit code, one located
error line with a hint, no traceback, and that the previous output is intact with no
``.ixm-*`` work folder left behind.

Mounting needs root: CI runs as root, and a test that cannot mount fails (never skips).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ixm_test_helpers import make_tenant

from ixm_cli.errors import display_path
from ixm_cli.index import INDEX

IXM = [sys.executable, "-m", "ixm_cli"]


# --- helpers -------------------------------------------------------------------------------


def ixm(
    *args: str | Path, cwd: Path | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*IXM, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, **kw
    )  # type: ignore[call-overload, no-any-return]


def snapshot(folder: Path) -> dict[str, str]:
    """posix relpath -> sha256 of every file below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def work_folders(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".ixm-") and p.name != INDEX)


def assert_located_error(stderr: str, where: Path | str, message: str) -> None:
    """Exactly one error line, ``<where>: error[…]: …<message>…``, then a hint; no traceback."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if "error[" in line]
    assert len(errors) == 1, stderr
    shown = display_path(where) if isinstance(where, Path) else where
    assert errors[0].startswith(f"{shown}: error["), (shown, stderr)
    assert message in errors[0], stderr
    following = stderr.splitlines()[stderr.splitlines().index(errors[0]) + 1]
    assert following.startswith("  hint: "), stderr


def need_root(what: str) -> None:
    if os.geteuid() != 0:
        pytest.fail(f"{what} needs root (CI runs as root): run the tests as root")


def need_tool(name: str) -> None:
    if shutil.which(name) is None:
        pytest.fail(f"`{name}` is required: run `bash .ci/setup --test` to install it")


def sh(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"`{' '.join(cmd)}` failed: {done.stderr.strip()} (the tests need root)")


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    need_root("mounting a tmpfs")
    need_tool("mount")
    path.mkdir(parents=True, exist_ok=True)
    sh("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` made read-only in place by a read-only bind mount over itself."""
    need_root("a read-only bind mount")
    sh("mount", "--bind", str(path), str(path))
    try:
        sh("mount", "-o", "remount,bind,ro", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(folder: Path) -> None:
    """Write into ``folder`` until its file system is full (the real ENOSPC)."""
    block = b"\0" * (1 << 16)
    with (folder / "filler").open("wb") as fh:
        try:
            while True:
                fh.write(block)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    # The buffered tail may not have fitted; what did is enough.


@pytest.fixture
def acme(root: Path) -> Path:
    make_tenant(root, "acme")
    return root


# --- a full disk, a read-only disk, over-long names ----------------------------------------


def test_a_full_disk_is_exit_1_naming_the_folder_and_keeps_the_previous_output(
    acme: Path, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk", "6m") as disk:
        out = disk / "out"
        first = ixm("build", "--platform", "web", "--jobs", "1", "--tenants", acme, "--out", out)
        assert first.returncode == 0, first.stderr
        before = snapshot(out / "acme")
        fill(disk)
        result = ixm("build", "--platform", "web", "--jobs", "1", "--force", "--tenants", acme,
                     "--out", out)  # fmt: skip
        assert result.returncode == 1, result.stderr
        errors = [line for line in result.stderr.splitlines() if "error[" in line]
        assert len(errors) == 1 and "the disk is full" in errors[0], result.stderr
        assert errors[0].startswith(str(out)), result.stderr  # the folder or file it hit
        assert "hint: free some space on that disk or choose another --out" in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(out / "acme") == before
        assert work_folders(out) == []


def test_a_read_only_out_is_exit_1_naming_it(acme: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = ixm("build", "--platform", "web", "--jobs", "1", "--tenants", acme, "--out", out)
    assert first.returncode == 0, first.stderr
    before = snapshot(out / "acme")
    with read_only(out):
        result = ixm("build", "--platform", "web", "--jobs", "1", "--force", "--tenants", acme,
                     "--out", out)  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert_located_error(result.stderr, str(out), "writing acme failed: the disk is read-only")
        assert "choose an --out on a writable disk" in result.stderr
        assert snapshot(out / "acme") == before
        assert work_folders(out) == []


@pytest.mark.slow
def test_a_read_only_out_with_json_still_prints_one_document(acme: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with read_only(out):
        result = ixm("build", "--format", "json", "--tenants", acme, "--out", out)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert [d["message"] for d in document["diagnostics"]] == [
        "writing acme failed: the disk is read-only"
    ]
    assert document["diagnostics"][0]["file"] == str(out)


def test_an_out_this_user_may_not_write_is_exit_1(acme: Path, tmp_path: Path) -> None:
    """Root writes anywhere through CAP_DAC_OVERRIDE: ixm runs without it (setpriv, from
    util-linux) over an --out owned by someone else, so the kernel says EACCES for real."""
    need_root("dropping root's permission override")
    need_tool("setpriv")
    out = tmp_path / "out"
    first = ixm("build", "--platform", "web", "--jobs", "1", "--tenants", acme, "--out", out)
    assert first.returncode == 0, first.stderr
    before = snapshot(out / "acme")
    os.chown(out, 65534, 65534)  # nobody's, 0755: others may read, not write
    out.chmod(0o755)
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    result = subprocess.run(
        [*drop, *IXM, "build", "--platform", "web", "--jobs", "1", "--force",
         "--tenants", str(acme), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert_located_error(result.stderr, str(out), "writing acme failed: permission denied")
    assert "make --out writable and the tenants readable" in result.stderr
    assert snapshot(out / "acme") == before
    assert work_folders(out) == []


@pytest.mark.parametrize(
    "which", ["out", *(pytest.param(w, marks=pytest.mark.slow) for w in ("out-parent", "tenants"))]
)
def test_a_name_over_the_file_systems_limit_is_exit_1(
    acme: Path, tmp_path: Path, which: str
) -> None:
    long = "n" * 300  # ext4, xfs, btrfs and tmpfs allow 255 bytes per name
    out, tenants = tmp_path / "out", acme
    if which == "out":
        out = tmp_path / long
    elif which == "out-parent":
        out = tmp_path / long / "dist"
    else:
        tenants = tmp_path / long
    for command in (["build", "--out", out], ["validate"]):
        result = ixm(*command, "--tenants", tenants, cwd=tmp_path)
        if command[0] == "validate" and which != "tenants":
            assert result.returncode == 0, result.stderr
            continue
        assert result.returncode == 1, (command, result.stderr)
        errors = [line for line in result.stderr.splitlines() if "error[" in line]
        assert len(errors) == 1, result.stderr
        assert "a name in this path is too long for the file system" in errors[0]
        named = out if which != "tenants" else tenants
        assert errors[0].startswith(f"{os.path.relpath(named, tmp_path)}: error[path]: ")
        assert "hint: use shorter folder names in --out and --tenants" in result.stderr
        assert "Traceback" not in result.stderr
    assert not any(p.name.startswith(".ixm-") for p in tmp_path.iterdir())


@contextlib.contextmanager
def failing_disk(path: Path) -> Iterator[Callable[[], None]]:
    """An ext4 file system on a loop device at ``path``; calling the yielded function makes
    its disk fail: the backing file is cut to nothing and the files' cached pages dropped,
    so every read of their data reaches the device and gets EIO, as from a dying disk."""
    need_root("a loop-mounted file system")
    need_tool("mkfs.ext4")
    image = path.with_name(path.name + ".img")
    with image.open("wb") as fh:
        fh.truncate(32 << 20)
    sh("mkfs.ext4", "-q", "-F", str(image))
    path.mkdir(parents=True, exist_ok=True)
    sh("mount", "-o", "loop", str(image), str(path))

    def fail() -> None:
        files = [p for p in path.rglob("*") if p.is_file()]
        os.sync()
        os.truncate(image, 0)
        for file in files:
            fd = os.open(file, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)

    try:
        yield fail
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        image.unlink(missing_ok=True)


@pytest.mark.slow
def test_a_disk_failing_under_the_tenants_is_exit_1(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants"
    out = tmp_path / "out"
    with failing_disk(tenants) as fail:
        make_tenant(tenants, "acme")
        first = ixm("build", "--platform", "web", "--jobs", "1", "--tenants", tenants,
                    "--out", out)  # fmt: skip
        assert first.returncode == 0, first.stderr
        before = snapshot(out / "acme")
        fail()
        # --force: without it the stat index finds acme up to date without reading a byte
        # of it (stat still works on a failing disk, as for git status).
        for command in (["validate"],
                        ["build", "--platform", "web", "--force", "--out", str(out)]):
            result = ixm(*command, "--tenants", tenants)
            assert result.returncode == 1, (command, result.stderr)
            assert "Traceback" not in result.stderr and "internal error" not in result.stderr
            errors = [line for line in result.stderr.splitlines() if "error[" in line]
            assert errors, result.stderr
            for line in errors:
                assert line.startswith(str(tenants)), result.stderr
                assert "input/output error" in line.lower(), result.stderr
        assert snapshot(out / "acme") == before
        assert work_folders(out) == []


# --- --out deleted while building ----------------------------------------------------------


def wait_for_stage(out: Path, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Block until ``proc`` is writing into a stage folder in ``out`` (so it is mid-build)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ixm ended before it staged anything: {proc.communicate()}")
        with contextlib.suppress(OSError):  # a stage may vanish while we look
            for stage in out.glob(".ixm-stage-*"):
                if len(list(stage.iterdir())) > 1:  # more than its marker: files are landing
                    return
        time.sleep(0.005)
    pytest.fail("ixm never staged a build")


@pytest.mark.slow
def test_out_deleted_while_building_is_exit_1_and_leaves_nothing(
    acme: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*IXM, "build", "--jobs", "1", "--tenants", str(acme), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for_stage(out, proc)
    out.rename(tmp_path / "gone")  # the whole --out vanishes at once, as `rm -rf` ends
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    errors = [line for line in stderr.splitlines() if "error[" in line]
    assert len(errors) == 1, stderr
    assert "building acme failed: it vanished while ixm was working" in errors[0], stderr
    assert errors[0].startswith(str(out)), stderr
    assert "hint: leave --out and the tenants in place while ixm runs" in stderr
    assert "Traceback" not in stderr
    assert work_folders(out) == []  # the stage it went on writing into was removed too


# --- interrupts ----------------------------------------------------------------------------


def consistent(tree: Path) -> str:
    """The version a published tree was built as; fails unless every file matches the
    digests its build-info.json lists (no half-old, half-new tree)."""
    info = json.loads((tree / "build-info.json").read_text("utf-8"))
    files = snapshot(tree)
    for rel, digest in info["outputs"].items():
        assert files[rel] == digest, rel
    versions = {p.name.split("-")[-1].split("+")[0] for p in (tree / "bundles").iterdir()}
    assert len(versions) == 1, versions
    return versions.pop()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("how", "jobs", "code"),
    [
        ("ctrl-c", "2", 130),  # a terminal's Ctrl-C reaches the whole process group
        ("ctrl-c-one-tenant", "2", 130),  # one tenant: the image workers are the pool
        ("sigint", "1", 130),
        ("sigterm", "2", 143),  # a CI runner cancelling the job signals ixm itself
        ("sigterm", "1", 143),
    ],
)
def test_an_interrupt_removes_stages_and_exits_quietly(
    root: Path, tmp_path: Path, how: str, jobs: str, code: int
) -> None:
    slugs = ("acme",) if how.endswith("one-tenant") else ("acme", "beta", "gamma")
    for slug in slugs:
        make_tenant(root, slug)
    out = tmp_path / "out"
    first = ixm("build", "--jobs", "2", "--tenants", root, "--out", out)
    assert first.returncode == 0, first.stderr
    for slug in slugs:  # a new version, so old and new trees differ
        manifest = root / slug / "brand.yaml"
        manifest.write_text(manifest.read_text("utf-8").replace("1.2.3", "1.2.4"), "utf-8")
    proc = subprocess.Popen(
        [*IXM, "build", "--format", "json", "--jobs", jobs, "--tenants", str(root),
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    wait_for_stage(out, proc)
    if how.startswith("ctrl-c"):
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT if how == "sigint" else signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=300)
    name = "SIGTERM" if how == "sigterm" else "SIGINT"
    assert proc.returncode == code, stderr
    progress, last = stderr.splitlines(keepends=True)[:-1], stderr.splitlines(keepends=True)[-1]
    assert last == (
        f"ixm: interrupted ({name}); unfinished outputs were removed, earlier ones are as "
        "they were\n"
    )
    assert {json.loads(line)["event"] for line in progress} <= {"started", "finished"}
    document = json.loads(stdout)
    assert (document["ok"], document["exit_code"], document["interrupted"]) == (
        False, code, name)
    assert document["usage_error"] is None and document["internal_error"] is None
    assert work_folders(out) == []
    versions = {slug: consistent(out / slug) for slug in slugs}
    assert set(versions.values()) <= {"1.2.3", "1.2.4"}
    assert "1.2.3" in versions.values(), "the interrupt came too late to prove anything"


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(c) for c in text.split()]


@pytest.mark.slow
def test_a_worker_killed_from_outside_is_exit_1_not_a_bug(root: Path, tmp_path: Path) -> None:
    """The OOM killer SIGKILLs a --jobs worker: the user's machine, not ixm, is at fault."""
    for slug in ("acme", "beta", "gamma"):
        make_tenant(root, slug)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*IXM, "build", "--jobs", "2", "--tenants", str(root), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for_stage(out, proc)
    workers = children(proc.pid)
    assert workers, "no worker processes to kill"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if "error[" in line]
    assert errors == [
        "ixm: error[jobs]: a build worker process was killed from outside ixm (most often the "
        "system ran out of memory); the tenants it had not finished keep their previous output"
    ], stderr
    assert "hint: build again with a lower --jobs" in stderr
    assert work_folders(out) == []  # even the killed worker's stage
    for tree in out.iterdir():
        consistent(tree)


def wait_until_catching(pid: int, signum: int, timeout: float = 30) -> None:
    """Block until process ``pid`` has a handler for ``signum`` (Linux: SigCgt in status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("SigCgt:") and int(line.split()[1], 16) >> (signum - 1) & 1:
                    return
        time.sleep(0.001)
    pytest.fail(f"process {pid} never caught signal {signum}")


def test_an_interrupt_while_starting_is_one_line(tmp_path: Path) -> None:
    """Importing the CLI takes a while on a busy runner; an interrupt then is no traceback."""
    proc = subprocess.Popen(
        [*IXM, "schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wait_until_catching(proc.pid, signal.SIGTERM)  # then it is importing the CLI
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert stderr == "ixm: interrupted (SIGTERM) while starting; nothing was written\n"


# --- standard output -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["schema"], ["show", "acme"], ["validate", "--format", "json"]]
)
def test_stdout_on_a_full_disk_is_exit_1_with_one_line(acme: Path, command: list[str]) -> None:
    extra = ["--tenants", str(acme)] if command[0] != "schema" else []
    with Path("/dev/full").open("w") as full:
        result = subprocess.run([*IXM, *command, *extra], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "ixm: error[stdout]: writing to standard output failed: the disk is full\n"
        "  hint: send ixm's output to a file on a writable disk with free space, or to "
        "/dev/null\n"
    )


@pytest.mark.parametrize("command", [["schema"], ["show", "acme"], ["--help"]])
def test_stdout_with_no_reader_ends_quietly(acme: Path, command: list[str]) -> None:
    """``ixm schema | head -c1``: the reader left, so ixm stops like a Unix filter."""
    extra = ["--tenants", str(acme)] if command[0] == "show" else []
    read, write = os.pipe()
    os.close(read)  # the reader is gone before ixm writes: EPIPE on the first write
    try:
        result = subprocess.run([*IXM, *command, *extra], stdout=write, stderr=subprocess.PIPE,
                                text=True, timeout=120)  # fmt: skip
    finally:
        os.close(write)
    assert result.returncode == 1
    assert result.stderr == ""


def test_a_real_pipe_to_head_ends_quietly() -> None:
    done = subprocess.run(
        f"{' '.join(IXM)} schema | head -c1; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.stdout == "{"
    assert done.returncode in (0, 1)  # 0 when the schema fitted in the pipe before head left
    assert done.stderr == ""


def test_a_closed_stdout_is_exit_1_with_one_line(acme: Path) -> None:
    result = subprocess.run(
        [*IXM, "validate", "--format", "json", "--tenants", str(acme)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
        preexec_fn=lambda: os.close(1),  # noqa: PLW1509 - the fault under test
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "ixm: error[stdout]: writing to standard output failed: the stream is closed\n"
        "  hint: send ixm's output to a file on a writable disk with free space, or to "
        "/dev/null\n"
    )
