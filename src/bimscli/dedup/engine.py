"""Deduplication of a whole set of records, and of new records against a library.

:func:`deduplicate` is the batch entry point; :func:`match_new` compares only new records with
a reusable :class:`~bimscli.dedup.blocking.BlockingIndex` of the library (and with each other),
so an ingest of a thousand records into a million-record library costs about a thousand
lookups. Both return pair decisions; :func:`cluster_decisions` turns decisions into works.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from bimscli.dedup.blocking import BlockingIndex
from bimscli.dedup.candidates import (
    EXACT_DUPLICATE,
    SMALL_BLOCK,
    candidate_pairs,
    exact_duplicate,
    exact_duplicates_of,
    shared_by_too_many,
    similar_title_pairs,
    untitled_pairs,
)
from bimscli.dedup.cluster import NO_DECISIONS, ConstrainedUnionFind, UserDecisions
from bimscli.dedup.collector import collector_paused
from bimscli.dedup.compare import Levels
from bimscli.dedup.estimate import MIN_RECORDS, SAMPLE_RECORDS, estimate_weights
from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.match import (
    DEFAULT_THRESHOLD,
    REVIEW_MARGIN,
    Outcome,
    PairDecision,
    decide_pair,
    pair_levels,
)
from bimscli.dedup.weights import PRIOR_WEIGHTS, MatchWeights

_TIER_RANK = {EXACT_DUPLICATE: 0, "same-doi": 1, "same-pmid": 1, "same-pmcid": 1}


@dataclass(frozen=True, slots=True)
class DedupResult:
    """The works found: clusters of two or more record ids (a record in none is alone).

    ``pair_decisions`` holds every merge and veto that was considered, ``flagged`` the pairs
    that share an identifier but not a title, ``borderline`` the pairs for ``--review``.
    """

    clusters: tuple[tuple[str, ...], ...]
    pair_decisions: tuple[PairDecision, ...]
    flagged: tuple[PairDecision, ...]
    borderline: tuple[PairDecision, ...]
    links: tuple[PairDecision, ...]

    def cluster_of(self, record_id: str) -> tuple[str, ...]:
        """The ids of the work ``record_id`` belongs to (just itself when alone)."""
        return next((c for c in self.clusters if record_id in c), (record_id,))

    def explain(self, record_id: str) -> tuple[PairDecision, ...]:
        """The decisions that concern ``record_id``'s work: why it holds what it holds."""
        members = set(self.cluster_of(record_id))
        return tuple(d for d in self.pair_decisions if d.first in members or d.second in members)


def _merge_order(decision: PairDecision) -> tuple[int, float, float, str, str]:
    return (
        _TIER_RANK.get(decision.rule, 2),
        -decision.score,
        -decision.title_score,
        decision.first,
        decision.second,
    )


def cluster_decisions(
    decisions: Iterable[PairDecision],
    user: UserDecisions = NO_DECISIONS,
    existing: Iterable[Sequence[str]] = (),
) -> list[tuple[str, ...]]:
    """Works from pair decisions: user links first, then merges strongest first.

    ``existing`` clusters (a library's current works) are kept together unless a user
    separated two of their records.
    """
    all_decisions = list(decisions)
    uf = ConstrainedUnionFind()
    for a, b in sorted(user.cannot_link):
        uf.forbid(a, b)
    for a, b in sorted(user.must_link):
        uf.union(a, b)
    for d in sorted((d for d in all_decisions if d.is_cannot_link), key=_merge_order):
        if (d.first, d.second) not in user.must_link:
            uf.forbid(d.first, d.second)
    for cluster in existing:
        for other in cluster[1:]:
            uf.union(cluster[0], other)
    for d in sorted((d for d in all_decisions if d.outcome is Outcome.MERGE), key=_merge_order):
        uf.union(d.first, d.second)
    return sorted(uf.groups())


def _result(
    decisions: list[PairDecision], user: UserDecisions, existing: Iterable[Sequence[str]] = ()
) -> DedupResult:
    decisions.sort(key=_merge_order)
    return DedupResult(
        clusters=tuple(cluster_decisions(decisions, user, existing)),
        pair_decisions=tuple(
            d for d in decisions if d.outcome is not Outcome.REVIEW or d.is_cannot_link
        ),
        flagged=tuple(d for d in decisions if d.outcome is Outcome.FLAG),
        borderline=tuple(d for d in decisions if d.outcome is Outcome.REVIEW),
        links=tuple(d for d in decisions if d.outcome is Outcome.LINK),
    )


