"""Deduplication in the library: which source records form one work.

The matching itself is :mod:`bimscli.dedup` (pure). This module runs it over the library:
the whole library (``bims dedup``), or new records against the records that share a blocking
key with them (each ingested file), taking what people decided
(:mod:`bimscli.dedup.library.decisions`) as given; :mod:`bimscli.store.work_clusters` applies
the clusters found to the works.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bimscli.dedup import (
    DEFAULT_THRESHOLD,
    DedupResult,
    Outcome,
    PairDecision,
    RecordFeatures,
    UserDecisions,
)
from bimscli.dedup.candidates import exact_duplicate
from bimscli.dedup.collector import collector_paused
from bimscli.dedup.engine import (
    build_index,
    deduplicate_index,
    joined_library_groups,
    judge_blocks,
    library_weights,
    resolve,
    vetoes_among,
)
from bimscli.dedup.estimate import MIN_RECORDS
from bimscli.dedup.weights import MatchWeights
from bimscli.model import Record
from bimscli.store import Library
from bimscli.store.dedup_index import (
    ensure_indexed,
    index_records,
    load_features,
    store_weights,
    stored_weights,
    touched_blocks,
    touched_exact_duplicates,
)
from bimscli.store.library import now_iso
from bimscli.store.work_clusters import apply_clusters, membership, works_members


@dataclass(frozen=True, slots=True)
class ClusterChanges:
    """What a deduplication run changed (or, in a dry run, would change)."""

    merged: tuple[tuple[int, tuple[int, ...]], ...] = ()
    split: tuple[tuple[int, tuple[int, ...]], ...] = ()
    flagged: tuple[PairDecision, ...] = ()
    borderline: tuple[PairDecision, ...] = ()
    links: tuple[PairDecision, ...] = ()
    works_before: int = 0
    works_after: int = 0

    @property
    def changed(self) -> bool:
        """True when any work gained or lost a record."""
        return bool(self.merged or self.split)


# Person decisions, as every run takes them -----------------------------------------------------


def user_decisions(library: Library) -> UserDecisions:
    """Every merge and separation a person asked for."""
    must: list[tuple[str, str]] = []
    cannot: list[tuple[str, str]] = []
    for kind, a, b in library.connection.execute(
        "SELECT kind, record_a, record_b FROM dedup_decisions"
    ):
        (must if kind == "must-link" else cannot).append((str(a), str(b)))
    return UserDecisions.of(must, cannot)


def _join_reasons(result: DedupResult) -> dict[int, tuple[str, str]]:
    """For each merged record, the strongest decision that joined it, as (rule, evidence)."""
    reasons: dict[int, tuple[str, str]] = {}
    for decision in result.pair_decisions:
        if decision.outcome.value != "merge":
            continue
        evidence = json.dumps(
            {
                "with": int(decision.first),
                "title_score": round(decision.title_score, 1),
                "score": round(decision.score, 1),
                "evidence": list(decision.evidence),
            }
        )
        second = int(decision.second)
        reasons.setdefault(second, (decision.rule, evidence))
        evidence_first = evidence.replace(f'"with": {decision.first}', f'"with": {second}')
        reasons.setdefault(int(decision.first), (decision.rule, evidence_first))
    return reasons


def _store_pairs(library: Library, result: DedupResult) -> None:
    stamp = now_iso()
    rows = [
        (
            int(d.first),
            int(d.second),
            d.outcome.value,
            d.rule,
            d.title_score,
            json.dumps(list(d.evidence)),
            stamp,
        )
        for d in (*result.flagged, *result.borderline, *result.links)
    ]
    library.connection.executemany(
        "INSERT OR REPLACE INTO record_pairs (record_a, record_b, outcome, rule, title_score,"
        " evidence, found_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _changes(
    library: Library, result: DedupResult, applied: tuple[Any, Any], before: int | None
) -> ClusterChanges:
    """The report of a run; the work counts only for a whole-library run (counting all works
    after every ingest batch would make an ingest slower the bigger the library)."""
    merged, split = applied
    return ClusterChanges(
        merged=merged,
        split=split,
        flagged=result.flagged,
        borderline=result.borderline,
        links=result.links,
        works_before=before or 0,
        works_after=library.count_works() if before is not None else 0,
    )


# Entry points ----------------------------------------------------------------------------------


def _clusters_of(result: DedupResult) -> list[tuple[int, ...]]:
    return [tuple(int(r) for r in c) for c in result.clusters]


def dedup_new_records(
    library: Library,
    items: Sequence[tuple[int, Record]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> ClusterChanges:
    """Index just-stored records and match them against the library and each other (inside a
    transaction): :func:`index_records` then :func:`dedup_indexed_records`."""
    index_records(library, items)
    return dedup_indexed_records(library, id_runs(rid for rid, _ in items), threshold=threshold)


def id_runs(record_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Record ids as ranges of consecutive ids, both ends included.

    >>> id_runs([5, 1, 2, 3, 7, 6])
    [(1, 3), (5, 7)]
    """
    runs: list[tuple[int, int]] = []
    for rid in sorted(set(record_ids)):
        if runs and rid == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], rid)
        else:
            runs.append((rid, rid))
    return runs


