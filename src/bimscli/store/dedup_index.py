"""The deduplication index kept in the library: each record's features and blocking keys.

Features are computed once, when a record is ingested, and stored (msgpack); blocking keys sit
in an indexed table, so an ingest finds the library records that share a key with its new ones
by a few lookups instead of reading the whole library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from bimscli.dedup import RecordFeatures, features_from_record
from bimscli.dedup.blocking import MAX_BLOCK, blocking_keys
from bimscli.dedup.gcpause import collector_paused
from bimscli.model import Record
from bimscli.serialize import record_from_json
from bimscli.store.library import Library

FEATURES_VERSION = "1"
"""Bump when :func:`features_from_record` changes: stored features are then rebuilt."""

_features_encoder = msgspec.msgpack.Encoder()
_features_decoder = msgspec.msgpack.Decoder(RecordFeatures)
_ID_KEYS = ("doi:", "pmid:", "pmc:")


def index_records(library: Library, items: Iterable[tuple[int, Record]]) -> list[RecordFeatures]:
    """Store the features and blocking keys of new records (inside a transaction).

    The first records indexed also stamp the library with :data:`FEATURES_VERSION`, so that
    :func:`ensure_indexed` knows their features are current and does not rebuild them.
    """
    with collector_paused():
        features = [features_from_record(str(rid), record) for rid, record in items]
    conn = library.connection
    conn.execute(
        "INSERT OR IGNORE INTO settings (name, value) VALUES ('features_version', ?)",
        (FEATURES_VERSION,),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO record_features (record_id, data) VALUES (?, ?)",
        [(int(f.record_id), _features_encoder.encode(f)) for f in features],
    )
    conn.executemany(
        "INSERT INTO record_blocks (key, record_id) VALUES (?, ?)",
        [(key, int(f.record_id)) for f in features for key in blocking_keys(f)],
    )
    return features


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
    decode = _features_decoder.decode
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


def candidate_ids(library: Library, features: Sequence[RecordFeatures]) -> set[int]:
    """Records sharing a blocking key with any of ``features`` (oversized blocks skipped)."""
    conn = library.connection
    found: set[int] = set()
    keys = sorted({key for f in features for key in blocking_keys(f)})
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        # One query per 500 keys, not one per key; at most MAX_BLOCK + 1 rows come back per key.
        sql = _BLOCK_MEMBERS_SQL.format(marks=",".join("?" * len(chunk)))
        members: dict[str, list[int]] = {}
        for key, record_id in conn.execute(sql, (*chunk, MAX_BLOCK + 1)):
            members.setdefault(key, []).append(int(record_id))
        for key, ids in members.items():
            if len(ids) > MAX_BLOCK and not key.startswith(_ID_KEYS):
                continue  # an oversized block: its records meet through their other keys
            found.update(ids)
        for key in chunk:
            if key.startswith(_ID_KEYS) and len(members.get(key, ())) > MAX_BLOCK:
                # Identifier blocks are never capped: read this one whole.
                rows = conn.execute("SELECT record_id FROM record_blocks WHERE key = ?", (key,))
                found.update(int(r[0]) for r in rows)
    return found


# Only "?" placeholders are formatted in; keys and the cap are bound parameters.
_BLOCK_MEMBERS_SQL = (
    "SELECT key, record_id FROM (SELECT key, record_id,"
    " row_number() OVER (PARTITION BY key) AS n FROM record_blocks WHERE key IN ({marks}))"
    " WHERE n <= ?"
)
