"""The rows a library hands out: inputs, source records, works and parse failures.

A work that shows its one source record unchanged stores neither record nor provenance
(migration 0006); :data:`WORKS_SQL` reads such a work's record from its member, and
:attr:`WorkRow.provenance` derives the provenance only when asked.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from bimscli.model import DocumentHeader, Record
from bimscli.store.serialize import record_from_json
from bimscli.store.works import Member, derive_work


@dataclass(frozen=True, slots=True)
class InputRow:
    """An ingested input and its provenance."""

    id: int
    name: str
    path: str | None
    sha256: str
    size: int
    format: str
    parser_version: str
    origin: str
    header: DocumentHeader | None
    ingested_at: str
    record_count: int
    failure_count: int


@dataclass(frozen=True, slots=True)
class SourceRecordRow:
    """A stored source record with where it came from."""

    id: int
    input: InputRow
    entry: int
    line: int
    source_key: str | None
    raw: str
    record: Record
    work_id: int | None
    rule: str | None


@dataclass(frozen=True, slots=True)
class WorkRow:
    """A work: its id, derived record and per-field provenance."""

    id: int
    record: Record
    created_at: str
    updated_at: str
    stored_provenance: str | None = None
    single_record_id: int | None = None

    @property
    def provenance(self) -> dict[str, list[int]]:
        """Which source records each shown field comes from (``{"title": [12], …}``)."""
        if self.stored_provenance is not None:
            provenance: dict[str, list[int]] = json.loads(self.stored_provenance)
            return provenance
        # A work that shows its one record unchanged: every field comes from that record.
        return derive_work([Member(self.single_record_id or 0, 0, self.record)]).provenance


@dataclass(frozen=True, slots=True)
class FailureRow:
    """A stored parse failure."""

    id: int
    input_id: int
    entry: int
    line: int
    raw: str
    message: str
    resolved_at: str | None = None
    resolved_by: str | None = None
    """What resolved it: ``input N`` (the same bytes ingested cleanly) or ``by hand``."""


def input_row(row: sqlite3.Row | tuple[object, ...]) -> InputRow:
    (iid, name, path, sha, size, fmt, version, origin, header, at, nrec, nfail) = row
    parsed_header = None
    if header:
        parsed_header = DocumentHeader(tuple((str(k), str(v)) for k, v in json.loads(str(header))))
    return InputRow(
        int(str(iid)),
        str(name),
        None if path is None else str(path),
        str(sha),
        int(str(size)),
        str(fmt),
        str(version),
        str(origin),
        parsed_header,
        str(at),
        int(str(nrec)),
        int(str(nfail)),
    )


WORKS_SQL = (
    "SELECT w.id, coalesce(w.record, (SELECT s.record FROM work_members m"
    " JOIN source_records s ON s.id = m.record_id WHERE m.work_id = w.id)),"
    " w.created_at, w.updated_at, w.provenance, CASE WHEN w.provenance IS NULL THEN"
    " (SELECT m.record_id FROM work_members m WHERE m.work_id = w.id) END FROM works w"
)
"""Every work's id, shown record (JSON), times, stored provenance and, when that is NULL,
its one member's id."""


def work_row(row: tuple[int, str, str, str, str | None, int | None]) -> WorkRow:
    work_id, record, created, updated, provenance, single = row
    return WorkRow(work_id, record_from_json(record), created, updated, provenance, single)