def library_weights(index: BlockingIndex, threshold: float = DEFAULT_THRESHOLD) -> MatchWeights:
    """Match weights estimated from an indexed library (see :mod:`bimscli.dedup.estimate`).

    ``m`` is learnt from every candidate pair of the library, or, above
    :data:`~bimscli.dedup.estimate.SAMPLE_RECORDS` records, of a sample of records chosen by
    a stable hash of their ids, so the weights never depend on the order of the records.
    """
    features = [index.features(n) for n in range(index.slots) if index.has(n)]
    if len(features) < MIN_RECORDS:
        return PRIOR_WEIGHTS
    if len(features) > SAMPLE_RECORDS:
        share = len(features) // SAMPLE_RECORDS + 1
        index = build_index(f for f in features if zlib.crc32(f.record_id.encode()) % share == 0)
    levels: list[Levels] = []
    for i, j in candidate_pairs(index, threshold - REVIEW_MARGIN):
        found = pair_levels(index.features(i), index.features(j), threshold)
        if found is not None:
            levels.append(found)
    return estimate_weights(features, levels)


def build_index(features: Iterable[RecordFeatures]) -> BlockingIndex:
    """A blocking index of a library's records, to keep and reuse with :func:`match_new`."""
    index = BlockingIndex()
    with collector_paused():
        index.add_all(features)
    return index


def deduplicate(
    features: Sequence[RecordFeatures],
    decisions: UserDecisions = NO_DECISIONS,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    allow_preprints: bool = False,
    weights: MatchWeights | None = None,
) -> DedupResult:
    """Find the works among ``features``: the batch entry point (``bims dedup``).

    Without ``weights`` they are estimated from ``features`` (:func:`library_weights`).
    """
    with collector_paused():
        index = build_index(features)
        if weights is None:
            weights = library_weights(index, threshold)
        return deduplicate_index(
            index, decisions, threshold, allow_preprints=allow_preprints, weights=weights
        )


def deduplicate_index(
    index: BlockingIndex,
    decisions: UserDecisions = NO_DECISIONS,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    allow_preprints: bool = False,
    weights: MatchWeights = PRIOR_WEIGHTS,
) -> DedupResult:
    """:func:`deduplicate` on an index already built, with these weights."""
    with collector_paused():
        found = [
            exact_duplicate(index.features(a).record_id, index.features(b).record_id)
            for a, b in index.exact_pairs()
            if index.has(a) and index.has(b)
        ]
        found += shared_by_too_many(index)
        for i, j in candidate_pairs(index, threshold - REVIEW_MARGIN):
            decision = decide_pair(
                index.features(i),
                index.features(j),
                threshold,
                allow_preprints=allow_preprints,
                weights=weights,
            )
            if decision is not None:
                found.append(decision)
        return resolve(found, decisions)


def match_new(
    new_features: Sequence[RecordFeatures],
    index: BlockingIndex,
    decisions: UserDecisions = NO_DECISIONS,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    existing_clusters: Iterable[Sequence[str]] = (),
    allow_preprints: bool = False,
    weights: MatchWeights = PRIOR_WEIGHTS,
) -> DedupResult:
    """Match new records against an indexed library and each other.

    The new records are added to ``index``. ``existing_clusters`` are the library's current
    works that involve the records found similar; the result's clusters are the works the new
    records belong to, merged with those. The pairs judged are those :func:`judge_blocks`
    takes from the blocks that hold a new record (the library's ingest streams the same
    blocks from the store instead of keeping an index).
    """
    numbers = [index.add(f) for f in new_features]
    new_ids = {f.record_id for f in new_features}
    blocks: dict[int, tuple[list[RecordFeatures], bool]] = {}
    for number in numbers:
        for members, by_id in index.blocks_of(number):
            if id(members) not in blocks:
                blocks[id(members)] = ([index.features(m) for m in sorted(members)], by_id)
    found = exact_duplicates_of(index, numbers)
    found += judge_blocks(
        blocks.values(),
        lambda f: f.record_id in new_ids,
        threshold,
        allow_preprints=allow_preprints,
        weights=weights,
    )
    for group in joined_library_groups(found, new_ids.__contains__):
        known = [index.number_of(r) for r in group]
        found += vetoes_among(
            [index.features(n) for n in known if n is not None],
            threshold,
            allow_preprints,
            weights,
        )
    return resolve(found, decisions, existing_clusters)


def resolve(
    found: Iterable[PairDecision],
    decisions: UserDecisions = NO_DECISIONS,
    existing_clusters: Iterable[Sequence[str]] = (),
) -> DedupResult:
    """The works pair decisions make, with people's decisions and the existing works (each
    pair once, whatever the number of blocks it was met in; an exact-duplicate merge wins)."""
    unique: dict[tuple[str, str], PairDecision] = {}
    for d in found:
        kept = unique.get((d.first, d.second))
        if kept is None or kept.rule != EXACT_DUPLICATE:
            unique[(d.first, d.second)] = d
    return _result(list(unique.values()), decisions, existing_clusters)


