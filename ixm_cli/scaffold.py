"""`ixm init`: a new tenant folder from the cookiecutter template shipped in ``data/init``.

cookiecutter does what it is good at: the questions (``read_user_variable``, with the
template's ``__prompts__``, one at a time so a bad answer is asked again at once) and the
rendering (``render.render_template``: cookiecutter's own environment, in memory, no chdir).
Its top-level ``cookiecutter()`` is not used: it reads the user's home config and writes
replay files. Everything the template writes travels pre-checked under the private key
``_ixm`` (never rendered as a template; every value goes through the ``yaml_string``
filter), so a name such as ``{{ 7*7 }}`` or ``Joe's: "x"`` lands in brand.yaml as written.

The folder is written next to its final place, renamed in, and validated; a refused or
failed init leaves nothing behind.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from cookiecutter.prompt import read_user_variable
from PIL import Image, ImageDraw

from ixm_cli import colors, locales
from ixm_cli.assets import AssetSources, check_sources
from ixm_cli.catalog import load_catalog
from ixm_cli.errors import Diagnostic, IxmError, display_path, has_errors
from ixm_cli.fsutil import rename_noreplace
from ixm_cli.manifest.model import (
    ANDROID_ID_PATTERN,
    IOS_ID_PATTERN,
    SLUG_PATTERN,
)
from ixm_cli.manifest.resolve import MANIFEST, Merged, Workspace, get
from ixm_cli.manifest.rules import (
    JAVA_KEYWORDS,
    KOTLIN_KEYWORDS,
    NAME_MAX,
    field_name,
    suggest,
)
from ixm_cli.manifest.tenant import check_tenant, load_merged
from ixm_cli.render import render_template

ICON_SIDE = 1024
DEFAULT_LOCALES = ("en",)
REPLACED_BY_CUSTOMERS: tuple[tuple[str, ...], ...] = (
    ("assets", "icon"),
    ("assets", "icon_foreground"),
    ("assets", "icon_background"),
    ("assets", "icon_monochrome"),
    ("assets", "splash_logo"),
    ("colors", "dark"),
    ("store",),
    ("legal",),
    ("endpoints",),
)
"""What a parent usually holds that a customer brand should not ship as the parent's: the
issue's "the parent's brand leaks silently" list (images, dark palette, store texts, legal
URLs) plus the parent's servers."""


@dataclass(frozen=True)
class Created:
    """What `ixm init` made."""

    tenant: str
    folder: Path
    files: Sequence[Path]
    warnings: Sequence[Diagnostic]


def _template() -> Path:
    return Path(str(resources.files("ixm_cli").joinpath("data/init")))


def _refuse(field: str, message: str, hint: str) -> IxmError:
    return IxmError.single(field, message, None, hint)


def check_slug(ws: Workspace, slug: str) -> Path:
    """The new tenant's folder, after refusing a bad or taken slug."""
    if not re.fullmatch(SLUG_PATTERN, slug):
        fixed = re.sub(r"[^a-z0-9-]+", "-", slug.lower()).strip("-")
        fixed = fixed if re.fullmatch(SLUG_PATTERN, fixed) else "acme-ding"
        raise _refuse(
            "tenant",
            f"{slug!r} cannot name a tenant",
            f"use 2-39 lowercase letters, digits and '-', starting with a letter, e.g. {fixed}",
        )
    folder = ws.tenants / slug
    if os.path.lexists(folder):
        raise _refuse(
            "tenant",
            f"{display_path(folder)} already exists",
            f"pick another name, or edit {display_path(folder / MANIFEST)} instead",
        )
    return folder


