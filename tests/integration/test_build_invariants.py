"""DESIGN's build invariants, proven end to end through the real ``ixm build`` command.

Every build here runs the installed ``ixm`` console script as a subprocess, so what is
proven is what a partner or a CI runner gets: the real process, its exit code, its stderr
and the files it leaves.

* **Deterministic**: every example tenant (plus ``yunzhuding --env staging``) built twice
  from two copies of ``tenants/`` in different places with different mtimes, into different
  output folders, from different working directories, with different ``TZ``, umask,
  ``--jobs``, ``PYTHONHASHSEED`` and locale, at least a second apart -> the same file list,
  byte-identical files (zips included) and identical modes.
* **Atomic**: a rebuild SIGKILLed while rendering, while its Pillow helper process works on
  the images, and while writing zips leaves the previous ``dist/<tenant>/`` byte for byte as
  it was; the killed build's helpers die with it; the next build succeeds and leaves no
  ``.ixm-stage-*`` / ``.ixm-trash-*`` behind. The kill points are not fixed delays (which
  land in different phases on different machines) but what the polled ``.ixm-stage-*``
  holds at the time (see PHASES). Likewise for a ``--jobs 2`` build of two tenants.
* **Contained**: a same-named folder not made by ixm is never replaced; an ``--out`` that is
  a file is refused; a build writes nothing outside ``--out`` (not in the tenants folder,
  the working directory, ``HOME`` or ``TMPDIR``); links in ``overrides/`` are refused.
* **Overrides**: ``overrides/<android|ios|web|metadata>/`` are laid over the rendered tree,
  the parent's first, then the child's; generated images win; ``metadata/ios`` overrides
  only with ios; every override used is an input in ``build-info.json``.
* **Bounded / helpful**: a broken icon (truncated, not square, too small, a decompression
  bomb, a text file) is refused with exit 1, no traceback, a compiler-style
  ``brand.yaml:<line>:<col>`` message with a hint, and nothing written.

Linux-specific where noted: the kill tests read ``/proc`` to find the build's processes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import random
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import EXAMPLES, copy_tenant, example_slugs
from PIL import Image

from ixm_cli.index import INDEX

IXM = Path(sys.executable).with_name("ixm")  # the console script of this venv
POLL = 0.002  # seconds between looks at a running build
PATIENCE = 120.0  # generous upper bound for anything we wait for (never asserted on)
HELPER_PATIENCE = 30.0  # for a killed build's helpers to be gone

STAGE_PREFIX = ".ixm-stage-"
TRASH_PREFIX = ".ixm-trash-"


# --- running ixm ------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IXM_", "PYTHONHASHSEED"))}
    env.update(extra)
    return env


def _umask(mask: int) -> Callable[[], None]:
    def set_mask() -> None:
        os.umask(mask)

    return set_mask


def ixm(
    *args: str | Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    umask: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``ixm ARGS`` as its own process and wait for it (output captured as text)."""
    assert IXM.is_file(), f"console script {IXM} is missing: is the venv installed (-e .)?"
    return subprocess.run(
        [str(IXM), *map(str, args)],
        cwd=cwd,
        env=dict(env) if env is not None else _env(),
        preexec_fn=_umask(umask) if umask is not None else None,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    return result


# --- looking at trees -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    kind: str  # "dir", "file", "link"
    mode: int
    data: bytes | str | None  # file bytes, link target, None for a directory


def tree(root: Path) -> dict[str, Entry]:
    """Every entry under ``root`` (not ``root`` itself), without following links; not the
    stat index, which records this machine's inodes and times by design."""
    found: dict[str, Entry] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            rel = path.relative_to(root).as_posix()
            if rel == INDEX:
                continue
            if stat.S_ISLNK(st.st_mode):
                found[rel] = Entry("link", 0, str(path.readlink()))
            elif stat.S_ISDIR(st.st_mode):
                found[rel] = Entry("dir", stat.S_IMODE(st.st_mode), None)
            else:
                found[rel] = Entry("file", stat.S_IMODE(st.st_mode), path.read_bytes())
    return dict(sorted(found.items()))


def first_difference(a: Mapping[str, Entry], b: Mapping[str, Entry]) -> str | None:
    """A readable account of the first difference between two trees, or None."""
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    if only_a or only_b:
        return f"file lists differ: only in first {only_a[:5]}, only in second {only_b[:5]}"
    for rel in a:
        x, y = a[rel], b[rel]
        if x.kind != y.kind:
            return f"{rel}: {x.kind} vs {y.kind}"
        if x.mode != y.mode:
            return f"{rel}: mode {oct(x.mode)} vs {oct(y.mode)}"
        if x.data != y.data:
            detail = ""
            if rel.endswith(".zip") and isinstance(x.data, bytes) and isinstance(y.data, bytes):
                detail = f" ({_zip_difference(x.data, y.data)})"
            return f"{rel}: contents differ{detail}"
    return None


def _zip_difference(a: bytes, b: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
        ia = {i.filename: i for i in za.infolist()}
        ib = {i.filename: i for i in zb.infolist()}
        if list(ia) != list(ib):
            return f"entries differ: {sorted(set(ia) ^ set(ib))[:5] or 'order'}"
        for name in ia:
            x, y = ia[name], ib[name]
            if (x.CRC, x.date_time, x.external_attr) != (y.CRC, y.date_time, y.external_attr):
                return f"first differing entry {name}"
        return "same entries and CRCs: the archive framing differs"


def work_dirs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((STAGE_PREFIX, TRASH_PREFIX)))


def copy_examples(dest: Path) -> Path:
    """A private copy of the example ``tenants/`` (so tests may touch and edit it)."""
    shutil.copytree(EXAMPLES, dest, symlinks=True)
    return dest


def set_mtimes(root: Path, when: float) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when), follow_symlinks=False)


