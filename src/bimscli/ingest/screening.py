"""Entries that hold damaged text become failures; the entries around them land.

:mod:`bimscli.ingest.decoding` marks what it could not read (a bad byte, a NUL, an over-long
line, a cut) and notes each :class:`~bimscli.ingest.decoding.Damage`. Here every record whose
raw text or fields hold a mark becomes a :class:`~bimscli.model.ParseFailure` naming the
damage, with its raw text shown (a bad byte as ``\\xNN``); a failure the parser made gets the
damage added to its message; damage no entry holds (in text a parser skips) is reported on
its own. Nothing is screened while the input is clean, so a clean input costs nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence

from bimscli.ingest.decoding import MARKS, Damage, shown_raw
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Position

ENCODING_HINT = "if the file is not UTF-8, ingest it with --encoding (e.g. --encoding latin-1)"


def holds_marks(value: object) -> bool:
    """True when any text in ``value`` (a string, a dataclass, a tuple of them) holds a mark.

    >>> from bimscli.model import Author
    >>> holds_marks((Author(family="Gr\\udcfcn"),)), holds_marks(Author(family="Grün"))
    (True, False)
    """
    if isinstance(value, str):
        return MARKS.search(value) is not None
    if isinstance(value, tuple | list):
        return any(holds_marks(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(holds_marks(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


class _Attribution:
    """Which damage each damaged entry is blamed for, in the order they were met."""

    def __init__(self, damages: Sequence[Damage], hint: bool) -> None:
        self._damages = damages
        self._blamed: set[int] = set()
        self._hint = hint

    def blame(self, position: Position, raw: str) -> str:
        """The message for the damage in an entry starting at ``position``."""
        last_line = position.line + raw.count("\n") + raw.count("\r") - raw.count("\r\n")
        found = [
            index
            for index, damage in enumerate(self._damages)
            if index not in self._blamed and position.line <= damage.line <= last_line
        ]
        if not found:  # the raw text does not show every line: the first damage not yet blamed
            found = [i for i in range(len(self._damages)) if i not in self._blamed][:1]
        self._blamed.update(found)
        if not found:
            return "the entry holds text that could not be read"
        damages = [self._damages[i] for i in found]
        text = "; ".join(d.message for d in damages[:3])
        if len(damages) > 3:
            text += f"; and {len(damages) - 3} more"
        if self._hint and any(d.bad_bytes for d in damages):
            text += f" ({ENCODING_HINT})"
        return text

    def unblamed(self) -> list[Damage]:
        """Damage no entry held."""
        return [d for i, d in enumerate(self._damages) if i not in self._blamed]


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
            if holds_marks(entry.raw) or holds_marks(entry.record):
                why = attribution.blame(entry.position, entry.raw)
                yield ParseFailure(
                    entry.position, shown_raw(entry.raw), f"{why}; the entry was not imported"
                )
            else:
                yield entry
        elif isinstance(entry, ParseFailure):
            if holds_marks(entry.raw):
                why = attribution.blame(entry.position, entry.raw)
                yield ParseFailure(entry.position, shown_raw(entry.raw), f"{entry.message}; {why}")
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


def _shown_header(header: DocumentHeader) -> DocumentHeader:
    return DocumentHeader(tuple((shown_raw(k), shown_raw(v)) for k, v in header.fields))
