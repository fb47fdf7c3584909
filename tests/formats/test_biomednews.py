"""The BiomedNews issue parser against the seed, the three samples and broken issues."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.formats.biomednews import FORMAT
from bimscli.model import (
    AbstractSection,
    Author,
    DocumentHeader,
    Entry,
    ParsedRecord,
    ParseFailure,
)
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = sorted((FIXTURES / "biomednews").glob("*.txt"))
SEED = FIXTURES / "biomednews" / "000_4c0a4a96eb322688.txt"


def _parse(path: Path) -> list[Entry]:
    return list(FORMAT.parse_string(path.read_text(encoding="utf-8")))


def _records(path: Path) -> list[ParsedRecord]:
    return [e for e in _parse(path) if isinstance(e, ParsedRecord)]


def _header(path: Path) -> DocumentHeader:
    first = _parse(path)[0]
    assert isinstance(first, DocumentHeader)
    return first


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_matches_golden(case: Path) -> None:
    assert_entries_match_golden(_parse(case), case.with_suffix(".expected.json"))


def test_seed_header_fields_in_order() -> None:
    assert _header(SEED).fields == (
        ("report_id", "bims-rebome"),
        ("topic", "Rehabilitation of bone metastases"),
        ("issue_date", "2025-06-15"),
        ("papers", "9"),
        ("papers_written", "words"),
        ("editor", "Alberto Selvanetti"),
        ("affiliation", "Azienda Ospedaliera San Giovanni Addolorata"),
    )


def test_seed_editor_joined_by_no_break_spaces_is_split() -> None:
    raw = SEED.read_text(encoding="utf-8").splitlines()[4]
    assert "\u00a0" in raw  # the trap is really in the input
    assert "\u00a0" not in (_header(SEED).get("editor") or "")


@pytest.mark.parametrize(
    ("name", "date", "papers", "written"),
    [
        ("biomed.news_bims-librar_2019-08-18", "2019-08-18", "19", "words"),
        ("biomed.news_bims-skolko_2019-06-09", "2019-06-09", "25", "words"),
        ("biomed.news_bims-skolko_2025-10-26", "2025-10-26", "29", "digits"),
    ],
)
def test_sample_headers(name: str, date: str, papers: str, written: str) -> None:
    header = _header(FIXTURES / "biomednews" / f"{name}.txt")
    assert header.get("issue_date") == date
    assert (header.get("papers"), header.get("papers_written")) == (papers, written)
    # Two lines in the 2019 issues, "Name, Affiliation" on one line in 2025.
    assert (header.get("editor"), header.get("affiliation")) == (
        "Thomas Krichel",
        "Open Library Society",
    )


def test_seed_has_nine_records_keyed_by_entry_number() -> None:
    records = _records(SEED)
    assert [r.source_key for r in records] == [str(n) for n in range(1, 10)]
    assert [r.position.entry for r in records] == list(range(1, 10))
    assert [r.position.line for r in records] == [9, 13, 22, 26, 30, 35, 44, 51, 54]
    assert records[4].raw.splitlines()[1] == "    AO Spine Knowledge Forum Tumor"


def test_seed_journal_abbreviations() -> None:
    assert [r.record.journal_abbrev for r in _records(SEED)] == [
        "Cardiovasc Intervent Radiol",
        "BMC Sports Sci Med Rehabil",
        "Int J Mol Sci",
        "Cancers (Basel)",
        "Global Spine J",
        "JMIR Mhealth Uhealth",
        "J Korean Neurosurg Soc",
        "Am Soc Clin Oncol Educ Book",
        "J Clin Nurs",
    ]


def test_seed_has_no_titles_and_only_the_group_author() -> None:
    records = [r.record for r in _records(SEED)]
    assert all(r.title is None for r in records)
    assert [r.authors for r in records if r.authors] == [
        (Author(group="AO Spine Knowledge Forum Tumor"),)
    ]


def test_an_entry_without_an_author_line_has_unknown_authors_not_none() -> None:
    """No author line means the issue did not say, so the list is incomplete: another
    source's authors must win when the work is merged, and exports must not call it anonymous."""
    records = [r.record for r in _records(SEED)]
    assert [r.authors_complete for r in records] == [bool(r.authors) for r in records]
    assert sum(r.authors_complete for r in records) == 1


