"""Where a query matched a record: the spans of original text behind each hit.

This is the slow path, used for ``bims tag --explain`` on one work: each positive term of the
query (not the right side of a ``NOT``) is searched again with a regular expression over the
folded text, and the spans are mapped back to the original characters.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bimscli.model import Record
from bimscli.query.fields import Matching, Source
from bimscli.query.matcher import Atom, atom_of, author_matches, other_atom_hits, tag_matches
from bimscli.query.syntax import Not, Query, Range, Term, print_query
from bimscli.query.text import fold_with_offsets, normalized_words
from bimscli.query.views import author_keys, language_synonyms, text_values, whole_values


@dataclass(frozen=True, slots=True)
class Span:
    """A matched stretch of one value of a record: ``value[start:end]`` is what matched."""

    source: Source
    value: str
    start: int
    end: int
    term: str

    @property
    def text(self) -> str:
        """The matched text as the record has it."""
        return self.value[self.start : self.end]


def positive_terms(query: Query) -> list[Term | Range]:
    """The terms whose presence can make a query match (everything but ``NOT``'s right side).

    >>> from bimscli.query.syntax import parse_query
    >>> [t.text for t in positive_terms(parse_query("(a OR b) NOT c"))]
    ['a', 'b']
    """
    if isinstance(query, Term | Range):
        return [query]
    if isinstance(query, Not):
        return positive_terms(query.left)
    return positive_terms(query.left) + positive_terms(query.right)


def _word_pattern(atom: Atom) -> re.Pattern[str]:
    words = [re.escape(w) for w in atom.key.split(" ")]
    body = r"[\W_]+".join(words)
    tail = r"[^\W_]*" if atom.truncated else r"(?![^\W_])"
    return re.compile(r"(?<![^\W_])" + body + tail)


def word_spans(atom: Atom, record: Record, term: str = "") -> list[Span]:
    """Every place the words of a word-matched atom occur in the record's sources."""
    pattern = _word_pattern(atom)
    spans: list[Span] = []
    for source in atom.sources:
        for value in text_values(record, source):
            folded, offsets = fold_with_offsets(value)
            spans.extend(
                Span(source, value, offsets[m.start()], offsets[m.end() - 1] + 1, term)
                for m in pattern.finditer(folded)
            )
    return spans


def _whole_value_spans(atom: Atom, record: Record, tags: Collection[str], term: str) -> list[Span]:
    source = atom.sources[0]
    if atom.matching is Matching.TAG:
        found = [t for t in tags if tag_matches(atom, t.casefold())]
        return [Span(Source.TAG, t, 0, len(t), term) for t in found]
    if atom.matching is Matching.STATUS:
        return []  # a status is not in the record's text; the caller knows it
    if atom.matching is Matching.VALUE:
        values = whole_values(record, source)
        spans = []
        for value in values:
            keys = [normalized_words(value)]
            if source is Source.LANGUAGE:
                keys.extend(language_synonyms(keys[0]))
            if any(k == atom.key or (atom.truncated and k.startswith(atom.key)) for k in keys):
                spans.append(Span(source, value, 0, len(value), term))
        return spans
    if atom.matching is Matching.AUTHOR:
        return [
            Span(source, a.display_name, 0, len(a.display_name), term)
            for a in record.authors
            if any(author_matches(atom.key, key) for key in author_keys(a))
        ]
    if other_atom_hits(atom, record):
        return [Span(source, v, 0, len(v), term) for v in whole_values(record, source)]
    return []


def explain_query(query: Query, record: Record, tags: Collection[str] = ()) -> list[Span]:
    """The spans behind every positive term of ``query`` that hits ``record``."""
    spans: list[Span] = []
    for term in positive_terms(query):
        atom = atom_of(term)
        label = _term_label(term)
        if atom.matching is Matching.WORDS:
            spans.extend(word_spans(atom, record, label))
        else:
            spans.extend(_whole_value_spans(atom, record, tags, label))
    return spans


def _term_label(term: Term | Range) -> str:
    return print_query(term)
