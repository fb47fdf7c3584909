"""Tests of the BibTeX parser: golden files, LaTeX and name traps, broken entries, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser import model as bib
from bibtexparser.splitter import Splitter

from bimscli.formats import detect_format
from bimscli.formats._bibtex_entry import bibtex_name, bibtex_names
from bimscli.formats._latex import latex_to_unicode, strip_braces
from bimscli.formats.base import Sniff
from bimscli.formats.bibtex import FORMAT, resolve_bibtex_value
from bimscli.model import Author, ParsedRecord, ParseFailure, PartialDate, WorkType
from tests.formats.field_coverage import missing_fields
from tests.golden import FIXTURES, assert_entries_match_golden

BIB_DIR = FIXTURES / "bibtex"
CASES = sorted(BIB_DIR.glob("*.bib"))


def _records(name: str) -> dict[str, ParsedRecord]:
    entries = FORMAT.parse_string((BIB_DIR / name).read_text(encoding="utf-8"))
    return {e.source_key or "": e for e in entries if isinstance(e, ParsedRecord)}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    entries = FORMAT.parse_string(path.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, path.with_suffix(".expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_detected_as_bibtex(path: Path) -> None:
    head = path.read_text(encoding="utf-8")[:4096]
    assert detect_format(Sniff(head, path.name)) is FORMAT
    assert detect_format(Sniff(head)) is FORMAT  # without the file name too


def test_jabref_traps() -> None:
    records = _records("jabref.bib")
    article = records["Benhabib2021"].record
    assert article.journal == "Current Opinion in Supportive and Palliative Care"  # @String
    assert article.date == PartialDate(2021, 6)  # month = jun
    assert article.pages == "91-98"
    assert article.authors[2] == Author(family="van der Linden", given="Yvette M.")
    assert article.authors[3] == Author(group="AO Spine Knowledge Forum Tumor")
    assert "50% of patients" in article.abstract_text  # a bare % is not a comment
    assert article.keywords == ("bone metastases", "radiotherapy", "pain")
    chapter = records["Kolba2023"].record
    assert chapter.type is WorkType.BOOK_CHAPTER
    assert chapter.journal == "Spine Oncology: Principles and Practice"  # booktitle
    assert chapter.authors[1] == Author(family="Smith", given="John", suffix="Jr.")
    thesis = records["Mueller2019"]
    assert thesis.record.authors == (Author(family="Müller", given="Jörg"),)
    assert thesis.record.publisher == "Universität Zürich"
    assert thesis.record.date == PartialDate(2019, 3)  # month = {March}
    assert thesis.position.line == 36


def test_biblatex_traps() -> None:
    records = _records("zotero-biblatex.bib")
    online = records["who_cancer_2019"].record
    assert online.type is WorkType.WEB_PAGE
    assert online.date == PartialDate(2019, 1, 10)  # date = {2019-01-10}
    assert online.language == "english"  # langid
    article = records["tanaka_rehabilitation_2024"].record
    assert article.journal == "Cureus"  # journaltitle
    assert article.article_number == "e71196"  # eid
    assert article.issue == "9"
    assert article.ids.pmid == "39411111"  # eprinttype = pmid
    assert records["weller_exercise_2024"].record.ids.arxiv == "2411.01234"


def test_nasty_traps() -> None:
    records = _records("nasty.bib")
    article = records["accents2020"].record
    assert [a.display_name for a in article.authors] == [
        "Café, René",
        "Müller, Jörg",
        "Straße, Hans",
        "Čapek, Karel",
        "von Neumann, John",
        "van der Waals, John",
    ]
    assert article.authors_complete is False  # "and others"
    assert article.title == "BRCA1 mutations and β-catenin in 50% of CD4⁺ cells — a review"
    assert article.journal == "Journal of Clinical Pathology (Supplement)"  # macro # macro
    assert article.pages == "e1-e12"
    assert article.note == "Dr. Smith's data & code\nChecked by hand"  # ~ is a space
    assert article.ids.doi == "10.1136/jclinpath-2019-206000"
    assert ("unknownfield", "kept in extra") in article.extra
    report = records["afterbad2"].record
    assert report.authors == (Author(group="Cancer Research UK"),)
    assert ("number", "CRUK-2023-7") in report.extra  # a report number is not an issue


def test_unbalanced_brace_entry_fails_and_good_entries_after_it_land() -> None:
    entries = list(FORMAT.parse_string((BIB_DIR / "nasty.bib").read_text(encoding="utf-8")))
    failures = [e for e in entries if isinstance(e, ParseFailure)]
    assert len(failures) == 1
    assert failures[0].position.line == 19
    assert failures[0].raw.startswith("@article{unbalanced2021,")
    keys = [e.source_key for e in entries if isinstance(e, ParsedRecord)]
    assert keys == ["accents2020", "afterbad1", "afterbad2"]


GOOD = "@article{good, title={Good}, year=2020}\n"


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("@article{bad, title={Open {brace}, year=2020}\n", id="unbalanced-brace"),
        pytest.param('@article{bad, title="A, year=2020}\n', id="unterminated-quote"),
        pytest.param("@article{title={A}, year=2020}\n", id="missing-key"),
        pytest.param("@article{bad, title={A},\n", id="missing-closing-brace"),
        pytest.param("@article{bad, title {A}}\n", id="missing-equals"),
        pytest.param("@string{x = {a}\n", id="broken-string"),
        pytest.param("@@@{\n", id="at-signs"),
    ],
)
def test_broken_entry_then_good_entry(broken: str) -> None:
    entries = list(FORMAT.parse_string(broken + GOOD))
    assert isinstance(entries[0], ParseFailure)
    assert entries[0].position.line == 1
    assert entries[0].raw.strip()
    assert isinstance(entries[-1], ParsedRecord)
    assert entries[-1].source_key == "good"
    assert entries[-1].position.line == 2


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        pytest.param("", [], id="empty"),
        pytest.param('% only a comment\n@comment{x}\n@preamble{"\\x"}', [], id="no-entries"),
        pytest.param(GOOD + GOOD, ["record", "record"], id="duplicate-key-both-land"),
        pytest.param("@article{k, journal = undefinedmacro}", ["record"], id="undefined-macro"),
    ],
)
def test_odd_input(text: str, kinds: list[str]) -> None:
    entries = list(FORMAT.parse_string(text))
    assert ["record" if isinstance(e, ParsedRecord) else "failure" for e in entries] == kinds


def test_unreadable_date_is_kept() -> None:
    (entry,) = FORMAT.parse_string("@online{k, date = {n.d.}, year = {2020}}")
    assert isinstance(entry, ParsedRecord)
    assert entry.record.date == PartialDate(2020)
    assert ("date", "n.d.") in entry.record.extra


def test_undefined_macro_kept_as_text() -> None:
    (entry,) = FORMAT.parse_string("@article{k, journal = undefinedmacro}")
    assert isinstance(entry, ParsedRecord)
    assert entry.record.journal == "undefinedmacro"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        pytest.param(r"{\'e}t{\'e}", "été", id="acute-in-braces"),
        pytest.param(r"\"{o}", "ö", id="umlaut-command"),
        pytest.param(r"{\ss}", "ß", id="eszett"),
        pytest.param(r"\v{c}", "č", id="caron"),
        pytest.param(r"1990--2000", "1990–2000", id="en-dash"),
        pytest.param(r"A \& B", "A & B", id="ampersand"),
        pytest.param(r"50\%", "50%", id="escaped-percent"),
        pytest.param(r"Dr.~Who", "Dr. Who", id="tie-is-a-space"),
        pytest.param(r"$\beta$-blockers", "β-blockers", id="math-beta"),
        pytest.param(r"H\textsubscript{2}O", "H₂O", id="subscript"),
        pytest.param(r"{BRCA1} mutations", "BRCA1 mutations", id="protective-braces"),
        pytest.param("two\n   lines", "two lines", id="wrapped-value"),
    ],
)
def test_latex_decoding(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_names_respect_braces() -> None:
    names, complete = bibtex_names("{Barnes and Noble} and Smith, John")
    assert names == (Author(group="Barnes and Noble"), Author(family="Smith", given="John"))
    assert complete
    assert bibtex_name("Ludwig van Beethoven") == Author(family="van Beethoven", given="Ludwig")


def test_string_concatenation() -> None:
    macros = {"a": "Alpha"}
    assert resolve_bibtex_value('a # " and " # {Beta}', macros) == "Alpha and Beta"
    assert resolve_bibtex_value("2021", macros) == "2021"


def _macros(text: str) -> dict[str, str]:
    blocks = Splitter(text).split().blocks
    return {b.key.lower(): b.value.strip('{}"') for b in blocks if isinstance(b, bib.String)}


def _source_fields(raw: str, macros: dict[str, str]) -> list[tuple[str, str]]:
    """An entry's fields as the test reads them, independently of the parser's mapping."""
    (block,) = [b for b in Splitter(raw).split().blocks if isinstance(b, bib.Entry)]
    fields = []
    for field in block.fields:
        value = resolve_bibtex_value(str(field.value), macros)
        key = field.key.lower()
        if key in ("author", "editor"):  # each name on its own; "others" is authors_complete
            names = [n for n in value.split(" and ") if n.strip() != "others"]
            fields += [(key, latex_to_unicode(name)) for name in names]
            continue
        keep_verbatim = key in ("url", "doi", "file", "eprint")
        fields.append((key, strip_braces(value) if keep_verbatim else latex_to_unicode(value)))
    return fields


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_field_kept(path: Path) -> None:
    """BibTeX written by other tools -> ingest -> every field's value is in the record."""
    text = path.read_text(encoding="utf-8")
    macros = _macros(text)
    for entry in FORMAT.parse_string(text):
        if isinstance(entry, ParsedRecord):
            fields = _source_fields(entry.raw, macros)
            assert fields
            assert missing_fields(entry, fields) == []


