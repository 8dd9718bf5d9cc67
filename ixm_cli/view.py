"""The brand as plain data for templates, and the runtime config (tenant.json).

Templates get only this view (under cookiecutter's private ``_ixm`` key): plain dicts, lists,
strings, numbers and booleans, so a template can do nothing with a brand value except insert
it through an escaping filter.
"""

from __future__ import annotations

from typing import Any

from ixm_cli import __version__, colors
from ixm_cli.locales import Locale
from ixm_cli.manifest.brand import Brand, Palette, Text
from ixm_cli.manifest.model import FEATURES

TENANT_JSON_SCHEMA_ID = "https://ixm.dev/schema/tenant-v1.json"


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else dict(text.values)


def _locale(loc: Locale) -> dict[str, Any]:
    return {
        "tag": loc.tag,
        "android": list(loc.android),
        "ios": loc.ios,
        "supply": loc.supply,
        "deliver": loc.deliver,
        "web": loc.web,
        "dir": "rtl" if loc.rtl else "ltr",
    }


def _components(hex_color: str) -> dict[str, str]:
    """Asset-catalog colour components: decimal strings, 3 decimals (PLATFORM_SPEC U-10)."""
    r, g, b = colors.rgb(hex_color)
    return {
        "red": f"{r / 255:.3f}",
        "green": f"{g / 255:.3f}",
        "blue": f"{b / 255:.3f}",
        "alpha": "1.000",
    }


def _palette(p: Palette) -> dict[str, Any]:
    hexes = {
        "primary": p.primary,
        "on_primary": p.on_primary,
        "secondary": p.secondary,
        "background": p.background,
        "on_background": p.on_background,
    }
    return {**hexes, "components": {k: _components(v) for k, v in hexes.items()}}


def brand_view(brand: Brand) -> dict[str, Any]:
    """Everything a template may use; deterministic and JSON-serialisable."""
    a = brand.assets
    return {
        "tenant": brand.tenant,
        "env": brand.env,
        "output_name": brand.output_name,
        "tool_version": __version__,
        "app": {
            "name": _text(brand.app.name),
            "short_name": _text(brand.app.short_name),
            "description": _text(brand.app.description),
            "version": brand.app.version,
            "build": brand.app.build,
        },
        "ids": {"android": brand.android_id, "ios": brand.ios_id},
        "locales": [_locale(loc) for loc in brand.locales],
        "default_locale": _locale(brand.default_locale),
        "colors": {"light": _palette(brand.light), "dark": _palette(brand.dark)},
        "font_family": brand.font_family,
        "features": {f: brand.features[f] for f in FEATURES},
        "enabled_features": brand.enabled_features(),
        "endpoints": {"api": brand.api_endpoint, "web": brand.web_endpoint},
        "storage": {
            "mode": brand.storage.mode,
            "endpoint": brand.storage.endpoint,
            "bucket": brand.storage.bucket,
            "region": brand.storage.region,
        },
        "legal": {
            "privacy_url": brand.legal.privacy_url,
            "terms_url": brand.legal.terms_url,
            "support_url": brand.legal.support_url,
            "support_email": brand.legal.support_email,
        },
        "store": {
            "subtitle": _text(brand.store.subtitle),
            "short_description": _text(brand.store.short_description),
            "full_description": _text(brand.store.full_description),
            "keywords": _text(brand.store.keywords),
            "promotional_text": _text(brand.store.promotional_text),
            "release_notes": _text(brand.store.release_notes),
        },
        "assets": {
            "has_foreground": a.icon_foreground is not None,
            "has_monochrome": a.icon_monochrome is not None,
            "background_color": a.icon_background if isinstance(a.icon_background, str) else None,
        },
        "ios_team_id": brand.signing.ios_team_id,
        "tenant_json": tenant_config(brand),
    }


