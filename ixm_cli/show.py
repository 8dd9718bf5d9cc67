"""`ixm show`: a manifest as YAML with where every value came from."""

from __future__ import annotations

import io
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ixm_cli.errors import display_path
from ixm_cli.manifest.brand import Brand, Text
from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.resolve import Merged


def _annotate(value: Any, path: Key, merged: Merged) -> Any:
    if isinstance(value, dict):
        out = CommentedMap()
        for key, sub in value.items():
            out[key] = _annotate(sub, (*path, key), merged)
            if not isinstance(sub, dict):
                loc = merged.values.get((*path, key)) or merged.keys.get((*path, key))
                if loc is not None:
                    out.yaml_add_eol_comment(loc.display(), key)
        return out
    if isinstance(value, list):
        return CommentedSeq(_annotate(v, (*path, i), merged) for i, v in enumerate(value))
    return value


def _dump(data: Any) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 100
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def render_merged(merged: Merged) -> str:
    chain = " <- ".join(display_path(f) for f in merged.files)
    return f"# resolved from {chain}\n" + _dump(_annotate(merged.data, (), merged))


def brand_data(brand: Brand) -> Any:
    """The resolved brand as plain data (paths shown relative to the current directory)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Text):
            return dict(value.values)
        if isinstance(value, Path):
            return display_path(value)
        if is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: plain(getattr(value, f.name))
                for f in fields(value)
                if f.name != "provenance" and getattr(value, f.name) is not None
            }
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        if hasattr(value, "items"):
            return {k: plain(v) for k, v in value.items()}
        return value

    data = plain(brand)
    data["locales"] = [loc.tag for loc in brand.locales]
    return data


def render_resolved(brand: Brand) -> str:
    return _dump(brand_data(brand))
