"""``bims ingest``: parse inputs, store their source records, and give each a work.

Every input is ingested in one transaction: either all its records, its failures and its
provenance land, or (on a fatal error, a crash or Ctrl-C) nothing of it does. An entry that
fails to parse is stored as a failure with its line and raw text while the rest of the file
lands. Re-ingesting the same bytes with the same format does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bimscli.clustering import dedup_indexed_records, id_runs
from bimscli.collector import collector_relaxed
from bimscli.errors import BimsError
from bimscli.formats import detect_format, get_format
from bimscli.formats.base import SourceFormat
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Position
from bimscli.serialize import record_to_json
from bimscli.sources import (
    InputSource,
    decode_text,
    effective_encoding,
    iter_lines,
    sniff,
    stream_damage,
)
from bimscli.store import Library
from bimscli.store.dedup_index import index_records
from bimscli.store.library import now_iso
from bimscli.works import Member, derive_work

BATCH_SIZE = 1000


class FileStatus(StrEnum):
    """How the ingest of one input ended."""

    ADDED = "added"
    PARTIAL = "partial"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FailureReport:
    """One entry that did not parse: where, and why."""

    line: int
    entry: int
    message: str


@dataclass(frozen=True, slots=True)
class FileReport:
    """What happened to one input."""

    name: str
    status: FileStatus
    format: str | None = None
    records: int = 0
    works: tuple[int, ...] = ()
    merged: int = 0
    flagged: int = 0
    failures: tuple[FailureReport, ...] = ()
    error: str | None = None
    earlier: str | None = None
    exception: BaseException | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What happened to every input of one ``bims ingest``."""

    files: tuple[FileReport, ...]

    @property
    def records(self) -> int:
        """Source records added."""
        return sum(f.records for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 when everything landed, 3 when some entries or files failed and the rest landed,
        1 when nothing could be ingested."""
        statuses = {f.status for f in self.files}
        if not statuses or statuses <= {FileStatus.ADDED, FileStatus.UNCHANGED}:
            return 0
        if statuses & {FileStatus.ADDED, FileStatus.PARTIAL, FileStatus.UNCHANGED}:
            return 3
        return 1


class Progress:
    """Receives progress of an ingest; the CLI subclasses it to draw a progress bar."""

    def start(self, name: str, total_bytes: int) -> None:
        """A new input of ``total_bytes`` stored bytes begins."""

    def advance(self, read_bytes: int) -> None:
        """``read_bytes`` more stored bytes were read."""

    def finish(self) -> None:
        """The current input is done."""


def ingest_sources(
    library: Library,
    sources: Sequence[InputSource],
    *,
    format_name: str | None = None,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    dedup: bool = True,
) -> IngestReport:
    """Ingest each source in its own transaction and report on all of them.

    With ``dedup`` (the default) a file's new records are matched against the library and
    each other once all of them are stored, before the file's transaction ends.
    """
    with collector_relaxed():
        reports = [
            ingest_source(
                library,
                source,
                format_name=format_name,
                encoding=encoding,
                progress=progress or Progress(),
                dedup=dedup,
            )
            for source in sources
        ]
    return IngestReport(tuple(reports))


def ingest_source(
    library: Library,
    source: InputSource,
    *,
    format_name: str | None,
    encoding: str,
    progress: Progress,
    dedup: bool = True,
) -> FileReport:
    """Ingest one input; errors in it become a failed report, never a half-written library."""
    fmt: SourceFormat | None = None
    try:
        encoding = effective_encoding(source, encoding)
        sniffed = sniff(source, encoding)
        fmt = get_format(format_name) if format_name else detect_format(sniffed)
        sha256 = source.sha256()
        if (unchanged := _unchanged(library, source, fmt, sha256)) is not None:
            return unchanged
        progress.start(source.name, source.size())
        try:
            with library.transaction():
                # Again under the write lock: another process may have just ingested it.
                if (unchanged := _unchanged(library, source, fmt, sha256)) is not None:
                    return unchanged
                return _store_input(
                    library,
                    source=source,
                    fmt=fmt,
                    sha256=sha256,
                    encoding=encoding,
                    progress=progress,
                    dedup=dedup,
                )
        finally:
            progress.finish()
    except BimsError as exc:
        return FileReport(
            source.name, FileStatus.FAILED, fmt.name if fmt else None, error=str(exc), exception=exc
        )
    except Exception as exc:  # a parser bug must not stop the other inputs
        where = f"the {fmt.name} parser" if fmt else "bims"
        message = (
            f"internal error in {where}: {type(exc).__name__}: {exc}; nothing of this "
            "file was stored (--debug shows the traceback; please report it)"
        )
        return FileReport(
            source.name, FileStatus.FAILED, fmt.name if fmt else None, error=message, exception=exc
        )


def _unchanged(
    library: Library, source: InputSource, fmt: SourceFormat, sha256: str
) -> FileReport | None:
    earlier = library.find_input(sha256, fmt.name)
    if earlier is None:
        return None
    return FileReport(
        source.name,
        FileStatus.UNCHANGED,
        fmt.name,
        earlier=f"already ingested on {earlier.ingested_at} as input {earlier.id}",
    )


def _entries(
    source: InputSource, fmt: SourceFormat, encoding: str, progress: Progress
) -> Iterator[Entry]:
    stream = source.open_bytes(progress.advance)
    with stream:
        if fmt.parse_stream is not None:
            yield from fmt.parse_stream(stream)
        elif fmt.parse_lines is not None:
            yield from fmt.parse_lines(iter_lines(source, stream, encoding))
        else:
            assert fmt.parse_text is not None
            yield from fmt.parse_text(decode_text(source, stream.read(), encoding))
        damage = stream_damage(stream)
        if damage is not None:
            yield ParseFailure(Position(1, 0), "", damage)


def _store_input(
    library: Library,
    *,
    source: InputSource,
    fmt: SourceFormat,
    sha256: str,
    encoding: str,
    progress: Progress,
    dedup: bool,
) -> FileReport:
    input_id = library.add_input(
        name=source.name,
        path=str(source.path.resolve()) if source.path else None,
        sha256=sha256,
        size=source.size(),
        format_name=fmt.name,
        parser_version=fmt.version,
        origin="file" if source.path else "stdin",
    )
    header: DocumentHeader | None = None
    failures: list[ParseFailure] = []
    batch: list[ParsedRecord] = []
    landed = _Landed()
    for entry in _entries(source, fmt, encoding, progress):
        if isinstance(entry, ParsedRecord):
            batch.append(entry)
            if len(batch) >= BATCH_SIZE:
                _store_batch(library, input_id, fmt, batch, landed)
                batch = []
        elif isinstance(entry, ParseFailure):
            failures.append(entry)
        else:
            header = entry
    _store_batch(library, input_id, fmt, batch, landed)
    if dedup and landed.runs:
        changes = dedup_indexed_records(library, landed.runs)
        landed.merged += sum(len(rids) for _, rids in changes.merged)
        landed.flagged += len(changes.flagged)
    library.add_failures(input_id, failures)
    library.finish_input(input_id, header, landed.records, len(failures))
    status = FileStatus.PARTIAL if failures else FileStatus.ADDED
    reported = tuple(FailureReport(f.position.line, f.position.entry, f.message) for f in failures)
    works = library.connection.execute(
        "SELECT DISTINCT m.work_id FROM work_members m JOIN source_records s"
        " ON s.id = m.record_id WHERE s.input_id = ? ORDER BY m.work_id",
        (input_id,),
    )
    return FileReport(
        source.name,
        status,
        fmt.name,
        landed.records,
        tuple(int(w) for (w,) in works),
        merged=landed.merged,
        flagged=landed.flagged,
        failures=reported,
    )


@dataclass
class _Landed:
    """Running totals of one input's ingest."""

    records: int = 0
    merged: int = 0
    flagged: int = 0
    runs: list[tuple[int, int]] = field(default_factory=list)


def create_single_record_works(
    library: Library,
    fmt: SourceFormat,
    parsed: Sequence[ParsedRecord],
    record_ids: Sequence[int],
) -> list[int]:
    """Give every new source record a work of its own (inside the ingest's transaction).

    A work that shows its record unchanged (the usual case) stores no copy of it: its record
    and provenance columns stay NULL and readers take the record's own (migration 0006).
    """
    work_ids = library.next_ids("works", len(parsed))
    conn = library.connection
    conn.executemany(
        "INSERT INTO works (id, record, provenance, title, year, doi, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        _single_work_rows(fmt, zip(parsed, record_ids, work_ids, strict=True), now_iso()),
    )
    conn.executemany(
        "INSERT INTO work_members (record_id, work_id, rule) VALUES (?, ?, 'new')",
        zip(record_ids, work_ids, strict=True),
    )
    return work_ids


def _single_work_rows(
    fmt: SourceFormat, items: Iterable[tuple[ParsedRecord, int, int]], stamp: str
) -> Iterator[tuple[object, ...]]:
    """The ``works`` rows of one-record works, made as ``executemany`` consumes them."""
    for item, record_id, work_id in items:
        derived = derive_work([Member(record_id, fmt.priority, item.record)])
        record = derived.record
        data = provenance = None
        if record is not item.record:
            data = record_to_json(record).decode("utf-8")
            provenance = json.dumps(derived.provenance, sort_keys=True)
        yield (work_id, data, provenance, record.title, record.year, record.ids.doi, stamp, stamp)


def _store_batch(
    library: Library,
    input_id: int,
    fmt: SourceFormat,
    batch: Sequence[ParsedRecord],
    landed: _Landed,
) -> None:
    if not batch:
        return
    record_json = [record_to_json(item.record).decode("utf-8") for item in batch]
    record_ids = library.add_source_records(input_id, batch, record_json)
    create_single_record_works(library, fmt, batch, record_ids)
    landed.records += len(batch)
    for first, last in id_runs(record_ids):
        if landed.runs and first == landed.runs[-1][1] + 1:
            landed.runs[-1] = (landed.runs[-1][0], last)
        else:
            landed.runs.append((first, last))
    # Features and blocking keys now; matching waits for the whole file (dedup_indexed_records)
    # so that each block is read once, however many batches touch it.
    index_records(
        library, [(rid, item.record) for rid, item in zip(record_ids, batch, strict=True)]
    )
