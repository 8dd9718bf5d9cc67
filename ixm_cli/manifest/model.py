"""The shape of manifest v1: pydantic models used for structure checks and the JSON Schema.

Pydantic checks types, required keys and unknown keys (``extra="forbid"``) in strict mode, so
``build: "230"`` or ``im: yes`` are errors rather than silent coercions. Patterns and limits
live in the schema (for editors) but are judged by ``rules.py``, which can say *why* a value is
wrong and how to fix it; pydantic's own pattern messages cannot.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ixm_cli.colors import COLOR_PATTERN

SCHEMA_ID = "ixm/v1"
SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,38}$"
ANDROID_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$"
IOS_ID_PATTERN = r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
VERSION_PATTERN = r"^[0-9]{1,4}(\.[0-9]{1,4}){0,2}$"
ENV_REF_PATTERN = r"^env:[A-Z_][A-Z0-9_]*$"
HOST_PATTERN = r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
SCHEME_PATTERN = r"^[a-z][a-z0-9+.-]*$"
"""RFC 3986 §3.1 scheme syntax, lower case: Android matches schemes case-sensitively."""
CERT_SHA256_PATTERN = r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$"
_PORT = (
    r"0*(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]"
    r"|6553[0-5])"
)
URL_PATTERN = (
    r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#]*@)?(?:\[[^\]/?#]*\]|[^:/?#@\[\]]*)"
    rf"(?::(?:{_PORT})?)?(?:[/?#]|$)"
)
"""For editors: a URL whose port, if any, is 1-65535 in digits (``rules.check_url`` says why
one is wrong, judging the port by urllib's ``.port`` as the consumers do)."""
MODULE_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
"""A feature module's name (the platform base's catalog, modules.yaml, declares which exist)."""

LocalText = str | dict[str, str]


def _color(description: str, *, required: bool = False) -> Any:
    extra: dict[str, Any] = {"pattern": COLOR_PATTERN}
    if required:
        return Field(description=description, json_schema_extra=extra)
    return Field(default=None, description=description, json_schema_extra=extra)


def _text(description: str) -> Any:
    return Field(default=None, description=description)


def _url(description: str, *, required: bool = False) -> Any:
    extra: dict[str, Any] = {"format": "uri", "pattern": URL_PATTERN}
    if required:
        return Field(description=description, json_schema_extra=extra)
    return Field(default=None, description=description, json_schema_extra=extra)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class App(_Strict):
    name: LocalText = Field(description="Store title, web name and page title; ≤ 30 characters")
    short_name: LocalText | None = _text("Under the icon (Android label, iOS display name); ≤ 12")
    description: LocalText | None = _text("One line about the app (web manifest, tenant.json)")
    version: str = Field(
        description="Marketing version: 1-3 numbers, e.g. 2.3.0",
        json_schema_extra={"pattern": VERSION_PATTERN},
    )
    build: int = Field(description="Build number: versionCode / CFBundleVersion", ge=1)


class Ids(_Strict):
    android: str = Field(
        description="Android applicationId", json_schema_extra={"pattern": ANDROID_ID_PATTERN}
    )
    ios: str = Field(description="iOS bundle id", json_schema_extra={"pattern": IOS_ID_PATTERN})


class DarkColors(_Strict):
    primary: str | None = _color("Primary colour in dark mode")
    on_primary: str | None = _color("Text on primary in dark mode")
    secondary: str | None = _color("Accent colour in dark mode")
    background: str | None = _color("Background in dark mode")
    on_background: str | None = _color("Text on background in dark mode")


class Colors(_Strict):
    primary: str = _color("Brand colour: buttons, toolbars, theme colour", required=True)
    on_primary: str = _color("Text and icons drawn on primary", required=True)
    secondary: str | None = _color("Accent colour (defaults to primary)")
    background: str = _color("Window and page background", required=True)
    on_background: str = _color("Text drawn on background", required=True)
    dark: DarkColors | None = Field(default=None, description="Dark-mode overrides")


class Typography(_Strict):
    font_family: str | None = Field(default=None, description="CSS font-family of the UI")


class Assets(_Strict):
    icon: str = Field(
        description="Square PNG, JPEG or WebP ≥ 1024 px, or a square SVG (no text, no links "
        "to other files), relative to this manifest's folder"
    )
    icon_foreground: str | None = _text(
        "Adaptive/maskable foreground, art in the safe zone (PNG, JPEG, WebP or SVG)"
    )
    icon_background: str | None = _text("A colour (#RRGGBB) or a PNG, JPEG or WebP path")
    icon_monochrome: str | None = _text(
        "Android 13 themed icon: a flat silhouette (PNG, JPEG, WebP or SVG)"
    )
    splash_logo: str | None = _text(
        "Splash logo (defaults to the foreground; PNG, JPEG, WebP or SVG)"
    )


class Links(_Strict):
    domains: list[str] | None = Field(
        default=None,
        description="Host names the apps open as App Links / Universal Links, e.g. "
        "ding.acme.example (no https://, no port, no path)",
        json_schema_extra={"items": {"pattern": HOST_PATTERN}},
    )
    scheme: str | None = Field(
        default=None,
        description="Custom URL scheme the apps open, e.g. acmeding (acmeding://…)",
        json_schema_extra={"pattern": SCHEME_PATTERN},
    )


class Firebase(_Strict):
    android: str | None = _text(
        "google-services.json for the Android applicationId, relative to this manifest's folder"
    )
    ios: str | None = _text(
        "GoogleService-Info.plist for the iOS bundle id, relative to this manifest's folder"
    )


class Services(_Strict):
    firebase: Firebase | None = Field(default=None, description="Firebase client config files")
    push: bool | None = Field(
        default=None,
        description="Push notifications: the iOS aps-environment entitlement, the Android "
        "notification icon and default channel",
    )
    push_channel: LocalText | None = _text(
        "Name of the default notification channel (Android settings); ≤ 40 characters"
    )


class Endpoints(_Strict):
    api: str = _url("API base URL (https)", required=True)
    web: str | None = _url("Web workspace URL (https)")


class Storage(_Strict):
    mode: Literal["cloud", "private"] = Field(
        description="cloud: the vendor's store; private: the customer's own (exclusive edition)"
    )
    endpoint: str | None = _url("Object store URL (private mode)")
    bucket: str | None = _text("Bucket name (private mode)")
    region: str | None = _text("Region (private mode)")


class Legal(_Strict):
    privacy_url: str = _url("Privacy policy URL (required by both stores)", required=True)
    terms_url: str | None = _url("Terms of service URL")
    support_url: str | None = _url("Support page URL (App Store Connect asks one per app)")
    support_email: str | None = _text("Support e-mail address")


class Store(_Strict):
    subtitle: LocalText | None = _text("App Store subtitle, ≤ 30 characters")
    short_description: LocalText | None = _text("Google Play short description, ≤ 80")
    full_description: LocalText | None = _text("Store description, ≤ 4000 characters")
    keywords: LocalText | None = _text("App Store keywords, comma-separated, ≤ 100 bytes")
    promotional_text: LocalText | None = _text("App Store promotional text, ≤ 170")
    release_notes: LocalText | None = _text("What's new in this version, ≤ 500")


def _ref(description: str) -> Any:
    return Field(description=description, json_schema_extra={"pattern": ENV_REF_PATTERN})


class AndroidSigning(_Strict):
    keystore: str = _ref("env:NAME of the keystore path or base64 content")
    key_alias: str = Field(description="Key alias (not a secret)")
    password: str = _ref("env:NAME holding the keystore password")
    key_password: str | None = Field(
        default=None,
        description="env:NAME holding the key password",
        json_schema_extra={"pattern": ENV_REF_PATTERN},
    )
    cert_sha256: list[str] | None = Field(
        default=None,
        description="SHA-256 fingerprints of the app signing certificates (public), "
        "AB:CD:… 32 bytes; with Play App Signing, the one Play Console shows",
        json_schema_extra={"items": {"pattern": CERT_SHA256_PATTERN}},
    )


class IosSigning(_Strict):
    team_id: str = Field(
        description="Apple Developer team id (10 characters)",
        json_schema_extra={"pattern": r"^[A-Z0-9]{10}$"},
    )
    profile: str | None = Field(
        default=None,
        description="env:NAME of the provisioning profile",
        json_schema_extra={"pattern": ENV_REF_PATTERN},
    )


class Signing(_Strict):
    android: AndroidSigning | None = None
    ios: IosSigning | None = None


class _Body(_Strict):
    locales: list[str] = Field(min_length=1, description="BCP 47 tags; the first is the default")
    app: App
    ids: Ids
    colors: Colors
    typography: Typography | None = None
    assets: Assets
    features: dict[str, bool] | None = Field(
        default=None,
        description="v1 spelling of modules: module name -> on/off (modules the platform "
        "base's catalog declares)",
        json_schema_extra={"propertyNames": {"pattern": MODULE_NAME_PATTERN}},
    )
    modules: dict[str, bool | dict[str, Any]] | None = Field(
        default=None,
        description="Feature modules of the platform base: name -> true (on, default "
        "settings), false (off) or the module's settings (on), checked against the module's "
        "JSON Schema in the base's modules.yaml",
        json_schema_extra={"propertyNames": {"pattern": MODULE_NAME_PATTERN}},
    )
    endpoints: Endpoints
    links: Links | None = None
    services: Services | None = None
    storage: Storage | None = None
    legal: Legal
    store: Store | None = None
    signing: Signing | None = None


class Manifest(_Body):
    """A complete, resolved manifest (after ``extends`` and an environment overlay)."""

    schema_: Literal["ixm/v1"] = Field(alias="schema", description="Manifest format version")
    tenant: str = Field(
        description="Slug; equals the tenant's folder name",
        json_schema_extra={"pattern": SLUG_PATTERN},
    )
    extends: str | None = Field(default=None, description="Parent manifest, a relative path")
    environments: dict[str, dict[str, Any]] | None = Field(
        default=None, description="Overlays chosen with --env, e.g. staging"
    )

    model_config = ConfigDict(populate_by_name=True)


OVERLAY_FORBIDDEN = ("schema", "tenant", "extends", "environments")
ENV_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,31}$"
"""An environment names a folder (dist/<tenant>@<env>/), a bundle and the PWA install id."""
SECRET_REFS: tuple[tuple[str, ...], ...] = (
    ("signing", "android", "keystore"),
    ("signing", "android", "password"),
    ("signing", "android", "key_password"),
    ("signing", "ios", "profile"),
)
"""Keys whose value must be an env:NAME reference: anything else there may be the secret."""


