"""The stored deduplication index: features written at ingest are not rebuilt needlessly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bimscli.model import Identifiers, ParsedRecord, Position, Record
from bimscli.store import Library, dedup_index
from bimscli.store.dedup_index import FEATURES_VERSION, ensure_indexed, index_records
from bimscli.store.migrations import MIGRATIONS, apply_migrations


def _stored(library: Library, title: str) -> tuple[int, Record]:
    record = Record(title=title, ids=Identifiers(doi="10.1/x"))
    input_id = library.add_input(
        name="a.ris", path=None, sha256=title, size=1, format_name="ris", parser_version="1"
    )
    [rid] = library.add_source_records(input_id, [ParsedRecord(record, Position(1, 1), "raw")])
    return rid, record


def _version(library: Library) -> str | None:
    row = library.connection.execute(
        "SELECT value FROM settings WHERE name = 'features_version'"
    ).fetchone()
    return None if row is None else str(row[0])


def test_features_indexed_at_ingest_are_not_rebuilt_by_the_first_dedup(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    with library.transaction():
        index_records(library, [_stored(library, "Asthma in children")])
    assert _version(library) == FEATURES_VERSION

    def no_rebuild(*_: object) -> None:
        raise AssertionError("features were computed again")

    monkeypatch.setattr(dedup_index, "features_from_record", no_rebuild)
    with library.transaction():
        ensure_indexed(library)
    assert library.connection.execute("SELECT count(*) FROM record_features").fetchone()[0] == 1


def test_features_of_an_older_version_are_rebuilt(library: Library) -> None:
    with library.transaction():
        index_records(library, [_stored(library, "Asthma in children")])
        library.connection.execute("UPDATE settings SET value = 'old'")
        library.connection.execute("DELETE FROM record_blocks")
        index_records(library, [_stored(library, "Asthma in adults")])  # keeps the old stamp
        ensure_indexed(library)
    assert _version(library) == FEATURES_VERSION
    blocks = library.connection.execute("SELECT count(DISTINCT record_id) FROM record_blocks")
    assert blocks.fetchone()[0] == 2


def test_blocking_keys_of_an_older_library_survive_the_clustered_blocks_migration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:6])  # record_blocks as a rowid table with two indexes
    conn.execute(
        "INSERT INTO inputs (id, name, sha256, size, format, parser_version, ingested_at)"
        " VALUES (1, 'a.ris', 'x', 1, 'ris', '1', 't')"
    )
    conn.executemany(
        "INSERT INTO source_records (id, input_id, entry, line, raw, record)"
        " VALUES (?, 1, ?, 1, 'raw', '{}')",
        [(1, 1), (2, 2)],
    )
    rows = [("doi:10.1/x", 1), ("doi:10.1/x", 2), ("doi:10.1/x", 2), ("tp:a b c", 1)]
    conn.executemany("INSERT INTO record_blocks (key, record_id) VALUES (?, ?)", rows)
    conn.close()
    with Library.open(path) as library:
        kept = library.connection.execute(
            "SELECT key, record_id FROM record_blocks ORDER BY key, record_id"
        ).fetchall()
        plan = library.connection.execute(
            "EXPLAIN QUERY PLAN SELECT record_id FROM record_blocks WHERE key = 'x'"
        ).fetchall()
    # The duplicate row is gone, and a block is read from the table's own key order.
    assert kept == [("doi:10.1/x", 1), ("doi:10.1/x", 2), ("tp:a b c", 1)]
    assert any("PRIMARY KEY" in str(step) for step in plan)
