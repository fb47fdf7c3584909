"""Applying the library's named schema migrations (:mod:`bimscli.store.schema`) in order.

Each migration runs in its own transaction and is recorded in a table. A library whose table
lists a migration this bims does not know was written by a newer bims and is refused rather
than damaged. Whether anything is to be done is read without taking the write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from bimscli.errors import LibraryError
from bimscli.store.schema import MIGRATIONS, Migration
from bimscli.store.write_lock import WriteLock

__all__ = ["MIGRATIONS", "Migration", "apply_migrations"]


def _applied(conn: sqlite3.Connection) -> list[str]:
    """The migrations the library records, by a plain read (none for a new file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def apply_migrations(
    conn: sqlite3.Connection,
    migrations: Sequence[Migration] = MIGRATIONS,
    *,
    lock: WriteLock | None = None,
) -> list[str]:
    """Apply the migrations the library lacks, each in a transaction; return their names.

    Which are lacking is found by a plain read, so opening an up-to-date library takes no
    write lock and never waits for a writer; the lock is taken (through ``lock``, which says
    who holds it and waits its turn) only when there is something to migrate.
    """
    done = _applied(conn)
    known = [m.name for m in migrations]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise LibraryError(
            f"this library was written by a newer bims (migrations {', '.join(unknown)}); "
            "upgrade bims to open it"
        )
    missing = [m for m in migrations if m.name not in done]
    if not missing:
        return []
    lock = lock or WriteLock(conn, None)
    with lock.transaction():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
    return [m.name for m in missing if _apply_one(conn, m, lock)]


def _apply_one(conn: sqlite3.Connection, migration: Migration, lock: WriteLock) -> bool:
    """Apply one migration in a transaction; False when another process already had."""
    if migration.rebuilds_tables:
        conn.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
    try:
        with lock.transaction():
            # Again under the write lock: another process may have applied it meanwhile.
            if conn.execute(
                "SELECT 1 FROM migrations WHERE name = ?", (migration.name,)
            ).fetchone():
                return False
            for statement in _statements(migration.sql):
                conn.execute(statement)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise LibraryError(f"migration {migration.name} broke references: {broken[:3]}")
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
    finally:
        if migration.rebuilds_tables:
            conn.execute("PRAGMA foreign_keys = ON")
    return True


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner semicolons)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
