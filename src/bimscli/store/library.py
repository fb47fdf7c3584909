"""The SQLite library: inputs, immutable source records, and the works derived from them.

One :class:`Library` object owns one connection. Writes happen inside :meth:`Library.transaction`
(``BEGIN IMMEDIATE`` … ``COMMIT``); any exception, ``KeyboardInterrupt`` included, rolls the whole
transaction back, so a library is never left half-written. In WAL mode several ``bims``
processes share one library: opening it and reading take no lock that a writer holds, so a
reader sees the last committed state at once while another process writes, and writers take
turns (:mod:`bimscli.store.write_lock`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from bimscli.errors import LibraryError, NotFoundError
from bimscli.formats import priority_of
from bimscli.model import DocumentHeader, ParsedRecord, ParseFailure
from bimscli.store.migrations import apply_migrations
from bimscli.store.raw_text import raw_from_stored, stored_raw
from bimscli.store.rows import (
    WORKS_SQL,
    FailureRow,
    InputRow,
    SourceRecordRow,
    WorkRow,
    input_row,
    work_row,
)
from bimscli.store.serialize import record_from_json, record_to_json
from bimscli.store.works import DerivedWork, Member, derive_work
from bimscli.store.write_lock import LockWait, WriteLock, holder_file_of, use_wal

DEFAULT_BUSY_TIMEOUT = 300.0
"""Seconds SQLite waits for a lock before answering "database is locked", and a writer for a
holder of the write lock that does not name itself. A bims that holds it and names itself is
waited for as long as it runs (a big ingest can take many minutes)."""


PAGE_SIZE = 16384
"""Page size of new libraries. A source record (raw text and JSON) is ~15 KB for a PubMed
article: with 4 KB pages each spans a chain of overflow pages, and the write-ahead log gets
four times the frames (each checksummed, each indexed in memory for the open transaction).
16 KB pages made storing 30,000 articles ~30% cheaper (benchmarks/pubmed_ingest.py)."""


CACHE_KIB = 65536
"""SQLite's page cache per connection (KiB; SQLite's default is 2,000). An ingest inserts
blocking keys in random order into an index of tens of megabytes: with the default cache most
inserts read and spill a page (30,000 articles: indexing 2.8 -> 2.0 CPU-s, matching 1.7 -> 1.2).
The cache is a cap, so memory stays flat."""


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Library:
    """A bims library in one SQLite file."""

    def __init__(
        self, connection: sqlite3.Connection, path: Path, write_lock: WriteLock | None = None
    ) -> None:
        self.connection = connection
        self.path = path
        self.write_lock = write_lock or WriteLock(connection, holder_file_of(path))

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        activity: str = "a bims command",
        on_wait: LockWait | None = None,
    ) -> Library:
        """Open (creating if needed) the library at ``path`` and bring its schema up to date.

        Opening an up-to-date library only reads. ``activity`` says what this process will
        write (``ingest big.xml``) to other writers waiting for it; ``on_wait`` is told, once
        per holder, when this one has to wait for another writer.
        """
        holder_file = holder_file_of(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"cannot open library {path}: {exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            # Only a new, empty file takes a page size (before WAL mode is set); an existing
            # library keeps its own.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            use_wal(conn, busy_timeout)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            conn.execute("PRAGMA foreign_keys = ON")
            upgrading = f"{activity} (upgrading the library)"
            apply_migrations(
                conn,
                lock=WriteLock(
                    conn, holder_file, activity=upgrading, on_wait=on_wait, patience=busy_timeout
                ),
            )
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LibraryError(f"{path} is not a usable bims library: {exc}") from exc
        except BaseException:  # a library from a newer bims, Ctrl-C: leave no connection open
            conn.close()
            raise
        lock = WriteLock(
            conn, holder_file, activity=activity, on_wait=on_wait, patience=busy_timeout
        )
        return cls(conn, path, lock)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any exception, Ctrl-C included.

        With ``commit=False`` it is always rolled back: a dry run sees its own changes, then
        nothing of them is kept. When another process holds the write lock this waits for it
        (see :class:`~bimscli.store.write_lock.WriteLock`).
        """
        with self.write_lock.transaction(commit=commit) as conn:
            yield conn

    # Inputs -----------------------------------------------------------------------------------

    def find_input(self, sha256: str, format_name: str) -> InputRow | None:
        """The earlier ingest of the same bytes with the same format, if any."""
        row = self.connection.execute(
            "SELECT * FROM inputs WHERE sha256 = ? AND format = ?", (sha256, format_name)
        ).fetchone()
        return input_row(row) if row else None

    def add_input(
        self,
        *,
        name: str,
        path: str | None,
        sha256: str,
        size: int,
        format_name: str,
        parser_version: str,
        origin: str = "file",
    ) -> int:
        """Insert an input row (inside a transaction) and return its id."""
        cursor = self.connection.execute(
            "INSERT INTO inputs (name, path, sha256, size, format, parser_version, origin,"
            " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, path, sha256, size, format_name, parser_version, origin, now_iso()),
        )
        return int(cursor.lastrowid or 0)

    def finish_input(
        self, input_id: int, header: DocumentHeader | None, records: int, failures: int
    ) -> None:
        """Record the header and the counts of an input once it is parsed."""
        header_json = json.dumps(header.fields, ensure_ascii=False) if header else None
        self.connection.execute(
            "UPDATE inputs SET header = ?, record_count = ?, failure_count = ? WHERE id = ?",
            (header_json, records, failures, input_id),
        )

    def inputs(self) -> list[InputRow]:
        """Every input, oldest first."""
        rows = self.connection.execute("SELECT * FROM inputs ORDER BY id").fetchall()
        return [input_row(row) for row in rows]

    # Source records ---------------------------------------------------------------------------

    def add_source_records(
        self, input_id: int, parsed: Sequence[ParsedRecord], record_json: Sequence[str] = ()
    ) -> list[int]:
        """Store parsed records of one input (inside a transaction); return their ids.

        ``record_json`` may give each record's :func:`record_to_json` text when the caller
        already has it (it is then not encoded twice).
        """
        if not record_json:
            record_json = [record_to_json(item.record).decode("utf-8") for item in parsed]
        ids = self.next_ids("source_records", len(parsed))
        self.insert_source_rows(
            (rid, input_id, item.position.entry, item.position.line, item.source_key,
             stored_raw(item.raw), data, item.record.ids.doi, item.record.ids.pmid,
             item.record.ids.pmcid)
            for rid, item, data in zip(ids, parsed, record_json, strict=True)
        )  # fmt: skip
        return ids

    def insert_source_rows(self, rows: Iterable[tuple[object, ...]]) -> None:
        """Insert ``source_records`` rows as stored (inside a transaction): id, input id,
        entry, line, source key, stored raw text, record JSON, DOI, PMID, PMCID."""
        self.connection.executemany(
            "INSERT INTO source_records (id, input_id, entry, line, source_key, raw, record,"
            " doi, pmid, pmcid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def next_ids(self, table: str, count: int) -> list[int]:
        """The ids SQLite would give the next ``count`` rows of ``table`` (inside a transaction).

        A new row gets ``max(id) + 1``, and for ``AUTOINCREMENT`` tables (works: ids are
        never reused) at least one more than the highest id ever given, which
        ``sqlite_sequence`` keeps. The write lock of ``BEGIN IMMEDIATE`` keeps other writers
        out until the rows are in, so they can be inserted with these ids in one
        ``executemany`` (SQLite then moves the sequence past them).
        """
        if table not in _ID_TABLES:
            raise ValueError(f"no id sequence for table {table!r}")
        sql = f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608 - a fixed table name
        highest = int(self.connection.execute(sql).fetchone()[0])
        sequence = self.connection.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
        ).fetchone()
        first = max(highest, int(sequence[0]) if sequence else 0) + 1
        return list(range(first, first + count))

    def add_failures(self, input_id: int, failures: Iterable[ParseFailure]) -> None:
        """Store parse failures of one input (inside a transaction)."""
        self.connection.executemany(
            "INSERT INTO parse_failures (input_id, entry, line, raw, message)"
            " VALUES (?, ?, ?, ?, ?)",
            [(input_id, f.position.entry, f.position.line, f.raw, f.message) for f in failures],
        )

    def failures(self, input_id: int | None = None, *, resolved: bool = True) -> list[FailureRow]:
        """Stored parse failures, of one input or of all (``resolved=False``: the open ones)."""
        sql = (
            "SELECT id, input_id, entry, line, raw, message, resolved_at, resolved_by"
            " FROM parse_failures WHERE (? IS NULL OR input_id = ?)"
        )
        if not resolved:
            sql += " AND resolved_at IS NULL"
        rows = self.connection.execute(sql + " ORDER BY id", (input_id, input_id))
        return [FailureRow(*row) for row in rows]

    def source_records(self, record_ids: Sequence[int]) -> list[SourceRecordRow]:
        """The source records with these ids, in the order given."""
        inputs = {row.id: row for row in self.inputs()}
        out: dict[int, SourceRecordRow] = {}
        for chunk in _chunks(list(record_ids), 500):
            marks = ",".join("?" * len(chunk))
            # Only "?" placeholders are formatted in; the ids are bound parameters.
            sql = _SOURCE_RECORDS_SQL.format(marks=marks)
            rows = self.connection.execute(sql, chunk)
            for rid, iid, entry, line, key, raw, rec, work_id, rule in rows:
                out[rid] = SourceRecordRow(
                    rid,
                    inputs[iid],
                    entry,
                    line,
                    key,
                    raw_from_stored(raw),
                    record_from_json(rec),
                    work_id,
                    rule,
                )
        missing = [rid for rid in record_ids if rid not in out]
        if missing:
            raise NotFoundError(f"no source record {missing[0]}")
        return [out[rid] for rid in record_ids]

    def count_source_records(self) -> int:
        """How many source records the library holds."""
        return int(self.connection.execute("SELECT count(*) FROM source_records").fetchone()[0])

    # Works ------------------------------------------------------------------------------------

    def members(self, work_id: int) -> list[Member]:
        """A work's source records as derivation sees them."""
        rows = self.connection.execute(
            "SELECT s.id, s.record, i.format FROM work_members m"
            " JOIN source_records s ON s.id = m.record_id JOIN inputs i ON i.id = s.input_id"
            " WHERE m.work_id = ? ORDER BY s.id",
            (work_id,),
        ).fetchall()
        return [Member(rid, priority_of(fmt), record_from_json(rec)) for rid, rec, fmt in rows]

    def create_work(self, record_ids: Sequence[int], rule: str, evidence: str | None = None) -> int:
        """A new work holding these source records (inside a transaction)."""
        stamp = now_iso()
        cursor = self.connection.execute(
            "INSERT INTO works (record, provenance, created_at, updated_at)"
            " VALUES ('{}', '{}', ?, ?)",
            (stamp, stamp),
        )
        work_id = int(cursor.lastrowid or 0)
        self.connection.executemany(
            "INSERT INTO work_members (record_id, work_id, rule, evidence) VALUES (?, ?, ?, ?)",
            [(rid, work_id, rule, evidence) for rid in record_ids],
        )
        self.refresh_work(work_id)
        return work_id

    def refresh_work(self, work_id: int) -> DerivedWork:
        """Derive a work's shown fields again from its members (inside a transaction)."""
        members = self.members(work_id)
        derived = derive_work(members)
        record = derived.record
        shared = len(members) == 1 and record is members[0].record
        self.connection.execute(
            "UPDATE works SET record = ?, provenance = ?, title = ?, year = ?, doi = ?,"
            " updated_at = ? WHERE id = ?",
            (
                None if shared else record_to_json(record).decode("utf-8"),
                None if shared else json.dumps(derived.provenance, sort_keys=True),
                record.title,
                record.year,
                record.ids.doi,
                now_iso(),
                work_id,
            ),
        )
        return derived

    def work(self, work_id: int) -> WorkRow:
        """The work with this id."""
        row = self.connection.execute(WORKS_SQL + " WHERE w.id = ?", (work_id,)).fetchone()
        if row is None:
            raise NotFoundError(self._missing_work_message(work_id))
        return work_row(row)

    def _missing_work_message(self, work_id: int) -> str:
        """Where a work went (merged into another, perhaps several times), or that it never was."""
        heir, seen = work_id, {work_id}
        while (
            row := self.connection.execute(
                "SELECT merged_into FROM retired_works WHERE id = ?", (heir,)
            ).fetchone()
        ) and row[0] not in seen:
            heir = int(row[0])
            seen.add(heir)
        if heir != work_id:
            return f"work {work_id} was merged into work {heir}; see `bims show {heir}`"
        return f"no work {work_id}; see `bims list`"

    def works(self, work_ids: Sequence[int] | None = None) -> Iterator[WorkRow]:
        """Every work (or the ones named) in id order, streamed."""
        if work_ids is not None:
            for work_id in work_ids:
                yield self.work(work_id)
            return
        for row in self.connection.execute(WORKS_SQL + " ORDER BY w.id"):
            yield work_row(row)

    def work_record_ids(self, work_id: int) -> list[int]:
        """The ids of a work's source records, oldest first."""
        rows = self.connection.execute(
            "SELECT record_id FROM work_members WHERE work_id = ? ORDER BY record_id", (work_id,)
        )
        return [int(row[0]) for row in rows]

    def count_works(self) -> int:
        """How many works the library holds."""
        return int(self.connection.execute("SELECT count(*) FROM works").fetchone()[0])


_ID_TABLES = frozenset({"source_records", "works"})

_SOURCE_RECORDS_SQL = (
    "SELECT s.id, s.input_id, s.entry, s.line, s.source_key, s.raw, s.record, m.work_id, m.rule"
    " FROM source_records s LEFT JOIN work_members m ON m.record_id = s.id"
    " WHERE s.id IN ({marks})"
)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
