"""The build key of a tenant: the digest of everything its output depends on.

Equal keys mean equal outputs (builds are deterministic), so a tenant whose published
``build-info.json`` records the key of this build is skipped. The key covers ixm itself
(its version and the bytes of its code and data, so an edited checkout never reuses an old
output), Python, Pillow and zlib-ng (which deflates the PNGs), the installed targets and
their templates and base, the extension values, the platforms and environment, and the
bytes of every input file of the tenant: its manifest chain, its images and its override
files.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import PIL
from zlib_ng import zlib_ng

from ixm_cli import __version__
from ixm_cli.cache import file_digest
from ixm_cli.fsutil import walk_files
from ixm_cli.targets import Provided


@cache
def _tool() -> str:
    package = Path(__file__).resolve().parent
    found = sorted(
        (rel.as_posix(), file_digest(path))
        for rel, path, _ in walk_files(package, exclude=lambda r: r.name == "__pycache__")
        if rel.suffix in (".py", ".json")
    )
    return _digest([
        __version__, platform.python_version(), PIL.__version__, zlib_ng.ZLIBNG_VERSION, found
    ])


def base_digest(provided: Sequence[Provided], catalog: Path | None = None) -> str:
    """The installed targets (package, version) and every file of their templates, and the
    base's module catalog (``catalog``: its modules.yaml)."""
    parts: list[Any] = [] if catalog is None else [["modules", file_digest(catalog)]]
    for p in provided:
        files = sorted((rel.as_posix(), file_digest(path))
                       for rel, path, _ in walk_files(p.target.templates))
        parts.append([p.target.name, p.package, p.version, files])
    return _digest(parts)


def run_digest(
    *, base: str, platforms: Iterable[str], env: str | None, extensions: Mapping[str, Any]
) -> str:
    """What every tenant of one build shares: ixm, the targets and base, the platforms, the
    environment and the extension values."""
    return _digest([_tool(), base, sorted(platforms), env, extensions])


def tenant_key(*, run: str, inputs: Iterable[tuple[str, Path]]) -> str:
    """``run`` from :func:`run_digest`; ``inputs``: (name as the output records it, file)
    for every input of the tenant."""
    files = sorted((name, file_digest(path)) for name, path in inputs)
    return _digest([run, files])


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