def json_schema(modules: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """JSON Schema 2020-12 for one brand.yaml file as written (not resolved).

    A file on its own may be partial: a parent has no ``tenant``, a child leaves out what it
    inherits, and an environment overlays a few keys. So every file is checked against a
    *partial* form (no required keys below the top), and a file that is complete on its own
    (has ``tenant`` and no ``extends``) against the full form as well.

    ``modules`` (module name -> JSON Schema of its settings, from the platform base's
    catalog) closes ``features`` and ``modules`` over those names, so an editor completes
    them and checks each module's settings; each settings schema is its own resource
    (``$id``), so its internal references resolve as its author wrote them.
    """
    full = Manifest.model_json_schema(by_alias=True, mode="validation")
    defs: dict[str, Any] = full.pop("$defs", {})
    full_root = {k: v for k, v in full.items() if k not in ("title", "description")}
    full_root["required"] = sorted(set(full_root.get("required", [])) - {"environments"})

    def partial(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: partial(v) for k, v in node.items() if k != "required"}
            ref = out.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                out["$ref"] = ref.replace("#/$defs/", "#/$defs/Partial")
            return out
        if isinstance(node, list):
            return [partial(v) for v in node]
        return node

    all_defs = dict(defs)
    for name, body in defs.items():
        all_defs["Partial" + name] = partial(copy.deepcopy(body))
    partial_root = partial(copy.deepcopy(full_root))
    partial_root["required"] = ["schema"]
    overlay = partial(copy.deepcopy(full_root))
    for key in OVERLAY_FORBIDDEN:
        overlay["properties"].pop(key, None)
    overlay["title"] = "Environment overlay"
    # Null is allowed at both levels because ixm accepts it (an empty ``staging:`` overlay
    # changes nothing; ``environments:`` with every line commented out has none): the editor
    # must not flag a manifest that `ixm validate` passes.
    partial_root["properties"]["environments"] = {
        "anyOf": [
            {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [{"$ref": "#/$defs/Overlay"}, {"type": "null"}]
                },
                "propertyNames": {"pattern": ENV_NAME_PATTERN, "not": {"const": "prod"}},
            },
            {"type": "null"},
        ],
        "default": None,
        "description": "Overlays chosen with --env, e.g. staging",
    }
    full_root["properties"]["environments"] = partial_root["properties"]["environments"]
    all_defs["Overlay"] = overlay
    all_defs["Manifest"] = full_root
    if modules is not None:
        for root in (partial_root, full_root, overlay):
            _close_modules(root["properties"], modules)
        for name, config in modules.items():
            all_defs[f"ModuleConfig.{name}"] = {
                "$id": f"https://ixm.dev/schema/modules/{name}.json", **config}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ixm.dev/schema/brand-v1.json",
        "title": "ixm brand manifest (brand.yaml), v1",
        "description": "One tenant's brand: names, ids, colours, assets, endpoints, store texts.",
        **partial_root,
        "if": {"required": ["tenant"], "not": {"required": ["extends"]}},
        "then": {"$ref": "#/$defs/Manifest"},
        "$defs": dict(sorted(all_defs.items())),
    }


def _close_modules(props: dict[str, Any], modules: Mapping[str, Mapping[str, Any]]) -> None:
    """``features``/``modules`` of one form, limited to the catalog's module names."""
    names = sorted(modules)
    shapes = {
        "features": {n: {"type": "boolean"} for n in names},
        "modules": {
            n: {"anyOf": [{"type": "boolean"}, {"$ref": f"#/$defs/ModuleConfig.{n}"}]}
            for n in names
        },
    }
    for key, each in shapes.items():
        node = props[key]
        node.pop("propertyNames", None)
        node["anyOf"] = [
            {"type": "object", "properties": each, "additionalProperties": False},
            {"type": "null"},
        ]
