"""Checks and resolution of a tenant's feature modules against the platform base's catalog.

``modules:`` names modules of the catalog (``modules.yaml`` of the base) and gives each one's
settings; ``features:`` is manifest v1's spelling (booleans only) and keeps working. Each
module's settings are checked against its JSON Schema, and every violation is reported at
the manifest's file:line:col of the offending value (or of the module when a required
setting is missing), in words a designer can act on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ixm_cli.catalog import Catalog, ModuleSpec, title_for
from ixm_cli.manifest import brand as b
from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.rules import Checker, suggest

SECTIONS = ("features", "modules")


@dataclass(frozen=True)
class Chosen:
    """One module as the tenant has it: on or off, and its settings (defaults filled)."""

    enabled: bool
    config: dict[str, Any]


def check_modules(ck: Checker, catalog: Catalog) -> dict[str, Chosen]:
    """Every catalog module's state for this tenant (off unless turned on); reports unknown
    modules, a module given under both spellings in one file, and settings that break their
    schema. ``modules:`` is read after ``features:``, so across files it wins."""
    chosen = {m.name: Chosen(False, m.defaults()) for m in catalog.modules}
    names = catalog.names()
    where: dict[str, str] = {}
    for section in SECTIONS:
        given = ck.value((section,))
        if not isinstance(given, dict):
            continue
        for name, value in given.items():
            path: Key = (section, name)
            if not isinstance(value, (bool, dict)):
                continue  # the structure check reported it
            spec = catalog.get(name)
            if spec is None:
                close = suggest(name, names)
                ck.error(path, f"unknown module {name!r}: the platform base has no such module",
                         f"did you mean {close!r}?" if close else
                         f"modules of this base: {', '.join(names)} (its {catalog.file.name})",
                         key=True)
                continue
            if name in where:
                # A parent's features: under a child's modules: is an override (modules:
                # wins); both in one file say two things about one module.
                if ck.merged.origin(("features", name)) == ck.merged.origin(path):
                    ck.error(path, f"module {name!r} is given under both features: and "
                             "modules:", "keep it under modules: only (features: is the "
                             "older spelling)", key=True)
                    continue
            where[name] = section
            if value is False:
                chosen[name] = Chosen(False, spec.defaults())
                continue
            settings = value if isinstance(value, dict) else {}
            if _check_settings(ck, spec, path, settings):
                chosen[name] = Chosen(True, {**spec.defaults(), **settings})
            else:
                chosen[name] = Chosen(True, spec.defaults())
    return chosen


def _check_settings(ck: Checker, spec: ModuleSpec, path: Key, settings: dict[str, Any]) -> bool:
    ok = True
    for err in sorted(Draft202012Validator(dict(spec.schema)).iter_errors(settings),
                      key=lambda e: [str(p) for p in e.absolute_path]):
        at: Key = (*path, *err.absolute_path)
        message, hint = _explain(spec, err)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            props = err.schema.get("properties") or {} if isinstance(err.schema, dict) else {}
            extra = [k for k in err.instance if k not in props]
            at = (*at, extra[0]) if extra else at
        ck.error(at, message, hint, key=err.validator == "additionalProperties")
        ok = False
    for key, value in _numbers(settings, path):
        if isinstance(value, float) and not math.isfinite(value):
            ck.error(key, f"{value} is not a number the apps can read", "give a finite number")
            ok = False
        elif isinstance(value, int) and not -(2**63) <= value < 2**63:
            ck.error(key, f"{value} is too large for the apps (64-bit whole numbers)",
                     "give a smaller number")
            ok = False
    return ok


def _numbers(value: Any, path: Key) -> Iterator[tuple[Key, float | int]]:
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _numbers(v, (*path, i))


def _explain(spec: ModuleSpec, err: ValidationError) -> tuple[str, str]:
    """(message, hint) for one schema violation: the value and the rule, then the fix."""
    sub = err.schema if isinstance(err.schema, dict) else {}
    setting = ".".join(str(p) for p in err.absolute_path) or spec.name
    about = sub.get("description")
    tail = f" ({about})" if isinstance(about, str) else ""
    kind = err.validator
    value = err.instance
    if kind == "additionalProperties":
        props = list(spec.schema.get("properties") or {})
        extra = [k for k in value if k not in props] if isinstance(value, dict) else []
        name = extra[0] if extra else "?"
        close = suggest(name, props)
        known = ", ".join(props) or "none"
        return (f"{spec.name} has no setting {name!r}",
                f"did you mean {close!r}?" if close else f"settings of {spec.name}: {known}")
    if kind == "required":
        missing = str(err.message).split("'")[1] if "'" in str(err.message) else "?"
        return (f"{spec.name} needs the setting {missing!r}",
                f"add {missing}: under modules.{spec.name}")
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        lo, hi = sub.get("minimum", sub.get("exclusiveMinimum")), sub.get(
            "maximum", sub.get("exclusiveMaximum"))
        span = f"between {lo} and {hi}" if lo is not None and hi is not None else (
            f"at least {lo}" if lo is not None else f"at most {hi}")
        return f"{setting} is {value!r}; it must be {span}{tail}", f"use a value {span}"
    if kind == "enum":
        options = err.validator_value if isinstance(err.validator_value, list) else []
        allowed = ", ".join(map(str, options))
        return f"{setting}: {value!r} is not one of {allowed}{tail}", f"use one of {allowed}"
    if kind == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else str(want)
        return (f"{setting} must be {_article(want)}, found {value!r}{tail}",
                "quote text, write numbers and true/false bare")
    if kind in ("minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern",
                "format", "const", "multipleOf"):
        return (f"{setting}: {err.message}{tail}",
                f"see {spec.name}'s config schema in the platform base's modules.yaml")
    return (f"{setting}: {err.message}",
            f"see {spec.name}'s config schema in the platform base's modules.yaml")


def _article(kind: str) -> str:
    return {"integer": "a whole number", "number": "a number", "string": "text",
            "boolean": "true or false", "array": "a list", "object": "a mapping"}.get(kind, kind)


def resolve(catalog: Catalog, chosen: dict[str, Chosen], tags: list[str]) -> tuple[b.Module, ...]:
    """Every catalog module, in catalog order, as the brand carries it."""
    return tuple(
        b.Module(
            name=m.name,
            enabled=chosen[m.name].enabled,
            title=b.Text(MappingProxyType({t: title_for(m, t) for t in tags}), tags[0]),
            icon=m.icon,
            route=m.route,
            config=MappingProxyType(chosen[m.name].config),
            settings=m.settings,
        )
        for m in catalog.modules
    )
