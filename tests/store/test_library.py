"""The SQLite library: migrations, immutability, transactions, concurrency."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bimscli.errors import LibraryError, NotFoundError
from bimscli.formats.pubmed_xml import FORMAT as PUBMED_XML
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.model import Identifiers, ParsedRecord, Position, Record
from bimscli.store import Library
from bimscli.store.library import PAGE_SIZE
from bimscli.store.migrations import MIGRATIONS, apply_migrations
from bimscli.store.raw_text import raw_from_stored, stored_raw
from bimscli.store.serialize import record_to_json
from tests.golden import FIXTURES


def _add_one(library: Library, title: str = "A title") -> tuple[int, int]:
    with library.transaction():
        input_id = library.add_input(
            name="x.txt",
            path=None,
            sha256="ab" * 32,
            size=3,
            format_name="testlines",
            parser_version="t1",
        )
        record = Record(title=title, ids=Identifiers(doi="10.1000/x"))
        (record_id,) = library.add_source_records(
            input_id, [ParsedRecord(record, Position(1, 1), "raw text", "k1")]
        )
        work_id = library.create_work([record_id], "new")
    return record_id, work_id


def test_migrations_are_recorded_once(library_path: Path) -> None:
    Library.open(library_path).close()
    with Library.open(library_path) as library:
        names = [row[0] for row in library.connection.execute("SELECT name FROM migrations")]
    assert names == [m.name for m in MIGRATIONS]


def test_wal_mode_and_busy_timeout(library: Library) -> None:
    assert library.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert library.connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000


def test_a_new_library_gets_large_pages_and_an_old_one_keeps_its_own(
    library_path: Path, tmp_path: Path
) -> None:
    with Library.open(library_path) as library:
        assert library.connection.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    older = tmp_path / "older.sqlite"
    conn = sqlite3.connect(older)
    conn.execute("CREATE TABLE kept (x)")  # a file with content: its page size is fixed
    conn.close()
    with Library.open(older) as library:
        assert library.connection.execute("PRAGMA page_size").fetchone()[0] == 4096
        _add_one(library)
        assert library.count_works() == 1


def test_library_from_a_newer_bims_is_refused(library_path: Path) -> None:
    Library.open(library_path).close()
    conn = sqlite3.connect(library_path)
    conn.execute("INSERT INTO migrations VALUES ('9999_from_the_future', 'now')")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError, match="newer bims"):
        Library.open(library_path)


def test_a_file_that_is_not_a_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(LibraryError, match="not a usable bims library"):
        Library.open(path)


def test_source_records_are_immutable(library: Library) -> None:
    record_id, _ = _add_one(library)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        library.connection.execute("UPDATE source_records SET raw = 'x' WHERE id = ?", (record_id,))
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        library.connection.execute("DELETE FROM source_records WHERE id = ?", (record_id,))


def test_a_work_shows_its_record_and_provenance(library: Library) -> None:
    record_id, work_id = _add_one(library)
    work = library.work(work_id)
    assert work.record.title == "A title"
    assert work.provenance["title"] == [record_id]
    assert work.provenance["ids.doi"] == [record_id]
    (source,) = library.source_records(library.work_record_ids(work_id))
    assert (source.raw, source.source_key, source.line, source.work_id) == (
        "raw text",
        "k1",
        1,
        work_id,
    )


def test_transaction_rolls_back_on_interrupt(library: Library) -> None:
    def add_then_interrupt() -> None:
        with library.transaction():
            library.add_input(
                name="x", path=None, sha256="cd" * 32, size=1, format_name="f", parser_version="1"
            )
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        add_then_interrupt()
    assert library.inputs() == []


def test_unknown_work_is_a_clear_error(library: Library) -> None:
    with pytest.raises(NotFoundError, match="no work 42"):
        library.work(42)


def test_works_of_an_older_library_survive_the_shared_record_migration(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:5])  # a library as bims wrote it before 0006
    record = Record(title="Kept title", ids=Identifiers(doi="10.1000/kept"))
    data = record_to_json(record).decode()
    conn.execute(
        "INSERT INTO inputs (id, name, sha256, size, format, parser_version, ingested_at)"
        " VALUES (1, 'a.ris', 'x', 1, 'ris', '1', 't')"
    )
    conn.execute(
        "INSERT INTO source_records (id, input_id, entry, line, raw, record)"
        " VALUES (1, 1, 1, 1, 'raw', ?)",
        (data,),
    )
    insert_work = (
        "INSERT INTO works (id, record, provenance, created_at, updated_at)"
        " VALUES (?, ?, ?, 't', 't')"
    )
    conn.execute(insert_work, (1, data, '{"title": [1]}'))
    conn.execute(insert_work, (7, "{}", "{}"))
    conn.execute("DELETE FROM works WHERE id = 7")  # a merged work: id 7 must never come back
    conn.execute("INSERT INTO work_members (record_id, work_id, rule) VALUES (1, 1, 'new')")
    conn.close()
    with Library.open(path) as library:
        work = library.work(1)
        assert work.record.title == "Kept title"
        assert work.provenance == {"title": [1]}
        assert library.next_ids("works", 1) == [8]
        _, new_work = _add_one(library, "Another")
        assert new_work == 8
        assert library.work(new_work).record.title == "Another"
        assert library.work(new_work).provenance["title"] == [2]


def test_long_raw_text_is_stored_compressed_and_read_back_exactly(library: Library) -> None:
    article = FIXTURES / "pubmed-xml" / "traps.xml"
    ingest_sources(library, [InputSource(str(article), path=article)])
    with article.open("rb") as stream:
        assert PUBMED_XML.parse_stream is not None
        parsed = [e.raw for e in PUBMED_XML.parse_stream(stream) if isinstance(e, ParsedRecord)]
    rows = library.connection.execute("SELECT id, raw FROM source_records ORDER BY id").fetchall()
    assert len(rows) == len(parsed) > 1
    for (record_id, stored), raw in zip(rows, parsed, strict=True):
        assert isinstance(stored, bytes)  # each entry's text, at a fraction of its size
        assert len(stored) < len(raw.encode("utf-8"))
        (source,) = library.source_records([record_id])
        assert source.raw == raw


def test_short_raw_text_and_an_older_librarys_text_are_read_as_they_are(
    library: Library,
) -> None:
    record_id, _ = _add_one(library)  # "raw text": too short to gain from compression
    stored = library.connection.execute(
        "SELECT raw FROM source_records WHERE id = ?", (record_id,)
    ).fetchone()[0]
    assert stored == "raw text"
    long_text = "<PubmedArticle>" + "<Author>Smith</Author>" * 40 + "</PubmedArticle>"
    assert raw_from_stored(long_text) == long_text  # a row written before migration 0008
    assert raw_from_stored(stored_raw(long_text)) == long_text


def test_opening_an_up_to_date_library_takes_no_write_lock(library_path: Path) -> None:
    with Library.open(library_path) as library:
        _add_one(library, "Committed")
    writer = sqlite3.connect(library_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM work_members")
    try:
        with Library.open(library_path, busy_timeout=0.5) as library:
            assert [w.record.title for w in library.works()] == ["Committed"]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_library_with_a_migration_to_apply_takes_the_write_lock_to_apply_it(
    library_path: Path,
) -> None:
    library_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(library_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    apply_migrations(conn, MIGRATIONS[:7])
    conn.execute("BEGIN IMMEDIATE")  # another program writes
    try:
        with pytest.raises(LibraryError, match="still locked"):
            Library.open(library_path, busy_timeout=0.5)
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    with Library.open(library_path) as library:
        names = [row[0] for row in library.connection.execute("SELECT name FROM migrations")]
    assert names == [m.name for m in MIGRATIONS]
