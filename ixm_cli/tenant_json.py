"""tenant.json, the runtime config every client reads: one pydantic model is both the data
ixm writes and the JSON Schema ``ixm schema --tenant-json`` prints, so the two cannot drift.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ixm_cli.colors import NORMALISED_PATTERN
from ixm_cli.manifest.model import MODULE_NAME_PATTERN, SLUG_PATTERN, VERSION_PATTERN

SCHEMA_ID = "https://ixm.dev/schema/tenant-v1.json"

Color = Annotated[str, Field(pattern=NORMALISED_PATTERN)]
Url = Annotated[str, Field(pattern="^https?://")]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Ids(_Closed):
    android: str
    ios: str


class Version(_Closed):
    name: str = Field(pattern=VERSION_PATTERN)
    build: int = Field(ge=1)


class Locales(_Closed):
    default: str
    supported: list[str] = Field(min_length=1)


class Names(_Closed):
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    description: str | None = None
    dir: Literal["ltr", "rtl"]


class Palette(_Closed):
    primary: Color
    on_primary: Color
    secondary: Color
    background: Color
    on_background: Color


class Colors(_Closed):
    light: Palette
    dark: Palette


class Typography(_Closed):
    font_family: str | None = None


ModuleName = Annotated[str, Field(pattern=MODULE_NAME_PATTERN)]


class Module(_Closed):
    """An enabled feature module: what a shell needs to show it and open it."""

    name: ModuleName
    title: dict[str, str] = Field(description="Tenant locale tag -> the module's title")
    icon: list[str] = Field(description="SVG path data, 24 px grid, 2 px round stroke")
    route: str = Field(pattern="^/", description="The workspace page of the module")
    config: dict[str, Any] = Field(description="The module's settings (defaults filled in)")


class Endpoints(_Closed):
    api: Url
    web: Url | None = None


class Storage(_Closed):
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"mode": {"const": "private"}}},
            "then": {"required": ["mode", "endpoint", "bucket"]},
            "else": {"not": {"anyOf": [{"required": ["endpoint"]}, {"required": ["bucket"]}]}},
        }
    )

    mode: Literal["cloud", "private"]
    endpoint: Url | None = None
    bucket: str | None = None
    region: str | None = None


class Legal(_Closed):
    privacy_url: Url
    terms_url: Url | None = None
    support_url: Url | None = None
    support_email: str | None = None


class TenantConfig(_Closed):
    """tenant.json, v1. Optional values are left out, never written as null."""

    schema_ref: str = Field(SCHEMA_ID, alias="$schema")
    format: Literal["ixm-tenant/v1"] = Field("ixm-tenant/v1", alias="schema")
    tenant: str = Field(pattern=SLUG_PATTERN)
    environment: str = Field(min_length=1)
    ids: Ids
    version: Version
    locales: Locales
    names: dict[str, Names]
    colors: Colors
    typography: Typography
    features: dict[ModuleName, bool] = Field(
        description="Every module of the platform base's catalog -> enabled"
    )
    modules: list[Module] = Field(
        description="The enabled modules, in the catalog's order (the order the apps show)"
    )
    endpoints: Endpoints
    storage: Storage
    legal: Legal

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def json_schema() -> dict[str, Any]:
    """JSON Schema 2020-12 of tenant.json, so client teams can validate what they read."""
    schema = TenantConfig.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "ixm runtime config (tenant.json), v1",
    }
