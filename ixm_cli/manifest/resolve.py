"""Where tenants are found, their ``extends`` chains, environment overlays, and provenance.

Maps deep-merge; scalars and lists replace (DESIGN.md, data flow 1). Each value keeps the
file:line:col it came from through every merge, so a diagnostic about an inherited colour
points into the parent's file, and one about a staging id into the overlay.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from ixm_cli.errors import Diagnostic, IxmError, Location, display_path, error
from ixm_cli.manifest.loader import Document, Key, load
from ixm_cli.manifest.model import ENV_NAME_PATTERN, OVERLAY_FORBIDDEN

MANIFEST = "brand.yaml"
MAX_EXTENDS_DEPTH = 8
MAX_ENVIRONMENTS = 16  # dev, test, staging, uat, preprod, demo… with room to spare
PROD = "prod"
"""The manifest without an overlay: `--env prod` is the same as no --env (DESIGN.md)."""
_ENV_NAME = re.compile(ENV_NAME_PATTERN)


@dataclass(frozen=True)
class Workspace:
    """The tenants root; every path ixm reads is below it. ``base``: the platform base the
    tenants are checked against (its module catalog); None for the bundled one."""

    tenants: Path
    base: Path | None = None

    @classmethod
    def at(cls, tenants: Path, base: Path | None = None) -> Workspace:
        return cls(tenants.resolve(), base)

    def manifest(self, slug: str) -> Path:
        return self.tenants / slug / MANIFEST

    def discover(self) -> list[str]:
        """Buildable tenants: folders holding a brand.yaml, minus parents (``_name``)."""
        if not self.tenants.is_dir():
            raise IxmError.single(
                "tenants",
                f"no tenants folder at {self.tenants}",
                None,
                "run ixm where ./tenants/ exists, or pass --tenants DIR",
            )
        return sorted(
            p.name
            for p in self.tenants.iterdir()
            if p.is_dir() and not p.name.startswith(("_", ".")) and (p / MANIFEST).is_file()
        )


@dataclass
class Merged:
    """Merged manifest data with the location of every value and key."""

    data: dict[str, Any]
    values: dict[Key, Location] = field(default_factory=dict)
    keys: dict[Key, Location] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # the chain, tenant first
    documents: list[Document] = field(default_factory=list)
    """Each file of the chain as written (tenant first): what a parent declared even where
    the tenant overrides it, for the inheritance checks."""

    def locate(self, path: Key) -> Location | None:
        """The best place to point at for ``path``: its value, else its key, else a parent's."""
        for n in range(len(path), -1, -1):
            sub = path[:n]
            value = _get(self.data, sub)
            if sub in self.keys and (value is None or isinstance(value, dict)):
                return self.keys[sub]  # a null or a block map is best shown at its key
            if sub in self.values:
                return self.values[sub]
            if sub in self.keys:
                return self.keys[sub]
        return Location(self.files[0]) if self.files else None

    def origin(self, path: Key) -> Path | None:
        """The manifest file that declared ``path`` (for relative paths in its value)."""
        loc = self.values.get(path) or self.keys.get(path)
        return loc.file if loc else None


_MISSING = object()


def _get(data: Any, path: Key) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return _MISSING
    return data


def get(merged: Merged, path: Key) -> Any:
    """The value at ``path``, or None when absent."""
    value = _get(merged.data, path)
    return None if value is _MISSING else value


def _subtable(table: dict[Key, Location], path: Key) -> dict[Key, Location]:
    n = len(path)
    return {k[n:]: v for k, v in table.items() if k[:n] == path and len(k) > n}


def _drop(table: dict[Key, Location], path: Key) -> None:
    n = len(path)
    for k in [k for k in table if k[:n] == path]:
        del table[k]


def merge_into(
    base: Merged, data: dict[str, Any], values: dict[Key, Location], keys: dict[Key, Location],
    at: Key = (),
) -> None:
    """Overlay ``data`` (positions relative to ``at``) onto ``base`` in place.

    Linear in the sizes of ``data`` and of what it replaces: positions are grouped by their
    first key once, and a replaced value's positions are dropped by walking that value. Scanning
    whole tables per key instead made a manifest of 40,000 keys take minutes to merge.
    """
    target = _get(base.data, at)
    assert isinstance(target, dict)
    own_values, own_keys = _by_head(values), _by_head(keys)
    for key, value in data.items():
        path = (*at, key)
        current = target.get(key, _MISSING)
        if isinstance(current, dict) and isinstance(value, dict):
            merge_into(
                base,
                value,
                {k[1:]: loc for k, loc in own_values.get(key, ()) if len(k) > 1},
                {k[1:]: loc for k, loc in own_keys.get(key, ()) if len(k) > 1},
                path,
            )
            if (key,) in keys:
                base.keys[path] = keys[(key,)]
            continue
        target[key] = _deepcopy(value)
        if current is not _MISSING:
            _drop_value(base.values, path, current)
            _drop_value(base.keys, path, current)
        for k, loc in own_values.get(key, ()):
            base.values[at + k] = loc
        for k, loc in own_keys.get(key, ()):
            base.keys[at + k] = loc


