"""The MEDLINE (.nbib) parser: golden files, the traps of the format, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.formats import detect_format
from bimscli.formats.base import Sniff
from bimscli.formats.medline import FORMAT
from bimscli.model import Entry, ParsedRecord, ParseFailure, Record, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = sorted((FIXTURES / "medline").glob("*.nbib"))


def parse_text(text: str) -> list[Entry]:
    return list(FORMAT.parse_string(text))


def records(entries: list[Entry]) -> dict[str, Record]:
    return {e.source_key or "": e.record for e in entries if isinstance(e, ParsedRecord)}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    entries = parse_text(path.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, path.with_suffix(".expected.json"))


def test_biopython_sample_fields() -> None:
    found = records(parse_text((FIXTURES / "medline" / "medline-four-records.nbib").read_text()))
    assert list(found) == ["16403221", "16377612", "14871861", "14630660"]
    scop = found["16403221"]
    assert [a.display_name for a in scop.authors] == [
        "Casbon, James A",
        "Crooks, Gavin E",
        "Saqi, Mansoor A S",
    ]
    assert scop.authors[0].affiliations[0].startswith("Bioinformatics, Institute of Cell")
    assert [s.label for s in scop.abstract] == ["BACKGROUND", "RESULTS", "CONCLUSION"]
    assert scop.ids.pmcid == "PMC1373603"
    assert scop.issn == ("1471-2105",)
    info = next(m for m in scop.mesh if m.descriptor == "Information Storage and Retrieval")
    assert (info.major, [(q.name, q.major) for q in info.qualifiers]) == (
        False,
        [("methods", True)],
    )
    software = next(m for m in scop.mesh if m.descriptor == "Software")
    assert (software.major, software.qualifiers) == (True, ())
    diagram = found["16377612"]
    assert diagram.title == (
        "GenomeDiagram: a python package for the visualization of large-scale genomic data."
    )
    assert diagram.pages == "616-617"
    assert diagram.date is not None
    assert (diagram.date.year, diagram.date.month, diagram.date.day) == (2006, 3, 1)
    assert found["14871861"].pages == "1453-1454"


def test_traps() -> None:
    entries = parse_text((FIXTURES / "medline" / "traps.nbib").read_text(encoding="utf-8"))
    found = records(entries)
    first = found["31000001"]
    assert first.title is not None
    assert first.title.endswith("starts with a tag-like AU  - Fake Author text.")
    assert "ABCD - is not a tag" in first.abstract[0].text
    assert [s.label for s in first.abstract] == ["BACKGROUND", "RESULTS", "CONCLUSIONS"]
    assert [a.display_name for a in first.authors] == [
        "Smith, Jane Q",
        "Doe, John",
        "BRCA Study Group",
        "Roe, R",
    ]
    assert first.authors[0].orcid == "0000-0002-1825-009X"
    assert first.authors[0].affiliations == ("Dept A, Univ B.", "Institute C.")
    assert first.authors[1].affiliations == ("Dept D.",)
    assert first.authors[2].is_group
    assert first.date is not None
    assert (first.date.year, first.date.month, first.date.text) == (2005, 12, "2005 Dec-2006 Jan")
    assert first.type is WorkType.PREPRINT
    assert (first.ids.doi, first.ids.pii, first.article_number) == (
        "10.7554/elife.47285",
        "e472854",
        "e472854",
    )
    assert first.issn == ("2050-084X",)
    assert first.original_title == "Le titre original."
    assert first.keywords == ("breast cancer", "BRCA1")
    assert [(r.relation, r.pmid) for r in first.related] == [
        ("erratum-in", "31895039"),
        ("retraction-in", None),
        ("comment-on", "31000009"),
    ]
    humans = next(m for m in first.mesh if m.descriptor == "Humans")
    assert [(q.name, q.major) for q in humans.qualifiers] == [
        ("genetics", True),
        ("metabolism", False),
    ]
    assert found["31000002"].pages == "12-13; discussion 14"
    assert "31000005" in found


NO_PMID = "TI  - A title\nAU  - Nobody N\n\n"
GOOD = "PMID- 42\nTI  - Good record\n"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param(NO_PMID + GOOD, "without a PMID", 1, id="record-without-pmid"),
        pytest.param("PMID- 1\nnot a tag line\n\n" + GOOD, "line 2 is neither", 1,
                     id="garbage-line-in-record"),
        pytest.param("Search results\n\n" + GOOD, "line 1 is neither", 1, id="header-text"),
        pytest.param("   orphan continuation\n\n" + GOOD, "line 1 is neither", 1,
                     id="continuation-without-field"),
        pytest.param("PMID- 1\nTI  - x\n\n\n\nFAU - Only, Author\n\n" + GOOD, "without a PMID", 6,
                     id="authors-without-pmid-after-blank-lines"),
    ],
)  # fmt: skip
def test_bad_record_fails_and_the_next_one_lands(text: str, message: str, line: int) -> None:
    entries = parse_text(text)
    failures = [e for e in entries if isinstance(e, ParseFailure)]
    assert len(failures) == 1
    assert message in failures[0].message
    assert failures[0].position.line == line
    assert failures[0].raw.strip()
    assert isinstance(entries[-1], ParsedRecord)
    assert entries[-1].source_key == "42"


def test_bom_and_crlf_are_tolerated() -> None:
    text = "\ufeffPMID- 7\r\nTI  - A title that\r\n      goes on.\r\n\r\nPMID- 8\r\nTI  - Next\r\n"
    found = records(parse_text(text))
    assert found["7"].title == "A title that goes on."
    assert found["8"].title == "Next"


def test_authors_without_full_names_and_empty_author_lines() -> None:
    record = records(parse_text("PMID- 1\nAU  - de Hoon MJ\nAU  -\nAU  - Imoto S\n"))["1"]
    assert [(a.family, a.given) for a in record.authors] == [("de Hoon", "MJ"), ("Imoto", "S")]


def test_records_without_blank_line_between_them() -> None:
    assert list(records(parse_text("PMID- 1\nTI  - a\nPMID- 2\nTI  - b\n"))) == ["1", "2"]


def test_positions_count_lines_and_entries() -> None:
    entries = parse_text("\n\nPMID- 1\nTI  - a\n\nPMID- 2\n")
    assert [
        (e.position.line, e.position.entry) for e in entries if isinstance(e, ParsedRecord)
    ] == [
        (3, 1),
        (6, 2),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for _ in FORMAT.parse_string(text):
        pass


TAG_LINES = st.lists(
    st.tuples(st.sampled_from(["PMID", "TI  ", "AU  ", "FAU ", "AD  ", "MH  ", "DP  ", "PG  ",
                               "AID ", "LID ", "AUID", "CN  ", "EIN ", "", "      "]),
              st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(TAG_LINES)
def test_never_raises_on_medline_like_text(lines: list[tuple[str, str]]) -> None:
    text = "".join(
        f"{tag}- {value}\n" if tag.strip() else f"{tag}{value}\n" for tag, value in lines
    )
    for _ in FORMAT.parse_string(text):
        pass


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_detected_as_medline(path: Path) -> None:
    head = path.read_text(encoding="utf-8")[:4096]
    assert detect_format(Sniff(head, path.name)) is FORMAT


@pytest.mark.parametrize(
    "head",
    [
        pytest.param("TY  - JOUR\nTI  - x\nER  - \n", id="ris"),
        pytest.param("<PubmedArticleSet><PubmedArticle>", id="pubmed-xml"),
        pytest.param("@article{x, title={PMID- 1}}", id="bibtex"),
        pytest.param("ID,Title\n1,PMID- 2\n", id="csv"),
    ],
)
def test_does_not_claim_other_formats(head: str) -> None:
    assert FORMAT.detect(Sniff(head)) == 0.0
