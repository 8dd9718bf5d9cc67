"""``cache = "s3://…"`` values: what is a bucket and prefix, and what is refused (and how)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ixm_cli import remote


@pytest.mark.parametrize(("value", "bucket", "prefix"), [
    ("s3://ixm-cache", "ixm-cache", ""),
    ("s3://ixm-cache/", "ixm-cache", ""),
    ("s3://ixm-cache/ci", "ixm-cache", "ci/"),
    ("s3://ixm.cache.example/team/ci/", "ixm.cache.example", "team/ci/"),
    ("S3://abc/x-y_z", "abc", "x-y_z/"),
])
def test_a_bucket_and_a_prefix(value: str, bucket: str, prefix: str) -> None:
    url = remote.parse(value)
    assert (url.bucket, url.prefix) == (bucket, prefix)
    assert url.key("k") == f"{prefix}images/k"
    assert str(url) == f"s3://{bucket}/{prefix}"


@pytest.mark.parametrize(("value", "message"), [
    ("gs://bucket/p", "scheme 'gs' is not supported"),
    ("s3://", "names no bucket"),
    ("s3://AKIAEXAMPLE:wJalrSECRET@bucket/p", "holds credentials"),
    ("s3://minio.internal:9000/bucket", "names a host and port"),
    ("s3://bucket/p?versioning=1", "query or fragment"),
    ("s3://Bucket_Name/p", "'Bucket_Name' is not a valid bucket name"),
    ("s3://ab/p", "'ab' is not a valid bucket name"),
    ("s3://192.168.1.1/p", "is not a valid bucket name"),
    ("s3://bucket//p", "is not a clean key prefix"),
    ("s3://bucket/a/../b", "is not a clean key prefix"),
    ("s3://bucket/a\nb", "is not a clean key prefix"),
    ("s3://bucket/" + "p" * 600, "longer than 512 bytes"),
])
def test_refused_values_say_why_and_what_to_write(value: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        remote.parse(value)
    text, hint = caught.value.args
    assert message in text
    assert hint
    assert "wJalrSECRET" not in text + hint and "AKIAEXAMPLE" not in text + hint


def test_only_scheme_urls_are_urls() -> None:
    assert remote.is_url("s3://bucket") and remote.is_url("https://x")
    assert not remote.is_url(".ixm-cache") and not remote.is_url("c:/cache")


def test_start_up_does_not_import_boto3(tmp_path: Path) -> None:
    """boto3 costs a tenth of a second: only a build that uses an s3:// cache pays it."""
    (tmp_path / "ixm.toml").write_text('cache = "s3://ixm-cache/ci"\n')
    code = ("import sys; from ixm_cli import cli, config; config.load(config.find(__import__("
            "'pathlib').Path.cwd())); print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('boto3', 'botocore')))")
    found = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                           text=True, check=True)
    assert found.stdout.strip() == "[]"
