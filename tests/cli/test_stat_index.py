"""The stat index: an unchanged tenant is found up to date without reading its manifest.

Each test counts the tenants whose manifest the build checked (``check_tenant``, the YAML
parse and image decode the index exists to skip), with ``--jobs 1`` so it runs here.
Files a test has just written are "racy" (their ctime is within :data:`index.RACY_NS` of
the build), so the tests wait that long before a build whose index they rely on.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ixm_test_helpers import make_tenant

from ixm_cli import api, index, interrupts
from ixm_cli.events import Event, Finished, Started, Status
from ixm_cli.manifest import tenant as tenant_checks


def settle() -> None:
    """Let every file written so far age past the racy window."""
    time.sleep(index.RACY_NS / 1e9 + 0.05)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The slugs ``check_tenant`` is called for, in order."""
    calls: list[str] = []
    real = tenant_checks.check_tenant

    def spy(ws: object, slug: str, *args: object, **kwargs: object) -> object:
        calls.append(slug)
        return real(ws, slug, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "check_tenant", spy)
    yield calls


def fleet(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    make_tenant(root, "alpha", parent="_partner")
    make_tenant(root, "beta", parent="_partner")
    make_tenant(root, "gamma")
    return root


def build(root: Path, out: Path, **options: object) -> dict[str, str]:
    events: list[Event] = []
    report = api.build(tenants_dir=root, out=out, platforms="web", jobs=1,
                       listen=events.append, **options)  # type: ignore[arg-type]
    assert report.ok, report.failures
    started = [e.tenant for e in events if isinstance(e, Started)]
    ended = [e.outcome.tenant for e in events if isinstance(e, Finished)]
    assert sorted(started) == sorted(ended)  # every tenant that starts ends, once
    return {o.tenant: o.status.value for o in report.outcomes}


def test_an_unchanged_fleet_is_up_to_date_without_reading_a_manifest(
    tmp_path: Path, checked: list[str]
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    assert set(build(root, out).values()) == {"built"}
    assert sorted(checked) == ["alpha", "beta", "gamma"]
    recorded = json.loads((out / index.INDEX).read_text("utf-8"))["tenants"]
    assert sorted(recorded) == ["alpha", "beta", "gamma"]
    checked.clear()
    assert set(build(root, out).values()) == {"cached"}
    assert checked == []


def test_outcomes_of_indexed_tenants_carry_their_outputs(tmp_path: Path) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    first = api.build(tenants_dir=root, out=out, platforms="web", jobs=1)
    second = api.build(tenants_dir=root, out=out, platforms="web", jobs=1)
    assert [o.status for o in second.outcomes] == [Status.CACHED] * 3
    assert [o.outputs for o in second.outcomes] == [o.outputs for o in first.outcomes]
    info = json.loads((out / "alpha/build-info.json").read_text("utf-8"))
    assert second.outcomes[0].outputs == info["outputs"]
    assert [b.bundles for b in second.built] == [b.bundles for b in first.built]
    assert [b.files for b in second.built] == [b.files for b in first.built]


def test_touching_files_costs_one_check_and_rebuilds_nothing(
    tmp_path: Path, checked: list[str]
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    for path in (root / "alpha").rglob("*"):
        os.utime(path, None)
    settle()
    checked.clear()
    assert set(build(root, out).values()) == {"cached"}
    assert checked == ["alpha"]  # its stats changed: hashed, found equal, re-recorded
    checked.clear()
    assert set(build(root, out).values()) == {"cached"}
    assert checked == []


def test_editing_a_parent_rebuilds_exactly_its_customers(
    tmp_path: Path, checked: list[str]
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    partner = root / "_partner/brand.yaml"
    partner.write_text(partner.read_text("utf-8") + "# a change of bytes\n", "utf-8")
    checked.clear()
    assert build(root, out) == {"alpha": "built", "beta": "built", "gamma": "cached"}
    assert sorted(checked) == ["alpha", "beta"]


def test_a_new_override_file_deep_in_a_tenant_is_seen(
    tmp_path: Path, checked: list[str]
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    folder = root / "gamma/overrides/web/deep"
    folder.mkdir(parents=True)
    settle()
    build(root, out)
    (folder / "notice.txt").write_text("hello\n", "utf-8")  # only deep/'s mtime changes
    checked.clear()
    assert build(root, out)["gamma"] == "built"
    assert checked == ["gamma"]
    assert (out / "gamma/web/deep/notice.txt").read_text("utf-8") == "hello\n"


def test_a_file_replaced_with_its_old_mtime_is_still_seen(
    tmp_path: Path, checked: list[str]
) -> None:
    """``cp -p`` or ``tar -x`` keep an old mtime; the ctime and inode still change."""
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    manifest = root / "gamma/brand.yaml"
    before = manifest.stat()
    edited = manifest.read_text("utf-8").replace("Acme Ding", "Acme Dong")
    replacement = manifest.with_name("new.yaml")
    replacement.write_text(edited[: len(edited)], "utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    replacement.replace(manifest)
    checked.clear()
    assert build(root, out)["gamma"] == "built"
    assert checked == ["gamma"]


def test_a_removed_output_or_an_other_run_is_not_up_to_date(
    tmp_path: Path, checked: list[str]
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    shutil.rmtree(out / "beta")
    checked.clear()
    assert build(root, out)["beta"] == "built"
    assert checked == ["beta"]
    checked.clear()
    # Other platforms are another run: the index entries do not apply.
    api.build(tenants_dir=root, out=out, platforms="android", jobs=1)
    assert sorted(checked) == ["alpha", "beta", "gamma"]


def test_force_and_a_dry_run_do_not_use_the_index(
    tmp_path: Path, checked: list[str]
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    checked.clear()
    assert set(build(root, out, force=True).values()) == {"built"}
    assert len(checked) == 3
    checked.clear()
    report = api.build(tenants_dir=root, out=out, platforms="web", jobs=1, write=False)
    assert len(checked) == 3
    assert all(not b.cached for b in report.built)


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"schema": "ixm-index/v0"}',
                                     b'{"schema": "ixm-index/v1", "tenants": {"alpha": 1}}'])
def test_an_unreadable_index_is_an_empty_one(tmp_path: Path, content: bytes) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    (out / index.INDEX).write_bytes(content)
    assert set(build(root, out).values()) == {"cached"}
    assert set(json.loads((out / index.INDEX).read_text("utf-8"))["tenants"]) == {
        "alpha", "beta", "gamma"}


def test_a_racy_file_is_not_recorded(tmp_path: Path) -> None:
    """A file whose ctime is not older than the build's start could have changed after
    it was read without its signature showing it."""
    file = tmp_path / "brand.yaml"
    file.write_text("x", "utf-8")
    final = tmp_path / "out"
    final.mkdir()
    (final / "build-info.json").write_text("{}", "utf-8")
    args = {"run": "r", "key": "k", "inputs": [file], "folders": [], "final": final,
            "outputs": [Path("build-info.json")], "count": 1, "bundles": []}
    assert index.record(**args, since_ns=time.time_ns()) is None  # type: ignore[arg-type]
    settle()
    entry = index.record(**args, since_ns=time.time_ns())  # type: ignore[arg-type]
    assert entry is not None and entry.current("r", {})
    assert not entry.current("another run", {})
    file.write_text("y", "utf-8")
    assert not entry.current("r", {})


def test_jobs_2_records_the_index_in_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    api.build(tenants_dir=root, out=out, platforms="web", jobs=2)
    pools: list[int] = []
    real = interrupts.worker_pool

    def spy(workers: int, **kwargs: object) -> object:
        pools.append(workers)
        return real(workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(interrupts, "worker_pool", spy)
    report = api.build(tenants_dir=root, out=out, platforms="web", jobs=2)
    assert [o.status for o in report.outcomes] == [Status.CACHED] * 3
    assert pools == []  # nothing left for a worker to check


def test_an_environment_build_reads_only_tenants_it_cannot_vouch_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--all --env staging must know which tenants define staging: an up-to-date staging
    output says so without its manifest being read."""
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out, env="staging")
    loaded: list[str] = []
    real = api.load_merged

    def spy(ws: object, slug: str) -> object:
        loaded.append(slug)
        return real(ws, slug)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "load_merged", spy)
    assert set(build(root, out, env="staging").values()) == {"cached"}
    assert loaded == []


def test_without_outputs_an_indexed_tenant_is_not_read_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text output needs no list of outputs: a current tenant then costs only its stats."""
    root, out = fleet(tmp_path), tmp_path / "out"
    settle()
    build(root, out)
    read: list[Path] = []
    real = api._published

    def spy(final: Path, key: str) -> object:
        read.append(final)
        return real(final, key)

    monkeypatch.setattr(api, "_published", spy)
    report = api.build(tenants_dir=root, out=out, platforms="web", jobs=1, outputs=False)
    assert [(o.status, dict(o.outputs)) for o in report.outcomes] == [(Status.CACHED, {})] * 3
    assert read == []
    report = api.build(tenants_dir=root, out=out, platforms="web", jobs=1)
    assert all(o.outputs for o in report.outcomes) and len(read) == 3
