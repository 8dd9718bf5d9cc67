"""The shared remote cache (``cache = "s3://bucket/prefix"``), proven against a real S3
endpoint: moto's server, started by the suite on 127.0.0.1 in a process of its own (so it
can go away the way a store does: killed, its connections reset), spoken to by boto3
through the standard ``AWS_ENDPOINT_URL`` and credential variables. No client is patched.

* Round trip: a fresh runner (empty local cache, empty --out) renders nothing and writes
  the bytes a build without any cache writes.
* A corrupted or truncated remote entry is a miss: the image is rendered again and the
  entry overwritten.
* A store that is unreachable from the start, or that dies mid-build, costs one warning
  (also across worker processes) and never the build or its bytes.
* ``ixm cache info`` / ``prune`` cover the remote level.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from ixm_test_helpers import make_tenant, run_ixm

from ixm_cli import build as build_module
from ixm_cli import remote
from ixm_cli.index import INDEX

pytestmark = [pytest.mark.consumer, pytest.mark.slow]

BUCKET = "ixm-cache"
URL = f"s3://{BUCKET}/ci"
PLATFORMS = "android,web"

_SERVER = """
import sys, threading
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
threading.Event().wait()
"""


@dataclass
class S3:
    endpoint: str
    process: subprocess.Popen[str]
    client: Any

    def objects(self) -> dict[str, bytes]:
        listed = self.client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {o["Key"]: self.client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
                for o in listed}

    def kill(self) -> None:
        """The store goes away: its process dies, every connection to it is reset."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


@contextlib.contextmanager
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
           **server_env: str) -> Iterator[S3]:
    """moto's S3 server in a process of its own on 127.0.0.1 (a free port), and the standard
    AWS variables pointing at it."""
    process = subprocess.Popen([sys.executable, "-c", _SERVER], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, **server_env})
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        endpoint = f"http://127.0.0.1:{port}"
        # Only the standard chain, and only what the test sets: no profile or ~/.aws of the
        # machine running the suite, no instance-metadata look-ups.
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield S3(endpoint, process, boto3.client("s3"))
    finally:
        process.kill()
        process.wait(10)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[S3]:
    with server(monkeypatch, tmp_path) as store:
        store.client.create_bucket(Bucket=BUCKET)
        yield store


