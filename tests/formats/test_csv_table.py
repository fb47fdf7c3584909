"""The CSV/TSV reference-table parser: golden excerpts of real exports, traps, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.formats import Sniff, detect_format
from bimscli.formats.csv_table import FORMAT
from bimscli.model import Entry, ParsedRecord, ParseFailure, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CSV_FIXTURES = FIXTURES / "csv"


def parse(text: str) -> list[Entry]:
    """Every entry of a table given as text."""
    return list(FORMAT.parse_string(text))


def records(text: str) -> list[ParsedRecord]:
    """The parsed records of a table, asserting that nothing failed."""
    entries = parse(text)
    assert all(isinstance(e, ParsedRecord) for e in entries), entries
    return [e for e in entries if isinstance(e, ParsedRecord)]


@pytest.mark.parametrize(
    "case", ["diabetes-excerpt", "respiratory-excerpt", "special_cases-excerpt"]
)
def test_golden(case: str) -> None:
    path = CSV_FIXTURES / f"{case}.csv"
    assert FORMAT.parse_lines is not None
    with path.open(encoding="utf-8", newline="") as lines:
        entries = list(FORMAT.parse_lines(lines))
    assert len(entries) == 15 if case != "special_cases-excerpt" else len(entries) == 6
    assert_entries_match_golden(entries, CSV_FIXTURES / f"{case}.expected.json")


def test_diabetes_excerpt_traps() -> None:
    assert FORMAT.parse_lines is not None
    with (CSV_FIXTURES / "diabetes-excerpt.csv").open(encoding="utf-8", newline="") as lines:
        first, second = [e for e in FORMAT.parse_lines(lines) if isinstance(e, ParsedRecord)][:2]
    # "Adeli K.Lewis G. F.": two people with no separator between them.
    assert [a.display_name for a in first.record.authors] == ["Adeli, K.", "Lewis, G. F."]
    assert first.source_key == "id_0000001"
    assert first.position.line == 2
    # The abstract spans no extra line but the isbn cell does: the next row starts on line 4.
    assert second.position.line == 4
    assert first.record.ids.pmid == "18460911"  # from the old-style PubMed URL
    assert first.record.issn == ("0957-9672",)  # the "isbn" column holds ISSNs
    assert second.record.ids.doi == "10.1097/mol.0b013e3282ffaf82"  # from a dx.doi.org URL


def test_synonym_headers_tab_delimiter_and_unknown_columns() -> None:
    text = (
        "Key\tTitle\tAuthors\tPublication Year\tJournal\tDOI\tPMID\tNotes from screening\n"
        "r1\tA trial\tSmith J, Doe A\t2020\tLancet\thttps://doi.org/10.1000/X\t123\tinclude\n"
    )
    (entry,) = records(text)
    record = entry.record
    assert entry.source_key == "r1"
    assert record.title == "A trial"
    assert [a.display_name for a in record.authors] == ["Smith, J", "Doe, A"]
    assert record.year == 2020
    assert record.journal == "Lancet"
    assert record.ids.doi == "10.1000/x"
    assert record.ids.pmid == "123"
    assert record.extra == (("Notes from screening", "include"),)


def test_semicolon_delimiter_and_bibtex_authors() -> None:
    text = "ID;title;author;ENTRYTYPE\nk;T;Smith, John and Doe, Anne;phdthesis\n"
    (entry,) = records(text)
    assert [a.display_name for a in entry.record.authors] == ["Smith, John", "Doe, Anne"]
    assert entry.record.type is WorkType.THESIS


def test_unknown_entry_type_is_kept() -> None:
    (entry,) = records("ID,title,ENTRYTYPE\nk,T,patent\n")
    assert entry.record.type is WorkType.OTHER
    assert ("entrytype", "patent") in entry.record.extra


def test_booktitle_is_the_venue_when_there_is_no_journal() -> None:
    (entry,) = records("ID,title,journal,booktitle\nk,T,,AMCIS 2017 Proceedings\n")
    assert entry.record.journal == "AMCIS 2017 Proceedings"


BAD_TABLES = [
    pytest.param(
        'ID,author,year\n"a","Smith, J.",2001\n"b","Doe, A.",2002\n',
        [(2, "no title column"), (3, "no title column")],
        id="CSV with a missing column",
    ),
    pytest.param(
        'ID,title,year\n"a","A title",2001\n"b","Too","many",2002\n"c","Good",2003\n',
        [(3, "row has 4 cells but the header has 3")],
        id="row with too many cells, good row after it",
    ),
    pytest.param(
        'ID,title,year\n"a"\n"c","Good",2003\n',
        [(2, "row has 1 cells but the header has 3")],
        id="row with too few cells, good row after it",
    ),
    pytest.param(
        'ID,title,year\n"a","A title",2001\n4,"Unterminated quote, 2020\n5,"Paper five",2020\n',
        [(3, "a quote opened in this row is never closed")],
        id="unclosed quote, good row after it",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_TABLES)
def test_bad_rows_become_failures_with_their_line(
    text: str, expected: list[tuple[int, str]]
) -> None:
    entries = parse(text)
    failures = [e for e in entries if isinstance(e, ParseFailure)]
    assert [f.position.line for f in failures] == [line for line, _ in expected]
    for failure, (_, message) in zip(failures, expected, strict=True):
        assert message in failure.message
    for failure in failures:
        assert failure.raw.strip(), "the raw row is kept"
    good = [e for e in entries if isinstance(e, ParsedRecord)]
    assert len(good) + len(failures) == text.count("\n") - 1


def test_a_row_swallowed_by_an_unclosed_quote_lands_on_its_own() -> None:
    text = 'ID,title,year\n4,"Unterminated quote, 2020\n5,"Paper five",2020\n'
    failure, five = parse(text)
    assert isinstance(failure, ParseFailure)
    assert failure.raw == '4,"Unterminated quote, 2020\n'
    assert isinstance(five, ParsedRecord)
    assert (five.source_key, five.record.title, five.position.line) == ("5", "Paper five", 3)


def test_multiline_cell_keeps_line_numbers_and_raw_text() -> None:
    text = 'ID,title,abstract\na,First,"line one\nline two"\nb,Second,x\n'
    first, second = records(text)
    assert first.record.abstract_text == "line one\nline two"
    assert first.raw == 'a,First,"line one\nline two"\n'
    assert (first.position.line, second.position.line) == (2, 4)


@pytest.mark.parametrize(
    ("head", "filename", "expected"),
    [
        pytest.param('"ID","ENTRYTYPE","author","title"\n', "x.csv", True, id="csv-by-name"),
        pytest.param("Title\tAuthors\tYear\n", "export.txt", True, id="tsv-by-header"),
        pytest.param("TY  - JOUR\nTI  - A title\n", "x.ris", False, id="ris-is-not-csv"),
        pytest.param("@article{k, title={T}}\n", "x.bib", False, id="bibtex-is-not-csv"),
    ],
)
def test_detection(head: str, filename: str, expected: bool) -> None:
    assert (FORMAT.detect(Sniff(head, filename)) >= 0.5) is expected
    if expected:
        assert detect_format(Sniff(head, filename)) is FORMAT


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_no_parser_exception_on_arbitrary_text(text: str) -> None:
    for entry in FORMAT.parse_string(text):
        assert isinstance(entry, ParsedRecord | ParseFailure)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), max_size=5))
def test_no_parser_exception_on_arbitrary_tables(rows: list[list[str]]) -> None:
    header = "ID,title,author\n"
    body = "".join(",".join(cells) + "\n" for cells in rows)
    list(FORMAT.parse_string(header + body))


def test_fixture_readme_names_the_excerpts() -> None:
    readme = (Path(FIXTURES) / "README.md").read_text(encoding="utf-8")
    assert "csv/diabetes-excerpt.csv" in readme
