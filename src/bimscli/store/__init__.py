"""The library store: the SQLite database that holds inputs, source records, works and decisions.

Besides opening, migrating and reading the library (:mod:`.library`, :mod:`.migrations`,
:mod:`.rows`), the store owns what it needs to keep a work consistent with its records:
:mod:`.works` derives a work's shown fields from its source records (every writer of works
calls it: ingest, deduplication, merges, enrichment), :mod:`.serialize` is the JSON and
msgpack form in which records and deduplication features are kept, and :mod:`.prepare`
computes everything stored for a parsed record before :mod:`.prepared` writes it. The store
uses the pure deduplication engine (features and blocking keys) and the parsers' priorities;
it imports no stage above it (ingest, deduplication in the library, tagging, export, enrichment).
"""

from __future__ import annotations

from bimscli.store.library import Library
from bimscli.store.location import default_library_path, resolve_library_path
from bimscli.store.rows import FailureRow, InputRow, SourceRecordRow, WorkRow

__all__ = [
    "FailureRow",
    "InputRow",
    "Library",
    "SourceRecordRow",
    "WorkRow",
    "default_library_path",
    "resolve_library_path",
]
