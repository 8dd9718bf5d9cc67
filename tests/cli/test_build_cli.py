"""``ixm build`` as a CI runner and a partner see it: exit codes, output formats, what lands
where, and what the bundles and ``build-info.json`` hold.

Proven here (in-process, through the Typer app):

* ``--format json`` prints exactly one JSON document on stdout and nothing else; text mode
  keeps stdout empty and reports progress on stderr.
* ``--platform android,ios`` builds exactly those trees and bundles; an unknown platform is
  a usage error (exit 2) that writes nothing; ``api.build`` still refuses it for library
  callers.
* ``--env staging`` writes ``<out>/<tenant>@staging/`` and ``<tenant>@staging-…`` bundles.
* An invalid manifest exits 1 and writes nothing (for any tenant of the run); a tenant with
  warnings only builds, and the warning is reported; ``--jobs 2`` over two tenants works.
* Each bundle is a deterministic zip (sorted entries dated 1980-01-01, Unix modes) holding
  exactly ``<platform>/…`` plus ``metadata/<platform>/…``, byte-equal to the tree.
* ``build-info.json`` lists the sha256 of every input (manifests of the whole ``extends``
  chain, images, overrides) and of every output file, and each digest is right.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import Marked, listing, make_tenant, marker_col, marker_line, run_ixm

from ixm_cli import __version__, api
from ixm_cli.errors import IxmError
from ixm_cli.targets import Registry

VERSION = "1.2.3+42"  # the baseline tenant's app.version + app.build
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def files_under(folder: Path) -> dict[str, Path]:
    """posix relpath -> path of every file below ``folder`` (empty when it is missing)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_json_document(stdout: str) -> Any:
    """The single JSON document that is the whole of stdout (json.loads refuses extra data)."""
    assert stdout.endswith("}\n"), stdout[-200:]
    return json.loads(stdout)


# --- one full build, shared by the read-only tests below ----------------------------------


@dataclass(frozen=True)
class FullBuild:
    tenants: Path
    out: Path
    dist: Path
    stdout: str
    stderr: str
    overrides: tuple[Path, ...]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> FullBuild:
    """``acme`` extending ``_partner`` (which holds the images), with overrides in both,
    built for every platform with ``--format json``."""
    tenants = tmp_path_factory.mktemp("full").resolve() / "tenants"
    make_tenant(tenants, "acme", parent="_partner")
    overrides = (
        tenants / "_partner/overrides/web/robots.txt",
        tenants / "acme/overrides/android/app/src/main/res/raw/welcome.txt",
        tenants / "acme/overrides/metadata/ios/en-US/support_url.txt",
    )
    for path in overrides:
        path.parent.mkdir(parents=True)
        path.write_text(f"{path.name}\n", "utf-8")
    out = tenants.parent / "out"
    result = run_ixm("build", "--format", "json", "--jobs", "1", "--tenants", tenants,
                     "--out", out)
    assert result.exit_code == 0, result.stderr
    return FullBuild(tenants, out, out / "acme", result.stdout, result.stderr, overrides)


def test_json_format_is_one_document_on_stdout(full: FullBuild) -> None:
    """The build report (its schema: tests/cli/test_build_report.py); outputs are what
    build-info.json records, bundles included."""
    document = one_json_document(full.stdout)
    info = json.loads((full.dist / "build-info.json").read_text("utf-8"))
    names = [f"bundles/acme-{p}-{VERSION}.zip" for p in ("android", "ios", "web")]
    assert [n for n in info["outputs"] if n.startswith("bundles/")] == names
    (tenant,) = document["tenants"]
    assert tenant.pop("duration") >= 0
    assert document["totals"].pop("duration") >= 0
    assert document == {
        "$schema": "https://ixm.dev/schema/build-report-v1.json",
        "schema": "ixm-build-report/v1",
        "tool": {"name": "ixm", "version": __version__},
        "ok": True,
        "exit_code": 0,
        "command": {"tenants": [], "platforms": None, "env": None, "out": str(full.out),
                    "shard": None, "changed_since": None, "mode": "build", "fail_fast": False,
                    "force": False, "prune": False},
        "totals": {"tenants": 1, "built": 1, "cached": 0, "skipped": 0, "failed": 0},
        "tenants": [
            {
                "tenant": "acme",
                "env": None,
                "name": "acme",
                "status": "built",
                "out": str(full.dist),
                "outputs": info["outputs"],
                "changes": None,
                "diagnostics": [],
            }
        ],
        "warnings": [],
        "diagnostics": [],
        "pruned": [],
        "stale": None,
        "usage_error": None,
        "internal_error": None,
        "interrupted": None,
    }
    # Progress in json mode is JSON lines on stderr, nothing else.
    lines = [json.loads(line) for line in full.stderr.splitlines()]
    assert [e["event"] for e in lines] == ["started", "finished"]


