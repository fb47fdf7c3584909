"""The deduplication index kept in the library: each record's features and blocking keys.

Features are computed once, when a record is ingested, and stored (msgpack); blocking keys sit
in an indexed table, so an ingest finds the library records that share a key with its new ones
by a few lookups instead of reading the whole library.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bimscli.dedup import RecordFeatures, features_from_record
from bimscli.dedup.blocking import MAX_BLOCK, MAX_ID_BLOCK, stored_keys
from bimscli.dedup.collector import collector_paused
from bimscli.dedup.weights import PRIOR_WEIGHTS, MatchWeights
from bimscli.model import Record
from bimscli.store.library import Library
from bimscli.store.serialize import features_from_msgpack, features_to_msgpack, record_from_json

FEATURES_VERSION = "4"
"""Bump when :func:`features_from_record` changes: stored features are then rebuilt."""


def index_records(library: Library, items: Iterable[tuple[int, Record]]) -> list[RecordFeatures]:
    """Compute and store the features and blocking keys of new records (in a transaction)."""
    with collector_paused():
        features = [features_from_record(str(rid), record) for rid, record in items]
    store_index(
        library, ((int(f.record_id), features_to_msgpack(f), stored_keys(f)) for f in features)
    )
    return features


def store_index(library: Library, rows: Iterable[tuple[int, bytes, Sequence[str]]]) -> None:
    """Store records' encoded features and blocking keys (inside a transaction).

    The first records indexed also stamp the library with :data:`FEATURES_VERSION`, so that
    :func:`ensure_indexed` knows their features are current and does not rebuild them.
    """
    conn = library.connection
    conn.execute(
        "INSERT OR IGNORE INTO settings (name, value) VALUES ('features_version', ?)",
        (FEATURES_VERSION,),
    )
    rows = list(rows)
    conn.executemany(
        "INSERT OR REPLACE INTO record_features (record_id, data) VALUES (?, ?)",
        [(rid, data) for rid, data, _ in rows],
    )
    # In key order: the inserts then walk the key index once instead of jumping about it.
    conn.executemany(
        "INSERT OR IGNORE INTO record_blocks (key, record_id) VALUES (?, ?)",
        sorted((key, rid) for rid, _, keys in rows for key in keys),
    )


def ensure_indexed(library: Library) -> None:
    """Index records that have no stored features, or all of them after a features change."""
    conn = library.connection
    row = conn.execute("SELECT value FROM settings WHERE name = 'features_version'").fetchone()
    if row is None or row[0] != FEATURES_VERSION:
        conn.execute("DELETE FROM record_features")
        conn.execute("DELETE FROM record_blocks")
        conn.execute(
            "INSERT OR REPLACE INTO settings (name, value) VALUES ('features_version', ?)",
            (FEATURES_VERSION,),
        )
    missing = conn.execute(
        "SELECT s.id, s.record FROM source_records s"
        " LEFT JOIN record_features f ON f.record_id = s.id WHERE f.record_id IS NULL"
    )
    batch: list[tuple[int, Record]] = []
    for rid, data in missing.fetchall():
        batch.append((int(rid), record_from_json(data)))
        if len(batch) >= 5000:
            index_records(library, batch)
            batch = []
    index_records(library, batch)


def load_features(library: Library, record_ids: Iterable[int] | None) -> list[RecordFeatures]:
    """The stored features of these records, or of every record (``None``), by record id."""
    conn = library.connection
    decode = features_from_msgpack
    with collector_paused():  # a million small objects: the collector would triple the time
        if record_ids is None:
            rows = conn.execute("SELECT data FROM record_features ORDER BY record_id")
            return [decode(data) for (data,) in rows]
        out: list[RecordFeatures] = []
        ids = sorted(set(record_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT data FROM record_features WHERE record_id IN ({marks})"  # noqa: S608
            out += [decode(data) for (data,) in conn.execute(sql, chunk)]
        return out


def touched_blocks(
    library: Library, runs: Sequence[tuple[int, int]], *, chunk_members: int = 5_000
) -> Iterator[list[tuple[list[RecordFeatures], bool]]]:
    """The blocks (of two or more records, not oversized) that hold a record of ``runs``
    (ranges of record ids, both ends included), with their members' features, in chunks.

    Each block comes with True when it is an identifier block. A chunk holds blocks with
    about ``chunk_members`` members in all, so memory stays flat however many records an
    ingest adds; a record in several blocks is read once per chunk that needs it.
    """
    pending: list[tuple[list[int], bool]] = []
    size = 0
    for members, by_id in _touched_member_ids(library, runs):
        pending.append((members, by_id))
        size += len(members)
        if size >= chunk_members:
            yield _with_features(library, pending)
            pending, size = [], 0
    if pending:
        yield _with_features(library, pending)


def _touched_member_ids(
    library: Library, runs: Sequence[tuple[int, int]]
) -> Iterator[tuple[list[int], bool]]:
    conn = library.connection
    for first, last in runs:
        for by_id, sql, cap in (
            (True, _TOUCHED_SQL.format(test=""), MAX_ID_BLOCK),
            (False, _TOUCHED_SQL.format(test="NOT"), MAX_BLOCK),
        ):
            for (members,) in conn.execute(sql, (first, last, cap + 1)):
                ids = sorted(int(m) for m in members.split(","))
                if len(ids) <= cap:
                    yield ids, by_id


# Each key a new record holds, with up to `cap + 1` of its members (a block that big is
# oversized and skipped), and only when it has two members or more. Only the NOT is
# formatted in; ids and caps are bound parameters.
_TOUCHED_SQL = """
    SELECT members FROM (
        SELECT t.key AS key, (
            SELECT group_concat(record_id) FROM (
                SELECT record_id FROM record_blocks b WHERE b.key = t.key LIMIT ?3)
        ) AS members
        FROM (SELECT DISTINCT key FROM record_blocks
              WHERE record_id BETWEEN ?1 AND ?2
              AND {test} (key GLOB 'doi:*' OR key GLOB 'pmid:*' OR key GLOB 'pmc:*')
              AND NOT (key GLOB 'ex:*' OR key GLOB 'ei:*' OR key GLOB 'ev:*')) AS t
    ) WHERE instr(members, ',') > 0
