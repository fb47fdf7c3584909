"""The PubMed XML parser: golden files, the traps of the format, bad and unsafe input."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.errors import UnsafeInputError
from bimscli.formats import detect_format
from bimscli.formats.base import Sniff
from bimscli.formats.pubmed_xml import FORMAT
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Record, WorkType
from tests.golden import FIXTURES, assert_entries_match_golden

CASES = sorted((FIXTURES / "pubmed-xml").glob("*.xml"))


def parse_file(path: Path) -> list[Entry]:
    with path.open("rb") as stream:
        return list(FORMAT.parse_stream(stream))  # type: ignore[misc]


def parse_bytes(data: bytes) -> list[Entry]:
    assert FORMAT.parse_stream is not None
    return list(FORMAT.parse_stream(io.BytesIO(data)))


def records(entries: list[Entry]) -> dict[str, Record]:
    return {e.source_key or "": e.record for e in entries if isinstance(e, ParsedRecord)}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    assert_entries_match_golden(parse_file(path), path.with_suffix(".expected.json"))


def test_efetch_sample_fields() -> None:
    entries = parse_file(FIXTURES / "pubmed-xml" / "efetch-one-article.xml")
    first = records(entries)["11748933"]
    assert first.pages == "244-255"
    assert first.ids.doi == "10.1006/cryo.2001.2328"
    assert first.authors[0].affiliations[0].startswith("Dipartimento di Scienze Ambientali")
    assert "Copyright" not in first.abstract_text
    sea_bream = next(m for m in first.mesh if m.descriptor == "Sea Bream")
    assert [(q.name, q.major) for q in sea_bream.qualifiers] == [
        ("anatomy & histology", True),
        ("physiology", False),
    ]
    assert isinstance(entries[0], ParsedRecord)
    assert entries[0].raw.startswith("<PubmedArticle>")
    assert entries[0].raw.endswith("</PubmedArticle>")


def test_traps() -> None:
    found = records(parse_file(FIXTURES / "pubmed-xml" / "traps.xml"))
    elife, nejm, start_end = found["30000001"], found["30000002"], found["30000003"]
    assert elife.title == (
        "The <i>BRCA1</i> gene and Ca<sup>2+</sup> in H<sub>2</sub>O: <b>P < 0.05</b>."
    )
    assert elife.original_title == "Le gène <i>BRCA1</i>."
    assert elife.type is WorkType.PREPRINT
    assert elife.date is not None
    assert (elife.date.year, elife.date.month, elife.date.text) == (1998, 12, "1998 Dec-1999 Jan")
    assert elife.authors_complete is False
    assert elife.authors[0].orcid == "0000-0002-1825-009X"
    assert elife.authors[0].suffix == "Jr"
    assert elife.authors[1].group == "BRCA Study Group"
    assert [a.family for a in elife.authors] == ["Smith", None, "Doe"]  # ValidYN="N" left out
    assert elife.authors[2].given == "J"  # Initials when there is no ForeName
    assert (elife.ids.pii, elife.article_number) == ("e472854", "e472854")
    assert elife.ids.pmcid == "PMC6684270"
    assert elife.issn == ("2050-084X",)
    assert [s.label for s in elife.abstract] == ["BACKGROUND", "RESULTS"]
    assert [(r.relation, r.pmid) for r in elife.related] == [
        ("erratum-in", "31895039"),
        ("retraction-in", None),
        ("comment-on", "31000001"),
    ]
    assert nejm.date is not None
    assert nejm.date.text == "2000 Spring"
    assert nejm.pages == "1093-1101"
    assert nejm.journal_abbrev == "N Engl J Med"  # MedlineTA when there is no ISOAbbreviation
    assert start_end.pages == "12-19"


def test_books() -> None:
    found = records(parse_file(FIXTURES / "pubmed-xml" / "book-article.xml"))
    chapter, book = found["20301295"], found["21249951"]
    assert (chapter.type, chapter.title, chapter.journal) == (
        WorkType.BOOK_CHAPTER,
        "Aicardi Syndrome",
        "GeneReviews<sup>®</sup>",
    )
    assert chapter.publisher == "University of Washington, Seattle"
    assert ("editor", "Adam, Margaret P") in chapter.extra
    assert (book.type, book.title, book.ids.isbn) == (
        WorkType.BOOK,
        "Molecular Biology of the Cell",
        ("0815332181",),
    )


def test_medline_citation_set() -> None:
    found = records(parse_file(FIXTURES / "pubmed-xml" / "medline-citation-set.xml"))
    old = found["10540283"]
    assert old.pages == "32015-32022"
    assert old.authors[0].affiliations == ("Department of Biochemistry, Somewhere.",)


ARTICLE = (
    "<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>"
    "<ArticleTitle>Title {pmid}</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
)


def article_set(*pmids: int) -> str:
    return "<PubmedArticleSet>\n" + "".join(ARTICLE.format(pmid=p) for p in pmids)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""

XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
<PubmedArticleSet/>
"""


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(XXE_FILE, id="xxe-file-etc-passwd"),
        pytest.param(XXE_HTTP, id="xxe-http-parameter-entity"),
        pytest.param(b"<?xml version='1.0'?>\n<!DOCTYPE x [\n]>\n<x/>", id="empty-internal-subset"),
    ],
)
def test_unsafe_documents_are_refused_quickly(data: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(UnsafeInputError, match="never expands XML entities"):
        parse_bytes(data)
    assert time.perf_counter() - started < 5  # an expansion would take minutes, not seconds


def test_doctype_beyond_the_head_is_still_refused() -> None:
    padding = b"<!--" + b" " * 70_000 + b"-->\n"
    with pytest.raises(UnsafeInputError):
        parse_bytes(b'<?xml version="1.0"?>\n' + padding + XXE_FILE.split(b"?>\n", 1)[1])


def test_pubmed_doctype_is_read_without_fetching_the_dtd() -> None:
    doctype = (
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
        '"http://127.0.0.1:9/pubmed_250101.dtd">\n'
    )
    started = time.perf_counter()
    entries = parse_bytes((doctype + article_set(7) + "</PubmedArticleSet>").encode())
    assert list(records(entries)) == ["7"]
    assert time.perf_counter() - started < 5  # an expansion would take minutes, not seconds


@pytest.mark.parametrize(
    ("text", "kept", "message"),
    [
        pytest.param(article_set(1, 2) + "<PubmedArticle><Medline", ["1", "2"], "line 4",
                     id="truncated-xml"),
        pytest.param("<html><body>not PubMed</body></html>", [], "<html>, not <PubmedArticleSet>",
                     id="wrong-root-element"),
        pytest.param("<foo>" + ARTICLE.format(pmid=1) + "</foo>", [], "<foo>",
                     id="wrong-root-around-articles"),
        pytest.param("", [], "malformed", id="empty-input"),
        pytest.param("PMID- 1\nTI  - MEDLINE text\n", [], "malformed", id="not-xml"),
        pytest.param(article_set(1) + "<PubmedArticle><MedlineCitation><PMID>2</PMID>"
                     "<Article><ArticleTitle>&undefined;</ArticleTitle></Article>"
                     "</MedlineCitation></PubmedArticle></PubmedArticleSet>", ["1"], "undefined",
                     id="undeclared-entity"),
    ],
)  # fmt: skip
def test_bad_input_becomes_a_failure_after_the_good_records(
    text: str, kept: list[str], message: str
) -> None:
    entries = parse_bytes(text.encode())
    assert list(records(entries)) == kept
    failure = entries[-1]
    assert isinstance(failure, ParseFailure)
    assert message in failure.message


def test_truncated_xml_failure_names_the_line() -> None:
    entries = parse_bytes((article_set(1, 2) + "<PubmedArticle><Medline").encode())
    failure = entries[-1]
    assert isinstance(failure, ParseFailure)
    assert failure.position.line == 4
    assert failure.position.entry == 3


def test_an_article_without_citation_is_a_failure_and_parsing_goes_on() -> None:
    text = (
        article_set(1) + "<PubmedArticle><PubmedData/></PubmedArticle>\n" + ARTICLE.format(pmid=3)
    )
    entries = parse_bytes((text + "</PubmedArticleSet>").encode())
    assert [type(e).__name__ for e in entries] == ["ParsedRecord", "ParseFailure", "ParsedRecord"]
    assert isinstance(entries[1], ParseFailure)
    assert entries[1].raw == "<PubmedArticle><PubmedData/></PubmedArticle>"


def test_update_file_deletions_come_last_as_a_header() -> None:
    deletions = '<DeleteCitation><PMID Version="1">11</PMID><PMID Version="1">12</PMID>'
    text = article_set(1) + deletions + "</DeleteCitation></PubmedArticleSet>"
    entries = parse_bytes(text.encode())
    assert isinstance(entries[0], ParsedRecord)
    assert entries[1] == DocumentHeader((("deleted-pmid", "11"), ("deleted-pmid", "12")))
    assert len(entries) == 2


def test_many_articles_stream_in_order() -> None:
    stream = io.BytesIO((article_set(*range(1, 2001)) + "</PubmedArticleSet>").encode())
    assert FORMAT.parse_stream is not None
    keys = [e.source_key for e in FORMAT.parse_stream(stream) if isinstance(e, ParsedRecord)]
    assert keys == [str(n) for n in range(1, 2001)]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for _ in FORMAT.parse_string(text):
        pass


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/!&;[]PubmedArticleSet MedlineCitation\"'=x"))))
def test_never_raises_on_xml_like_text(text: str) -> None:
    try:
        for _ in FORMAT.parse_string("<PubmedArticleSet>" + text):
            pass
    except UnsafeInputError:
        pass  # a document-level refusal is the documented way out


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_detected_as_pubmed_xml(path: Path) -> None:
    head = path.read_text(encoding="utf-8")[:4096]
    assert detect_format(Sniff(head, path.name)) is FORMAT


@pytest.mark.parametrize(
    "head",
    [
        pytest.param("PMID- 1\nTI  - x\n", id="medline"),
        pytest.param("TY  - JOUR\nER  - \n", id="ris"),
        pytest.param("<html><head><title>x</title></head></html>", id="html"),
        pytest.param('{"title": "x"}', id="json"),
        pytest.param("<?xml version='1.0'?><rdf:RDF/>", id="other-xml"),
    ],
)
def test_does_not_claim_other_formats(head: str) -> None:
    assert FORMAT.detect(Sniff(head)) == 0.0
