"""Reading an input into batches of prepared records (:mod:`bimscli.prepare`).

The input is streamed when its format's parser can stream, and a batch at a time is held, so
memory stays flat however big the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from bimscli.formats.base import SourceFormat
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Position
from bimscli.prepare import PreparedRecord, prepare_record
from bimscli.sources import InputSource, decode_text, iter_lines, stream_damage

BATCH_SIZE = 1000
"""Records per batch: per-batch costs vanish, and a batch of PubMed articles is ~15 MB."""


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
    """The entries of an input as its format's parser reads them (streamed when it can)."""
    stream = source.open_bytes(on_read)
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


def prepared_batches(
    entries: Iterable[Entry], first_id: int, priority: int, size: int = BATCH_SIZE
) -> Iterator[Batch]:
    """Entries as batches of prepared records numbered from ``first_id``.

    The last batch carries the input's header and may hold no record.
    """
    records: list[PreparedRecord] = []
    failures: list[ParseFailure] = []
    header: DocumentHeader | None = None
    next_id = first_id
    for entry in entries:
        if isinstance(entry, ParsedRecord):
            records.append(prepare_record(entry, next_id, priority))
            next_id += 1
            if len(records) >= size:
                yield Batch(tuple(records), tuple(failures))
                records, failures = [], []
        elif isinstance(entry, ParseFailure):
            failures.append(entry)
        else:
            header = entry
    yield Batch(tuple(records), tuple(failures), header)


def read_batches(
    source: InputSource,
    fmt: SourceFormat,
    encoding: str,
    on_read: Callable[[int], None],
    first_id: int,
) -> Iterator[Batch]:
    """The input's records, prepared in batches and numbered from ``first_id``."""
    return prepared_batches(read_entries(source, fmt, encoding, on_read), first_id, fmt.priority)
