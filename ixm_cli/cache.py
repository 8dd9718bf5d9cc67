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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import PIL

from ixm_cli import __version__

SCHEMA = "ixm-cache/v2"
"""v2: sources over 2048 px are reduced while decoding, and SVG sources are drawn by resvg;
entries made before either are not the bytes a build makes now."""
RESVG_VERSION = importlib.metadata.version("resvg-py")
DIGEST = 32  # sha256 bytes heading every entry


@dataclass(frozen=True)
class Info:
    root: Path
    entries: int
    bytes: int


class Cache:
    """Content-addressed entries under ``root/images/<ab>/<key>``."""

    def __init__(self, root: Path, *, readonly: bool = False) -> None:
        self.root = root
        self.readonly = readonly
        """A dry run reads the cache but leaves it as it is."""
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / "images" / key[:2] / key

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        digest, data = blob[:DIGEST], blob[DIGEST:]
        if len(blob) < DIGEST or hashlib.sha256(data).digest() != digest:
            if not self.readonly:
                with contextlib.suppress(OSError):
                    path.unlink()
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store ``data``; a cache that cannot be written is only a slower build."""
        if self.readonly:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(data).digest() + data)
            Path(tmp).replace(path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                Path(tmp).unlink()

    def info(self) -> Info:
        files = [p for p in (self.root / "images").rglob("*") if p.is_file()] if (
            self.root / "images").is_dir() else []
        return Info(self.root, len(files), sum(p.stat().st_size for p in files))

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
