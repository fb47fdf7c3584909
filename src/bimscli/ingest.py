"""``bims ingest``: parse inputs, store their source records, and give each a work.

Every input is ingested in one transaction: either all its records, its failures and its
provenance land, or (on a fatal error, a crash or Ctrl-C) nothing of it does. An entry that
fails to parse is stored as a failure with its line and raw text while the rest of the file
lands. Re-ingesting the same bytes with the same format does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bimscli.clustering import dedup_indexed_records
from bimscli.collector import collector_relaxed
from bimscli.errors import BimsError
from bimscli.formats import detect_format, get_format
from bimscli.formats.base import SourceFormat
from bimscli.model import DocumentHeader, ParseFailure
from bimscli.reading import read_batches
from bimscli.sources import (
    InputSource,
    effective_encoding,
    sniff,
)
from bimscli.store import Library
from bimscli.store.prepared import store_prepared

DEDUP_WINDOW = 20_000
"""New records of one file matched at a time. The decisions of a window (one per record of a
file that duplicates the library) are held until its works are updated, so a window keeps
memory flat; each window costs one pass over the blocks it touches."""


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
    # Record ids are handed out from here on: the write lock keeps them free.
    first_id = library.next_ids("source_records", 1)[0]
    header: DocumentHeader | None = None
    failures: list[ParseFailure] = []
    records = 0
    for batch in read_batches(source, fmt, encoding, progress.advance, first_id):
        store_prepared(library, input_id, batch.records)
        records += len(batch.records)
        failures += batch.failures
        header = batch.header or header
    merged = flagged = 0
    if dedup and records:
        # Matching waits for a window of records, so that a block is read once however many
        # batches touch it; a later window meets the earlier ones as library records.
        for start in range(first_id, first_id + records, DEDUP_WINDOW):
            last = min(start + DEDUP_WINDOW, first_id + records) - 1
            changes = dedup_indexed_records(library, [(start, last)])
            merged += sum(len(rids) for _, rids in changes.merged)
            flagged += len(changes.flagged)
    library.add_failures(input_id, failures)
    library.finish_input(input_id, header, records, len(failures))
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
        records,
        tuple(int(w) for (w,) in works),
        merged=merged,
        flagged=flagged,
        failures=reported,
    )
