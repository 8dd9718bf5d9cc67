"""The local build cache: derived images by content, shared across tenants, environments
and platforms, so a partner's images are rendered once for all its customers.

Bazel's action cache is the model: an entry's key is the digest of everything that
determines its bytes (the job, the source images' bytes, ixm's and Pillow's versions), and an
entry is verified by digest when read: a corrupt or partial entry is a miss (and is
removed), never an output. Entries are written atomically (a temporary file renamed into
place), so concurrent builds sharing a cache never see half an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import PIL

from ixm_cli import __version__, remote
from ixm_cli.errors import Diagnostic, IxmError, display_path, warning
from ixm_cli.remote import S3Url

SCHEMA = "ixm-cache/v3"
"""v2: sources over 2048 px are reduced while decoding, and SVG sources are drawn by resvg;
v3: only sources over 2732 px are; entries made before either are not the bytes a build
makes now (from a 2049–2732 px source, say)."""
RESVG_VERSION = importlib.metadata.version("resvg-py")
DIGEST = 32  # sha256 bytes heading every entry
LOCAL_FOLDER = ".ixm-cache"
"""The local level next to ixm.toml when ``cache`` names a remote store."""


@dataclass(frozen=True)
class Spec:
    """Where a build's cache lives: a local folder, and optionally a shared remote store
    behind it (read local, then remote; write both). Small and frozen: it pickles to
    worker processes, each of which opens its own connection."""

    local: Path
    remote: S3Url | None = None


@dataclass(frozen=True)
class Info:
    root: Path | S3Url
    entries: int
    bytes: int

    def label(self) -> str:
        return display_path(self.root) if isinstance(self.root, Path) else str(self.root)


def _verified(blob: bytes) -> bytes | None:
    """The entry's data when its sha256 header matches, else None (corrupt or partial)."""
    digest, data = blob[:DIGEST], blob[DIGEST:]
    if len(blob) < DIGEST or hashlib.sha256(data).digest() != digest:
        return None
    return data


