"""The YAML layer: every way a file can fail to be a manifest, each at its exact position."""

from __future__ import annotations

from pathlib import Path

import pytest
from ixm_test_helpers import (
    at,
    baseline,
    diagnose,
    dump_yaml,
    make_tenant,
    marker_col,
    only,
    write_marked,
)

from ixm_cli.manifest import loader

HEAD = "schema: ixm/v1\ntenant: acme\n"


@pytest.fixture
def manifest(root: Path) -> Path:
    return root / "acme" / "brand.yaml"


def test_syntax_error_points_at_the_offending_character(root: Path, manifest: Path) -> None:
    text = HEAD + "app:\n  name: Acme: Ding  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == (
        "the value of 'name' contains ': ', which YAML reads as the start of another key"
    )
    assert at(d) == (manifest, line, marker_col(text, ": Ding"))
    assert d.hint == 'put the value in quotes: name: "Acme: Ding"'


def test_unclosed_quote_is_a_syntax_error_with_a_line(root: Path, manifest: Path) -> None:
    text = HEAD + "app:\n  name: 'Acme\n  version: 1.0\n"
    write_marked(manifest, text + "# <-\n")
    d = only(diagnose(root, "acme"), "yaml")
    assert "quoted scalar" in d.message
    assert d.location is not None and d.location.line >= 4


def test_tab_indentation_is_refused_at_the_tab(root: Path, manifest: Path) -> None:
    text = "schema: ixm/v1\n\ttenant: acme  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "this line is indented with a tab; YAML indents with spaces only"
    assert d.hint and "replace the tab with spaces" in d.hint
    assert at(d) == (manifest, line, 1)


@pytest.mark.parametrize(
    ("body", "message", "hint", "col"),
    [
        pytest.param(
            "ids:\n   android: com.acme.ding\n  ios: com.acme.ding  # <-\n",
            "'ios' is indented 2 spaces, but 'android' (line 4) in the same block is indented "
            "3 spaces; entries of one block must line up",
            "indent 'ios' with 3 spaces to keep it under 'ids', or with 0 spaces to end that "
            "block",
            3,
            id="less-than-its-block",
        ),
        pytest.param(
            "app:\n  name: Acme\n   version: 1.0  # <-\n",
            "'version' is indented 3 spaces, more than 'name' on line 4, which already has a "
            "value on its line",
            "line it up with 'name' (2 spaces); only a key with nothing after its ':' can have "
            "keys indented under it",
            4,
            id="under-a-key-with-a-value",
        ),
        pytest.param(
            "app:\n  name: Acme\n  version 1.0  # <-\n  build: 3\n",
            "'version 1.0' is not 'key: value'; every line inside a block of keys needs a ':' "
            "after its key",
            "add the ':' (and a space) after the key, or quote a text that runs on from the "
            "line above",
            3,
            id="no-colon",
        ),
    ],
)
def test_misindentation_names_the_key_and_what_to_line_it_up_with(
    root: Path, manifest: Path, body: str, message: str, hint: str, col: int
) -> None:
    line = write_marked(manifest, HEAD + body)
    d = only(diagnose(root, "acme"), "yaml")
    assert (d.message, d.hint) == (message, hint)
    assert at(d) == (manifest, line, col)


def test_duplicate_key_is_reported_at_the_second_and_names_the_first(
    root: Path, manifest: Path
) -> None:
    text = HEAD + "app:\n  name: Acme\n  build: 1\n  name: Other  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "duplicate key 'name' (first defined at line 4)"
    assert at(d) == (manifest, line, 3)


def test_duplicate_top_level_key(root: Path, manifest: Path) -> None:
    text = HEAD + "tenant: other  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert "duplicate key 'tenant' (first defined at line 2)" == d.message
    assert at(d) == (manifest, line, 1)


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("!!python/object/apply:os.system", "python/object/apply:os.system"),
        ("!custom", "!custom"),
        ("!!binary", "binary"),
    ],
)
def test_custom_tags_are_refused(root: Path, manifest: Path, tag: str, shown: str) -> None:
    text = HEAD + f"app:\n  name: {tag} x  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert "is not allowed" in d.message and shown in d.message
    assert at(d) == (manifest, line, marker_col(text, tag))
    assert d.hint and "remove the tag" in d.hint


def test_tags_on_collections_are_refused(root: Path, manifest: Path) -> None:
    text = HEAD + "app: !!set {a: null}  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert "tag:yaml.org,2002:set" in d.message
    assert at(d) == (manifest, line, 6)


