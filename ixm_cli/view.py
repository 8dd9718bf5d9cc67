"""The brand as plain data for templates, and the runtime config (tenant.json).

Templates get only this view (under cookiecutter's private ``_ixm`` key): plain dicts, lists,
strings, numbers and booleans, so a template can do nothing with a brand value except insert
it through an escaping filter.
"""

from __future__ import annotations

from typing import Any

from ixm_cli import __version__, colors, tenant_json
from ixm_cli.locales import Locale
from ixm_cli.manifest.brand import Brand, Palette, Text


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
    return {
        **hexes,
        "components": {k: _components(v) for k, v in hexes.items()},
        # Colours the templates show besides the declared ones, each already readable.
        "derived": colors.derive(p.primary, p.on_primary, p.background, p.on_background),
    }


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
        "features": dict(brand.features),
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
    """tenant.json: the runtime config every client reads (its model: tenant_json)."""
    private = brand.storage.mode == "private"
    return tenant_json.TenantConfig(
        tenant=brand.tenant,
        environment=brand.env or "prod",
        ids=tenant_json.Ids(android=brand.android_id, ios=brand.ios_id),
        version=tenant_json.Version(name=brand.app.version, build=brand.app.build),
        locales=tenant_json.Locales(
            default=brand.default_locale.tag, supported=[loc.tag for loc in brand.locales]
        ),
        names={
            loc.tag: tenant_json.Names(
                name=brand.app.name[loc.tag],
                short_name=brand.app.short_name[loc.tag],
                description=brand.app.description[loc.tag] if brand.app.description else None,
                dir="rtl" if loc.rtl else "ltr",
            )
            for loc in brand.locales
        },
        colors=tenant_json.Colors(light=_config_palette(brand.light),
                                  dark=_config_palette(brand.dark)),
        typography=tenant_json.Typography(font_family=brand.font_family or None),
        features=dict(brand.features),
        modules=[
            tenant_json.Module(
                name=m.name, title=dict(m.title.values), icon=list(m.icon), route=m.route,
                config=dict(m.config),
            )
            for m in brand.enabled_modules()
        ],
        endpoints=tenant_json.Endpoints(api=brand.api_endpoint, web=brand.web_endpoint or None),
        storage=tenant_json.Storage(
            mode=brand.storage.mode,
            endpoint=brand.storage.endpoint if private else None,
            bucket=brand.storage.bucket if private else None,
            region=brand.storage.region if private else None,
        ),
        legal=tenant_json.Legal(
            privacy_url=brand.legal.privacy_url,
            terms_url=brand.legal.terms_url,
            support_url=brand.legal.support_url,
            support_email=brand.legal.support_email,
        ),
    ).document()


def _config_palette(p: Palette) -> tenant_json.Palette:
    return tenant_json.Palette(primary=p.primary, on_primary=p.on_primary, secondary=p.secondary,
                               background=p.background, on_background=p.on_background)


def tenant_json_schema() -> dict[str, Any]:
    """JSON Schema 2020-12 of tenant.json (from the same model as the data)."""
    return tenant_json.json_schema()