def files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` but the stat index (which records inodes and times)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != INDEX}


def workspace(tmp_path: Path, tenants: int = 2) -> Path:
    for n in range(tenants):
        # Each its own primary colour: its own icon backgrounds, so its own entries.
        make_tenant(tmp_path / "tenants", f"tenant-{n}",
                    {"colors": {"primary": f"#1{n}3A5C"}, "assets": {
                        "icon_background": f"#1{n}3A5C"}})
    config = tmp_path / "ixm.toml"
    config.write_text(f'tenants = "tenants"\ncache = "{URL}"\n')
    return config


def build(config: Path, out: Path, *more: str) -> Any:
    result = run_ixm("build", "--all", "--platform", PLATFORMS, "--config", config,
                     "--out", out, *more)
    assert result.exit_code == 0, result.stderr
    return result


def plain(config: Path, out: Path) -> dict[str, bytes]:
    build(config, out, "--no-cache", "--jobs", "1")
    return files(out)


def local_cache(config: Path) -> Path:
    return config.parent / ".ixm-cache"


def clear(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def cache_warnings(result: Any) -> list[dict[str, Any]]:
    report = json.loads(result.stdout)
    return [w for w in report["warnings"] if w["field"] == "cache"]


def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an image was rendered, not read from the cache")

    monkeypatch.setattr(build_module, "render_assets", refuse)


def test_a_fresh_runner_gets_every_image_from_the_remote(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workspace(tmp_path)
    expected = plain(config, tmp_path / "plain")
    build(config, tmp_path / "first", "--jobs", "2")  # each worker with its own client
    stored = s3.objects()
    assert stored and all(k.startswith("ci/images/") for k in stored)
    local = files(local_cache(config))
    assert sorted(k.rsplit("/", 1)[1] for k in stored) == sorted(
        k.rsplit("/", 1)[1] for k in local)  # write-through: the same entries at both levels

    # A fresh runner: no local cache, an empty --out, nothing may be rendered.
    clear(local_cache(config))
    no_rendering(monkeypatch)
    result = build(config, tmp_path / "fresh", "--jobs", "1", "--format", "json")
    assert cache_warnings(result) == []
    assert files(tmp_path / "fresh") == expected
    assert files(local_cache(config)) == local  # remote hits are kept locally
    assert s3.objects() == stored


def test_a_corrupt_or_truncated_remote_entry_is_rebuilt_and_overwritten(
    s3: S3, tmp_path: Path
) -> None:
    config = workspace(tmp_path, tenants=1)
    expected = plain(config, tmp_path / "plain")
    build(config, tmp_path / "first", "--jobs", "1")
    stored = s3.objects()
    flipped, short, headless = sorted(stored)[:3]
    blob = bytearray(stored[flipped])
    blob[-1] ^= 0xFF
    s3.client.put_object(Bucket=BUCKET, Key=flipped, Body=bytes(blob))
    s3.client.put_object(Bucket=BUCKET, Key=short, Body=stored[short][:-100])  # cut short
    s3.client.put_object(Bucket=BUCKET, Key=headless, Body=stored[headless][:10])
    clear(local_cache(config))

    result = build(config, tmp_path / "again", "--jobs", "1", "--format", "json")
    assert cache_warnings(result) == []  # a bad entry is a miss, not a failing store
    assert files(tmp_path / "again") == expected
    assert s3.objects() == stored  # rendered again and overwritten with the right bytes


def test_an_unreachable_store_is_one_warning_and_a_local_build(
    s3: S3, tmp_path: Path
) -> None:
    config = workspace(tmp_path, tenants=3)
    expected = plain(config, tmp_path / "plain")
    s3.kill()
    # Worker processes each find the store gone; the run still says so once.
    result = build(config, tmp_path / "out", "--jobs", "2", "--format", "json")
    (found,) = cache_warnings(result)
    assert URL in found["message"] and "cannot connect to" in found["message"]
    assert "AWS_ENDPOINT_URL" in found["hint"]
    assert found["file"].endswith("ixm.toml") and found["line"] == 2
    assert files(tmp_path / "out") == expected
    assert files(local_cache(config))  # the local level still works

    clear(local_cache(config))  # else every image is a local hit: the store is not asked
    text = build(config, tmp_path / "text", "--jobs", "2", "--force")
    assert text.stderr.count(f"warning[cache]: remote cache {URL}") == 1


def test_the_store_going_away_mid_build(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workspace(tmp_path, tenants=3)
    expected = plain(config, tmp_path / "plain")
    put = remote.Store.put
    calls = {"n": 0}

    def put_then_die(self: remote.Store, name: str, blob: bytes) -> None:
        # The third upload of the first tenant kills the store: uploads in flight, the rest
        # of that tenant's and every later tenant's requests meet a dead endpoint.
        calls["n"] += 1
        if calls["n"] == 3:
            s3.kill()
        put(self, name, blob)

    monkeypatch.setattr(remote.Store, "put", put_then_die)
    result = build(config, tmp_path / "out", "--jobs", "1", "--format", "json")
    (found,) = cache_warnings(result)
    assert URL in found["message"]
    assert files(tmp_path / "out") == expected
    assert json.loads(result.stdout)["ok"] is True


def test_cache_info_and_prune_cover_the_remote(s3: S3, tmp_path: Path) -> None:
    config = workspace(tmp_path, tenants=1)
    build(config, tmp_path / "out", "--jobs", "1")
    stored = s3.objects()
    info = run_ixm("cache", "info", "--config", config)
    assert info.exit_code == 0, info.stderr
    assert f"{URL}/: {len(stored)} entries, {sum(map(len, stored.values()))} bytes" in info.stdout
    pruned = run_ixm("cache", "prune", "--max-size", "20K", "--config", config)
    assert pruned.exit_code == 0, pruned.stderr
    left = s3.objects()
    assert 0 < len(left) < len(stored) and sum(map(len, left.values())) <= 20 * 1024
    assert run_ixm("cache", "prune", "--config", config).exit_code == 0
    assert s3.objects() == {}

    s3.kill()  # asked about the store itself, its failure is the answer: exit 1, no traceback
    down = run_ixm("cache", "info", "--config", config)
    assert down.exit_code == 1
    assert f"error[cache]: remote cache {URL}/: cannot connect to" in down.stderr
    assert "Traceback" not in down.stderr


def test_a_dry_run_reads_the_remote_and_writes_nothing(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workspace(tmp_path, tenants=1)
    build(config, tmp_path / "out", "--jobs", "1")
    stored = s3.objects()
    clear(local_cache(config))
    no_rendering(monkeypatch)  # every image from the store, even in a dry run
    result = build(config, tmp_path / "elsewhere", "--jobs", "1", "--dry-run")
    assert "create" in result.stdout
    assert s3.objects() == stored
    assert not any(p.is_file() for p in local_cache(config).rglob("*"))
    assert not (tmp_path / "elsewhere").exists()


def test_a_missing_bucket_is_named_in_the_warning(s3: S3, tmp_path: Path) -> None:
    config = workspace(tmp_path, tenants=1)
    config.write_text('tenants = "tenants"\ncache = "s3://no-such-bucket/ci"\n')
    result = build(config, tmp_path / "out", "--jobs", "1", "--format", "json")
    (found,) = cache_warnings(result)
    assert f"the bucket does not exist at {s3.endpoint}" in found["message"]
    assert "create it" in found["hint"]


def test_refused_credentials_are_one_warning_with_a_credentials_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # moto checks signatures against its own IAM users once this count is used up: the
    # test's keys are unknown to it, as a revoked key is to a real store.
    with server(monkeypatch, tmp_path, INITIAL_NO_AUTH_ACTION_COUNT="0"):
        config = workspace(tmp_path, tenants=2)
        result = build(config, tmp_path / "out", "--jobs", "2", "--format", "json")
    (found,) = cache_warnings(result)
    assert "access denied (InvalidAccessKeyId)" in found["message"]
    assert "AWS_ACCESS_KEY_ID" in found["hint"] and "s3:ListBucket" in found["hint"]
    assert json.loads(result.stdout)["ok"] is True