def _by_head(table: dict[Key, Location]) -> dict[Any, list[tuple[Key, Location]]]:
    groups: dict[Any, list[tuple[Key, Location]]] = {}
    for k, loc in table.items():
        if k:
            groups.setdefault(k[0], []).append((k, loc))
    return groups


def _drop_value(table: dict[Key, Location], path: Key, value: Any) -> None:
    """Forget the positions of ``value`` (at ``path``) and of everything inside it."""
    table.pop(path, None)
    if isinstance(value, dict):
        for k, sub in value.items():
            _drop_value(table, (*path, k), sub)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _drop_value(table, (*path, i), sub)


def _deepcopy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deepcopy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deepcopy(v) for v in value]
    return value


def path_problem(exc: OSError | ValueError | RuntimeError) -> str:
    """Why the system refused a path spelled by a manifest (or the command line), in words.

    Path checks raise on text no file system takes (a NUL byte: ValueError; a 300-character
    name: ENAMETOOLONG; a symlink loop on Python 3.10: RuntimeError); that is the user's input
    to fix, not a bug, so callers turn it into a diagnostic.
    """
    if isinstance(exc, ValueError):
        return "it contains a NUL character"
    if isinstance(exc, RuntimeError):
        return "it is a symlink loop"
    return (exc.strerror or "the system cannot use it").lower()


def _is_file(path: Path) -> bool | str:
    """``path.is_file()``, or why the path cannot even be asked about."""
    try:
        return path.is_file()
    except (OSError, ValueError) as exc:
        return path_problem(exc)


def load_chain(ws: Workspace, slug: str) -> list[Document]:
    """The tenant's manifest and its ancestors, tenant first."""
    path = ws.manifest(slug)
    if _is_file(path) is not True:
        known = ", ".join(ws.discover()) or "none"
        raise IxmError.single(
            "tenant",
            f"no tenant {slug!r}: {path} does not exist",
            None,
            f"tenants found: {known}",
        )
    chain: list[Document] = []
    seen: dict[Path, Location | None] = {}
    via: Location | None = None
    while True:
        real = path.resolve()
        if not real.is_relative_to(ws.tenants):
            raise IxmError.single(
                "extends",
                f"{path} resolves outside the tenants folder",
                via,
                "parents must live under the tenants folder",
            )
        if real in seen:
            cycle = " -> ".join(display_path(p) for p in [*(d.file for d in chain), path])
            raise IxmError.single(
                "extends", f"extends cycle: {cycle}", via, "remove one of the extends"
            )
        seen[real] = via
        doc = load(path)
        chain.append(doc)
        parent = doc.data.get("extends")
        if parent is None:
            return chain
        via = doc.values.get(("extends",))
        if not isinstance(parent, str) or not parent.strip():
            raise IxmError.single(
                "extends",
                "extends must be a relative path to a brand.yaml",
                via,
                "e.g. extends: ../_greentown/brand.yaml",
            )
        if Path(parent).is_absolute():
            raise IxmError.single(
                "extends",
                f"{parent!r} is an absolute path",
                via,
                "write it relative to this manifest, e.g. ../_greentown/brand.yaml",
            )
        if len(chain) > MAX_EXTENDS_DEPTH:
            raise IxmError.single(
                "extends",
                f"extends chain is deeper than {MAX_EXTENDS_DEPTH}",
                via,
                "flatten the chain: a partner and its customers need two or three levels",
            )
        # Lexically normalised (tenants/_p/brand.yaml, not tenants/acme/../_p/brand.yaml) so
        # diagnostics and provenance name the file as people know it; containment below
        # still resolves symlinks.
        path = Path(os.path.normpath((doc.file.parent / parent).absolute()))
        try:
            if path.is_dir():
                path = path / MANIFEST
            inside = path.resolve().is_relative_to(ws.tenants)
        except (OSError, ValueError, RuntimeError) as exc:
            raise IxmError.single(
                "extends",
                f"{parent!r} is not a usable path: {path_problem(exc)}",
                via,
                "write a short relative path to a brand.yaml, e.g. ../_greentown/brand.yaml",
            ) from None
        if not inside:
            raise IxmError.single(
                "extends",
                f"{parent!r} points outside the tenants folder",
                via,
                "a parent manifest must live under the tenants folder",
            )
        if _is_file(path) is not True:
            near = nearest_parent(ws, parent, doc.file)
            raise IxmError.single(
                "extends",
                f"parent manifest {parent!r} does not exist",
                via,
                f"did you mean extends: {near}?" if near else
                "check the path; it is relative to this manifest's folder",
            )


