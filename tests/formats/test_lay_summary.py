"""The lay-summary page parser against the seed page."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.formats.lay_summary import FORMAT
from bimscli.model import ParsedRecord, ParseFailure, Record
from tests.golden import FIXTURES, assert_entries_match_golden

SEED = FIXTURES / "lay-summary" / "002_da2b409ab0d6fc3d.txt"


def _record(path: Path = SEED) -> Record:
    [entry] = FORMAT.parse_string(path.read_text(encoding="utf-8"))
    assert isinstance(entry, ParsedRecord)
    return entry.record


def test_matches_golden() -> None:
    entries = FORMAT.parse_string(SEED.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, SEED.with_suffix(".expected.json"))


def test_paper_fields() -> None:
    record = _record()
    assert record.title == (
        "Treatment progress of spinal metastatic cancer: a powerful tool for improving the "
        "quality of life of the patients"
    )
    assert record.journal == "Journal of Orthopaedic Surgery and Research"
    assert record.date is not None
    assert record.date.iso == "2023-07-03"
    assert record.ids.doi == "10.1186/s13018-023-03975-3"


def test_summary_is_a_note_not_the_abstract() -> None:
    record = _record()
    assert record.abstract == ()
    assert record.note is not None
    headings = [
        "Simple Explanation",
        "Key Findings",
        "Research Summary",
        "Practical Implications",
        "Study Limitations",
    ]
    assert [line for line in record.note.splitlines() if line in headings] == headings
    assert "\n1. Open surgery can effectively alleviate pain" in record.note


def test_evidence_level_is_the_sites_not_a_publication_type() -> None:
    record = _record()
    assert record.publication_types == ()
    assert ("lay-summary-evidence-level", "Systematic Review") in record.extra


def test_site_chrome_is_dropped() -> None:
    note = _record().note or ""
    for chrome in ("Quick Links", "Contact Us", "Was this summary helpful?", "All rights reserved"):
        assert chrome not in note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\x00\x01\ufffd\x7fPK\x03\x04\x00", id="binary-garbage"),
        pytest.param("Simple Explanation\n\nSome text.\n", id="summary-without-paper-line"),
        pytest.param(
            (FIXTURES / "biomednews" / "000_4c0a4a96eb322688.txt").read_text(encoding="utf-8"),
            id="a-newsletter",
        ),
    ],
)
def test_page_without_paper_line_is_one_failure(text: str) -> None:
    [entry] = FORMAT.parse_string(text)
    assert isinstance(entry, ParseFailure)
    assert entry.raw == text


def test_empty_input_gives_nothing() -> None:
    assert list(FORMAT.parse_string("")) == []
