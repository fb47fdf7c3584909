"""Damaged PubMed XML loses one article, never the whole ones before or after it.

Every input here is generated: a thousand articles large enough that a damage falls in the
middle of what the parser reads at once, then one kind of damage.
"""

from __future__ import annotations

import io
import time

import pytest

from bimscli.errors import UnsafeInputError
from bimscli.formats import _pubmed_resync
from bimscli.formats.pubmed_xml import FORMAT
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
LINES_PER_ARTICLE = 4


def article(pmid: int, title: str | None = None) -> str:
    """One article of four lines, about 700 bytes."""
    return (
        "<PubmedArticle>\n"
        f"<MedlineCitation><PMID Version='1'>{pmid}</PMID><Article>\n"
        f"<ArticleTitle>{title or f'Title of article {pmid}'}</ArticleTitle>\n"
        f"<Abstract><AbstractText>{'some words ' * 55}</AbstractText></Abstract></Article>"
        "</MedlineCitation></PubmedArticle>\n"
    )


def document(count: int, first: int = 1, damaged: dict[int, str] | None = None) -> str:
    """An efetch answer of ``count`` articles; ``damaged`` replaces some by other text."""
    damaged = damaged or {}
    body = "".join(damaged.get(p) or article(p) for p in range(first, first + count))
    return DECLARATION + DOCTYPE + "<PubmedArticleSet>\n" + body + "</PubmedArticleSet>\n"


def first_line(pmid: int) -> int:
    """The line of an article's start tag in a :func:`document` starting at PMID 1."""
    return 3 + LINES_PER_ARTICLE * (pmid - 1) + 1


def parse(data: bytes) -> list[Entry]:
    assert FORMAT.parse_stream is not None
    return list(FORMAT.parse_stream(io.BytesIO(data)))


def pmids(entries: list[Entry]) -> list[int]:
    return [int(e.source_key or 0) for e in entries if isinstance(e, ParsedRecord)]


def failures(entries: list[Entry]) -> list[ParseFailure]:
    return [e for e in entries if isinstance(e, ParseFailure)]


ALL_BUT_500 = [p for p in range(1, 1001) if p != 500]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(article(500).replace("</ArticleTitle>", "</ArticleTitel>"), "mismatch",
                     id="end-tag-mismatch"),
        pytest.param(article(500)[:300] + "\n", "breaks off", id="cut-off-article"),
        pytest.param(article(500).replace("Title", "Ti\x00tle"), "malformed", id="nul-byte"),
        pytest.param(article(500).replace("<Abstract>", "<Abstract <"), "malformed",
                     id="broken-start-tag"),
        pytest.param(article(500).replace("</PubmedArticle>", ""), "breaks off",
                     id="missing-end-tag"),
        pytest.param(article(500).replace("of article", "of <i>article"), "malformed",
                     id="unclosed-inline-tag"),
    ],
)  # fmt: skip
def test_a_damaged_article_loses_no_whole_article_before_or_after_it(
    damage: str, message: str
) -> None:
    entries = parse(document(1000, damaged={500: damage}).encode())
    assert pmids(entries) == ALL_BUT_500
    [failure] = failures(entries)
    assert message in failure.message
    assert failure.position.line == first_line(500)
    assert f"line {first_line(500)}" in failure.message
    assert failure.raw.startswith("<PubmedArticle>")
    assert failure.position.entry == 500


def test_an_invalid_utf8_byte_fails_its_article_alone() -> None:
    data = document(1000).encode().replace(b"Title of article 500<", b"Title \xff 500<")
    entries = parse(data)
    assert pmids(entries) == ALL_BUT_500
    [failure] = failures(entries)
    assert failure.position.line == first_line(500)


def test_damage_in_the_first_article_loses_nothing_after_it() -> None:
    entries = parse(document(3, damaged={1: article(1).replace("<PMID", "<<PMID")}).encode())
    assert pmids(entries) == [2, 3]
    assert failures(entries)[0].position.line == first_line(1)


