"""Ingest: from the inputs a user names to source records stored in the library, one file at a time.

The stage that runs the pipeline's first half for each input: :mod:`.sources` opens files,
directories, stdin and ``.gz`` and sniffs their format; :mod:`.gzip_members` checks a ``.gz``
member by member before it is read; :mod:`.decoding` decodes text leniently, marking what it
cannot read, and :mod:`.screening` turns each entry holding such a mark into a failure, within
the bounds of :mod:`.limits`; :mod:`.reading` parses an input into batches of records made
ready to store (:mod:`bimscli.store.prepare`); :mod:`.reading_process` does that reading in a
forked child for large inputs; :mod:`.run` stores each input in one transaction and has
deduplication match its new records as they land.

Ingest sits above the store and deduplication's library side, and nothing below it imports it:
parsers never know they are being ingested, and the store never knows where its records came from
beyond the provenance it is handed.
"""

from __future__ import annotations

from bimscli.ingest.run import (
    CHILD_READS_FROM,
    DEDUP_WINDOW,
    FailureReport,
    FileReport,
    FileStatus,
    IngestReport,
    Progress,
    ingest_source,
    ingest_sources,
)

__all__ = [
    "CHILD_READS_FROM",
    "DEDUP_WINDOW",
    "FailureReport",
    "FileReport",
    "FileStatus",
    "IngestReport",
    "Progress",
    "ingest_source",
    "ingest_sources",
]
