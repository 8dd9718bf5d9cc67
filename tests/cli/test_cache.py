"""The image cache named in ixm.toml: shared by tenants, verified on read, never an output
of its own.

* A build with a warm cache is byte-identical to one without any cache.
* A customer reuses its partner's images: the second tenant adds entries only for its own.
* A corrupted entry is detected by its digest, rendered again and repaired.
* A dry run reads the cache and leaves it as it is.
* ``ixm cache info`` / ``prune --max-size`` report and shrink it.
"""

from __future__ import annotations

from pathlib import Path

from ixm_test_helpers import make_tenant, run_ixm

from ixm_cli.index import INDEX


def files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` but the stat index (which records inodes and times)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != INDEX}


def entries(cache: Path) -> dict[str, bytes]:
    return files(cache / "images") if (cache / "images").is_dir() else {}


def workspace(tmp_path: Path) -> Path:
    make_tenant(tmp_path / "tenants", "alpha")
    (tmp_path / "ixm.toml").write_text('tenants = "tenants"\ncache = ".ixm-cache"\n')
    return tmp_path / "ixm.toml"


def build(config: Path, out: Path, *more: str) -> None:
    result = run_ixm("build", "--all", "--platform", "android,web", "--jobs", "1",
                     "--config", config, "--out", out, *more)
    assert result.exit_code == 0, result.stderr


def test_a_warm_cache_gives_the_same_bytes(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    cache = tmp_path / ".ixm-cache"
    build(config, tmp_path / "plain", "--no-cache")
    assert not cache.exists()
    build(config, tmp_path / "cold")
    stored = entries(cache)
    assert stored
    build(config, tmp_path / "warm")
    assert entries(cache) == stored  # every image came from the cache
    assert files(tmp_path / "warm") == files(tmp_path / "cold") == files(tmp_path / "plain")


def test_a_customer_reuses_its_partners_images(tmp_path: Path) -> None:
    root = tmp_path / "tenants"
    make_tenant(root, "alpha", parent="_partner")
    (tmp_path / "ixm.toml").write_text('tenants = "tenants"\ncache = ".ixm-cache"\n')
    config = tmp_path / "ixm.toml"
    result = run_ixm("build", "alpha", "--platform", "web", "--config", config,
                     "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    one = len(entries(tmp_path / ".ixm-cache"))
    make_tenant(root, "beta", parent="_partner")
    result = run_ixm("build", "beta", "--platform", "web", "--config", config,
                     "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    # beta's own images are alpha's bytes (same generated sources): nothing new to store.
    assert len(entries(tmp_path / ".ixm-cache")) == one


def test_a_corrupted_entry_is_a_miss_and_is_repaired(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    cache = tmp_path / ".ixm-cache"
    build(config, tmp_path / "cold")
    stored = entries(cache)
    victim = cache / "images" / sorted(stored)[0]
    blob = bytearray(victim.read_bytes())
    blob[-1] ^= 0xFF
    victim.write_bytes(bytes(blob))
    (cache / "images" / sorted(stored)[1]).write_bytes(b"")  # a partial write
    build(config, tmp_path / "again")
    assert files(tmp_path / "again") == files(tmp_path / "cold")
    assert entries(cache) == stored


def test_a_dry_run_leaves_the_cache_alone(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    result = run_ixm("build", "--all", "--config", config, "--out", tmp_path / "o",
                     "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / ".ixm-cache").exists()


def test_cache_info_and_prune(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    build(config, tmp_path / "cold")
    info = run_ixm("cache", "info", "--config", config)
    assert info.exit_code == 0
    count = len(entries(tmp_path / ".ixm-cache"))
    assert f"{count} entries" in info.stdout
    pruned = run_ixm("cache", "prune", "--max-size", "20K", "--config", config)
    assert pruned.exit_code == 0, pruned.stderr
    left = sum(len(b) for b in entries(tmp_path / ".ixm-cache").values())
    assert 0 < left <= 20 * 1024
    assert run_ixm("cache", "prune", "--config", config).exit_code == 0
    assert entries(tmp_path / ".ixm-cache") == {}
    bad = run_ixm("cache", "prune", "--max-size", "lots", "--config", config)
    assert bad.exit_code == 2


def test_no_cache_configured_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ixm.toml").write_text('tenants = "tenants"\n')
    result = run_ixm("cache", "info", "--config", tmp_path / "ixm.toml")
    assert result.exit_code == 1
    assert 'add cache = ".ixm-cache" to ixm.toml' in result.stderr


def test_a_remote_cache_with_credentials_is_refused_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "ixm.toml").write_text(
        'tenants = "tenants"\n'
        '# the shared cache\n'
        'cache  =  "s3://AKIAEXAMPLE:wJalrSECRET@ixm-cache/ci"\n')
    for args in (["cache", "info"], ["build", "--all"]):
        result = run_ixm(*args, "--config", tmp_path / "ixm.toml")
        assert result.exit_code == 1
        assert "ixm.toml:3:11: error[config]: cache: cache URL holds credentials" in (
            result.stderr)
        assert "AWS_ACCESS_KEY_ID" in result.stderr
        assert "wJalrSECRET" not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr


def test_a_bad_bucket_name_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ixm.toml").write_text('cache = "s3://My_Bucket/ci"\n')
    result = run_ixm("cache", "info", "--config", tmp_path / "ixm.toml")
    assert result.exit_code == 1
    assert "ixm.toml:1:9: error[config]: cache: 'My_Bucket' is not a valid bucket name" in (
        result.stderr)
    assert "hint: bucket names are 3-63 characters" in result.stderr
