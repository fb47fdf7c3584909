"""Entries that hold damaged text become failures; the entries around them land.

:mod:`bimscli.ingest.decoding` marks what it could not read (a bad byte, a NUL, an over-long
line, a cut) and notes each :class:`~bimscli.ingest.decoding.Damage`. Here every record whose
raw text or fields hold a mark becomes a :class:`~bimscli.model.ParseFailure` naming the
damage, with its raw text shown (a bad byte as ``\\xNN``); a failure the parser made gets the
damage added to its message; damage no entry holds (in text a parser skips) is reported on
its own. Nothing is screened while the input is clean, so a clean input costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import msgspec

from bimscli.ingest.decoding import MARKS, Damage, shown_raw
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Position

ENCODING_HINT = "if the file is not UTF-8, ingest it with --encoding (e.g. --encoding latin-1)"


_ENCODER = msgspec.json.Encoder()


def holds_marks(value: object) -> bool:
    """True when any text in ``value`` (a string, or a record with all its parts) holds a
    mark. A mark is a lone surrogate, which no encoder takes: encoding a record is the
    fastest way to look at all of its text (about 10 µs for a PubMed record).

    >>> from bimscli.model import Author
    >>> holds_marks((Author(family="Gr\\udcfcn"),)), holds_marks(Author(family="Grün"))
    (True, False)
    """
    if isinstance(value, str):
        return MARKS.search(value) is not None
    try:
        _ENCODER.encode(value)
    except UnicodeEncodeError:
        return True
    return False


class _Attribution:
    """Which damage each damaged entry is blamed for. Damage is noted in the order of its
    lines and entries come in that order too, so each damage is looked at about once."""

    def __init__(self, damages: Sequence[Damage], hint: bool) -> None:
        self._damages = damages
        self._next = 0
        """The first damage not looked at yet."""
        self._passed: list[Damage] = []
        """Damage before an entry that did not hold it (in text a parser skipped)."""
        self._hint = hint
        self._last: Damage | None = None

    def blame(self, position: Position, raw: str) -> str:
        """The message for the damage in an entry starting at ``position``."""
        last_line = position.line + raw.count("\n") + raw.count("\r") - raw.count("\r\n")
        found: list[Damage] = []
        while self._next < len(self._damages) and self._damages[self._next].line <= last_line:
            damage = self._damages[self._next]
            self._next += 1
            (found if damage.line >= position.line else self._passed).append(damage)
        if not found and self._passed:
            found.append(self._passed.pop())
        elif not found and self._next < len(self._damages):
            found.append(self._damages[self._next])
            self._next += 1
        elif not found and self._last is not None:  # a damaged macro used again
            found.append(self._last)
        if not found:
            return "the entry holds text that could not be read"
        self._last = found[-1]
        text = "; ".join(d.message for d in found[:3])
        if len(found) > 3:
            text += f"; and {len(found) - 3} more"
        if self._hint and any(d.bad_bytes for d in found):
            text += f" ({ENCODING_HINT})"
        return text

    def unblamed(self) -> list[Damage]:
        """Damage no entry held."""
        return [*self._passed, *self._damages[self._next :]]


def screened_entries(
    entries: Iterable[Entry], damages: Sequence[Damage], *, encoding_hint: bool
) -> Iterator[Entry]:
    """``entries`` with every entry holding a mark of damage turned into a failure.

    ``damages`` fills while the entries are read; ``encoding_hint`` adds the advice to try
    another encoding to messages about undecodable bytes.
    """
    attribution = _Attribution(damages, encoding_hint)
    for entry in entries:
        if not damages:
            yield entry
        elif isinstance(entry, ParsedRecord):
            yield _screened_record(entry, attribution)
        elif isinstance(entry, ParseFailure):
            if holds_marks(entry.raw) or holds_marks(entry.message):
                why = attribution.blame(entry.position, entry.raw)
                message = f"{shown_raw(entry.message)}; {why}"
                yield ParseFailure(entry.position, shown_raw(entry.raw), message)
            else:
                yield entry
        else:
            yield _shown_header(entry)
    for damage in attribution.unblamed():
        yield ParseFailure(
            Position(damage.line, 0),
            "",
            f"{damage.message}; this text belongs to no entry and was not read",
        )


def _screened_record(entry: ParsedRecord, attribution: _Attribution) -> Entry:
    marked = (
        holds_marks(entry.raw) or holds_marks(entry.record) or holds_marks(entry.source_key or "")
    )
    if not marked:
        return entry
    why = attribution.blame(entry.position, entry.raw)
    return ParseFailure(entry.position, shown_raw(entry.raw), f"{why}; the entry was not imported")


def _shown_header(header: DocumentHeader) -> DocumentHeader:
    return DocumentHeader(tuple((shown_raw(k), shown_raw(v)) for k, v in header.fields))