# --- determinism ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    """What differs between two builders that must still agree on every byte."""

    tz: str
    umask: int
    jobs: int
    hash_seed: int
    locale: str
    mtime: float  # of every input file and folder


def test_builds_are_byte_identical_whatever_the_machine_and_the_time(tmp_path: Path) -> None:
    """Two builds that share nothing but their inputs' bytes produce identical trees.

    The runs differ in: where the tenants live, their mtimes (2001 vs now), --out, the
    working directory, TZ (UTC vs UTC+14, so even the date differs), umask, --jobs (1: one
    process; 2: a process per tenant, and Pillow helpers for the single-tenant staging
    build), PYTHONHASHSEED (set iteration order) and the locale; and the wall clock, which
    moves on by at least a second between the two.
    """
    runs = [
        Machine(tz="UTC", umask=0o022, jobs=1, hash_seed=1, locale="C.UTF-8",
                mtime=981173106.0),  # 2001-02-03
        Machine(tz="Pacific/Kiritimati", umask=0o077, jobs=2, hash_seed=4242, locale="C",
                mtime=time.time()),
    ]
    outs: list[Path] = []
    started: list[float] = []
    for i, run in enumerate(runs):
        side = tmp_path / f"machine{i}"
        tenants = copy_examples(side / "inputs" / "tenants")
        set_mtimes(tenants, run.mtime)
        cwd = side / "cwd" / "deeper" if i else side
        cwd.mkdir(parents=True, exist_ok=True)
        out = side / f"out-{i}"
        if started and time.monotonic() - started[-1] < 1.1:
            time.sleep(1.1 - (time.monotonic() - started[-1]))  # not "the same second"
        started.append(time.monotonic())
        env = _env(TZ=run.tz, PYTHONHASHSEED=str(run.hash_seed), LC_ALL=run.locale)
        common = ["--tenants", tenants, "--out", out, "--jobs", str(run.jobs)]
        ok(ixm("build", "--all", *common, cwd=cwd, env=env, umask=run.umask))
        ok(ixm("build", "yunzhuding", "--env", "staging", *common, cwd=cwd, env=env,
               umask=run.umask))
        outs.append(out)

    first, second = tree(outs[0]), tree(outs[1])
    expected = {*example_slugs(), "yunzhuding@staging"}
    assert {rel for rel in first if "/" not in rel} == expected
    assert len(first) > 100 * len(expected)  # really the full trees, not two empty folders
    assert sum(rel.endswith(".zip") for rel in first) == 3 * len(expected)
    difference = first_difference(first, second)
    assert difference is None, f"builds differ: {difference}"


# --- atomicity --------------------------------------------------------------------------------


