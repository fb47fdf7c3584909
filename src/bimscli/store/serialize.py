"""JSON form of the record model, for the library and for ``--json`` output.

msgspec encodes and decodes the frozen dataclasses directly and validates types on the way in,
so a record read back from the library is exactly the record that was stored.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bimscli.dedup.features import RecordFeatures
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Record

_encoder = msgspec.json.Encoder(order="deterministic")
_record_decoder = msgspec.json.Decoder(Record)
_features_encoder = msgspec.msgpack.Encoder()
_features_decoder = msgspec.msgpack.Decoder(RecordFeatures)


def _drop_empty(value: Any) -> Any:
    """Leave out ``None``, empty tuples and false-y defaults so JSON shows what a source said."""
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, [], (), "")}
    if isinstance(value, list | tuple):
        return [_drop_empty(v) for v in value]
    return value


def record_to_json(record: Record) -> bytes:
    """The record as compact JSON bytes (every field, for storage)."""
    return _encoder.encode(record)


def record_from_json(data: bytes | str) -> Record:
    """A record back from :func:`record_to_json`'s output."""
    return _record_decoder.decode(data)


def features_to_msgpack(features: RecordFeatures) -> bytes:
    """A record's deduplication features as the library stores them (msgpack)."""
    return _features_encoder.encode(features)


def features_from_msgpack(data: bytes) -> RecordFeatures:
    """Features back from :func:`features_to_msgpack`'s output."""
    return _features_decoder.decode(data)


def record_to_builtins(record: Record, *, compact: bool = True) -> dict[str, Any]:
    """The record as plain dicts and lists; ``compact`` leaves out empty fields."""
    data: dict[str, Any] = msgspec.to_builtins(record, order="deterministic")
    return _drop_empty(data) if compact else data


def entry_to_builtins(entry: Entry) -> dict[str, Any]:
    """A parser's output item as plain data (golden files, ``--json``)."""
    if isinstance(entry, ParsedRecord):
        return {
            "kind": "record",
            "line": entry.position.line,
            "entry": entry.position.entry,
            "source_key": entry.source_key,
            "record": record_to_builtins(entry.record),
        }
    if isinstance(entry, ParseFailure):
        return {
            "kind": "failure",
            "line": entry.position.line,
            "entry": entry.position.entry,
            "message": entry.message,
        }
    assert isinstance(entry, DocumentHeader)
    return {"kind": "header", "fields": dict(entry.fields)}


def dumps_pretty(data: Any) -> str:
    """Indented, key-sorted JSON with non-ASCII kept readable."""
    return msgspec.json.format(_encoder.encode(data), indent=2).decode("utf-8") + "\n"