"""


def touched_exact_duplicates(
    library: Library, runs: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Pairs (first record, new record) of exact duplicates: for each exact-duplicate key a
    new record holds, the lowest record with that key and each new record with it.

    However many records share a key, this is one indexed lookup per key and one pair per
    new record; since exact duplicates always merge, the lowest stands for all of them.
    """
    pairs: list[tuple[int, int]] = []
    for first, last in runs:
        rows = library.connection.execute(_EXACT_SQL, (first, last))
        for lowest, members in rows:
            pairs += [(int(lowest), int(m)) for m in members.split(",") if int(m) != lowest]
    return pairs


_EXACT_SQL = """
    SELECT (SELECT min(record_id) FROM record_blocks b WHERE b.key = n.key),
           group_concat(n.record_id)
    FROM record_blocks n
    WHERE n.record_id BETWEEN ?1 AND ?2
      AND (n.key GLOB 'ex:*' OR n.key GLOB 'ei:*' OR n.key GLOB 'ev:*')
    GROUP BY n.key
"""


def stored_weights(library: Library) -> MatchWeights:
    """The match weights last estimated for this library, else the priors."""
    row = library.connection.execute(
        "SELECT value FROM settings WHERE name = 'dedup_weights'"
    ).fetchone()
    return MatchWeights.from_json(row[0]) if row else PRIOR_WEIGHTS


def store_weights(library: Library, weights: MatchWeights) -> None:
    """Keep the match weights estimated for this library (inside a transaction)."""
    library.connection.execute(
        "INSERT OR REPLACE INTO settings (name, value) VALUES ('dedup_weights', ?)",
        (weights.to_json(),),
    )


def _with_features(
    library: Library, blocks: list[tuple[list[int], bool]]
) -> list[tuple[list[RecordFeatures], bool]]:
    ids = {rid for members, _ in blocks for rid in members}
    features = {int(f.record_id): f for f in load_features(library, ids)}
    return [([features[r] for r in members if r in features], by_id) for members, by_id in blocks]
