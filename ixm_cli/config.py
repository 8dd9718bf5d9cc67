"""The workspace file ``ixm.toml``: where the tenants, the output and the platform base are.

Found by walking up from the current directory (as git finds ``.git``); ``--config FILE``
names one. Paths in it are relative to its own folder. Without one, ixm uses the bundled
example base, ``./tenants`` and ``./dist``, so a checkout of ixm builds as it is.

```toml
base = "vendor/base"          # a folder laid out like brand_templates/, or an installed
                              # package holding one (its import name)
tenants = "tenants"
out = "dist"
platforms = ["android", "ios"]   # the default selection of `ixm build`
cache = ".ixm-cache"          # derived images by content, shared by every tenant; or
                              # "s3://bucket/prefix": shared by every runner (see remote.py)

[extensions.android]          # extension points of the base's templates
gradle_plugins = [{ id = "com.google.gms.google-services", version = "4.4.2" }]

[extensions.ios]
info_plist = { NSCameraUsageDescription = "Scan documents" }
entitlements = { "com.apple.developer.associated-domains" = ["applinks:example.com"] }
```
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ixm_cli import remote
from ixm_cli.cache import LOCAL_FOLDER, Spec
from ixm_cli.errors import Diagnostic, IxmError, Location, error, pydantic_message

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

FILE_NAME = "ixm.toml"
MAX_BYTES = 1 << 20
"""A workspace file is a few lines; a larger one is refused before it is parsed."""


class _File(BaseModel):
    """What ``ixm.toml`` may hold (extra keys are errors, with their name)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    base: str | None = None
    tenants: str | None = None
    out: str | None = None
    platforms: list[str] | None = None
    cache: str | None = None
    extensions: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class Config:
    """The workspace as ixm uses it: absolute paths, the base resolved."""

    file: Path | None = None
    base: Path | None = None
    """The vendor's platform base, or None for the bundled one."""
    tenants: Path = Path("tenants")
    out: Path = Path("dist")
    platforms: str | None = None
    """The default ``--platform`` value (comma-separated), or None for every default target."""
    cache: Spec | None = None
    """The build cache: its folder, and a shared remote store behind it (None: no cache)."""
    extensions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Raw ``[extensions.<target>]`` tables; each target validates its own."""


def find(start: Path) -> Path | None:
    """The nearest ``ixm.toml`` in ``start`` or a folder above it."""
    here = start.absolute()
    for folder in (here, *here.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def load(path: Path | None) -> Config:
    """Read and check ``path`` (None: no workspace file, every default)."""
    if path is None:
        return Config()
    raw = _parse(path)
    try:
        data = _File.model_validate(raw)
    except ValidationError as exc:
        raise IxmError([_problem(path, e) for e in exc.errors()]) from None
    folder = path.absolute().parent
    return Config(
        file=path,
        base=None if data.base is None else _base(path, folder, data.base),
        tenants=folder / data.tenants if data.tenants else Config.tenants,
        out=folder / data.out if data.out else Config.out,
        platforms=",".join(data.platforms) if data.platforms is not None else None,
        cache=_cache(path, folder, data.cache) if data.cache else None,
        extensions=data.extensions,
    )


def _parse(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IxmError.single(
            "config", f"cannot read {path.name}: {(exc.strerror or str(exc)).lower()}",
            Location(path), "check that the file exists and is readable",
        ) from None
    if len(raw) > MAX_BYTES:
        raise IxmError.single("config", f"{path.name} is larger than 1 MiB", Location(path),
                              "a workspace file holds a few settings")
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
        return data
    except UnicodeDecodeError:
        raise IxmError.single("config", f"{path.name} is not UTF-8 text", Location(path),
                              "save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "<what> (at line L, column C)"; put the position where editors look.
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = Location(path, int(found[1]), int(found[2])) if found else Location(path)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        raise IxmError.single("config", f"{path.name} is not valid TOML: {message}", where,
                              "see https://toml.io for the syntax") from None


def _problem(path: Path, e: Any) -> Diagnostic:
    key = ".".join(str(p) for p in e["loc"])
    if e["type"] == "extra_forbidden":
        message = f"unknown setting {key!r}"
        hint = "settings are base, tenants, out, platforms, cache and [extensions.<target>]"
    else:
        message = f"{key}: {pydantic_message(e['msg'])}"
        hint = "see the README's ixm.toml section"
    return error("config", message, Location(path), hint)


def _cache(path: Path, folder: Path, value: str) -> Spec:
    """A folder (relative to ixm.toml), or ``s3://bucket/prefix`` with ``.ixm-cache/`` next
    to ixm.toml as its local first level."""
    if not remote.is_url(value):
        return Spec(folder / value)
    where = _value_location(path, "cache")
    try:
        url = remote.parse(value, where)
    except ValueError as exc:
        message, hint = exc.args
        raise IxmError.single("config", f"cache: {message}", where, hint) from None
    return Spec(folder / LOCAL_FOLDER, url)


def _value_location(path: Path, key: str) -> Location:
    """Where the top-level ``key = value`` starts its value (tomllib keeps no positions; a
    top-level key is a line of its own before the first table)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return Location(path)
    names = "|".join(re.escape(q + key + q) for q in ("", '"', "'"))
    pattern = re.compile(rf"\s*(?:{names})\s*=\s*")
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("["):
            break
        found = pattern.match(line)
        if found:
            return Location(path, number, found.end() + 1)
    return Location(path)


def _base(path: Path, folder: Path, value: str) -> Path:
    """A folder (relative to ixm.toml), or the import name of an installed package that
    holds a base (a vendor ships its base as a wheel)."""
    candidate = folder / value
    if candidate.is_dir():
        return candidate
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", value):
        spec = importlib.util.find_spec(value.split(".")[0]) and importlib.util.find_spec(value)
        if spec is not None and spec.submodule_search_locations:
            return Path(next(iter(spec.submodule_search_locations)))
    raise IxmError.single(
        "config",
        f"base {value!r} is neither a folder (next to {path.name}) nor an installed package",
        Location(path),
        "name a folder laid out like ixm's brand_templates/, or pip install the vendor's "
        "base package",
    )