def nearest_parent(ws: Workspace, written: str, manifest: Path) -> str | None:
    """The existing manifest that ``extends: written`` most likely meant, as the relative
    path to write (``greentown`` → ``../_greentown/brand.yaml``); None when nothing is close.

    Designers name the brand, not the path: the folder's name is compared with and without
    the leading ``_`` that marks a parent, and parents win a tie.
    """
    wanted = PurePath(written.replace("\\", "/"))
    parts = [p for p in wanted.parts if p not in ("..", ".", "/", MANIFEST)]
    if not parts:
        return None
    name = parts[-1].lower().lstrip("_")
    try:
        folders = sorted(
            (p for p in ws.tenants.iterdir() if (p / MANIFEST).is_file()),
            key=lambda p: (not p.name.startswith("_"), p.name),
        )
    except OSError:
        return None
    own = manifest.parent.resolve()
    by_name = {p.name.lower().lstrip("_"): p for p in reversed(folders) if p.resolve() != own}
    close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
    if not close:
        return None
    target = by_name[close[0]] / MANIFEST
    return Path(os.path.relpath(target, manifest.parent)).as_posix()


def merge_chain(chain: list[Document]) -> tuple[Merged, list[Any]]:
    """Merge parent-first; returns the merge and diagnostics about the chain itself."""
    problems = []
    merged = Merged(data={}, files=[d.file for d in chain], documents=list(chain))
    for depth, doc in enumerate(reversed(chain)):
        is_tenant = depth == len(chain) - 1
        data = dict(doc.data)
        values, keys = dict(doc.values), dict(doc.keys)
        if not is_tenant:
            data.pop("extends", None)
            if doc.file.parent.name.startswith("_") and "tenant" in data:
                problems.append(
                    error(
                        "tenant",
                        "a parent manifest (folder starting with '_') has no tenant key",
                        doc.keys.get(("tenant",)),
                        "remove the tenant line; parents are never built on their own",
                    )
                )
        merge_into(merged, data, values, keys)
    return merged, problems


def environments(merged: Merged) -> list[str]:
    envs = get(merged, ("environments",))
    return sorted(k for k in envs if isinstance(k, str)) if isinstance(envs, dict) else []


def apply_environment(merged: Merged, env: str | None) -> tuple[Merged, list[Any]]:
    """A copy of ``merged`` with ``environments.<env>`` laid over it (and no environments).

    ``env`` None or ``"prod"`` is the manifest itself.
    """
    env = None if env == PROD else env
    out = Merged(
        data=_deepcopy(merged.data), values=dict(merged.values), keys=dict(merged.keys),
        files=list(merged.files), documents=merged.documents,
    )
    envs = out.data.pop("environments", None)
    _drop(out.values, ("environments",))
    _drop(out.keys, ("environments",))
    problems: list[Any] = []
    if envs is not None and not isinstance(envs, dict):
        # Popped above before the structure check sees it: judged here, or a string or a
        # list in its place would pass silently and every --env would say "no environment".
        found = "a list" if isinstance(envs, list) else "text" if isinstance(envs, str) else (
            "a number" if isinstance(envs, (int, float)) and not isinstance(envs, bool)
            else "a value"
        )
        problems.append(
            error(
                "environments",
                f"environments must be a mapping of environment names to overlays; found {found}",
                merged.keys.get(("environments",)) or merged.locate(("environments",)),
                "e.g. environments: {staging: {endpoints: {api: https://api-staging.example}}}",
            )
        )
    if isinstance(envs, dict) and len(envs) > MAX_ENVIRONMENTS:
        problems.append(
            error(
                "environments",
                f"{len(envs)} environments; at most {MAX_ENVIRONMENTS} are checked and built",
                merged.keys.get(("environments",)) or merged.locate(("environments",)),
                "keep the overlays you deploy (dev, staging, …); remove the others",
            )
        )
    if isinstance(envs, dict):
        problems += _environment_names(merged, list(envs))
    if env is None:
        return out, problems
    if not isinstance(envs, dict) or env not in envs:
        known = ", ".join(environments(merged)) or "none"
        raise IxmError.single(
            "environments",
            f"no environment {env!r}",
            merged.locate(("environments",)),
            f"environments defined: {known}",
        )
    overlay = envs[env]
    base = ("environments", env)
    if overlay is None:
        return out, problems
    if not isinstance(overlay, dict):
        raise IxmError.single(
            f"environments.{env}",
            "an environment must be a mapping of keys to override",
            merged.locate(base),
            "e.g. staging: {endpoints: {api: https://api-staging.example}}",
        )
    overlay = dict(overlay)
    for key in OVERLAY_FORBIDDEN:
        if key in overlay:
            problems.append(
                error(
                    f"environments.{env}.{key}",
                    f"{key!r} cannot be changed by an environment",
                    merged.keys.get((*base, key)),
                    f"move {key!r} out of environments.{env}",
                )
            )
            del overlay[key]
    merge_into(out, overlay, _subtable(merged.values, base), _subtable(merged.keys, base))
    return out, problems


def _environment_names(merged: Merged, names: list[Any]) -> list[Diagnostic]:
    found = []
    for name in names[:MAX_ENVIRONMENTS]:
        where = merged.keys.get(("environments", name))
        if name == PROD:
            found.append(error(
                "environments", "'prod' is the manifest itself, not an overlay", where,
                "put production values at the top level; name overlays dev, staging, …",
            ))
        elif not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
            found.append(error(
                "environments", f"{name!r} is not a valid environment name", where,
                "lowercase letters, digits and '-', starting with a letter, e.g. staging",
            ))
    return found
