"""Each way two databases write one article (must merge) and each remaining cannot-link (must
not), as a named pair with the prior weights; then the limits of blocking bombs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from bimscli.dedup import Outcome, decide_pair, deduplicate, features_from_record
from bimscli.model import Author, Identifiers, PartialDate, Record, WorkType

ARTICLE = Record(
    title="Glucagon-like peptide 1 receptor agonists and cardiomyocyte calcium handling in rats",
    authors=(Author("Zhang", "Wei"), Author("Kovacs", "Janos"), Author("Smith", "Anna B.")),
    journal="Journal of Molecular and Cellular Cardiology",
    date=PartialDate(2012),
    volume="53",
    issue="4",
    pages="1317-1323",
    ids=Identifiers(doi="10.1016/j.yjmcc.2012.07.011"),
)


def decision_for(a: Record, b: Record) -> Outcome | None:
    """The outcome of one pair, with the prior weights."""
    found = decide_pair(features_from_record("a", a), features_from_record("b", b))
    return found.outcome if found else None


def copy(**changes: object) -> Record:
    """The article as another database writes it (changes on top of the article)."""
    return replace(ARTICLE, **changes)  # type: ignore[arg-type]


NO_DOI = Identifiers()
VARIATIONS = [
    pytest.param(
        copy(ids=Identifiers(doi="10.1016/s0022-2828(12)00286-5")),
        id="legacy-elsevier-pii-doi-beside-the-publishers",
    ),
    pytest.param(
        replace(ARTICLE, ids=Identifiers(doi="10.1007/s00125-012-2345-6")),
        id="springer-bf-doi-beside-the-new-one",
        marks=(),
    ),
    pytest.param(
        copy(authors=(Author("Wei", "Zhang"), *ARTICLE.authors[1:]), ids=NO_DOI),
        id="family-and-given-names-swapped",
    ),
    pytest.param(copy(authors=ARTICLE.authors[1:], ids=NO_DOI), id="first-author-dropped"),
    pytest.param(
        copy(authors=(Author(group="GLP-1 Heart Study Group"), *ARTICLE.authors), ids=NO_DOI),
        id="group-author-added-first",
    ),
    pytest.param(
        copy(authors=(Author("Study Group", "GLP-1 Heart"), *ARTICLE.authors[1:]), ids=NO_DOI),
        id="first-author-replaced-by-a-group",
    ),
    pytest.param(
        copy(authors=(Author("Zhang", "W."), *ARTICLE.authors[1:]), ids=NO_DOI),
        id="initials-against-full-given-names",
    ),
    pytest.param(
        copy(authors=(Author("Zhang Jr", "Wei"), *ARTICLE.authors[1:]), ids=NO_DOI),
        id="generational-suffix",
    ),
    pytest.param(
        copy(authors=(Author("van der Zhang", "Wei"), *ARTICLE.authors[1:]), ids=NO_DOI),
        id="surname-particle",
    ),
    pytest.param(copy(journal="J Mol Cell Cardiol", ids=NO_DOI), id="nlm-journal-abbreviation"),
    pytest.param(
        copy(journal="The Journal of Molecular & Cellular Cardiology", ids=NO_DOI),
        id="journal-with-the-and-ampersand",
    ),
    pytest.param(
        copy(journal="Journal of molecular and cellular cardiology: an international journal"),
        id="journal-subtitle",
    ),
    pytest.param(copy(title=f"{ARTICLE.title} [Review] [33 refs]"), id="title-review-refs"),
    pytest.param(copy(title=f"{ARTICLE.title} (multiple letters)"), id="title-multiple-letters"),
    pytest.param(copy(title=f"[{ARTICLE.title}]."), id="title-bracketed-translation"),
    pytest.param(copy(title=f"{ARTICLE.title}. German abstract"), id="title-language-tag"),
    pytest.param(
        copy(title=(ARTICLE.title or "").replace("and", "&amp;"), ids=NO_DOI),
        id="title-html-entities",
    ),
    pytest.param(copy(title=(ARTICLE.title or "")[:57], ids=NO_DOI), id="title-cut-short"),
    pytest.param(copy(pages="1317-23", ids=NO_DOI), id="pages-abbreviated"),
    pytest.param(copy(pages="e1317", ids=NO_DOI), id="pages-e-prefix", marks=()),
    pytest.param(copy(pages=None, article_number="1317", ids=NO_DOI), id="article-number-for-page"),
    pytest.param(copy(issue=None, ids=NO_DOI), id="issue-missing"),
    pytest.param(copy(date=PartialDate(2011), ids=NO_DOI), id="year-one-off-epub-and-print"),
    pytest.param(
        copy(
            journal="J Mol Cell Cardiol",
            authors=(Author("Wei", "Zhang"), *ARTICLE.authors[1:]),
            pages="1317-23",
            ids=Identifiers(doi="10.1016/s0022-2828(12)00286-5"),
        ),
        id="three-variations-at-once",
    ),
]


@pytest.mark.parametrize("variant", VARIATIONS)
def test_variation_of_one_article_merges(variant: Record) -> None:
    assert decision_for(ARTICLE, variant) is Outcome.MERGE


def test_a_url_encoded_doi_is_the_same_doi() -> None:
    encoded = copy(ids=Identifiers(doi="10.1016/J.YJMCC.2012.07.011".replace(".", "%2E", 1)))
    found = decide_pair(features_from_record("a", ARTICLE), features_from_record("b", encoded))
    assert found is not None
    assert found.rule == "same-doi"


def test_a_different_doi_that_is_overcome_says_so() -> None:
    legacy = copy(ids=Identifiers(doi="10.1016/s0022-2828(12)00286-5"))
    found = decide_pair(features_from_record("a", ARTICLE), features_from_record("b", legacy))
    assert found is not None
    assert found.outcome is Outcome.MERGE
    assert found.doi_overcome
    assert found.rule == "different-doi-overcome"
    assert "DOI different -4.6" in found.evidence


CANNOT_LINK = [
    pytest.param(
        copy(title=f"Erratum to: {ARTICLE.title}", pages="1400"), Outcome.LINK, id="erratum"
    ),
    pytest.param(
        copy(title=f"Retraction notice to: {ARTICLE.title}", pages="1401"),
        Outcome.LINK,
        id="retraction",
    ),
    pytest.param(copy(title=f"Comment on: {ARTICLE.title}"), Outcome.LINK, id="comment"),
    pytest.param(copy(title=f"Reply to: {ARTICLE.title}"), Outcome.LINK, id="reply"),
    pytest.param(
        copy(journal="bioRxiv", volume=None, issue=None, pages=None, ids=NO_DOI),
        Outcome.LINK,
        id="preprint-and-version-of-record",
    ),
    pytest.param(
        copy(title="Asthma control in obese children: part 2", ids=NO_DOI),
        Outcome.DISTINCT,
        id="part-1-and-part-2",
    ),
    pytest.param(copy(type=WorkType.BOOK_CHAPTER), Outcome.DISTINCT, id="chapter-and-article"),
]


@pytest.mark.parametrize(("other", "expected"), CANNOT_LINK)
def test_remaining_cannot_links(other: Record, expected: Outcome) -> None:
    first = ARTICLE
    if "part" in (other.title or ""):
        first = copy(title="Asthma control in obese children: part 1", ids=NO_DOI)
    assert decision_for(first, other) is expected


def test_phase_ii_and_phase_iii_are_distinct() -> None:
    phase_2 = copy(title="A phase II trial of liraglutide in adults with heart failure", ids=NO_DOI)
    phase_3 = copy(
        title="A phase III trial of liraglutide in adults with heart failure", ids=NO_DOI
    )
    assert decision_for(phase_2, phase_3) is Outcome.DISTINCT


def test_shared_doi_with_clearly_different_titles_is_flagged() -> None:
    other = copy(title="Teneligliptin suppresses abdominal aortic aneurysm in mice")
    assert decision_for(ARTICLE, other) is Outcome.FLAG


UNTITLED = Record(
    authors=(Author("Zhang", "W."),),
    journal="J Mol Cell Cardiol",
    date=PartialDate(2012),
    volume="53",
    pages="1317-23",
)


def test_an_entry_without_a_title_matches_on_its_place_and_first_author() -> None:
    assert decision_for(ARTICLE, UNTITLED) is Outcome.MERGE
    assert decision_for(UNTITLED, replace(UNTITLED, pages="1324")) is None


BOMBS = [
    pytest.param(lambda n: ARTICLE, 10_000, 1, 0, id="10000-identical-records-one-work"),
    pytest.param(
        lambda n: replace(ARTICLE, ids=NO_DOI, authors=()),
        65,
        1,
        0,
        id="65-identical-doi-less-records-one-work",
    ),
    pytest.param(
        lambda n: replace(ARTICLE, ids=Identifiers(pmid="123")),
        3_000,
        1,
        0,
        id="3000-copies-of-one-pmid-one-work",
    ),
    pytest.param(
        lambda n: Record(title=f"Report {n} on topic {n % 7}", ids=Identifiers(doi="10.1/x")),
        10_000,
        0,
        9_999,
        id="10000-records-sharing-one-doi-are-reviewed-not-merged",
    ),
    pytest.param(
        lambda n: replace(ARTICLE, ids=NO_DOI, authors=(Author(f"Name{n}"),), pages=str(n)),
        10_000,
        0,
        0,
        id="10000-records-sharing-one-title",
    ),
    pytest.param(lambda n: Record(title=None), 10_000, 0, 0, id="10000-records-without-title"),
    pytest.param(
        lambda n: Record(title="Editorial", journal="Lancet", volume=str(n % 9), pages=str(n)),
        10_000,
        0,
        0,
        id="10000-one-word-titles",
    ),
]


@pytest.mark.parametrize(("make", "count", "works", "reviewed"), BOMBS)
def test_blocking_bombs_finish_fast_and_flag_rather_than_merge(
    make: Callable[[int], Record], count: int, works: int, reviewed: int
) -> None:
    features = [features_from_record(f"r{n:05d}", make(n)) for n in range(count)]
    start = time.perf_counter()
    result = deduplicate(features)
    assert time.perf_counter() - start < 60  # about a second idle; generous on a shared machine
    assert len(result.clusters) == works
    assert sum(len(c) for c in result.clusters) == (count if works else 0)
    assert len(result.borderline) == reviewed