def _proc_stat(pid: str) -> tuple[str, int, int] | None:
    """(state, ppid, pgrp) of a process from /proc, or None when it is gone."""
    try:
        text = Path("/proc", pid, "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def _processes() -> Iterator[tuple[int, str, int, int]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _proc_stat(entry.name)) is not None:
            yield int(entry.name), *found


def _children(pid: int) -> list[int]:
    return [p for p, state, ppid, _ in _processes() if ppid == pid and state != "Z"]


def _live_group(pgid: int) -> list[int]:
    """Processes of the group that still run (a zombie has finished; init reaps it)."""
    return [p for p, state, _, pgrp in _processes() if pgrp == pgid and state != "Z"]


def _wait_for(what: str, check: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not check():
        if proc.poll() is not None:
            pytest.fail(f"the build finished (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(POLL)


def _stage(out: Path) -> Path | None:
    stages = [p for p in out.glob(f"{STAGE_PREFIX}*") if p.is_dir()]
    return stages[0] if stages else None


def _stage_has(out: Path, rel: str) -> Callable[[], bool]:
    def check() -> bool:
        stage = _stage(out)
        return stage is not None and (stage / rel).exists()

    return check


@dataclass(frozen=True)
class Phase:
    name: str
    # (out, pid of the build) -> "kill now?"; checked every POLL seconds
    ready: Callable[[Path, int], bool]
    staged: bool  # whether the build had begun writing its stage when killed


PHASES = [
    # With --jobs 2 the Pillow work is shared with a forked helper process: while it lives,
    # images are being made, in memory: nothing is on disk yet.
    Phase("images", lambda out, pid: _stage(out) is None and bool(_children(pid)), False),
    # The stage is being written (tree order: android/ first; the 32 MB incompressible
    # override in web/ and its copy in the web bundle come later and take a while).
    Phase("writing", lambda out, pid: _stage_has(out, "android")(), True),
]


def _kill_mid_build(args: list[str | Path], cwd: Path, ready: Callable[[int], bool],
                    what: str) -> None:
    """Start ``ixm ARGS``, SIGKILL its main process once ``ready(pid)``, then wait (with
    patience) for its helpers to die with it; whatever is left of it is ended at the end.

    Only the main process is killed (as a CI timeout or the OOM killer does), not its group:
    a forked helper must end by itself, or it would sit forever on the build's pipes and
    lock. It gets no pipes here for that reason, and its own process group so that the
    test can find it (and end it if the invariant is broken).
    """
    proc = subprocess.Popen(
        [str(IXM), *map(str, args)],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(what, functools.partial(ready, proc.pid), proc)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=PATIENCE) == -signal.SIGKILL, what
        deadline = time.monotonic() + HELPER_PATIENCE
        while (left := _live_group(proc.pid)) and time.monotonic() < deadline:
            time.sleep(POLL)  # the kernel delivers the helpers' death signal
        assert not left, f"{what}: helper processes {left} outlived the killed build"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group of the process we started


def test_a_killed_build_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    """SIGKILL a rebuild in each phase (see PHASES); the old dist/<tenant>/ survives byte
    for byte, the build's Pillow helper dies with it, and the next build cleans up.

    The rebuild has a new build number, so a kill that let any of its files through would
    show. A helper that kept the stage's lock would keep the next build from removing the
    stage, which the last assertions would catch.
    """
    tenants = tmp_path / "tenants"
    tenant = copy_tenant(EXAMPLES / "lanlingding", tenants)
    big = tenant / "overrides" / "web" / "media" / "noise.bin"
    big.parent.mkdir(parents=True)
    big.write_bytes(random.Random(7).randbytes(32 << 20))
    out = tmp_path / "out"
    build = ["build", "lanlingding", "--tenants", tenants, "--out", out, "--jobs", "2"]
    ok(ixm(*build, cwd=tmp_path))
    before = tree(out / "lanlingding")
    manifest = tenant / "brand.yaml"
    text = manifest.read_text("utf-8")
    assert "build: 521" in text
    manifest.write_text(text.replace("build: 521", "build: 522"), "utf-8")

    for phase in PHASES:
        _kill_mid_build(build, tmp_path, functools.partial(phase.ready, out), phase.name)
        assert bool(work_dirs(out)) is phase.staged, f"{phase.name}: {work_dirs(out)}"
        difference = first_difference(before, tree(out / "lanlingding"))
        assert difference is None, f"killed while {phase.name}, dist changed: {difference}"

    ok(ixm(*build, cwd=tmp_path))
    assert work_dirs(out) == []  # every stale stage of the killed builds is gone
    assert sorted(p.name for p in out.iterdir() if p.name != INDEX) == ["lanlingding"]
    bundles = sorted(p.name for p in (out / "lanlingding" / "bundles").iterdir())
    assert bundles == [f"lanlingding-{p}-5.2.1+522.zip" for p in ("android", "ios", "web")]


def test_a_killed_parallel_build_takes_its_workers_with_it(tmp_path: Path) -> None:
    """``--jobs 2`` over two tenants builds each in a worker process. Killed while both
    build, the workers must stop too: left alone they would go on to publish their tenants
    after the build was killed, then wait forever for more work."""
    tenants = tmp_path / "tenants"
    for slug in ("lanlingding", "xiwangding"):
        copy_tenant(EXAMPLES / slug, tenants)
    out = tmp_path / "out"
    build = ["build", "lanlingding", "xiwangding", "--tenants", tenants, "--out", out,
             "--jobs", "2"]

    def both_building(pid: int) -> bool:
        return len(_children(pid)) == 2

    _kill_mid_build(build, tmp_path, both_building, "both workers building")
    # Neither worker got as far as publishing (they render in memory first).
    assert not out.exists() or sorted(p.name for p in out.iterdir()
                                      if not p.name.startswith(".")) == []
    ok(ixm(*build, cwd=tmp_path))
    assert work_dirs(out) == []
    assert sorted(p.name for p in out.iterdir() if p.name != INDEX) == ["lanlingding", "xiwangding"]


# --- containment ------------------------------------------------------------------------------


@pytest.fixture
def one_tenant(tmp_path: Path) -> Path:
    """A project folder holding ./tenants/lanlingding (no parent), as a partner has it."""
    copy_tenant(EXAMPLES / "lanlingding", tmp_path / "tenants")
    return tmp_path


def test_a_folder_not_made_by_ixm_is_never_replaced(one_tenant: Path) -> None:
    out = one_tenant / "out"
    foreign = out / "lanlingding"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine, not ixm's\n")
    (foreign / "android").mkdir()
    before = tree(out)
    result = ixm("build", "lanlingding", "--platform", "web", "--out", out, cwd=one_tenant)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "error[out]: refusing to replace out/lanlingding: not made by ixm "
        "(no .ixm-output marker)\n  hint: move it away or choose another --out"
    ) in result.stderr
    assert tree(out) == before  # untouched, and no stage left next to it


def test_an_out_that_is_a_file_is_refused(one_tenant: Path) -> None:
    out = one_tenant / "out"
    out.write_text("a file\n")
    result = ixm("build", "lanlingding", "--platform", "web", "--out", out, cwd=one_tenant)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "output directory out exists and is not a directory" in result.stderr
    assert out.read_text() == "a file\n"


def test_nothing_is_written_outside_out(tmp_path: Path) -> None:
    """Snapshot everything a build could touch (tenants, cwd, HOME, TMPDIR, --out's parent)
    including mtimes; after a full build (Pillow helpers included) only --out is new."""
    copy_tenant(EXAMPLES / "yunzhuding", tmp_path / "tenants")  # + its parent _greentown
    for name in ("home", "tmp", "cwd", "outputs"):
        (tmp_path / name).mkdir()
    out = tmp_path / "outputs" / "out"

    def snapshot() -> dict[str, tuple[Entry, int]]:
        return {
            rel: (entry, (tmp_path / rel).lstat().st_mtime_ns)
            for rel, entry in tree(tmp_path).items()
            if rel != "outputs" and not rel.startswith("outputs/out")
        }

    before = snapshot()
    env = _env(HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path / "tmp"))
    ok(ixm("build", "yunzhuding", "--tenants", "../tenants", "--out", out, "--jobs", "2",
           cwd=tmp_path / "cwd", env=env))
    assert snapshot() == before
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir() if p.name != INDEX) == ["yunzhuding"]


