"""Matching queries against records: folding, word boundaries, every field, explanations."""

from __future__ import annotations

import pytest

from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    Record,
)
from bimscli.query import QueryError, Search, explain_query, parse_query
from bimscli.query.fields import Source

RECORD = Record(
    title="Stereotactic Body Radiotherapy for Spinal Métastases: Quality-of-Life Outcomes",
    abstract=(
        AbstractSection("Patients with painful bone metastases received SBRT.", "BACKGROUND"),
        AbstractSection("Health related quality of life improved; pain decreased.", "RESULTS"),
    ),
    keywords=("spinal cord compression", "radiotherapy", "pain"),
    mesh=(
        MeshHeading("Spinal Neoplasms", major=True, qualifiers=(MeshQualifier("radiotherapy"),)),
        MeshHeading("Quality of Life"),
        MeshHeading("Humans"),
    ),
    publication_types=("Journal Article", "Randomized Controlled Trial"),
    journal="International Journal of Radiation Oncology, Biology, Physics",
    journal_abbrev="Int J Radiat Oncol Biol Phys",
    issn=("0360-3016",),
    authors=(Author(family="Sahgal", given="Arjun"), Author(family="Smith", given="JA")),
    date=PartialDate(2021, 6, 4),
    language="eng",
    ids=Identifiers(doi="10.1016/j.ijrobp.2021.01.001", pmid="33636361"),
)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("radiotherapy[ti]", id="case-insensitive"),
        pytest.param("metastases[ti]", id="accent-folded-text"),
        pytest.param("métastases[ti]", id="accent-folded-query"),
        pytest.param('"quality of life"[ti]', id="hyphen-in-text-is-space"),
        pytest.param("quality-of-life[ab]", id="hyphen-in-query-is-space"),
        pytest.param("health-related[ab]", id="space-in-text-is-hyphen"),
        pytest.param("radiotherap*[ti]", id="truncation"),
        pytest.param('"stereotactic body radio*"[ti]', id="truncated-phrase"),
        pytest.param("painful[ab]", id="whole-word"),
        pytest.param("pain[ot] AND compression[kw]", id="keywords"),
        pytest.param("sbrt[tiab]", id="tiab-abstract"),
        pytest.param('"spinal cord compression"[tiab]', id="tiab-includes-keywords"),
        pytest.param("humans[tw]", id="tw-includes-mesh-words"),
        pytest.param("randomized[tw]", id="tw-includes-publication-types"),
        pytest.param("physics", id="no-tag-includes-journal-words"),
        pytest.param('"Spinal Neoplasms"[mh]', id="mesh-heading"),
        pytest.param('"spinal neoplasms/radiotherapy"[mh]', id="mesh-with-qualifier"),
        pytest.param('"Quality of Life"[mh:noexp]', id="mesh-noexp"),
        pytest.param("spinal*[mh]", id="mesh-truncated"),
        pytest.param('"Spinal Neoplasms"[majr]', id="major-topic"),
        pytest.param('"randomized controlled trial"[pt]', id="publication-type"),
        pytest.param('"Int J Radiat Oncol Biol Phys"[ta]', id="journal-abbreviation"),
        pytest.param(
            '"International Journal of Radiation Oncology, Biology, Physics"[journal]',
            id="journal-title",
        ),
        pytest.param("0360-3016[ta]", id="journal-issn"),
        pytest.param("sahgal a[au]", id="author-initials"),
        pytest.param("sahgal[au]", id="author-family"),
        pytest.param("smith j[au]", id="author-initial-prefix"),
        pytest.param("2021[dp]", id="year"),
        pytest.param("2021/06[dp]", id="month"),
        pytest.param("2020:2022[dp]", id="range"),
        pytest.param("2021/06/01:2021/06/30[dp]", id="day-range"),
        pytest.param("english[la] AND eng[la]", id="language"),
        pytest.param("https://doi.org/10.1016/J.IJROBP.2021.01.001[doi]", id="doi-normalised"),
        pytest.param("33636361[pmid]", id="pmid"),
        pytest.param("radiotherapy NOT surgery", id="not"),
    ],
)
def test_matches(query: str) -> None:
    assert Search(query).matches(RECORD)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("pain[ti]", id="field-restricted"),
        pytest.param("paint[ab]", id="no-substring"),
        pytest.param("metastasis[ab]", id="no-stemming"),
        pytest.param("therap*[ot]", id="truncation-only-at-word-start"),
        pytest.param('"cord compression radiotherapy"[ot]', id="no-phrase-across-keywords"),
        pytest.param('"received sbrt patients"[ab]', id="phrase-order"),
        pytest.param("neoplasms[mh]", id="mesh-is-whole-heading-no-explosion"),
        pytest.param('"Quality of Life"[majr]', id="not-major"),
        pytest.param("humans[tiab]", id="tiab-excludes-mesh"),
        pytest.param("journal[tiab]", id="tiab-excludes-journal"),
        pytest.param("smithson[au]", id="author-whole-family-name"),
        pytest.param("sahgal b[au]", id="author-wrong-initial"),
        pytest.param("2022[dp]", id="other-year"),
        pytest.param("2021/07:2022[dp]", id="range-after"),
        pytest.param("french[la]", id="other-language"),
        pytest.param("10.1000/other[doi]", id="other-doi"),
        pytest.param("radiotherapy NOT pain", id="not-excludes"),
        pytest.param("design[tag]", id="no-tags"),
    ],
)
def test_does_not_match(query: str) -> None:
    assert not Search(query).matches(RECORD)


