"""Named schema migrations of the library, applied in order and recorded in a table.

Each migration runs in its own transaction. A library whose table lists a migration this bims
does not know was written by a newer bims and is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bimscli.errors import LibraryError


@dataclass(frozen=True, slots=True)
class Migration:
    """One named, append-only schema change."""

    name: str
    sql: str


SOURCES_AND_WORKS = Migration(
    "0001_sources_and_works",
    """
    -- One row per ingested input (a file, stdin, or an online service's response).
    CREATE TABLE inputs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        format TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT 'file',
        header TEXT,
        ingested_at TEXT NOT NULL,
        record_count INTEGER NOT NULL DEFAULT 0,
        failure_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX inputs_content ON inputs(sha256, format);

    -- What one parser read from one entry of one input. Never changed, never deleted.
    CREATE TABLE source_records (
        id INTEGER PRIMARY KEY,
        input_id INTEGER NOT NULL REFERENCES inputs(id),
        entry INTEGER NOT NULL,
        line INTEGER NOT NULL,
        source_key TEXT,
        raw TEXT NOT NULL,
        record TEXT NOT NULL,
        doi TEXT,
        pmid TEXT,
        pmcid TEXT
    );
    CREATE INDEX source_records_input ON source_records(input_id);
    CREATE INDEX source_records_doi ON source_records(doi) WHERE doi IS NOT NULL;
    CREATE INDEX source_records_pmid ON source_records(pmid) WHERE pmid IS NOT NULL;
    CREATE INDEX source_records_pmcid ON source_records(pmcid) WHERE pmcid IS NOT NULL;
    CREATE TRIGGER source_records_no_update BEFORE UPDATE ON source_records
        BEGIN SELECT RAISE(ABORT, 'source records are immutable'); END;
    CREATE TRIGGER source_records_no_delete BEFORE DELETE ON source_records
        BEGIN SELECT RAISE(ABORT, 'source records are never deleted'); END;

    -- Entries that failed to parse, kept with their raw text so nothing is lost.
    CREATE TABLE parse_failures (
        id INTEGER PRIMARY KEY,
        input_id INTEGER NOT NULL REFERENCES inputs(id),
        entry INTEGER NOT NULL,
        line INTEGER NOT NULL,
        raw TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX parse_failures_input ON parse_failures(input_id);

    -- A work is a cluster of source records; its shown fields are derived from them.
    CREATE TABLE works (
        id INTEGER PRIMARY KEY,
        record TEXT NOT NULL,
        provenance TEXT NOT NULL,
        title TEXT,
        year INTEGER,
        doi TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX works_doi ON works(doi) WHERE doi IS NOT NULL;

    -- Which work each source record belongs to, and why it joined it.
    CREATE TABLE work_members (
        record_id INTEGER PRIMARY KEY REFERENCES source_records(id),
        work_id INTEGER NOT NULL REFERENCES works(id),
        rule TEXT NOT NULL,
        evidence TEXT
    );
    CREATE INDEX work_members_work ON work_members(work_id);
    """,
)

MIGRATIONS: tuple[Migration, ...] = (SOURCES_AND_WORKS,)
"""Every migration, oldest first. Append only: never edit or reorder a released one."""


def _applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Apply the migrations the library lacks, each in a transaction; return their names."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = _applied(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    known = [m.name for m in migrations]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise LibraryError(
            f"this library was written by a newer bims (migrations {', '.join(unknown)}); "
            "upgrade bims to open it"
        )
    applied: list[str] = []
    for migration in migrations:
        if migration.name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while we waited for the lock.
            if conn.execute(
                "SELECT 1 FROM migrations WHERE name = ?", (migration.name,)
            ).fetchone():
                conn.execute("COMMIT")
                continue
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(migration.name)
    return applied


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
