"""Regressions found by fuzzing `ixm validate` (tests/cli/test_fuzz_validate.py) and by the
hostile-input work (tests/unit/manifest/test_manifest_bombs.py), one focused test each.

Each was a crash (exit 3, "internal error"), a diagnostic that broke the one-line
compiler-style format, a misplaced position, or work that grew with the square of a
sub-1 MiB input. What is proven here is the fixed behaviour: a diagnostic at the right
file:line:col with a hint, and (for the quadratic ones) the property whose absence made the
work quadratic: bounded message sizes, one read of the chain, the environments bound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ixm_test_helpers import (
    Marked,
    at,
    baseline,
    check,
    diagnose,
    dump_yaml,
    make_tenant,
    marker_col,
    marker_line,
    only,
    run_ixm,
    write_marked,
)

from ixm_cli import api, locales
from ixm_cli.errors import IxmError
from ixm_cli.manifest import loader, resolve
from ixm_cli.manifest.resolve import MAX_ENVIRONMENTS

HEAD = "schema: ixm/v1\ntenant: acme\n"


@pytest.fixture
def manifest(root: Path) -> Path:
    return root / "acme" / "brand.yaml"


def marked(path: Path) -> int:
    return marker_line(path.read_text("utf-8"))


# -- characters the YAML reader refuses, and escapes of no character -------------------------


@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B"),
                                            ("\x7f", "U+007F"), ("\ufffe", "U+FFFE")])
def test_a_forbidden_character_is_one_line_at_its_position(
    root: Path, manifest: Path, char: str, code: str
) -> None:
    # was: "cannot parse the file: unacceptable character …\n  in "<file>", position 31",
    # file-level and on two lines, so the second line was no diagnostic at all
    text = HEAD + f"app:\n  name: Acme{char}Ding  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == f"{code} is a control character or non-character, which YAML does not allow"
    assert "\n" not in d.render().split("\n  hint: ")[0]
    assert at(d) == (manifest, line, marker_col(text, char))
    assert d.hint and d.hint.startswith("remove it")


def test_a_lone_surrogate_escape_is_refused_where_it_is_written(
    root: Path, manifest: Path
) -> None:
    # was: a string no output could encode, reported by pydantic as a file-level
    # "unable to parse raw data as a unicode string"
    text = HEAD + 'app:\n  name: "Acme \\ud83d"  # <-\n'
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "\\ud83d is half of a UTF-16 surrogate pair, not a character"
    assert at(d) == (manifest, line, marker_col(text, '"Acme'))


def test_a_surrogate_pair_written_as_two_escapes_is_one_character(manifest: Path) -> None:
    write_marked(manifest, 'a: "\\ud83d\\ude00 ok"  # <-\n')
    assert loader.load(manifest).data == {"a": "\U0001f600 ok"}


@pytest.mark.parametrize("version", ["1.3", "1.0"])
def test_an_unknown_yaml_version_is_refused_at_its_directive(
    root: Path, manifest: Path, version: str
) -> None:
    # was: exit 3, "internal error (AssertionError): version minor part can only be 2 or 1"
    text = f"# a comment\n%YAML {version}  # <-\n---\n" + HEAD
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == f"YAML version {version} is not supported"
    assert at(d) == (manifest, line, 1)
    assert d.hint == "brand.yaml is YAML 1.2: write %YAML 1.2, or remove the line"


def test_yaml_1_1_and_1_2_directives_are_read(manifest: Path) -> None:
    for version in ("1.1", "1.2"):
        write_marked(manifest, f"%YAML {version}\n---\n{HEAD}# <-\n")
        assert loader.load(manifest).data["tenant"] == "acme"


def test_invalid_utf8_after_a_bom_is_placed_at_the_bad_byte(root: Path, manifest: Path) -> None:
    # was: "utf-8-sig" offsets count from after the BOM, so the byte and column were wrong
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes(b"\xef\xbb\xbf" + HEAD.encode() + b"app: Caf\xe9\n")
    d = only(diagnose(root, "acme"), "manifest")
    assert d.message == "not valid UTF-8 (byte 0xe9)"
    assert at(d) == (manifest, 3, len("app: Caf") + 1)


def test_invalid_utf8_column_counts_characters_not_bytes(root: Path, manifest: Path) -> None:
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes(HEAD.encode() + "app: 云助钉".encode() + b"\xff\n")
    d = only(diagnose(root, "acme"), "manifest")
    assert at(d) == (manifest, 3, len("app: 云助钉") + 1)


def test_a_directory_named_brand_yaml_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "brand.yaml"
    folder.mkdir()
    with pytest.raises(IxmError) as caught:
        loader.load(folder)
    assert caught.value.diagnostics[0].message == "not a regular file"


# -- manifest text quoted in messages ----------------------------------------------------------


def test_a_line_break_in_a_locale_cannot_forge_a_diagnostic_line(root: Path) -> None:
    # was: locales: ["\n", …] printed raw inside messages and hints, splitting them into
    # lines that were no diagnostics
    make_tenant(root, "acme", {"locales": ["\n", "zh-Hans"]})
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1
    for line in result.stderr.splitlines()[:-1]:
        assert line.startswith(("  hint: ", f"{root / 'acme' / 'brand.yaml'}:")), line
    assert "unsupported locale '\\n'" in result.stderr
    # texts keyed by locale are not judged against a list that is itself wrong (issue 9)
    assert "no text for the default locale" not in result.stderr


def test_a_key_with_control_characters_is_escaped_in_the_field(root: Path) -> None:
    manifest = root / "acme" / "brand.yaml"
    text = dump_yaml(baseline("acme")) + '"bad\\nkey\\u202e": 1  # <-\n'
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), contains="unknown key")
    assert d.field == "bad\\nkey\\u202e"  # no raw line break, no bidi override
    assert d.message == "unknown key 'bad\\nkey\\u202e'"
    assert at(d) == (manifest, line, 1)


# -- paths no file system takes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("assets/icon\x00.png", "it contains a NUL character"),
        ("x" * 300 + ".png", "file name too long"),
    ],
)
def test_an_unusable_asset_path_is_an_error_not_a_crash(root: Path, value: str, why: str) -> None:
    # was: exit 3, "internal error (ValueError): embedded null byte" / "(OSError) [Errno 36]"
    manifest = make_tenant(root, "acme", {"assets": {"splash_logo": Marked(value)}})
    d = only(diagnose(root, "acme"), "assets.splash_logo")
    assert d.message == f"{value!r} is not a usable path: {why}".replace("\x00", "\\x00")
    assert at(d) == (manifest, marked(manifest), len("  splash_logo: ") + 1)
    assert run_ixm("validate", "acme", "--tenants", root).exit_code == 1


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("../_p\x00/brand.yaml", "it contains a NUL character"),
        ("../" + "y" * 300 + "/brand.yaml", "file name too long"),
        ("../" + "y/" * 2100 + "brand.yaml", "file name too long"),
    ],
)
def test_an_unusable_extends_path_is_an_error_at_the_extends_line(
    root: Path, value: str, why: str
) -> None:
    manifest = make_tenant(root, "acme", {"extends": Marked(value)})
    d = only(diagnose(root, "acme"), "extends")
    assert d.message.endswith(f"is not a usable path: {why}")
    assert d.location is not None and d.location.file == manifest
    assert d.location.line == marked(manifest)
    result = run_ixm("validate", "acme", "--tenants", root)
    assert result.exit_code == 1 and "internal error" not in result.stderr


def test_an_overlong_tenant_name_on_the_command_line_is_an_unknown_tenant(root: Path) -> None:
    make_tenant(root, "acme")
    result = run_ixm("validate", "a" * 300, "--tenants", root)
    assert result.exit_code == 1
    assert "error[tenant]: no tenant 'aaaa" in result.stderr
    assert "hint: tenants found: acme" in result.stderr


# -- work that grew with the square of the input -------------------------------------------------


def test_messages_list_a_few_locales_not_all_of_them(root: Path) -> None:
    # was: each of N "locale … is not in locales (…)" listed all N locales: N² text
    many = [f"x{i}" for i in range(500)]
    make_tenant(root, "acme", {"locales": ["en", *many],
                               "app": {"name": {f"y{i}": "Acme" for i in range(500)}}})
    diags = diagnose(root, "acme")
    # the list is the root cause: text keys are judged once it is right (issue 9)
    assert not [d for d in diags if d.field.startswith("app.name.y")]
    assert len([d for d in diags if d.message.startswith("unsupported locale")]) == 500
    supported = sorted(locales.table(), key=lambda t: t != "en")
    make_tenant(root, "acme", {"locales": supported,
                               "app": {"name": {f"y{i}": "Acme" for i in range(500)}}})
    found = [d for d in diagnose(root, "acme") if d.field.startswith("app.name.y")]
    assert len(found) == 500
    assert found[0].message == (
        f"locale 'y0' is not in locales ({', '.join(supported[:8])}, … {len(supported)} in all)"
    )
    assert max(len(d.message) for d in found) < 150


def test_the_chain_is_read_once_for_every_environment(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # was: read, parsed and merged again for each environment overlay
    overlays = {f"e{i}": {"app": {"build": i + 1}} for i in range(MAX_ENVIRONMENTS - 1)}
    make_tenant(root, "acme", {"environments": overlays}, parent="_partner")
    reads: list[Path] = []

    def counted(path: Path) -> loader.Document:
        reads.append(path)
        return loader.load(path)

    monkeypatch.setattr(resolve, "load", counted)
    report = api.validate(tenants_dir=root, tenants=["acme"])
    assert len(report.results) == 1 + MAX_ENVIRONMENTS  # prod, staging and the 15 above
    assert not report.failed()
    assert sorted(p.parent.name for p in reads) == ["_partner", "acme"]


def test_more_environments_than_the_bound_are_refused_once(root: Path) -> None:
    overlays: dict[str, Any] = {f"e{i}": {} for i in range(MAX_ENVIRONMENTS)}  # + staging
    manifest = make_tenant(root, "acme", {"environments": overlays})
    d = only(diagnose(root, "acme"), "environments")
    assert d.message == f"{MAX_ENVIRONMENTS + 1} environments; at most 16 are checked and built"
    key = [i for i, t in enumerate(manifest.read_text("utf-8").splitlines(), 1)
           if t.startswith("environments:")]
    assert at(d) == (manifest, key[0], 1)
    report = api.validate(tenants_dir=root, tenants=["acme"])
    assert [r.env for r in report.results] == [None]  # no overlay is expanded


# -- positions through anchors and merges -------------------------------------------------------


def test_an_alias_keeps_its_own_key_position(manifest: Path) -> None:
    # anchors record only their subtree now; the alias's key kept pointing at the value
    write_marked(manifest, "a: &x {b: 1}\nz: *x  # <-\n")
    doc = loader.load(manifest)
    assert (doc.keys[("z",)].line, doc.keys[("z",)].col) == (2, 1)
    assert (doc.values[("z", "b")].line, doc.values[("z", "b")].col) == (2, 4)
    assert ("z", "b") in doc.keys and ("a", "b") in doc.keys


def test_a_replaced_value_leaves_no_stale_positions(root: Path) -> None:
    """merge_into drops exactly what it replaces (it now walks the old value)."""
    make_tenant(
        root, "acme", {"locales": ["en"], "colors": {"dark": None}},
        parent="_partner", parent_overrides={"locales": ["en", "zh-Hans", "fr"]},
    )
    merged = check(root, "acme").merged
    assert merged is not None
    assert merged.data["locales"] == ["en"]
    assert [k for k in merged.values if k[:1] == ("locales",)] == [("locales",), ("locales", 0)]
    assert merged.values[("locales", 0)].file == root / "acme" / "brand.yaml"
    assert not [k for k in merged.values if k[:2] == ("colors", "dark") and len(k) > 2]
    assert merged.values[("colors", "primary")].file == root / "_partner" / "brand.yaml"
