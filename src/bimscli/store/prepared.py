"""Storing new source records, each in a work of its own, with their deduplication index.

What is stored is computed beforehand (:mod:`bimscli.store.prepare`, possibly in another process);
here are only the inserts, one ``executemany`` per table and batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bimscli.errors import LibraryError
from bimscli.formats.base import SourceFormat
from bimscli.model import ParsedRecord
from bimscli.store.dedup_index import store_index
from bimscli.store.library import Library, now_iso
from bimscli.store.prepare import PreparedRecord, WorkColumns, single_work_columns


def store_prepared(library: Library, input_id: int, batch: Sequence[PreparedRecord]) -> None:
    """Store prepared records of one input, their works and index (inside a transaction).

    The records' ids must be the next free ones (the ingest reserves them under its write
    lock); anything else is a bug, refused before a row is written.
    """
    if not batch:
        return
    expected = library.next_ids("source_records", 1)[0]
    if batch[0].record_id != expected:
        raise LibraryError(
            f"internal error: record ids from {batch[0].record_id} were prepared, but the next"
            f" free id is {expected}; nothing of this file was stored"
        )
    library.insert_source_rows(
        (p.record_id, input_id, p.entry, p.line, p.source_key, p.raw, p.record_json,
         p.doi, p.pmid, p.pmcid)
        for p in batch
    )  # fmt: skip
    _insert_works(library, [(p.record_id, p.work) for p in batch])
    store_index(library, ((p.record_id, p.features, p.blocking_keys) for p in batch))


def create_single_record_works(
    library: Library,
    fmt: SourceFormat,
    parsed: Sequence[ParsedRecord],
    record_ids: Sequence[int],
) -> list[int]:
    """Give stored source records a work each (inside a transaction); the works' ids."""
    columns = (
        single_work_columns(rid, fmt.priority, item.record)
        for item, rid in zip(parsed, record_ids, strict=True)
    )
    return _insert_works(library, list(zip(record_ids, columns, strict=True)))


def _insert_works(library: Library, works: Sequence[tuple[int, WorkColumns]]) -> list[int]:
    work_ids = library.next_ids("works", len(works))
    stamp = now_iso()
    conn = library.connection
    conn.executemany(
        "INSERT INTO works (id, record, provenance, title, year, doi, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        _work_rows(work_ids, works, stamp),
    )
    conn.executemany(
        "INSERT INTO work_members (record_id, work_id, rule) VALUES (?, ?, 'new')",
        [(rid, wid) for (rid, _), wid in zip(works, work_ids, strict=True)],
    )
    return work_ids


def _work_rows(
    work_ids: Sequence[int], works: Sequence[tuple[int, WorkColumns]], stamp: str
) -> Iterator[tuple[object, ...]]:
    for work_id, (_, c) in zip(work_ids, works, strict=True):
        yield (work_id, c.record, c.provenance, c.title, c.year, c.doi, stamp, stamp)
