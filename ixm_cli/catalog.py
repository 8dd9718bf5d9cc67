"""The platform base's module catalog (``modules.yaml`` in the base's root).

The base, not ixm, knows which feature modules its apps have: the bundled example base ships
the seven of the collaboration app (im, attendance, …), and a vendor base declares its own
(``payroll``) with a localised title, an icon, the workspace route the apps open and a JSON
Schema (2020-12) for the module's settings. Tenants then enable modules by name and give
their settings (``modules:`` in brand.yaml), checked against that schema.

A catalog is read once per file version; anything wrong in it is the vendor's to fix and is
reported at ``modules.yaml:line:col`` (never as a tenant's error).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ixm_cli.errors import Diagnostic, IxmError, Location, error
from ixm_cli.manifest import loader
from ixm_cli.manifest.model import MODULE_NAME_PATTERN as NAME_PATTERN

FILE_NAME = "modules.yaml"
FORMAT = "ixm-modules/v1"
SETTING_PATTERN = r"^[a-z][a-z0-9_]{0,47}$"
"""A setting of a module's config: a Kotlin/Swift property once camel-cased."""
ROUTE_PATTERN = r"^/[A-Za-z0-9._~/-]*$"
PATH_DATA_PATTERN = r"^[MmZzLlHhVvCcSsQqTtAa0-9eE.,+\- ]+$"
"""SVG path data: the commands and numbers of SVG 1.1 §8.3, nothing that could become markup."""
MAX_MODULES = 64

Kind = Literal["string", "integer", "number", "boolean", "strings", "json"]


@dataclass(frozen=True)
class Setting:
    """One top-level property of a module's config schema, as the generated code types it.

    ``kind`` is the Kotlin/Swift type: a JSON scalar, a list of strings, or ``json`` (any
    other shape, handed over as its JSON text). ``optional``: neither required nor defaulted,
    so the generated property is nullable."""

    name: str
    kind: Kind
    optional: bool


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    title: Mapping[str, str]
    """BCP 47 tag -> title; a tenant locale without one gets the closest (language, then en)."""
    icon: tuple[str, ...]
    """SVG path data on a 24 px grid, drawn with a 2 px round stroke (Lucide's style)."""
    route: str
    """The workspace page of the module (joined to endpoints.web by the apps)."""
    schema: Mapping[str, Any]
    settings: tuple[Setting, ...]

    def defaults(self) -> dict[str, Any]:
        props = self.schema.get("properties") or {}
        return {k: v["default"] for k, v in props.items()
                if isinstance(v, dict) and "default" in v}


@dataclass(frozen=True)
class Catalog:
    file: Path
    modules: tuple[ModuleSpec, ...]

    def names(self) -> list[str]:
        return [m.name for m in self.modules]

    def get(self, name: str) -> ModuleSpec | None:
        return next((m for m in self.modules if m.name == name), None)


def catalog_file(base: Path | None) -> Path:
    """The catalog of ``base`` (a vendor's base without one uses the bundled catalog)."""
    from ixm_cli.platform_base import bundled_root

    if base is not None and (base / FILE_NAME).is_file():
        return base / FILE_NAME
    return bundled_root() / FILE_NAME


def load_catalog(base: Path | None) -> Catalog:
    """The module catalog of the platform base ``base`` (None: the bundled base)."""
    path = catalog_file(base)
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        raise IxmError.single(
            "modules", f"the platform base has no {FILE_NAME}", Location(path),
            f"add {FILE_NAME} to the base's root (see the README's module catalog section)",
        ) from None
    return _load(path.resolve(), stamp)


@functools.lru_cache(maxsize=8)
def _load(path: Path, stamp: tuple[int, int]) -> Catalog:
    doc = loader.load(path)
    problems: list[Diagnostic] = []

    def at(key: loader.Key, *, is_key: bool = False) -> Location:
        # a key, and a block map (whose value starts on the next line), are shown at the key
        first_key = is_key or isinstance(_value(doc.data, key), dict)
        found = (doc.keys.get(key) if first_key else None) or doc.values.get(key) \
            or doc.keys.get(key)
        while found is None and key:
            key = key[:-1]
            found = doc.values.get(key) or doc.keys.get(key)
        return found or Location(path)

    def bad(key: loader.Key, message: str, hint: str, *, is_key: bool = False) -> None:
        field = "modules.yaml" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}"
                                         for k in key)
        problems.append(error(field, message, at(key, is_key=is_key), hint))

    data = doc.data
    if data.get("format") != FORMAT:
        bad(("format",), f"the catalog format is {data.get('format')!r}, not {FORMAT}",
            f"start the file with 'format: {FORMAT}'")
    for key in data:
        if key not in ("format", "modules"):
            bad((key,), f"unknown key {key!r}", "a catalog holds format and modules",
                is_key=True)
    raw = data.get("modules")
    modules: list[ModuleSpec] = []
    if not isinstance(raw, dict) or not raw:
        bad(("modules",), "modules must map each module's name to its declaration",
            "e.g. modules: {payroll: {title: {en: Payroll}, icon: [...], route: /payroll}}")
    else:
        if len(raw) > MAX_MODULES:
            bad(("modules",), f"{len(raw)} modules; at most {MAX_MODULES}",
                "split the platform, or drop modules no tenant uses")
        for name, body in raw.items():
            spec = _module(name, body, bad)
            if spec is not None:
                modules.append(spec)
    if problems:
        raise IxmError(problems)
    return Catalog(path, tuple(modules))


