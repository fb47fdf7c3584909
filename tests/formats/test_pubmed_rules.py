"""The PubMed rules shared by both PubMed parsers: page ranges (dates: test_dates.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.formats._pubmed import expand_medline_pages


@pytest.mark.parametrize(
    ("pages", "expanded"),
    [
        pytest.param("561-7", "561-567", id="one-digit-end"),
        pytest.param("1093-101", "1093-1101", id="carry-into-thousands"),
        pytest.param("e123", "e123", id="article-number"),
        pytest.param("12-3; discussion 14", "12-13; discussion 14", id="discussion"),
        pytest.param("R12-5", "R12-R15", id="letter-prefix"),
        pytest.param("99-1", "99-1", id="end-before-start-left-alone"),
        pytest.param("1-2, 5-9", "1-2, 5-9", id="already-full"),
        pytest.param("i-xii", "i-xii", id="roman"),
    ],
)
def test_expand_medline_pages(pages: str, expanded: str) -> None:
    assert expand_medline_pages(pages) == expanded


@given(st.text())
def test_expanding_pages_is_idempotent(text: str) -> None:
    once = expand_medline_pages(text)
    assert expand_medline_pages(once) == once


def abbreviate_like_medline(first: str, last: str) -> str:
    """MEDLINE's own rule: drop the leading digits the last page shares with the first."""
    if len(first) != len(last):
        return last
    shared = 0
    while shared < len(last) - 1 and first[shared] == last[shared]:
        shared += 1
    return last[shared:]


@given(st.integers(1, 99_999), st.integers(1, 999))
def test_expansion_undoes_medline_abbreviation(first: int, span: int) -> None:
    start, end = str(first), str(first + span)
    assert expand_medline_pages(f"{start}-{abbreviate_like_medline(start, end)}") == (
        f"{start}-{end}"
    )
