"""Compile queries once, then match them against many records fast.

A query is broken into *atoms* (one term in one field, normalised). All atoms of all queries
that are compiled together share one :class:`AtomIndex`, which looks at each record once:

- each text source is folded and split into words once; atoms that search the same sources
  (``[tiab]``: title, abstract, keywords) share one table, which finds every word, phrase and
  stem in those sources' words in one pass of an Aho-Corasick automaton
  (:class:`~bimscli.query.word_tables.WordTables`);
- headings, journals, dates, authors, identifiers and tags are compared as whole values.

The result for a record is the set of atom ids that hit; each compiled query is a predicate
over that set, with its boolean structure flattened (``a OR b OR c`` is one set test) so that
evaluating a hundred rules costs microseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from itertools import chain

from bimscli.identifiers import normalize_doi, normalize_pmid
from bimscli.model import NO_STATUS, CurationStatus, Record
from bimscli.query.fields import Matching, Source, field_spec
from bimscli.query.syntax import And, Not, Or, Query, QueryError, Range, Term, parse_query
from bimscli.query.text import fold_and_split, word_tokens
from bimscli.query.views import author_keys, date_bounds, text_values, value_keys
from bimscli.query.word_tables import WordTables, join_sources, join_values

Predicate = Callable[[set[int]], bool]


@dataclass(frozen=True, slots=True)
class Atom:
    """One term in one field, normalised: what the index looks up.

    ``key`` is the term's words joined by spaces (or a normalised identifier, a tag, or a date
    range as ``lo:hi``).
    """

    matching: Matching
    sources: tuple[Source, ...]
    key: str
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A query as a predicate over the atom ids that hit a record.

    ``trigger`` is a set of atoms of which at least one must hit for the query to match, or
    ``None`` when no such set is known (``NOT`` alone on the right cannot trigger): a cheap
    test that skips most rules for most records.
    """

    query: Query
    predicate: Predicate
    trigger: frozenset[int] | None

    def holds(self, hits: set[int]) -> bool:
        """True when the query matches a record whose hits are ``hits``."""
        if self.trigger is not None and self.trigger.isdisjoint(hits):
            return False
        return self.predicate(hits)


def atom_of(term: Term | Range, query_text: str = "") -> Atom:
    """The atom a term or range is looked up as; a :class:`QueryError` for a term of no words.

    >>> atom_of(Term("Quality-of-Life", "tiab")).key
    'quality of life'
    """
    spec = field_spec(term.field)
    if isinstance(term, Range):
        lo, _ = _date_term_bounds(term.start)
        _, hi = _date_term_bounds(term.end)
        return Atom(Matching.DATE, spec.sources, f"{lo}:{hi}")
    if spec.matching is Matching.DATE:
        lo, hi = _date_term_bounds(term.text)
        return Atom(Matching.DATE, spec.sources, f"{lo}:{hi}")
    if spec.matching is Matching.TAG:
        return Atom(Matching.TAG, spec.sources, term.text.strip().casefold(), term.truncated)
    if spec.matching is Matching.STATUS:
        return _status_atom(term, query_text)
    if spec.matching is Matching.IDENTIFIER:
        normalize = normalize_doi if spec.name == "doi" else normalize_pmid
        key = normalize(term.text)
        if key is None:
            raise QueryError(query_text, term.position, f"{term.text!r} is not a {spec.name}")
        return Atom(Matching.IDENTIFIER, spec.sources, key)
    key = " ".join(word_tokens(term.text))
    if not key:
        raise QueryError(query_text, term.position, "this term has no letters or digits")
    return Atom(spec.matching, spec.sources, key, term.truncated)


def _status_atom(term: Term, query_text: str) -> Atom:
    """The atom of a ``[status]`` term; a :class:`QueryError` for a status bims does not know."""
    status = term.text.strip().casefold()
    if status not in STATUS_NAMES or term.truncated:
        names = ", ".join(sorted(STATUS_NAMES))
        raise QueryError(query_text, term.position, f"a [status] is one of {names}")
    return Atom(Matching.STATUS, (Source.STATUS,), status)


STATUS_NAMES = frozenset({*(s.value for s in CurationStatus), NO_STATUS})
"""What a ``[status]`` term may say."""


def _date_term_bounds(text: str) -> tuple[int, int]:
    parts = [int(p) for p in text.split("/")]
    year, month, day = [*parts, 0, 0][:3]
    lo = year * 10000 + (month or 1) * 100 + (day or 1)
    hi = year * 10000 + (month or 12) * 100 + (day or 31)
    return lo, hi


@dataclass(frozen=True, slots=True)
class _ValueTables:
    exact: dict[str, list[int]]
    prefixes: list[tuple[str, int]]


