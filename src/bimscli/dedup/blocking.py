"""Candidate pairs without comparing all pairs: inverted indexes over blocking keys.

Two records are compared only when they share a key: an identifier, the first or last three
title words, first author and year, or volume, first page and year. Each key holds at most
:data:`MAX_BLOCK` records; a larger block (a very common name in one year) is skipped because
its records meet through their other keys anyway. The cost grows with the number of records
times the (bounded) block sizes, close to linearly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from bimscli.dedup.features import RecordFeatures

MAX_BLOCK = 64
"""Blocks larger than this generate no pairs (see the module docstring)."""

TITLE_EDGE_WORDS = 3


def blocking_keys(f: RecordFeatures) -> tuple[str, ...]:
    """The keys under which a record is indexed.

    >>> blocking_keys(RecordFeatures("r", title_key="a b c d e", authors=("smith",), year=2001))
    ('tp:a b c', 'ts:c d e', 'ay:smith:2001', 'at:smith:a')
    """
    return (*identifier_keys(f), *field_keys(f))


def stored_keys(f: RecordFeatures) -> tuple[str, ...]:
    """The keys a library stores for a record: its blocking keys and its exact-duplicate keys
    (:func:`exact_keys`)."""
    return (*blocking_keys(f), *exact_keys(f))


def identifier_keys(f: RecordFeatures) -> list[str]:
    """The keys of a record's identifiers (DOI, PMID, PMCID): every pair in them is judged.

    >>> identifier_keys(RecordFeatures("r", dois=frozenset({"10.1/x"}), pmids=frozenset({"1"})))
    ['doi:10.1/x', 'pmid:1']
    """
    keys = [f"doi:{d}" for d in sorted(f.dois)] if f.dois else []
    if f.pmids:
        keys += [f"pmid:{p}" for p in sorted(f.pmids)]
    if f.pmcids:
        keys += [f"pmc:{p}" for p in sorted(f.pmcids)]
    return keys


def field_keys(f: RecordFeatures) -> list[str]:
    """The keys of a record's title, first author, year, volume and page.

    >>> field_keys(RecordFeatures("r", title_key="a b", volume="3", page="12"))
    ['tp:a b', 'ts:a b', 'vp:3:12']
    """
    keys: list[str] = []
    words = f.title_key.split()
    if words:
        keys.append("tp:" + " ".join(words[:TITLE_EDGE_WORDS]))
        keys.append("ts:" + " ".join(words[-TITLE_EDGE_WORDS:]))
    for part in f.title_parts[1:]:
        keys.append("tp:" + " ".join(part.split()[:TITLE_EDGE_WORDS]))
    if f.authors:
        if f.year is not None:
            keys.append(f"ay:{f.authors[0]}:{f.year}")
        if words:
            keys.append(f"at:{f.authors[0]}:{words[0]}")
    if f.volume and f.page:
        keys.append(f"vp:{f.volume}:{f.page}")
    return keys


def exact_keys(f: RecordFeatures) -> tuple[str, ...]:
    """Keys that only exact duplicates share: the same normalised title, authors, year, venue
    and identifiers (``ex:``), or the same identifiers and title (``ei:``). Records sharing one always
    merge, however many share it. A record without a title (a newsletter item) has one only
    when it gives its first author, year and journal or volume and first page (``ev:``, with
    whatever else of its place it gives, missing parts included).

    >>> a = RecordFeatures("a", title_key="asthma in children", year=2001, dois=frozenset({"10.1/x"}))
    >>> [k[:3] for k in exact_keys(a)], exact_keys(a) == exact_keys(RecordFeatures("b", title_key="asthma in children", year=2001, dois=frozenset({"10.1/x"})))
    (['ex:', 'ei:'], True)
    """  # noqa: E501
    venue = f"{f.authors}|{f.year}|{f.journal[:1]}|{f.volume}|{f.issue}|{f.page}"
    if not f.title_key:
        # A newsletter item without a title: its place and first author are all there is.
        placed = f.authors and f.year and (f.journal or (f.page and f.volume))
        return ("ev:" + _digest(f"{f.type_class}|{f.is_preprint}|{venue}"),) if placed else ()
    kind = f"{f.type_class}|{f.notice}|{f.is_preprint}|{f.title_key}"
    ids = f"{sorted(f.dois)}|{sorted(f.pmids)}|{sorted(f.pmcids)}"
    keys = ["ex:" + _digest(f"{kind}|{venue}|{ids}")]
    if f.dois or f.pmids or f.pmcids:
        keys.append("ei:" + _digest(kind + "|" + ids))
    return tuple(keys)


def exact_signatures(f: RecordFeatures) -> tuple[int, ...]:
    """In-process hashes of the same fields as :func:`exact_keys` (not stable across runs,
    so never stored): building a million-record index computes these, not digests."""
    venue = (f.authors, f.year, f.journal[:1], f.volume, f.issue, f.page)
    if not f.title_key:
        placed = f.authors and f.year and (f.journal or (f.page and f.volume))
        return (hash(("ev", f.type_class, f.is_preprint, venue)),) if placed else ()
    kind = (f.type_class, f.notice, f.is_preprint, f.title_key)
    ids = (f.dois, f.pmids, f.pmcids)
    if f.dois or f.pmids or f.pmcids:
        return hash(("ex", kind, venue, ids)), hash(("ei", kind, ids))
    return (hash(("ex", kind, venue, ids)),)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


_ID_PREFIXES = ("doi:", "pmid:", "pmc:")
MAX_ID_BLOCK = 200
"""An identifier shared by more records than this is junk (a supplement's DOI): its pairs
are not judged one by one (20,000 pairs at this size) but all listed for review; exact
duplicates among them still merge (:func:`exact_keys`)."""


def _add_to_blocks(table: dict[int, int | list[int]], keys: list[str], number: int) -> None:
    for key in keys:
        hashed = hash(key)
        members = table.get(hashed)
        if members is None:
            table[hashed] = number
        elif isinstance(members, int):
            table[hashed] = [members, number]
        else:
            members.append(number)


class BlockingIndex:
    """A reusable index of a library's records, for batch and incremental deduplication.

    Records are numbered in the order they are added; :meth:`features` returns them. Keys are
    stored as their hashes and a block of one record as a bare number, which keeps a
    million-record index within a few hundred megabytes; a hash collision only adds a
    candidate pair, which the pair rules then judge like any other.
    """

    def __init__(self) -> None:
        self._features: list[RecordFeatures | None] = []
        self._blocks: dict[int, int | list[int]] = {}
        self._id_blocks: dict[int, int | list[int]] = {}
        self._positions: dict[str, int] = {}
        self._exact: dict[int, int] = {}
        self._exact_pairs: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def slots(self) -> int:
        """How many record numbers were handed out (removed records keep theirs)."""
        return len(self._features)

    def _table(self, key: str) -> dict[int, int | list[int]]:
        return self._id_blocks if key.startswith(_ID_PREFIXES) else self._blocks

    def add(self, features: RecordFeatures) -> int:
        """Index one record and return its number; a known ``record_id`` is replaced."""
        if features.record_id in self._positions:
            self.remove(features.record_id)
        number = len(self._features)
        self._features.append(features)
        self._positions[features.record_id] = number
        if features.dois or features.pmids or features.pmcids:
            _add_to_blocks(self._id_blocks, identifier_keys(features), number)
        _add_to_blocks(self._blocks, field_keys(features), number)
        self._add_exact(features, number)
        return number

    def _add_exact(self, features: RecordFeatures, number: int) -> None:
        for signature in exact_signatures(features):
            first = self._exact.setdefault(signature, number)
            if first != number:
                self._exact_pairs.append((first, number))

    def exact_pairs(self) -> list[tuple[int, int]]:
        """Every (first-indexed record, later record) pair of exact duplicates, as indexed
        (a removed record's pairs included: callers skip what is no longer indexed)."""
        return self._exact_pairs

    def exact_partners(self, number: int) -> list[int]:
        """The first-indexed record of each exact-duplicate key of record ``number`` (not
        itself): pairing each record with it joins any number of exact duplicates."""
        partners: list[int] = []
        for signature in exact_signatures(self.features(number)):
            first = self._exact.get(signature)
            if first is not None and first != number and first not in partners:
                partners.append(first)
        return partners

    def add_all(self, features: Iterable[RecordFeatures]) -> None:
        """Index many records: :meth:`add` for each, with the loop kept tight for a million."""
        blocks, id_blocks, positions = self._blocks, self._id_blocks, self._positions
        numbered = self._features
        exact, exact_pairs = self._exact, self._exact_pairs
        for f in features:
            if f.record_id in positions:
                self.remove(f.record_id)
            number = len(numbered)
            numbered.append(f)
            positions[f.record_id] = number
            if f.dois or f.pmids or f.pmcids:
                _add_to_blocks(id_blocks, identifier_keys(f), number)
            for key in field_keys(f):
                hashed = hash(key)
                members = blocks.get(hashed)
                if members is None:
                    blocks[hashed] = number
                elif isinstance(members, int):
                    blocks[hashed] = [members, number]
                else:
                    members.append(number)
            for signature in exact_signatures(f):
                first = exact.setdefault(signature, number)
                if first != number:
                    exact_pairs.append((first, number))

    def remove(self, record_id: str) -> None:
        """Forget a record (its number is not reused)."""
        number = self._positions.pop(record_id)
        features = self._features[number]
        self._features[number] = None
        if features is None:
            return
        for signature in exact_signatures(features):
            if self._exact.get(signature) == number:
                del self._exact[signature]
        for key in blocking_keys(features):
            table = self._table(key)
            members = table.get(hash(key))
            if members == number:
                del table[hash(key)]
            elif isinstance(members, list) and number in members:
                members.remove(number)

    def has(self, number: int) -> bool:
        """True when record ``number`` is indexed (was not removed)."""
        return self._features[number] is not None

    def features(self, number: int) -> RecordFeatures:
        """The features of record ``number``."""
        features = self._features[number]
        if features is None:
            raise KeyError(f"record number {number} was removed from the index")
        return features

    def number_of(self, record_id: str) -> int | None:
        """The number of an indexed record, or ``None``."""
        return self._positions.get(record_id)

    def blocks_of(self, number: int) -> list[tuple[list[int], bool]]:
        """The blocks of two or more records (not oversized) that hold record ``number``,
        with True for identifier blocks (as :meth:`blocks` gives them)."""
        found: list[tuple[list[int], bool]] = []
        for key in blocking_keys(self.features(number)):
            table = self._table(key)
            by_id = table is self._id_blocks
            members = table.get(hash(key))
            if isinstance(members, list) and len(members) <= (MAX_ID_BLOCK if by_id else MAX_BLOCK):
                found.append((members, by_id))
        return found

    def oversized_identifier_blocks(self) -> Iterator[list[int]]:
        """The identifier blocks too large to judge pair by pair (over :data:`MAX_ID_BLOCK`)."""
        for members in self._id_blocks.values():
            if isinstance(members, list) and len(members) > MAX_ID_BLOCK:
                yield members

    def blocks(self) -> Iterator[tuple[list[int], bool]]:
        """Every block of two or more records (not oversized), with True for identifier blocks.

        Every pair inside an identifier block must be judged; a title or author block's pairs
        can first be filtered by title similarity.
        """
        for table, limit, by_id in (
            (self._id_blocks, MAX_ID_BLOCK, True),
            (self._blocks, MAX_BLOCK, False),
        ):
            for members in table.values():
                if isinstance(members, list) and len(members) <= limit:
                    yield members, by_id