def test_core_tags_are_plain_data(root: Path) -> None:
    """``!!str 2.3`` is how YAML says 'this is text': it must be accepted, as text."""
    manifest = make_tenant(root, "acme")
    text = manifest.read_text("utf-8").replace("version: 1.2.3", "version: !!str 2.3")
    manifest.write_text(text, encoding="utf-8")
    assert diagnose(root, "acme") == []
    doc = loader.load(manifest)
    assert doc.data["app"]["version"] == "2.3"


@pytest.mark.parametrize(
    "text", ["- schema\n- ixm/v1  # <-\n", "just some text  # <-\n", "42 # <-\n"]
)
def test_the_root_must_be_a_mapping(root: Path, manifest: Path, text: str) -> None:
    write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "the manifest must be a mapping of keys to values"
    assert at(d) == (manifest, 1, 1)


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n", "---\n", "--- # c\n...\n", "~\n"]
)
def test_an_empty_file_is_refused(root: Path, manifest: Path, text: str) -> None:
    manifest.parent.mkdir(parents=True)
    manifest.write_text(text, encoding="utf-8")
    d = only(diagnose(root, "acme"), "manifest")
    assert d.message == "the file is empty"
    assert d.location is not None and d.location.file == manifest and d.location.line == 0
    assert d.hint and "schema: ixm/v1" in d.hint


def test_a_second_document_is_refused_at_its_separator(root: Path, manifest: Path) -> None:
    text = HEAD + "--- # <-\nschema: ixm/v1\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "more than one YAML document (a second '---')"
    assert at(d) == (manifest, line, 1)


def test_non_utf8_bytes_are_located(root: Path, manifest: Path) -> None:
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes(HEAD.encode() + b"app:\n  name: Caf\xe9 Ding\n")
    d = only(diagnose(root, "acme"), "manifest")
    assert d.message == "not valid UTF-8 (byte 0xe9)"
    assert at(d) == (manifest, 4, len("  name: Caf") + 1)
    assert d.hint == "save the file as UTF-8"


def test_a_utf8_bom_is_accepted(root: Path, manifest: Path) -> None:
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes(b"\xef\xbb\xbf" + dump_yaml(baseline("acme")).encode())
    # the BOM is not part of the text, so nothing is reported and positions stay 1-based
    assert loader.load(manifest).data["schema"] == "ixm/v1"


def test_a_file_over_one_mib_is_refused_before_parsing(root: Path, manifest: Path) -> None:
    manifest.parent.mkdir(parents=True)
    body = HEAD + "# " + "x" * loader.MAX_BYTES + "\n"
    manifest.write_text(body, encoding="utf-8")
    d = only(diagnose(root, "acme"), "manifest")
    size = len(body.encode())
    assert d.message == f"file is {size:,} bytes; the limit is 1,048,576"
    assert d.location is not None and d.location.file == manifest and d.location.line == 0


def test_a_file_of_exactly_one_mib_is_read(root: Path, manifest: Path) -> None:
    text = dump_yaml(baseline("acme"))
    pad = loader.MAX_BYTES - len(text.encode()) - 3
    manifest.parent.mkdir(parents=True)
    manifest.write_text(text + "# " + "x" * pad + "\n", encoding="utf-8")
    assert manifest.stat().st_size == loader.MAX_BYTES
    assert loader.load(manifest).data["tenant"] == "acme"


def test_flow_nesting_deeper_than_32_is_refused(root: Path, manifest: Path) -> None:
    text = HEAD + "app: " + "[" * 40 + "]" * 40 + "  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "nesting is deeper than 32 levels"
    # the root mapping is level 0 and the n-th bracket level n: the 33rd bracket is refused
    assert at(d) == (manifest, line, len("app: ") + 33)


def test_block_nesting_deeper_than_32_is_refused(root: Path, manifest: Path) -> None:
    lines = [f"{'  ' * i}k{i}:" for i in range(40)]
    lines[33] += "  # <-"  # the mapping that starts at k33 is the value at level 33
    text = HEAD + "\n".join(lines) + " x\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "nesting is deeper than 32 levels"
    assert at(d) == (manifest, line, 2 * 33 + 1)


def test_nesting_of_32_levels_is_accepted_by_the_loader(manifest: Path) -> None:
    text = HEAD + "deep: " + "[" * 32 + "]" * 32 + "\n"
    write_marked(manifest, text + "# <-\n")
    doc = loader.load(manifest)
    assert isinstance(doc.data["deep"], list)


