"""Title, name, journal and page normalisation: each trap deliberately handled."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.dedup.normalize import (
    family_key,
    name_key,
    numeric_signature,
    title_key,
    title_words,
)
from bimscli.dedup.venue import first_page, journal_names, journal_tokens, journals_compatible


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        pytest.param(
            "Ménière’s disease in the elderly",
            "Meniere's disease in the elderly",
            id="unicode-accents-and-quotes",
        ),
        pytest.param(
            "Ｆｕｌｌｗｉｄｔｈ letters in titles",
            "Fullwidth letters in titles",
            id="nfkd-compatibility-forms",
        ),
        pytest.param(
            "<i>In vivo</i> imaging of CD4<sup>+</sup> cells",
            "In vivo imaging of CD4+ cells",
            id="html-tags",
        ),
        pytest.param(
            "Na&lt;sub&gt; channels &amp; pain",
            "Na channels and pain",
            id="html-entities-and-ampersand-vs-and",
        ),
        pytest.param('{\\"U}ber die \\emph{Lunge}', "Uber die Lunge", id="latex"),
        pytest.param(
            "The lung: a review.", "Lung - a review", id="leading-article-punctuation-period"
        ),
        pytest.param(
            "Paediatric tumours: randomised trial",
            "Pediatric tumors: randomized trial",
            id="british-american",
        ),
        pytest.param("[Lung cancer in women].", "Lung cancer in women", id="bracketed-translation"),
        pytest.param('"Lung cancer in women"', "Lung cancer in women", id="surrounding-quotes"),
    ],
)
def test_title_variants_share_a_key(variant: str, canonical: str) -> None:
    def loose(t: str) -> str:
        return title_key(t).replace(" and ", " ")

    assert loose(variant) == loose(canonical)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Asthma in children: part 1", "Asthma in children: part 2", id="part-1-2"),
        pytest.param("A phase II study of X", "A phase III study of X", id="phase-ii-iii"),
        pytest.param("Type 1 diabetes and X", "Type 2 diabetes and X", id="type-1-2"),
        pytest.param("Stage IV melanoma", "Stage III melanoma", id="stage-iv-iii"),
    ],
)
def test_titles_differing_by_a_number_have_different_signatures(a: str, b: str) -> None:
    assert numeric_signature(title_words(a)) != numeric_signature(title_words(b))


def test_pronoun_i_is_not_a_number() -> None:
    assert numeric_signature(title_words("What I learnt from asthma")) == ()


def test_name_keys_and_journals() -> None:
    assert name_key("Ortsäter") == name_key("Ortsater")
    assert journals_compatible(
        journal_names("J Am Coll Cardiol"),
        journal_names("Journal of the American College of Cardiology"),
    )
    assert not journals_compatible(journal_names("Thorax"), journal_names("Chest"))
    assert journal_tokens("The Lancet") == ("lancet",)
    assert first_page("P63 [tp 104]") == first_page("63")
    assert first_page("14-Jun") is None  # a spreadsheet turned "6-14" into a date


@given(st.text())
def test_title_key_is_idempotent(text: str) -> None:
    key = title_key(text)
    assert title_key(key) == key


@pytest.mark.parametrize(
    ("decorated", "plain"),
    [
        pytest.param(
            "Asthma in children [Review] [33 refs]", "Asthma in children", id="review-refs"
        ),
        pytest.param(
            "Inhaled steroids (multiple letters)", "Inhaled steroids", id="multiple-letters"
        ),
        pytest.param(
            "Asthma bei Kindern [Asthma in children]", "Asthma bei Kindern", id="translation"
        ),
        pytest.param("Asthma in children.", "Asthma in children", id="trailing-period"),
        pytest.param(
            "Asthma in children. German abstract", "Asthma in children", id="language-tag"
        ),
        pytest.param(
            "Asthma in children [Article in German]", "Asthma in children", id="article-in"
        ),
        pytest.param(
            "Asthma &amp; obesity in children", "Asthma and obesity in children", id="html"
        ),
    ],
)
def test_database_decorations_leave_the_title_key(decorated: str, plain: str) -> None:
    assert title_key(decorated) == title_key(plain)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        pytest.param(
            "J Mol Cell Cardiol", "Journal of Molecular and Cellular Cardiology", True, id="nlm"
        ),
        pytest.param(
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the United States of America",
            True,
            id="nlm-of-a-long-name",
        ),
        pytest.param("The Lancet", "Lancet", True, id="the"),
        pytest.param("Nutrition & Diabetes", "Nutrition and Diabetes", True, id="ampersand"),
        pytest.param(
            "JPEN J Parenter Enteral Nutr",
            "JPEN. Journal of parenteral and enteral nutrition",
            True,
            id="subtitle",
        ),
        pytest.param(
            "Gan to Kagaku Ryoho [Japanese Journal of Cancer & Chemotherapy]",
            "Japanese Journal of Cancer and Chemotherapy",
            True,
            id="bracketed-parallel-title",
        ),
        pytest.param(
            "Ann Fr Anesth Reanim",
            "Annales Francaises d Anesthesie et de Reanimation",
            True,
            id="french-particles",
        ),
        pytest.param(
            "Langenbecks Arch Surg", "Langenbeck's Archives of Surgery", True, id="possessive"
        ),
        pytest.param("Diabetes", "Diabetes Care", False, id="one-word-more-is-another-journal"),
        pytest.param("Thorax", "Chest", False, id="other-journal"),
    ],
)
def test_journal_names_agree_by_abbreviation(one: str, other: str, same: bool) -> None:
    assert journals_compatible(journal_names(one), journal_names(other)) is same


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param("1317-23", "1317-1323", id="abbreviated-range"),
        pytest.param("e24", "24", id="e-page"),
        pytest.param("Article 24", "24", id="article-number"),
        pytest.param("S131-S132", "131", id="supplement-page"),
    ],
)
def test_first_pages_agree(one: str, other: str) -> None:
    assert first_page(one) == first_page(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param("King Jr.", "King", id="jr"),
        pytest.param("Gates III", "Gates", id="roman-suffix"),
        pytest.param("O'Brien", "OBrien", id="apostrophe"),
    ],
)
def test_family_names_agree(one: str, other: str) -> None:
    assert family_key(one) == family_key(other)
