"""RIS, the tagged format of Embase, Scopus, Rayyan, Zotero and EndNote exports.

A record is a run of tag lines ``XX  - value`` from ``TY`` to ``ER``; a line without a tag
continues the previous value. The reader streams: it holds one record at a time. A record that
never reaches ``ER`` (the next ``TY`` or the end of the file comes first) becomes a
:class:`~bimscli.model.ParseFailure`, and the record after it is read as usual. How tags map to
the record model is in :mod:`bimscli.formats._ris_record`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bimscli.formats import limits
from bimscli.formats._ris_record import KNOWN_TAGS, ris_record
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import Entry, ParsedRecord, ParseFailure, Position

# The standard spelling is two spaces, a dash and a space; some tools write one space, and
# "ER  -" often lacks the trailing space. The one-space form is only believed for known tags,
# so that a continuation line such as "US - based cohort" is not taken for a tag.
_STRICT_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_LOOSE_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: ?(.*))?$")
# Abstracts and notes keep their line breaks; elsewhere a wrapped value is one line.
_MULTILINE_TAGS = frozenset({"AB", "N2", "N1"})


def split_ris_tag(line: str) -> tuple[str, str] | None:
    """The tag and value of a RIS tag line, ``None`` for a continuation line.

    >>> split_ris_tag("TI  - Bone metastases"), split_ris_tag("ER  -"), split_ris_tag("PY - 2021")
    (('TI', 'Bone metastases'), ('ER', ''), ('PY', '2021'))
    >>> split_ris_tag("US - based cohort") is None
    True
    """
    match = _STRICT_TAG.match(line)
    if match is None:
        match = _LOOSE_TAG.match(line)
        if match is None or match.group(1) not in KNOWN_TAGS:
            return None
    return match.group(1), (match.group(2) or "").strip()


@dataclass
class _OpenRecord:
    """The record being read: its tag values and raw lines."""

    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
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

    def add_line(self, line: str, tagged: tuple[str, str] | None) -> None:
        """Take one line of the record: a tag line (``tagged`` by :func:`split_ris_tag`) or a
        continuation line."""
        self.size += len(line) + 1
        if self.too_long:
            return
        self.raw.append(line)
        if tagged is not None:
            self.join_continued()
            self.fields.append(tagged)
        elif line.strip() and self.fields:
            self.continued.append(line.strip())

    def join_continued(self) -> None:
        """Join the continuation lines read into the last field's value."""
        if self.continued:
            tag, value = self.fields[-1]
            joiner = "\n" if tag in _MULTILINE_TAGS else " "
            self.fields[-1] = (
                tag,
                joiner.join([value, *self.continued] if value else self.continued),
            )
            self.continued.clear()

    @property
    def text(self) -> str:
        """The record's raw text."""
        return "\n".join(self.raw)


def _numbered_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Lines numbered from 1, without line ending or byte-order mark."""
    for number, line in enumerate(lines, start=1):
        text = line.rstrip("\r\n")
        yield number, text.removeprefix("\ufeff") if number == 1 else text


def _unterminated(record: _OpenRecord, entry: int, why: str) -> ParseFailure:
    return ParseFailure(
        Position(record.line, entry),
        record.text,
        f"RIS record starting at line {record.line} has no 'ER  -' line before {why}; "
        "it was not imported: add the missing 'ER  -' line and import the file again",
    )


def _stray_text(lines: list[tuple[int, str]], entry: int) -> ParseFailure:
    return ParseFailure(
        Position(lines[0][0], entry),
        "\n".join(text for _, text in lines),
        f"text outside any RIS record at line {lines[0][0]} (records start with 'TY  -'); "
        "it was not imported",
    )


def parse_ris_lines(lines: Iterable[str]) -> Iterator[Entry]:
    """Records and failures from the lines of a RIS file, streaming."""
    record: _OpenRecord | None = None
    stray: list[tuple[int, str]] = []
    entry = 0
    for number, line in _numbered_lines(lines):
        tagged = split_ris_tag(line)
        tag = tagged[0] if tagged else None
        if tag == "TY":
            if stray:
                entry += 1
                yield _stray_text(stray, entry)
                stray = []
            if record is not None:
                entry += 1
                yield _unterminated(record, entry, f"the next 'TY' on line {number}")
            record = _OpenRecord(number)
            record.add_line(line, tagged)
        elif record is None:
            if line.strip():
                stray.append((number, line))
        elif tag == "ER":
            record.raw.append(line)
            entry += 1
            yield _finished(record, entry)
            record = None
        else:
            record.add_line(line, tagged)
    if stray:
        entry += 1
        yield _stray_text(stray, entry)
    if record is not None:
        yield _unterminated(record, entry + 1, "the end of the file")


def _finished(record: _OpenRecord, entry: int) -> ParsedRecord | ParseFailure:
    if record.too_long:
        return ParseFailure(
            Position(record.line, entry),
            record.text,
            f"RIS record starting at line {record.line} is longer than "
            f"{limits.MAX_ENTRY_CHARS:,} characters; it was not imported (its start is kept)",
        )
    record.join_continued()
    parsed, source_key = ris_record(record.fields)
    return ParsedRecord(parsed, Position(record.line, entry), record.text, source_key)


def detect_ris(sniff: Sniff) -> float:
    """Sure when a ``TY`` tag line opens the input (after at most a few header lines).

    >>> detect_ris(Sniff("\\ufeff\\r\\nTY  - JOUR\\r\\nTI  - x"))
    0.95
    >>> detect_ris(Sniff("Exported 2025-06-15\\n\\nTY  - JOUR\\nTI  - x"))
    0.9
    """
    lines = [s for s in sniff.head.removeprefix("\ufeff").splitlines() if s.strip()]
    for index, line in enumerate(lines[:4]):
        tagged = split_ris_tag(line.rstrip())
        if tagged is not None and tagged[0] == "TY":
            return 0.95 if index == 0 else 0.9
    if sniff.suffix == ".ris" and re.search(r"^[A-Z][A-Z0-9]  - ", sniff.head, re.MULTILINE):
        return 0.7
    return 0.0


FORMAT = SourceFormat(
    name="ris",
    title="RIS (Embase, Scopus, Rayyan, Zotero, EndNote exports)",
    version="1",
    priority=65,
    detect=detect_ris,
    parse_lines=parse_ris_lines,
)
"""The RIS format."""
