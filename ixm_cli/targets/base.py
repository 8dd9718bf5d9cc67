"""What a target is, and the registry of one build.

A target is one module plus its templates: it names its templates and platform base, the
images it derives, its override folders, where tenant.json goes and what its bundle holds.
Nothing else in ixm lists targets: the registry is filled from the entry-point group
``ixm.targets``, where ixm's own targets are registered exactly as a plug-in's are (Style
Dictionary's lesson, and pytest's ``pytest11``). A registry is made per build, never global.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ixm_cli.assets.plan import AssetJob, AssetSources
from ixm_cli.errors import IxmError, Location, error, pydantic_message
from ixm_cli.manifest.brand import Brand

ENTRY_POINTS = "ixm.targets"


@dataclass(frozen=True)
class Render:
    """Render the cookiecutter template ``template`` (a folder under the target's templates)
    with ``variables``; its files go under ``into`` (relative to ``dist/<tenant>/``)."""

    template: str
    into: str = "."
    variables: Mapping[str, Any] = field(default_factory=dict)


Planner = Callable[[AssetSources, frozenset[str]], list[AssetJob]]


@dataclass(frozen=True)
class Target:
    name: str
    platforms: frozenset[str]
    """Built when any of these platforms is selected. A target whose own name is in it is a
    *platform*: chosen with ``--platform`` and zipped into a bundle of its own."""
    renders: Callable[[Brand, frozenset[str]], list[Render]]
    templates: Path
    """The folder holding this target's templates and base (a plug-in ships its own)."""
    base: tuple[tuple[str, str], ...] = ()
    """(folder under ``templates``, into): the platform base, copied verbatim."""
    view: Callable[[Brand], Mapping[str, Any]] | None = None
    """Data only this target's templates need, offered to every template as _ixm.<name>."""
    assets: Planner | None = None
    """The images (and their descriptor files) this target derives from the brand's sources."""
    overrides: tuple[tuple[str, str], ...] = ()
    """(folder under the tenant's ``overrides/``, the platform whose build lays it)."""
    config_dir: str | None = None
    """Where this platform's tree keeps tenant.json."""
    bundle: tuple[str, ...] = ()
    """Folders of ``dist/<tenant>/`` this platform's zip holds."""
    default: bool = True
    """Built when no ``--platform`` is given (a plug-in may be opt-in)."""
    files: Callable[[Brand], Mapping[str, bytes | Path]] | None = None
    """Files outside the templates (output path -> content): a tenant file placed verbatim
    (its checked Path, e.g. a Firebase config; hashed into build-info.json as an input) or
    bytes made from the brand (e.g. the .well-known files, whose JSON no template escapes)."""
    filters: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    """Escaping filters this target's templates use, for formats ixm does not know."""
    extensions: type[BaseModel] | None = None
    """The extension points of this target's templates: what ``[extensions.<name>]`` in
    ixm.toml may hold (a pydantic model; its dump is offered as _ixm.extensions.<name>)."""

    @property
    def is_platform(self) -> bool:
        return self.name in self.platforms


@dataclass(frozen=True)
class Provided:
    """A registered target and the installed package that provides it."""

    target: Target
    package: str
    version: str


class Registry:
    """The targets of one build, in name order."""

    def __init__(self, provided: Iterable[Provided | Target] = ()) -> None:
        self._targets: dict[str, Provided] = {}
        for item in provided:
            self.register(item)

    def register(self, item: Provided | Target) -> None:
        entry = item if isinstance(item, Provided) else Provided(item, "(in-process)", "")
        name = entry.target.name
        if name in self._targets:
            other = self._targets[name].package
            raise IxmError.single(
                "targets",
                f"target {name!r} is registered twice (by {other} and by {entry.package})",
                None,
                "uninstall one of the two packages",
            )
        self._targets = dict(sorted({**self._targets, name: entry}.items()))

    @classmethod
    def installed(cls) -> Registry:
        """Every target registered under the ``ixm.targets`` entry-point group.

        A plug-in that fails to load is the user's to fix (uninstall or upgrade it), so it is
        an :class:`IxmError` naming its package, never a traceback.
        """
        registry = cls()
        for ep in sorted(metadata.entry_points(group=ENTRY_POINTS), key=lambda e: e.name):
            dist = ep.dist
            package = dist.metadata["Name"] if dist is not None else ep.value
            version = dist.version if dist is not None else ""
            try:
                target = ep.load()
            except Exception as exc:  # noqa: BLE001 - any failure of foreign code is reported
                raise _broken(package, ep.name, f"it failed to load: {type(exc).__name__}: "
                              f"{exc}") from None
            if not isinstance(target, Target):
                raise _broken(package, ep.name, f"{ep.value} is not an ixm Target")
            if target.name != ep.name:
                raise _broken(package, ep.name, f"it declares a target named {target.name!r}")
            registry.register(Provided(target, package, version))
        if not registry._targets:
            raise IxmError.single(
                "targets",
                "no targets are registered",
                None,
                "reinstall ixm (pip install ixm-cli, or pip install -e . in its repository): "
                "its targets are registered as entry points when it is installed",
            )
        return registry

    def with_base(self, base: Path | None) -> Registry:
        """The same targets, each taking its templates from ``base/<name>/`` where the
        vendor's base has that folder."""
        if base is None:
            return self
        return Registry(
            dataclasses.replace(
                p, target=dataclasses.replace(p.target, templates=base / p.target.name)
            )
            if (base / p.target.name).is_dir()
            else p
            for p in self._targets.values()
        )

    def provided(self) -> list[Provided]:
        return list(self._targets.values())

    def targets(self) -> list[Target]:
        return [p.target for p in self._targets.values()]

    def platforms(self) -> list[str]:
        return [t.name for t in self.targets() if t.is_platform]

    def selected(self, platforms: frozenset[str]) -> list[Target]:
        return [t for t in self.targets() if t.platforms & platforms]

    def platform(self, name: str) -> Target:
        return self._targets[name].target

    def parse_platforms(self, value: str | None) -> frozenset[str]:
        """``--platform``: comma-separated platform names; the default ones when not given."""
        known = self.platforms()
        if not value:
            return frozenset(t.name for t in self.targets() if t.is_platform and t.default)
        chosen = {p.strip() for p in value.split(",") if p.strip()}
        unknown = chosen - set(known)
        if unknown or not chosen:
            raise IxmError.single(
                "platform",
                f"unknown platform {', '.join(sorted(unknown))}" if unknown
                else "no platform named",
                None,
                f"choose from {', '.join(known)}, comma-separated",
            )
        return frozenset(chosen)

    def override_folders(self) -> list[tuple[str, str]]:
        """(folder under overrides/, the platform that lays it), for every target."""
        return [o for t in self.targets() for o in t.overrides]


def extension_values(
    targets: Sequence[Target], given: Mapping[str, Mapping[str, Any]], source: Path | None
) -> dict[str, dict[str, Any]]:
    """Each target's ``[extensions.<name>]`` from ixm.toml, checked by the target's own model
    (defaults filled), for every target that declares extension points.

    A table for a target that is not installed, or has no extension points, is an error:
    silently ignoring a vendor's Gradle plugin would ship an app without it.
    """
    known = {t.name: t for t in targets}
    where = Location(source) if source is not None else None
    problems = []
    for name in sorted(given):
        target = known.get(name)
        if target is None or target.extensions is None:
            have = ", ".join(sorted(n for n, t in known.items() if t.extensions)) or "none"
            why = "is not an installed target" if target is None else "has no extension points"
            problems.append(error("config", f"[extensions.{name}]: {name!r} {why}", where,
                                  f"targets with extension points: {have}"))
    values: dict[str, dict[str, Any]] = {}
    for target in targets:
        if target.extensions is None:
            continue
        try:
            values[target.name] = target.extensions.model_validate(
                dict(given.get(target.name, {}))).model_dump(mode="json")
        except ValidationError as exc:
            for e in exc.errors():
                key = ".".join(str(p) for p in e["loc"])
                message = f"[extensions.{target.name}] {key}: {pydantic_message(e['msg'])}"
                problems.append(error("config", message, where,
                                      "see the README's section on extension points"))
    if problems:
        raise IxmError(problems)
    return values


def _broken(package: str, name: str, why: str) -> IxmError:
    return IxmError.single(
        "targets",
        f"the ixm plug-in {package} (target {name!r}) is broken: {why}",
        None,
        f"upgrade or uninstall {package}",
    )


def template_view(
    common: Mapping[str, Any],
    brand: Brand,
    targets: Sequence[Target],
    extensions: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The common brand view plus each selected target's own part under its name, and the
    base's extension values under ``extensions``."""
    view = dict(common)
    given = extensions or {}
    view["extensions"] = {
        t.name: given.get(t.name) or t.extensions().model_dump(mode="json")
        for t in targets if t.extensions is not None
    }
    for target in targets:
        if target.view is not None:
            if target.name in view:
                raise ValueError(f"target {target.name!r} would shadow the brand view's key")
            view[target.name] = target.view(brand)
    return view


def bundled(name: str) -> Path:
    """The folder of one of ixm's own targets in the bundled platform base."""
    from ixm_cli.platform_base import bundled_root

    return bundled_root() / name
