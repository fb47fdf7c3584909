"""What people decide about works: ``bims merge`` and ``bims unmerge``, remembered.

Decisions are stored as must-link and cannot-link pairs of source records; every automatic
deduplication run (:mod:`bimscli.dedup.library.clustering`) takes them as given, so no later
run undoes what a person decided. The latest decision about a pair wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from bimscli.errors import UsageError
from bimscli.store import Library
from bimscli.store.library import now_iso
from bimscli.store.work_clusters import apply_clusters, membership


def _remember(library: Library, kind: str, pairs: Iterable[tuple[int, int]]) -> None:
    opposite = "cannot-link" if kind == "must-link" else "must-link"
    stamp = now_iso()
    for a, b in pairs:
        low, high = sorted((a, b))
        library.connection.execute(
            "DELETE FROM dedup_decisions WHERE kind = ? AND record_a = ? AND record_b = ?",
            (opposite, low, high),
        )
        library.connection.execute(
            "INSERT OR IGNORE INTO dedup_decisions (kind, record_a, record_b, created_at)"
            " VALUES (?, ?, ?, ?)",
            (kind, low, high, stamp),
        )


def remember_link(library: Library, record_a: int, record_b: int) -> None:
    """Keep two records in one work in every later run (as if a person had merged them)."""
    _remember(library, "must-link", [(record_a, record_b)])


def merge_works(library: Library, work_ids: Sequence[int]) -> int:
    """Join works by hand (inside a transaction); the decision outlives later dedup runs."""
    if len(set(work_ids)) < 2:
        raise UsageError("name at least two different works to merge")
    groups = [library.work_record_ids(w) for w in sorted(set(work_ids))]
    for work_id, group in zip(sorted(set(work_ids)), groups, strict=True):
        if not group:
            raise UsageError(f"no work {work_id}; see `bims list`")
    records = [r for g in groups for r in g]
    _remember(
        library, "must-link", [(a, b) for i, a in enumerate(records) for b in records[i + 1 :]]
    )
    reasons = {r: ("merged by hand", json.dumps({"works": sorted(set(work_ids))})) for r in records}
    apply_clusters(library, [tuple(records)], reasons)
    return min(work_ids)


def unmerge_work(library: Library, work_id: int, record_ids: Sequence[int] = ()) -> list[int]:
    """Split a work (inside a transaction): the named records, or all, each become a work.

    The separation is remembered, so a later ``bims dedup`` never joins them again. Returns
    the ids of the works the records are in afterwards.
    """
    members = library.work_record_ids(work_id)
    if len(members) < 2:
        raise UsageError(f"work {work_id} holds only one source record; nothing to split")
    chosen = list(record_ids) or members[1:]
    strangers = [r for r in chosen if r not in members]
    if strangers:
        raise UsageError(
            f"record {strangers[0]} is not in work {work_id}; see `bims show {work_id}`"
        )
    rest = [r for r in members if r not in chosen]
    pairs = [(a, b) for a in chosen for b in members if a != b]
    _remember(library, "cannot-link", pairs)
    clusters = [tuple(rest)] + [(r,) for r in chosen] if rest else [(r,) for r in chosen]
    reasons = {r: ("split by hand", json.dumps({"from": work_id})) for r in chosen}
    apply_clusters(library, clusters, reasons)
    return sorted(set(membership(library, members).values()))
