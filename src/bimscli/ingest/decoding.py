"""Decoding an input leniently: a bad byte, an over-long line or a cut-off end costs one entry.

Text is decoded in chunks and split into lines at ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac
exports). What cannot be read is not refused but *marked* in the text, and noted as a
:class:`Damage` with its line and byte offset:

* a byte the encoding cannot decode, or a NUL, becomes the character U+DC00 + its value
  (a lone surrogate, which no decoded text contains);
* a line longer than :data:`~bimscli.ingest.limits.MAX_LINE_CHARS` keeps its first
  characters and ends in :data:`LONG_LINE_MARK`; the rest is read past, not kept;
* the end of a ``.gz`` input cut off in the middle gets :data:`CUT_MARK`.

Parsers read the marked text as any other; :mod:`bimscli.ingest.screening` then turns every
entry that holds a mark into a failure that names the damage, so the entries around it land.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from bimscli.errors import InputError
from bimscli.ingest import limits

BAD_BYTE_BASE = 0xDC00
"""A byte that could not be decoded (or a NUL) is the character U+DC00 + its value."""
LONG_LINE_MARK = "\udbff"
"""Ends the kept start of a line longer than the limit."""
CUT_MARK = "\udbfe"
"""Where a cut-off input ends."""
MARKS = re.compile("[\udc00-\udcff\udbfe\udbff]")
"""Any mark of damage in decoded text."""
ERRORS = "bims-mark-bytes"
"""The codec error handler that marks bad bytes (and counts them back when encoding)."""
READ_BYTES = 1 << 20
_PREVIEW_CHARS = 200
_LINE_BREAK = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
_OTHER_BREAKS = frozenset("\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""What :meth:`str.splitlines` also breaks at; a line break in no reference format."""
_DROPPED_BOMS = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
    "utf-8-sig": (codecs.BOM_UTF8,),
}
"""The byte-order marks a codec's decoder drops (its text then does not count them)."""


def _split_lines(text: str) -> tuple[list[str], str]:
    """The complete lines of ``text`` with their endings (LF, CRLF or a lone CR), and the
    unfinished rest.

    >>> _split_lines("a\\rb\\r\\nc\\v\\nd")
    (['a\\r', 'b\\r\\n', 'c\\x0b\\n'], 'd')
    """
    if not any(c in text for c in _OTHER_BREAKS):
        lines = text.splitlines(keepends=True)  # the same lines, at C speed
        rest = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
        return lines, rest
    lines = _LINE_BREAK.findall(text)
    return lines, text[sum(map(len, lines)) :]


