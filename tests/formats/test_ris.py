"""Tests of the RIS parser: golden files, traps of each exporter, bad input, field coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.formats import detect_format
from bimscli.formats.base import Sniff
from bimscli.formats.ris import FORMAT, split_ris_tag
from bimscli.model import Author, ParsedRecord, ParseFailure, PartialDate, WorkType
from tests.formats.field_coverage import missing_fields
from tests.golden import FIXTURES, assert_entries_match_golden

RIS_DIR = FIXTURES / "ris"
CASES = sorted(RIS_DIR.glob("*.ris"))


def _read(path: Path) -> str:
    # newline="" keeps CRLF as the file has it; the parser must cope.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _records(name: str) -> list[ParsedRecord]:
    entries = list(FORMAT.parse_string(_read(RIS_DIR / name)))
    return [e for e in entries if isinstance(e, ParsedRecord)]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    entries = FORMAT.parse_string(_read(path))
    assert_entries_match_golden(entries, path.with_suffix(".expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_detected_as_ris(path: Path) -> None:
    assert detect_format(Sniff(_read(path)[:4096], path.name)) is FORMAT


def test_zotero_traps() -> None:
    article, chapter, web_page = (r.record for r in _records("zotero.ris"))
    assert article.journal == "Current Opinion in Supportive and Palliative Care"  # T2
    assert article.journal_abbrev == "Curr Opin Support Palliat Care"  # J2
    assert article.pages == "91-98"  # a whole range in SP
    assert article.date == PartialDate(2021, 6, 1)  # DA refines PY
    assert article.ids.pmcid == "PMC8123456"  # C2
    assert article.ids.pmid == "33797627"  # AN with DP PubMed
    assert article.authors[2] == Author(family="van der Linden", given="Yvette M.")
    assert article.authors[3] == Author(group="AO Spine Knowledge Forum Tumor")
    assert article.abstract[0].text.count("\n") == 1  # the continuation line is kept
    assert ("ST", "Palliative radiotherapy in bone metastases") in article.extra
    assert chapter.type is WorkType.BOOK_CHAPTER
    assert chapter.journal == "Spine Oncology: Principles and Practice"  # T2 is the book
    assert chapter.authors[1] == Author(family="Smith", given="John", suffix="Jr.")
    assert ("A2", "Fisher, Charles G.") in chapter.extra  # an editor is not an author
    assert chapter.ids.isbn == ("9783031123456",)
    assert web_page.type is WorkType.WEB_PAGE
    assert web_page.authors == (Author(group="World Health Organization"),)


def test_embase_traps() -> None:
    first, second = _records("embase.ris")
    assert first.source_key == "2011345678"
    assert first.record.authors[0] == Author(family="Benhabib", given="H.")
    assert first.record.journal_abbrev == "Curr. Opin. Support. Palliative Care"
    assert first.record.issn == ("1751-4266", "1751-4258")
    assert first.record.abstract[0].text.startswith("Purpose of review")  # N2
    assert first.record.ids.pmid is None  # DB Embase + Medline: no AN guessed as PMID
    assert second.record.article_number == "e71196"
    assert second.record.pages is None
    assert second.record.ids.doi == "10.1007/s00520-022-07001-2"  # from L2, DO absent


def test_scopus_traps() -> None:
    first, second = (r.record for r in _records("scopus.ris"))
    assert first.ids.pmid == "33797627"  # C2 holds the PubMed id in Scopus exports
    assert first.ids.pmcid is None
    assert first.issn == ("1751-4258",)
    assert second.article_number == "e71196"  # C7


def test_rayyan_traps() -> None:
    first, second = _records("rayyan.ris")
    assert first.record.ids.doi == "10.1097/spc.0000000000000548"  # from UR, DO absent
    assert "RAYYAN-INCLUSION" in (first.record.note or "")
    assert second.record.ids.pmid == "31999999"  # from a PubMed UR


def test_bom_and_crlf() -> None:
    text = _read(RIS_DIR / "endnote-bom-crlf.ris")
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    first, second = _records("endnote-bom-crlf.ris")
    assert first.record.title == (
        "Impact of palliative radiotherapy on pain and function in bone metastases"
    )
    assert first.record.date == PartialDate(2021, 6, 1)
    assert first.record.journal_abbrev == "Curr Opin Support Palliat Care"  # JO beside JF
    assert first.record.language == "eng"  # "LA - eng" with one space
    assert first.record.ids.pmid == "33797627"  # AN with DP NLM
    assert first.record.ids.doi == "10.1097/spc.0000000000000548"  # from M3
    assert first.record.epub_date == PartialDate(2021, 3, 31)  # ET of a journal article
    assert second.record.ids.doi == "10.1016/j.ijrobp.2021.10.012"
    assert second.record.ids.pmcid == "PMC9012345"  # C2
    assert second.record.article_number == "101886"  # C7
    assert ("ET", "2") in second.record.extra  # an edition number, not a date
    assert ("TY", "JFULL") in second.record.extra


def test_missing_er_loses_no_following_record() -> None:
    entries = list(FORMAT.parse_string(_read(RIS_DIR / "missing-er.ris")))
    kinds = [(type(e).__name__, e.position.line) for e in entries]  # type: ignore[union-attr]
    assert kinds == [
        ("ParsedRecord", 1),
        ("ParseFailure", 7),
        ("ParsedRecord", 12),
        ("ParseFailure", 18),
    ]
    failure = entries[1]
    assert isinstance(failure, ParseFailure)
    assert "A record whose ER line was lost" in failure.raw
    assert "TY" not in failure.raw.splitlines()[-1]  # the next record is not swallowed


GOOD = "TY  - JOUR\nTI  - Good\nER  - \n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [], id="empty-file"),
        pytest.param("\n\n  \n", [], id="blank-lines-only"),
        pytest.param(
            "TY  - JOUR\nTI  - No end\n" + GOOD,
            [("failure", 1), ("record", 3)],
            id="missing-er-before-next-ty",
        ),
        pytest.param(GOOD + "TY  - JOUR\nTI  - Cut", [("record", 1), ("failure", 4)], id="eof"),
        pytest.param(
            "Exported from a database\n" + GOOD,
            [("failure", 1), ("record", 2)],
            id="stray-text-before-first-record",
        ),
        pytest.param("ER  - \n" + GOOD, [("failure", 1), ("record", 2)], id="er-without-ty"),
        pytest.param("TY  - \nER  - \n", [("record", 1)], id="empty-type"),
        pytest.param("\x00\x01\ufffd", [("failure", 1)], id="binary-noise"),
    ],
)
def test_bad_input(text: str, expected: list[tuple[str, int]]) -> None:
    entries = list(FORMAT.parse_string(text))
    got = [
        ("record" if isinstance(e, ParsedRecord) else "failure", e.position.line)  # type: ignore[union-attr]
        for e in entries
    ]
    assert got == expected
    assert [e.position.entry for e in entries] == list(range(1, len(entries) + 1))  # type: ignore[union-attr]


def test_tag_line_forms() -> None:
    assert split_ris_tag("ER  -") == ("ER", "")
    assert split_ris_tag("AU -Smith, J") == ("AU", "Smith, J")
    assert split_ris_tag("  continuation") is None
    assert split_ris_tag("US - based cohort") is None  # unknown tag, one space: text


def test_pubmed_links_give_ids() -> None:
    text = (
        "TY  - JOUR\nUR  - http://dx.doi.org/10.1016/j.jbc.2022.101886\n"
        "UR  - https://www.ncbi.nlm.nih.gov/pubmed/35367415\n"
        "UR  - https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9097458\nER  - \n"
    )
    (entry,) = FORMAT.parse_string(text)
    assert isinstance(entry, ParsedRecord)
    ids = entry.record.ids
    assert (ids.doi, ids.pmid, ids.pmcid) == ("10.1016/j.jbc.2022.101886", "35367415", "PMC9097458")
    assert ids.url == "http://dx.doi.org/10.1016/j.jbc.2022.101886"
    assert ("UR", "https://www.ncbi.nlm.nih.gov/pubmed/35367415") in ids.other  # kept


@pytest.mark.parametrize(
    ("lines", "pmid", "other"),
    [
        pytest.param("AN  - PMID:35123456\nDB  - Embase", "35123456", (), id="labelled-pmid"),
        pytest.param("AN  - L2015467890\nDB  - Embase", None, (("embase", "L2015467890"),),
                     id="embase-accession"),
        pytest.param("AN  - 33499930\nDB  - PubMed", "33499930", (), id="pubmed-an"),
        pytest.param("AN  - 33499930\nDB  - Web of Science", None, (("AN", "33499930"),),
                     id="digits-alone-are-no-pmid"),
        pytest.param("AN  - 33499930\nDB  - Embase\nDB  - Medline", None,
                     (("embase", "33499930"),), id="embase-medline-is-no-pubmed"),
    ],
)  # fmt: skip
def test_accession_number(lines: str, pmid: str | None, other: tuple[tuple[str, str], ...]) -> None:
    (entry,) = FORMAT.parse_string(f"TY  - JOUR\n{lines}\nER  - \n")
    assert isinstance(entry, ParsedRecord)
    assert entry.record.ids.pmid == pmid
    assert entry.record.ids.other == other


def test_year_forms() -> None:
    text = "".join(
        f"TY  - JOUR\nPY  - {year}\nER  - \n" for year in ("2021", "2021///", "2021/06/01/")
    )
    dates = [e.record.date for e in FORMAT.parse_string(text) if isinstance(e, ParsedRecord)]
    assert dates == [PartialDate(2021), PartialDate(2021), PartialDate(2021, 6, 1)]


def test_unreadable_year_is_kept() -> None:
    (entry,) = FORMAT.parse_string("TY  - JOUR\nPY  - in press\nER  - \n")
    assert isinstance(entry, ParsedRecord)
    assert entry.record.date is None
    assert ("PY", "in press") in entry.record.extra


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_field_kept(path: Path) -> None:
    """RIS written by other tools -> ingest -> every tag's value is somewhere in the record."""
    for entry in FORMAT.parse_string(_read(path)):
        if not isinstance(entry, ParsedRecord):
            continue
        fields = [split_ris_tag(line) for line in entry.raw.splitlines()]
        values = [f for f in fields if f is not None and f[0] not in ("TY", "ER")]
        assert values, entry.raw
        assert missing_fields(entry, values) == []
