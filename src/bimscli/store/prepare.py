"""A parsed record made ready to store: every value an ingest writes for it, in one place.

Preparing is pure (the record's JSON and compressed raw text, its work's shown fields, its
deduplication features and blocking keys) and costs more CPU than the inserts do;
:mod:`bimscli.store.prepared` then only writes. The store assigns nothing but work ids: record
ids are given out in order from the first free one, which the ingest's write lock keeps free.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from bimscli.dedup import features_from_record
from bimscli.dedup.blocking import stored_keys
from bimscli.model import ParsedRecord, Record
from bimscli.store.raw_text import stored_raw
from bimscli.store.serialize import features_to_msgpack, record_from_json, record_to_json
from bimscli.store.works import Member, derive_work


class WorkColumns(NamedTuple):
    """The ``works`` columns of a work made of one source record.

    ``record`` and ``provenance`` are None when the work shows its record unchanged (readers
    then take the source record's own JSON, migration 0006).
    """

    record: str | None
    provenance: str | None
    title: str | None
    year: int | None
    doi: str | None


def single_work_columns(record_id: int, priority: int, record: Record) -> WorkColumns:
    """The ``works`` columns of a new work holding only this record."""
    derived = derive_work([Member(record_id, priority, record)])
    shown = derived.record
    if shown is record:
        return WorkColumns(None, None, shown.title, shown.year, shown.ids.doi)
    return WorkColumns(
        record_to_json(shown).decode("utf-8"),
        json.dumps(derived.provenance, sort_keys=True),
        shown.title,
        shown.year,
        shown.ids.doi,
    )


class PreparedRecord(NamedTuple):
    """One source record and its new work, as the store writes them (plain values)."""

    record_id: int
    entry: int
    line: int
    source_key: str | None
    raw: str | bytes
    record_json: str
    doi: str | None
    pmid: str | None
    pmcid: str | None
    work: WorkColumns
    features: bytes
    blocking_keys: tuple[str, ...]


class EncodedRecord(NamedTuple):
    """A parsed record as plain values, its record as JSON: what a reading process sends."""

    entry: int
    line: int
    source_key: str | None
    raw: str
    record_json: str


def encode_parsed(item: ParsedRecord) -> EncodedRecord:
    """``item`` as plain values; :func:`prepare_encoded` prepares it as it would ``item``."""
    return EncodedRecord(
        item.position.entry,
        item.position.line,
        item.source_key,
        item.raw,
        record_to_json(item.record).decode("utf-8"),
    )


def prepare_record(item: ParsedRecord, record_id: int, priority: int) -> PreparedRecord:
    """Everything stored for ``item`` as source record ``record_id`` of a format of
    ``priority``, and for the one-record work it starts in."""
    return _prepared(record_id, priority, item.record, encode_parsed(item))


def prepare_encoded(encoded: EncodedRecord, record_id: int, priority: int) -> PreparedRecord:
    """What :func:`prepare_record` gives for the parsed record ``encoded`` came from (the JSON
    gives back exactly the record that was encoded)."""
    return _prepared(record_id, priority, record_from_json(encoded.record_json), encoded)


def _prepared(
    record_id: int, priority: int, record: Record, encoded: EncodedRecord
) -> PreparedRecord:
    features = features_from_record(str(record_id), record)
    return PreparedRecord(
        record_id,
        encoded.entry,
        encoded.line,
        encoded.source_key,
        stored_raw(encoded.raw),
        encoded.record_json,
        record.ids.doi,
        record.ids.pmid,
        record.ids.pmcid,
        single_work_columns(record_id, priority, record),
        features_to_msgpack(features),
        stored_keys(features),
    )
