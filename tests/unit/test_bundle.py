"""Tests for staging, atomic publishing and deterministic zips (``ixm_cli.bundle``)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from ixm_cli import fsutil
from ixm_cli.bundle import (
    MARKER,
    cleanup_stale,
    digest_tree,
    discard,
    normalise_tree,
    publish,
    safe_join,
    stage_dir,
    write_json,
    write_zip,
)
from ixm_cli.errors import IxmError

REPO = Path(__file__).resolve().parents[2]

# rel path -> (text, executable); deliberately includes non-ASCII names, an empty file, names
# whose string order differs from a per-directory walk ("a-b/…" sorts before "a/…").
TREE: dict[str, tuple[str, bool]] = {
    "a/b.txt": ("bee\n", False),
    "a-b/c.txt": ("see\n", False),
    "a/z/deep.json": ('{"k": 1}\n', False),
    "bin/run.sh": ("#!/bin/sh\necho hi\n", True),
    "empty.txt": ("", False),
    "文档/说明.txt": ("云助钉\n", False),
    "big.txt": ("x" * 100_000 + "\n", False),
    "Z.txt": ("upper sorts first\n", False),
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def make_tree(root: Path, order: list[str] | None = None) -> None:
    """Write TREE under ``root`` in the given order, respecting the current umask."""
    for rel in order if order is not None else list(TREE):
        text, executable = TREE[rel]
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777 if executable else 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "dist"


# --- write_zip ---------------------------------------------------------------------------

_ZIP_IN_SUBPROCESS = r"""
import json, os, random, sys, time
from pathlib import Path
from ixm_cli.bundle import write_zip

tree, dest, order, mtime, umask, spec = sys.argv[1:7]
os.umask(int(umask, 8))
time.tzset()
spec = json.loads(spec)
names = list(spec)
if order == "rev":
    names.reverse()
elif order == "shuffle":
    random.Random(7).shuffle(names)
root = Path(tree)
for rel in names:
    text, executable = spec[rel]
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777 if executable else 0o666)
    with os.fdopen(fd, "wb") as fh:
        fh.write(text.encode("utf-8"))
    if mtime != "now":
        os.utime(path, (int(mtime), int(mtime)))
