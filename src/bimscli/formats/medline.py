"""MEDLINE text (PubMed's "Save as PubMed format", ``.nbib``, ``.medline``).

Each line is ``TAG - value`` with a tag of up to four letters padded to four characters and the
dash in the fifth column; a line indented with spaces continues the previous field, whatever its
text looks like (an abstract line may well read "RESULTS - ..."). Records are separated by blank
lines and begin with ``PMID-``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bimscli.formats import limits
from bimscli.formats._medline_record import medline_record
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import Entry, ParsedRecord, ParseFailure, Position

_TAG_LINE = re.compile(r"^([A-Z0-9]{1,4}) *- ?(.*)$", re.ASCII)


@dataclass
class _Chunk:
    """The lines of one record as read, before they are understood."""

    line: int
    lines: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    garbage: list[int] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)
    """The continuation lines of the last field, joined once when it ends: adding each to
    the value as it comes would copy the value again for every line (quadratic time)."""
    size: int = 0
    """Characters read, kept or not."""

    @property
    def too_long(self) -> bool:
        """True once the record has passed :data:`~bimscli.formats.limits.MAX_ENTRY_CHARS`:
        its further lines are read past, not kept."""
        return self.size > limits.MAX_ENTRY_CHARS

    def add(self, number: int, text: str) -> None:
        self.size += len(text) + 1
        if self.too_long:
            return
        self.lines.append(text)
        if text[:1] in (" ", "\t"):
            if self.fields:
                self.continued.append(text.strip())
                return
        else:
            match = _TAG_LINE.match(text)
            if match and len(text) >= 5 and text[4] == "-":
                self.join_continued()
                self.fields.append((match.group(1), match.group(2).strip()))
                return
        self.garbage.append(number)

    def join_continued(self) -> None:
        """Join the continuation lines read into the last field's value."""
        if self.continued:
            tag, value = self.fields[-1]
            self.fields[-1] = (tag, " ".join(p for p in (value, *self.continued) if p))
            self.continued.clear()


def _chunks(lines: Iterable[str]) -> Iterator[_Chunk]:
    chunk: _Chunk | None = None
    for number, line in enumerate(lines, start=1):
        text = line.rstrip("\r\n")
        if number == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            if chunk is not None:
                yield chunk
            chunk = None
            continue
        if chunk is not None and text.startswith("PMID-") and chunk.fields:
            yield chunk  # a record that was not followed by a blank line
            chunk = None
        if chunk is None:
            chunk = _Chunk(number)
        chunk.add(number, text)
    if chunk is not None:
        yield chunk


def _read_chunk(chunk: _Chunk, entry: int) -> Entry:
    chunk.join_continued()
    position = Position(chunk.line, entry)
    raw = "\n".join(chunk.lines) + "\n"
    if chunk.too_long:
        return ParseFailure(
            position,
            raw,
            f"MEDLINE record starting at line {chunk.line} is longer than "
            f"{limits.MAX_ENTRY_CHARS:,} characters; it was not imported (its start is kept)",
        )
    if chunk.garbage:
        return ParseFailure(
            position,
            raw,
            f"line {chunk.garbage[0]} is neither 'TAG - value' nor an indented continuation; "
            "is this MEDLINE text?",
        )
    pmid = next((value for tag, value in chunk.fields if tag == "PMID"), None)
    if not pmid:
        return ParseFailure(position, raw, "a MEDLINE record without a PMID line")
    try:
        record = medline_record(chunk.fields)
    except Exception as error:  # a parser never raises on one bad record
        return ParseFailure(position, raw, f"cannot read this MEDLINE record: {error}")
    return ParsedRecord(record, position, raw, record.ids.pmid or pmid)


def parse_medline(lines: Iterable[str]) -> Iterator[Entry]:
    """Stream the records of MEDLINE text, one :class:`Entry` per blank-line-separated block."""
    for entry, chunk in enumerate(_chunks(lines), start=1):
        yield _read_chunk(chunk, entry)


_PMID_LINE = re.compile(r"^PMID- *\d+\s*$", re.MULTILINE)


def detect_medline(sniff: Sniff) -> float:
    """How sure we are that the input is MEDLINE text.

    RIS also puts a dash in the fifth column (``TY  - JOUR``), so only ``PMID-`` counts.

    >>> detect_medline(Sniff("PMID- 16403221\\nOWN - NLM\\n"))
    0.95
    >>> detect_medline(Sniff("TY  - JOUR\\nTI  - x\\n"))
    0.0
    """
    head = sniff.head.lstrip("\ufeff \r\n")
    if _PMID_LINE.match(head):
        return 0.95
    if _PMID_LINE.search(head):
        return 0.85 if sniff.suffix in (".nbib", ".medline", ".txt") else 0.7
    return 0.0


FORMAT = SourceFormat(
    name="medline",
    title="MEDLINE text (PubMed format, .nbib)",
    version="1",
    priority=95,
    detect=detect_medline,
    parse_lines=parse_medline,
)