def test_numeric_month_is_a_month() -> None:
    date = _records(SEED)[6].record.date
    assert date is not None
    assert date.iso == "2025-06-09"


def test_registration_doi_in_abstract_is_not_the_paper_doi() -> None:
    record = _records(SEED)[1].record
    assert record.ids.doi == "10.1186/s13102-025-01193-4"
    assert record.abstract[-1] == AbstractSection(
        "Open Science Framework ( https://doi.org/10.17605/OSF.IO/UDWM4 ).",
        "REGISTRATION DETAILS",
    )


def test_epub_ahead_of_print_date_is_the_epub_date() -> None:
    record = _records(SEED)[2].record
    assert record.date is None
    assert record.epub_date is not None
    assert record.epub_date.iso == "2025-05-29"
    assert (record.ids.pii, record.volume, record.issue, record.pages) == ("5223", "26", "11", None)


@pytest.mark.parametrize(
    ("index", "volume", "issue", "pages", "article_number"),
    [
        (1, "17", "1", "148", None),
        (4, None, None, None, "21925682251347247"),
        (5, "13", None, None, "e71196"),
        (7, "45", "3", None, "e472854"),
    ],
)
def test_seed_locators(
    index: int, volume: str | None, issue: str | None, pages: str | None, article_number: str | None
) -> None:
    record = _records(SEED)[index].record
    assert (record.volume, record.issue, record.pages, record.article_number) == (
        volume,
        issue,
        pages,
        article_number,
    )


def test_glued_labels_without_colon_are_split() -> None:
    labels = [s.label for s in _records(SEED)[4].record.abstract]
    assert labels == ["Study Design", "Objectives", "Methods", "Results", "Conclusions"]
    assert _records(SEED)[4].record.abstract[1].text.startswith("This study aims to elucidate")


def test_capitalised_inline_labels_are_split_when_the_paragraph_opens_with_one() -> None:
    labels = [s.label for s in _records(SEED)[3].record.abstract]
    assert labels == ["Objectives", "Methods", "Results", "Conclusions"]


def test_seed_labels_of_entry_nine_including_long_ones() -> None:
    labels = [s.label for s in _records(SEED)[8].record.abstract]
    assert labels[-3:] == ["REPORTING", "PATIENT OR PUBLIC CONTRIBUTION", "TRIAL REGISTRATION"]


def test_label_glued_after_a_sentence_is_split() -> None:
    record = _records(FIXTURES / "biomednews" / "biomed.news_bims-librar_2019-08-18.txt")[0].record
    assert [s.label for s in record.abstract] == ["BACKGROUND", "RESULTS", "CONCLUSION"]
    assert record.abstract[0].text.endswith("oncological mutation profile.")
    assert record.abstract[1].text.startswith("VIST indexes")


def test_sample_author_lines() -> None:
    records = _records(FIXTURES / "biomednews" / "biomed.news_bims-skolko_2019-06-09.txt")
    assert [r.record.authors for r in records] == [
        (Author(family="Cobb", given="M"),),
        (Author(family="Pastor Jimeno", given="JC"),),
        (
            Author(family="Oliveira", given="LMA"),
            Author(family="Bonatelli", given="ML"),
            Author(family="Pinto", given="TCA"),
        ),
    ]
    assert all(r.record.title is None for r in records)
    assert records[1].record.ids.pii == "S0365-6691(19)30129-7"
    assert records[2].record.epub_date is not None
    assert records[2].record.epub_date.iso == "2019"