def _mark_bytes(error: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(error, UnicodeDecodeError):
        bad = error.object[error.start : error.end]
        return "".join(chr(BAD_BYTE_BASE + b) for b in bad), error.end
    if isinstance(error, UnicodeEncodeError):
        chars = error.object[error.start : error.end]
        if all(BAD_BYTE_BASE <= ord(c) <= BAD_BYTE_BASE + 0xFF for c in chars):
            return bytes(ord(c) - BAD_BYTE_BASE for c in chars), error.end
    raise error


codecs.register_error(ERRORS, _mark_bytes)


def shown_raw(text: str) -> str:
    """Text with its marks made visible: a bad byte as ``\\xNN``, the end of a line too long
    to keep as ``…``, a cut as nothing.

    >>> shown_raw("Gr\\udcfcn\\udc00" + LONG_LINE_MARK + CUT_MARK)
    'Gr\\\\xfcn\\\\x00…'
    """

    def show(match: re.Match[str]) -> str:
        char = match.group(0)
        if char == LONG_LINE_MARK:
            return "…"
        if char == CUT_MARK:
            return ""
        return f"\\x{ord(char) - BAD_BYTE_BASE:02x}"

    return MARKS.sub(show, text)


@dataclass(frozen=True, slots=True)
class Damage:
    """Something in the input that could not be read as text, with where it is."""

    line: int
    offset: int
    """Byte offset in the (decompressed) input."""
    message: str
    bad_bytes: bool = False
    """True for undecodable bytes and NULs (an encoding hint may help), False otherwise."""


def _byte_length_codec(encoding: str) -> str:
    """The codec that gives a decoded line's length in bytes (without a byte-order mark)."""
    name = codecs.lookup(encoding).name
    return {"utf-16": "utf-16-le", "utf-32": "utf-32-le", "utf-8-sig": "utf-8"}.get(name, name)


def _bom_length(head: bytes, encoding: str) -> int:
    """Bytes of byte-order mark the decoder drops (and the line's text will not count)."""
    boms = _DROPPED_BOMS.get(codecs.lookup(encoding).name, ())
    return next((len(bom) for bom in boms if head.startswith(bom)), 0)


@dataclass
class DecodedLines:
    """The decoded lines of a byte stream with their endings, and the damage met on the way.

    ``cut`` is the message to give when the stream was cut off before its end (the cut is
    marked after its last line). A byte-order mark is dropped from the first line.
    """

    stream: BinaryIO
    encoding: str
    cut: str | None = None
    damages: list[Damage] = field(default_factory=list)
    _number: int = 0
    _offset: int = 0
    _codec: str = ""
    _partial: list[str] = field(default_factory=list)
    _partial_length: int = 0
    _dropped: int = 0
    """Bytes of the current line read past because it is too long."""

    def __iter__(self) -> Iterator[str]:
        self._codec = _byte_length_codec(self.encoding)
        decoder = codecs.getincrementaldecoder(self.encoding)(errors=ERRORS)
        held = ""  # a chunk's last character when it is a CR (the next may start with LF)
        data = self.stream.read(READ_BYTES)
        self._offset = _bom_length(data, self.encoding)
        while True:
            text = held + decoder.decode(data, final=not data)
            held = ""
            if data and text.endswith("\r"):
                text, held = text[:-1], "\r"
            if "\x00" in text:
                text = text.replace("\x00", chr(BAD_BYTE_BASE))
            yield from self._lines(text)
            if not data:
                break
            data = self.stream.read(READ_BYTES)
        line = "".join(self._partial)
        if line or self.cut is not None:
            yield self._line(line, MARKS.search(line) is not None, last=True)

    @property
    def line_count(self) -> int:
        """Lines read so far."""
        return self._number

    def _lines(self, text: str) -> Iterator[str]:
        lines, rest = _split_lines(text)
        prefix = ""
        if lines and self._partial:  # the line begun in earlier chunks ends here
            prefix = "".join(self._partial)
            lines[0] = prefix + lines[0]
            self._partial.clear()
            self._partial_length = 0
        whole = text[: len(text) - len(rest)]
        try:  # strict: a mark (a lone surrogate) cannot be encoded
            size = self._strict_length(prefix) + self._strict_length(whole)
            marked = False
        except UnicodeEncodeError:
            size, marked = 0, True
        clean = lines and not marked and not self._dropped and self._number > 0
        if clean and max(map(len, lines)) <= limits.MAX_LINE_CHARS:  # the usual case, in bulk
            self._number += len(lines)
            self._offset += size
            yield from lines
            lines = []
        for line in lines:
            yield self._line(line, marked)
        if rest:
            self._keep_partial(rest)

    def _strict_length(self, text: str) -> int:
        return len(text) if text.isascii() else len(text.encode(self._codec))

    def _keep_partial(self, rest: str) -> None:
        """Keep the start of an unfinished line; past the limit, only count its bytes."""
        if self._dropped:
            self._dropped += self._byte_length(rest)
            return
        self._partial.append(rest)
        self._partial_length += len(rest)
        if self._partial_length > limits.MAX_LINE_CHARS:
            kept = "".join(self._partial)
            self._partial[:] = [kept[:_PREVIEW_CHARS]]
            self._partial_length = _PREVIEW_CHARS
            self._dropped += self._byte_length(kept[_PREVIEW_CHARS:])

    def _line(self, line: str, marked: bool, *, last: bool = False) -> str:
        """One whole line: numbered, checked, counted."""
        self._number += 1
        size = self._byte_length(line) + self._dropped
        if self._dropped or len(line) > limits.MAX_LINE_CHARS:
            line = self._too_long(line)
        elif marked and MARKS.search(line):
            self._note_bad_bytes(line)
        if last and self.cut is not None:
            self.damages.append(Damage(self._number, self._offset + size, self.cut))
            line += CUT_MARK
        self._offset += size
        return line.lstrip("\ufeff") if self._number == 1 else line

    def _byte_length(self, text: str) -> int:
        if text.isascii():
            return len(text)
        try:
            return len(text.encode(self._codec, ERRORS))
        except UnicodeEncodeError:  # UTF-16 and UTF-32 take no odd bytes back: count marks
            marks = len(MARKS.findall(text))
            return len(MARKS.sub("", text).encode(self._codec, "surrogatepass")) + marks

    def _note_bad_bytes(self, line: str) -> None:
        match = MARKS.search(line)
        assert match is not None
        offset = self._offset + self._byte_length(line[: match.start()])
        byte = ord(match.group(0)) - BAD_BYTE_BASE
        where = f"at offset {offset:,} (line {self._number})"
        if byte == 0 and not self._codec.startswith(("utf-16", "utf-32")):
            message = f"a NUL byte {where}"
        else:
            message = f"byte 0x{byte:02x} {where} is not {self.encoding}"
        self.damages.append(Damage(self._number, offset, message, bad_bytes=True))

    def _too_long(self, line: str) -> str:
        self._dropped = 0
        ending = line[len(line.rstrip("\r\n")) :]
        self.damages.append(
            Damage(
                self._number,
                self._offset,
                f"line {self._number} (offset {self._offset:,}) is longer than "
                f"{limits.MAX_LINE_CHARS:,} characters and was not kept",
            )
        )
        return line[:_PREVIEW_CHARS] + LONG_LINE_MARK + ending


def read_document(lines: DecodedLines, name: str) -> str:
    """The whole text of ``lines``, a lone CR read as a line break (LF) as in every other
    format; refused when longer than :data:`~bimscli.ingest.limits.MAX_DOCUMENT_CHARS`."""
    parts: list[str] = []
    size = 0
    for read in lines:
        line = read[:-1] + "\n" if read.endswith("\r") else read
        size += len(line)
        if size > limits.MAX_DOCUMENT_CHARS:
            raise InputError(
                f"{name}: longer than {limits.MAX_DOCUMENT_CHARS:,} characters, the most bims "
                "reads of a document of this format at once; nothing of it was stored: split "
                "it into smaller files"
            )
        parts.append(line)
    return "".join(parts)