def dedup_indexed_records(
    library: Library,
    runs: Sequence[tuple[int, int]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> ClusterChanges:
    """Match new, already indexed records (ranges of ids) against the library and each other.

    Only the blocks that hold a new record are read, a chunk at a time, so the cost follows
    the new records, not the library. The decisions are held until the works are updated:
    ``bims ingest`` calls this for each window of a file's records, once they are stored.
    """

    def is_new_id(record_id: str) -> bool:
        number = int(record_id)
        return any(first <= number <= last for first, last in runs)

    def is_new(features: RecordFeatures) -> bool:
        return is_new_id(features.record_id)

    weights = current_weights(library, threshold)
    found = [exact_duplicate(str(a), str(b)) for a, b in touched_exact_duplicates(library, runs)]
    with collector_paused():
        for chunk in touched_blocks(library, runs):
            found += judge_blocks(chunk, is_new, threshold, weights=weights)
        groups = joined_library_groups(found, is_new_id)
        features = {
            f.record_id: f for f in load_features(library, {int(r) for g in groups for r in g})
        }
        for group in groups:
            members = [features[r] for r in group if r in features]
            found += vetoes_among(members, threshold, weights=weights)
    merging = {
        int(r)
        for d in found
        if d.outcome is Outcome.MERGE
        for r in (d.first, d.second)
        if not is_new_id(r)
    }
    current = membership(library, merging)
    existing = works_members(library, set(current.values()))
    result = resolve(
        found,
        user_decisions(library),
        [tuple(str(r) for r in c) for c in existing],
    )
    _store_pairs(library, result)
    applied = apply_clusters(library, _clusters_of(result), _join_reasons(result))
    return _changes(library, result, applied, None)


GROWTH_FOR_ESTIMATE = 2.0
"""An ingest re-estimates the weights once the library has this many times the records it
had when they were last estimated (``bims dedup`` always re-estimates them)."""


def current_weights(library: Library, threshold: float = DEFAULT_THRESHOLD) -> MatchWeights:
    """The library's stored weights, re-estimated first when the library has grown enough
    (:data:`GROWTH_FOR_ESTIMATE`; never below
    :data:`~bimscli.dedup.estimate.MIN_RECORDS` records, which keep the priors)."""
    weights = stored_weights(library)
    count = library.connection.execute("SELECT count(*) FROM record_features").fetchone()[0]
    if count < max(MIN_RECORDS, GROWTH_FOR_ESTIMATE * weights.records):
        return weights
    with collector_paused():
        weights = library_weights(build_index(load_features(library, None)), threshold)
    store_weights(library, weights)
    return weights


def _split_off(
    features: Sequence[RecordFeatures], clustered: Sequence[Sequence[int]], current: dict[int, int]
) -> list[tuple[int, ...]]:
    """The records in no cluster that must leave a shared work (or have none): alone now."""
    in_clusters = {r for c in clustered for r in c}
    sizes = Counter(current.values())
    alone = (int(f.record_id) for f in features)
    return [
        (r,) for r in alone if r not in in_clusters and (r not in current or sizes[current[r]] > 1)
    ]


def dedup_library(library: Library, *, threshold: float = DEFAULT_THRESHOLD) -> ClusterChanges:
    """Deduplicate the whole library again (``bims dedup``; inside a transaction).

    Works are recomputed from the records, the person decisions and ``threshold``; a work
    whose records no longer match is split, and the part with its lowest record keeps its id.
    """
    before = library.count_works()
    with collector_paused():
        ensure_indexed(library)
        features = load_features(library, None)
        index = build_index(features)
        weights = library_weights(index, threshold)
        store_weights(library, weights)
        result = deduplicate_index(index, user_decisions(library), threshold, weights=weights)
        library.connection.execute("DELETE FROM record_pairs")
        _store_pairs(library, result)
        clustered = _clusters_of(result)
        current = membership(library, None)
        applied = apply_clusters(
            library,
            clustered + _split_off(features, clustered, current),
            _join_reasons(result),
            current,
        )
    return _changes(library, result, applied, before)
