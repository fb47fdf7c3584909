"""Tests of the web-article parser: HTML metadata, copied article text, the seed's traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.formats.base import Sniff
from bimscli.formats.web_article import FORMAT
from bimscli.model import Entry, ParsedRecord, ParseFailure, PartialDate, Record, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = FIXTURES / "web-article"
SEED = CASES / "copied-article-seed-004.txt"


def _parse(text: str) -> list[Entry]:
    return list(FORMAT.parse_string(text))


def _only_record(path: Path) -> Record:
    (entry,) = _parse(path.read_text(encoding="utf-8"))
    assert isinstance(entry, ParsedRecord), entry
    return entry.record


@pytest.mark.parametrize(
    "case",
    [
        "plos-one-landing-page.html",
        "jsonld-only.html",
        "dc-og-only.html",
        "no-metadata.html",
        "copied-article-seed-004.txt",
    ],
)
def test_golden(case: str) -> None:
    path = CASES / case
    entries = _parse(path.read_text(encoding="utf-8"))
    assert_entries_match_golden(entries, path.with_name(Path(case).stem + ".expected.json"))


def test_seed_004_traps() -> None:
    text = SEED.read_text(encoding="utf-8")
    entries = _parse(text)
    assert len(entries) == 1  # the "Related Articles" teasers are not records
    (parsed,) = entries
    assert isinstance(parsed, ParsedRecord)
    record = parsed.record
    assert record.type is WorkType.WEB_PAGE
    assert record.title == (
        "Approaches to tailor pain control for bone metastases and preserve mobility and "
        "quality of life."
    )
    assert record.authors == ()
    assert record.ids.doi is None
    assert record.journal is None
    assert record.date is not None
    assert record.date.iso == "2025-07-29"
    assert record.abstract_text.startswith("Effective, patient-centered pain management")
    assert len(record.abstract) == 1  # the standfirst only, not the body
    everything = repr(record)
    assert "ADVERTISEMENT" not in everything
    assert "Facebook" not in everything
    assert "evergreen guide" not in everything  # a related-article teaser
    assert parsed.raw == text  # nothing is lost: the raw text keeps body and teasers


def test_seed_004_is_a_fallback_not_a_certainty() -> None:
    text = SEED.read_text(encoding="utf-8")
    score = FORMAT.detect(Sniff(text[:4096], SEED.name))
    assert 0.5 <= score <= 0.6


def test_plos_highwire_fields() -> None:
    record = _only_record(CASES / "plos-one-landing-page.html")
    assert record.type is WorkType.JOURNAL_ARTICLE
    assert record.ids.doi == "10.1371/journal.pone.0213978"
    assert (record.journal, record.volume, record.issue) == ("PLOS ONE", "14", "4")
    assert record.article_number == "e0213978"
    assert record.pages is None
    assert record.date is not None
    assert record.date.iso == "2019-04-22"
    assert len(record.authors) == 11
    first = record.authors[0]
    assert (first.given, first.family) == ("Yang", "Li")
    assert first.affiliations == ("China Animal Health and Epidemiology Center, Qingdao, China",)
    assert record.issn == ("1932-6203",)
    assert len(record.cited_references) == 23


def test_jsonld_in_graph_is_read() -> None:
    record = _only_record(CASES / "jsonld-only.html")
    assert record.type is WorkType.JOURNAL_ARTICLE
    assert record.title is not None
    assert "<i>" not in record.title
    assert record.ids.doi == "10.5555/example.2024.0117"
    assert (record.journal, record.volume, record.issue, record.pages) == (
        "Journal of Example Oncology",
        "12",
        "3",
        "201-209",
    )
    assert record.authors[0].family == "de la Cruz"
    assert record.authors[1].family == "van der Berg"
    assert record.authors[2].group == "Spine Oncology Study Group"
    assert record.issn == ("1234-5679", "2345-678X")


def test_jsonld_article_giving_a_key_twice_is_not_read_but_the_page_still_is() -> None:
    article = '{"@type": "ScholarlyArticle", "datePublished": "2020-01-02", "%s": "2021-05-06"}'
    page = (
        '<html><head><meta name="citation_title" content="Bone pain relief">'
        '<script type="application/ld+json">%s</script></head><body></body></html>'
    )
    (read,) = _parse(page % (article % "dateModified"))
    (entry,) = _parse(page % (article % "datePublished"))
    assert isinstance(read, ParsedRecord)
    assert isinstance(entry, ParsedRecord)
    assert read.record.date == PartialDate(2020, 1, 2)
    assert entry.record.date is None  # not a guess between 2020 and 2021
    assert entry.record.title == "Bone pain relief"  # the page's other metadata still count
    assert "2021-05-06" in entry.raw


def test_dublin_core_wins_over_open_graph() -> None:
    record = _only_record(CASES / "dc-og-only.html")
    assert record.type is WorkType.WEB_PAGE
    assert record.title == "Living well with bone metastases: a guide for patients"
    assert record.date is not None
    assert record.date.iso == "2023-11-14"
    assert record.ids.url == "https://www.example-cancer-charity.org/guides/bone-metastases"
    assert [(a.given, a.family) for a in record.authors] == [
        ("Chidi", "Okafor"),
        ("Sarah L.", "Whitfield"),
    ]
    assert record.journal == "Example Cancer Charity"  # the site, as a web page's container
    assert record.abstract_text.startswith("Practical advice")  # og:description: DC has none


def test_highwire_orcid_pages_and_keywords() -> None:
    page = """<html><head>
