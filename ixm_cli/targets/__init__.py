"""Output targets: one module per target, registered in a registry made per build."""

from __future__ import annotations

from ixm_cli.targets import android, config, ios, metadata, web
from ixm_cli.targets.base import PLATFORMS, Registry, Render, Target, template_view

__all__ = ["PLATFORMS", "Registry", "Render", "Target", "default_registry", "template_view"]


def default_registry() -> Registry:
    registry = Registry()
    for module in (android, ios, web, config, metadata):
        registry.register(module.TARGET)
    return registry
