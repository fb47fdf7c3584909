"""The fast matcher agrees with a plain reading of the query on generated records and queries.

The matcher finds every word, phrase and stem of every query in one pass over the joined words
of each group of sources, with an Aho-Corasick automaton (:mod:`bimscli.query.word_tables`). The
reference here does the obvious thing instead: split each field into words and slide each
term's words along them, then evaluate the query tree. Both must agree on every record.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.model import AbstractSection, Record
from bimscli.query import Search, parse_query
from bimscli.query.fields import Matching, field_spec
from bimscli.query.syntax import And, Not, Or, Query, Term
from bimscli.query.text import word_tokens
from bimscli.query.views import text_values
from bimscli.tagging import Tagger, parse_rules

WORDS = ("bone", "metastases", "metastatic", "pain", "radio", "radiotherapy", "spinal", "of")
FIELDS = ("tiab", "ti", "ab", "ot", "tw")
OTHER_RULES = parse_rules(
    """
    [tags."y/one"]
    query = '"bone metastases"[tiab] OR radiotherap*[ti]'
    [tags."y/two"]
    query = 'spinal[ab] AND "pain of"[tiab]'
    [tags."y/after"]
    query = 'x[tag] AND pain[ti]'
    """,
    "other",
).rules
"""Rules compiled beside the generated one, so that the atoms of several rules share tables;
``y/after`` depends on the generated rule's tag (it is evaluated only when an atom of its own
triggers it, or when the generated rule fires and sets its ``[tag]`` atom)."""
AFTER = parse_query("pain[ti]")


def _term_in_words(words: list[str], key: list[str], truncated: bool) -> bool:
    size = len(key)
    for start in range(len(words) - size + 1):
        window = words[start : start + size]
        if window[:-1] != key[:-1]:
            continue
        last = window[-1]
        if last == key[-1] or (truncated and last.startswith(key[-1])):
            return True
    return False


def reference_matches(query: Query, record: Record) -> bool:
    """The query evaluated on the record by sliding each term along each field's words."""
    if isinstance(query, Term):
        spec = field_spec(query.field)
        assert spec.matching is Matching.WORDS
        key = word_tokens(query.text)
        return any(
            _term_in_words(word_tokens(value), key, query.truncated)
            for source in spec.sources
            for value in text_values(record, source)
        )
    if isinstance(query, Not):
        return reference_matches(query.left, record) and not reference_matches(query.right, record)
    assert isinstance(query, And | Or)
    left, right = reference_matches(query.left, record), reference_matches(query.right, record)
    return left and right if isinstance(query, And) else left or right


_separator = st.sampled_from([" ", " ", " ", "-", ", ", ". ", "; ", " (", ") "])
_word = st.sampled_from(WORDS).map(lambda w: w.upper() if len(w) == 5 else w)
_text = st.lists(st.tuples(_word, _separator), max_size=12).map(
    lambda parts: "".join(w + s for w, s in parts)
)
_records = st.builds(
    lambda title, sections, keywords: Record(
        title=title or None,
        abstract=tuple(AbstractSection(s) for s in sections if s),
        keywords=tuple(k for k in keywords if k),
    ),
    _text,
    st.lists(_text, max_size=2),
    st.lists(st.lists(_word, min_size=1, max_size=2).map(" ".join), max_size=3),
)


@st.composite
def _terms(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
    if draw(st.booleans()) and len(words[-1]) >= 5:
        words[-1] = words[-1][: draw(st.integers(4, len(words[-1])))] + "*"
    text = " ".join(words)
    quoted = f'"{text}"' if len(words) > 1 else text
    return f"{quoted}[{draw(st.sampled_from(FIELDS))}]"


_queries = st.recursive(
    _terms(),
    lambda inner: st.tuples(inner, st.sampled_from(["AND", "OR", "NOT"]), inner).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    ),
    max_leaves=5,
)


@settings(max_examples=300, deadline=None)
@given(query=_queries, records=st.lists(_records, min_size=1, max_size=4))
def test_the_fast_matcher_agrees_with_the_reference(query: str, records: list[Record]) -> None:
    """Both ways bims matches: one query (``--query``) and a compiled rule set (``bims tag``)."""
    search = Search(query)
    parsed = parse_query(query)
    rules = parse_rules(f"[tags.\"x/found\"]\nquery = '{query}'", "generated").rules
    tagger = Tagger([*rules, *OTHER_RULES])
    for record in records:
        expected = reference_matches(parsed, record)
        assert search.matches(record) == expected, (query, record)
        tags = tagger.tag(record)
        assert ("x/found" in tags) == expected, (query, record)
        after = expected and reference_matches(AFTER, record)
        assert ("y/after" in tags) == after, (query, record)
