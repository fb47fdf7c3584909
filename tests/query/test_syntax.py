"""The PubMed query parser: precedence, nesting, field tags, truncation, phrases, errors."""

from __future__ import annotations

import contextlib
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.errors import RuleError
from bimscli.query.fields import FIELDS
from bimscli.query.syntax import (
    OPERATORS,
    And,
    Not,
    Or,
    Query,
    QueryError,
    Range,
    Term,
    parse_query,
    print_query,
)

A, B, C, D = Term("a"), Term("b"), Term("c"), Term("d")


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        pytest.param("a OR b AND c", And(Or(A, B), C), id="left-to-right-not-and-first"),
        pytest.param("a AND b OR c", Or(And(A, B), C), id="and-then-or"),
        pytest.param("a NOT b OR c", Or(Not(A, B), C), id="not-is-binary-and-left-assoc"),
        pytest.param("a OR b NOT c", Not(Or(A, B), C), id="not-applies-to-all-before"),
        pytest.param("a AND (b OR c)", And(A, Or(B, C)), id="parentheses-honoured"),
        pytest.param("a b", And(A, B), id="implicit-and"),
        pytest.param("a b OR c", Or(And(A, B), C), id="implicit-and-left-to-right"),
        pytest.param("a (b OR c) d", And(And(A, Or(B, C)), D), id="implicit-and-around-group"),
        pytest.param("((a OR b) AND (c NOT d))", And(Or(A, B), Not(C, D)), id="nested-parentheses"),
        pytest.param("(((a)))", A, id="redundant-parentheses"),
        pytest.param("a and b", And(And(A, Term("and")), B), id="lower-case-is-a-word"),
    ],
)
def test_precedence_and_nesting(text: str, tree: Query) -> None:
    assert parse_query(text) == tree


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("tiab", "tiab"), ("Title/Abstract", "tiab"), ("ti", "ti"), ("title", "ti"),
        ("ab", "ab"), ("tw", "tw"), ("Text Word", "tw"), ("kw", "ot"), ("ot", "ot"),
        ("mh", "mh"), ("MeSH Terms", "mh"), ("mh:noexp", "mh:noexp"), ("majr", "majr"),
        ("pt", "pt"), ("ptyp", "pt"), ("ta", "ta"), ("journal", "ta"), ("au", "au"),
        ("la", "la"), ("tag", "tag"), ("doi", "doi"), ("pmid", "pmid"), ("TIAB", "tiab"),
    ],
)  # fmt: skip
def test_every_field_tag(written: str, canonical: str) -> None:
    assert parse_query(f"pain[{written}]") == Term("pain", canonical)


def test_dates_and_ranges() -> None:
    assert parse_query("2020:2025[dp]") == Range("2020", "2025")
    assert parse_query("2020/01:2020/06/30[pdat]") == Range("2020/01", "2020/06/30")
    assert parse_query("2024[dp]") == Term("2024", "dp")


def test_truncation_and_phrases() -> None:
    assert parse_query("radiotherap*") == Term("radiotherap", truncated=True)
    assert parse_query('"bone metasta*"[tiab]') == Term(
        "bone metasta", "tiab", truncated=True, phrase=True
    )
    assert parse_query('"quality of life"[tiab]') == Term("quality of life", "tiab", phrase=True)