def tenant_config(brand: Brand) -> dict[str, Any]:
    """tenant.json: the runtime config every client reads (schema: tenant_json_schema())."""
    storage: dict[str, Any] = {"mode": brand.storage.mode}
    if brand.storage.mode == "private":
        storage.update(
            {
                k: v
                for k, v in (
                    ("endpoint", brand.storage.endpoint),
                    ("bucket", brand.storage.bucket),
                    ("region", brand.storage.region),
                )
                if v is not None
            }
        )
    endpoints = {"api": brand.api_endpoint}
    if brand.web_endpoint:
        endpoints["web"] = brand.web_endpoint
    return {
        "$schema": TENANT_JSON_SCHEMA_ID,
        "schema": "ixm-tenant/v1",
        "tenant": brand.tenant,
        "environment": brand.env or "prod",
        "ids": {"android": brand.android_id, "ios": brand.ios_id},
        "version": {"name": brand.app.version, "build": brand.app.build},
        "locales": {
            "default": brand.default_locale.tag,
            "supported": [loc.tag for loc in brand.locales],
        },
        "names": {
            loc.tag: {
                "name": brand.app.name[loc.tag],
                "short_name": brand.app.short_name[loc.tag],
                **(
                    {"description": brand.app.description[loc.tag]}
                    if brand.app.description
                    else {}
                ),
                "dir": "rtl" if loc.rtl else "ltr",
            }
            for loc in brand.locales
        },
        "colors": {
            mode: {
                "primary": p.primary,
                "on_primary": p.on_primary,
                "secondary": p.secondary,
                "background": p.background,
                "on_background": p.on_background,
            }
            for mode, p in (("light", brand.light), ("dark", brand.dark))
        },
        "typography": {"font_family": brand.font_family} if brand.font_family else {},
        "features": {f: brand.features[f] for f in FEATURES},
        "endpoints": endpoints,
        "storage": storage,
        "legal": {
            k: v
            for k, v in (
                ("privacy_url", brand.legal.privacy_url),
                ("terms_url", brand.legal.terms_url),
                ("support_url", brand.legal.support_url),
                ("support_email", brand.legal.support_email),
            )
            if v is not None
        },
    }


def tenant_json_schema() -> dict[str, Any]:
    """JSON Schema 2020-12 of tenant.json, so client teams can validate what they read."""
    color = {"type": "string", "pattern": "^#[0-9A-F]{6}$"}
    palette = {
        "type": "object",
        "additionalProperties": False,
        "required": ["primary", "on_primary", "secondary", "background", "on_background"],
        "properties": {
            k: color for k in ("primary", "on_primary", "secondary", "background", "on_background")
        },
    }
    url = {"type": "string", "pattern": "^https?://"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TENANT_JSON_SCHEMA_ID,
        "title": "ixm runtime config (tenant.json), v1",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "schema", "tenant", "environment", "ids", "version", "locales", "names", "colors",
            "features", "endpoints", "storage", "legal",
        ],
        "properties": {
            "$schema": {"type": "string"},
            "schema": {"const": "ixm-tenant/v1"},
            "tenant": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,38}$"},
            "environment": {"type": "string", "minLength": 1},
            "ids": {
                "type": "object",
                "additionalProperties": False,
                "required": ["android", "ios"],
                "properties": {"android": {"type": "string"}, "ios": {"type": "string"}},
            },
            "version": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "build"],
                "properties": {
                    "name": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+){0,2}$"},
                    "build": {"type": "integer", "minimum": 1},
                },
            },
            "locales": {
                "type": "object",
                "additionalProperties": False,
                "required": ["default", "supported"],
                "properties": {
                    "default": {"type": "string"},
                    "supported": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
            },
            "names": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "short_name", "dir"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "short_name": {"type": "string", "minLength": 1},
                        "description": {"type": "string"},
                        "dir": {"enum": ["ltr", "rtl"]},
                    },
                },
            },
            "colors": {
                "type": "object",
                "additionalProperties": False,
                "required": ["light", "dark"],
                "properties": {"light": palette, "dark": palette},
            },
            "typography": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"font_family": {"type": "string"}},
            },
            "features": {
                "type": "object",
                "additionalProperties": False,
                "required": list(FEATURES),
                "properties": {f: {"type": "boolean"} for f in FEATURES},
            },
            "endpoints": {
                "type": "object",
                "additionalProperties": False,
                "required": ["api"],
                "properties": {"api": url, "web": url},
            },
            "storage": {
                "type": "object",
                "additionalProperties": False,
                "required": ["mode"],
                "properties": {
                    "mode": {"enum": ["cloud", "private"]},
                    "endpoint": url,
                    "bucket": {"type": "string"},
                    "region": {"type": "string"},
                },
                "if": {"properties": {"mode": {"const": "private"}}},
                "then": {"required": ["mode", "endpoint", "bucket"]},
                "else": {"not": {"anyOf": [{"required": ["endpoint"]}, {"required": ["bucket"]}]}},
            },
            "legal": {
                "type": "object",
                "additionalProperties": False,
                "required": ["privacy_url"],
                "properties": {
                    "privacy_url": url,
                    "terms_url": url,
                    "support_url": url,
                    "support_email": {"type": "string"},
                },
            },
        },
    }
