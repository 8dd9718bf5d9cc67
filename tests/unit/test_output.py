"""Presenters: compiler-style text, one JSON document, GitHub workflow commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ixm_cli import output
from ixm_cli.errors import Diagnostic, IxmError, Location, error, has_errors, warning


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from tmp_path so files below it are shown relative, like a compiler does."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def diag(here: Path, **kw: object) -> Diagnostic:
    base: dict[str, object] = {
        "field": "colors.primary",
        "message": "'red' is not a colour",
        "location": Location(here / "tenants" / "acme" / "brand.yaml", 12, 3),
        "hint": 'write "#RRGGBB"',
    }
    base.update(kw)
    return error(**base)  # type: ignore[arg-type]


def test_render_is_compiler_style(here: Path) -> None:
    d = diag(here)
    assert d.render() == (
        "tenants/acme/brand.yaml:12:3: error[colors.primary]: 'red' is not a colour\n"
        '  hint: write "#RRGGBB"'
    )


def test_render_without_hint_line_or_location(here: Path) -> None:
    assert diag(here, hint=None).render().count("\n") == 0
    file_only = diag(here, location=Location(here / "b.yaml"), hint=None)
    assert file_only.render() == "b.yaml: error[colors.primary]: 'red' is not a colour"
    nowhere = warning("tenants", "no tenants", None)
    assert nowhere.render() == "ixm: warning[tenants]: no tenants"


def test_a_file_outside_the_current_directory_is_shown_absolute(here: Path) -> None:
    outside = Path("/nonexistent-ixm/brand.yaml")
    assert Location(outside, 1, 1).display() == "/nonexistent-ixm/brand.yaml:1:1"


def test_column_zero_is_shown_as_one(here: Path) -> None:
    assert Location(here / "x.yaml", 4, 0).display() == "x.yaml:4:1"


def test_print_text_goes_to_the_stream(here: Path) -> None:
    buf = io.StringIO()
    output.print_text([diag(here), diag(here, field="ids.ios")], buf)
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("tenants/acme/brand.yaml:12:3: error[colors.primary]")
    assert lines[2].startswith("tenants/acme/brand.yaml:12:3: error[ids.ios]")


def test_diagnostic_data(here: Path) -> None:
    assert output.diagnostic_data(diag(here)) == {
        "severity": "error",
        "field": "colors.primary",
        "message": "'red' is not a colour",
        "hint": 'write "#RRGGBB"',
        "file": "tenants/acme/brand.yaml",
        "line": 12,
        "col": 3,
    }
    none = output.diagnostic_data(warning("tenants", "x", Location(here / "f.yaml")))
    assert (none["file"], none["line"], none["col"], none["hint"]) == ("f.yaml", None, None, None)


def test_print_json_is_one_sorted_document(here: Path) -> None:
    buf = io.StringIO()
    output.print_json({"b": 1, "a": ["云助钉"]}, buf)
    text = buf.getvalue()
    assert json.loads(text) == {"a": ["云助钉"], "b": 1}
    assert text.index('"a"') < text.index('"b"')
    assert "云助钉" in text and text.endswith("}\n")


def test_github_annotation(here: Path) -> None:
    assert output.github_annotation(diag(here)) == (
        "::error file=tenants/acme/brand.yaml,line=12,col=3,title=colors.primary::"
        "'red' is not a colour%0Awrite \"#RRGGBB\""
    )


def test_github_warning_and_escaping(here: Path) -> None:
    d = warning(
        "store.keywords.en",
        "100% done\r\nnext, line: ok",
        Location(here / "a,b:c.yaml", 3, 5),
        None,
    )
    # a line break inside the message is spelled as in every other format (\r\n), so
    # the annotation shows exactly the text `--format text` does
    assert output.github_annotation(d) == (
        "::warning file=a%2Cb%3Ac.yaml,line=3,col=5,title=store.keywords.en::"
        "100%25 done\\r\\nnext, line: ok"
    )


def test_github_annotation_without_a_line(here: Path) -> None:
    d = error("manifest", "the file is empty", Location(here / "brand.yaml"), None)
    expected = "::error file=brand.yaml,title=manifest::the file is empty"
    assert output.github_annotation(d) == expected
    bare = error("tenants", "no tenants", None, None)
    assert output.github_annotation(bare) == "::error title=tenants::no tenants"


def test_ixm_error_carries_diagnostics_and_prints_nothing(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exc = IxmError.single("tenant", "no tenant 'x'", None, "tenants found: a")
    assert str(exc) == "ixm: error[tenant]: no tenant 'x'\n  hint: tenants found: a"
    assert has_errors(exc.diagnostics)
    assert not has_errors([warning("a", "b")])
    assert capsys.readouterr() == ("", "")