def test_words_before_a_field_tag_are_one_phrase_as_in_pubmed() -> None:
    phrase = Term("quality of life", "tiab", phrase=True)
    assert parse_query("quality of life[tiab]") == phrase
    assert parse_query("pain AND quality of life[tiab]") == And(Term("pain"), phrase)
    # Without a tag, adjacent words are ANDed.
    assert parse_query("quality of life") == And(And(Term("quality"), Term("of")), Term("life"))
    # A truncated word ends a run: "radio*" stands alone, "therapy" is tagged.
    assert parse_query("radio* therapy[ti]") == And(
        Term("radio", truncated=True), Term("therapy", "ti")
    )


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        pytest.param("", 0, "empty query", id="empty"),
        pytest.param("pain[tiabx]", 4, "unknown field tag [tiabx]", id="unknown-field"),
        pytest.param("pain[tiab", 4, "unclosed field tag", id="unclosed-field"),
        pytest.param("pain]", 4, "']' without '['", id="stray-bracket"),
        pytest.param('"bone metastases', 0, "unclosed quote", id="unclosed-quote"),
        pytest.param("(pain OR sbrt", 0, "never closed", id="unclosed-paren"),
        pytest.param("pain OR sbrt)", 12, "without a matching '('", id="stray-paren"),
        pytest.param("pain AND", 8, "AND needs a term after it", id="trailing-operator"),
        pytest.param("OR pain", 0, "OR needs a term before it", id="leading-operator"),
        pytest.param("pain AND OR sbrt", 9, "OR needs a term before it", id="double-operator"),
        pytest.param("pain ()", 5, "empty parentheses", id="empty-group"),
        pytest.param("(a OR b)[tiab]", 8, "not to a group", id="field-on-group"),
        pytest.param("[tiab]", 0, "needs a term before it", id="field-alone"),
        pytest.param("rad*", 0, "too short", id="short-truncation"),
        pytest.param("radi*therapy", 4, "only at the end", id="inner-star"),
        pytest.param('""', 1, "empty term", id="empty-phrase"),
        pytest.param("2020:2025[tiab]", 0, "only with [dp]", id="range-without-dp"),
        pytest.param("pain OR last year[dp]", 8, "[dp] takes", id="bad-date"),
        pytest.param("pain (", 6, "a term is missing", id="open-paren-at-end"),
        pytest.param("2020*[dp]", 0, "not a truncated term", id="truncated-date"),
    ],
)
def test_errors_point_at_the_problem(text: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.position == position
    assert message in caught.value.message
    assert isinstance(caught.value, RuleError)


def test_error_shows_the_query_with_a_caret() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("pain OR sbrt[tiabx]")
    lines = str(caught.value).splitlines()
    assert lines[1] == "  pain OR sbrt[tiabx]"
    assert lines[2] == "              ^"
    assert lines[1][lines[2].index("^")] == "["


def test_printer_writes_canonical_text() -> None:
    text = 'radiotherap* OR  sbrt[Title/Abstract] AND ( pain OR "quality-of-life"[kw] )'
    assert print_query(parse_query(text)) == (
        'radiotherap* OR sbrt[tiab] AND (pain OR "quality-of-life"[ot])'
    )
    assert print_query(parse_query("a NOT (b NOT c)")) == "a NOT (b NOT c)"


# Property: printing a parsed query and parsing it again gives the same query.

_WORD_CHARS = string.ascii_letters + string.digits + "-/'.éüß"
_bare_words = st.text(_WORD_CHARS, min_size=1, max_size=10).filter(lambda w: w not in OPERATORS)
_phrase_texts = st.text(_WORD_CHARS + " ()[]", min_size=1, max_size=20).filter(
    lambda t: t.strip() != ""
)
_text_fields = st.sampled_from([None, *(name for name in FIELDS if name not in ("dp",))])


@st.composite
def _terms(draw: st.DrawFn) -> Query:
    if draw(st.integers(0, 5)) == 0:
        year = draw(st.integers(1900, 2099))
        if draw(st.booleans()):
            return Range(str(year), str(draw(st.integers(year, 2099))))
        return Term(f"{year}/{draw(st.integers(1, 12))}", "dp")
    phrase = draw(st.booleans())
    text = draw(_phrase_texts if phrase else _bare_words)
    truncated = len(text.strip()) >= 4 and draw(st.booleans())
    return Term(text, draw(_text_fields), truncated, phrase)


_queries = st.recursive(
    _terms(),
    lambda inner: st.builds(
        lambda kind, left, right: kind(left, right), st.sampled_from([And, Or, Not]), inner, inner
    ),
    max_leaves=12,
)


@given(_queries)
def test_print_then_parse_gives_the_same_query(query: Query) -> None:
    assert parse_query(print_query(query)) == query


@given(st.text(max_size=40))
def test_parser_raises_only_query_errors(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text)
