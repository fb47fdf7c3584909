"""Stored citation keys: each work gets one the first time it is exported, and keeps it.

A new work never renames an existing key: keys are made only for works without one, against
every key already taken. ``rekey`` regenerates the keys of the works named, on request only.
An export whose works all have their keys only reads, so it never waits for a writer.
"""

from __future__ import annotations

from collections.abc import Sequence

from bimscli.export.citekeys import make_citation_key
from bimscli.store.library import Library, now_iso
from bimscli.store.rows import WorkRow


def key_aliases(library: Library) -> dict[int, tuple[str, ...]]:
    """The keys of works merged into each work, by the surviving work's id."""
    aliases: dict[int, list[str]] = {}
    rows = library.connection.execute(
        "SELECT work_id, key FROM citation_key_aliases ORDER BY work_id, key"
    )
    for work_id, key in rows:
        aliases.setdefault(int(work_id), []).append(str(key))
    return {work_id: tuple(keys) for work_id, keys in aliases.items()}


def stored_citation_keys(library: Library) -> dict[int, str]:
    """Every stored key, by work id."""
    rows = library.connection.execute("SELECT work_id, key FROM citation_keys")
    return {int(work_id): str(key) for work_id, key in rows}


def stored_keys_of(library: Library, works: Sequence[WorkRow]) -> dict[int, str] | None:
    """The stored keys of these works, or ``None`` when one of them has none yet."""
    keys = stored_citation_keys(library)
    if any(work.id not in keys for work in works):
        return None
    return {work.id: keys[work.id] for work in works}


def assign_citation_keys(
    library: Library, works: Sequence[WorkRow], *, rekey: bool = False
) -> dict[int, str]:
    """The keys of these works, making and storing the missing ones (all of them with ``rekey``).

    Works get new keys in the order given, so a clash suffix (``a``, ``b``, …) goes to the later.
    Call it inside a transaction, with the works chosen in it: a work chosen before may have
    been merged into another since.
    """
    conn = library.connection
    keys = stored_citation_keys(library)
    if rekey:
        ids = [w.id for w in works]
        conn.executemany("DELETE FROM citation_keys WHERE work_id = ?", [(i,) for i in ids])
        for work_id in ids:
            keys.pop(work_id, None)
    taken = {key.casefold() for key in keys.values()}
    # Keys of merged-away works stay cited in manuscripts: never hand them to another work.
    taken |= {str(k).casefold() for (k,) in conn.execute("SELECT key FROM citation_key_aliases")}
    for work in works:
        if work.id in keys:
            continue
        key = make_citation_key(work.record, taken)
        taken.add(key.casefold())
        keys[work.id] = key
        conn.execute(
            "INSERT INTO citation_keys (work_id, key, created_at) VALUES (?, ?, ?)",
            (work.id, key, now_iso()),
        )
    return {w.id: keys[w.id] for w in works}