def billion_laughs(levels: int, width: int = 9) -> str:
    """The classic alias bomb: each level holds ``width`` aliases of the level before."""
    rows = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        rows.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(rows) + "\n"


def test_a_small_alias_bomb_is_refused_while_composing(root: Path, manifest: Path) -> None:
    # l0..l3 expand to ~7,400 values (under 50,000); l4's aliases cross the bound
    text = HEAD + billion_laughs(5).rstrip("\n") + "  # <-\n"
    line = write_marked(manifest, text)
    assert len(text) < 400
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "the manifest expands to more than 50000 values"
    assert d.location is not None and d.location.line == line
    assert d.location.col > marker_col(text, "[")
    assert d.hint and "aliases" in d.hint


def test_too_many_aliases_are_refused_at_the_first_one_over(root: Path, manifest: Path) -> None:
    rows = [f"  - *a{'  # <-' if i == loader.MAX_ALIASES else ''}" for i in range(300)]
    text = HEAD + "a: &a x\nlist:\n" + "\n".join(rows) + "\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "more than 256 aliases (*name)"
    assert at(d) == (manifest, line, 5)


def test_an_alias_to_an_undefined_anchor(root: Path, manifest: Path) -> None:
    text = HEAD + "app:\n  name: *brandname  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "alias *brandname refers to an anchor that is not defined before it"
    assert at(d) == (manifest, line, marker_col(text, "*brandname"))
    assert d.hint == "define &brandname earlier in the file"


def test_an_alias_before_its_anchor_is_undefined(root: Path, manifest: Path) -> None:
    text = HEAD + "a: *later  # <-\nb: &later x\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert "*later" in d.message
    assert at(d) == (manifest, line, 4)


def test_a_key_must_be_plain_text(root: Path, manifest: Path) -> None:
    text = HEAD + "[a, b]: 1  # <-\n"
    line = write_marked(manifest, text)
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message == "a mapping key must be plain text"
    assert at(d) == (manifest, line, 1)


def test_aliases_share_a_value_and_keep_positions(root: Path, manifest: Path) -> None:
    data = baseline("acme")
    text = dump_yaml(data)
    text = text.replace("  primary: '#0A7D5A'", "  primary: &brand '#0A7D5A'")
    text = text.replace("  icon_background: '#0A7D5A'", "  icon_background: *brand  # <-")
    line = write_marked(manifest, text)
    doc = loader.load(manifest)
    assert doc.data["assets"]["icon_background"] == "#0A7D5A"
    assert doc.values[("assets", "icon_background")].line == line


def test_yaml_12_reads_yes_and_on_as_text(manifest: Path) -> None:
    write_marked(manifest, "a: yes\nb: on\nc: true\nd: 0o17\ne: 0x1F\nf: 1_000\ng: .inf # <-\n")
    data = loader.load(manifest).data
    assert data == {"a": "yes", "b": "on", "c": True, "d": 15, "e": 31, "f": 1000,
                    "g": float("inf")}


def test_every_value_and_key_has_a_one_based_position(manifest: Path) -> None:
    text = "schema: ixm/v1\nlocales: [en, zh-Hans]\napp:\n  name: {en: X}  # <-\n"
    write_marked(manifest, text)
    doc = loader.load(manifest)
    assert (doc.keys[("app", "name")].line, doc.keys[("app", "name")].col) == (4, 3)
    assert (doc.values[("app", "name")].line, doc.values[("app", "name")].col) == (4, 9)
    assert (doc.values[("app", "name", "en")].line, doc.values[("app", "name", "en")].col) == (
        4, 14)
    assert (doc.values[("locales", 1)].line, doc.values[("locales", 1)].col) == (2, 15)


def test_syntax_messages_quote_a_long_key_or_value_shortened(root: Path, manifest: Path) -> None:
    long_key = "k" * 500
    write_marked(manifest, HEAD + f"ids:\n   android: a.b\n  {long_key}: c  # <-\n")
    d = only(diagnose(root, "acme"), "yaml")
    assert d.message.startswith("'" + "k" * 39 + "…' is indented 2 spaces")
    write_marked(manifest, HEAD + "app:\n  name: " + "v" * 500 + ": w  # <-\n")
    d = only(diagnose(root, "acme"), "yaml")
    assert d.hint == 'put the whole value in double quotes: name: "…"'
