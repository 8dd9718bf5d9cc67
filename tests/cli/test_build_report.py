"""The build report (``ixm build --format json``, ``--report FILE``) and the progress a run
shows, as a CI pipeline sees them.

Proven here:

* the document validates against ``ixm schema --report`` however the run ends: success, a
  keep-going failure, every tenant broken, ``--fail-fast``, a dry run and ``--check``, a
  workspace file that does not load, a usage error, an internal error;
* ``--report FILE`` holds the very document stdout gets, written on failure too, and never
  inside the tenants folder or a tenant's output folder;
* ``--format json`` progress is one JSON object per line on stderr, one ``finished`` per
  tenant; without a terminal, text mode prints one plain line per tenant;
* on a terminal (a pty) the live bar shows ``[n/N]`` and the counts.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ixm_test_helpers import listing, make_tenant, run_ixm

from ixm_cli import api


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    result = run_ixm("schema", "--report")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def valid(validator: jsonschema.protocols.Validator, stdout: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(stdout)  # exactly one document: no extra data
    validator.validate(document)
    return document


def fleet(root: Path, *, broken: tuple[str, ...] = ("beta",)) -> None:
    """alpha, beta, gamma; the ``broken`` ones with an invalid app.build."""
    for slug in ("alpha", "beta", "gamma"):
        make_tenant(root, slug, {"app": {"build": 0}} if slug in broken else None)


def statuses(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["name"], t["status"]) for t in document["tenants"]]


def events(stderr: str) -> list[dict[str, Any]]:
    """The JSON progress lines of a ``--format json`` run (a text diagnostic is not one)."""
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def test_schema_report_is_the_models_and_excludes_tenant_json() -> None:
    result = run_ixm("schema", "--report")
    assert json.loads(result.stdout) == api.schema(report=True)
    assert json.loads(result.stdout)["$id"] == "https://ixm.dev/schema/build-report-v1.json"
    both = run_ixm("schema", "--report", "--tenant-json")
    assert both.exit_code == 2
    assert "--tenant-json and --report name different schemas" in both.stderr
    with pytest.raises(ValueError):
        api.schema(report=True, tenant_json=True)


def test_success_report_equals_the_file_and_progress_is_json_lines(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root, broken=())
    report = out / "build-report.json"  # directly in --out: allowed
    result = run_ixm("build", "--platform", "web", "--jobs", "1", "--format", "json",
                     "--tenants", root, "--out", out, "--report", report)
    assert result.exit_code == 0, result.stderr
    document = valid(validator, result.stdout)
    assert json.loads(report.read_text("utf-8")) == document
    assert (document["ok"], document["exit_code"]) == (True, 0)
    assert statuses(document) == [("alpha", "built"), ("beta", "built"), ("gamma", "built")]
    assert document["totals"] | {"duration": 0} == {
        "tenants": 3, "built": 3, "cached": 0, "skipped": 0, "failed": 0, "duration": 0}
    for tenant in document["tenants"]:
        info = json.loads((out / tenant["name"] / "build-info.json").read_text("utf-8"))
        assert tenant["outputs"] == info["outputs"]
    lines = events(result.stderr)
    assert len(lines) == len(result.stderr.splitlines())  # nothing else on stderr
    finished = [e for e in lines if e["event"] == "finished"]
    assert sorted(e["tenant"] for e in finished) == ["alpha", "beta", "gamma"]
    assert [e["done"] for e in finished] == [1, 2, 3]
    assert {e["total"] for e in lines} == {3}
    assert sorted(e["tenant"] for e in lines if e["event"] == "started") == [
        "alpha", "beta", "gamma"]
    # Cached the second time, and said so in the report.
    again = run_ixm("build", "--platform", "web", "--jobs", "1", "--format", "json",
                    "--tenants", root, "--out", out, "--report", report)
    document = valid(validator, again.stdout)
    assert {s for _, s in statuses(document)} == {"cached"}
    assert all(t["outputs"] for t in document["tenants"])  # cached tenants list them too
    assert json.loads(report.read_text("utf-8")) == document
    assert listing(out) == ["alpha", "beta", "build-report.json", "gamma"]  # no partial left


def test_keep_going_failure_report(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root)
    report = tmp_path / "report.json"
    result = run_ixm("build", "--platform", "web", "--jobs", "1", "--format", "json",
                     "--tenants", root, "--out", out, "--report", report)
    assert result.exit_code == 1
    document = valid(validator, result.stdout)
    assert json.loads(report.read_text("utf-8")) == document
    assert (document["ok"], document["exit_code"]) == (False, 1)
    assert statuses(document) == [("alpha", "built"), ("beta", "failed"), ("gamma", "built")]
    beta = document["tenants"][1]
    assert (beta["out"], beta["outputs"]) == (None, {})
    (error,) = beta["diagnostics"]
    assert (error["field"], error["file"], error["line"] >= 1) == (
        "app.build", str(root / "beta" / "brand.yaml"), True)
    assert document["diagnostics"] == beta["diagnostics"]
    assert document["totals"]["failed"] == 1
    assert len([e for e in events(result.stderr) if e["event"] == "finished"]) == 3


def test_every_tenant_broken_and_fail_fast_reports_keep_the_shape(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root, broken=("alpha", "beta", "gamma"))
    report = tmp_path / "report.json"
    result = run_ixm("build", "--platform", "web", "--format", "json", "--tenants", root,
                     "--out", out, "--report", report)
    assert result.exit_code == 1
    document = valid(validator, result.stdout)
    assert json.loads(report.read_text("utf-8")) == document
    assert [d["field"] for d in document["diagnostics"]] == ["app.build"] * 3
    assert {s for _, s in statuses(document)} <= {"failed"}
    assert not out.exists()

    fleet(root)  # only beta broken
    fast = run_ixm("build", "--platform", "web", "--format", "json", "--fail-fast",
                   "--tenants", root, "--out", out, "--report", report)
    assert fast.exit_code == 1
    document = valid(validator, fast.stdout)
    assert json.loads(report.read_text("utf-8")) == document
    assert document["command"]["fail_fast"] is True
    assert [d["field"] for d in document["diagnostics"]] == ["app.build"]
    assert ("alpha", "built") not in statuses(document)
    assert not out.exists()


def test_dry_run_and_check_reports_list_changes(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    make_tenant(root, "acme")
    for mode, code in (("--dry-run", 0), ("--check", 1)):
        result = run_ixm("build", "--platform", "web", "--jobs", "1", "--format", "json",
                         mode, "--tenants", root, "--out", out)
        assert result.exit_code == code, result.stderr
        document = valid(validator, result.stdout)
        assert document["command"]["mode"] == mode.removeprefix("--")
        assert document["stale"] is True
        (tenant,) = document["tenants"]
        assert {c["verb"] for c in tenant["changes"]} == {"create"}
        assert "web/index.html" in {c["path"] for c in tenant["changes"]}
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["--jobs", "0"],
        ["--platform", "nope"],
        ["--report", "{root}/acme/report.json"],
        ["--report", "{out}/acme/report.json"],
        ["--out", "{root}/dist"],
    ],
)
def test_a_usage_error_is_a_report_too(
    tmp_path: Path, validator: jsonschema.protocols.Validator, args: list[str]
) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    make_tenant(root, "acme")
    args = [a.format(root=root, out=out) for a in args]
    result = run_ixm("build", "--format", "json", "--tenants", root, "--out", out, *args)
    assert result.exit_code == 2
    document = valid(validator, result.stdout)
    assert (document["ok"], document["exit_code"]) == (False, 2)
    assert document["usage_error"] and document["usage_error"] in result.stderr
    assert not (root / "acme" / "report.json").exists()
    assert not out.exists()


def test_a_workspace_file_that_does_not_load_still_writes_the_report(
    tmp_path: Path, validator: jsonschema.protocols.Validator, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(tmp_path / "tenants", "acme")
    (tmp_path / "ixm.toml").write_text("out = [\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_ixm("build", "--report", "build-report.json")
    assert result.exit_code == 1
    assert "ixm.toml" in result.stderr
    document = valid(validator, (tmp_path / "build-report.json").read_text("utf-8"))
    assert (document["ok"], document["exit_code"], document["tenants"]) == (False, 1, [])
    assert document["diagnostics"] and document["diagnostics"][0]["file"] == "ixm.toml"


def test_an_internal_error_is_a_report_too(
    tmp_path: Path, validator: jsonschema.protocols.Validator, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(tmp_path / "tenants", "acme")

    def boom(**_: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(api, "build", boom)
    report = tmp_path / "report.json"
    result = run_ixm("build", "--format", "json", "--tenants", tmp_path / "tenants",
                     "--out", tmp_path / "out", "--report", report)
    assert result.exit_code == 3
    document = valid(validator, result.stdout)
    assert (document["exit_code"], document["internal_error"]) == (3, "KeyError: 'bug'")
    assert json.loads(report.read_text("utf-8")) == document
    assert "Traceback" not in result.stderr


def test_a_report_that_cannot_be_written_fails_the_run(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    make_tenant(tmp_path / "tenants", "acme")
    (tmp_path / "file").write_text("not a folder")
    result = run_ixm("build", "--platform", "web", "--jobs", "1", "--format", "json",
                     "--tenants", tmp_path / "tenants", "--out", tmp_path / "out",
                     "--report", tmp_path / "file" / "report.json")
    assert result.exit_code == 1
    document = valid(validator, result.stdout)
    assert statuses(document) == [("acme", "built")]  # the build itself went well
    assert document["diagnostics"][-1]["field"] == "report"
    assert f"{tmp_path / 'file'} is not a folder" in document["diagnostics"][-1]["message"]
    text = run_ixm("build", "--platform", "web", "--jobs", "1", "--tenants", tmp_path / "tenants",
                   "--out", tmp_path / "out", "--report", tmp_path / "file" / "report.json")
    assert text.exit_code == 1
    assert "error[report]: cannot write the report" in text.stderr
    assert "wrote the report" not in text.stderr


def test_text_mode_without_a_terminal_prints_a_line_per_tenant(tmp_path: Path) -> None:
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root)
    report = tmp_path / "report.json"
    result = run_ixm("build", "--platform", "web", "--jobs", "1", "--tenants", root,
                     "--out", out, "--report", report)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "ixm: building 3 tenant(s)"
    for name, verb in (("alpha", "built"), ("beta", "failed"), ("gamma", "built")):
        (line,) = [x for x in lines if re.match(rf"ixm: \[\d/3\] {verb} {name}\b", x)]
        assert re.search(r"\(\d+\.\d\d s\)$", line)
    # beta's error right under its line, once
    failed = next(i for i, x in enumerate(lines) if "failed beta" in x)
    assert "error[app.build]" in lines[failed + 1]
    assert sum("error[app.build]" in x for x in lines) == 1
    assert "ixm: 3 tenant(s) in " in result.stderr
    assert "ixm: 1 tenant(s) failed: beta" in lines
    assert json.loads(report.read_text("utf-8"))["totals"]["failed"] == 1


@pytest.mark.slow
def test_on_a_terminal_a_live_bar_shows_progress(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    root, out = tmp_path / "tenants", tmp_path / "out"
    fleet(root, broken=())
    ixm = Path(sys.executable).parent / "ixm"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    child = pexpect.spawn(str(ixm), ["build", "--platform", "web", "--jobs", "1",
                                     "--tenants", str(root), "--out", str(out)],
                          env={**env, "TERM": "xterm"}, dimensions=(24, 120),
                          encoding="utf-8", timeout=120)
    child.expect(pexpect.EOF)
    child.close()
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
    assert child.exitstatus == 0, screen
    assert "[3/3]" in screen and "built 3" in screen and "failed 0" in screen
    assert "ixm: 3 tenant(s) in " in screen
    assert "ixm: [1/3]" not in screen  # no plain lines on a terminal