class AtomIndex:
    """Atoms of many queries, with the tables that find which of them hit a record."""

    def __init__(self) -> None:
        self.atoms: list[Atom] = []
        self._ids: dict[Atom, int] = {}
        self._words: dict[tuple[Source, ...], WordTables] = {}
        self._values: dict[Source, _ValueTables] = {}
        self._other: list[tuple[Atom, int]] = []
        self._tags: list[tuple[Atom, int]] = []
        self._statuses: dict[str, list[int]] = defaultdict(list)
        self._dirty = False

    def atom_id(self, atom: Atom) -> int:
        """The id of an atom, adding it to the tables the first time it is seen."""
        known = self._ids.get(atom)
        if known is not None:
            return known
        atom_id = len(self.atoms)
        self.atoms.append(atom)
        self._ids[atom] = atom_id
        self._register(atom, atom_id)
        return atom_id

    def _register(self, atom: Atom, atom_id: int) -> None:
        if atom.matching is Matching.WORDS:
            tables = self._words.setdefault(atom.sources, WordTables())
            tables.add(atom.key, atom.truncated, atom_id)
            self._dirty = True
        elif atom.matching is Matching.VALUE:
            for source in atom.sources:
                values = self._values.setdefault(source, _ValueTables(defaultdict(list), []))
                if atom.truncated:
                    values.prefixes.append((atom.key, atom_id))
                else:
                    values.exact[atom.key].append(atom_id)
        elif atom.matching is Matching.TAG:
            self._tags.append((atom, atom_id))
        elif atom.matching is Matching.STATUS:
            self._statuses[atom.key].append(atom_id)
        else:
            self._other.append((atom, atom_id))

    def word_sources(self) -> tuple[Source, ...]:
        """The text sources whose words some atom looks for (what tagging must read)."""
        return tuple(dict.fromkeys(source for group in self._words for source in group))

    def tag_atom_ids(self, tag: str) -> list[int]:
        """The ``[tag]`` atoms that a work carrying ``tag`` hits (the tag or an ancestor)."""
        folded = tag.casefold()
        return [atom_id for atom, atom_id in self._tags if tag_matches(atom, folded)]

    def hits(
        self, record: Record, tags: Collection[str] = (), status: str | None = None
    ) -> set[int]:
        """The ids of the atoms that hit a record carrying ``tags``, whose work has the
        curation ``status`` (``None``: none)."""
        if self._dirty:
            for tables in self._words.values():
                tables.freeze()
            self._dirty = False
        found: set[int] = set()
        if self._words:
            words_of: dict[Source, str] = {}
            for group, tables in self._words.items():
                tables.find(_group_text(record, group, words_of), found)
        for source, values in self._values.items():
            keys = value_keys(record, source)
            exact = values.exact
            found.update(chain.from_iterable(exact[k] for k in exact.keys() & keys))
            if values.prefixes:
                for key in keys:
                    found.update(i for prefix, i in values.prefixes if key.startswith(prefix))
        if self._other:
            found.update(i for atom, i in self._other if other_atom_hits(atom, record))
        for tag in tags:
            found.update(self.tag_atom_ids(tag))
        if self._statuses:
            found.update(self._statuses.get(status or NO_STATUS, ()))
        return found


def _group_text(record: Record, group: tuple[Source, ...], words_of: dict[Source, str]) -> str:
    """The words of a group of sources as one text (see :func:`join_sources`); each source is
    folded and split once per record (``words_of``), whatever the number of groups reading it."""
    runs: list[str] = []
    for source in group:
        words = words_of.get(source)
        if words is None:
            texts = text_values(record, source)
            words = " ".join(fold_and_split(join_values(texts))[1]) if texts else ""
            words_of[source] = words
        if words:
            runs.append(words)
    return join_sources(runs)


def tag_matches(atom: Atom, tag: str) -> bool:
    """True when a ``[tag]`` atom finds a (case-folded) tag: itself or a tag below it.

    >>> tag_matches(Atom(Matching.TAG, (Source.TAG,), "design"), "design/rct")
    True
    >>> tag_matches(Atom(Matching.TAG, (Source.TAG,), "design"), "designer")
    False
    """
    if atom.truncated:
        return tag.startswith(atom.key)
    return tag == atom.key or tag.startswith(atom.key + "/")


def other_atom_hits(atom: Atom, record: Record) -> bool:
    """True when a date, author or identifier atom hits a record."""
    if atom.matching is Matching.DATE:
        lo, hi = (int(x) for x in atom.key.split(":"))
        dates = (d for d in (record.date, record.epub_date) if d is not None)
        return any(b[0] <= hi and b[1] >= lo for b in map(date_bounds, dates))
    if atom.matching is Matching.AUTHOR:
        return any(author_matches(atom.key, key) for a in record.authors for key in author_keys(a))
    value = record.ids.doi if Source.DOI in atom.sources else record.ids.pmid
    return value is not None and value.lower() == atom.key


