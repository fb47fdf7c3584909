"""Tests of the Europe PMC core-result parser: golden files, bad results, detection."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.formats import detect_format
from bimscli.formats.base import Sniff
from bimscli.formats.europepmc import FORMAT
from bimscli.model import DocumentHeader, ParsedRecord, ParseFailure, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = FIXTURES / "europepmc"
PAGES = FIXTURES / "replay" / "europepmc"


@pytest.mark.parametrize(
    ("path", "golden"),
    [
        pytest.param(PAGES / "page-1.json", CASES / "page-1.expected.json", id="page-1"),
        pytest.param(PAGES / "page-2.json", CASES / "page-2.expected.json", id="page-2"),
        pytest.param(CASES / "core-results.json", CASES / "core-results.expected.json",
                     id="list-with-bad-results"),
    ],
)  # fmt: skip
def test_golden(path: Path, golden: Path) -> None:
    assert_entries_match_golden(FORMAT.parse_string(path.read_text("utf-8")), golden)


def test_a_search_response_gives_its_header_and_each_result() -> None:
    entries = list(FORMAT.parse_string((PAGES / "page-1.json").read_text("utf-8")))
    (header,) = [e for e in entries if isinstance(e, DocumentHeader)]
    assert header.get("hit_count") == "5"
    records = [e for e in entries if isinstance(e, ParsedRecord)]
    assert [r.source_key for r in records] == ["MED:40481101", "PPR:PPR1034567", "MED:40481199"]
    first, preprint, _ = (r.record for r in records)
    assert [(s.label, s.text[:10]) for s in first.abstract] == [
        ("Purpose", "To review "), ("Results", "Pain relie"),
    ]  # fmt: skip
    assert first.authors[1].orcid == "0000-0002-1825-0097"
    assert (first.journal_abbrev, first.date and first.date.iso) == (
        "Cardiovasc Intervent Radiol", "2025-07",
    )  # fmt: skip
    assert (preprint.type, preprint.journal, preprint.authors[-1].group) == (
        WorkType.PREPRINT, "medRxiv", "The SPINE-ECT Consortium",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('[1, {"id": "1", "source": "MED", "title": "T"}]', "not a JSON object",
                     id="not-object"),
        pytest.param('[{"title": "T"}]', "no source and id", id="no-id"),
        pytest.param('[{"id": "1", "source": "MED", "id": "2"}]', "given twice", id="repeated-key"),
        pytest.param('{"hitCount": 1, "resultList": ', "not JSON", id="cut-off"),
    ],
)  # fmt: skip
def test_bad_results_are_failures(text: str, message: str) -> None:
    failures = [e for e in FORMAT.parse_string(text) if isinstance(e, ParseFailure)]
    assert failures
    assert message in failures[0].message


def test_a_year_only_date_is_not_the_first_of_january() -> None:
    entries = FORMAT.parse_string((CASES / "core-results.json").read_text("utf-8"))
    records = [e.record for e in entries if isinstance(e, ParsedRecord)]
    assert records[-1].date is not None
    assert records[-1].date.iso == "2025"


def test_detected_among_the_other_formats() -> None:
    head = (PAGES / "page-1.json").read_text("utf-8")[:4096]
    assert detect_format(Sniff(head, "search.json")).name == "europepmc"


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    list(FORMAT.parse_string(text))