def _parent_manifest(ws: Workspace, folder: Path, spelled: str) -> Path:
    """``--extends`` as a manifest path inside the tenants folder.

    Accepted as written in a manifest (``../_greentown/brand.yaml``, relative to the new
    folder), as a folder name under the tenants folder (``_greentown``), or relative to the
    current directory (``tenants/_greentown``).
    """
    tries = [folder / spelled, ws.tenants / spelled, Path(spelled).absolute()]
    for raw in tries:
        path = Path(os.path.normpath(raw))
        if path.is_dir():
            path = path / MANIFEST
        if path.is_file() and path.resolve().is_relative_to(ws.tenants):
            return path
    parents = sorted(
        p.name for p in ws.tenants.iterdir() if p.is_dir() and (p / MANIFEST).is_file()
    ) if ws.tenants.is_dir() else []
    raise _refuse(
        "extends",
        f"no parent manifest at {spelled!r} under {display_path(ws.tenants)}",
        "name a folder holding brand.yaml, e.g. --extends _greentown; found: "
        + (", ".join(parents) or "none"),
    )


def _short(value: Any) -> str:
    """A parent's value for a one-line YAML comment: printable, short."""
    if isinstance(value, dict):
        return "{" + ", ".join(str(k) for k in value) + "}"
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    return text if len(text) <= 60 else text[:57] + "..."


def inherited_lines(parent: Merged, parent_name: str) -> list[str]:
    """One comment line per inherited value a customer brand usually replaces."""
    lines = []
    for path in REPLACED_BY_CUSTOMERS:
        value = get(parent, path)
        if value is None:
            continue
        leaves = (
            [((*path, k), v) for k, v in value.items()]
            if isinstance(value, dict) and path in (("colors", "dark"), ("legal",), ("endpoints",))
            else [(path, value)]
        )
        for leaf, v in leaves:
            loc = parent.locate(leaf)
            where = f"{parent_name}/{MANIFEST}:{loc.line}" if loc and loc.line else parent_name
            lines.append(f"{field_name(leaf)}: {_short(v)}   (from {where})")
    return lines


def _id_prefix(source: Merged | None) -> str:
    android = get(source, ("ids", "android")) if source else None
    if isinstance(android, str) and android.count(".") >= 2:
        return android.rsplit(".", 1)[0]
    return "com.example"


@dataclass
class Plan:
    """Everything the template needs, before and after the questions."""

    slug: str
    locales: list[str]
    extends: str | None
    parent: Merged | None
    parent_name: str | None
    source: Merged | None
    answers: dict[str, str]


def _defaults(slug: str, source: Merged | None, parent: Merged | None) -> dict[str, str]:
    package = slug.replace("-", "_")
    prefix = _id_prefix(source)
    base = source or parent
    primary = get(base, ("colors", "primary")) if base is not None else None
    return {
        "android_id": f"{prefix}.{package}",
        "ios_id": f"{prefix.replace('_', '-')}.{slug}",
        "primary": colors.normalise(primary) if isinstance(primary, str)
        and colors.is_color(primary) else "#0A7D5A",
        "icon": "",
    }


_FIELDS = {
    "android_id": "ids.android",
    "ios_id": "ids.ios",
    "primary": "colors.primary",
    "icon": "assets.icon",
}
"""The manifest field each question fills, named in a refusal."""


def check_answer(key: str, value: str) -> str | None:
    """Why an answer cannot be used (in a designer's words), or None."""
    if key.startswith("name_"):
        if not value.strip():
            return "the name cannot be empty"
        if len(value) > NAME_MAX:
            return f"the name is {len(value)} characters; the stores allow {NAME_MAX}"
        if not value.isprintable():
            return "the name cannot hold line breaks or control characters"
    elif key == "android_id":
        if not re.fullmatch(ANDROID_ID_PATTERN, value):
            return ("an Android id is dot-separated words of letters, digits and '_', each "
                    "starting with a letter, e.g. com.acme.ding")
        bad = [s for s in value.split(".") if s in JAVA_KEYWORDS | KOTLIN_KEYWORDS]
        if bad:
            return f"{bad[0]!r} is a Java/Kotlin keyword; rename that part, e.g. {bad[0]}app"
    elif key == "ios_id":
        if not re.fullmatch(IOS_ID_PATTERN, value):
            return ("an iOS bundle id is dot-separated words of letters, digits and '-', "
                    "e.g. com.acme.ding")
    elif key == "primary":
        if not colors.is_color(value):
            return 'a colour is written "#RRGGBB", e.g. #0A7D5A'
    elif key == "icon" and value:
        path = Path(value).expanduser()
        if not path.is_file():
            return f"no file at {value}; give the path of a PNG, JPEG or WebP image"
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
            return "the icon must be a .png, .jpg or .webp file"
        # The build's own source checks (size, squareness, decodability), asked now so a
        # designer can give another file instead of finding out after the folder is made.
        problems = check_sources(AssetSources(icon=path))
        if problems:
            return f"{problems[0].message} ({problems[0].hint})"
    return None


