"""Each matching rule and veto as a named case: must merge, or must not merge."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bimscli.dedup import Outcome, decide_pair, deduplicate, features_from_record
from bimscli.model import Author, Identifiers, PartialDate, Record, WorkType

BASE = Record(
    title="Intestinal lipoprotein overproduction in insulin-resistant states",
    authors=(Author("Adeli", "K."), Author("Lewis", "G. F.")),
    journal="Current Opinion in Lipidology",
    date=PartialDate(2008),
    volume="19",
    issue="3",
    pages="221-228",
)


def outcome(a: Record, b: Record, *, allow_preprints: bool = False) -> Outcome | None:
    """What the engine decides for two records with the prior weights (None: nothing)."""
    decision = decide_pair(
        features_from_record("a", a), features_from_record("b", b), allow_preprints=allow_preprints
    )
    return decision.outcome if decision else None


def retitled(title: str, **changes: object) -> Record:
    """The base record with another title (and other changes)."""
    return replace(BASE, title=title, **changes)  # type: ignore[arg-type]


MUST_MERGE = [
    pytest.param(BASE, replace(BASE, ids=Identifiers(doi="10.1/x")), id="identical-one-doi"),
    pytest.param(
        replace(BASE, ids=Identifiers(pmid="18460911")),
        replace(
            BASE, title="Intestinal lipoprotein overproduction", ids=Identifiers(pmid="18460911")
        ),
        id="same-pmid-truncated-title",
    ),
    pytest.param(
        replace(BASE, ids=Identifiers(pmcid="PMC123")),
        replace(BASE, date=PartialDate(2009), ids=Identifiers(pmcid="PMC123")),
        id="same-pmcid",
    ),
    pytest.param(
        retitled("Intestinal lipoprotein overproduction in insulin-résistant states"),
        BASE,
        id="unicode-accent",
    ),
    pytest.param(
        retitled("Intestinal <i>lipoprotein</i> overproduction in insulin&#8209;resistant states"),
        BASE,
        id="html-markup-and-entity",
    ),
    pytest.param(
        retitled("Intestinal {L}ipoprotein overproduction in \\emph{insulin-resistant} states"),
        BASE,
        id="latex-markup",
    ),
    pytest.param(
        retitled("INTESTINAL LIPOPROTEIN OVERPRODUCTION IN INSULIN RESISTANT STATES."),
        BASE,
        id="case-punctuation-trailing-period",
    ),
    pytest.param(
        retitled("The intestinal lipoprotein overproduction in insulin-resistant states"),
        BASE,
        id="leading-article",
    ),
    pytest.param(
        retitled("Randomised trial of haemodialysis in paediatric tumours"),
        retitled("Randomized trial of hemodialysis in pediatric tumors"),
        id="british-american-spelling",
    ),
    pytest.param(
        retitled("[Intestinal lipoprotein overproduction in insulin-resistant states]."),
        BASE,
        id="bracketed-translated-title",
    ),
    pytest.param(
        retitled("Intestinal lipoprotein overproduction in insulin-resistant states: mechanisms"),
        retitled(
            "Intestinal lipoprotein overproduction in insulin-resistant states: mechanisms and "
            "clinical implications for the prevention of atherosclerosis"
        ),
        id="truncated-title",
    ),
    pytest.param(
        retitled("Intestinal lipoprotien overproduction in insulin-resistant states"),
        replace(BASE, pages=None),
        id="typo-and-missing-pages",
    ),
    pytest.param(
        BASE,
        replace(BASE, authors=(Author("Lewis", "G. F."), Author("Adeli", "K."))),
        id="swapped-author-order",
    ),
    pytest.param(
        BASE,
        replace(BASE, date=PartialDate(2009)),
        id="year-within-one",
    ),
    pytest.param(
        retitled("Asthma control in children, part 2"),
        retitled("Asthma control in children. Part II"),
        id="same-part-number-as-digit-and-roman",
    ),
]


@pytest.mark.parametrize(("a", "b"), MUST_MERGE)
def test_must_merge(a: Record, b: Record) -> None:
    assert outcome(a, b) is Outcome.MERGE


MUST_NOT_MERGE = [
    pytest.param(
        replace(BASE, ids=Identifiers(doi="10.1/a")),
        replace(BASE, pages="301-310", ids=Identifiers(doi="10.1/b")),
        Outcome.REVIEW,
        id="different-dois-and-pages-not-overcome",
    ),
    pytest.param(
        replace(BASE, journal=None, volume=None, issue=None, pages=None, ids=Identifiers("10.1/a")),
        replace(BASE, journal=None, volume=None, issue=None, pages=None, ids=Identifiers("10.1/b")),
        Outcome.REVIEW,
        id="different-dois-with-too-little-else-to-overcome-them",
    ),
    pytest.param(
        retitled("Erratum to: Intestinal lipoprotein overproduction in insulin-resistant states"),
        BASE,
        Outcome.LINK,
        id="erratum-and-paper",
    ),
    pytest.param(
        retitled("Retraction: Intestinal lipoprotein overproduction in insulin-resistant states"),
        BASE,
        Outcome.LINK,
        id="retraction-notice-and-paper",
    ),
    pytest.param(
        retitled("Comment on: Intestinal lipoprotein overproduction in insulin-resistant states"),
        BASE,
        Outcome.LINK,
        id="comment-and-paper",
    ),
    pytest.param(
        retitled("Reply to: Intestinal lipoprotein overproduction in insulin-resistant states"),
        BASE,
        Outcome.LINK,
        id="reply-and-paper",
    ),
    pytest.param(
        replace(BASE, journal="bioRxiv", volume=None, pages=None),
        BASE,
        Outcome.LINK,
        id="preprint-and-published",
    ),
    pytest.param(
        replace(BASE, type=WorkType.BOOK),
        BASE,
        Outcome.DISTINCT,
        id="book-and-article",
    ),
    pytest.param(
        replace(BASE, type=WorkType.THESIS),
        BASE,
        Outcome.DISTINCT,
        id="thesis-and-article",
    ),
    pytest.param(
        retitled("Asthma control in children: part 1"),
        retitled("Asthma control in children: part 2"),
        Outcome.DISTINCT,
        id="part-1-part-2",
    ),
    pytest.param(
        retitled("A phase II trial of gefitinib in advanced lung cancer"),
        retitled("A phase III trial of gefitinib in advanced lung cancer"),
        Outcome.DISTINCT,
        id="phase-ii-phase-iii",
    ),
    pytest.param(
        BASE,
        replace(BASE, date=PartialDate(2011), volume="22", pages="301-310"),
        Outcome.REVIEW,
        id="years-three-apart-in-another-volume",
    ),
    pytest.param(
        BASE,
        replace(BASE, volume="20", pages="301-310"),
        Outcome.REVIEW,
        id="another-volume-and-first-page-is-two-places",
    ),
    pytest.param(
        BASE,
        replace(BASE, journal="Diabetes", volume="61", pages="A121", date=PartialDate(2007)),
        Outcome.REVIEW,
        id="conference-abstract-and-article-are-two-publications",
    ),
    pytest.param(
        retitled("Editorial", pages="1"),
        retitled("Editorial", pages="2"),
        Outcome.REVIEW,
        id="generic-title-different-pages",
    ),
    pytest.param(
        retitled("Asthma"),
        replace(retitled("Asthma"), volume=None, pages=None, authors=(Author("Doe", "J."),)),
        None,
        id="generic-title-different-authors",
    ),
    pytest.param(
        BASE,
        retitled(
            "Hepatic lipoprotein overproduction in insulin-sensitive states",
            volume="20",
            pages="101-110",
        ),
        Outcome.REVIEW,
        id="similar-but-different-title",
    ),
    pytest.param(
        retitled("Contemporary features of the post-pericardiotomy syndrome", pages="597"),
        retitled("Colchicine prevents early post-operative pericardial effusions", pages="597"),
        Outcome.REVIEW,
        id="other-title-on-the-same-single-page",
    ),
]


@pytest.mark.parametrize(("a", "b", "expected"), MUST_NOT_MERGE)
def test_must_not_merge(a: Record, b: Record, expected: Outcome | None) -> None:
    assert outcome(a, b) is expected


def test_same_doi_with_clearly_different_titles_is_flagged_not_merged() -> None:
    a = replace(BASE, ids=Identifiers(doi="10.2337/db15-1"))
    b = retitled(
        "Teneligliptin suppresses abdominal aortic aneurysm in mice",
        ids=Identifiers(doi="10.2337/db15-1"),
    )
    assert outcome(a, b) is Outcome.FLAG
    result = deduplicate([features_from_record("a", a), features_from_record("b", b)])
    assert result.clusters == ()
    assert [(d.first, d.second) for d in result.flagged] == [("a", "b")]


def test_preprint_merges_when_the_user_asks() -> None:
    preprint = replace(BASE, journal="medRxiv", volume=None, pages=None)
    assert outcome(preprint, BASE, allow_preprints=True) is Outcome.MERGE


def test_erratum_is_linked_to_its_paper_in_the_result() -> None:
    erratum = retitled("Erratum: Intestinal lipoprotein overproduction in insulin-resistant states")
    result = deduplicate([features_from_record("p", BASE), features_from_record("e", erratum)])
    assert result.clusters == ()
    assert [(d.first, d.second, d.rule) for d in result.links] == [("e", "p", "notice-and-paper")]


def test_explain_names_rule_and_scores() -> None:
    copy = replace(BASE, title=BASE.title.upper() if BASE.title else None, issue=None)
    result = deduplicate([features_from_record("a", BASE), features_from_record("b", copy)])
    (decision,) = result.explain("b")
    assert decision.rule == "weighed"
    assert decision.title_score == 100.0
    described = {f"{f.field.value} {f.level.value}" for f in decision.fields}
    assert {
        "title exact",
        "authors exact",
        "year exact",
        "volume exact",
        "pages exact",
    } <= described
    assert decision.score == pytest.approx(sum(f.weight for f in decision.fields))
    assert "pages exact +8.8" in decision.evidence


def test_different_dois_not_overcome_keep_the_pair_apart_while_it_waits_for_review() -> None:
    a = replace(BASE, ids=Identifiers(doi="10.1/a"))
    b = replace(BASE, pages="301-310", ids=Identifiers(doi="10.1/b"))
    decision = decide_pair(features_from_record("a", a), features_from_record("b", b))
    assert decision is not None
    assert decision.outcome is Outcome.REVIEW
    assert decision.keeps_apart
    assert decision.is_cannot_link
    far = replace(b, date=PartialDate(1990), authors=(Author("Doe", "J."),))
    distant = decide_pair(features_from_record("a", a), features_from_record("b", far))
    assert distant is not None
    assert (distant.outcome, distant.rule) == (Outcome.DISTINCT, "different-dois")
