"""Tests of the Semantic Scholar Graph API parser: golden files, the seed's traps, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.formats import detect_format
from bimscli.formats.base import Sniff
from bimscli.formats.semantic_scholar import FORMAT
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = FIXTURES / "semantic-scholar"
SEED = CASES / "aggregator-page-seed-003.txt"


def _parse(text: str) -> list[Entry]:
    return list(FORMAT.parse_string(text))


def _records(entries: list[Entry]) -> list[ParsedRecord]:
    return [e for e in entries if isinstance(e, ParsedRecord)]


def _failures(entries: list[Entry]) -> list[ParseFailure]:
    return [e for e in entries if isinstance(e, ParseFailure)]


@pytest.mark.parametrize(
    "case",
    [
        "graph-api-paper.json",
        "paper-list.json",
        "batch-with-null.json",
        "search-data.json",
        "aggregator-page-seed-003.txt",
    ],
)
def test_golden(case: str) -> None:
    path = CASES / case
    entries = _parse(path.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, path.with_name(Path(case).stem + ".expected.json"))


def test_seed_003_traps() -> None:
    text = SEED.read_text(encoding="utf-8")
    entries = _parse(text)
    assert len(entries) == 1
    (parsed,) = _records(entries)
    record = parsed.record
    assert parsed.position.line == 2  # the authors line comes first
    assert parsed.raw.startswith('{"title":')
    assert parsed.raw.endswith('"Total":0}')
    assert json.loads(parsed.raw)["platform"] == "Semanticscholar"
    assert (record.volume, record.issue, record.pages) == ("14", "2", "189-195")
    assert record.abstract_text.startswith("The delivery of post-operative radiotherapy")
    assert "<" not in record.abstract_text
    assert ">" not in record.abstract_text
    assert [(a.given, a.family) for a in record.authors] == [
        ("Emily", "Keit"),
        ("Daniel E", "Oliver"),
        ("Hsiang-Hsuan M", "Yu"),
        ("Peter A S", "Johnstone"),
    ]
    assert record.ids.doi == "10.21037/apm-24-168"
    assert record.date is not None
    assert record.date.iso == "2025-03-01"
    assert record.journal == "Annals of palliative medicine"
    assert record.type is WorkType.JOURNAL_ARTICLE
    assert record.publication_types == ("Journal Article",)
    assert ("s2_citation_count", "0") in record.extra


def test_seed_003_is_detected_as_semantic_scholar() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert detect_format(Sniff(text[:4096], SEED.name)).name == "semantic-scholar"


@pytest.mark.parametrize("head_size", [512, 1024, 4096])
def test_seed_003_is_detected_from_a_short_head(head_size: int) -> None:
    head = SEED.read_text(encoding="utf-8")[:head_size]
    assert FORMAT.detect(Sniff(head, SEED.name)) >= 0.6


def test_paper_with_citations_is_one_record() -> None:
    entries = _parse((CASES / "graph-api-paper.json").read_text(encoding="utf-8"))
    (parsed,) = entries
    assert isinstance(parsed, ParsedRecord)
    record = parsed.record
    assert record.title == "Computing Machinery and Intelligence"
    assert record.ids.s2 == "2d5673caa9e6af3a7b82a43f19ee920992db07ad"
    assert record.ids.doi == "10.1093/mind/lix.236.433"
    assert ("CorpusId", "14636783") in record.ids.other
    assert [(a.given, a.family) for a in record.authors] == [("A.", "Turing")]
    assert record.abstract_text.startswith("I propose to consider the question")
    tldr = [v for k, v in record.extra if k == "s2_tldr"]
    assert len(tldr) == 1
    assert not record.abstract_text.startswith(tldr[0])
    assert ("s2_field_of_study", "Computer Science") in record.extra
    assert len(record.cited_references) == 2  # the references; the citations are not kept


def test_batch_null_is_a_failure_naming_its_index() -> None:
    entries = _parse((CASES / "batch-with-null.json").read_text(encoding="utf-8"))
    assert [type(e) for e in entries] == [ParsedRecord, ParseFailure, ParsedRecord]
    failure = entries[1]
    assert isinstance(failure, ParseFailure)
    assert "item 1 (0-based)" in failure.message
    assert "null" in failure.message
    assert failure.raw == "null"
    assert [e.position.entry for e in entries if not isinstance(e, DocumentHeader)] == [1, 2, 3]


def test_record_raw_is_the_object_json() -> None:
    entries = _parse((CASES / "search-data.json").read_text(encoding="utf-8"))
    for parsed in _records(entries):
        assert json.loads(parsed.raw)["paperId"] == parsed.source_key


def test_identifiers_and_types_from_a_list() -> None:
    records = [p.record for p in _records(_parse((CASES / "paper-list.json").read_text("utf-8")))]
    pubmed, arxiv, particles, conference = records
    assert pubmed.ids.pmid is not None
    assert pubmed.ids.pmcid is not None
    assert pubmed.ids.pmcid.startswith("PMC")
    assert arxiv.type is WorkType.PREPRINT
    assert arxiv.ids.arxiv == "2404.13957"
    assert arxiv.volume is None
    assert {(a.given, a.family) for a in particles.authors} >= {("Max J.", "van Duijn")}
    assert conference.type is WorkType.CONFERENCE_PAPER


TRUNCATED = (
    "Emily Keit, Daniel E Oliver\n"
    '{"title":"Simplifying post-operative radiotherapy","authors":"Emily Keit","journal":'
    '{"name":"Annals of palliative medicine","volume":"14 2"},"publicationDate":"2025-03-'
    "\n引用次数: 0\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(TRUNCATED, "cut off or broken", id="truncated-json-blob"),
        pytest.param("", "no Semantic Scholar paper object", id="empty-file"),
        pytest.param("\x00\x9f\x92\xff\x01binary\x02{", "no Semantic Scholar", id="binary-garbage"),
        pytest.param('{"paperId": "ab", "title": ', "cut off or broken", id="truncated-json"),
        pytest.param('{"DOI": "10.1/x"}', "not a Semantic Scholar paper", id="not-s2-object"),
        pytest.param('[{"paperId": "a"} {"paperId": "b"}]', "expected ','", id="missing-comma"),
    ],
)
def test_bad_input_becomes_failure(text: str, message: str) -> None:
    entries = _parse(text)
    failures = _failures(entries)
    assert failures, entries
    assert message in failures[-1].message


def test_truncated_blob_failure_points_at_its_line() -> None:
    entries = _parse(TRUNCATED)
    assert len(entries) == 1  # the nested journal object is not mistaken for a paper
    (failure,) = entries
    assert isinstance(failure, ParseFailure)
    assert failure.position.line == 2
    assert failure.raw.startswith('{"title":')
    assert "line 2" in failure.message


def test_good_object_after_a_broken_one_is_still_read() -> None:
    text = TRUNCATED + '{"paperId": "cd34", "title": "Second paper", "venue": "Bone"}\n'
    entries = _parse(text)
    assert [type(e) for e in entries] == [ParseFailure, ParsedRecord]
    assert isinstance(entries[1], ParsedRecord)
    assert entries[1].position.line == 4


def test_abstract_null_gives_no_abstract() -> None:
    (parsed,) = _parse('{"paperId": "ab", "title": "T", "abstract": null}')
    assert isinstance(parsed, ParsedRecord)
    assert parsed.record.abstract == ()


def test_detector_leaves_other_json_alone() -> None:
    crossref = '{"status": "ok", "message-type": "work", "message": {"DOI": "10.1/x"}}'
    assert FORMAT.detect(Sniff(crossref)) == 0.0
    csl = '[{"id": "a", "type": "article-journal", "title": "T"}]'
    assert FORMAT.detect(Sniff(csl)) == 0.0


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for _ in FORMAT.parse_string(text):
        pass


@given(st.text(alphabet='{}[]":,0123456789abcdeptrIl nu\n', max_size=80))
def test_never_raises_on_json_like_text(text: str) -> None:
    for _ in FORMAT.parse_string('{"paperId"' + text):
        pass


def test_less_than_and_greater_than_in_titles_and_abstracts_are_text_not_markup() -> None:
    paper = {
        "paperId": "abc",
        "title": "Survival when dose < 8 Gy and BED > 100 Gy in spinal SBRT",
        "abstract": "<p>KPS < 70 and age > 65 predicted survival (p <0.05).</p>",
        "externalIds": {"DOI": "10.5555/lt-gt"},
    }
    (entry,) = FORMAT.parse_string(json.dumps(paper))
    assert isinstance(entry, ParsedRecord)
    assert entry.record.title == "Survival when dose < 8 Gy and BED > 100 Gy in spinal SBRT"
    assert entry.record.abstract_text == "KPS < 70 and age > 65 predicted survival (p <0.05)."


@pytest.mark.parametrize(
    ("text", "kinds", "key"),
    [
        pytest.param(
            '[{"paperId": "a", "year": 2020, "year": 2021}, {"paperId": "b", "title": "T"}]',
            [ParseFailure, ParsedRecord], "year", id="paper-in-list",
        ),
        pytest.param(
            '{"paperId": "a", "authors": [{"name": "A Roe", "name": "B Doe"}]}',
            [ParseFailure], "name", id="nested-author",
        ),
        pytest.param(
            '{"data": [{"citingPaper": {"paperId": "a"}, "citingPaper": {"paperId": "b"}}]}',
            [ParseFailure], "citingPaper", id="wrapper",
        ),
        pytest.param(
            '{"data": [{"paperId": "a"}], "data": [{"paperId": "b"}]}',
            [ParseFailure], "data", id="response-envelope",
        ),
        pytest.param(
            'Seen on a page: {"paperId": "a", "title": "One", "title": "Two"} and more',
            [ParseFailure], "title", id="embedded",
        ),
    ],
)  # fmt: skip
def test_a_key_given_twice_with_different_values_is_a_failure_not_a_guess(
    text: str, kinds: list[type[Entry]], key: str
) -> None:
    entries = _parse(text)
    assert [type(e) for e in entries] == kinds
    failure = entries[0]
    assert isinstance(failure, ParseFailure)
    assert f'the key "{key}" is given twice' in failure.message
    assert failure.raw in text
    assert failure.raw.count(f'"{key}"') == 2


def test_a_key_given_twice_with_one_value_loses_nothing() -> None:
    (entry,) = _parse('{"paperId": "a", "title": "T", "title": "T"}')
    assert isinstance(entry, ParsedRecord)
    assert entry.record.title == "T"
