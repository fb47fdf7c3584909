"""Tests of the CSL-JSON parser: golden files, Zotero and pandoc traps, bad items, coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bimscli.formats import detect_format
from bimscli.formats.base import Sniff
from bimscli.formats.csl_json import FORMAT, detect_csl_json
from bimscli.model import Author, ParsedRecord, ParseFailure, PartialDate, WorkType
from tests.formats.field_coverage import missing_fields
from tests.golden import FIXTURES, assert_entries_match_golden

CSL_DIR = FIXTURES / "csl-json"
CASES = sorted(p for p in CSL_DIR.glob("*.json") if not p.name.endswith(".expected.json"))


def _records(name: str) -> list[ParsedRecord]:
    entries = FORMAT.parse_string((CSL_DIR / name).read_text(encoding="utf-8"))
    return [e for e in entries if isinstance(e, ParsedRecord)]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    entries = FORMAT.parse_string(path.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, path.with_name(f"{path.stem}.expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_detected_as_csl_json(path: Path) -> None:
    head = path.read_text(encoding="utf-8")[:4096]
    assert detect_format(Sniff(head, path.name)) is FORMAT


def test_zotero_traps() -> None:
    article, chapter, numbered = (r.record for r in _records("zotero.json"))
    assert article.date == PartialDate(2021, 6, 1)  # "2021" as a string in date-parts
    assert article.ids.pmid == "33797627"  # from note
    assert article.ids.pmcid == "PMC8123456"  # from note
    assert article.note is None  # nothing else was in the note
    assert article.journal_abbrev == "Curr Opin Support Palliat Care"  # journalAbbreviation
    assert article.authors[1] == Author(family="van der Linden", given="Yvette M.")
    assert article.authors[2] == Author(group="AO Spine Knowledge Forum Tumor")  # literal
    assert ("title-short", "Palliative radiotherapy in bone metastases") in article.extra
    assert chapter.type is WorkType.BOOK_CHAPTER
    assert chapter.pages == "233-251"  # en dash
    assert chapter.authors[1].suffix == "Jr."
    assert chapter.ids.isbn == ("9783031123456",)
    assert numbered.article_number == "e71196"  # CSL number of a journal article
    assert numbered.keywords == ("rehabilitation", "spinal metastases", "surgery")


def test_pandoc_traps() -> None:
    first, second, report, preprint = _records("pandoc.json")
    assert first.source_key == "benhabib2021"
    assert first.record.authors[1] == Author(family="Souza", given="Ana de")  # dropping
    assert first.record.authors[2] == Author(family="von Neumann", given="John")
    assert first.record.keywords == ("bone metastases", "palliative radiotherapy")
    assert second.record.date == PartialDate(2022, 3, 1)  # issued as a string
    assert report.record.date == PartialDate(2019, text="Spring 2019")  # literal
    assert report.record.type is WorkType.REPORT
    assert ("number", "WHO/NMH/19.1") in report.record.extra  # not an article number
    assert preprint.record.type is WorkType.PREPRINT  # CSL "article"
    assert preprint.record.date == PartialDate(2024, 11)  # raw


def test_single_item() -> None:
    (item,) = _records("single-item.json")
    assert item.position.line == 1
    assert item.position.entry == 1
    assert item.record.volume == "14"  # a number in the JSON
    assert item.record.issn == ("1932-2259", "1932-2267")  # a list
    assert item.record.article_number == "e1021"
    assert item.record.pages is None
    assert ("custom-field", "kept in extra") in item.record.extra


def test_date_range_is_kept() -> None:
    issued = {"date-parts": [[2021, 6], [2021, 7]], "circa": True}
    (entry,) = FORMAT.parse_string(json.dumps({"id": "x", "issued": issued}))
    assert isinstance(entry, ParsedRecord)
    assert entry.record.date == PartialDate(2021, 6)
    assert entry.record.extra == (("issued", json.dumps(issued)),)


def test_unreadable_names_are_kept() -> None:
    text = '[{"id": "x", "author": [{"family": "Good"}, 42, {"given": ""}, "Group"]}]'
    (entry,) = FORMAT.parse_string(text)
    assert isinstance(entry, ParsedRecord)
    assert entry.record.authors == (Author(family="Good"), Author(group="Group"))
    assert entry.record.extra == (("author", "42"), ("author", '{"given": ""}'))


def test_bad_items_fail_alone() -> None:
    entries = list(FORMAT.parse_string((CSL_DIR / "broken-items.json").read_text("utf-8")))
    summary = [
        (type(e).__name__, e.position.entry, e.position.line)  # type: ignore[union-attr]
        for e in entries
    ]
    assert summary == [
        ("ParsedRecord", 1, 2),
        ("ParseFailure", 2, 3),
        ("ParseFailure", 3, 4),
        ("ParsedRecord", 4, 6),
    ]
    assert isinstance(entries[2], ParseFailure)
    assert "twenty-twenty" in entries[2].message
    assert '"baddate"' in entries[2].raw


GOOD = '{"id": "g", "type": "book", "title": "Good"}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[]", [], id="empty-array"),
        pytest.param("", [("failure", 1)], id="empty-text"),
        pytest.param("not json at all", [("failure", 1)], id="not-json"),
        pytest.param(f"[{GOOD}, 42, {GOOD}]", ["record", "failure", "record"], id="number-item"),
        pytest.param(f"[{GOOD},\n{GOOD}\n{GOOD}]", ["record", "record", "failure"], id="no-comma"),
        pytest.param(f'[{GOOD},\n{{"id": ', ["record", ("failure", 2)], id="truncated"),
        pytest.param(f"{GOOD} trailing", ["record", "failure"], id="text-after-item"),
        pytest.param(
            '[{"id": "x", "issued": {"date-parts": "2020"}}]', ["failure"], id="date-parts-string"
        ),
        pytest.param('[{"id": "x", "issued": "sometime"}]', ["failure"], id="date-without-year"),
        pytest.param('[{"id": "x", "issued": {"date-parts": [[]]}}]', ["record"], id="no-parts"),
        pytest.param('[{"id": "x", "author": [1, {"family": ""}]}]', ["record"], id="odd-names"),
        pytest.param("[" * 5000, [("failure", 1)], id="deeply-nested"),
    ],
)
def test_bad_input(text: str, expected: list[str | tuple[str, int]]) -> None:
    entries = list(FORMAT.parse_string(text))
    kinds = ["record" if isinstance(e, ParsedRecord) else "failure" for e in entries]
    assert kinds == [k if isinstance(k, str) else k[0] for k in expected]
    for entry, wanted in zip(entries, expected, strict=True):
        if isinstance(wanted, tuple):
            assert entry.position.line == wanted[1]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(
            '{"paperId": "649def34", "externalIds": {"DOI": "10.1/x"}, "title": "T", '
            '"type": "article", "id": 1}',
            id="semantic-scholar",
        ),
        pytest.param(
            '{"status": "ok", "message-type": "work", "message": {"type": "journal-article", '
            '"title": ["T"], "id": 1}}',
            id="crossref",
        ),
        pytest.param('{"name": "bims", "version": "1.0"}', id="package-json"),
    ],
)
def test_not_claimed(head: str) -> None:
    assert detect_csl_json(Sniff(head, "x.json")) < 0.5


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_field_kept(path: Path) -> None:
    """CSL-JSON written by other tools -> ingest -> every key's value is in the record."""
    for entry in FORMAT.parse_string(path.read_text(encoding="utf-8")):
        if not isinstance(entry, ParsedRecord):
            continue
        item = json.loads(entry.raw)
        leaves = [(key, leaf) for key, value in item.items() for leaf in _leaves(value)]
        fields = [(k, v) for k, v in leaves if k != "type"]  # the type is the work type
        assert missing_fields(entry, fields) == []


def _leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [str(value)]


def test_a_key_given_twice_with_different_values_fails_its_item_only() -> None:
    text = (
        f'[{GOOD},\n{{"id": "x", "title": "First title", "title": "Second title"}},\n'
        f'{{"id": "y", "author": [{{"family": "Roe", "family": "Doe"}}]}},\n'
        f'{{"id": "z", "title": "Same", "title": "Same"}}]'
    )
    entries = list(FORMAT.parse_string(text))
    assert [type(e).__name__ for e in entries] == [
        "ParsedRecord", "ParseFailure", "ParseFailure", "ParsedRecord"
    ]  # fmt: skip
    title, family = entries[1], entries[2]
    assert isinstance(title, ParseFailure)
    assert isinstance(family, ParseFailure)
    assert 'the key "title" is given twice, as "First title" and as "Second title"' in (
        title.message
    )
    assert "First title" in title.raw
    assert "Second title" in title.raw
    assert (title.position.entry, title.position.line) == (2, 2)
    assert '"family"' in family.message
    same = entries[3]
    assert isinstance(same, ParsedRecord)
    assert same.record.title == "Same"
