"""Candidate pairs without comparing all pairs: inverted indexes over blocking keys.

Two records are compared only when they share a key: an identifier, the first or last three
title words, first author and year, or volume, first page and year. Each key holds at most
:data:`MAX_BLOCK` records; a larger block (a very common name in one year) is skipped because
its records meet through their other keys anyway. The cost grows with the number of records
times the (bounded) block sizes, close to linearly.
"""

from __future__ import annotations

from collections.abc import Iterator

from bimscli.dedup.features import RecordFeatures

MAX_BLOCK = 64
"""Blocks larger than this generate no pairs (see the module docstring)."""

TITLE_EDGE_WORDS = 3


def blocking_keys(f: RecordFeatures) -> tuple[str, ...]:
    """The keys under which a record is indexed.

    >>> blocking_keys(RecordFeatures("r", title_key="a b c d e", authors=("smith",), year=2001))
    ('tp:a b c', 'ts:c d e', 'ay:smith:2001', 'at:smith:a')
    """
    keys = [f"doi:{d}" for d in sorted(f.dois)]
    keys += [f"pmid:{p}" for p in sorted(f.pmids)]
    keys += [f"pmc:{p}" for p in sorted(f.pmcids)]
    words = f.title_key.split()
    if words:
        keys.append("tp:" + " ".join(words[:TITLE_EDGE_WORDS]))
        keys.append("ts:" + " ".join(words[-TITLE_EDGE_WORDS:]))
    if f.alt_title_key:
        keys.append("tp:" + " ".join(f.alt_title_key.split()[:TITLE_EDGE_WORDS]))
    if f.authors and f.year is not None:
        keys.append(f"ay:{f.authors[0]}:{f.year}")
    if f.authors and words:
        keys.append(f"at:{f.authors[0]}:{words[0]}")
    if f.volume and f.page:
        keys.append(f"vp:{f.volume}:{f.page}")
    return tuple(keys)


class BlockingIndex:
    """A reusable index of a library's records, for batch and incremental deduplication.

    Records are numbered in the order they are added; :meth:`features` returns them.
    """

    def __init__(self) -> None:
        self._features: list[RecordFeatures] = []
        self._blocks: dict[str, list[int]] = {}
        self._positions: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._features)

    def add(self, features: RecordFeatures) -> int:
        """Index one record and return its number; a known ``record_id`` is replaced."""
        if features.record_id in self._positions:
            self.remove(features.record_id)
        number = len(self._features)
        self._features.append(features)
        self._positions[features.record_id] = number
        for key in blocking_keys(features):
            self._blocks.setdefault(key, []).append(number)
        return number

    def remove(self, record_id: str) -> None:
        """Forget a record (its slot stays, unindexed, so numbers remain stable)."""
        number = self._positions.pop(record_id)
        for key in blocking_keys(self._features[number]):
            members = self._blocks.get(key)
            if members is not None and number in members:
                members.remove(number)

    def features(self, number: int) -> RecordFeatures:
        """The features of record ``number``."""
        return self._features[number]

    def number_of(self, record_id: str) -> int | None:
        """The number of an indexed record, or ``None``."""
        return self._positions.get(record_id)

    def candidates(self, number: int, *, only_below: bool = False) -> set[int]:
        """The records sharing a (not oversized) block with record ``number``.

        With ``only_below``, only records numbered lower: each pair is then produced once.
        """
        found: set[int] = set()
        for key in blocking_keys(self._features[number]):
            members = self._blocks[key]
            if len(members) > MAX_BLOCK and not key.startswith(("doi:", "pmid:", "pmc:")):
                continue
            for other in members:
                if other != number and (not only_below or other < number):
                    found.add(other)
        return found

    def candidate_pairs(self) -> Iterator[tuple[int, int]]:
        """Every candidate pair of indexed records, once each."""
        for number in sorted(self._positions.values()):
            for other in sorted(self.candidates(number, only_below=True)):
                yield other, number