@pytest.mark.parametrize("count", [pytest.param(1000, id="baseline-sized"),
                                   pytest.param(2, id="small-efetch-answer")])  # fmt: skip
def test_text_after_the_document_is_reported_and_every_article_lands(count: int) -> None:
    text = document(count) + "<p>junk from a proxy</p>\n"
    entries = parse(text.encode())
    assert pmids(entries) == list(range(1, count + 1))
    [failure] = failures(entries)
    assert failure.position.line == text.count("\n")
    assert failure.raw == "<p>junk from a proxy</p>"
    assert "outside any article" in failure.message


def test_two_efetch_answers_one_after_the_other_are_both_read() -> None:
    entries = parse((document(1000) + document(1000, first=1001)).encode())
    assert pmids(entries) == list(range(1, 2001))
    assert failures(entries) == []
    second_document = document(1000).count("\n")
    first_of_second = entries[1000]
    assert isinstance(first_of_second, ParsedRecord)
    assert first_of_second.position.line == second_document + first_line(1)


def test_deletions_after_a_damage_still_come_last() -> None:
    deletions = "<DeleteCitation><PMID Version='1'>11</PMID></DeleteCitation>\n"
    text = document(3, damaged={2: "<PubmedArticle><oops>\n"}).replace(
        "</PubmedArticleSet>", deletions + "</PubmedArticleSet>"
    )
    entries = parse(text.encode())
    assert pmids(entries) == [1, 3]
    assert entries[-1] == DocumentHeader((("deleted-pmid", "11"),))


def test_a_later_document_declaring_entities_is_refused_like_the_first() -> None:
    unsafe = document(2, first=3).replace(
        DOCTYPE, '<!DOCTYPE PubmedArticleSet [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    )
    with pytest.raises(UnsafeInputError, match="never expands XML entities"):
        parse((document(2) + unsafe).encode())


def test_an_entity_after_a_damage_is_never_expanded() -> None:
    smuggled = article(3, "&xxe;")
    text = document(3, damaged={2: "<PubmedArticle>\n", 3: smuggled})
    entries = parse(text.encode())
    assert pmids(entries) == [1]
    assert all("root:" not in f.raw + f.message for f in failures(entries))
    assert "xxe" in failures(entries)[-1].message


def test_damage_where_raw_texts_cannot_be_cut_still_keeps_every_article_before_it() -> None:
    commented = article(1).replace("<Article>", "<!-- a comment --><Article>")
    text = document(1000, damaged={1: commented, 500: article(500)[:300]})
    entries = parse(text.encode())
    assert pmids(entries) == list(range(1, 500))  # no cut after a comment: the rest is lost,
    assert "499 article(s) before it were read" in failures(entries)[-1].message  # and says so


def test_a_50_mb_title_is_a_failure_of_its_article_alone() -> None:
    huge = article(2, "A" * (50 << 20))
    started = time.perf_counter()
    entries = parse(document(3, damaged={2: huge}).encode())
    assert pmids(entries) == [1, 3]
    [failure] = failures(entries)
    assert failure.position.line == first_line(2)
    assert "larger than" in failure.message
    assert len(failure.raw) <= _pubmed_resync.RAW_TEXT_KEPT
    assert time.perf_counter() - started < 60  # about a second; generous for a shared machine


@pytest.mark.parametrize("where", [pytest.param(2, id="while-parsing"),
                                   pytest.param(5, id="after-a-damage")])  # fmt: skip
def test_an_article_larger_than_the_bound_is_a_failure_and_reading_goes_on(
    monkeypatch: pytest.MonkeyPatch, where: int
) -> None:
    monkeypatch.setattr(_pubmed_resync, "ARTICLE_MAX_BYTES", 200_000)
    large = article(where, "many words " * 50_000)
    text = document(8, damaged={3: article(3)[:200], where: large})
    entries = parse(text.encode())
    assert pmids(entries) == [p for p in range(1, 9) if p not in (3, where)]
    large_failure = next(f for f in failures(entries) if "larger than 200,000 bytes" in f.message)
    start = text.index(large)
    assert large_failure.position.line == text.count("\n", 0, start) + 1