def test_text_format_reports_progress_on_stderr_only(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(root, "acme")
    monkeypatch.chdir(root.parent)  # as a partner runs it: ./tenants, ./dist
    result = run_ixm("build", "--platform", "web", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert re.fullmatch(
        r"ixm: building 1 tenant\(s\)\n"
        r"ixm: \[1/1\] built acme -> dist/acme \(\d+\.\d\d s\)\n"
        r"ixm: 1 tenant\(s\) in \d+\.\d s: 1 built, 0 cached, 0 failed\n",
        result.stderr,
    ), result.stderr


def test_platform_list_builds_exactly_those_trees_and_bundles(root: Path) -> None:
    make_tenant(root, "acme")
    out = root.parent / "out"
    result = run_ixm("build", "--platform", "android,ios", "--jobs", "1", "--tenants", root,
                     "--out", out)
    assert result.exit_code == 0, result.stderr
    dist = out / "acme"
    assert sorted(p.name for p in dist.iterdir()) == [
        ".ixm-output", "android", "build-info.json", "bundles", "ios", "metadata"
    ]
    assert sorted(p.name for p in (dist / "metadata").iterdir()) == ["android", "ios"]
    assert sorted(p.name for p in (dist / "bundles").iterdir()) == [
        f"acme-android-{VERSION}.zip", f"acme-ios-{VERSION}.zip"
    ]
    info = json.loads((dist / "build-info.json").read_text("utf-8"))
    assert info["platforms"] == ["android", "ios"]


@pytest.mark.parametrize("value", ["bogus", "android,bogus", ","])
def test_an_unknown_platform_is_a_usage_error(root: Path, value: str) -> None:
    make_tenant(root, "acme")
    out = root.parent / "out"
    result = run_ixm("build", "--platform", value, "--tenants", root, "--out", out)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert "Usage: ixm build" in result.stderr
    assert "Invalid value for '--platform'" in result.stderr
    known = ", ".join(Registry.installed().platforms())  # the built-ins and the test plug-in
    assert f"choose from {known}," in result.stderr
    assert not out.exists()


def test_the_library_refuses_an_unknown_platform_too(root: Path) -> None:
    make_tenant(root, "acme")
    with pytest.raises(IxmError) as caught:
        api.build(tenants_dir=root, out=root.parent / "out", platforms="bogus")
    assert [d.message for d in caught.value.diagnostics] == ["unknown platform bogus"]
    assert not (root.parent / "out").exists()


def test_env_staging_writes_its_own_folder_and_bundles(root: Path) -> None:
    make_tenant(root, "acme")
    out = root.parent / "out"
    result = run_ixm("build", "--env", "staging", "--platform", "web,android", "--format", "json",
                     "--jobs", "1", "--tenants", root, "--out", out)
    assert result.exit_code == 0, result.stderr
    (built,) = one_json_document(result.stdout)["tenants"]
    dist = out / "acme@staging"
    assert (built["tenant"], built["env"], built["name"], built["out"]) == (
        "acme", "staging", "acme@staging", str(dist))
    assert listing(out) == ["acme@staging"]  # prod untouched
    assert sorted(p.name for p in (dist / "bundles").iterdir()) == [
        f"acme@staging-android-{VERSION}.zip", f"acme@staging-web-{VERSION}.zip"
    ]
    config = json.loads((dist / "web" / "tenant.json").read_text("utf-8"))
    assert config["endpoints"]["api"] == "https://api-staging.acme.example"


def test_an_invalid_manifest_exits_1_and_nothing_is_written(root: Path) -> None:
    """Both formats. Alone, or with --fail-fast, nothing is written; without it a clean
    tenant in the same run is still built (a fleet keeps going) and the run exits 1."""
    manifest = make_tenant(root, "acme", {"colors": {"primary": Marked("red")}})
    text = manifest.read_text("utf-8")
    where = f"{manifest}:{marker_line(text)}:{marker_col(text, 'red')}"
    out = root.parent / "out"
    result = run_ixm("build", "--tenants", root, "--out", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{where}: error[colors.primary]: 'red' is not a colour\n  hint: " in result.stderr
    make_tenant(root, "good")
    as_json = run_ixm("build", "--format", "json", "--fail-fast", "--tenants", root,
                      "--out", out)
    assert as_json.exit_code == 1
    document = one_json_document(as_json.stdout)
    assert document["ok"] is False
    assert [d["field"] for d in document["diagnostics"]] == ["colors.primary"]
    assert not out.exists()
    going = run_ixm("build", "--format", "json", "--platform", "web", "--tenants", root,
                    "--out", out)
    assert going.exit_code == 1
    document = one_json_document(going.stdout)
    assert document["ok"] is False
    assert [(t["tenant"], t["status"]) for t in document["tenants"]] == [
        ("acme", "failed"), ("good", "built")]
    assert listing(out) == ["good"]


def test_a_tenant_with_warnings_only_builds_and_reports_them(root: Path) -> None:
    make_tenant(root, "acme", {"app": {"short_name": {"en": "Acme Ding Pro"}}})  # > 12 chars
    out = root.parent / "out"
    text = run_ixm("build", "--platform", "web", "--jobs", "1", "--tenants", root, "--out", out)
    assert text.exit_code == 0, text.stderr
    assert "warning[app.short_name.en]" in text.stderr
    assert (out / "acme" / "bundles" / f"acme-web-{VERSION}.zip").is_file()
    as_json = run_ixm("build", "--platform", "web", "--format", "json", "--jobs", "1",
                      "--tenants", root, "--out", out)
    assert as_json.exit_code == 0, as_json.stderr
    document = one_json_document(as_json.stdout)
    assert document["ok"] is True
    assert [w["field"] for w in document["warnings"]] == ["app.short_name.en"]
    assert {w["severity"] for w in document["warnings"]} == {"warning"}


def test_jobs_2_builds_two_tenants_in_parallel(root: Path) -> None:
    make_tenant(root, "acme")
    make_tenant(root, "beta")
    out = root.parent / "out"
    result = run_ixm("build", "--jobs", "2", "--platform", "web", "--format", "json",
                     "--tenants", root, "--out", out)
    assert result.exit_code == 0, result.stderr
    built = one_json_document(result.stdout)["tenants"]
    assert [(b["tenant"], b["status"]) for b in built] == [("acme", "built"), ("beta", "built")]
    for b in built:
        bundles = [rel for rel in b["outputs"] if rel.startswith("bundles/")]
        assert bundles == [f"bundles/{b['tenant']}-web-{VERSION}.zip"]
        assert all((Path(b["out"]) / rel).is_file() for rel in bundles)
    assert listing(out) == ["acme", "beta"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_tenant_failing_mid_build_does_not_stop_the_others(root: Path, jobs: str) -> None:
    """A build-time refusal (an --out folder ixm did not make) is exit 1 with the tenant's
    message, in parallel as in sequence; the other tenants are still built."""
    for slug in ("acme", "beta", "gamma"):
        make_tenant(root, slug)
    out = root.parent / "out"
    (out / "beta").mkdir(parents=True)
    (out / "beta" / "keep.txt").write_text("mine")
    result = run_ixm("build", "--jobs", jobs, "--platform", "web", "--format", "json",
                     "--tenants", root, "--out", out)
    assert result.exit_code == 1, result.stderr
    assert "internal error" not in result.stderr
    document = one_json_document(result.stdout)
    assert document["ok"] is False
    assert [(t["tenant"], t["status"]) for t in document["tenants"]] == [
        ("acme", "built"), ("beta", "failed"), ("gamma", "built")]
    (failure,) = document["diagnostics"]
    assert failure["field"] == "out"
    assert failure["message"].startswith(f"refusing to replace {out / 'beta'}: not made by ixm")
    assert [p.name for p in (out / "beta").iterdir()] == ["keep.txt"]
    assert listing(out) == ["acme", "beta", "gamma"]  # no stage left
    text = run_ixm("build", "--jobs", jobs, "--platform", "web", "--tenants", root, "--out", out)
    assert text.exit_code == 1
    assert text.stdout == ""
    assert f"ixm: error[out]: refusing to replace {out / 'beta'}" in text.stderr


def test_an_internal_error_in_json_mode_still_prints_one_document(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(root, "acme")

    def boom(**_: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(api, "build", boom)
    result = run_ixm("build", "--format", "json", "--tenants", root, "--out", root.parent / "o")
    assert result.exit_code == 3
    document = one_json_document(result.stdout)
    assert (document["ok"], document["exit_code"]) == (False, 3)
    assert document["internal_error"] == "KeyError: 'bug'"
    assert (document["tenants"], document["diagnostics"]) == ([], [])
    assert "this is a bug in ixm" in result.stderr


# --- what the bundles and build-info.json hold ----------------------------------------------


@pytest.mark.parametrize("platform", ["android", "ios", "web"])
def test_each_bundle_is_a_deterministic_zip_of_its_platform(full: FullBuild, platform: str) -> None:
    expected = {f"{platform}/{rel}": p for rel, p in files_under(full.dist / platform).items()}
    expected |= {
        f"metadata/{platform}/{rel}": p
        for rel, p in files_under(full.dist / "metadata" / platform).items()
    }
    assert any(name.startswith("metadata/") for name in expected) == (platform != "web")
    with zipfile.ZipFile(full.dist / "bundles" / f"acme-{platform}-{VERSION}.zip") as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)  # sorted, so the archive does not depend on readdir
        assert names == sorted(expected)  # exactly the tree, nothing else, no directories
        for info in infos:
            assert info.date_time == ZIP_EPOCH, info.filename
            assert info.create_system == 3  # Unix, so the modes below mean something
            assert info.external_attr >> 16 in (stat.S_IFREG | 0o644, stat.S_IFREG | 0o755)
            assert zf.read(info) == expected[info.filename].read_bytes(), info.filename


def test_build_info_has_the_digest_of_every_input_and_output(full: FullBuild) -> None:
    info = json.loads((full.dist / "build-info.json").read_text("utf-8"))
    assert (info["tenant"], info["env"]) == ("acme", None)
    assert info["platforms"] == ["android", "ios", "web"]
    images = sorted((full.tenants / "_partner" / "assets").glob("*.png"))
    assert len(images) == 4  # icon, foreground, monochrome, splash logo
    inputs = [
        full.tenants / "acme/brand.yaml",
        full.tenants / "_partner/brand.yaml",
        *images,
        *full.overrides,
    ]
    assert info["inputs"] == {
        p.relative_to(full.tenants).as_posix(): sha256(p) for p in sorted(inputs)
    }
    outputs = {
        rel: sha256(p)
        for rel, p in files_under(full.dist).items()
        if rel not in ("build-info.json", ".ixm-output")  # itself, and the ownership marker
    }
    assert any(rel.startswith("bundles/") for rel in outputs)  # the zips are outputs too
    assert info["outputs"] == outputs
