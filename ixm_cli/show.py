"""`ixm show`: a manifest as YAML with where every value came from."""

from __future__ import annotations

import io
import re
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ixm_cli.errors import display_path
from ixm_cli.manifest.brand import Brand, Text
from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.model import ENV_REF_PATTERN, SECRET_REFS
from ixm_cli.manifest.resolve import Merged


def _origin(path: Key, merged: Merged) -> str | None:
    loc = merged.values.get(path) or merged.keys.get(path)
    return None if loc is None else loc.display()


HIDDEN = "<not shown: an inline secret; use env:NAME>"


def _hidden(path: Key, value: Any) -> bool:
    """A signing value that is not an env:NAME reference may be the secret itself: show
    prints where it is, never what it is (validate refuses it without echoing it too).

    Looked up wherever the signing block sits (top level or in an environment overlay); a
    scalar where the signing maps belong is hidden as well, since it may be a pasted secret.
    """
    if "signing" not in path:
        return False
    rel = path[path.index("signing") :]
    sensitive = rel in SECRET_REFS or len(rel) < 3
    return sensitive and not (isinstance(value, str) and re.fullmatch(ENV_REF_PATTERN, value))


def _annotate(value: Any, path: Key, merged: Merged) -> Any:
    """``value`` as ruamel nodes, each leaf (and each list) with a ``# file:line:col``."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, sub in value.items():
            out[key] = _annotate(sub, (*path, key), merged)
            where = None if isinstance(sub, dict) else _origin((*path, key), merged)
            if where is not None:
                out.yaml_add_eol_comment(where, key)
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
    return HIDDEN if _hidden(path, value) else value


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
