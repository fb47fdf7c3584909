"""An article's raw text is its own bytes in the input; where that cannot be told for sure,
lxml's serialisation of it. Either way the records read are the same."""

from __future__ import annotations

import io

import pytest
from lxml import etree

from bimscli.formats import _source_spans
from bimscli.formats._source_spans import KeptBytes
from bimscli.formats.pubmed_xml import FORMAT
from bimscli.model import Entry, ParsedRecord, ParseFailure

# Written as no serialiser would: single quotes, a character reference, an entity, spacing.
ODD = (
    "<PubmedArticle ><MedlineCitation Owner='NLM'><PMID Version='1'>7</PMID><Article>"
    "<ArticleTitle>Universit&#xe0; &amp; <i>BRCA1</i></ArticleTitle></Article>"
    "</MedlineCitation></PubmedArticle>"
)
PLAIN = (
    "<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>Title {pmid}"
    "</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
)
BOOK = (
    "<PubmedBookArticle><BookDocument><PMID>9</PMID><Book><BookTitle>A book</BookTitle></Book>"
    "</BookDocument></PubmedBookArticle>"
)
DELETED = "<DeleteCitation><PMID Version='1'>11</PMID></DeleteCitation>"


def _parse(text: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> list[Entry]:
    assert FORMAT.parse_stream is not None
    data = (declaration + text).encode("utf-8")
    return list(FORMAT.parse_stream(io.BytesIO(data)))


def _raws(entries: list[Entry]) -> list[str]:
    return [e.raw for e in entries if isinstance(e, ParsedRecord | ParseFailure) and e.raw]


def _records(entries: list[Entry]) -> list[object]:
    return [e.record for e in entries if isinstance(e, ParsedRecord)]


def _serialised(element_text: str) -> str:
    """What lxml writes for an element given as text (the fallback raw text)."""
    return etree.tostring(etree.fromstring(element_text), encoding="unicode")


def test_each_raw_text_is_the_articles_own_bytes() -> None:
    articles = [PLAIN.format(pmid=1), ODD, BOOK, PLAIN.format(pmid=2)]
    text = "<PubmedArticleSet>\n" + "\n  ".join(articles[:2]) + DELETED + "".join(articles[2:])
    entries = _parse(text + "</PubmedArticleSet>\n")
    assert _raws(entries) == articles
    assert _serialised(ODD) != ODD  # lxml would have written it otherwise


def test_a_medline_citation_set_keeps_each_citations_bytes() -> None:
    citations = [f"<MedlineCitation Owner='NLM'><PMID>{n}</PMID></MedlineCitation>" for n in (4, 5)]
    entries = _parse("<MedlineCitationSet>" + "".join(citations) + "</MedlineCitationSet>")
    assert _raws(entries) == citations


def test_a_failed_article_keeps_its_bytes_too() -> None:
    broken = "<PubmedArticle><PubmedData/></PubmedArticle>"
    entries = _parse(f"<PubmedArticleSet>{ODD}{broken}{PLAIN.format(pmid=3)}</PubmedArticleSet>")
    assert [type(e).__name__ for e in entries] == ["ParsedRecord", "ParseFailure", "ParsedRecord"]
    assert _raws(entries) == [ODD, broken, PLAIN.format(pmid=3)]


@pytest.mark.parametrize(
    "hiding",
    [
        "<!-- </PubmedArticle><PubmedArticle> -->",
        "<![CDATA[</PubmedArticle>]]>",
        "<?note </PubmedArticle> ?>",
    ],
    ids=["comment", "cdata", "processing-instruction"],
)
def test_a_tag_hidden_in_a_comment_cdata_or_pi_never_misplaces_a_raw_text(hiding: str) -> None:
    first = PLAIN.format(pmid=1)
    hidden = PLAIN.format(pmid=2).replace("</ArticleTitle>", hiding + "</ArticleTitle>")
    third = PLAIN.format(pmid=3)
    entries = _parse(f"<PubmedArticleSet>{first}{hidden}{third}</PubmedArticleSet>")
    assert [r.ids.pmid for r in _records(entries)] == ["1", "2", "3"]  # type: ignore[attr-defined]
    raws = _raws(entries)
    assert raws[0] == first
    # From the article with the hidden tag on, raw texts are lxml's, whole and in order.
    assert [etree.fromstring(r).findtext("MedlineCitation/PMID") for r in raws] == ["1", "2", "3"]
    assert raws[2] == _serialised(third)


@pytest.mark.parametrize(
    "prolog",
    [
        "<!-- <PubmedArticleSet>{fake} -->\n",
        "<?xml-stylesheet href='<PubmedArticleSet>{fake}'?>\n",
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//EN" "x.dtd">\n'
        "<!-- <PubmedArticleSet>{fake} -->",
    ],
    ids=["comment", "processing-instruction", "comment-after-doctype"],
)
def test_an_article_hidden_in_the_prolog_is_never_taken_for_the_first(prolog: str) -> None:
    declaration = '<?xml version="1.0"?>\n' + prolog.format(fake=PLAIN.format(pmid=666))
    entries = _parse(f"<PubmedArticleSet>{ODD}</PubmedArticleSet>", declaration)
    raws = _raws(entries)
    assert len(raws) == 1
    assert etree.fromstring(raws[0]).findtext("MedlineCitation/PMID") == "7"


def test_an_empty_article_element_is_not_mistaken_for_the_next() -> None:
    entries = _parse(f"<PubmedArticleSet><PubmedArticle/>{PLAIN.format(pmid=5)}</PubmedArticleSet>")
    raws = _raws(entries)
    assert raws == ["<PubmedArticle/>", _serialised(PLAIN.format(pmid=5))]


@pytest.mark.parametrize(
    ("declaration", "codec"),
    [('<?xml version="1.0" encoding="ISO-8859-1"?>\n', "latin-1"), ("", "utf-16")],
    ids=["latin-1", "utf-16"],
)
def test_another_encoding_gives_the_serialisation(declaration: str, codec: str) -> None:
    text = f"<PubmedArticleSet>{ODD}</PubmedArticleSet>"
    data = (declaration + text).encode(codec)
    entries = list(FORMAT.parse_stream(io.BytesIO(data)))  # type: ignore[misc]
    assert _raws(entries) == [_serialised(ODD)]
    assert _records(entries) == _records(_parse(text))


def test_an_element_larger_than_the_keeper_holds_gives_the_serialisation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_source_spans, "KEEP_AT_MOST", 100)
    entries = _parse(f"<PubmedArticleSet>{ODD}</PubmedArticleSet>")
    assert _raws(entries) == [_serialised(ODD)]


def test_the_keeper_passes_the_bytes_on_unchanged_and_claims_in_order() -> None:
    data = b"<S>" + b"".join(b"<A>%d</A>" % n for n in range(1000)) + b"</S>"
    kept = KeptBytes(io.BytesIO(data))
    read = b"".join(iter(lambda: kept.read(37), b""))
    assert read == data
    claimed = [kept.claim("A") for _ in range(1000)]
    assert claimed == [f"<A>{n}</A>" for n in range(1000)]
    assert kept.claim("A") is None  # none left: the keeper stops for good
    assert kept.read(10) == b""


def test_a_claim_before_the_end_tag_is_read_stops_the_keeper() -> None:
    kept = KeptBytes(io.BytesIO(b"<S><A>one</A><A>two</A></S>"))
    kept.read(10)
    assert kept.claim("A") is None
    kept.read(100)
    assert kept.claim("A") is None
