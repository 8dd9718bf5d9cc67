"""The shared remote level of the build cache: an S3-compatible object store
(``cache = "s3://bucket/prefix"`` in ixm.toml), so N CI runners render each image once.

What is here and why:

* :class:`S3Url` is parsed and checked without boto3, so a bad ``cache =`` value is a
  file:line:col error before anything is built, and ``ixm`` start-up never imports boto3
  unless an s3:// cache is configured and used.
* The endpoint (MinIO, Aliyun OSS, a private S3) and the credentials come only from
  botocore's standard chain: ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, ``AWS_PROFILE``,
  ``AWS_ACCESS_KEY_ID`` …, ``~/.aws/config``, instance roles. ixm.toml never holds a secret
  (it is committed), so a URL with credentials in it is refused.
* A remote cache is an optimisation, never a reason for a build to fail: the first failure
  that says the store is unusable (connection refused, a timeout, a 5xx, access denied, no
  credentials, no such bucket) opens a circuit breaker. Every later call in this process
  returns at once as a miss, and each :class:`ixm_cli.cache.Cache` that finds the breaker
  open reports one warning, which the build deduplicates to one per run. Timeouts are short
  and retries few, so an unreachable store costs seconds, not minutes.
* Worker processes each make their own client (a boto3 client must not cross a fork: it
  holds sockets), so the per-process state is keyed by the process id.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ixm_cli import __version__
from ixm_cli.errors import Location

SCHEME = "s3://"
CONNECT_TIMEOUT = 3.0
"""Seconds to open a connection: an S3 endpoint answers in milliseconds or not at all."""
READ_TIMEOUT = 15.0
"""Seconds to wait for a response: an entry is an image of at most a few MiB."""
ATTEMPTS = 2
"""Total attempts per request (botocore's standard retry mode): one retry rides out a blip;
more would multiply the timeout of a store that is really gone."""
COOLDOWN = 300.0
"""Seconds the breaker stays open after a failure: the rest of a typical build, while a
long-lived process (a test session, a service embedding ixm) tries again later."""
THREADS = 8
"""Concurrent requests of one process: entries are small, so latency, not bandwidth, is what
a cold runner waits for."""
MAX_ENTRY = 64 << 20
"""An entry larger than this is not one ixm wrote: a miss, never read into memory."""

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


@dataclass(frozen=True)
class S3Url:
    """``s3://bucket/prefix``: where the shared entries live (pickles to workers)."""

    bucket: str
    prefix: str
    """``""`` or a key prefix ending in ``/``."""
    origin: Location | None = field(default=None, compare=False)
    """Where ixm.toml set it, for warnings."""

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return f"{self.prefix}images/{name}"


def is_url(value: str) -> bool:
    """Whether a ``cache =`` value is a URL (``scheme://…``) rather than a folder."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def parse(value: str, origin: Location | None = None) -> S3Url:
    """Check ``s3://bucket[/prefix]``; a problem is a ``ValueError`` of (message, hint)."""
    if not value.lower().startswith(SCHEME):
        scheme = value.split("://", 1)[0]
        raise ValueError(f"cache URL scheme {scheme!r} is not supported",
                         'use a folder (cache = ".ixm-cache") or an S3-compatible store '
                         '(cache = "s3://bucket/prefix"; MinIO and Aliyun OSS speak S3)')
    rest = value[len(SCHEME):]
    host, _, path = rest.partition("/")
    if "@" in host:
        # Never echo what came before "@": it is a secret, and this message goes to CI logs.
        raise ValueError(
            "cache URL holds credentials; ixm.toml is committed, so it must not",
            "write s3://bucket/prefix and give credentials through the environment "
            "(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE) or ~/.aws/credentials, "
            "and rotate the key that was written here",
        )
    if "?" in rest or "#" in rest:
        raise ValueError("cache URL has a query or fragment",
                         "write s3://bucket/prefix; endpoint and options come from the "
                         "AWS environment variables or ~/.aws/config")
    if ":" in host:
        raise ValueError(
            f"cache URL names a host and port ({host!r}), not a bucket",
            "write s3://bucket/prefix and set the endpoint in AWS_ENDPOINT_URL_S3 (or "
            "AWS_ENDPOINT_URL, or endpoint_url in ~/.aws/config), e.g. "
            "AWS_ENDPOINT_URL=http://minio.internal:9000",
        )
    if not host:
        raise ValueError("cache URL names no bucket", 'write e.g. cache = "s3://ixm-cache/ci"')
    if not _BUCKET.fullmatch(host) or ".." in host or _IPV4.fullmatch(host) or (
            host.startswith("xn--")):
        raise ValueError(
            f"{host!r} is not a valid bucket name",
            "bucket names are 3-63 characters: lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit",
        )
    parts = path.split("/")
    if path.endswith("/"):
        parts.pop()
    if path and (any(p in ("", ".", "..") for p in parts)
                 or not path.isprintable() or "\\" in path):
        raise ValueError(
            f"cache URL prefix {path!r} is not a clean key prefix",
            "use '/'-separated names without empty, '.' or '..' parts, e.g. s3://bucket/ixm/ci",
        )
    prefix = "/".join(parts) + "/" if path else ""
    if len(prefix.encode("utf-8")) > 512:
        raise ValueError("cache URL prefix is longer than 512 bytes",
                         "S3 keys hold at most 1024 bytes; use a short prefix")
    return S3Url(host, prefix, origin)


@dataclass
class _Breaker:
    opened: float
    cause: str
    hint: str


class Unusable(Exception):
    """The store cannot be used now (see :attr:`cause`, :attr:`hint`)."""

    def __init__(self, cause: str, hint: str) -> None:
        super().__init__(cause)
        self.cause = cause
        self.hint = hint


@dataclass(frozen=True)
class Listed:
    key: str
    size: int
    modified: float


class Store:
    """One process's connection to one S3 location, behind a circuit breaker."""

    def __init__(self, url: S3Url) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._client: Any = None
        self._breaker: _Breaker | None = None

    # -- the breaker ----------------------------------------------------------------------

    def down(self) -> _Breaker | None:
        """Why the store is not used now, or None (the breaker is closed)."""
        with self._lock:
            if self._breaker is not None and (
                    time.monotonic() - self._breaker.opened > COOLDOWN):
                self._breaker = None  # half-open: the next request tries again
            return self._breaker

    def _trip(self, exc: BaseException) -> None:
        cause, hint = explain(exc, self._endpoint())
        with self._lock:
            if self._breaker is None:
                self._breaker = _Breaker(time.monotonic(), cause, hint)

    # -- requests -------------------------------------------------------------------------

    def get(self, name: str) -> bytes | None:
        """The stored blob, or None: absent, too large, or the store is down."""
        if self.down() is not None:
            return None
        try:
            client = self.client()
            reply = client.get_object(Bucket=self.url.bucket, Key=self.url.key(name))
            body = reply["Body"]
            try:
                if int(reply.get("ContentLength") or 0) > MAX_ENTRY:
                    return None
                data: bytes = body.read(MAX_ENTRY + 1)
            finally:
                body.close()
            return None if len(data) > MAX_ENTRY else data
        except Exception as exc:  # a miss, or a store to stop using: never a failed build
            if not _missing(exc):
                self._trip(exc)
            return None

    def put(self, name: str, blob: bytes) -> None:
        if self.down() is not None:
            return
        md5 = base64.b64encode(hashlib.md5(blob, usedforsecurity=False).digest()).decode()
        try:
            self.client().put_object(Bucket=self.url.bucket, Key=self.url.key(name),
                                     Body=blob, ContentMD5=md5,
                                     ContentType="application/octet-stream")
        except Exception as exc:  # a cache never fails a build
            self._trip(exc)

    def listing(self) -> Iterator[Listed]:
        """Every entry (``ixm cache info`` / ``prune``); raises :class:`Unusable`."""
        try:
            pages = self.client().get_paginator("list_objects_v2").paginate(
                Bucket=self.url.bucket, Prefix=self.url.key(""))
            for page in pages:
                for item in page.get("Contents", ()):
                    yield Listed(item["Key"], int(item["Size"]),
                                 item["LastModified"].timestamp())
        except Exception as exc:  # reported to the user, with the cause
            raise Unusable(*explain(exc, self._endpoint())) from None

    def delete(self, keys: list[str]) -> None:
        """Remove ``keys`` (1000 per request, the API's limit); raises :class:`Unusable`."""
        try:
            for start in range(0, len(keys), 1000):
                self.client().delete_objects(Bucket=self.url.bucket, Delete={
                    "Objects": [{"Key": k} for k in keys[start:start + 1000]],
                    "Quiet": True})
        except Exception as exc:  # reported to the user, with the cause
            raise Unusable(*explain(exc, self._endpoint())) from None

    # -- the client -----------------------------------------------------------------------

    def client(self) -> Any:
        """boto3's S3 client, made on first use (boto3 imports take a tenth of a second)."""
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.session.Session().client("s3", config=Config(
                    connect_timeout=CONNECT_TIMEOUT,
                    read_timeout=READ_TIMEOUT,
                    retries={"max_attempts": ATTEMPTS, "mode": "standard"},
                    max_pool_connections=THREADS,
                    user_agent_extra=f"ixm/{__version__}",
                    # Entries carry their own sha256, checked on every read. botocore's
                    # default CRC trailers (aws-chunked uploads) are refused by several
                    # S3-compatible stores (Aliyun OSS, older MinIO); Content-MD5 is not.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                ))
            return self._client

    def _endpoint(self) -> str:
        client = self._client
        return str(client.meta.endpoint_url) if client is not None else "the S3 endpoint"


_stores: dict[tuple[str, ...], Store] = {}
_stores_lock = threading.Lock()


def store(url: S3Url) -> Store:
    """This process's :class:`Store` for ``url`` under the current endpoint settings: one
    client and one breaker per process, shared by the tenants it builds."""
    env = tuple(os.environ.get(v, "") for v in (
        "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ACCESS_KEY_ID"))
    ident = (str(os.getpid()), str(url), *env)
    with _stores_lock:
        found = _stores.get(ident)
        if found is None:
            found = _stores[ident] = Store(url)
        return found


_ENDPOINT_HINT = ("check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (or endpoint_url in "
                  "~/.aws/config) and the network")
_CREDENTIALS_HINT = ("check the credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, "
                     "AWS_PROFILE, or ~/.aws/credentials")


def _missing(exc: BaseException) -> bool:
    """A plain miss: the store answered that there is no such entry."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("NoSuchKey", "NotFound") or (status == 404 and code != "NoSuchBucket")


def explain(exc: BaseException, endpoint: str) -> tuple[str, str]:
    """(cause in plain words, what to check) for a failed request."""
    from botocore import exceptions as bx

    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return "no AWS credentials were found", _CREDENTIALS_HINT
    if isinstance(exc, bx.ConnectTimeoutError):
        return f"connecting to {endpoint} timed out", _ENDPOINT_HINT
    if isinstance(exc, bx.ReadTimeoutError):
        return f"{endpoint} did not answer in time", _ENDPOINT_HINT
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectionClosedError):
        return f"cannot connect to {endpoint}", _ENDPOINT_HINT
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        code = str(error.get("Code", "")) or "unknown"
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "NoSuchBucket":
            return f"the bucket does not exist at {endpoint}", (
                "create it, or check the bucket name and AWS_ENDPOINT_URL_S3 / "
                "AWS_ENDPOINT_URL")
        if status == 403 or code in ("AccessDenied", "InvalidAccessKeyId",
                                     "SignatureDoesNotMatch", "ExpiredToken"):
            return f"access denied ({code})", (
                _CREDENTIALS_HINT + "; the key needs s3:GetObject, s3:PutObject and "
                "s3:ListBucket on the bucket")
        if isinstance(status, int) and status >= 500:
            return f"the store failed with HTTP {status} ({code})", _ENDPOINT_HINT
        return f"the store refused the request ({code}, HTTP {status})", _ENDPOINT_HINT
    text = str(exc).strip() or type(exc).__name__
    return text[0].lower() + text[1:], _ENDPOINT_HINT