write_zip(root, Path(dest), prefix="android")
"""


def test_zip_is_byte_identical_across_umask_tz_mtime_and_order(tmp_path: Path) -> None:
    variants = [
        ("022", "UTC0", "fwd", "1000000000"),
        ("077", "CST-8", "rev", "2000000000"),
        ("002", "EST5EDT,M3.2.0,M11.1.0", "shuffle", "now"),
    ]
    blobs = []
    for i, (umask, tz, order, mtime) in enumerate(variants):
        dest = tmp_path / f"z{i}.zip"
        env = _env() | {"TZ": tz}
        subprocess.run(
            [sys.executable, "-c", _ZIP_IN_SUBPROCESS, str(tmp_path / f"t{i}"), str(dest),
             order, mtime, umask, json.dumps(TREE)],
            env=env, check=True, timeout=60,
        )  # fmt: skip
        blobs.append(dest.read_bytes())
    assert blobs[0] == blobs[1] == blobs[2]
    # and the zips came from trees that really differ in their modes
    assert stat.S_IMODE((tmp_path / "t1" / "a").stat().st_mode) == 0o700


def test_zip_ignores_mtime_changes_in_process(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_tree(src)
    write_zip(src, tmp_path / "one.zip")
    for path in src.rglob("*"):
        os.utime(path, (123456789, 987654321))
    write_zip(src, tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_zip_entries_are_sorted_fixed_and_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_tree(src, order=sorted(TREE, reverse=True))
    dest = tmp_path / "bundles" / "acme-android-1.0.0+1.zip"  # parent created on demand
    write_zip(src, dest, prefix="acme/android")

    with zipfile.ZipFile(dest) as zf:
        assert zf.testzip() is None
        assert zf.comment == b""
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(f"acme/android/{rel}" for rel in TREE)
        assert names == sorted(names)
        assert not any(n.endswith("/") for n in names)  # no directory entries
        for info in infos:
            rel = info.filename.removeprefix("acme/android/")
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.create_system == 3
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.extra == b""
            assert info.comment == b""
            want = 0o755 if TREE[rel][1] else 0o644
            assert info.external_attr >> 16 == stat.S_IFREG | want
            assert zf.read(info).decode("utf-8") == TREE[rel][0]
    assert stat.S_IMODE(dest.stat().st_mode) == 0o644
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]  # no temp file left


def test_zip_of_empty_dir_is_valid(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    write_zip(tmp_path / "src", tmp_path / "e.zip")
    with zipfile.ZipFile(tmp_path / "e.zip") as zf:
        assert zf.namelist() == []


@pytest.mark.parametrize("target", ["file", "dir", "outside"])
def test_zip_refuses_symlinks(tmp_path: Path, target: str) -> None:
    src = tmp_path / "src"
    make_tree(src)
    link = src / "a" / "link"
    if target == "file":
        link.symlink_to(src / "a" / "b.txt")
    elif target == "dir":
        link.symlink_to(src / "bin", target_is_directory=True)
    else:
        link.symlink_to("/etc/passwd")
    dest = tmp_path / "out" / "x.zip"
    with pytest.raises(IxmError, match="symlink"):
        write_zip(src, dest)
    assert not dest.exists()
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_zip_replaces_existing_dest_and_rejects_bad_prefix(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_tree(src)
    dest = tmp_path / "x.zip"
    dest.write_bytes(b"old junk")
    write_zip(src, dest)
    assert zipfile.ZipFile(io.BytesIO(dest.read_bytes())).testzip() is None
    for bad in ("../up", "/abs", "a\\b"):
        with pytest.raises(ValueError):
            write_zip(src, dest, prefix=bad)
    with pytest.raises(ValueError):
        write_zip(src, src / "inside.zip")


# --- digest_tree, write_json, normalise_tree ---------------------------------------------


def test_digest_tree_sorted_with_exclude(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_tree(root)
    (root / "build-info.json").write_text("{}\n")
    digests = digest_tree(
        root, exclude=lambda p: p == PurePosixPath("build-info.json") or p.name == "bin"
    )
    expected = sorted(rel for rel in TREE if not rel.startswith("bin/"))
    assert list(digests) == expected
    assert digests["a/b.txt"] == hashlib.sha256(b"bee\n").hexdigest()
    assert digests["empty.txt"] == hashlib.sha256(b"").hexdigest()


def test_digest_tree_refuses_symlink(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "l").symlink_to(tmp_path)
    with pytest.raises(IxmError):
        digest_tree(tmp_path / "r")


def test_write_json_is_stable(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "build-info.json"
    write_json(path, {"b": [1, 2], "a": {"名": "云助钉", "z": None}})
    expected = '{\n  "a": {\n    "z": null,\n    "名": "云助钉"\n  },\n  "b": [\n    1,\n    2\n'
    assert path.read_bytes() == (expected + "  ]\n}\n").encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    with pytest.raises(ValueError):
        write_json(path, {"x": float("nan")})
    assert json.loads(path.read_text("utf-8"))["b"] == [1, 2]  # failed write left it intact


def test_normalise_tree_ignores_umask(tmp_path: Path) -> None:
    root = tmp_path / "r"
    old = os.umask(0o077)
    try:
        make_tree(root)
    finally:
        os.umask(old)
    assert stat.S_IMODE((root / "a" / "b.txt").stat().st_mode) == 0o600
    normalise_tree(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o755
    for path in root.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o755, path
        else:
            want = 0o755 if TREE[path.relative_to(root).as_posix()][1] else 0o644
            assert mode == want, path


def test_normalise_tree_drops_empty_folders_as_the_zips_do(tmp_path: Path) -> None:
    root = tmp_path / "r"
    (root / "meta" / "en-US" / "changelogs").mkdir(parents=True)  # a conditional file's folder
    (root / "meta" / "en-US" / "title.txt").write_text("Acme")
    (root / "empty" / "deeper").mkdir(parents=True)
    normalise_tree(root)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "meta",
        "meta/en-US",
        "meta/en-US/title.txt",
    ]
    zip_path = tmp_path / "r.zip"
    write_zip(root, zip_path)
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.namelist() == ["meta/en-US/title.txt"]


# --- safe_join -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel", ["../x", "/etc/passwd", "a/../../x", "a/..", "", ".", "a\\b", "C:/x", "a/\0b"]
)
def test_safe_join_rejects(tmp_path: Path, rel: str) -> None:
    with pytest.raises(IxmError):
        safe_join(tmp_path, rel)


def test_safe_join_rejects_symlink_escape(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "evil").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(IxmError, match="symlink"):
        safe_join(base, "evil/x.txt")


def test_safe_join_accepts(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "a/b") == tmp_path / "a" / "b"
    assert safe_join(tmp_path, PurePosixPath("a/./b.txt")) == tmp_path / "a" / "b.txt"


# --- stage_dir -----------------------------------------------------------------------------


def test_stage_dir_creates_marked_stage_inside_out(out: Path) -> None:
    stage = stage_dir(out / "nested", "acme@staging")
    assert stage.parent == out / "nested"
    assert stage.name.startswith(".ixm-stage-acme@staging-")
    assert (stage / MARKER).is_file()
    assert sorted(p.name for p in stage.iterdir()) == [MARKER]
    discard(stage)
    assert list((out / "nested").iterdir()) == []


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", ".hidden", "-x", "a\\b"])
def test_stage_dir_rejects_bad_names(out: Path, name: str) -> None:
    with pytest.raises(IxmError):
        stage_dir(out, name)


def test_stage_dir_refuses_out_that_is_a_file(out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("not a dir")
    with pytest.raises(IxmError, match="not a directory"):
        stage_dir(out, "acme")
    assert out.read_text() == "not a dir"


# --- publish ---------------------------------------------------------------------------------


def _stage_with(out: Path, name: str, content: dict[str, str]) -> Path:
    stage = stage_dir(out, name)
    for rel, text in content.items():
        path = stage / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return stage


def _no_leftovers(out: Path) -> None:
    assert [p.name for p in out.iterdir() if p.name.startswith(".ixm-")] == []


def test_publish_fresh(out: Path) -> None:
    stage = _stage_with(out, "acme", {"web/index.html": "v1"})
    publish(stage, out / "acme")
    assert files_of(out / "acme")["web/index.html"] == b"v1"
    assert (out / "acme" / MARKER).is_file()
    assert not stage.exists()
    _no_leftovers(out)


@pytest.mark.parametrize("swap", ["exchange", "fallback"])
def test_publish_replaces_ixm_output(out: Path, swap: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if swap == "fallback":
        monkeypatch.setattr(fsutil, "_rename_flags", None)
    publish(_stage_with(out, "acme", {"old.txt": "v1", "web/a.js": "v1"}), out / "acme")
    publish(_stage_with(out, "acme", {"new.txt": "v2", "web/a.js": "v2"}), out / "acme")
    got = files_of(out / "acme")
    assert "old.txt" not in got
    assert got["new.txt"] == b"v2"
    assert got["web/a.js"] == b"v2"
    _no_leftovers(out)


def test_publish_refuses_dir_without_marker(out: Path) -> None:
    final = out / "acme"
    final.mkdir(parents=True)
    (final / "precious.txt").write_text("mine")
    stage = _stage_with(out, "acme", {"x": "y"})
    with pytest.raises(IxmError) as info:
        publish(stage, final)
    text = str(info.value)
    assert "refusing to replace" in text
    assert "not made by ixm (no .ixm-output marker)" in text
    assert "move it away or choose another --out" in text
    assert files_of(final) == {"precious.txt": b"mine"}
    assert not stage.exists()
    _no_leftovers(out)


@pytest.mark.parametrize("kind", ["file", "symlink-to-ixm-dir", "dangling-symlink"])
def test_publish_refuses_file_or_symlink(out: Path, tmp_path: Path, kind: str) -> None:
    final = out / "acme"
    out.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / MARKER).write_text("looks like ixm's")
    if kind == "file":
        final.write_text("a file")
    elif kind == "symlink-to-ixm-dir":
        final.symlink_to(elsewhere, target_is_directory=True)
    else:
        final.symlink_to(tmp_path / "nowhere")
    stage = _stage_with(out, "acme", {"x": "y"})
    with pytest.raises(IxmError, match="refusing to replace"):
        publish(stage, final)
    assert os.path.lexists(final)
    if kind == "file":
        assert final.read_text() == "a file"
    else:
        assert final.is_symlink()
    assert (elsewhere / MARKER).read_text() == "looks like ixm's"
    assert not stage.exists()


def test_publish_does_not_follow_symlinks_when_deleting(out: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("survives")
    stage = _stage_with(out, "acme", {"a.txt": "v1"})
    (stage / "to-dir").symlink_to(outside, target_is_directory=True)
    (stage / "sub").mkdir()
    (stage / "sub" / "to-file").symlink_to(outside / "keep.txt")
    publish(stage, out / "acme")  # publish itself does not inspect the tree
    publish(_stage_with(out, "acme", {"a.txt": "v2"}), out / "acme")
    assert (outside / "keep.txt").read_text() == "survives"
    assert files_of(out / "acme") == {MARKER: (out / "acme" / MARKER).read_bytes(), "a.txt": b"v2"}


def test_publish_requires_same_directory(out: Path, tmp_path: Path) -> None:
    stage = _stage_with(out, "acme", {})
    with pytest.raises(ValueError):
        publish(stage, tmp_path / "acme")


# --- cleanup_stale -------------------------------------------------------------------------


def test_cleanup_stale_spares_live_and_foreign_dirs(out: Path) -> None:
    live = _stage_with(out, "acme", {"a": "b"})
    foreign = out / ".ixm-stage-acme-abcdefgh"  # right name, no marker: not ours
    foreign.mkdir()
    (foreign / "data").write_text("x")
    other = out / ".ixm-stuff"
    other.mkdir()
    (other / MARKER).write_text("")
    link = out / ".ixm-stage-link-abcdefgh"
    link.symlink_to(live, target_is_directory=True)
    cleanup_stale(out)
    assert live.is_dir() and foreign.is_dir() and other.is_dir() and link.is_symlink()
    publish(live, out / "acme")
    assert files_of(out / "acme")["a"] == b"b"


def test_cleanup_stale_restores_trash_when_final_missing(out: Path) -> None:
    publish(_stage_with(out, "acme", {"a": "v1"}), out / "acme")
    trash = out / ".ixm-trash-acme-0123abcd"
    (out / "acme").rename(trash)  # a kill between the two renames of the fallback
    cleanup_stale(out)
    assert files_of(out / "acme")["a"] == b"v1"
    _no_leftovers(out)


def test_cleanup_stale_removes_trash_when_final_present(out: Path) -> None:
    publish(_stage_with(out, "acme", {"a": "v1"}), out / "acme")
    (out / "acme").rename(out / ".ixm-trash-acme-0123abcd")
    publish(_stage_with(out, "acme", {"a": "v2"}), out / "acme")
    cleanup_stale(out)
    assert files_of(out / "acme")["a"] == b"v2"
    _no_leftovers(out)


def test_cleanup_stale_finishes_interrupted_work(out: Path) -> None:
    out.mkdir(parents=True)
    empty = out / ".ixm-stage-acme-aaaaaaaa"  # killed right after mkdtemp
    empty.mkdir()
    pending = out / ".ixm-stage-acme-bbbbbbbb"  # killed before the marker was renamed
    pending.mkdir()
    (pending / ".ixm-output.tmp").write_text("")
    half = out / ".ixm-stage-acme-cccccccc"  # killed while deleting an old tree
    (half / "web").mkdir(parents=True)
    (half / MARKER).write_text("")
    busy = out / ".ixm-stage-acme-dddddddd"  # a live stage_dir holding its pending marker
    busy.mkdir()
    (busy / ".ixm-output.tmp").write_text("")
    held = fsutil.try_lock(busy / ".ixm-output.tmp")
    assert held is not None
    try:
        cleanup_stale(out)
    finally:
        fsutil.unlock(held)
    assert sorted(p.name for p in out.iterdir()) == [busy.name]


def test_stage_dir_retries_when_cleanup_wins_the_race(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ixm_cli.bundle as bundle

    calls: list[Path] = []

    def flaky_lock(path: Path) -> int | None:
        calls.append(path)
        return None if len(calls) == 1 else fsutil.try_lock(path)

    monkeypatch.setattr(bundle, "try_lock", flaky_lock)
    stage = stage_dir(out, "acme")
    assert len(calls) == 2
    assert sorted(p.name for p in out.iterdir()) == [stage.name]  # first attempt removed
    publish(stage, out / "acme")


def test_interrupted_delete_keeps_the_marker_until_last(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ixm_cli.bundle as bundle

    publish(_stage_with(out, "acme", {f"d{i}/f": "v1" for i in range(5)}), out / "acme")
    deleted: list[Path] = []

    def dying_remove(path: Path, *, within: Path) -> None:
        if len(deleted) == 2:
            raise KeyboardInterrupt  # stands in for a SIGKILL half-way through
        deleted.append(path)
        fsutil.remove_tree(path, within=within)

    monkeypatch.setattr(bundle, "remove_tree", dying_remove)
    with pytest.raises(KeyboardInterrupt):
        publish(_stage_with(out, "acme", {"new": "v2"}), out / "acme")
    monkeypatch.undo()
    (left,) = [p for p in out.iterdir() if p.name.startswith(".ixm-stage-")]
    assert (left / MARKER).is_file()  # still provably ixm's, so cleanup may finish it
    cleanup_stale(out)
    assert sorted(p.name for p in out.iterdir()) == ["acme"]
    assert files_of(out / "acme")["new"] == b"v2"


def test_cleanup_stale_missing_out_is_fine(tmp_path: Path) -> None:
    cleanup_stale(tmp_path / "nope")


# --- atomicity under SIGKILL -----------------------------------------------------------------

N_FILES = 2000

_PUBLISH_LOOP = r"""
import sys
from pathlib import Path
from ixm_cli import fsutil
from ixm_cli.bundle import publish, stage_dir

