"""Title, name, journal and page normalisation: each trap deliberately handled."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.dedup.normalize import (
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