@pytest.mark.parametrize("link", ["a file inside", "the overrides/web folder"])
def test_a_symlink_in_overrides_is_refused(one_tenant: Path, link: str) -> None:
    outside = one_tenant / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the tenant's\n")
    web = one_tenant / "tenants" / "lanlingding" / "overrides" / "web"
    if link == "a file inside":
        (web / "docs").mkdir(parents=True)
        (web / "docs" / "secret.txt").symlink_to(outside / "secret.txt")
        shown = "tenants/lanlingding/overrides/web/docs/secret.txt"
    else:
        web.parent.mkdir()
        web.symlink_to(outside, target_is_directory=True)
        shown = "tenants/lanlingding/overrides/web"
    name = shown.rsplit("/", 1)[1]
    for args in (("validate",), ("build", "--out", "out")):  # validate refuses what build would
        result = ixm(*args, "lanlingding", cwd=one_tenant)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert (
            f"{shown}: error[overrides]: {name!r} is a symbolic link\n  hint: replace it"
            in result.stderr
        )
    assert not (one_tenant / "out").exists()  # refused before anything was written


# --- overrides --------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_overrides_are_laid_over_the_tree_parent_first_images_last(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants"
    child = copy_tenant(EXAMPLES / "yunzhuding", tenants) / "overrides"
    parent = tenants / "_greentown" / "overrides"
    files = {
        parent / "web/robots.txt": "parent\n",  # the child's wins
        parent / "web/shared.txt": "from the partner\n",  # nobody else has it: kept
        child / "web/robots.txt": "child\n",
        child / "web/index.html": "<!doctype html><title>custom</title>\n",  # over a render
        child / "android/app/proguard-rules.pro": "# the customer's rules\n",  # over the base
        child / "metadata/android/en-US/title.txt": "YunZhu (custom)\n",
        child / "metadata/ios/en-US/name.txt": "YunZhu (custom)\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    def inputs(dist: Path) -> dict[str, str]:
        info = json.loads((dist / "build-info.json").read_text("utf-8"))
        return {k: v for k, v in info["inputs"].items() if "/overrides/" in k}

    def listed(*paths: Path) -> dict[str, str]:
        return {p.relative_to(tenants).as_posix(): _sha(p) for p in paths}

    # Android only: no ios tree, so no metadata/ios either, even though an override exists.
    ok(ixm("build", "yunzhuding", "--platform", "android", "--tenants", tenants,
           "--out", tmp_path / "a", cwd=tmp_path))
    dist = tmp_path / "a" / "yunzhuding"
    assert sorted(p.name for p in (dist / "metadata").iterdir()) == ["android"]
    assert not (dist / "web").exists()
    assert (dist / "android/app/proguard-rules.pro").read_text() == "# the customer's rules\n"
    assert (dist / "metadata/android/en-US/title.txt").read_text() == "YunZhu (custom)\n"
    assert inputs(dist) == listed(
        child / "android/app/proguard-rules.pro", child / "metadata/android/en-US/title.txt"
    )

    ok(ixm("build", "yunzhuding", "--tenants", tenants, "--out", tmp_path / "b", cwd=tmp_path))
    dist = tmp_path / "b" / "yunzhuding"
    assert (dist / "web/robots.txt").read_text() == "child\n"
    assert (dist / "web/shared.txt").read_text() == "from the partner\n"
    assert (dist / "web/index.html").read_text() == "<!doctype html><title>custom</title>\n"
    assert (dist / "metadata/ios/en-US/name.txt").read_text() == "YunZhu (custom)\n"
    assert inputs(dist) == listed(*files)  # every override, the parent's and the child's
    with zipfile.ZipFile(dist / "bundles" / "yunzhuding-ios-2.3.0+230.zip") as zf:
        assert zf.read("metadata/ios/en-US/name.txt") == b"YunZhu (custom)\n"


def test_an_override_of_a_generated_image_is_a_user_error(one_tenant: Path) -> None:
    """Images are made from the brand's sources: an override of one would be silently lost,
    so it is refused, naming the override and the image."""
    icon = one_tenant / "tenants/lanlingding/overrides/web/icons/icon-192.png"
    icon.parent.mkdir(parents=True)
    icon.write_bytes(b"not an icon\n")
    result = ixm("build", "lanlingding", "--platform", "web", "--out", "out", cwd=one_tenant)
    assert result.returncode == 1, result.stderr
    assert (
        "tenants/lanlingding/overrides/web/icons/icon-192.png: error[overrides]: "
        "tenants/lanlingding/overrides/web/icons/icon-192.png would be replaced by the "
        "generated image web/icons/icon-192.png"
    ) in result.stderr
    assert "hint: remove the override" in result.stderr
    assert not (one_tenant / "out").exists()


def test_an_override_of_the_wrong_shape_is_a_user_error(one_tenant: Path) -> None:
    """A folder where the build writes a file is the tenant's mistake: exit 1, not a crash."""
    clash = one_tenant / "tenants/lanlingding/overrides/web/icons/icon-192.png/readme.txt"
    clash.parent.mkdir(parents=True)
    clash.write_text("a folder where an icon goes\n")
    result = ixm("build", "lanlingding", "--platform", "web", "--out", "out", cwd=one_tenant)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "error[overrides]: tenants/lanlingding/overrides/web/icons/icon-192.png/readme.txt "
        "is in the way of the generated image web/icons/icon-192.png"
    ) in result.stderr
    assert not (one_tenant / "out").exists()  # refused in memory: nothing was written


