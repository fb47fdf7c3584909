"""The copied-PubMed-page parser against the seed page and a full-author-list variant."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.formats.pubmed_page import FORMAT
from bimscli.model import Author, ParsedRecord, ParseFailure, Record
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = sorted((FIXTURES / "pubmed-page").glob("*.txt"))
SEED = FIXTURES / "pubmed-page" / "001_883bc7bd48de00b4.txt"
VARIANT = FIXTURES / "pubmed-page" / "full-author-list.txt"


def _record(path: Path) -> Record:
    [entry] = FORMAT.parse_string(path.read_text(encoding="utf-8"))
    assert isinstance(entry, ParsedRecord)
    return entry.record


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_matches_golden(case: Path) -> None:
    entries = FORMAT.parse_string(case.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, case.with_suffix(".expected.json"))


def test_et_al_gives_one_author_and_an_incomplete_list() -> None:
    record = _record(SEED)
    assert record.authors == (Author(family="Benhabib", given="Hadas"),)
    assert record.authors_complete is False
    assert record.journal_abbrev == "Curr Opin Support Palliat Care"


def test_citation_line_and_doi() -> None:
    record = _record(SEED)
    assert record.date is not None
    assert record.date.iso == "2021-06-01"
    assert (record.volume, record.issue, record.pages) == ("15", "2", "91-98")
    assert record.ids.doi == "10.1097/spc.0000000000000548"
    assert record.publication_types == ("Review",)


def test_title_is_taken_once() -> None:
    title = (
        "Evolving role of minimally invasive techniques in the management of symptomatic "
        "bone metastases"
    )
    assert SEED.read_text(encoding="utf-8").count(title) == 2
    assert _record(SEED).title == title


def test_structured_abstract_labels() -> None:
    labels = [s.label for s in _record(SEED).abstract]
    assert labels == ["Purpose of review", "Recent findings", "Summary"]


def test_references_are_cited_text_not_this_work() -> None:
    record = _record(SEED)
    assert len(record.cited_references) == 5
    assert record.cited_references[0].startswith("Suva LJ, Washam C")
    assert not any(ref.endswith("- DOI") for ref in record.cited_references)
    assert "10.21037/atm.2020.03.55" not in (record.ids.doi or "")
    assert record.abstract_text.count("Suva") == 0


def test_site_boilerplate_is_dropped() -> None:
    record = _record(SEED)
    shown = " ".join([record.title or "", record.abstract_text, *record.publication_types])
    for chrome in ("official website", "PubMed Disclaimer", "Access keys", "LinkOut"):
        assert chrome not in shown


def test_full_author_line_gives_a_complete_list() -> None:
    record = _record(VARIANT)
    assert record.authors == (
        Author(family="van der Berg", given="Jan"),
        Author(family="Rossi", given="Maria"),
        Author(family="Benhabib", given="Hadas"),
    )
    assert record.authors_complete is True
    assert (record.ids.pmid, record.ids.pmcid) == ("35284213", "PMC8913290")
    assert record.epub_date is not None
    assert record.epub_date.iso == "2022-02-01"
    assert (record.volume, record.pages, record.article_number) == ("33", None, "100417")
    assert record.keywords == ("bone metastases", "exercise", "radiotherapy")


def test_initials_author_line_is_read() -> None:
    short = "Hadas Benhabib\u00a0et al."
    text = SEED.read_text(encoding="utf-8").replace(short, f"Benhabib H, Doe J, Roe RK.\n{short}")
    [entry] = FORMAT.parse_string(text)
    assert isinstance(entry, ParsedRecord)
    assert [a.family for a in entry.record.authors] == ["Benhabib", "Doe", "Roe"]
    assert entry.record.authors_complete is True


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\x00\x01\ufffd\x7fPK\x03\x04\x00", id="binary-garbage"),
        pytest.param("Affiliations\nReview\nPubMed Disclaimer\n", id="markers-without-citation"),
        pytest.param(
            (FIXTURES / "biomednews" / "000_4c0a4a96eb322688.txt").read_text(encoding="utf-8"),
            id="a-newsletter",
        ),
    ],
)
def test_page_without_citation_line_is_one_failure(text: str) -> None:
    [entry] = FORMAT.parse_string(text)
    assert isinstance(entry, ParseFailure)
    assert entry.raw == text
    assert "citation line" in entry.message


def test_empty_input_gives_nothing() -> None:
    assert list(FORMAT.parse_string("")) == []


def test_epub_date_on_the_doi_line_and_page_badges() -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "doi: 10.1097/SPC.0000000000000548.",
        "doi: 10.1097/SPC.0000000000000548. Epub 2021 Mar 5.\nFree PMC article",
    )
    [entry] = FORMAT.parse_string(text)
    assert isinstance(entry, ParsedRecord)
    assert entry.record.epub_date is not None
    assert entry.record.epub_date.iso == "2021-03-05"
    assert entry.record.title is not None
    assert entry.record.title.startswith("Evolving role")
    assert entry.record.ids.doi == "10.1097/spc.0000000000000548"
