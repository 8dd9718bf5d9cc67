"""The resolved brand: one typed, frozen value that every target reads.

Built only from a manifest that passed validation, so its fields need no further checks:
colours are ``#RRGGBB``, every localised text has a value for every locale (falling back to
the default locale), asset paths are absolute and inside their tenant folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ixm_cli.catalog import Setting
from ixm_cli.errors import Location
from ixm_cli.locales import Locale


@dataclass(frozen=True)
class Text:
    """A localised text: a value for every locale of the brand, default first."""

    values: Mapping[str, str]
    default_locale: str

    @property
    def default(self) -> str:
        return self.values[self.default_locale]

    def __getitem__(self, locale: str) -> str:
        return self.values.get(locale, self.default)

    def items(self) -> Iterator[tuple[str, str]]:
        return iter(self.values.items())


@dataclass(frozen=True)
class Palette:
    primary: str
    on_primary: str
    secondary: str
    background: str
    on_background: str


@dataclass(frozen=True)
class AppInfo:
    name: Text
    short_name: Text
    description: Text | None
    version: str
    build: int


@dataclass(frozen=True)
class BrandAssets:
    icon: Path
    icon_foreground: Path | None
    icon_background: Path | str  # a #RRGGBB colour or an image path
    icon_monochrome: Path | None
    splash_logo: Path | None

    def files(self) -> list[Path]:
        found = [self.icon, self.icon_foreground, self.icon_monochrome, self.splash_logo]
        if isinstance(self.icon_background, Path):
            found.append(self.icon_background)
        return [p for p in found if p is not None]


@dataclass(frozen=True)
class Storage:
    mode: str  # cloud | private
    endpoint: str | None = None
    bucket: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Legal:
    privacy_url: str
    terms_url: str | None = None
    support_url: str | None = None
    support_email: str | None = None


@dataclass(frozen=True)
class StoreTexts:
    subtitle: Text | None = None
    short_description: Text | None = None
    full_description: Text | None = None
    keywords: Text | None = None
    promotional_text: Text | None = None
    release_notes: Text | None = None


@dataclass(frozen=True)
class Signing:
    """References only (``env:NAME``); the secrets themselves never enter ixm."""

    android_keystore: str | None = None
    android_key_alias: str | None = None
    android_password: str | None = None
    android_key_password: str | None = None
    ios_team_id: str | None = None
    ios_profile: str | None = None
    android_cert_sha256: tuple[str, ...] = ()
    """Public certificate fingerprints, upper case ``AB:CD:…`` (for assetlinks.json)."""


@dataclass(frozen=True)
class Links:
    """App Links / Universal Links hosts and the custom URL scheme (both optional)."""

    domains: tuple[str, ...] = ()
    scheme: str | None = None


@dataclass(frozen=True)
class Services:
    """Native services. Firebase files are absolute paths inside the tenant folder, already
    checked to name this brand's applicationId / bundle id."""

    firebase_android: Path | None = None
    firebase_ios: Path | None = None
    push: bool = False
    push_channel: Text | None = None

    def files(self) -> list[Path]:
        return [p for p in (self.firebase_android, self.firebase_ios) if p is not None]


@dataclass(frozen=True)
class Module:
    """A feature module of the platform base's catalog, as this tenant has it."""

    name: str
    enabled: bool
    title: Text
    icon: tuple[str, ...]
    """SVG path data on a 24 px grid (the catalog's icon)."""
    route: str
    config: Mapping[str, Any]
    """The tenant's settings, the schema's defaults filled in (valid against the schema)."""
    settings: tuple[Setting, ...] = ()
    """The schema's top-level settings, typed for the generated Kotlin and Swift."""


@dataclass(frozen=True)
class Brand:
    tenant: str
    env: str | None
    locales: tuple[Locale, ...]
    app: AppInfo
    android_id: str
    ios_id: str
    light: Palette
    dark: Palette
    font_family: str | None
    assets: BrandAssets
    modules: tuple[Module, ...]
    """Every module of the base's catalog, in its order, on or off."""
    api_endpoint: str
    web_endpoint: str | None
    storage: Storage
    legal: Legal
    store: StoreTexts
    signing: Signing
    manifests: tuple[Path, ...]  # the extends chain, tenant first
    links: Links = field(default_factory=Links)
    services: Services = field(default_factory=Services)
    provenance: Mapping[str, Location] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def default_locale(self) -> Locale:
        return self.locales[0]

    @property
    def output_name(self) -> str:
        """``<tenant>`` or ``<tenant>@<env>``: the folder under --out."""
        return self.tenant if self.env is None else f"{self.tenant}@{self.env}"

    @property
    def features(self) -> Mapping[str, bool]:
        """Module name -> on (tenant.json's ``features``)."""
        return MappingProxyType({m.name: m.enabled for m in self.modules})

    def enabled_modules(self) -> list[Module]:
        return [m for m in self.modules if m.enabled]

    def enabled_features(self) -> list[str]:
        return [m.name for m in self.modules if m.enabled]