def test_cut_short_last_entry_is_a_record_marked_truncated() -> None:
    for case in CASES:
        last = _records(case)[-1].record
        truncated = ("truncated", "the input ends inside this entry") in last.extra
        assert truncated is (case != SEED), case.name


def test_title_line_is_kept_and_group_line_told_apart() -> None:
    text = (
        "bims-x Biomed News\non X\nIssue of 2025-01-05\none paper selected by\nA B, C\n\n"
        "  1. Lancet. 2025 Jan 02. 405(1): 10-20\n"
        "    Exercise for bone metastases.\n"
        "    Smith J, van der Berg AB.\n"
        "    EORTC Quality of Life Group\n"
        "      Abstract text.\n"
    )
    [_, entry] = FORMAT.parse_string(text)
    assert isinstance(entry, ParsedRecord)
    assert entry.record.title == "Exercise for bone metastases."
    assert entry.record.authors == (
        Author(family="Smith", given="J"),
        Author(family="van der Berg", given="AB"),
        Author(group="EORTC Quality of Life Group"),
    )
    assert entry.record.abstract == (AbstractSection("Abstract text."),)


MALFORMED_LINES = {
    "garbled-journal-line": "  4. Cancers (Basel) 2O25 Mai 22 pii 1739",
    "unknown-month": "  4. Cancers (Basel). 2025 Mai 22. pii: 1739.",
    "broken-locator": "  4. Cancers (Basel). 2025 May 22. 17(11: 1739 x",
}


@pytest.mark.parametrize(
    "journal_line",
    [pytest.param(line, id=name) for name, line in MALFORMED_LINES.items()],
)
def test_malformed_entry_in_the_middle_fails_alone(journal_line: str) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    lines[25] = journal_line
    entries = list(FORMAT.parse_string("\n".join(lines)))
    failures = [e for e in entries if isinstance(e, ParseFailure)]
    assert [(f.position.line, f.position.entry) for f in failures] == [(26, 4)]
    assert failures[0].raw.startswith(journal_line)
    assert "journal line" in failures[0].message
    records = [e for e in entries if isinstance(e, ParsedRecord)]
    assert [r.source_key for r in records] == ["1", "2", "3", "5", "6", "7", "8", "9"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        pytest.param("", [], id="empty"),
        pytest.param("\n\n   \n", [], id="blank-lines"),
        pytest.param("\x00\x01\ufffd\x7fPK\x03\x04\x00", ["failure"], id="binary-garbage"),
        pytest.param("Just a note\nwith two lines", ["failure"], id="prose-without-header"),
        pytest.param(
            "  1. Nature. 2019 Jun;570(7759): 36\n", ["record"], id="entry-without-header"
        ),
    ],
)
def test_bad_input_never_raises(text: str, kinds: list[str]) -> None:
    entries = list(FORMAT.parse_string(text))
    names = {DocumentHeader: "header", ParsedRecord: "record", ParseFailure: "failure"}
    assert [names[type(e)] for e in entries] == kinds


def test_unindented_footer_after_the_last_entry_is_a_failure_not_a_title() -> None:
    text = SEED.read_text(encoding="utf-8") + "\n\nPowered by biomed.news\n    Contact us\n"
    entries = list(FORMAT.parse_string(text))
    last = entries[-1]
    assert isinstance(last, ParseFailure)
    assert (last.position.line, last.raw) == (68, "Powered by biomed.news\n    Contact us")
    records = [e for e in entries if isinstance(e, ParsedRecord)]
    assert len(records) == 9
    assert records[-1].record.title is None


def test_impossible_issue_date_is_reported() -> None:
    text = "bims-x Biomed News\non X\nIssue of 2025-13-45\n2 papers selected by\nA B\n"
    header, failure = FORMAT.parse_string(text)
    assert isinstance(header, DocumentHeader)
    assert header.get("issue_date") is None
    assert isinstance(failure, ParseFailure)
    assert failure.raw == "Issue of 2025-13-45"
