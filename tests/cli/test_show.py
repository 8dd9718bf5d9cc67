"""`ixm show`: the merged manifest as YAML, each value annotated with where it came from.

What is proven, on the example tenants (yunzhuding extends ../_greentown/brand.yaml and has a
staging environment) and on small generated ones:

* stdout is YAML whose data equals the library's merged manifest (``--env``: with the
  overlay laid over it and no ``environments`` left); stderr is empty; exit 0;
* every leaf carries a ``# tenants/…/brand.yaml:line:col`` comment, and the comment is right:
  an inherited value points into the parent at the line and column where the parent writes it,
  a value the child overrides into the child, an overlaid value into the child's
  ``environments.staging`` (expected positions are found by searching the manifests' text);
* ``--resolved`` prints the checked brand: defaults filled (secondary defaults to primary,
  in light and dark), colours normalised to ``#RRGGBB`` uppercase, inherited assets resolved
  into the parent's folder; a tenant with errors exits 1 with compiler-style diagnostics and
  prints nothing on stdout;
* `show` writes no file, anywhere.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import DELETE, EXAMPLES, REPO, Marked, make_tenant, marker_line, run_ixm
from ruamel.yaml import YAML

from ixm_cli.manifest.resolve import Workspace, apply_environment
from ixm_cli.manifest.tenant import check_tenant, load_merged
from ixm_cli.show import brand_data

CHILD = EXAMPLES / "yunzhuding" / "brand.yaml"
PARENT = EXAMPLES / "_greentown" / "brand.yaml"
ANNOTATION = re.compile(r" # (?P<where>\S+\.yaml:[0-9]+:[0-9]+)$")


@pytest.fixture(autouse=True)
def _from_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    # Diagnostics and annotations name files relative to the current directory; run where a
    # partner runs ixm, so they read tenants/…/brand.yaml.
    monkeypatch.chdir(REPO)


def show(*args: str | Path) -> Any:
    result = run_ixm("show", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result


def position(path: Path, line_start: str, token: str) -> str:
    """``tenants/…/brand.yaml:line:col`` of ``token`` on the one line of ``path`` that starts
    with ``line_start`` (searched, so the test survives edits to the example manifests)."""
    lines = path.read_text("utf-8").splitlines()
    found = [i for i, text in enumerate(lines, 1) if text.startswith(line_start)]
    assert len(found) == 1, f"{line_start!r} starts lines {found} of {path}"
    text = lines[found[0] - 1]
    assert token in text, (token, text)
    return f"{path.relative_to(REPO)}:{found[0]}:{text.index(token) + 1}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def annotation(stdout: str, *path: str | int) -> str:
    """The ``# file:line:col`` comment on the output line of the value at ``path``.

    Walks the block YAML `show` prints (two spaces per mapping level; list items at their
    key's indentation, as ruamel writes them), so a text that appears twice (云助钉 is both
    name and short_name) is still found at the right place.
    """
    lines = stdout.splitlines()
    row, indent = -1, 0
    for key in path:
        if isinstance(key, int):
            items = []
            for i in range(row + 1, len(lines)):
                if lines[i].startswith(" " * (indent - 2) + "- "):
                    items.append(i)
                elif _indent(lines[i]) < indent:
                    break
            row = items[key]
            continue
        wanted = " " * indent + f"{key}:"
        for i in range(row + 1, len(lines)):
            if lines[i] == wanted or lines[i].startswith(wanted + " "):
                row = i
                break
            assert row < 0 or _indent(lines[i]) >= indent, f"{path} is not in:\n{stdout}"
        else:
            raise AssertionError(f"{path} is not in:\n{stdout}")
        indent += 2
    found = ANNOTATION.search(lines[row])
    assert found, f"no annotation on {lines[row]!r}"
    return found["where"]


def merged_data(env: str | None = None, tenants: Path = EXAMPLES, slug: str = "yunzhuding") -> Any:
    base, _ = load_merged(Workspace.at(tenants), slug)
    merged, _ = apply_environment(base, env)
    return merged.data


def leaves_and_lists(data: Any) -> int:
    """How many annotations a value needs: one per leaf, plus one per list (at its key)."""
    if isinstance(data, dict):
        return sum(leaves_and_lists(v) + isinstance(v, list) for v in data.values())
    if isinstance(data, list):
        return sum(leaves_and_lists(v) for v in data)
    return 1


def parsed(stdout: str) -> Any:
    return YAML(typ="safe", pure=True).load(stdout)


def test_show_prints_the_merged_manifest_as_yaml_with_every_origin() -> None:
    out = show("yunzhuding", "--tenants", EXAMPLES).stdout
    assert out.startswith(
        "# resolved from tenants/yunzhuding/brand.yaml <- tenants/_greentown/brand.yaml\n"
    )
    assert parsed(out) == merged_data()
    assert "environments" not in parsed(out)  # prod: no overlay, and the overlays are not data
    annotations = [m["where"] for line in out.splitlines() if (m := ANNOTATION.search(line))]
    assert len(annotations) == leaves_and_lists(merged_data())
    files = {where.rsplit(":", 2)[0] for where in annotations}
    assert files == {"tenants/yunzhuding/brand.yaml", "tenants/_greentown/brand.yaml"}


def test_an_inherited_value_points_into_the_parent() -> None:
    out = show("yunzhuding", "--tenants", EXAMPLES).stdout
    assert annotation(out, "colors", "primary") == position(
        PARENT, "  primary:", '"#0A7D5A"'
    )
    assert annotation(out, "signing", "ios", "team_id") == position(
        PARENT, "  ios: {team_id", "GT7Q2K9W4M"
    )
    # a list item, in a flow list of the parent
    assert annotation(out, "locales", 1) == position(PARENT, "locales:", "en]")


def test_a_value_the_child_sets_points_into_the_child() -> None:
    out = show("yunzhuding", "--tenants", EXAMPLES).stdout
    # both files declare schema: the child's wins, and says so
    assert "schema: ixm/v1" in PARENT.read_text("utf-8")
    assert annotation(out, "schema") == position(CHILD, "schema:", "ixm/v1")
    # signing deep-merges: android from the child, ios (above) from the parent
    assert annotation(out, "signing", "android", "keystore") == position(
        CHILD, "  android: {keystore", "env:YUNZHU_KEYSTORE"
    )
    assert annotation(out, "ids", "android") == position(
        CHILD, "  android: com.greentown.yunzhuding", "com.greentown"
    )


def test_a_child_override_of_a_parent_value_points_into_the_child(root: Path) -> None:
    child = make_tenant(
        root, "acme", {"colors": {"primary": Marked("#123456")}}, parent="_partner"
    )
    parent = root / "_partner" / "brand.yaml"
    assert "'#0A7D5A'" in parent.read_text("utf-8")  # the parent says otherwise
    out = show("acme", "--tenants", root).stdout
    line = marker_line(child.read_text("utf-8"))
    assert annotation(out, "colors", "primary") == f"{child}:{line}:12"
    # its sibling, not overridden, still comes from the parent
    on_primary = [i for i, t in enumerate(parent.read_text("utf-8").splitlines(), 1)
                  if t.startswith("  on_primary:")]
    assert annotation(out, "colors", "on_primary") == f"{parent}:{on_primary[0]}:15"


def test_env_lays_the_overlay_over_and_points_into_it() -> None:
    out = show("yunzhuding", "--env", "staging", "--tenants", EXAMPLES).stdout
    assert parsed(out) == merged_data("staging")
    assert "environments" not in parsed(out)
    assert "environments" not in out
    overlay_app = "    app: {name: {en: YunZhu Ding β}}"
    assert annotation(out, "app", "name", "en") == position(
        CHILD, overlay_app, "YunZhu Ding β"
    )
    assert annotation(out, "ids", "android") == position(
        CHILD, "    ids: {android", "com.greentown.yunzhuding.staging"
    )
    assert annotation(out, "endpoints", "api") == position(
        CHILD, "    endpoints: {api", "https://api-staging"
    )
    # what the overlay leaves alone keeps its prod origin: the sibling locale of the name,
    # the web endpoint, and everything inherited
    assert annotation(out, "app", "name", "zh-Hans") == position(CHILD, "  name:", "云助钉")
    assert annotation(out, "endpoints", "web") == position(
        CHILD, "  web:", "https://"
    )
    assert annotation(out, "colors", "primary") == position(
        PARENT, "  primary:", '"#0A7D5A"'
    )


def test_resolved_prints_the_checked_brand_of_the_example() -> None:
    out = show("yunzhuding", "--resolved", "--tenants", EXAMPLES).stdout
    data = parsed(out)
    brand = check_tenant(Workspace.at(EXAMPLES), "yunzhuding", None).brand
    assert brand is not None
    assert data == brand_data(brand)
    # a child inherits its parent's images: resolved into the parent's folder
    assert data["assets"]["icon"] == "tenants/_greentown/assets/icon.png"
    # the parent's dark palette leaves secondary out: it falls back to the light one
    assert data["dark"]["secondary"] == data["light"]["secondary"] == "#F5A623"
    staging = parsed(show("yunzhuding", "--resolved", "--env", "staging",
                          "--tenants", EXAMPLES).stdout)
    assert staging["env"] == "staging"
    assert staging["android_id"] == "com.greentown.yunzhuding.staging"


def test_resolved_fills_defaults_and_normalises_colours(root: Path) -> None:
    make_tenant(
        root,
        "acme",
        {
            "colors": {
                "primary": "#0a7d5a",
                "on_primary": "#fff",
                "secondary": DELETE,
                "dark": {"secondary": DELETE, "primary": "#34c38f"},
            },
            "app": {"short_name": DELETE},
        },
    )
    data = parsed(show("acme", "--resolved", "--tenants", root).stdout)
    assert data["light"]["primary"] == "#0A7D5A"
    assert data["light"]["on_primary"] == "#FFFFFF"
    assert data["light"]["secondary"] == "#0A7D5A"  # defaulted to primary
    assert data["dark"]["secondary"] == "#34C38F"  # dark's own primary, normalised
    assert data["app"]["short_name"] == data["app"]["name"]  # short_name defaults to name
    assert data["locales"] == ["en", "zh-Hans"]


def test_resolved_with_errors_exits_1_with_compiler_style_lines(root: Path) -> None:
    manifest = make_tenant(root, "acme", {"colors": {"primary": Marked("red")}})
    line = marker_line(manifest.read_text("utf-8"))
    result = run_ixm("show", "acme", "--resolved", "--tenants", root)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"{manifest}:{line}:12: error[colors.primary]: 'red' is not a colour\n"
    )
    for text in result.stderr.splitlines():
        assert text.startswith("  hint: ") or re.match(
            rf"^{re.escape(str(manifest))}:[0-9]+:[0-9]+: (error|warning)\[", text
        ), text
    # without --resolved, show prints the manifest as written: how one debugs it
    plain = show("acme", "--tenants", root).stdout
    assert parsed(plain)["colors"]["primary"] == "red"


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def test_show_writes_no_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tenant(root, "acme", parent="_partner")
    monkeypatch.chdir(root.parent)  # where dist/ would go, were anything written
    before = _snapshot(root.parent), _snapshot(EXAMPLES)
    for args in ((), ("--env", "staging"), ("--resolved",), ("--resolved", "--env", "staging")):
        show("acme", *args)
        show("yunzhuding", *args, "--tenants", EXAMPLES)
    assert (_snapshot(root.parent), _snapshot(EXAMPLES)) == before


SECRET = "hunter2-Zq9"


def test_inline_secrets_are_never_printed(root: Path) -> None:
    """validate refuses an inline secret without echoing it; show must not print it either
    (a CI log of `ixm show` would leak it). References, the alias and the team id stay."""
    make_tenant(
        root,
        "acme",
        {
            "signing": {
                "android": {"password": SECRET, "keystore": "env:ACME_KEYSTORE"},
                "ios": {"profile": 123456},
            },
            "environments": {"staging": {"signing": {"android": {"key_password": SECRET}}}},
        },
    )
    for args in ((), ("--env", "staging")):
        result = show("acme", *args, "--tenants", root)
        assert result.exit_code == 0
        assert SECRET not in result.stdout and "123456" not in result.stdout
        signing = parsed(result.stdout)["signing"]
        assert signing["android"]["password"] == "<not shown: an inline secret; use env:NAME>"
        assert signing["android"]["keystore"] == "env:ACME_KEYSTORE"
        assert signing["ios"]["profile"] == "<not shown: an inline secret; use env:NAME>"
        if args:  # the overlay's own inline secret
            hidden = signing["android"]["key_password"]
            assert hidden == "<not shown: an inline secret; use env:NAME>"
    resolved = run_ixm("show", "acme", "--resolved", "--tenants", root)
    assert resolved.exit_code == 1 and SECRET not in resolved.stdout + resolved.stderr
