"""Named schema migrations of the library, applied in order and recorded in a table.

Each migration runs in its own transaction. A library whose table lists a migration this bims
does not know was written by a newer bims and is refused rather than damaged. Whether anything
is to be done is read without taking the write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bimscli.errors import LibraryError
from bimscli.store.write_lock import WriteLock


@dataclass(frozen=True, slots=True)
class Migration:
    """One named, append-only schema change.

    ``rebuilds_tables`` runs it with foreign keys off (SQLite's procedure for rebuilding a
    table that others reference), checking them all before it commits.
    """

    name: str
    sql: str
    rebuilds_tables: bool = False


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

CITATION_KEYS = Migration(
    "0002_citation_keys",
    """
    -- A work's citation key: generated once, kept until the user asks for --rekey. Keys are
    -- ASCII, so NOCASE makes clashes case-insensitive as BibTeX and biber see them.
    CREATE TABLE citation_keys (
        work_id INTEGER PRIMARY KEY REFERENCES works(id),
        key TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX citation_keys_key ON citation_keys(key COLLATE NOCASE);
    """,
)

TAGS = Migration(
    "0003_tags",
    """
    -- A work's tags. origin 'rule': set by a tag rule, recomputed by every `bims tag` (stale
    -- ones deleted); origin 'manual': set by `bims tag add`, never touched by rules. The same
    -- tag may have both origins. source: JSON naming the rules file and query that set it.
    CREATE TABLE work_tags (
        work_id INTEGER NOT NULL REFERENCES works(id),
        tag TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('rule', 'manual')),
        source TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (work_id, tag, origin)
    );
    CREATE INDEX work_tags_tag ON work_tags(tag);
    """,
)

DEDUPLICATION = Migration(
    "0004_deduplication",
    """
    -- Library-wide settings, such as the version of the stored deduplication features.
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

    -- Each record's deduplication features and blocking keys, computed once at ingest.
    CREATE TABLE record_features (
        record_id INTEGER PRIMARY KEY REFERENCES source_records(id),
        data BLOB NOT NULL
    );
    CREATE TABLE record_blocks (
        key TEXT NOT NULL,
        record_id INTEGER NOT NULL REFERENCES source_records(id)
    );
    CREATE INDEX record_blocks_key ON record_blocks(key);
    CREATE INDEX record_blocks_record ON record_blocks(record_id);

    -- What a person decided with bims merge / bims unmerge; automatic runs never undo it.
    CREATE TABLE dedup_decisions (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('must-link', 'cannot-link')),
        record_a INTEGER NOT NULL REFERENCES source_records(id),
        record_b INTEGER NOT NULL REFERENCES source_records(id),
        created_at TEXT NOT NULL,
        UNIQUE (kind, record_a, record_b)
    );

    -- Pairs the last run linked (erratum and paper), flagged (same DOI, other title) or
    -- found borderline (for bims dedup --review).
    CREATE TABLE record_pairs (
        record_a INTEGER NOT NULL,
        record_b INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        rule TEXT NOT NULL,
        title_score REAL,
        evidence TEXT,
        found_at TEXT NOT NULL,
        PRIMARY KEY (record_a, record_b)
    );
    """,
)

STABLE_WORK_IDS = Migration(
    "0005_stable_work_ids",
    """
    -- Work ids are never reused (AUTOINCREMENT): an id a curator noted, or a script keeps,
    -- never comes to name another paper after a merge deleted the work it named.
    CREATE TABLE works_v5 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        record TEXT NOT NULL,
        provenance TEXT NOT NULL,
        title TEXT,
        year INTEGER,
        doi TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    INSERT INTO works_v5 (id, record, provenance, title, year, doi, created_at, updated_at)
        SELECT id, record, provenance, title, year, doi, created_at, updated_at FROM works;
    DROP TABLE works;
    ALTER TABLE works_v5 RENAME TO works;
    CREATE INDEX works_doi ON works(doi) WHERE doi IS NOT NULL;

    -- Works merged into another: `bims show 2` says where work 2 went.
    CREATE TABLE retired_works (
        id INTEGER PRIMARY KEY,
        merged_into INTEGER NOT NULL,
        retired_at TEXT NOT NULL
    );

    -- Citation keys of works merged into another stay as aliases of the surviving work, so a
    -- key already cited in a manuscript is never silently lost (BibLaTeX exports them as ids).
    CREATE TABLE citation_key_aliases (
        key TEXT PRIMARY KEY COLLATE NOCASE,
        work_id INTEGER NOT NULL,
        retired_at TEXT NOT NULL
    );
    CREATE INDEX citation_key_aliases_work ON citation_key_aliases(work_id);
    """,
    rebuilds_tables=True,
)

SHARED_SINGLE_RECORDS = Migration(
    "0006_shared_single_records",
    """
    -- A work of one source record that shows that record unchanged (every work of a fresh
    -- ingest) keeps no copy of it: record and provenance are NULL, and readers take the
    -- record from its one member (every field then comes from it). Halves what an ingest
    -- writes besides the raw text.
    CREATE TABLE works_v6 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        record TEXT,
        provenance TEXT,
        title TEXT,
        year INTEGER,
        doi TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    INSERT INTO works_v6 (id, record, provenance, title, year, doi, created_at, updated_at)
        SELECT id, record, provenance, title, year, doi, created_at, updated_at FROM works;
    -- Ids are never reused: carry the highest id ever given over to the new table.
    UPDATE sqlite_sequence SET seq = max(seq, coalesce(
        (SELECT max(seq) FROM sqlite_sequence WHERE name = 'works'), 0))
        WHERE name = 'works_v6';
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'works_v6', seq FROM sqlite_sequence WHERE name = 'works'
        AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'works_v6');
    DROP TABLE works;
    ALTER TABLE works_v6 RENAME TO works;
    CREATE INDEX works_doi ON works(doi) WHERE doi IS NOT NULL;
    """,
    rebuilds_tables=True,
)

CLUSTERED_BLOCKS = Migration(
    "0007_clustered_blocks",
    """
    -- Blocking keys clustered by key (no rowid, no separate key index): an ingest inserts
    -- eight a record into two B-trees instead of three, and a block's members are read in
    -- key order from the table itself.
    CREATE TABLE record_blocks_v7 (
        key TEXT NOT NULL,
        record_id INTEGER NOT NULL REFERENCES source_records(id),
        PRIMARY KEY (key, record_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO record_blocks_v7 (key, record_id)
        SELECT key, record_id FROM record_blocks;
    DROP TABLE record_blocks;
    ALTER TABLE record_blocks_v7 RENAME TO record_blocks;
    CREATE INDEX record_blocks_record ON record_blocks(record_id);
    """,
)

COMPRESSED_RAW_TEXT = Migration(
    "0008_compressed_raw_text",
    """
    -- No table changes: from here on a source record's raw text of 256 characters or more is
    -- stored as a BLOB holding one zstd frame (bimscli.store.raw_text), a shorter one as TEXT
    -- as before. Recorded so that an older bims, which would read such a BLOB as text,
    -- refuses the library instead.
    """,
)

TAGGED_WORKS = Migration(
    "0009_tagged_works",
    """
    -- The works `bims tag` has tagged with the rule set whose fingerprint is in settings
    -- ('tagging.rules'), and that have not changed since. The triggers forget a work as soon
    -- as its shown record or its members change, or it goes, so every writer of works, now
    -- and later, keeps it right, and a re-run of `bims tag` reads only the works that
    -- changed. Manual tags (which rules can read too) are forgotten by the one place that
    -- writes them, bimscli.tagging.library_tags: a trigger on work_tags would run for each of
    -- the millions of rule tags a first `bims tag` writes, a third of its time. (The column is
    -- `id`, not `work_id`: a merged-away work's row must not move to its heir.)
    CREATE TABLE tagged_works (id INTEGER PRIMARY KEY);
    -- The rule behind each rule tag, once per tag instead of once per tagged work (a first
    -- `bims tag` of 100,000 works wrote the same JSON 1.5 million times): rule tags are always
    -- those of the last run's rules, so the tag names its rule. work_tags.source stays for
    -- manual tags and for rule tags written by an older bims.
    CREATE TABLE rule_sources (tag TEXT PRIMARY KEY, source TEXT NOT NULL);
    CREATE TRIGGER tagged_works_record AFTER UPDATE OF record ON works
    BEGIN
        DELETE FROM tagged_works WHERE id IN (OLD.id, NEW.id);
    END;
    CREATE TRIGGER tagged_works_gone AFTER DELETE ON works
    BEGIN
        DELETE FROM tagged_works WHERE id = OLD.id;
    END;
    CREATE TRIGGER tagged_works_member_in AFTER INSERT ON work_members
    BEGIN
        DELETE FROM tagged_works WHERE id = NEW.work_id;
    END;
    CREATE TRIGGER tagged_works_member_out AFTER DELETE ON work_members
    BEGIN
        DELETE FROM tagged_works WHERE id = OLD.work_id;
    END;
    CREATE TRIGGER tagged_works_member_moved AFTER UPDATE ON work_members
    BEGIN
        DELETE FROM tagged_works WHERE id IN (OLD.work_id, NEW.work_id);
    END;
    """,
)

RESOLVED_FAILURES = Migration(
    "0010_resolved_failures",
    """
    -- A failure is resolved (never deleted: its raw text is what the user gave) when the same
    -- bytes later ingest cleanly, for example with the right --format, or when a person says
    -- so (`bims failures --resolve`). `bims failures` lists the unresolved ones.
    ALTER TABLE parse_failures ADD COLUMN resolved_at TEXT;
    ALTER TABLE parse_failures ADD COLUMN resolved_by TEXT;
    """,
)

REVIEW_DECISIONS = Migration(
    "0011_review_decisions",
    """
    -- What a person decided about a pair of works in `bims dedup --review`, with the records
    -- each work held then: a rejection after an acceptance splits the accepted work back along
    -- this line, and undo in the review loop restores it. The pairs of records themselves are
    -- remembered in dedup_decisions, as for bims merge / unmerge.
    CREATE TABLE review_decisions (
        id INTEGER PRIMARY KEY,
        work_a INTEGER NOT NULL,
        work_b INTEGER NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject')),
        records_a TEXT NOT NULL,
        records_b TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX review_decisions_works ON review_decisions(work_a, work_b);
    """,
)

CURATION_AND_NEWSLETTER = Migration(
    "0012_curation_and_newsletter",
    """
    -- Curation status history (bimscli.store.curation): append-only; a work's status is the
    -- one of its latest row. Rows move with their work when works merge (work_id), while
    -- origin_work keeps the work they were written for.
    CREATE TABLE curation_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        work_id INTEGER NOT NULL,
        origin_work INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('decision', 'undo', 'new', 'merge', 'split')),
        status TEXT CHECK (status IN ('new', 'selected', 'maybe', 'rejected')),
        previous TEXT,
        at TEXT NOT NULL,
        by TEXT,
        origin TEXT,
        undoes INTEGER,
        note TEXT
    );
    CREATE INDEX curation_log_work ON curation_log(work_id);

    -- Newsletter issues (bimscli.newsletter) and the works in each, in order.
    CREATE TABLE newsletter_issues (
        number INTEGER PRIMARY KEY,
        issue_date TEXT NOT NULL,
        report_id TEXT,
        topic TEXT,
        editor TEXT,
        affiliation TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE newsletter_entries (
        issue_number INTEGER NOT NULL REFERENCES newsletter_issues(number),
        work_id INTEGER NOT NULL,
        position INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (issue_number, work_id)
    );
    CREATE INDEX newsletter_entries_work ON newsletter_entries(work_id);
    """,
)

SEARCHES_AND_WATCHES = Migration(
    "0013_searches_and_watches",
    """
    -- Saved searches (`bims watch add`): the service, the query, where the first run starts
    -- (`--since`, else everything), and when the last run that fetched everything began. The
    -- next run asks for what entered the database since then (with an overlap).
    CREATE TABLE watches (
        name TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        query TEXT NOT NULL,
        since TEXT,
        created_at TEXT NOT NULL,
        last_success_at TEXT
    );
    -- Every search run (`bims search`, `bims watch run`), kept as its provenance: the window
    -- asked for, the service's translation, how many it found and stored, and how it ended.
    -- `watch` is a name, not a reference: removing a watch keeps its history.
    CREATE TABLE search_runs (
        id INTEGER PRIMARY KEY,
        watch TEXT,
        service TEXT NOT NULL,
        query TEXT NOT NULL,
        translation TEXT,
        since TEXT,
        until TEXT,
        found INTEGER,
        stored INTEGER NOT NULL DEFAULT 0,
        already_held INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        message TEXT,
        input_id INTEGER REFERENCES inputs(id),
        started_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX search_runs_watch ON search_runs(watch);
    -- A search stores a record only when the library does not hold it from the same service
    -- yet; Europe PMC records are known by their source key (SOURCE:ID).
    CREATE INDEX source_records_source_key ON source_records(source_key)
        WHERE source_key IS NOT NULL;
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    SOURCES_AND_WORKS,
    CITATION_KEYS,
    TAGS,
    DEDUPLICATION,
    STABLE_WORK_IDS,
    SHARED_SINGLE_RECORDS,
    CLUSTERED_BLOCKS,
    COMPRESSED_RAW_TEXT,
    TAGGED_WORKS,
    RESOLVED_FAILURES,
    REVIEW_DECISIONS,
    CURATION_AND_NEWSLETTER,
    SEARCHES_AND_WATCHES,
)
"""Every migration, oldest first. Append only: never edit or reorder a released one."""


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
