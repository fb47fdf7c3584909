"""Storing one batch of a search's answer: one transaction, only what the library lacks.

A search run is one input of the library (origin ``search:<service>``), created with its first
stored record; its header is the run's provenance (service, query, the service's translation,
the date window, the number found, the time). Each batch is stored in its own transaction: a
run cut off half-way keeps every batch it finished. A record the library already holds from
the same service (the same PMID from PubMed, the same ``SOURCE:ID`` from Europe PMC) is not
stored again, so overlapping windows and re-runs double nothing. The new records are then
matched against the library like any ingested file's, and the works they are in wait for
triage as ``new`` (a work that already has a status keeps it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bimscli.dedup.library.clustering import dedup_indexed_records
from bimscli.formats import get_format
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure
from bimscli.store import Library
from bimscli.store.curation import mark_new
from bimscli.store.prepare import prepare_record
from bimscli.store.prepared import store_prepared

KEY_COLUMN = {"pubmed-xml": "pmid", "europepmc": "source_key"}
"""The stored column that names a record within its service's answers."""


@dataclass(frozen=True, slots=True)
class RunInput:
    """The input a search run's records are stored under, created with its first record."""

    run_id: int
    format_name: str
    name: str
    origin: str
    header: DocumentHeader
    arrived_from: str
    """Where its works arrived from, for triage (``watch:NAME``, ``search:pubmed``)."""

    @property
    def sha256(self) -> str:
        """A content key unique to the run (a run's answer is not a file's bytes)."""
        return hashlib.sha256(f"search-run\n{self.run_id}\n{self.name}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What one batch added: records stored, records already held, failures, merges."""

    stored: int
    already_held: int
    failures: int
    merged: int
    input_id: int | None
    marked_new: int = 0


def record_key(parsed: ParsedRecord, format_name: str) -> str | None:
    """The value of :data:`KEY_COLUMN` for a parsed record."""
    if KEY_COLUMN[format_name] == "pmid":
        return parsed.record.ids.pmid
    return parsed.source_key


def held_keys(library: Library, format_name: str, keys: Sequence[str]) -> set[str]:
    """The ``keys`` that records of ``format_name`` in the library already have."""
    column = KEY_COLUMN[format_name]
    held: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = library.connection.execute(
            f"SELECT s.{column} FROM source_records s JOIN inputs i ON i.id = s.input_id"  # noqa: S608 - column from KEY_COLUMN
            f" WHERE i.format = ? AND s.{column} IN ({marks})",
            (format_name, *chunk),
        )
        held.update(str(value) for (value,) in rows)
    return held


def _input_id(library: Library, run: RunInput) -> int:
    """The run's input, created on first use (inside the batch's transaction)."""
    found = library.find_input(run.sha256, run.format_name)
    if found is not None:
        return found.id
    fmt = get_format(run.format_name)
    return library.add_input(
        name=run.name,
        path=None,
        sha256=run.sha256,
        size=0,
        format_name=fmt.name,
        parser_version=fmt.version,
        origin=run.origin,
    )


def new_records(library: Library, format_name: str, entries: Sequence[Entry]) -> list[ParsedRecord]:
    """The records among ``entries`` that the library does not hold from this service yet."""
    records = [e for e in entries if isinstance(e, ParsedRecord)]
    keys = [k for k in (record_key(r, format_name) for r in records) if k]
    held = held_keys(library, format_name, keys)
    fresh: list[ParsedRecord] = []
    for parsed in records:
        key = record_key(parsed, format_name)
        if key is None or key not in held:
            fresh.append(parsed)
            if key is not None:
                held.add(key)  # the same record twice in one answer is stored once
    return fresh


def store_batch(library: Library, run: RunInput, entries: Sequence[Entry]) -> BatchOutcome:
    """Store the new records and the failures of one batch, in one transaction."""
    failures = [e for e in entries if isinstance(e, ParseFailure)]
    total = sum(isinstance(e, ParsedRecord) for e in entries)
    with library.transaction():
        fresh = new_records(library, run.format_name, entries)
        if not fresh and not failures:
            return BatchOutcome(0, total, 0, 0, None)
        input_id = _input_id(library, run)
        fmt = get_format(run.format_name)
        first_id = library.next_ids("source_records", 1)[0]
        prepared = [prepare_record(p, first_id + n, fmt.priority) for n, p in enumerate(fresh)]
        store_prepared(library, input_id, prepared)
        library.add_failures(input_id, failures)
        _count_into_input(library, input_id, run.header, len(fresh), len(failures))
        merged = marked = 0
        if fresh:
            last_id = first_id + len(fresh) - 1
            changes = dedup_indexed_records(library, [(first_id, last_id)])
            merged = sum(len(rids) for _, rids in changes.merged)
            arrived = _works_of(library, first_id, last_id)
            marked = len(mark_new(library, arrived, origin=run.arrived_from))
    return BatchOutcome(len(fresh), total - len(fresh), len(failures), merged, input_id, marked)


def _works_of(library: Library, first_id: int, last_id: int) -> list[int]:
    """The works the records ``first_id`` to ``last_id`` are in (after deduplication)."""
    rows = library.connection.execute(
        "SELECT DISTINCT work_id FROM work_members WHERE record_id BETWEEN ? AND ?",
        (first_id, last_id),
    )
    return [int(w) for (w,) in rows]


def _count_into_input(
    library: Library, input_id: int, header: DocumentHeader, records: int, failures: int
) -> None:
    row = library.connection.execute(
        "SELECT record_count, failure_count FROM inputs WHERE id = ?", (input_id,)
    ).fetchone()
    library.finish_input(input_id, header, int(row[0]) + records, int(row[1]) + failures)
