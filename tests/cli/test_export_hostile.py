"""``bims export`` of works whose titles carry raw HTML, javascript: links, field injections
and escape sequences (issue 19), from ingest to the exported text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.control_characters import CONTROL_CHARACTER
from tests.export.html_pages import data_markup

runner = CliRunner()

TITLE = (
    "<script>alert(1)</script> Bone [click](javascript:alert(2)) }, note = {INJECTED}, "
    "pages = zz \x1b[31mred"
)
ITEM = {
    "id": "hostile",
    "type": "article-journal",
    "title": TITLE,
    "container-title": "J <script>alert(3)</script> [x](javascript:alert(4))",
    "author": [{"family": "Doe", "given": "John and Jane"}],
    "URL": "javascript:alert(5)",
    "issued": {"date-parts": [[2020]]},
}


def _bims(library: Path, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(library), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def library(tmp_path: Path) -> Path:
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps([ITEM]), encoding="utf-8")
    library = tmp_path / "library.sqlite"
    _bims(library, "ingest", str(source))
    return library


@pytest.mark.parametrize("output", ["markdown", "html", "text"])
def test_formatted_exports_give_no_control_character_and_no_javascript_url(
    library: Path, output: str
) -> None:
    text = _bims(library, "export", "--style", "apa", "--format", output)
    assert "javascript:alert(5)" not in text  # a URL that is no web address is not given
    assert CONTROL_CHARACTER.search(text) is None
    assert "Bone" in text


def test_markdown_export_passes_no_script_and_no_javascript_link(library: Path) -> None:
    text = _bims(library, "export", "--style", "apa", "--format", "markdown")
    assert "<script>" not in text
    assert "](javascript:" not in text
    assert "\\<script\\>alert(3)" in text.lower()  # escaped: the text a reader sees


def test_html_export_holds_no_element_from_data(library: Path) -> None:
    text = _bims(library, "export", "--style", "apa", "--format", "html")
    root = data_markup(text)  # the page's frame checked, its entries' markup returned
    assert {str(e.tag) for e in root.iter()} <= {"body", "div", "i", "em", "a"}
    for link in root.iter("a"):  # pandoc links DOIs and web addresses, nothing else
        assert str(link.get("href")).startswith(("https://", "http://"))
    assert "&lt;script&gt;alert(3)" in text.lower()


@pytest.mark.parametrize("flag", ["--bibtex", "--biblatex"])
def test_bibtex_exports_hold_one_title_and_one_author_list(library: Path, flag: str) -> None:
    text = _bims(library, "export", flag)
    fields = [line.split(" = ")[0].strip() for line in text.splitlines()[1:-1]]
    assert "note" not in fields
    assert "pages" not in fields
    assert fields.count("title") == 1
    assert "author = {Doe, {John and Jane}}," in text
    assert CONTROL_CHARACTER.search(text) is None


@pytest.mark.parametrize("layout", ["biomednews", "markdown", "html"])
def test_a_newsletter_issue_holds_no_control_character(library: Path, layout: str) -> None:
    _bims(library, "issue", "new", "2025-06-15", "--report", "bims-x", "--topic", "Bone")
    _bims(library, "issue", "add", "1", "1")
    text = _bims(library, "issue", "export", "1", "--format", layout)
    assert CONTROL_CHARACTER.search(text) is None
    assert "[31mred" in text