# --- bad images -------------------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (179, 38, 30, 255)).save(buf, format="PNG")
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb(side: int = 30000) -> bytes:
    """A complete, valid 1-bit PNG of side×side black pixels: ~110 KB on disk, 900 million
    pixels decoded. Written row by row so making it never holds the image in memory."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def _truncated() -> bytes:
    good = (EXAMPLES / "lanlingding" / "assets" / "icon.png").read_bytes()
    return good[: len(good) // 2]


BAD_ICONS: dict[str, tuple[Callable[[], bytes], str]] = {
    # case: (the file's bytes, what the message must say)
    "truncated": (_truncated, "truncated"),
    "not square": (lambda: _png(1024, 768), "it must be square"),
    "512 px": (lambda: _png(512, 512), "at least 1024×1024 is needed"),
    "decompression bomb": (_bomb, "900,000,000 pixels"),
    "text file": (lambda: b"this is not an image\n", "not a PNG"),
}


def _icon_position(manifest: Path) -> tuple[int, int]:
    """1-based line and column of the value of ``assets.icon`` in the manifest."""
    for number, line in enumerate(manifest.read_text("utf-8").splitlines(), 1):
        if line.strip().startswith("icon:"):
            return number, line.index("assets/icon.png") + 1
    raise AssertionError(f"no icon: line in {manifest}")


@pytest.mark.parametrize("case", list(BAD_ICONS))
def test_a_bad_icon_is_refused_before_anything_is_written(one_tenant: Path, case: str) -> None:
    make, says = BAD_ICONS[case]
    (one_tenant / "tenants/lanlingding/assets/icon.png").write_bytes(make())
    line, col = _icon_position(one_tenant / "tenants/lanlingding/brand.yaml")
    result = ixm("build", "lanlingding", "--out", "out", cwd=one_tenant)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    where = f"tenants/lanlingding/brand.yaml:{line}:{col}: error[assets.icon]: "
    messages = [m for m in result.stderr.split("\n") if m.startswith(where)]
    assert any(says in m for m in messages), result.stderr
    assert "\n  hint: " in result.stderr  # and how to fix it
    assert not (one_tenant / "out").exists()


def test_a_bad_icon_leaves_an_earlier_output_unchanged(one_tenant: Path) -> None:
    ok(ixm("build", "lanlingding", "--platform", "web", "--out", "out", cwd=one_tenant))
    before = tree(one_tenant / "out")
    (one_tenant / "tenants/lanlingding/assets/icon.png").write_bytes(_truncated())
    result = ixm("build", "lanlingding", "--platform", "web", "--out", "out", cwd=one_tenant)
    assert result.returncode == 1, result.stderr
    assert "error[assets.icon]" in result.stderr
    assert tree(one_tenant / "out") == before


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("web/icons/icon-192.png",
         "would be replaced by the generated image web/icons/icon-192.png"),
        ("web/icons/icon-192.png/readme.txt",
         "is in the way of the generated image web/icons/icon-192.png"),
    ],
    ids=["override-of-an-image", "folder-where-an-image-goes"],
)
def test_validate_refuses_what_the_build_refuses_about_images(
    one_tenant: Path, rel: str, message: str
) -> None:
    """validate plans the images (no pixels) and lays the overrides over them as the build
    does, so it refuses the same overrides, for every platform a build may pick."""
    path = one_tenant / "tenants/lanlingding/overrides" / rel
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an icon\n")
    for args in (("validate", "lanlingding"),
                 ("build", "lanlingding", "--platform", "web", "--out", "out")):
        result = ixm(*args, cwd=one_tenant)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
