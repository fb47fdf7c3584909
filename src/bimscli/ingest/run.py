"""``bims ingest``: parse inputs, store their source records, and give each a work.

Every input is ingested in one transaction: either all its records, its failures and its
provenance land, or (on a fatal error, a crash or Ctrl-C) nothing of it does. An entry that
fails to parse is stored as a failure with its line and raw text while the rest of the file
lands. Re-ingesting the same bytes with the same format does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum

from bimscli.dedup.collector import collector_relaxed
from bimscli.dedup.library.clustering import dedup_indexed_records
from bimscli.errors import BimsError
from bimscli.formats import detect_format, get_format
from bimscli.formats.base import SourceFormat
from bimscli.ingest.reading import Batch, read_batches
from bimscli.ingest.reading_process import batches_read_in_process, can_read_in_process
from bimscli.ingest.sources import (
    InputSource,
    effective_encoding,
    sniff,
)
from bimscli.model import DocumentHeader, ParseFailure
from bimscli.store import Library
from bimscli.store.failures import resolve_failures_of_same_bytes
from bimscli.store.prepared import store_prepared

DEDUP_WINDOW = 20_000
"""New records of one file matched at a time, as soon as they are stored. The decisions of a
window (one per record of a file that duplicates the library) are held until its works are
updated, so a window keeps memory flat; each window costs one pass over the blocks it
touches."""

CHILD_READS_FROM = 1 << 20
"""Inputs of at least this many stored bytes are read by a child process while the ingest
stores (:mod:`bimscli.ingest.reading_process`); below it the fork is not worth its few
milliseconds."""


class FileStatus(StrEnum):
    """How the ingest of one input ended."""

    ADDED = "added"
    PARTIAL = "partial"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"
    """Not read at all: a path in a directory that is not a regular file, or a link out of it."""


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
        """0 when everything landed, 3 when some entries or files failed and at least one
        record landed (or was already in the library), 1 when nothing landed but failures.
        Skipped paths change nothing."""
        statuses = {f.status for f in self.files} - {FileStatus.SKIPPED}
        if statuses <= {FileStatus.ADDED, FileStatus.UNCHANGED}:
            return 0
        landed = any(f.records for f in self.files) or FileStatus.UNCHANGED in statuses
        return 3 if landed else 1


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
    read_in_child: bool | None = None,
) -> IngestReport:
    """Ingest each source in its own transaction and report on all of them.

    With ``dedup`` (the default) a file's new records are matched against the library and
    each other in windows of :data:`DEDUP_WINDOW` as they are stored, all before the file's
    transaction ends.
    ``read_in_child`` says whether a child process parses while this one stores; by default
    it does for inputs of at least :data:`CHILD_READS_FROM` bytes where forking is safe.
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
                read_in_child=read_in_child,
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
    read_in_child: bool | None = None,
) -> FileReport:
    """Ingest one input; errors in it become a failed report, never a half-written library."""
    fmt: SourceFormat | None = None
    if source.skipped is not None:
        return FileReport(source.name, FileStatus.SKIPPED, error=source.skipped)
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
                    read_in_child=read_in_child,
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
    read_in_child: bool | None,
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
    matcher = _WindowMatcher(library, first_id) if dedup else None
    batches = _batches(
        source,
        fmt=fmt,
        encoding=encoding,
        on_read=progress.advance,
        first_id=first_id,
        in_child=read_in_child,
    )
    stored = _store_batches(library, input_id, batches, first_id, matcher)
    library.add_failures(input_id, stored.failures)
    library.finish_input(input_id, stored.header, stored.records, len(stored.failures))
    if stored.records and not stored.failures:
        resolve_failures_of_same_bytes(library, input_id, sha256)
    return _file_report(
        library, source=source, fmt=fmt, input_id=input_id, stored=stored, matcher=matcher
    )


@dataclass
class _StoredInput:
    """What the batches of one input left in the library."""

    records: int = 0
    failures: list[ParseFailure] = field(default_factory=list)
    header: DocumentHeader | None = None


def _store_batches(
    library: Library,
    input_id: int,
    batches: AbstractContextManager[Iterator[Batch]],
    first_id: int,
    matcher: _WindowMatcher | None,
) -> _StoredInput:
    """Store every batch as it comes, matching each full window of new records as it lands."""
    stored = _StoredInput()
    with batches as each:
        for batch in each:
            store_prepared(library, input_id, batch.records)
            stored.records += len(batch.records)
            stored.failures += batch.failures
            stored.header = batch.header or stored.header
            if matcher is not None:
                matcher.stored(first_id + stored.records - 1)
    if matcher is not None:
        matcher.stored(first_id + stored.records - 1, final=True)
    return stored


def _file_report(
    library: Library,
    *,
    source: InputSource,
    fmt: SourceFormat,
    input_id: int,
    stored: _StoredInput,
    matcher: _WindowMatcher | None,
) -> FileReport:
    """The report of an input just stored: its records, the works they are in, its failures."""
    works = library.connection.execute(
        "SELECT DISTINCT m.work_id FROM work_members m JOIN source_records s"
        " ON s.id = m.record_id WHERE s.input_id = ? ORDER BY m.work_id",
        (input_id,),
    )
    failures = stored.failures
    return FileReport(
        source.name,
        FileStatus.PARTIAL if failures else FileStatus.ADDED,
        fmt.name,
        stored.records,
        tuple(int(w) for (w,) in works),
        merged=matcher.merged if matcher else 0,
        flagged=matcher.flagged if matcher else 0,
        failures=tuple(
            FailureReport(f.position.line, f.position.entry, f.message) for f in failures
        ),
    )


@dataclass
class _WindowMatcher:
    """Matches a file's new records against the library a window at a time, as they are
    stored (while a reading process parses on). A block is read once however many batches
    touch it; a later window meets the earlier ones as library records."""

    library: Library
    unmatched: int
    """The first stored record not matched yet."""
    merged: int = 0
    flagged: int = 0

    def stored(self, last: int, *, final: bool = False) -> None:
        """Records up to id ``last`` are stored: match them once they fill a window of
        :data:`DEDUP_WINDOW`, or whatever is left when ``final``."""
        waiting = last - self.unmatched + 1
        if waiting <= 0 or (waiting < DEDUP_WINDOW and not final):
            return
        changes = dedup_indexed_records(self.library, [(self.unmatched, last)])
        self.merged += sum(len(rids) for _, rids in changes.merged)
        self.flagged += len(changes.flagged)
        self.unmatched = last + 1


def _batches(
    source: InputSource,
    *,
    fmt: SourceFormat,
    encoding: str,
    on_read: Callable[[int], None],
    first_id: int,
    in_child: bool | None,
) -> AbstractContextManager[Iterator[Batch]]:
    if in_child is None:
        in_child = source.size() >= CHILD_READS_FROM and can_read_in_process()
    if in_child:
        return batches_read_in_process(source, fmt, encoding, on_read, first_id)
    return nullcontext(read_batches(source, fmt, encoding, on_read, first_id))
