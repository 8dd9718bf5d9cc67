"""The progress presenters and the report's pieces, driven directly with events."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
from rich.console import Console

from ixm_cli import progress, report
from ixm_cli.errors import IxmError, Location, error, warning
from ixm_cli.events import Finished, Outcome, Started, Status

BAD = error("colors.primary", "'red' is not a colour", Location(Path("t/beta/brand.yaml"), 4, 12),
            "use #RRGGBB")
ODD = warning("app.short_name.en", "longer than 12 characters")


def run(presenter: progress.Presenter) -> None:
    """Three tenants: alpha built, beta failed, gamma cached with a warning."""
    with presenter:
        for slug in ("alpha", "beta", "gamma"):
            presenter(Started(slug, None, 3))
        presenter.note("  icons and splash screens")
        presenter(Finished(Outcome("alpha", None, Status.BUILT, 1.5, Path("out/alpha"),
                                   {"web/index.html": "0" * 64}), 1, 3))
        presenter(Finished(Outcome("beta", None, Status.FAILED, 0.25, diagnostics=[BAD]), 2, 3))
        presenter(Finished(Outcome("gamma", None, Status.CACHED, 0.1, Path("out/gamma"),
                                   diagnostics=[ODD]), 3, 3))


def test_plain_lines_one_per_tenant_with_its_diagnostics_once() -> None:
    stream = io.StringIO()
    lines = progress.Lines(stream)
    run(lines)
    assert stream.getvalue() == (
        "ixm: building 3 tenant(s)\n"
        "ixm: [1/3] built alpha -> out/alpha (1.50 s)\n"
        "ixm: [2/3] failed beta (0.25 s)\n"
        "t/beta/brand.yaml:4:12: error[colors.primary]: 'red' is not a colour\n"
        "  hint: use #RRGGBB\n"
        "ixm: [3/3] cached gamma -> out/gamma (0.10 s)\n"
        "ixm: warning[app.short_name.en]: longer than 12 characters\n"
    )
    assert lines.shown == {BAD, ODD}
    assert lines.summary(2.0) == "3 tenant(s) in 2.0 s: 1 built, 1 cached, 1 failed"


def test_plain_lines_of_a_dry_run_say_rendered() -> None:
    stream = io.StringIO()
    lines = progress.Lines(stream, write=False)
    lines(Started("acme", "staging", 2))
    lines(Finished(Outcome("acme", "staging", Status.BUILT, 1.0, Path("o/acme@staging")), 1, 2))
    lines(Finished(Outcome("beta", "staging", Status.SKIPPED, 0.0), 2, 2))
    assert stream.getvalue().splitlines() == [
        "ixm: comparing (nothing is written) 2 tenant(s)",
        "ixm: [1/2] rendered acme@staging -> o/acme@staging (1.00 s)",
        "ixm: [2/2] skipped beta@staging",
    ]
    assert lines.summary(1.0).endswith("1 rendered, 0 cached, 0 failed, 1 skipped")


def test_json_lines_are_the_reports_tenant_entries() -> None:
    stream = io.StringIO()
    run(progress.JsonLines(stream))
    found = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["event"] for e in found] == ["started"] * 3 + ["finished"] * 3
    assert found[0] == {"event": "started", "tenant": "alpha", "env": None, "name": "alpha",
                        "total": 3}
    beta = found[4]
    assert beta == {
        "event": "finished", "done": 2, "total": 3, "tenant": "beta", "env": None,
        "name": "beta", "status": "failed", "duration": 0.25, "out": None,
        "diagnostics": [{"severity": "error", "field": "colors.primary",
                         "message": "'red' is not a colour", "hint": "use #RRGGBB",
                         "file": "t/beta/brand.yaml", "line": 4, "col": 12}],
    }
    assert "outputs" not in found[3]  # the report has them; a progress line stays short


def test_the_bar_shows_position_counts_names_and_prints_diagnostics_above() -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=120, color_system=None)
    bar = progress.Bar(console)
    with bar:
        bar(Started("alpha", None, 3))
        bar.note("icons and splash screens")
        for slug in ("beta", "gamma"):
            bar(Started(slug, None, 3))
        bar.note("built zeta -> out/zeta")  # with --jobs, a note about a tenant that ended
        bar.progress.refresh()
        mid = stream.getvalue()
        bar(Finished(Outcome("alpha", None, Status.BUILT, 1.5, Path("out/alpha")), 1, 3))
        bar(Finished(Outcome("beta", None, Status.FAILED, 0.25, diagnostics=[BAD]), 2, 3))
        bar.progress.refresh()
        bar(Finished(Outcome("gamma", None, Status.CACHED, 0.1, Path("out/gamma")), 3, 3))
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())
    assert "[0/3]" in mid and "alpha, beta +1: icons and splash screens" in mid
    assert "zeta" not in mid
    assert "[2/3]" in text and "built 1 · cached 0 · failed 1" in text
    assert "[3/3]" in text and "built 1 · cached 1 · failed 1" in text
    assert "ixm: [2/3] failed beta (0.25 s)" in text
    # the diagnostic whole, on one line (no markup eaten, no wrap), printed once
    assert text.count("t/beta/brand.yaml:4:12: error[colors.primary]: 'red' is not a colour") == 1
    assert "[1/3] built alpha" not in text  # clean tenants are the bar's, not lines above it
    assert bar.shown == {BAD}


def test_for_build_picks_by_format_and_terminal() -> None:
    assert isinstance(progress.for_build(True, write=True, stream=io.StringIO()),
                      progress.JsonLines)
    assert isinstance(progress.for_build(False, write=True, stream=io.StringIO()),
                      progress.Lines)
    main, other = os.openpty()
    try:
        with os.fdopen(other, "w", closefd=False) as tty:
            assert isinstance(progress.for_build(False, write=True, stream=tty), progress.Bar)
            assert isinstance(progress.for_build(True, write=True, stream=tty),
                              progress.JsonLines)
    finally:
        os.close(main)
        os.close(other)


def test_recorder_keeps_tenant_order_and_the_total() -> None:
    recorder = report.Recorder()
    for slug in ("a", "b", "c"):
        recorder(Started(slug, None, 4))
    recorder(Finished(Outcome("c", None, Status.BUILT, 1.0), 1, 4))
    recorder(Finished(Outcome("a", None, Status.FAILED, 1.0), 2, 4))
    assert [o.tenant for o in recorder.outcomes] == ["a", "c"]
    made = report.make(command=None, exit_code=1, duration=2.0, recorder=recorder)
    assert made.totals.model_dump() == {"tenants": 4, "built": 1, "cached": 0, "skipped": 0,
                                        "failed": 1, "duration": 2.0}


def test_check_path_refuses_tenants_and_tenant_output_folders(tmp_path: Path) -> None:
    out, tenants = tmp_path / "dist", tmp_path / "tenants"
    ok = [tmp_path / "r.json", out / "build-report.json"]
    for path in ok:
        assert report.check_path(path, out=out, tenants=tenants) is None
    for path in (tenants / "r.json", tenants / "acme" / "r.json", out / "acme" / "r.json",
                 out):
        assert report.check_path(path, out=out, tenants=tenants) is not None


def test_write_is_atomic_and_respects_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "report.json"
    made = report.usage("bad option")
    old = os.umask(0o022)
    try:
        report.write(target, made)
    finally:
        os.umask(old)
    assert json.loads(target.read_text("utf-8")) == made.document()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(IxmError) as caught:
        report.write(tmp_path / "file" / "r.json", made)
    assert caught.value.diagnostics[0].field == "report"
