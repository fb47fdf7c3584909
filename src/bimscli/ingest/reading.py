"""Reading an input into batches of prepared records (:mod:`bimscli.store.prepare`).

The input is streamed when its format's parser can stream, and a batch at a time is held, so
memory stays flat however big the file. A reading process (:mod:`bimscli.ingest.reading_process`)
sends batches of encoded records instead, which the ingest then prepares: the same batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from bimscli.formats.base import SourceFormat
from bimscli.ingest.decoding import DecodedLines, read_document
from bimscli.ingest.gzip_members import GzipDamageKind
from bimscli.ingest.screening import screened_entries
from bimscli.ingest.sources import InputSource, stream_damage
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Position
from bimscli.store.prepare import (
    EncodedRecord,
    PreparedRecord,
    encode_parsed,
    prepare_encoded,
    prepare_record,
)

T = TypeVar("T")

BATCH_SIZE = 250
"""Records per batch: per-batch costs are already small, and a batch of PubMed articles is
~4 MB. Bigger batches are no faster but cost memory in both processes of an ingest (peak for
30,000 articles, both processes together: 176 MB at 100, 204 MB at 250, 333 MB at 1,000)."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Prepared records of one input, the entries that failed to parse among them, and the
    input's header when the parser has read it."""

    records: tuple[PreparedRecord, ...]
    failures: tuple[ParseFailure, ...] = ()
    header: DocumentHeader | None = None


def read_entries(
    source: InputSource, fmt: SourceFormat, encoding: str, on_read: Callable[[int], None]
) -> Iterator[Entry]:
    """The entries of an input as its format's parser reads them (streamed when it can).

    Text is decoded leniently (:mod:`bimscli.ingest.decoding`): an entry holding a bad byte,
    an over-long line or the cut of a damaged ``.gz`` becomes a failure, and the others land.
    """
    stream = source.open_bytes(on_read)
    with stream:
        damage = stream_damage(stream)
        if fmt.parse_stream is not None:
            yield from fmt.parse_stream(stream)
            if damage is not None:
                yield ParseFailure(Position(1, 0), "", damage.message)
            return
        cut = damage is not None and damage.kind is not GzipDamageKind.TRAILING
        lines = DecodedLines(stream, encoding, damage.message if cut and damage else None)
        if fmt.parse_lines is not None:
            entries = fmt.parse_lines(lines)
        else:
            assert fmt.parse_text is not None
            entries = fmt.parse_text(read_document(lines, source.name))
        hint = encoding.lower().replace("-", "").replace("_", "") in {"utf8", "utf8sig"}
        yield from screened_entries(entries, lines.damages, encoding_hint=hint)
        if damage is not None and not cut:
            yield ParseFailure(Position(lines.line_count + 1, 0), "", damage.message)


def _grouped(
    entries: Iterable[Entry], each: Callable[[ParsedRecord, int], T], size: int
) -> Iterator[tuple[list[T], list[ParseFailure], DocumentHeader | None]]:
    """``each(record, number)`` of the entries' records (numbered from 0) in groups of
    ``size``, with the failures among them; the last group carries the input's header and may
    hold nothing.

    A record is turned into plain values as soon as it is read, so that no batch of parsed
    records (hundreds of objects each) stays alive for the cycle collector to walk.
    """
    items: list[T] = []
    failures: list[ParseFailure] = []
    header: DocumentHeader | None = None
    count = 0
    for entry in entries:
        if isinstance(entry, ParsedRecord):
            items.append(each(entry, count))
            count += 1
            if len(items) >= size:
                yield items, failures, None
                items, failures = [], []
        elif isinstance(entry, ParseFailure):
            failures.append(entry)
        else:
            header = entry
    yield items, failures, header


def prepared_batches(
    entries: Iterable[Entry], first_id: int, priority: int, size: int = BATCH_SIZE
) -> Iterator[Batch]:
    """Entries as batches of prepared records numbered from ``first_id``.

    The last batch carries the input's header and may hold no record.
    """

    def prepare(item: ParsedRecord, number: int) -> PreparedRecord:
        return prepare_record(item, first_id + number, priority)

    for records, failures, header in _grouped(entries, prepare, size):
        yield Batch(tuple(records), tuple(failures), header)


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    """A batch as a reading process sends it: records as plain values, not yet numbered."""

    records: tuple[EncodedRecord, ...]
    failures: tuple[ParseFailure, ...] = ()
    header: DocumentHeader | None = None


def encoded_batches(entries: Iterable[Entry], size: int = BATCH_SIZE) -> Iterator[EncodedBatch]:
    """Entries as batches of encoded records (the last carries the header)."""
    for records, failures, header in _grouped(entries, lambda item, _: encode_parsed(item), size):
        yield EncodedBatch(tuple(records), tuple(failures), header)


def prepare_encoded_batch(batch: EncodedBatch, first_id: int, priority: int) -> Batch:
    """The batch :func:`prepared_batches` gives for the same entries, from ``first_id``."""
    return Batch(
        tuple(
            prepare_encoded(item, rid, priority) for rid, item in enumerate(batch.records, first_id)
        ),
        batch.failures,
        batch.header,
    )


def read_batches(
    source: InputSource,
    fmt: SourceFormat,
    encoding: str,
    on_read: Callable[[int], None],
    first_id: int,
) -> Iterator[Batch]:
    """The input's records, prepared in batches and numbered from ``first_id``."""
    return prepared_batches(read_entries(source, fmt, encoding, on_read), first_id, fmt.priority)
