"""What a target is: data naming the templates to render, not code that writes files.

Style Dictionary's lesson: a platform is a declaration of registered pieces, and built-in
targets are registered exactly like any other, in a registry made per build (no global).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ixm_cli.manifest.brand import Brand

PLATFORMS = ("android", "ios", "web")


@dataclass(frozen=True)
class Render:
    """Render the cookiecutter template ``template`` (under brand_templates/) into ``into``."""

    template: str
    into: str = "."
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    name: str
    platforms: frozenset[str]  # built when any of these platforms is selected
    renders: Callable[[Brand, frozenset[str]], list[Render]]
    base: tuple[tuple[str, str], ...] = ()  # (folder under brand_templates/, into) copied verbatim
    # Data only this target's templates need, offered to every template as _ixm.<name>.
    view: Callable[[Brand], Mapping[str, Any]] | None = None


class Registry:
    """The targets of one build, in registration order."""

    def __init__(self) -> None:
        self._targets: dict[str, Target] = {}

    def register(self, target: Target) -> None:
        if target.name in self._targets:
            raise ValueError(f"target {target.name!r} is registered twice")
        self._targets[target.name] = target

    def selected(self, platforms: frozenset[str]) -> list[Target]:
        return [t for t in self._targets.values() if t.platforms & platforms]


def template_view(common: Mapping[str, Any], brand: Brand, targets: list[Target]) -> dict[str, Any]:
    """The common brand view plus each selected target's own part under its name."""
    view = dict(common)
    for target in targets:
        if target.view is not None:
            if target.name in view:
                raise ValueError(f"target {target.name!r} would shadow the brand view's key")
            view[target.name] = target.view(brand)
    return view
