"""Deduplication in the library: which source records form one work.

The matching itself is :mod:`bimscli.dedup` (pure). This module keeps what it needs in the
library (each record's deduplication features and blocking keys, so an ingest compares its new
records only with the records that share a key) and applies the clusters it finds to the
works, taking what people decided (:mod:`bimscli.decisions`) as given.

Work ids are stable: when records join, the work with the lowest id survives and takes over
the tags and citation key rows of the works that emptied (their keys stay as aliases, their
ids are remembered and never reused); when a work is split, the part with its lowest record
keeps the id.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bimscli.collector import collector_paused
from bimscli.dedup import (
    DEFAULT_THRESHOLD,
    DedupResult,
    Outcome,
    PairDecision,
    RecordFeatures,
    UserDecisions,
    deduplicate,
)
from bimscli.dedup.engine import joined_library_records, judge_blocks, resolve, vetoes_among
from bimscli.model import Record
from bimscli.store import Library
from bimscli.store.dedup_index import (
    ensure_indexed,
    index_records,
    load_features,
    touched_blocks,
)
from bimscli.store.library import now_iso


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


@dataclass
class _Plan:
    """Records to move between works, computed before anything is written."""

    moves: dict[int, int] = field(default_factory=dict)  # record id -> target work (or -k new)
    evidence: dict[int, tuple[str, str]] = field(default_factory=dict)


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


# Applying clusters to works --------------------------------------------------------------------


def _membership(library: Library, record_ids: Iterable[int] | None) -> dict[int, int]:
    conn = library.connection
    if record_ids is None:
        return {
            int(r): int(w) for r, w in conn.execute("SELECT record_id, work_id FROM work_members")
        }
    out: dict[int, int] = {}
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT record_id, work_id FROM work_members WHERE record_id IN ({marks})"  # noqa: S608
        out.update({int(r): int(w) for r, w in conn.execute(sql, chunk)})
    return out


def _works_members(library: Library, work_ids: Iterable[int]) -> list[tuple[int, ...]]:
    groups: dict[int, list[int]] = defaultdict(list)
    ids = sorted(set(work_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT work_id, record_id FROM work_members WHERE work_id IN ({marks})"  # noqa: S608
        for work_id, rid in library.connection.execute(sql, chunk):
            groups[int(work_id)].append(int(rid))
    return [tuple(sorted(groups[w])) for w in ids if w in groups]


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
                "evidence": list(decision.evidence),
            }
        )
        second = int(decision.second)
        reasons.setdefault(second, (decision.rule, evidence))
        evidence_first = evidence.replace(f'"with": {decision.first}', f'"with": {second}')
        reasons.setdefault(int(decision.first), (decision.rule, evidence_first))
    return reasons


def _plan(clusters: Sequence[Sequence[int]], current: dict[int, int]) -> tuple[_Plan, list[int]]:
    """Target work for every record; ``-n`` targets are works still to be created."""
    plan = _Plan()
    claimed: set[int] = set()
    new_works: list[int] = []
    for cluster in sorted((sorted(c) for c in clusters), key=lambda c: c[0]):
        candidates = sorted({current[r] for r in cluster if r in current} - claimed)
        if candidates:
            target = candidates[0]
        else:
            target = -(len(new_works) + 1)
            new_works.append(target)
        claimed.add(target)
        for rid in cluster:
            if current.get(rid) != target:
                plan.moves[rid] = target
    return plan, new_works


def _owned_tables(library: Library) -> list[str]:
    """Tables other than the core ones whose rows belong to a work (tags, citation keys…)."""
    tables = [
        r[0]
        for r in library.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    owned = []
    for table in tables:
        if table in {"works", "work_members"}:
            continue
        columns = [c[1] for c in library.connection.execute(f"PRAGMA table_info({table})")]
        if "work_id" in columns:
            owned.append(table)
    return owned


def _apply(
    library: Library,
    clusters: Sequence[Sequence[int]],
    reasons: dict[int, tuple[str, str]],
    current: dict[int, int] | None = None,
) -> tuple[tuple[tuple[int, tuple[int, ...]], ...], tuple[tuple[int, tuple[int, ...]], ...]]:
    """Move records into their clusters' works; only works that gain or lose one are touched.

    ``current`` is the membership of (at least) every clustered record, when already known.
    """
    if current is None:
        current = _membership(library, {r for c in clusters for r in c})
    plan, new_works = _plan(clusters, current)
    if not plan.moves:
        return (), ()
    created = _create_works(library, new_works)
    touched: dict[int, set[int]] = defaultdict(set)  # old work -> targets that took its records
    gained: dict[int, list[int]] = defaultdict(list)
    rows: list[tuple[int, int, str, str]] = []
    for rid, target in sorted(plan.moves.items()):
        real = created.get(target, target)
        rule, evidence = reasons.get(rid, ("split" if target < 0 else "merge", "{}"))
        rows.append((rid, real, rule, evidence))
        if rid in current:
            touched[current[rid]].add(real)
        gained[real].append(rid)
    library.connection.executemany(
        "INSERT OR REPLACE INTO work_members (record_id, work_id, rule, evidence)"
        " VALUES (?, ?, ?, ?)",
        rows,
    )
    emptied = _emptied(library, touched)
    _retire_works(library, {old: min(touched[old]) for old in sorted(emptied)})
    for work_id in sorted((set(touched) - emptied) | set(gained)):
        library.refresh_work(work_id)
    new_ids = set(created.values())
    merged = tuple(
        (w, tuple(sorted(rids))) for w, rids in sorted(gained.items()) if w not in new_ids
    )
    split = tuple((w, tuple(sorted(rids))) for w, rids in sorted(gained.items()) if w in new_ids)
    return merged, split


def _create_works(library: Library, placeholders: Sequence[int]) -> dict[int, int]:
    created: dict[int, int] = {}
    stamp = now_iso()
    for placeholder in placeholders:
        cursor = library.connection.execute(
            "INSERT INTO works (record, provenance, created_at, updated_at)"
            " VALUES ('{}', '{}', ?, ?)",
            (stamp, stamp),
        )
        created[placeholder] = int(cursor.lastrowid or 0)
    return created


def _emptied(library: Library, works: Iterable[int]) -> set[int]:
    """Which of these works hold no record any more."""
    ids = sorted(set(works))
    left: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT DISTINCT work_id FROM work_members WHERE work_id IN ({marks})"  # noqa: S608
        left.update(int(w) for (w,) in library.connection.execute(sql, chunk))
    return set(ids) - left


def _retire_works(library: Library, heirs: dict[int, int]) -> None:
    """Hand emptied works' tags, keys and other rows to the works that took their records.

    A citation key an heir cannot take (it has its own) stays as an alias of the heir, and the
    old id is remembered, so neither a cited key nor a noted id is silently lost.
    """
    if not heirs:
        return
    conn = library.connection
    pairs = [(heir, old) for old, heir in heirs.items()]
    olds = [(old,) for old in heirs]
    stamp = now_iso()
    conn.executemany(
        "INSERT OR IGNORE INTO citation_key_aliases (key, work_id, retired_at)"
        " SELECT key, ?, ? FROM citation_keys WHERE work_id = ?"
        " AND EXISTS (SELECT 1 FROM citation_keys WHERE work_id = ?)",
        [(heir, stamp, old, heir) for old, heir in heirs.items()],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO retired_works (id, merged_into, retired_at) VALUES (?, ?, ?)",
        [(old, heir, stamp) for old, heir in heirs.items()],
    )
    for table in _owned_tables(library):
        # Rows that would clash with the heir's own (the same tag twice) stay with the heir's.
        # Table names come from sqlite_master, never from a user.
        moved = f"UPDATE OR IGNORE {table} SET work_id = ? WHERE work_id = ?"  # noqa: S608
        conn.executemany(moved, pairs)
        conn.executemany(f"DELETE FROM {table} WHERE work_id = ?", olds)  # noqa: S608
    conn.executemany("DELETE FROM works WHERE id = ?", olds)


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
    the new records, not the library, and memory stays flat for an ingest of any size
    (``bims ingest`` calls this once per file, after all its records are stored).
    """

    def is_new_id(record_id: str) -> bool:
        number = int(record_id)
        return any(first <= number <= last for first, last in runs)

    def is_new(features: RecordFeatures) -> bool:
        return is_new_id(features.record_id)

    found: list[PairDecision] = []
    with collector_paused():
        for chunk in touched_blocks(library, runs):
            found += judge_blocks(chunk, is_new, threshold)
        joined = joined_library_records(found, is_new_id)
        found += vetoes_among(load_features(library, [int(r) for r in joined]), threshold)
    merging = {
        int(r)
        for d in found
        if d.outcome is Outcome.MERGE
        for r in (d.first, d.second)
        if not is_new_id(r)
    }
    current = _membership(library, merging)
    existing = _works_members(library, set(current.values()))
    result = resolve(
        found,
        user_decisions(library),
        [tuple(str(r) for r in c) for c in existing],
    )
    _store_pairs(library, result)
    applied = _apply(library, _clusters_of(result), _join_reasons(result))
    return _changes(library, result, applied, None)


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
        result = deduplicate(features, user_decisions(library), threshold)
        library.connection.execute("DELETE FROM record_pairs")
        _store_pairs(library, result)
        clustered = _clusters_of(result)
        current = _membership(library, None)
        applied = _apply(
            library,
            clustered + _split_off(features, clustered, current),
            _join_reasons(result),
            current,
        )
    return _changes(library, result, applied, before)
