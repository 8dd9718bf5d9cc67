"""Override trees: `ixm validate` refuses exactly what `ixm build` would, and modes survive.

What is proven, with real files under ``tenants/<slug>/overrides/`` and the real ``ixm``
console script (or ``api.build`` into ``tmp_path`` for the generated trees):

* each name or size the output cannot carry — a backslash, a name that is not UTF-8, a
  control character, a leading drive letter, a path over 1024 bytes, a file over 64 MiB
  (a sparse file: no disk is spent) — is refused by validate AND build with exit 1, one
  located ``error[overrides]`` line and a hint, no traceback; build writes nothing and the
  previous output stays byte for byte;
* a file name holding a line break cannot forge a second compiler-style line;
* an owner-executable override (``gradlew``) ships 0755 in the tree and in the zip, every
  other file 0644, whatever group/other bits the source had;
* a 64 MiB override (the limit) is accepted and copied whole (slow);
* over generated override trees (names hostile and plain, files, links, FIFOs, empty
  folders, sparse giants), validate's verdict equals build's, and an accepted tree is
  published file for file with the right bytes and modes (hypothesis; slow).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import EXAMPLES, copy_tenant
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from ixm_cli import api, overrides
from ixm_cli.errors import IxmError
from ixm_cli.index import INDEX
from ixm_cli.targets import Registry

IXM = Path(sys.executable).parent / "ixm"
SLUG = "lanlingding"  # a tenant with a parent (_lanling) and no overrides of its own


def ixm(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(IXM), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300,
        check=False,
    )


def digest(root: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``root``: (mode, sha256), to prove an output was not touched."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(root).as_posix()] = (stat.S_IMODE(path.stat().st_mode), data)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace (cwd) with the tenant copied and built once for the web."""
    work = tmp_path_factory.mktemp("overrides")
    copy_tenant(EXAMPLES / SLUG, work / "tenants")
    result = ixm("build", SLUG, "--platform", "web", "--out", "out", cwd=work)
    assert result.returncode == 0, result.stderr
    return work


def _make(web: Path, name: bytes | str, size: int = 12) -> Path:
    """Create ``web/<name>`` (a str may hold '/' for folders; bytes are one raw name, as
    Linux stores it), ``size`` bytes long: sparse beyond 16 bytes, so size costs no disk."""
    path = web / (os.fsdecode(name) if isinstance(name, bytes) else name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * min(size, 16))
    os.truncate(path, size)
    return path


LONG = "/".join(["d" * 202] * 5) + "/ov.txt"  # web/ + this: 1025 bytes
REFUSED = [
    ("backslash", "ov\\x.txt", 12, "holds a backslash, which Windows and zip tools read as"),
    ("not UTF-8", b"ov-\xff.txt", 12, "is not valid UTF-8"),
    ("line break", "ov\nerror.txt", 12, "holds control characters (U+000A)"),
    ("drive letter", "c:notes.txt", 12, "starts like a Windows drive (c:)"),
    ("path too long", LONG, 12, "its path in the output is 1025 bytes long; at most 1024"),
    ("too big", "ov-big.bin", overrides.MAX_FILE_BYTES + 1,
     "the file is 67,108,865 bytes; an override file may be at most 64 MiB"),
]


