"""Golden files of every writer on the nasty library, the CSL-JSON schema, and BibTeX read
back by bibtexparser and by bims's own BibTeX parser."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from datetime import date

import jsonschema
import pytest
from bibtexparser.entrypoint import parse_string as parse_bibtex

from bimscli.export import ExportItem
from bimscli.export.bibtex import ANONYMOUS, UNTITLED, Dialect, write_bibtex
from bimscli.export.choices import OutputFormat
from bimscli.export.csl_json import write_csl_json
from bimscli.export.formatted import format_bibliography
from bimscli.export.pandoc_citeproc import ENGINE_VARIABLE
from bimscli.export.ris import write_ris
from bimscli.formats import get_format
from bimscli.model import Author, ParsedRecord, PartialDate, Record
from tests.export.clients import require_tool
from tests.export.html_pages import checked_page
from tests.export.nasty_library import NASTY_LIBRARY
from tests.golden import FIXTURES, assert_text_matches_golden

MADE = date(2026, 1, 15)
"""The day the golden pages say they were made."""
Writer = Callable[[Iterable[ExportItem]], str]

WRITERS = [
    pytest.param(write_bibtex, "nasty.bibtex", id="bibtex"),
    pytest.param(lambda i: write_bibtex(i, Dialect.BIBLATEX), "nasty.bib", id="biblatex"),
    pytest.param(write_csl_json, "nasty.csl.json", id="csl-json"),
    pytest.param(write_ris, "nasty.ris", id="ris"),
]
FORMATTED = [
    pytest.param(format_bibliography, "nasty.vancouver.txt", id="vancouver-text"),
    pytest.param(
        lambda i: format_bibliography(i, "apa", OutputFormat.MARKDOWN, group_by_tag=True),
        "nasty.apa-digest.md",
        id="apa-markdown-digest",
    ),
    pytest.param(
        lambda i: format_bibliography(i, "vancouver", OutputFormat.HTML, made=MADE),
        "nasty.vancouver.html",
        id="vancouver-html",
    ),
]


@pytest.fixture(params=["pandoc", "citeproc-py"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each formatting engine in turn (pandoc only where it is installed, and always in CI)."""
    name = str(request.param)
    if name == "pandoc":
        require_tool("pandoc")
    monkeypatch.setenv(ENGINE_VARIABLE, name)
    return name


def _engine_golden(golden: str, engine: str) -> str:
    """citeproc-py's golden file keeps its old name; pandoc's has ``.pandoc`` before the suffix."""
    if engine == "citeproc-py":
        return golden
    stem, _, suffix = golden.rpartition(".")
    return f"{stem}.pandoc.{suffix}"


@pytest.mark.parametrize(("write", "golden"), WRITERS)
def test_writer_matches_golden(write: Writer, golden: str) -> None:
    assert_text_matches_golden(write(NASTY_LIBRARY), FIXTURES / "export" / golden)


@pytest.mark.parametrize(("write", "golden"), FORMATTED)
def test_formatted_bibliography_matches_golden(write: Writer, golden: str, engine: str) -> None:
    path = FIXTURES / "export" / _engine_golden(golden, engine)
    assert_text_matches_golden(write(NASTY_LIBRARY), path)


@pytest.mark.parametrize(("write", "golden"), [*WRITERS, *FORMATTED])
def test_writer_is_deterministic(write: Writer, golden: str) -> None:
    assert write(NASTY_LIBRARY) == write(NASTY_LIBRARY)


def test_bibtex_is_ascii_and_biblatex_is_utf8() -> None:
    bibtex = write_bibtex(NASTY_LIBRARY)
    biblatex = write_bibtex(NASTY_LIBRARY, Dialect.BIBLATEX)
    assert bibtex.isascii()
    assert "Müller, Jürgen" in biblatex
    assert 'M{\\"u}ller, J{\\"u}rgen' in bibtex


def test_verbatim_fields_are_not_escaped() -> None:
    bibtex = write_bibtex(NASTY_LIBRARY)
    assert "doi = {10.1002/cncr_32000}" in bibtex
    assert "url = {https://example.org/a_b?x=1&y=2#frag%20}" in bibtex
    assert "journal = {Obstetrics \\& Gynecology}" in bibtex


def test_titles_protect_words_never_the_whole_title() -> None:
    for dialect in Dialect:
        for line in write_bibtex(NASTY_LIBRARY, dialect).splitlines():
            if line.startswith("  title = "):
                assert not line.startswith("  title = {{"), line
    assert "{SBRT}" in write_bibtex(NASTY_LIBRARY)


def test_biblatex_placeholders_only_where_the_record_has_nothing() -> None:
    newsletter = next(i for i in NASTY_LIBRARY if i.key == "newsletterNoTitleNoAuthor")
    bibtex = write_bibtex([newsletter])
    biblatex = write_bibtex([newsletter], Dialect.BIBLATEX)
    assert "title" not in bibtex
    assert "author" not in bibtex
    assert f"title = {{{UNTITLED}}}" in biblatex
    assert f"author = {{{{{ANONYMOUS}}}}}" in biblatex