def _ask(plan: Plan, prompt: bool, flags: Mapping[str, str]) -> None:
    """Fill ``plan.answers``: flags first, then cookiecutter's questions on a terminal."""
    defaults = _defaults(plan.slug, plan.source, plan.parent)
    title = plan.slug.replace("-", " ").title()
    config = _config()
    questions: dict[str, str] = dict(config.get("__prompts__", {}))
    cookie: dict[str, Any] = {}
    for tag in plan.locales:
        key = f"name_{tag}"
        questions[key] = f"App name in {tag} (store title, at most {NAME_MAX} characters)"
        cookie[key] = flags.get(key) or title
    for key in ("android_id", "ios_id", "primary", "icon"):
        cookie[key] = flags.get(key, defaults[key])
    # Answers given as flags are not asked again. Each question is cookiecutter's own
    # (read_user_variable, with the template's __prompts__), asked one at a time so a bad
    # answer is asked again at once rather than after the last question.
    asked = [k for k in cookie if k not in flags]
    for key in cookie:
        value = str(cookie[key]).strip()
        prefix = ""
        if prompt and key in asked:
            prefix = f"  [{asked.index(key) + 1}/{len(asked)}] "
            value = str(read_user_variable(key, cookie[key], questions, prefix)).strip()
        problem = check_answer(key, value)
        while problem is not None and prompt and key in asked:
            print(f"  {problem}")
            value = str(read_user_variable(key, cookie[key], questions, prefix)).strip()
            problem = check_answer(key, value)
        if problem is not None:
            flag = "--name" if key.startswith("name_") else "--" + key.replace("_", "-")
            raise _refuse(_FIELDS.get(key) or key.replace("name_", "app.name."),
                          f"{value!r}: {problem}", f"pass a valid value with {flag}")
        plan.answers[key] = value