@pytest.mark.parametrize(
    ("name", "size", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_validate_and_build_refuse_the_same_override(
    built: Path, name: str | bytes, size: int, message: str
) -> None:
    web = built / "tenants" / SLUG / "overrides" / "web"
    before = digest(built / "out")
    planted = _make(web, name, size)
    try:
        for args in (("validate", SLUG), ("build", SLUG, "--platform", "web", "--out", "out")):
            result = ixm(*args, cwd=built)
            assert result.returncode == 1, result.stderr
            assert "Traceback" not in result.stderr
            lines = [line for line in result.stderr.splitlines() if "error[overrides]" in line]
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith("tenants/lanlingding/overrides/web/"), lines[0]
            assert message in lines[0].split(": error[overrides]: ", 1)[1]
            # the one diagnostic is one line and a hint: no forged line, even from a name
            # holding a line break
            rest = result.stderr.split(lines[0] + "\n", 1)[1].splitlines()
            assert rest[0].startswith("  hint: "), result.stderr
        # the JSON document too: one located diagnostic, even for a name that is not UTF-8
        document = ixm("validate", SLUG, "--format", "json", cwd=built)
        assert document.returncode == 1, document.stderr
        found = [d for r in json.loads(document.stdout)["results"] for d in r["diagnostics"]
                 if d["field"] == "overrides"]
        assert len(found) == 1 and message in found[0]["message"], found
        assert found[0]["file"].startswith("tenants/lanlingding/overrides/web/")
        assert digest(built / "out") == before
        left = sorted(p.name for p in (built / "out").iterdir() if p.name != INDEX)
        assert left == [SLUG]  # no stage left
    finally:
        if planted.is_file():
            planted.unlink()
        for folder in sorted(web.rglob("*"), reverse=True):
            folder.rmdir()


def test_a_name_over_255_bytes_is_refused() -> None:
    """No Linux file system stores such a name, but NTFS (255 UTF-16 units) does: 100 CJK
    characters are 300 UTF-8 bytes, which a zip unpacked on Linux cannot create."""
    from pathlib import PurePosixPath

    problem = overrides._name_problem(PurePosixPath("ov/" + "字" * 100), "web")
    assert problem == ("a name is 300 bytes long; at most 255 are allowed", "shorten it")
    assert overrides._name_problem(PurePosixPath("ov/" + "字" * 85), "web") is None


def test_modes_survive_into_the_tree_and_the_zip(tmp_path: Path) -> None:
    tenant = copy_tenant(EXAMPLES / SLUG, tmp_path / "tenants")
    android = tenant / "overrides" / "android"
    modes = {"gradlew": 0o755, "tools/run.sh": 0o700, "notes.txt": 0o666, "odd.txt": 0o611}
    for rel, mode in modes.items():
        path = android / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{rel}\n")
        path.chmod(mode)
    folders = Registry.installed().override_folders()
    (layer,) = overrides.collect([tenant / "brand.yaml"], frozenset({"android"}), folders)
    assert {f.rel.as_posix(): f.mode for f in layer.files} == {
        "gradlew": 0o755, "tools/run.sh": 0o755, "notes.txt": 0o644, "odd.txt": 0o644
    }
    result = ixm("build", SLUG, "--platform", "android", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dist = tmp_path / "out" / SLUG
    expected = {"gradlew": 0o755, "tools/run.sh": 0o755, "notes.txt": 0o644, "odd.txt": 0o644}
    for rel, mode in expected.items():
        shipped = dist / "android" / rel
        assert shipped.read_text() == f"{rel}\n"
        assert stat.S_IMODE(shipped.stat().st_mode) == mode, rel
    (bundle,) = (dist / "bundles").glob("*-android-*.zip")
    with zipfile.ZipFile(bundle) as zf:
        for rel, mode in expected.items():
            info = zf.getinfo(f"android/{rel}")
            assert info.external_attr >> 16 == stat.S_IFREG | mode, rel


def test_making_an_override_executable_makes_the_output_stale(tmp_path: Path) -> None:
    """An up-to-date tenant is skipped; a chmod +x alone changes what is published, so it
    must count as a change (the mode is part of the build key)."""
    tenant = copy_tenant(EXAMPLES / SLUG, tmp_path / "tenants")
    script = tenant / "overrides" / "web" / "ov-run.sh"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o644)
    args = ("build", SLUG, "--platform", "web", "--out", "out")
    assert ixm(*args, cwd=tmp_path).returncode == 0
    shipped = tmp_path / "out" / SLUG / "web" / "ov-run.sh"
    assert stat.S_IMODE(shipped.stat().st_mode) == 0o644
    script.chmod(0o755)
    stale = ixm("build", SLUG, "--platform", "web", "--out", "out", "--check", cwd=tmp_path)
    assert stale.returncode == 1, stale.stderr
    result = ixm(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shipped.stat().st_mode) == 0o755


@pytest.mark.slow
def test_an_override_at_the_size_limit_is_copied_whole(built: Path) -> None:
    web = built / "tenants" / SLUG / "overrides" / "web"
    planted = _make(web, "ov-limit.bin", overrides.MAX_FILE_BYTES)
    try:
        for args in (("validate", SLUG), ("build", SLUG, "--platform", "web", "--out", "out")):
            result = ixm(*args, cwd=built)
            assert result.returncode == 0, result.stderr
        shipped = built / "out" / SLUG / "web" / "ov-limit.bin"
        assert shipped.stat().st_size == overrides.MAX_FILE_BYTES
        with zipfile.ZipFile(next((built / "out" / SLUG / "bundles").glob("*web*.zip"))) as zf:
            assert zf.getinfo("web/ov-limit.bin").file_size == overrides.MAX_FILE_BYTES
    finally:
        planted.unlink()
        web.rmdir()
        ixm("build", SLUG, "--platform", "web", "--out", "out", cwd=built)


# --- generated override trees: validate's verdict is build's -----------------------------------

PLATFORM_FOLDERS = {
    "android": ["android", "metadata/android"],
    "ios": ["ios", "metadata/ios"],
    "web": ["web"],
}
# Names start with "ov" (or the drive-letter case "q:"), so no generated tree shares a name
# with a rendered or generated file: a file laid where the build writes a folder is another
# check (it needs the build plan), not this one.
PLAIN = st.sampled_from(["ov", "ov-a.txt", "ov.json", "ov gradlew", "ov_字.txt", "ov.sh"])
HOSTILE_NAMES: list[str | bytes] = [
    "ov\\b.txt", "ov\tx", "ov\nx", "ov\x7f", "q:ov", b"ov\xff", b"ov\xc3"
]
LONG_NAME = "ov" + "é" * 126  # 254 bytes: a legal name, but five make a path over 1024


@dataclass(frozen=True)
class Planted:
    folder: str
    parts: tuple[str | bytes, ...]
    kind: str


FOLDER = st.sampled_from([f for fs in PLATFORM_FOLDERS.values() for f in fs])
CLEAN = st.builds(
    Planted,
    folder=FOLDER,
    parts=st.lists(PLAIN, min_size=1, max_size=3).map(tuple),
    kind=st.sampled_from(["file", "file", "exec", "empty-dir"]),
)


@st.composite
def hostile(draw: st.DrawFn) -> Planted:
    """One entry the output cannot carry: a bad name somewhere on its path, a path too long,
    a file over the size limit, a link or a FIFO."""
    choices: list[str | bytes] = [*HOSTILE_NAMES, "long", "giant", "link", "fifo"]
    how = draw(st.sampled_from(choices))
    parts: list[str | bytes] = list(draw(st.lists(PLAIN, min_size=0, max_size=2)))
    kind = "file"
    if how == "long":
        parts = [LONG_NAME, LONG_NAME, LONG_NAME, LONG_NAME, "ov"]
    elif how in ("giant", "link", "fifo"):
        kind = str(how)
        parts.append("ov-x")
    else:
        parts.insert(draw(st.integers(0, len(parts))), how)
    return Planted(draw(FOLDER), tuple(parts), kind)


def _plant(tenant: Path, p: Planted) -> tuple[str, bytes, int] | None:
    """Create ``p`` under the tenant's overrides; returns (output path, bytes, mode) for a
    plain file the build should publish, None for anything else (or a name already taken).

    Raw bytes names go through os.fsdecode: Python hands them over as lone surrogates and
    writes them back byte for byte, as it does for a name it reads from the disk."""
    path = tenant / "overrides" / p.folder
    path.mkdir(parents=True, exist_ok=True)
    for part in p.parts[:-1]:
        path = path / (os.fsdecode(part) if isinstance(part, bytes) else part)
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            return None
        path.mkdir(parents=True, exist_ok=True)
    last = p.parts[-1]
    path = path / (os.fsdecode(last) if isinstance(last, bytes) else last)
    if path.is_symlink() or path.exists():
        return None
    if p.kind == "link":
        path.symlink_to("/etc/hostname")
        return None
    if p.kind == "fifo":
        os.mkfifo(path)
        return None
    if p.kind == "empty-dir":
        path.mkdir()
        return None
    data = os.fsencode(path)[-40:] + b"\n"
    path.write_bytes(data)
    if p.kind == "giant":
        os.truncate(path, overrides.MAX_FILE_BYTES + 1)
        return None
    path.chmod(0o750 if p.kind == "exec" else 0o640)
    rel = path.relative_to(tenant / "overrides").as_posix()
    return rel, data, 0o755 if p.kind == "exec" else 0o644


@pytest.mark.slow
@settings(
    max_examples=50,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    platform=st.sampled_from(sorted(PLATFORM_FOLDERS)),
    clean=st.lists(CLEAN, max_size=4),
    bad=st.one_of(st.none(), hostile(), hostile()),
)
def test_validate_and_build_agree_on_generated_override_trees(
    platform: str, clean: list[Planted], bad: Planted | None
) -> None:
    planted = clean if bad is None else [*clean, bad]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tenant = copy_tenant(EXAMPLES / SLUG, work / "tenants")
        # most entries go where the chosen platform's build looks, so build's own pass over
        # the files (not only the checks it shares with validate) meets them
        wanted = [
            p if p.folder in PLATFORM_FOLDERS[platform] or i % 3 == 2
            else Planted(PLATFORM_FOLDERS[platform][0], p.parts, p.kind)
            for i, p in enumerate(planted)
        ]
        published = [f for p in wanted if (f := _plant(tenant, p)) is not None]
        report = api.validate(tenants_dir=work / "tenants", tenants=[SLUG])
        validate_refuses = report.failed()
        try:
            result = api.build(
                tenants_dir=work / "tenants", out=work / "out", tenants=[SLUG], platforms=platform
            )
        except IxmError as exc:
            build_refuses, found = True, list(exc.diagnostics)
        else:
            build_refuses, found = not result.ok, list(result.failures)
        event("refused" if build_refuses else f"built with {len(published)} override file(s)")
        shown = "\n".join(d.render() for d in [*report.diagnostics(), *found])
        assert validate_refuses == build_refuses, shown
        if build_refuses:
            assert not (work / "out" / SLUG).exists()
            assert any(d.field == "overrides" for d in found), shown
            return
        dist = work / "out" / SLUG
        for rel, data, mode in published:
            if rel.split("/")[0] == "metadata":
                used = "/".join(rel.split("/")[:2]) in PLATFORM_FOLDERS[platform]
            else:
                used = rel.split("/")[0] in PLATFORM_FOLDERS[platform]
            if used:
                shipped = dist / rel
                assert shipped.read_bytes() == data, rel
                assert stat.S_IMODE(shipped.stat().st_mode) == mode, rel