def test_csl_json_validates_against_the_schema() -> None:
    schema = json.loads((FIXTURES / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
    data = json.loads(write_csl_json(NASTY_LIBRARY))
    jsonschema.validate(data, schema)
    first = data[0]
    assert first["issued"] == {"date-parts": [[2023, 7, 3]]}
    assert first["author"][0] == {"family": "Müller", "given": "Jürgen"}
    assert {"literal": "AO Spine Knowledge Forum Tumor"} in data[3]["author"]


@pytest.mark.parametrize("dialect", list(Dialect))
def test_bibtexparser_reads_every_entry_back(dialect: Dialect) -> None:
    library = parse_bibtex(write_bibtex(NASTY_LIBRARY, dialect))
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [i.key for i in NASTY_LIBRARY]
    by_key = {e.key: e for e in library.entries}
    assert by_key["markupInTitle"].fields_dict["doi"].value == "10.1002/cncr_32000"


# The BibTeX parser reads titles as plain Unicode text, by design (curators search and compare
# plain text): \emph{} is dropped and \textsubscript{2} becomes ₂, so a title with markup cannot
# come back byte for byte. Markup survives a round trip through CSL-JSON only.
_PLAIN_TITLES = tuple(i for i in NASTY_LIBRARY if "<" not in (i.record.title or ""))
_MARKUP_TITLES = tuple(i for i in NASTY_LIBRARY if "<" in (i.record.title or ""))


def _export_ingest_export(items: tuple[ExportItem, ...]) -> tuple[str, str]:
    bibtex_format = get_format("bibtex")
    first = write_bibtex(items)
    parsed = [e for e in bibtex_format.parse_string(first) if isinstance(e, ParsedRecord)]
    assert [p.source_key for p in parsed] == [i.key for i in items]
    tags = {i.key: i.tags for i in items}
    again = [ExportItem(p.source_key or "", p.record, tags[p.source_key or ""]) for p in parsed]
    return first, write_bibtex(again)


def test_export_ingest_export_gives_the_same_bibtex() -> None:
    assert len(_PLAIN_TITLES) == len(NASTY_LIBRARY) - 1
    first, again = _export_ingest_export(_PLAIN_TITLES)
    assert again == first


def test_titles_with_markup_survive_a_bibtex_round_trip() -> None:
    first, again = _export_ingest_export(_MARKUP_TITLES)
    assert again == first


def test_html_bibliography_is_well_formed_with_every_value_escaped() -> None:
    page = format_bibliography(NASTY_LIBRARY, "apa", OutputFormat.HTML, group_by_tag=True)
    root = checked_page(page)
    text = "".join(str(t) for t in root.itertext())
    assert "85:1<1::aid-cncr1>3.0.co;2-1" in text
    assert "Obstetrics & Gynecology" in text


def test_markdown_escapes_what_markdown_would_read_as_markup() -> None:
    digest = format_bibliography(NASTY_LIBRARY, "apa", OutputFormat.MARKDOWN)
    assert "rule\\_of \\{thumb\\}" in digest
    assert "*Obstetrics & Gynecology*" in digest


@pytest.mark.parametrize(
    ("format_name", "write"),
    [
        pytest.param("ris", write_ris, id="ris"),
        pytest.param("csl-json", write_csl_json, id="csl-json"),
    ],
)
def test_ris_and_csl_json_survive_export_ingest_export(format_name: str, write: Writer) -> None:
    first = write(NASTY_LIBRARY)
    parsed = list(get_format(format_name).parse_string(first))
    assert all(isinstance(e, ParsedRecord) for e in parsed), parsed
    records = [e.record for e in parsed if isinstance(e, ParsedRecord)]
    again = [ExportItem(i.key, r, i.tags) for i, r in zip(NASTY_LIBRARY, records, strict=True)]
    assert write(again) == first


def test_cjk_names_are_written_whole_in_formatted_bibliographies() -> None:
    text = format_bibliography(NASTY_LIBRARY[:1], "apa")
    assert "& 王小明. (2023)" in text


def test_an_incomplete_author_list_shows_et_al_in_formatted_bibliographies() -> None:
    cut = Record(
        title="Evolving role of minimally invasive techniques",
        authors=(Author(family="Benhabib", given="Hadas"),),
        authors_complete=False,
        journal_abbrev="Curr Opin Support Palliat Care",
        date=PartialDate(2021, 6, 1),
    )
    complete = dataclasses.replace(cut, authors_complete=True)
    assert "Benhabib H, et al." in format_bibliography([ExportItem("a", cut)], "vancouver")
    assert "et al." not in format_bibliography([ExportItem("a", complete)], "vancouver")
    apa = format_bibliography([ExportItem("a", cut)], "apa", OutputFormat.HTML)
    assert "Benhabib, H., et al." in apa


@pytest.mark.timeout(20)
def test_a_huge_title_from_a_misparsed_file_does_not_hang_the_export() -> None:
    """Escaping is linear: a 1 MB 'word' once took hours (a regex backtracked per position)."""
    huge = Record(title="x" * 1_000_000 + " SBRT", authors=(Author(family="Smith"),))
    text = write_bibtex([ExportItem("huge", huge)])
    assert "{SBRT}" in text