def _config() -> dict[str, Any]:
    data = json.loads((_template() / "cookiecutter.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _placeholder_images(primary: str, mark: str) -> dict[str, bytes]:
    """Plain images that validate: a tile in the primary colour with a centred disc, the disc
    alone (foreground, inside the safe zone) and its white silhouette (monochrome)."""
    side = ICON_SIDE
    fg_rgb = colors.rgb(mark)
    disc = (side * 0.34, side * 0.34, side * 0.66, side * 0.66)

    def png(im: Image.Image) -> bytes:
        buf = io.BytesIO()
        im.save(buf, "PNG", optimize=False)
        return buf.getvalue()

    icon = Image.new("RGBA", (side, side), (*colors.rgb(primary), 255))
    ImageDraw.Draw(icon).ellipse(disc, fill=(*fg_rgb, 255))
    fg = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(fg).ellipse(disc, fill=(*fg_rgb, 255))
    mono = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(mono).ellipse(disc, fill=(255, 255, 255, 255))
    return {
        "assets/icon.png": png(icon),
        "assets/icon-foreground.png": png(fg),
        "assets/icon-mono.png": png(mono),
    }


def _best_text(background: str) -> str:
    return max(("#000000", "#FFFFFF"), key=lambda c: colors.contrast(c, background))


def _view(plan: Plan) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The template's data and the image files to write next to brand.yaml."""
    a = plan.answers
    primary = colors.normalise(a["primary"])
    on_primary = _best_text(primary)
    files: dict[str, bytes] = {}
    view: dict[str, Any] = {
        "tenant": plan.slug,
        "extends": plan.extends,
        "locales": [] if plan.parent else plan.locales,
        "names": [(tag, a[f"name_{tag}"]) for tag in plan.locales],
        "android_id": a["android_id"],
        "ios_id": a["ios_id"],
        "features": [],
        "endpoints": {},
        "legal": {},
        "inherited": (
            inherited_lines(plan.parent, plan.parent_name or "parent") if plan.parent else []
        ),
    }
    base = plan.parent or plan.source
    view["version"] = get(plan.parent, ("app", "version")) is None if plan.parent else True
    colours: list[tuple[str, str]] = []
    dark: list[tuple[str, str]] = []
    parent_primary = get(plan.parent, ("colors", "primary")) if plan.parent else None
    if not isinstance(parent_primary, str) or not colors.is_color(parent_primary) or (
        colors.normalise(parent_primary) != primary
    ):
        colours = [("primary", primary), ("on_primary", on_primary)]
    # A section the parent lacks is written in full (the manifest must be complete once
    # merged); one it has is inherited and listed in the comment block instead.
    src = base or Merged(data={})
    if plan.parent is None or get(plan.parent, ("colors", "background")) is None:
        light_bg = get(src, ("colors", "background"))
        light_fg = get(src, ("colors", "on_background"))
        colours = [("primary", primary), ("on_primary", on_primary)] + [
            ("background", light_bg if colors.is_color(light_bg) else "#FFFFFF"),
            ("on_background", light_fg if colors.is_color(light_fg) else "#1A1A1A"),
        ]
        dark = [("background", "#121212"), ("on_background", "#EDEDED")]
    if plan.parent is None:
        view["features"] = [
            (f, bool(get(src, ("features", f))) if plan.source else f != "projects")
            for f in load_catalog(None).names()  # the bundled base's modules
        ]
    if plan.parent is None or get(plan.parent, ("endpoints", "api")) is None:
        view["endpoints"] = {
            "api": f"https://api.{plan.slug}.example",
            "web": f"https://ding.{plan.slug}.example/",
        }
    if plan.parent is None or get(plan.parent, ("legal", "privacy_url")) is None:
        view["legal"] = {
            "privacy_url": f"https://{plan.slug}.example/privacy",
            "terms_url": f"https://{plan.slug}.example/terms",
            "support_url": f"https://{plan.slug}.example/support",
            "support_email": f"support@{plan.slug}.example",
        }
    view["colors"], view["dark"] = colours, dark
    assets: list[tuple[str, str]] = []
    icon = a["icon"]
    if icon:
        source = Path(icon).expanduser()
        name = "assets/icon" + source.suffix.lower().replace(".jpeg", ".jpg")
        files[name] = source.read_bytes()
        assets.append(("icon", name))
    if plan.parent is None or get(plan.parent, ("assets", "icon")) is None:
        placeholders = _placeholder_images(primary, on_primary)
        if not icon:
            files["assets/icon.png"] = placeholders["assets/icon.png"]
            assets.append(("icon", "assets/icon.png"))
        for key in ("assets/icon-foreground.png", "assets/icon-mono.png"):
            files[key] = placeholders[key]
        assets += [
            ("icon_foreground", "assets/icon-foreground.png"),
            ("icon_background", primary),
            ("icon_monochrome", "assets/icon-mono.png"),
        ]
    view["assets"] = assets
    return view, files


def init(
    *,
    tenants_dir: Path,
    slug: str,
    extends: str | None = None,
    from_tenant: str | None = None,
    names: Mapping[str, str] | None = None,
    answers: Mapping[str, str] | None = None,
    locale_tags: Sequence[str] = (),
    prompt: bool = False,
) -> Created:
    """Scaffold ``tenants_dir/<slug>/``; ask on a terminal when ``prompt``, else use the given
    ``names`` (locale -> name; "" for the default locale) and ``answers`` (android_id, ios_id,
    primary, icon) and defaults for the rest."""
    ws = Workspace.at(tenants_dir)
    if not ws.tenants.is_dir():
        raise _refuse("tenants", f"no tenants folder at {display_path(ws.tenants)}",
                      "run ixm init where ./tenants/ exists, or pass --tenants DIR")
    folder = check_slug(ws, slug)
    source: Merged | None = None
    if from_tenant is not None:
        source, _ = load_merged(ws, from_tenant)
        if extends is None:
            declared = source.data.get("extends")
            if isinstance(declared, str) and len(source.files) > 1:
                extends = str(source.files[1])
    parent: Merged | None = None
    parent_name: str | None = None
    extends_rel: str | None = None
    if extends is not None:
        manifest = _parent_manifest(ws, folder, extends)
        if manifest.parent.parent != ws.tenants:
            raise _refuse("extends", f"{extends!r} is not a folder directly under "
                          f"{display_path(ws.tenants)}", "e.g. --extends _greentown")
        parent_name = manifest.parent.name
        parent, _ = load_merged(ws, parent_name)
        extends_rel = Path(os.path.relpath(manifest, folder)).as_posix()
    base = parent or source
    tags = list(locale_tags)
    if base is not None:
        inherited = [t for t in (get(base, ("locales",)) or []) if isinstance(t, str)]
        if parent is not None and tags and tags != inherited:
            raise _refuse("locales", "--locales cannot change the parent's locales",
                          "drop --locales: a tenant with a parent takes the parent's locales")
        tags = tags or inherited
    tags = tags or list(DEFAULT_LOCALES)
    for tag in tags:
        if locales.lookup(tag) is None:
            close = locales.canonical(tag) or suggest(tag, locales.table())
            raise _refuse("locales", f"unsupported locale {tag!r}",
                          f"did you mean {close!r}?" if close else
                          "supported: " + ", ".join(locales.table()))
    flags: dict[str, str] = {k: v for k, v in (answers or {}).items() if v is not None}
    for tag, text in (names or {}).items():
        flags[f"name_{tag or tags[0]}"] = text
    unknown = [k[5:] for k in flags if k.startswith("name_") and k[5:] not in tags]
    if unknown:
        raise _refuse("app.name", f"--name for {unknown[0]!r}, which is not one of the "
                      f"locales {', '.join(tags)}", "write --name LOCALE=TEXT for a listed locale")
    plan = Plan(slug, tags, extends_rel, parent, parent_name, source, {})
    _ask(plan, prompt, flags)
    view, images = _view(plan)
    return _write(ws, folder, view, images)


def _write(
    ws: Workspace, folder: Path, view: dict[str, Any], images: Mapping[str, bytes]
) -> Created:
    """Render into a scratch folder beside the tenants, rename it in, validate; undo on
    failure (a clash with a concurrent init included)."""
    tree = render_template(_template(), {}, view, layer="init")
    scratch = Path(tempfile.mkdtemp(prefix=f".ixm-init-{folder.name}-", dir=ws.tenants))
    made = scratch / folder.name
    try:
        contents = {rel.relative_to(folder.name): entry.read() for rel, entry in tree.items()}
        contents.update({PurePosixPath(rel): data for rel, data in images.items()})
        for rel, data in sorted(contents.items()):
            target = made.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            rename_noreplace(made, folder)
        except FileExistsError:
            raise _refuse("tenant", f"{display_path(folder)} already exists",
                          "another init made it meanwhile; pick another name") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = check_tenant(ws, folder.name, None)
    if has_errors(result.diagnostics):
        shutil.rmtree(folder, ignore_errors=True)
        raise IxmError(list(result.diagnostics))
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return Created(folder.name, folder, files, list(result.diagnostics))
