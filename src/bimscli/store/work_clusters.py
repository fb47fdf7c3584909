"""Applying clusters of source records to the library's works.

Work ids are stable: when records join, the work with the lowest id survives and takes over
the tags and citation key rows of the works that emptied (their keys stay as aliases, their
ids are remembered and never reused); when a work is split, the part with its lowest record
keeps the id. Deduplication runs (:mod:`bimscli.dedup.library.clustering`) and people's merges and
separations (:mod:`bimscli.dedup.library.decisions`) both end here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bimscli.store.curation import carry_statuses_to_heirs, carry_statuses_to_splits
from bimscli.store.library import Library, now_iso

Moves = tuple[tuple[int, tuple[int, ...]], ...]
"""(work id, record ids it gained) for each work that gained records."""


@dataclass
class _Plan:
    """Records to move between works, computed before anything is written."""

    moves: dict[int, int] = field(default_factory=dict)  # record id -> target work (or -k new)
    evidence: dict[int, tuple[str, str]] = field(default_factory=dict)


def membership(library: Library, record_ids: Iterable[int] | None) -> dict[int, int]:
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


def works_members(library: Library, work_ids: Iterable[int]) -> list[tuple[int, ...]]:
    groups: dict[int, list[int]] = defaultdict(list)
    ids = sorted(set(work_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT work_id, record_id FROM work_members WHERE work_id IN ({marks})"  # noqa: S608
        for work_id, rid in library.connection.execute(sql, chunk):
            groups[int(work_id)].append(int(rid))
    return [tuple(sorted(groups[w])) for w in ids if w in groups]


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


def apply_clusters(
    library: Library,
    clusters: Sequence[Sequence[int]],
    reasons: dict[int, tuple[str, str]],
    current: dict[int, int] | None = None,
) -> tuple[Moves, Moves]:
    """Move records into their clusters' works; only works that gain or lose one are touched.

    Returns the works that gained records (merged) and the works made for split-off records.

    ``current`` is the membership of (at least) every clustered record, when already known.
    """
    if current is None:
        current = membership(library, {r for c in clusters for r in c})
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
    new_ids = set(created.values())
    carry_statuses_to_splits(
        library, {new: {old for old, to in touched.items() if new in to} for new in new_ids}
    )
    for work_id in sorted((set(touched) - emptied) | set(gained)):
        library.refresh_work(work_id)
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
    # Before the rows move: the heir's status must be read apart from the ones it absorbs.
    carry_statuses_to_heirs(library, heirs)
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