_SPLIT = Record(
    title="Outcomes of bone",
    abstract=(AbstractSection("metastases treated with spinal"),),
    keywords=("cord", "compression surgery"),
)
"""Phrases whose words sit in two sources or two values of the same field group."""


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('"bone metastases"[tiab]', id="title-then-abstract"),
        pytest.param('"spinal cord"[tiab]', id="abstract-then-keywords"),
        pytest.param('"cord compression"[tiab]', id="two-keywords"),
        pytest.param('"bone metasta*"[tiab]', id="truncated-across-sources"),
    ],
)
def test_a_phrase_never_spans_two_values(query: str) -> None:
    """One pass reads the title, abstract and keywords together; a phrase stays in one value."""
    assert not Search(query).matches(_SPLIT)
    assert Search(query.replace('"', "").replace("[tiab]", "").split()[0] + "[tiab]").matches(
        _SPLIT
    )


def test_truncation_respects_word_starts() -> None:
    record = Record(title="Preradiotherapy imaging and radiotherapeutic planning")
    assert Search("radiotherap*[ti]").matches(record)  # "radiotherapeutic"
    assert not Search("radiotherapy[ti]").matches(record)  # "Preradiotherapy" is another word


def test_tags_match_themselves_and_their_children() -> None:
    search = Search("design[tag] AND treatment/surgery[tag]")
    assert search.matches(Record(), tags={"design/rct", "treatment/surgery"})
    assert not search.matches(Record(), tags={"design/rct", "treatment/surgery-free"})
    assert Search("treat*[tag]").matches(Record(), tags={"treatment/x"})


def test_a_term_without_letters_is_an_error_at_its_position() -> None:
    with pytest.raises(QueryError) as caught:
        Search("pain OR --[tiab]")
    assert caught.value.position == 8


def test_explain_gives_spans_in_the_original_text() -> None:
    query = parse_query("quality-of-life[ti] OR métastases[ti] OR pain[ab] NOT humans[mh]")
    spans = explain_query(query, RECORD)
    texts = [(s.source, s.text) for s in spans]
    assert (Source.TITLE, "Quality-of-Life") in texts
    assert (Source.TITLE, "Métastases") in texts
    assert (Source.ABSTRACT, "pain") in texts
    assert all(s.value[s.start : s.end] == s.text for s in spans)
    # The right side of NOT is not a reason for a match.
    assert all(s.source is not Source.MESH for s in spans)
    # "painful" is not "pain": only the whole word is a span.
    assert [s.text for s in spans if s.source is Source.ABSTRACT] == ["pain"]


def test_explain_maps_spans_through_length_changing_folds() -> None:
    record = Record(title="Die Straße zur ﬁnalen Therapie")
    spans = explain_query(parse_query("finalen[ti] OR therapie[ti]"), record)
    assert [s.text for s in spans] == ["ﬁnalen", "Therapie"]


def test_explain_whole_values() -> None:
    query = parse_query('"Spinal Neoplasms"[majr] OR smith[au] OR 2021[dp] OR design[tag]')
    spans = explain_query(query, RECORD, tags={"design/rct"})
    assert [(s.source, s.text) for s in spans] == [
        (Source.MAJOR_MESH, "Spinal Neoplasms"),
        (Source.AUTHOR, "Smith, JA"),
        (Source.DATE, "2021-06-04"),
        (Source.TAG, "design/rct"),
    ]