out, gen, n, swap = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if swap == "fallback":
    fsutil._rename_flags = None
while True:
    print("start", gen, flush=True)
    stage = stage_dir(out, "t")
    for i in range(n):
        d = stage / f"d{i % 16:02d}"
        d.mkdir(exist_ok=True)
        (d / f"f{i:05d}.txt").write_text(f"gen {gen}\n")
    print("publish", gen, flush=True)
    publish(stage, out / "t")
    print("done", gen, flush=True)
    gen += 1
"""

# (phase the publisher announces, seconds to wait after the announcement before SIGKILL):
# during stage creation, while writing files, and inside publish (swap, then deleting the
# previous tree) — the last group is where a non-atomic publish would show.
KILL_PLAN = [
    ("start", 0.0),
    ("start", 0.001),
    ("start", 0.05),
    ("publish", 0.0),
    ("publish", 0.001),
    ("publish", 0.003),
    ("publish", 0.01),
    ("publish", 0.02),
    ("publish", 0.035),
    ("publish", 0.05),
    ("done", 0.0),
]


def _generation(final: Path) -> int:
    """The one generation every file of ``final`` holds; fails if the tree is mixed/partial."""
    assert final.is_dir() and (final / MARKER).is_file()
    contents = {p.read_text() for p in final.rglob("*.txt") if p.is_file()}
    count = sum(1 for p in final.rglob("*.txt"))
    assert count == N_FILES, f"incomplete tree: {count} files"
    assert len(contents) == 1, f"mixed generations: {sorted(contents)[:3]}"
    return int(contents.pop().split()[1])


def _kill_at(proc: subprocess.Popen[str], phase: str, delay: float) -> None:
    """Wait for the first publish, then for ``phase`` of the next round; SIGKILL after delay."""
    assert proc.stdout is not None
    lines = iter(proc.stdout.readline, "")
    for line in lines:
        if line.startswith("done"):
            break
    else:
        pytest.fail("publisher died before its first publish")
    for line in lines:
        if line.startswith(phase):
            break
    else:
        pytest.fail(f"publisher died before {phase!r}")
    time.sleep(delay)


@pytest.mark.parametrize("swap", ["exchange", "fallback"])
def test_publish_is_atomic_under_sigkill(out: Path, swap: str) -> None:
    if swap == "exchange" and fsutil._rename_flags is None:  # glibc >= 2.28, macOS 10.12
        pytest.fail("renameat2/renamex_np is missing: the atomic swap is not being tested")
    final = out / "t"
    leftovers_seen = 0
    last = -1
    # The fallback's guarantee rests on cleanup_stale; half the kill points cover it.
    plan = KILL_PLAN if swap == "exchange" else KILL_PLAN[::2]
    for k, (phase, delay) in enumerate(plan):
        base = (k + 1) * 1_000_000
        proc = subprocess.Popen(
            [sys.executable, "-c", _PUBLISH_LOOP, str(out), str(base), str(N_FILES), swap],
            env=_env(), stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            _kill_at(proc, phase, delay)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            if proc.stdout is not None:
                proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        leftovers_seen += any(p.name.startswith(".ixm-") for p in out.iterdir())
        if swap == "fallback":
            # Two renames: a kill between them leaves only the trash; cleanup restores it.
            cleanup_stale(out)
        gen = _generation(final)  # with RENAME_EXCHANGE: always complete, before any cleanup
        assert gen >= base and gen > last, (phase, delay)
        last = gen
        cleanup_stale(out)  # whatever the kill interrupted, nothing is left behind
        assert sorted(p.name for p in out.iterdir()) == ["t"], (phase, delay)
        assert _generation(final) == gen
    assert leftovers_seen > 0, "no kill landed mid-build; the test proved nothing"
