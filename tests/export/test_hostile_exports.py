"""Values that attack the exports (issue 19): field injection, unpaired braces, name separators,
control characters, raw HTML and javascript: links. Each trap by name; the property tests are
in test_properties.py, the real biber and pandoc in test_real_clients.py."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

import pytest
from bibtexparser.entrypoint import parse_string as parse_bibtex
from lxml import etree
from markdown_it import MarkdownIt

from bimscli.control_characters import CONTROL_CHARACTER
from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex, written_fields
from bimscli.export.choices import OutputFormat
from bimscli.export.csl_json import csl_item, write_csl_json
from bimscli.export.formatted import format_bibliography
from bimscli.export.ris import write_ris
from bimscli.formats import get_format
from bimscli.model import Author, Identifiers, ParsedRecord, PartialDate, Record
from tests.export.hostile_library import HOSTILE_LIBRARY, INJECTION, hostile_item
from tests.export.html_pages import data_markup

Writer = Callable[[Iterable[ExportItem]], str]


def braces_balanced(value: str, *, escaped_count: bool) -> bool:
    """True when the value's braces balance as BibTeX and biber count them
    (``escaped_count``: ``\\{`` is a brace too) or as pandoc and bibtexparser do (it is not)."""
    text = value if escaped_count else re.sub(r"\\[{}]", "", value)
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_the_balance_check_can_fail() -> None:
    assert not braces_balanced(r"Harmless \}, note = {\{x\}}", escaped_count=True)
    assert braces_balanced(r"Harmless \}, note = {\{x\}}", escaped_count=False)
    assert not braces_balanced(r"a {b", escaped_count=False)


def _injected(dialect: Dialect) -> ExportItem:
    return ExportItem("injected", Record(title=INJECTION, date=PartialDate(2020)))


@pytest.mark.parametrize("dialect", list(Dialect))
def test_a_title_cannot_close_its_bibtex_field(dialect: Dialect) -> None:
    text = write_bibtex([_injected(dialect)], dialect)
    (entry,) = parse_bibtex(text).entries
    assert "note" not in entry.fields_dict
    assert "pages" not in entry.fields_dict
    assert {"title", "date" if dialect is Dialect.BIBLATEX else "year"} <= set(entry.fields_dict)
    (parsed,) = get_format("bibtex").parse_string(text)
    assert isinstance(parsed, ParsedRecord)
    assert parsed.record.title == INJECTION  # read back as the text it was, nothing lost


@pytest.mark.parametrize(
    ("title", "latex"),
    [
        pytest.param("a } b", r"a {$\rbrace$} b", id="unpaired-close"),
        pytest.param("a { b", r"a {$\lbrace$} b", id="unpaired-open"),
        pytest.param("}{", r"{$\rbrace$}{$\lbrace$}", id="close-before-open"),
        pytest.param("{x} y", r"\{x\} y", id="paired-braces-stay-escaped"),
        pytest.param("\\}", r"\textbackslash{}{$\rbrace$}", id="backslash-before-brace"),
    ],
)
def test_unpaired_braces_become_symbols_paired_ones_stay_escaped(title: str, latex: str) -> None:
    for dialect in Dialect:
        _, fields = written_fields(ExportItem("k", Record(title=title)), dialect)
        assert dict(fields)["title"] == latex


@pytest.mark.parametrize("dialect", list(Dialect))
def test_every_hostile_value_is_balanced_as_every_reader_counts(dialect: Dialect) -> None:
    for item in HOSTILE_LIBRARY:
        for name, value in written_fields(item, dialect)[1]:
            for escaped_count in (True, False):
                assert braces_balanced(value, escaped_count=escaped_count), (item.key, name, value)
            assert "\n" not in value


@pytest.mark.parametrize("dialect", list(Dialect))
def test_bibtexparser_reads_every_hostile_field_as_written(dialect: Dialect) -> None:
    library = parse_bibtex(write_bibtex(HOSTILE_LIBRARY, dialect))
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [i.key for i in HOSTILE_LIBRARY]
    for item, entry in zip(HOSTILE_LIBRARY, library.entries, strict=True):
        written = [(n, v) for n, v in written_fields(item, dialect)[1] if n != "month"]
        assert [(f.key, f.value) for f in entry.fields if f.key != "month"] == written


@pytest.mark.parametrize(
    ("author", "written"),
    [
        pytest.param(
            Author(family="Doe", given="John and Jane"), "Doe, {John and Jane}", id="and-in-given"
        ),
        pytest.param(
            Author(family="Smith AND Jones", given="A"), "{Smith AND Jones}, A", id="and-in-family"
        ),
        pytest.param(
            Author(family="Doe", given="A", suffix="Jr and Sr"),
            "Doe, {Jr and Sr}, A",
            id="and-in-suffix",
        ),
        pytest.param(Author(family="Doe", given="A, B"), "Doe, {A, B}", id="comma-in-given"),
        pytest.param(
            Author(family="Doe", given="A", suffix="Jr, III"),
            "{Doe, Jr, III, A}",
            id="more-than-two-commas-braced-whole-for-biber",
        ),
        pytest.param(Author(family="others"), "{others}", id="others-is-not-et-al"),
        pytest.param(
            Author(family="Evil", given="given=Mallory"),
            "Evil, given{=}Mallory",
            id="biber-extended-name-format",
        ),
        pytest.param(
            Author(family="Doe", given="John\nand Jane"),
            "Doe, {John and Jane}",
            id="and-on-a-new-line",
        ),
    ],
)
def test_name_separators_inside_a_name_part_keep_the_author_list(
    author: Author, written: str
) -> None:
    authors = (Author(family="First", given="Ann"), author, Author(family="Last", given="Bo"))
    item = ExportItem("names", Record(title="T", authors=authors))
    for dialect in Dialect:
        fields = dict(written_fields(item, dialect)[1])
        assert fields["author"] == f"First, Ann and {written} and Last, Bo"
        (parsed,) = get_format("bibtex").parse_string(write_bibtex([item], dialect))
        assert isinstance(parsed, ParsedRecord)
        assert len(parsed.record.authors) == 3
        assert parsed.record.authors_complete


def test_a_name_of_control_characters_only_is_no_name() -> None:
    authors = (Author(family="\x1b\x07"), Author(family="Kept", given="\x00"))
    _, fields = written_fields(ExportItem("k", Record(title="T", authors=authors)), Dialect.BIBTEX)
    assert dict(fields)["author"] == "Kept"


def test_verbatim_fields_cannot_escape_their_closing_brace() -> None:
    ids = Identifiers(doi="10.1000/a}b\\", url="https://x.org/a{b}\\")
    _, fields = written_fields(ExportItem("k", Record(title="T", ids=ids)), Dialect.BIBLATEX)
    assert dict(fields)["doi"] == "10.1000/a%7Db%5C"
    assert dict(fields)["url"] == "https://x.org/a%7Bb%7D%5C"


WRITERS = [
    pytest.param(write_bibtex, id="bibtex"),
    pytest.param(lambda i: write_bibtex(i, Dialect.BIBLATEX), id="biblatex"),
    pytest.param(write_ris, id="ris"),
    pytest.param(write_csl_json, id="csl-json"),
    pytest.param(format_bibliography, id="text"),
    pytest.param(lambda i: format_bibliography(i, "apa", OutputFormat.MARKDOWN), id="markdown"),
    pytest.param(lambda i: format_bibliography(i, "apa", OutputFormat.HTML), id="html"),
]


@pytest.mark.parametrize("write", WRITERS)
def test_no_export_holds_a_control_character(write: Writer) -> None:
    text = write(HOSTILE_LIBRARY)
    assert CONTROL_CHARACTER.search(text) is None
    assert "[31m" in text or "31m" in text  # the text around the escape is kept


def test_csl_json_keeps_control_characters_escaped_and_exact() -> None:
    item = hostile_item("control-characters")
    text = write_csl_json([item])
    assert "\\u001b[31m" in text
    assert "\\u009b" in text
    assert "\\u007f" in text
    assert json.loads(text) == [csl_item(item)]


def test_ris_values_stay_on_their_tag_line() -> None:
    text = write_ris([hostile_item("line-breaks"), hostile_item("entry-injection")])
    for line in text.splitlines():
        assert line == "" or re.match(r"[A-Z][A-Z0-9]  - ", line), line
    parsed = list(get_format("ris").parse_string(text))
    assert [type(p) for p in parsed] == [ParsedRecord, ParsedRecord]


def _markdown_html(markdown: str) -> str:
    """The HTML a CommonMark renderer makes of the Markdown (raw HTML allowed, as GitHub's)."""
    return str(MarkdownIt("commonmark", {"html": True}).render(markdown))


def _root(html: str) -> etree._Element:
    """Rendered Markdown as it is; a page's entries (the markup the data could make)."""
    if html.startswith("<!doctype html>"):
        return data_markup(html)
    return etree.fromstring(f"<body>{html}</body>")


def _tags(html: str) -> set[str]:
    root = _root(html)
    return {str(e.tag) for e in root.iter()} - {"body"}


def _links(html: str) -> list[str]:
    root = _root(html)
    return [str(e.get("href")) for e in root.iter() if e.get("href") is not None]


def _web_links_only(html: str) -> bool:
    """Every link goes to a web address (a DOI's or a URL's); none runs a script."""
    return all(href.startswith(("https://", "http://")) for href in _links(html))


@pytest.mark.parametrize(
    "trap", ["script-tag", "javascript-link", "html-entities", "markdown", "entry-injection"]
)
def test_markdown_export_passes_no_html_and_no_javascript_link(trap: str) -> None:
    item = hostile_item(trap)
    markdown = format_bibliography([item], "apa", OutputFormat.MARKDOWN)
    html = _markdown_html(markdown)
    assert "<script" not in html
    assert "<img" not in html
    assert _web_links_only(html)
    assert _tags(html) <= {"p", "em", "strong", "a"}


@pytest.mark.parametrize("trap", ["script-tag", "javascript-link", "html-entities"])
def test_html_export_holds_no_markup_from_data(trap: str) -> None:
    html = format_bibliography([hostile_item(trap)], "apa", OutputFormat.HTML)
    assert _tags(html) <= {"div", "i", "b", "em", "strong", "a"}
    assert _web_links_only(html)
    assert "javascript:alert(3)" not in html or "&lt;javascript:alert(3)&gt;" in html


def test_markdown_escapes_html_entities_and_pandoc_markup() -> None:
    item = ExportItem("k", Record(title="&lt;b&gt; costs $5 and $6 @smith", date=PartialDate(2020)))
    markdown = format_bibliography([item], "apa", OutputFormat.MARKDOWN)
    assert "\\&lt;b\\&gt; costs \\$5 and \\$6 \\@smith" in markdown
    assert "&lt;b&gt;" in _markdown_html(markdown).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("title", "start"),
    [
        pytest.param("1986. A year to remember", "1986\\. A year", id="ordered-list"),
        pytest.param("- a dash", "\\- a dash", id="bullet-list"),
        pytest.param("(a) first", "(a\\) first", id="pandoc-fancy-list"),
        pytest.param("% of patients", "\\% of patients", id="pandoc-title-block"),
    ],
)
def test_a_markdown_entry_never_starts_a_list(title: str, start: str) -> None:
    # APA starts an entry without authors with its title, in roman when a journal is known.
    item = ExportItem("k", Record(title=title, journal="Spine", date=PartialDate(2020)))
    markdown = format_bibliography([item], "apa", OutputFormat.MARKDOWN)
    assert markdown.startswith(start), markdown
    assert _tags(_markdown_html(markdown)) <= {"p", "em", "strong"}


@pytest.mark.parametrize("output", list(OutputFormat))
def test_formatted_bibliographies_give_only_web_urls(output: OutputFormat) -> None:
    def web_page(key: str, url: str) -> ExportItem:
        record = Record(title="Page " + key, date=PartialDate(2020), ids=Identifiers(url=url))
        return ExportItem(key, record)

    items = [web_page("a", "javascript:alert(1)"), web_page("b", "https://example.org/x")]
    text = format_bibliography(items, "apa", output)
    assert "javascript" not in text
    assert "https://example.org/x" in text


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param("apa", "1., A. (2020). T. *Spine*.", id="author-first-style"),
        pytest.param("vancouver", "[1] 1. A. T. Spine 2020.", id="numbered-style"),
    ],
)
def test_only_a_numbered_style_labels_an_entry_with_a_number(style: str, expected: str) -> None:
    """An author named "1." is data: no space is put after it as after a style's label, and
    it begins no list; a numbered style's own label is kept."""
    authors = (Author(family="1.", given="A"),)
    item = ExportItem(
        "k", Record(title="T", authors=authors, journal="Spine", date=PartialDate(2020))
    )
    markdown = format_bibliography([item], style, OutputFormat.MARKDOWN)
    assert markdown.replace("\\", "") == expected + "\n"  # as read, escapes aside
    assert _tags(_markdown_html(markdown)) <= {"p", "em", "strong"}