def _five_entries() -> str:
    return "".join(
        f"@article{{k{i},\n  title = {{Paper {i}}},\n  year = {{2020}},\n"
        f"  doi = {{10.1000/{i}}}\n}}\n\n"
        for i in range(1, 6)
    )


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr-only"])
@pytest.mark.parametrize(
    ("good", "broken"),
    [
        pytest.param("title = {Paper 2}", "title = {{Paper 2}", id="extra-open-brace"),
        pytest.param("doi = {10.1000/2}\n}", "doi = {10.1000/2}\n", id="entry-not-closed"),
        pytest.param(
            "year = {2020},\n  doi = {10.1000/2}",
            "year = {2020,\n  doi = {10.1000/2}",
            id="field-not-closed",
        ),
        pytest.param("title = {Paper 2}", 'title = "Paper 2', id="quote-not-closed"),
    ],
)
def test_an_unbalanced_entry_swallows_none_after_it(line_end: str, good: str, broken: str) -> None:
    text = _five_entries()
    assert text.count(good) == 1
    entries = list(FORMAT.parse_string(text.replace(good, broken).replace("\n", line_end)))
    kinds = [(type(e).__name__, e.position.line) for e in entries if hasattr(e, "position")]
    assert kinds == [
        ("ParsedRecord", 1),
        ("ParseFailure", 7),
        ("ParsedRecord", 13),
        ("ParsedRecord", 19),
        ("ParsedRecord", 25),
    ]
