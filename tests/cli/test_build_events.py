"""The events a build emits (``api.build(listen=…)``) and the outcomes its report holds.

Every tenant that starts ends with exactly one ``Finished``; the counts grow one by one up
to the total; the report's outcomes name every tenant once, in the order the run named
them, with the same status the events gave.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import make_tenant, set_manifest

from ixm_cli import api
from ixm_cli.events import Event, Finished, Started, Status


def run(root: Path, out: Path, **options: object) -> tuple[list[Event], api.BuildReport]:
    events: list[Event] = []
    report = api.build(tenants_dir=root, out=out, platforms="web", listen=events.append,
                       **options)  # type: ignore[arg-type]
    return events, report


def check_events(
    events: list[Event], report: api.BuildReport, *, total: int | None = None
) -> dict[str, Status]:
    started = [e.tenant for e in events if isinstance(e, Started)]
    finished = [e for e in events if isinstance(e, Finished)]
    assert sorted(started) == sorted(e.outcome.tenant for e in finished)
    assert len(set(started)) == len(started)
    assert [e.done for e in finished] == list(range(1, len(finished) + 1))
    assert {e.total for e in finished} == {total or len(report.outcomes)}
    for event in events:  # a tenant ends after it starts
        if isinstance(event, Finished):
            assert event.outcome.tenant in started[: events.index(event) + 1]
    statuses = {e.outcome.tenant: e.outcome.status for e in finished}
    assert {o.tenant: o.status for o in report.outcomes} == statuses
    return statuses


@pytest.mark.parametrize("jobs", [1, 2])
def test_built_failed_and_skipped_tenants_each_end_once(tmp_path: Path, jobs: int) -> None:
    root = tmp_path / "tenants"
    for slug in ("acme", "beta", "gamma", "delta"):
        make_tenant(root, slug)
    set_manifest(root / "beta/brand.yaml", {"app": {"version": "x.y"}})  # does not check
    set_manifest(root / "gamma/brand.yaml", {"environments": None})  # no staging
    out = tmp_path / "out"
    (out / "delta@staging").mkdir(parents=True)  # not made by ixm: fails while building
    events, report = run(root, out, env="staging", jobs=jobs)
    statuses = check_events(events, report)
    assert statuses == {"acme": Status.BUILT, "beta": Status.FAILED,
                        "gamma": Status.SKIPPED, "delta": Status.FAILED}
    assert [o.tenant for o in report.outcomes] == ["acme", "beta", "delta", "gamma"]
    acme, beta, delta, gamma = report.outcomes
    assert acme.name == "acme@staging" and acme.out == out / "acme@staging"
    assert "web/index.html" in acme.outputs and len(acme.outputs["web/index.html"]) == 64
    assert beta.diagnostics and beta.outputs == {} and beta.out is None
    assert any(d.field == "out" for d in delta.diagnostics)
    assert gamma.duration == 0.0
    assert report.failed == ["beta", "delta"]

    again, report = run(root, out, env="staging", jobs=jobs)
    assert check_events(again, report)["acme"] is Status.CACHED


def test_fail_fast_ends_every_started_tenant(tmp_path: Path) -> None:
    root = tmp_path / "tenants"
    slugs = [f"t{i}" for i in range(6)]
    for slug in slugs:
        make_tenant(root, slug)
    out = tmp_path / "out"
    (out / "t0").mkdir(parents=True)  # the first tenant fails while building
    events, report = run(root, out, jobs=2, fail_fast=True)
    statuses = check_events(events, report, total=len(slugs))
    assert statuses["t0"] is Status.FAILED
    assert len(statuses) < len(slugs)  # it stopped: not every tenant started
    assert set(statuses.values()) <= {Status.FAILED, Status.BUILT, Status.SKIPPED}


def test_a_run_that_ends_in_an_error_still_ended_each_tenant(tmp_path: Path) -> None:
    """No tenant checks clean: the build raises (nothing to build), after each ended."""
    root = tmp_path / "tenants"
    make_tenant(root, "acme", {"app": {"version": "x.y"}})
    events: list[Event] = []
    with pytest.raises(api.IxmError):
        api.build(tenants_dir=root, out=tmp_path / "out", platforms="web",
                  listen=events.append)
    assert [type(e) for e in events] == [Started, Finished]
    finished = events[1]
    assert isinstance(finished, Finished) and finished.outcome.status is Status.FAILED


def test_fail_fast_on_a_broken_manifest_names_it_and_builds_nothing(tmp_path: Path) -> None:
    root = tmp_path / "tenants"
    make_tenant(root, "acme")
    make_tenant(root, "beta", {"app": {"version": "x.y"}})
    events: list[Event] = []
    with pytest.raises(api.IxmError):
        api.build(tenants_dir=root, out=tmp_path / "out", platforms="web", fail_fast=True,
                  listen=events.append)
    assert [(type(e), getattr(e, "tenant", None)) for e in events][:1] == [(Started, "beta")]
    (finished,) = [e for e in events if isinstance(e, Finished)]
    assert finished.outcome.status is Status.FAILED and finished.outcome.diagnostics
    assert finished.total == 2
    assert not (tmp_path / "out").exists()