<meta name="citation_title" content="Bone pain">
<meta name="citation_author" content="Roe, Jane">
<meta name="citation_author_orcid" content="https://orcid.org/0000-0002-1825-0097">
<meta name="citation_author_institution" content="Example University">
<meta name="citation_author" content="John Q. Doe Jr.">
<meta name="citation_journal_title" content="Bone">
<meta name="citation_publication_date" content="2021/06/01">
<meta name="citation_firstpage" content="91"><meta name="citation_lastpage" content="98">
<meta name="citation_keywords" content="pain; bone metastases">
<meta name="citation_pmid" content="33797627">
</head></html>"""
    (entry,) = _parse(page)
    assert isinstance(entry, ParsedRecord)
    record = entry.record
    roe, doe = record.authors
    assert (roe.family, roe.given, roe.orcid) == ("Roe", "Jane", "0000-0002-1825-0097")
    assert roe.affiliations == ("Example University",)
    assert (doe.family, doe.given, doe.suffix) == ("Doe", "John Q.", "Jr.")
    assert record.pages == "91-98"
    assert record.keywords == ("pain", "bone metastases")
    assert record.ids.pmid == "33797627"
    assert record.date == PartialDate(2021, 6, 1)
    assert record.type is WorkType.JOURNAL_ARTICLE


def test_open_graph_only_skips_profile_urls_as_authors() -> None:
    page = """<!DOCTYPE html><html><head>
<meta property="og:title" content="Exercise after bone metastases">
<meta property="article:author" content="https://www.facebook.com/someone">
<meta property="article:author" content="Jane Roe">
<meta property="article:published_time" content="2024-02-03T08:00:00Z">
<meta property="og:url" content="https://news.example.org/exercise">
</head></html>"""
    (entry,) = _parse(page)
    assert isinstance(entry, ParsedRecord)
    record = entry.record
    assert [(a.given, a.family) for a in record.authors] == [("Jane", "Roe")]
    assert record.date == PartialDate(2024, 2, 3)
    assert record.ids.url == "https://news.example.org/exercise"
    assert record.type is WorkType.WEB_PAGE


def test_title_tag_alone_gives_a_web_page() -> None:
    (entry,) = _parse("<html><head><title>Bone health | Site</title></head></html>")
    assert isinstance(entry, ParsedRecord)
    assert entry.record.title == "Bone health | Site"
    assert entry.record.type is WorkType.WEB_PAGE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            (CASES / "no-metadata.html").read_text(encoding="utf-8"),
            "no bibliographic metadata in this HTML page",
            id="html-without-metadata",
        ),
        pytest.param("", "empty input", id="empty-file"),
        pytest.param("  \n\t\n", "empty input", id="blank-file"),
        pytest.param("\x00\x9f\x92\xff\x01\x02\x03garbage\x04\x05", "binary", id="binary-garbage"),
        pytest.param("ADVERTISEMENT\nFacebook X Reddit\n", "only page chrome", id="chrome-only"),
        pytest.param("x" * 400 + "\nJuly 29, 2025\n", "not a title", id="no-title-line"),
        pytest.param("<html><head></head><body></body></html>", "no bibliographic", id="bare-html"),
    ],
)
def test_bad_input_becomes_failure(text: str, message: str) -> None:
    entries = _parse(text)
    assert len(entries) == 1
    (failure,) = entries
    assert isinstance(failure, ParseFailure), failure
    assert message in failure.message
    assert failure.raw == text


OTHER_FORMATS = {
    "bibtex": "@article{key,\n  title = {Bone},\n  year = {2020}\n}\n",
    "ris": "TY  - JOUR\nTI  - Bone metastases\nER  - \n",
    "medline": "PMID- 33797627\nOWN - NLM\nTI  - Evolving role of minimally invasive\n",
    "json": '{"message": {"DOI": "10.1/x"}}',
    "biomednews": "Biomed News\non Rehabilitation of bone metastases\nIssue of 2025–06–15\n",
    "pubmed-page": "Review\n. 2021 Jun 1;15(2):91-98.\nPubMed Disclaimer\n" + "Text. " * 60,
    "lay-summary": "Title\nJournal, 2023 · DOI: https://doi.org/10.1/x · Published: July 3, 2023\n",
    "pubmed-xml": '<?xml version="1.0"?>\n<PubmedArticleSet><Title>Bone</Title>',
}


@pytest.mark.parametrize("name", sorted(OTHER_FORMATS))
def test_fallback_does_not_claim_other_formats(name: str) -> None:
    assert FORMAT.detect(Sniff(OTHER_FORMATS[name])) == 0.0


OTHER_INPUTS = [
    *sorted((FIXTURES / "seeds").glob("00[012]_*.txt")),
    *sorted((CASES / "other-formats").iterdir()),
]


def test_other_inputs_are_there() -> None:
    assert len(OTHER_INPUTS) == 4  # seeds 000-002 and the MEDLINE file


@pytest.mark.parametrize("path", OTHER_INPUTS, ids=lambda p: p.name)
def test_fallback_does_not_claim_other_inputs(path: Path) -> None:
    assert FORMAT.detect(Sniff(path.read_text(encoding="utf-8")[:4096], path.name)) == 0.0


def test_html_is_detected_with_confidence() -> None:
    head = (CASES / "plos-one-landing-page.html").read_text(encoding="utf-8")[:4096]
    assert FORMAT.detect(Sniff(head, "page.html")) >= 0.9


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for _ in FORMAT.parse_string(text):
        pass


@given(st.text(alphabet="<>/=\"' metahdcitlon:_.{}[]@\n", max_size=120))
def test_never_raises_on_html_like_text(text: str) -> None:
    for _ in FORMAT.parse_string("<html><head>" + text):
        pass