def author_matches(query: str, key: str) -> bool:
    """PubMed's author search: ``smith j`` finds ``smith ja``; ``smith`` does not find ``smithson``.

    >>> author_matches("smith j", "smith ja"), author_matches("smith", "smithson a")
    (True, False)
    """
    if key == query or key.startswith(query + " "):
        return True
    return " " in query and key.startswith(query)


def compile_query(query: Query, index: AtomIndex, query_text: str = "") -> CompiledQuery:
    """Compile a parsed query against an index; its atoms are added to the index."""
    return CompiledQuery(query, _predicate(query, index, query_text), _trigger(query, index))


def _flatten(query: Query, kind: type[And] | type[Or]) -> list[Query]:
    if isinstance(query, kind):
        return _flatten(query.left, kind) + _flatten(query.right, kind)
    return [query]


def _predicate(query: Query, index: AtomIndex, text: str) -> Predicate:
    if isinstance(query, Term | Range):
        atom_id = index.atom_id(atom_of(query, text))
        return lambda hits: atom_id in hits
    if isinstance(query, Not):
        left, right = _predicate(query.left, index, text), _predicate(query.right, index, text)
        return lambda hits: left(hits) and not right(hits)
    kind = And if isinstance(query, And) else Or
    parts = _flatten(query, kind)
    ids = frozenset(index.atom_id(atom_of(p, text)) for p in parts if isinstance(p, Term | Range))
    rest = [_predicate(p, index, text) for p in parts if not isinstance(p, Term | Range)]
    if kind is And:
        return lambda hits: ids.issubset(hits) and all(p(hits) for p in rest)
    return lambda hits: not ids.isdisjoint(hits) or any(p(hits) for p in rest)


def _trigger(query: Query, index: AtomIndex) -> frozenset[int] | None:
    """Atoms of which one must hit for the query to match (``None``: unknown)."""
    if isinstance(query, Term | Range):
        return frozenset({index.atom_id(atom_of(query))})
    if isinstance(query, Not):
        return _trigger(query.left, index)
    left, right = _trigger(query.left, index), _trigger(query.right, index)
    if isinstance(query, Or):
        return None if left is None or right is None else left | right
    if left is None or right is None:
        return left if right is None else right
    return left if len(left) <= len(right) else right


class Search:
    """One query compiled on its own, as ``bims list --query`` uses it.

    >>> search = Search('"spinal cord compression"[tiab] OR mescc')
    >>> search.matches(Record(abstract=(), keywords=("MESCC",)))
    True
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.query = parse_query(text)
        self.index = AtomIndex()
        self.compiled = compile_query(self.query, self.index, text)

    def matches(
        self, record: Record, tags: Collection[str] = (), status: str | None = None
    ) -> bool:
        """True when the record (carrying ``tags``, of a work with curation ``status``)
        matches the query."""
        return self.compiled.holds(self.index.hits(record, tags, status))


def query_expression(query: Query, index: AtomIndex, constants: dict[str, object]) -> str:
    """A Python expression over a set ``h`` of hit atom ids that is true when the query matches.

    Used to compile a whole rule set into one function (see :class:`~bimscli.tagging.Tagger`).
    The expression holds only integers, operators and the names it adds to ``constants``
    (frozensets of atom ids): no text of the query reaches it, so compiling it is safe.

    >>> index, constants = AtomIndex(), {}
    >>> query_expression(parse_query("(a OR b) AND c NOT d"), index, constants)
    '((0 in h) and ((not C0.isdisjoint(h)))) and not (3 in h)'
    >>> sorted(constants["C0"])
    [1, 2]
    """
    if isinstance(query, Term | Range):
        return f"{index.atom_id(atom_of(query))} in h"
    if isinstance(query, Not):
        left = query_expression(query.left, index, constants)
        return f"({left}) and not ({query_expression(query.right, index, constants)})"
    kind = And if isinstance(query, And) else Or
    parts = _flatten(query, kind)
    ids = frozenset(index.atom_id(atom_of(p)) for p in parts if isinstance(p, Term | Range))
    terms = [f"({query_expression(p, index, constants)})" for p in parts
             if not isinstance(p, Term | Range)]  # fmt: skip
    if len(ids) == 1:
        terms.insert(0, f"({next(iter(ids))} in h)")
    elif ids:
        name = f"C{len(constants)}"
        constants[name] = ids
        terms.insert(0, f"({name} <= h)" if kind is And else f"(not {name}.isdisjoint(h))")
    return (" and " if kind is And else " or ").join(terms)
