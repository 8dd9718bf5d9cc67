"""`ixm show`: a manifest as YAML with where every value came from."""

from __future__ import annotations

import io
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ixm_cli import redact
from ixm_cli.errors import display_path, escape_unprintable
from ixm_cli.manifest.brand import Brand, Text
from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.resolve import Merged


def _origin(path: Key, merged: Merged) -> str | None:
    loc = merged.values.get(path) or merged.keys.get(path)
    return None if loc is None else loc.display()


def _annotate(value: Any, path: Key, merged: Merged) -> Any:
    """``value`` as ruamel nodes, each leaf (and each list) with a ``# file:line:col``.

    Values pass through :mod:`ixm_cli.redact` on the way: show's output is pasted into
    tickets and CI logs, so what may be a secret is shown by where it is, never by what it is.
    """
    if isinstance(value, dict):
        out = CommentedMap()
        for key, sub in value.items():
            shown = redact.credentials(key) if isinstance(key, str) else key
            out[shown] = _annotate(sub, (*path, key), merged)
            where = None if isinstance(sub, dict) else _origin((*path, key), merged)
            if where is not None:
                out.yaml_add_eol_comment(where, shown)
        return out
    if isinstance(value, list):
        # Items too: a list replaces as a whole, but `locales: [zh-Hans, en]` still has a
        # column per item, and the brief of show is "every value, where it came from".
        seq = CommentedSeq()
        for i, item in enumerate(value):
            seq.append(_annotate(item, (*path, i), merged))
            where = None if isinstance(item, (dict, list)) else _origin((*path, i), merged)
            if where is not None:
                seq.yaml_add_eol_comment(where, i)
        return seq
    below = redact.signing_path(path)
    if below is not None and redact.signing_value_hidden(below, value):
        return redact.HIDDEN
    return redact.credentials(value) if isinstance(value, str) else value


def _dump(data: Any) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 100
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def render_merged(merged: Merged) -> str:
    chain = " <- ".join(escape_unprintable(display_path(f)) for f in merged.files)
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
    return _dump(redact.public_data(brand_data(brand)))