_MODULE_KEYS = ("title", "icon", "route", "config")


def _value(data: Any, key: loader.Key) -> Any:
    for part in key:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _module(name: str, body: Any, bad: Any) -> ModuleSpec | None:
    key: loader.Key = ("modules", name)
    ok = True
    if not re.fullmatch(NAME_PATTERN, name):
        bad(key, f"module name {name!r} is not a lowercase identifier",
            "use lowercase letters, digits and _, starting with a letter (e.g. payroll)",
            is_key=True)
        ok = False
    if not isinstance(body, dict):
        bad(key, "a module is declared as a mapping", "give it title, icon, route and config")
        return None
    for k in body:
        if k not in _MODULE_KEYS:
            bad((*key, k), f"unknown key {k!r}", f"a module has {', '.join(_MODULE_KEYS)}",
                is_key=True)
            ok = False
    title = body.get("title")
    if not (isinstance(title, dict) and title
            and all(isinstance(k, str) and isinstance(v, str) and v.strip()
                    for k, v in title.items())):
        bad((*key, "title"), "title must map locale tags to non-empty texts",
            "e.g. title: {en: Payroll, zh-Hans: 薪酬}")
        ok = False
    elif "en" not in title:
        bad((*key, "title"), "title has no English text", "add en: — the fallback for a "
            "tenant locale the catalog does not translate")
        ok = False
    icon = body.get("icon")
    if not (isinstance(icon, list) and icon and all(isinstance(d, str) for d in icon)):
        bad((*key, "icon"), "icon must be a list of SVG path data strings",
            'e.g. icon: ["M4 4h16v16H4z"] (24 px grid, drawn with a 2 px stroke)')
        ok = False
    else:
        for i, d in enumerate(icon):
            if not re.fullmatch(PATH_DATA_PATTERN, d):
                bad((*key, "icon", i), "not SVG path data",
                    "use the d attribute of a <path> (commands and numbers only)")
                ok = False
    route = body.get("route")
    if not (isinstance(route, str) and re.fullmatch(ROUTE_PATTERN, route)):
        bad((*key, "route"), f"route {route!r} is not a path of the workspace",
            f"e.g. route: /{name}")
        ok = False
    schema = body.get("config", {"type": "object", "additionalProperties": False})
    settings = _settings(key, schema, bad)
    if not ok or settings is None or not isinstance(title, dict) or not isinstance(icon, list) \
            or not isinstance(route, str):
        return None
    return ModuleSpec(name, MappingProxyType(dict(title)), tuple(icon), route,
                      MappingProxyType(schema), settings)


def _settings(key: loader.Key, schema: Any, bad: Any) -> tuple[Setting, ...] | None:
    where = (*key, "config")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        path = (*where, *exc.path)
        bad(path, f"config is not a valid JSON Schema: {exc.message}",
            "see https://json-schema.org/understanding-json-schema (draft 2020-12)")
        return None
    if not isinstance(schema, dict) or schema.get("type") != "object":
        bad(where, "config must be a JSON Schema of type object",
            "a module's settings are a mapping: type: object with properties")
        return None
    props = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    found = []
    for prop, sub in props.items():
        if not re.fullmatch(SETTING_PATTERN, prop):
            bad((*where, "properties", prop), f"setting {prop!r} is not a lowercase identifier",
                "use lowercase letters, digits and _ (it becomes a Kotlin/Swift property)",
                is_key=True)
            return None
        optional = prop not in required and not (isinstance(sub, dict) and "default" in sub)
        found.append(Setting(prop, _kind(sub), optional))
    for name, sub in props.items():
        if isinstance(sub, dict) and "default" in sub:
            problem = next(iter(Draft202012Validator(sub).iter_errors(sub["default"])), None)
            if problem is not None:
                bad((*where, "properties", name, "default"),
                    f"the default does not fit its own schema: {problem.message}",
                    "change the default or the schema")
                return None
    return tuple(found)


def _kind(schema: Any) -> Kind:
    if not isinstance(schema, dict):
        return "json"
    kind = schema.get("type")
    if kind in ("string", "integer", "number", "boolean"):
        return kind  # type: ignore[no-any-return]
    items = schema.get("items")
    if kind == "array" and isinstance(items, dict) and items.get("type") == "string":
        return "strings"
    return "json"


def title_for(spec: ModuleSpec, tag: str) -> str:
    """The catalog's title for tenant locale ``tag``: the tag, its language with the same
    script (zh-Hant-HK -> zh-Hant), its language, else English."""
    parts = tag.split("-")
    for n in range(len(parts), 0, -1):
        hit = spec.title.get("-".join(parts[:n]))
        if hit:
            return hit
    return spec.title["en"]
