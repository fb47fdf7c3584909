"""Which pairs of records deduplication judges at all, and the merges it needs no judging for.

A blocking key groups records that might be one work; :func:`candidate_pairs` picks, in each
block, the pairs worth a decision (every pair of an identifier block or a small block; in a
large block, the pairs whose titles are close enough, found in rapidfuzz's C code, and the pairs
with an untitled record). Exact duplicates (:func:`~bimscli.dedup.blocking.exact_keys`) merge
whatever the size of their block, and an identifier shared by too many records is put to a
person instead of being judged pair by pair.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations

from rapidfuzz.distance import Indel
from rapidfuzz.process import extract

from bimscli.dedup.blocking import BlockingIndex
from bimscli.dedup.match import Outcome, PairDecision

EXACT_DUPLICATE = "exact-duplicate"
"""The rule of a merge between records that share an exact-duplicate key."""


def exact_duplicate(first: str, second: str) -> PairDecision:
    """The merge of two exact duplicates (see :func:`~bimscli.dedup.blocking.exact_keys`).

    >>> exact_duplicate("b", "a").first
    'a'
    """
    low, high = (first, second) if first <= second else (second, first)
    return PairDecision(low, high, Outcome.MERGE, EXACT_DUPLICATE, 100.0)


SHARED_BY_MANY = "identifier-shared-by-many"
"""The rule of a review pair from an identifier block too large to judge pair by pair."""


def shared_by_too_many(index: BlockingIndex) -> list[PairDecision]:
    """Review pairs (first record, each other) for identifiers that too many records share.

    A DOI or PMID on thousands of records is junk or an import error: nothing merges on it
    (exact duplicates among them merge by their own keys), but a person should see it.
    """
    found: list[PairDecision] = []
    for members in index.oversized_identifier_blocks():
        ordered = sorted(members)
        first = index.features(ordered[0]).record_id
        for other in ordered[1:]:
            second = index.features(other).record_id
            low, high = (first, second) if first <= second else (second, first)
            found.append(PairDecision(low, high, Outcome.REVIEW, SHARED_BY_MANY, 0.0))
    return found


def exact_duplicates_of(index: BlockingIndex, numbers: Iterable[int]) -> list[PairDecision]:
    """The exact-duplicate merges of these indexed records, with no limit on their number."""
    found: list[PairDecision] = []
    for number in numbers:
        own = index.features(number).record_id
        for partner in index.exact_partners(number):
            found.append(exact_duplicate(own, index.features(partner).record_id))
    return found


SMALL_BLOCK = 8
"""Blocks up to this size have all their pairs judged; larger ones are filtered in C first."""


def candidate_pairs(index: BlockingIndex, min_title_score: float) -> Iterator[tuple[int, int]]:
    """The pairs worth judging, once each: all pairs of identifier and small blocks, and the
    pairs of larger blocks (a common surname in one year) whose titles are similar enough.

    The filter runs in rapidfuzz's C code, so a block of 64 costs 64 calls, not 2,016 pair
    decisions in Python. It can only drop pairs whose titles are too different to merge
    anyway, except a truncated title, which shares its first words (a small title block).
    """
    seen: set[int] = set()
    width = index.slots
    for members, by_id in index.blocks():
        ordered = sorted(members)
        if by_id or len(ordered) <= SMALL_BLOCK:
            pairs: Iterable[tuple[int, int]] = combinations(ordered, 2)
        else:
            titles = [index.features(n).title_key for n in ordered]
            pairs = itertools.chain(
                (
                    (ordered[i], ordered[j])
                    for i, j in similar_title_pairs(titles, None, min_title_score)
                ),
                ((ordered[i], ordered[j]) for i, j in untitled_pairs(titles, None)),
            )
        for a, b in pairs:
            code = a * width + b
            if code not in seen:
                seen.add(code)
                yield a, b


def untitled_pairs(titles: Sequence[str], new: Sequence[bool] | None) -> Iterator[tuple[int, int]]:
    """Positions ``(i, j)``, ``i < j``, of pairs with a record without a title (which no
    title filter can find; they match on their place), each pair once; with ``new``, only
    pairs holding a new record."""
    for i, title in enumerate(titles):
        if title:
            continue
        for j in range(len(titles)):
            if j == i or (not titles[j] and j < i):
                continue
            if new is None or new[i] or new[j]:
                yield (i, j) if i < j else (j, i)


def similar_title_pairs(
    titles: Sequence[str], new: Sequence[bool] | None, min_title_score: float
) -> Iterator[tuple[int, int]]:
    """Positions ``(i, j)``, ``i < j``, of titles similar enough to judge, each pair once.

    With ``new`` only pairs holding a new title are given; ``None`` means all are new. The
    comparisons run in rapidfuzz's C code, one call per title.
    """
    for i, title in enumerate(titles):
        if not title or (new is not None and not new[i]):
            continue
        # All new: the later titles suffice. Otherwise every title, less the earlier new ones
        # (their pairs with this one were given from their side).
        start = i + 1 if new is None else 0
        for _, _, offset in extract(
            title,
            titles[start:],
            scorer=Indel.normalized_similarity,
            score_cutoff=min_title_score / 100.0,
            limit=None,
        ):
            j = start + offset
            if j != i and not (new is not None and new[j] and j < i):
                yield (i, j) if i < j else (j, i)