def judge_blocks(
    blocks: Iterable[tuple[Sequence[RecordFeatures], bool]],
    is_new: Callable[[RecordFeatures], bool],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    allow_preprints: bool = False,
    weights: MatchWeights = PRIOR_WEIGHTS,
) -> list[PairDecision]:
    """The decisions for the pairs of these blocks that hold at least one new record.

    Each block comes with True when it is an identifier block. As in a batch run
    (:func:`candidate_pairs`), every such pair of an identifier block or a small block is
    judged, and a larger block's pairs only when their titles are similar enough (filtered
    in rapidfuzz's C code), so the cost follows the new records, not the blocks' size.
    Pairs of two library records were judged when the later of them was new.
    """
    min_score = threshold - REVIEW_MARGIN
    seen: set[tuple[str, str]] = set()
    found: list[PairDecision] = []
    for members, by_id in blocks:
        for a, b in _new_pairs(members, by_id, is_new, min_score):
            pair = (
                (a.record_id, b.record_id)
                if a.record_id < b.record_id
                else (b.record_id, a.record_id)
            )
            if pair in seen:
                continue
            seen.add(pair)
            decision = decide_pair(
                a, b, threshold, allow_preprints=allow_preprints, weights=weights
            )
            if decision is not None:
                found.append(decision)
    return found


def _new_pairs(
    members: Sequence[RecordFeatures],
    by_id: bool,
    is_new: Callable[[RecordFeatures], bool],
    min_score: float,
) -> Iterator[tuple[RecordFeatures, RecordFeatures]]:
    new = [is_new(m) for m in members]
    if not any(new):
        return
    if by_id or len(members) <= SMALL_BLOCK:
        for (a, a_new), (b, b_new) in combinations(zip(members, new, strict=True), 2):
            if a_new or b_new:
                yield a, b
        return
    titles = [m.title_key for m in members]
    for i, j in itertools.chain(
        similar_title_pairs(titles, new, min_score), untitled_pairs(titles, new)
    ):
        yield members[i], members[j]


MAX_RECHECKED = 64
"""At most this many library records of one group that new records join are re-checked."""


def joined_library_groups(
    found: Iterable[PairDecision], is_new: Callable[[str], bool]
) -> list[list[str]]:
    """For each group of records that merge decisions would join, its library records (not
    new) when there are two or more, lowest ids first.

    A batch run judged the pairs between library records before, but its vetoes are not
    kept: without checking them again (:func:`vetoes_among`), a new record similar to two
    records with different DOIs would join their works. Only records of one group can end up
    in one work, so each group is checked on its own, however many groups an ingest makes.

    >>> merge = lambda a, b: PairDecision(a, b, Outcome.MERGE, "similar-title", 99.0)
    >>> joined_library_groups([merge("1", "n1"), merge("2", "n1"), merge("3", "n2")],
    ...                       lambda r: r.startswith("n"))
    [['1', '2']]
    """
    parent: dict[str, str] = {}

    def root(record: str) -> str:
        parent.setdefault(record, record)
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    for d in found:
        if d.outcome is Outcome.MERGE:
            parent[root(d.first)] = root(d.second)
    groups: dict[str, list[str]] = {}
    for record in parent:
        if not is_new(record):
            groups.setdefault(root(record), []).append(record)
    return sorted(sorted(g)[:MAX_RECHECKED] for g in groups.values() if len(g) >= 2)


def vetoes_among(
    features: Sequence[RecordFeatures],
    threshold: float,
    allow_preprints: bool = False,
    weights: MatchWeights = PRIOR_WEIGHTS,
) -> list[PairDecision]:
    """The vetoes (cannot-links) between any two of these records."""
    vetoes: list[PairDecision] = []
    for a, b in combinations(features, 2):
        decision = decide_pair(a, b, threshold, allow_preprints=allow_preprints, weights=weights)
        if decision is not None and decision.is_cannot_link:
            vetoes.append(decision)
    return vetoes


def groups_csv(clusters: Iterable[Sequence[str]]) -> str:
    """Works as the deduplication benchmarks write them (``bims dedup --export-groups``).

    One header line ``merged_ids``, then one quoted line per work of two or more records,
    its ids sorted and joined by ``;``.

    >>> print(groups_csv([("b", "a"), ("c",)]), end="")
    merged_ids
    "a;b"
    """
    lines = ["merged_ids"]
    groups = sorted(tuple(sorted(c)) for c in clusters if len(c) > 1)
    lines += [f'"{";".join(group)}"' for group in groups]
    return "\n".join(lines) + "\n"
