"""The Crossref REST parser: golden file, mapping traps, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.formats import get_format
from bimscli.formats._jats import abstract_sections
from bimscli.formats.base import Sniff
from bimscli.model import AbstractSection, ParsedRecord, ParseFailure, Record, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CROSSREF = get_format("crossref")


def _parse_one(work: dict[str, Any]) -> Record:
    envelope = {"status": "ok", "message-type": "work", "message": work}
    entries = list(CROSSREF.parse_string(json.dumps(envelope)))
    assert len(entries) == 1
    entry = entries[0]
    assert isinstance(entry, ParsedRecord), entry
    return entry.record


def test_golden_plos_one_work() -> None:
    path = FIXTURES / "crossref" / "works-one-doi.json"
    entries = list(CROSSREF.parse_string(path.read_text(encoding="utf-8")))
    assert_entries_match_golden(entries, path.with_suffix(".expected.json"))


def test_plos_one_work_fields() -> None:
    text = (FIXTURES / "crossref" / "works-one-doi.json").read_text(encoding="utf-8")
    (entry,) = CROSSREF.parse_string(text)
    assert isinstance(entry, ParsedRecord)
    record = entry.record
    assert entry.source_key == "10.1371/journal.pone.0033693"
    assert [a.family for a in record.authors][:2] == ["Sadasivan", "Pond"]
    assert len(record.authors) == 6
    # The editor is not an author.
    assert "Borlongan" not in {a.family for a in record.authors}
    assert record.journal == "PLoS ONE"
    assert (record.volume, record.issue, record.pages) == ("7", "3", "e33693")
    assert record.issn == ("1932-6203",)
    assert record.date is not None
    assert record.date.iso == "2012-03-21"
    assert len(record.cited_references) == 70
    assert [r.relation for r in record.related] == ["erratum-in"]


def test_detects_crossref_envelope_not_other_json() -> None:
    head = '{"status":"ok","message-type":"work","message":{"DOI":"10.1/x"}}'
    assert CROSSREF.detect(Sniff(head)) > 0.9
    assert CROSSREF.detect(Sniff('{"paperId": "abc", "title": "x"}')) == 0.0
    assert CROSSREF.detect(Sniff("TY  - JOUR")) == 0.0


def test_structured_jats_abstract_becomes_labelled_sections() -> None:
    abstract = (
        "<jats:title>Abstract</jats:title>"
        "<jats:sec><jats:title>Background</jats:title>"
        "<jats:p>Patients with <jats:italic>multiple myeloma</jats:italic> tire.</jats:p>"
        "</jats:sec>"
        "<jats:sec><jats:title>Methods:</jats:title><jats:p>A scoping review.</jats:p>"
        "<jats:p>PRISMA-ScR.</jats:p></jats:sec>"
    )
    record = _parse_one({"DOI": "10.1/x", "abstract": abstract})
    assert record.abstract == (
        AbstractSection("Patients with multiple myeloma tire.", "Background"),
        AbstractSection("A scoping review.\nPRISMA-ScR.", "Methods"),
    )


def test_plain_jats_paragraphs_and_html_entities() -> None:
    abstract = "<jats:p>One&nbsp;&amp; two &lt; 3 & p < 0.05.</jats:p><jats:p>Three.</jats:p>"
    record = _parse_one({"abstract": abstract})
    assert record.abstract == (
        AbstractSection("One & two < 3 & p < 0.05."),
        AbstractSection("Three."),
    )


def test_abstract_entities_are_not_expanded() -> None:
    evil = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><jats:p>&e;text</jats:p>'
    record = _parse_one({"abstract": evil})
    assert "root:" not in record.abstract_text
    assert "text" in record.abstract_text


def test_broken_abstract_markup_keeps_its_text() -> None:
    record = _parse_one({"abstract": "<jats:p>Unclosed <jats:italic>tag and text"})
    assert "Unclosed" in record.abstract_text
    assert "tag and text" in record.abstract_text


def test_authors_orcid_group_and_affiliation() -> None:
    record = _parse_one(
        {
            "author": [
                {
                    "given": "Jane",
                    "family": "Doe",
                    "ORCID": "https://orcid.org/0000-0002-1825-009x",
                    "authenticated-orcid": True,
                    "affiliation": [{"name": "Johns  Hopkins Hospital"}, {"name": ""}],
                },
                {"name": "AO Spine Knowledge Forum Tumor", "sequence": "additional"},
                {"sequence": "additional", "affiliation": []},
            ]
        }
    )
    doe, group = record.authors
    assert (doe.family, doe.given, doe.orcid) == ("Doe", "Jane", "0000-0002-1825-009X")
    assert doe.affiliations == ("Johns Hopkins Hospital",)
    assert group.group == "AO Spine Knowledge Forum Tumor"
    assert group.family is None


def test_dates_print_and_online_are_kept_apart() -> None:
    record = _parse_one(
        {
            "issued": {"date-parts": [[2025, 5, 22]]},
            "published-online": {"date-parts": [[2025, 5, 22]]},
            "published-print": {"date-parts": [[2025, 6]]},
        }
    )
    assert record.date is not None
    assert record.date.iso == "2025-06"
    assert record.epub_date is not None
    assert record.epub_date.iso == "2025-05-22"


def test_missing_print_date_falls_back_to_issued() -> None:
    record = _parse_one({"issued": {"date-parts": [[2025, 6, 9]]}})
    assert record.date is not None
    assert record.date.iso == "2025-06-09"
    assert record.epub_date is None


def test_unknown_date_parts_are_no_date() -> None:
    assert _parse_one({"issued": {"date-parts": [[None]]}}).date is None


@pytest.mark.parametrize(
    ("kind", "subtype", "expected"),
    [
        pytest.param("journal-article", None, WorkType.JOURNAL_ARTICLE, id="article"),
        pytest.param("posted-content", "preprint", WorkType.PREPRINT, id="preprint"),
        pytest.param("posted-content", "other", WorkType.OTHER, id="posted-other"),
        pytest.param("book-chapter", None, WorkType.BOOK_CHAPTER, id="chapter"),
        pytest.param("proceedings-article", None, WorkType.CONFERENCE_PAPER, id="proceedings"),
        pytest.param("peer-review", None, WorkType.OTHER, id="peer-review"),
    ],
)
def test_work_types(kind: str, subtype: str | None, expected: WorkType) -> None:
    work: dict[str, Any] = {"type": kind}
    if subtype:
        work["subtype"] = subtype
    record = _parse_one(work)
    assert record.type is expected
    assert ("crossref-type", kind) in record.extra


def test_title_subtitle_markup_and_identifiers() -> None:
    record = _parse_one(
        {
            "DOI": "10.3390/IJMS26115223",
            "title": ["Radiotherapy and <i>cancer</i>  pain"],
            "subtitle": ["a review"],
            "container-title": ["International Journal of Molecular Sciences"],
            "short-container-title": ["IJMS"],
            "ISSN": ["1422-0067", "14220067", "bad"],
            "article-number": "5223",
            "URL": "https://doi.org/10.3390/ijms26115223",
        }
    )
    assert record.title == "Radiotherapy and cancer pain: a review"
    assert record.ids.doi == "10.3390/ijms26115223"
    assert record.ids.url == "https://doi.org/10.3390/ijms26115223"
    assert record.issn == ("1422-0067",)
    assert record.article_number == "5223"
    assert record.journal_abbrev == "IJMS"


def test_relations_and_updates() -> None:
    record = _parse_one(
        {
            "relation": {
                "is-preprint-of": [
                    {"id-type": "doi", "id": "10.1101/2024.01.PUB", "asserted-by": "subject"}
                ],
                "has-review": [{"id-type": "uri", "id": "https://example.org/r"}],
            },
            "update-to": [{"DOI": "10.1234/orig", "type": "retraction", "label": "Retraction"}],
        }
    )
    assert [(r.relation, r.doi, r.citation) for r in record.related] == [
        ("has-review", None, "uri:https://example.org/r"),
        ("preprint-of", "10.1101/2024.01.pub", None),
        ("retraction-of", "10.1234/orig", "Retraction"),
    ]


def test_work_list_yields_each_item_and_keeps_bad_items() -> None:
    text = json.dumps(
        {
            "status": "ok",
            "message-type": "work-list",
            "message": {"items": [{"DOI": "10.1/a"}, "not a work", {"DOI": "10.1/b"}]},
        }
    )
    entries = list(CROSSREF.parse_string(text))
    assert [type(e) for e in entries] == [ParsedRecord, ParseFailure, ParsedRecord]
    assert [e.position.entry for e in entries if isinstance(e, ParsedRecord)] == [1, 3]


def test_bare_work_object() -> None:
    (entry,) = CROSSREF.parse_string('{"DOI": "10.1/a", "title": ["T"]}')
    assert isinstance(entry, ParsedRecord)
    assert entry.record.title == "T"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('{"status": "ok", "message": ', "malformed Crossref JSON", id="truncated"),
        pytest.param("Resource not found.", "malformed Crossref JSON", id="404-body"),
        pytest.param("[1, 2]", "not an object", id="array"),
        pytest.param(
            '{"status": "error", "message-type": "validation-failure", "message": [{"v": 1}]}',
            "Crossref reported an error",
            id="error-envelope",
        ),
        pytest.param('{"other": 1}', "not a Crossref work", id="unrelated-object"),
        pytest.param(
            '{"status": "ok", "message-type": "work-list", "message": {}}',
            "without items",
            id="list-without-items",
        ),
    ],
)
def test_bad_input_is_one_failure_with_raw_text(text: str, message: str) -> None:
    (entry,) = CROSSREF.parse_string(text)
    assert isinstance(entry, ParseFailure)
    assert message in entry.message
    assert entry.raw == text


@given(st.text(max_size=300))
def test_parser_never_raises_on_text(text: str) -> None:
    for entry in CROSSREF.parse_string(text):
        assert entry is not None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "DOI",
                    "title",
                    "author",
                    "issued",
                    "date-parts",
                    "abstract",
                    "relation",
                    "update-to",
                    "ISSN",
                    "page",
                    "name",
                    "family",
                    "ORCID",
                    "affiliation",
                    "reference",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@given(json_values)
def test_parser_never_raises_on_odd_work_objects(work: object) -> None:
    text = json.dumps({"status": "ok", "message-type": "work", "message": work})
    entries = list(CROSSREF.parse_string(text))
    assert len(entries) == 1


@given(st.text(max_size=200))
def test_abstract_markup_reader_never_raises(fragment: str) -> None:
    for section in abstract_sections(fragment):
        assert section.text


@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=200))
def test_abstract_without_markup_keeps_all_its_words(text: str) -> None:
    words = " ".join(text.split())
    assert " ".join(s.text for s in abstract_sections(text)) == words


def test_a_key_given_twice_with_different_values_is_a_failure_not_a_guess() -> None:
    work = '{"DOI": "10.1/a", "title": ["Bone pain"], "title": ["Bone pain relief"]}'
    good = '{"DOI": "10.1/b", "title": ["Second"]}'
    text = f'{{"message-type": "work-list", "message": {{"items": [{work}, {good}]}}}}'
    failure, record = CROSSREF.parse_string(text)
    assert isinstance(failure, ParseFailure)
    assert 'the key "title" is given twice' in failure.message
    assert "Bone pain relief" in failure.raw  # the input keeps both values
    assert isinstance(record, ParsedRecord)
    assert record.record.title == "Second"
    envelope = f'{{"message-type": "work", "message": {good}, "message": {work}}}'
    (whole,) = CROSSREF.parse_string(envelope)
    assert isinstance(whole, ParseFailure)
    assert 'the key "message" is given twice' in whole.message
    assert whole.raw == envelope