class Cache:
    """Content-addressed entries under ``root/images/<ab>/<key>``, and, with ``remote``,
    in a shared S3-compatible store under ``<prefix>images/<key>`` (same bytes: the sha256
    header, then the data). Reads try the folder, then the store (a remote hit is kept in
    the folder); writes go to both. A store that fails is left alone for the rest of the
    run (see :mod:`ixm_cli.remote`) and reported once through :attr:`warnings`."""

    def __init__(self, root: Path, *, readonly: bool = False,
                 remote: S3Url | None = None) -> None:
        self.root = root
        self.readonly = readonly
        """A dry run reads the cache but leaves it as it is."""
        self.remote = remote
        self.hits = 0
        self.misses = 0
        self.remote_hits = 0
        self.corrupt = 0
        """Remote entries that failed verification (counted, not shown: each is a miss and
        is overwritten when the image is rendered again)."""
        self._down: tuple[str, str] | None = None

    @classmethod
    def of(cls, spec: Spec, *, readonly: bool = False) -> Cache:
        return cls(spec.local, readonly=readonly, remote=spec.remote)

    @property
    def warnings(self) -> list[Diagnostic]:
        """One warning when the remote store failed while this cache used it."""
        if self._down is None or self.remote is None:
            return []
        cause, hint = self._down
        return [warning("cache", f"remote cache {self.remote} is not used: {cause}; "
                        "building with the local cache only", self.remote.origin, hint)]

    def _store(self) -> remote.Store | None:
        """The remote level, or None: none configured, or it failed (then noted)."""
        if self.remote is None:
            return None
        store = remote.store(self.remote)
        self._note(store)
        return None if store.down() is not None else store

    def _note(self, store: remote.Store) -> None:
        down = store.down()
        if down is not None and self._down is None:
            self._down = (down.cause, down.hint)

    def _path(self, key: str) -> Path:
        return self.root / "images" / key[:2] / key

    def get(self, key: str) -> bytes | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The verified entries found for ``keys`` (a key without one is a miss)."""
        found: dict[str, bytes] = {}
        absent: list[str] = []
        for key in dict.fromkeys(keys):
            data = self._get_local(key)
            if data is None:
                absent.append(key)
            else:
                found[key] = data
        store = self._store()
        if store is not None and absent:
            # Requests in threads: a cold runner waits on round trips, not on bandwidth.
            with ThreadPoolExecutor(min(remote.THREADS, len(absent))) as pool:
                blobs = list(pool.map(store.get, absent))
            self._note(store)
            for key, blob in zip(absent, blobs, strict=True):
                if blob is None:
                    continue
                data = _verified(blob)
                if data is None:
                    self.corrupt += 1
                    continue
                self.remote_hits += 1
                found[key] = data
                self._put_local(key, blob)
        self.hits += len(found)
        self.misses += len(set(absent) - found.keys())
        return found

    def _get_local(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        data = _verified(blob)
        if data is None and not self.readonly:
            with contextlib.suppress(OSError):
                path.unlink()
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store ``data``; a cache that cannot be written is only a slower build."""
        self.put_many({key: data})

    def put_many(self, entries: Mapping[str, bytes]) -> None:
        if self.readonly or not entries:
            return
        blobs = {key: hashlib.sha256(data).digest() + data for key, data in entries.items()}
        for key, blob in blobs.items():
            self._put_local(key, blob)
        store = self._store()
        if store is not None:
            with ThreadPoolExecutor(min(remote.THREADS, len(blobs))) as pool:
                list(pool.map(store.put, blobs.keys(), blobs.values()))
            self._note(store)

    def _put_local(self, key: str, blob: bytes) -> None:
        if self.readonly:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            Path(tmp).replace(path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                Path(tmp).unlink()

    def info(self) -> Info:
        files = [p for p in (self.root / "images").rglob("*") if p.is_file()] if (
            self.root / "images").is_dir() else []
        return Info(self.root, len(files), sum(p.stat().st_size for p in files))

    def remote_info(self) -> Info | None:
        """The remote level's entries and bytes (None without one); a store that cannot be
        listed is an :class:`IxmError` here: the user asked about it."""
        if self.remote is None:
            return None
        listed = _listing(remote.store(self.remote))
        return Info(self.remote, len(listed), sum(e.size for e in listed))

    def prune_remote(self, max_bytes: int) -> Info | None:
        """Remove the oldest remote entries (by LastModified) until ``max_bytes`` fit."""
        if self.remote is None:
            return None
        store = remote.store(self.remote)
        listed = sorted(_listing(store), key=lambda e: (e.modified, e.key))
        total = sum(e.size for e in listed)
        doomed = []
        for entry in listed:
            if total <= max_bytes:
                break
            doomed.append(entry.key)
            total -= entry.size
        try:
            store.delete(doomed)
        except remote.Unusable as exc:
            raise _unusable(store, exc) from None
        return self.remote_info()

    def prune(self, max_bytes: int) -> Info:
        """Remove the least recently written entries until the cache holds ``max_bytes``."""
        images = self.root / "images"
        files = sorted(
            (p for p in images.rglob("*") if p.is_file()) if images.is_dir() else [],
            key=lambda p: (p.stat().st_mtime_ns, p.name),
        )
        total = sum(p.stat().st_size for p in files)
        for path in files:
            if total <= max_bytes:
                break
            size = path.stat().st_size
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
        return self.info()


def _listing(store: remote.Store) -> list[remote.Listed]:
    try:
        return list(store.listing())
    except remote.Unusable as exc:
        raise _unusable(store, exc) from None


def _unusable(store: remote.Store, exc: remote.Unusable) -> IxmError:
    return IxmError.single("cache", f"remote cache {store.url}: {exc.cause}",
                           store.url.origin, exc.hint)


def image_key(render_key: tuple[object, ...], sources: Mapping[str, str]) -> str:
    """The digest of one image job: what it does and the bytes of the sources it reads."""
    text = repr((SCHEMA, __version__, PIL.__version__, RESVG_VERSION, render_key,
                 sorted(sources.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
