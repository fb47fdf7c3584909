"""BibTeX and BibLaTeX files (JabRef, Zotero/Better BibTeX, hand-written).

bibtexparser v2's splitter cuts the file into blocks; a block it cannot parse (an unbalanced
brace, say) comes back as a *failed block* with its line and raw text, which becomes a
:class:`~bimscli.model.ParseFailure`, and the entries after it still land. Field values are
resolved here (``@string`` macros, ``#`` concatenation, month macros) and decoded from LaTeX
in :mod:`bimscli.formats._bibtex_entry`. Comments and ``@preamble`` carry no work and are
skipped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping

from bibtexparser import model as bib
from bibtexparser.splitter import Splitter

from bimscli.formats._bibtex_entry import bibtex_record
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import Entry, ParsedRecord, ParseFailure, Position

# bibtexparser logs each failed block; bims reports them as failures instead, so the log
# records must not reach stderr through logging's last-resort handler.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_MONTH_MACROS = {
    m: m
    for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}
_BLOCK_START = re.compile(r"^[ \t]*@", re.MULTILINE)
_LONE_CR = re.compile(r"\r(?!\n)")

FIELD_MAX_CHARS = 100_000
"""The longest field value read, in characters, after ``@string`` macros are expanded. A
longer one fails its entry: decoding LaTeX costs about 5 microseconds a character, no real
value comes near, and macros that double each other would otherwise grow exponentially (the
BibTeX form of an XML entity bomb)."""


ENTRY_MAX_CHARS = 1_000_000
"""The longest entry read, in characters from its ``@`` to the next one. A longer one is a
failure (its raw text cut to :data:`FIELD_MAX_CHARS`): bibtexparser's splitter takes about a
microsecond a character in Python, and a few megabytes of braces in one entry took seconds."""


class FieldTooLongError(ValueError):
    """A field value (or ``@string`` macro) longer than :data:`FIELD_MAX_CHARS`."""


class EntryTooLongError(ValueError):
    """An entry longer than :data:`ENTRY_MAX_CHARS`."""

    def __init__(self) -> None:
        super().__init__(f"it is longer than {ENTRY_MAX_CHARS:,} characters")


def _pieces(value: str) -> list[str]:
    """The parts of a value joined by ``#`` outside braces and quotes."""
    pieces, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:index])
            start = index + 1
    pieces.append(value[start:])
    return [p.strip() for p in pieces]


def resolve_bibtex_value(value: str, macros: Mapping[str, str | None]) -> str:
    """A raw field value with its delimiters removed, macros expanded and ``#`` joined.

    Inner braces stay: they protect capitals and names until LaTeX decoding. Raises
    :class:`FieldTooLongError` past :data:`FIELD_MAX_CHARS`, or for a macro that was too long
    (None in ``macros``), before building the value.

    >>> resolve_bibtex_value('jcp # " Suppl"', {"jcp": "J. Clin. Path."})
    'J. Clin. Path. Suppl'
    >>> resolve_bibtex_value("{{BRCA1} mutations}", {}), resolve_bibtex_value("jan", {})
    ('{BRCA1} mutations', 'jan')
    """
    out: list[str] = []
    for piece in _pieces(value):
        name = piece.lower()
        if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            out.append(piece[1:-1])
        elif name in macros:
            expanded = macros[name]
            if expanded is None:
                raise FieldTooLongError(f"the @string {piece} is too long")
            out.append(expanded)
        else:
            out.append(_MONTH_MACROS.get(name, piece))
    if sum(map(len, out)) > FIELD_MAX_CHARS:
        raise FieldTooLongError(f"a value is longer than {FIELD_MAX_CHARS:,} characters")
    return "".join(out)


def _safe_blocks(text: str) -> Iterator[tuple[int, bib.Block | Exception, str]]:
    """Blocks with their 0-based line; if the splitter breaks, or a block is longer than
    :data:`ENTRY_MAX_CHARS`, each ``@`` chunk on its own."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    spans = list(zip(starts, [*starts[1:], len(text)][: len(starts)], strict=True))
    before_first = starts[0] if starts else len(text)  # comments to bibtexparser
    if before_first > ENTRY_MAX_CHARS or any(end - start > ENTRY_MAX_CHARS for start, end in spans):
        yield from _chunked_blocks(text, spans)
        return
    try:
        library = Splitter(text).split()
    except Exception:  # a splitter bug must cost one entry, not the whole file
        yield from _chunked_blocks(text, spans)
        return
    for block in library.blocks:
        yield block.start_line or 0, block, block.raw or ""


def _chunked_blocks(
    text: str, spans: list[tuple[int, int]]
) -> Iterator[tuple[int, bib.Block | Exception, str]]:
    line, counted = 0, 0
    for start, end in spans:
        line, counted = line + text.count("\n", counted, start), start
        chunk = text[start:end]
        if len(chunk) > ENTRY_MAX_CHARS:
            yield line, EntryTooLongError(), chunk[:FIELD_MAX_CHARS]
            continue
        try:
            blocks = Splitter(chunk).split().blocks
        except Exception as error:  # see _safe_blocks
            yield line, error, chunk
            continue
        for block in blocks:
            yield line + (block.start_line or 0), block, block.raw or chunk


def _failure(line: int, entry: int, raw: str, why: str) -> ParseFailure:
    return ParseFailure(
        Position(line, entry),
        raw,
        f"BibTeX entry at line {line} could not be read ({why}); it was not imported: "
        "check its braces and quotes, then import the file again",
    )


def _reason(block: bib.Block | Exception) -> str:
    error = block.error if isinstance(block, bib.ParsingFailedBlock) else block
    text = str(getattr(error, "abort_reason", "") or error).strip()
    return " ".join(text.split()) or type(error).__name__


def parse_bibtex(text: str) -> Iterator[Entry]:
    """Records and failures from a BibTeX or BibLaTeX document."""
    macros: dict[str, str | None] = {}
    entry = 0
    # The splitter counts lines and finds the next entry after a broken one by LF only: old
    # Mac files (a lone CR ends each line) would be one line, and an unbalanced brace would
    # swallow every entry after it.
    text = _LONE_CR.sub("\n", text.removeprefix("\ufeff"))
    for start_line, found, raw in _safe_blocks(text):
        line = start_line + 1
        block = found
        if isinstance(found, bib.ParsingFailedBlock | Exception):
            inner = getattr(found, "ignore_error_block", None)
            if isinstance(inner, bib.Entry):  # a duplicate key or field: still a real entry
                block = inner
            else:
                entry += 1
                yield _failure(line, entry, raw, _reason(found))
                continue
        if isinstance(block, bib.String):
            try:
                macros[block.key.lower()] = resolve_bibtex_value(block.value, macros)
            except FieldTooLongError:
                macros[block.key.lower()] = None  # the entries that use it fail
        elif isinstance(block, bib.Entry):
            entry += 1
            try:
                fields = [
                    (f.key.lower(), resolve_bibtex_value(str(f.value), macros))
                    for f in block.fields
                ]
            except FieldTooLongError as error:
                yield _failure(line, entry, raw[:FIELD_MAX_CHARS], str(error))
                continue
            record = bibtex_record(block.entry_type.lower(), fields)
            yield ParsedRecord(record, Position(line, entry), raw, block.key)


_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def detect_bibtex(sniff: Sniff) -> float:
    """Sure when an ``@type{`` block starts a line; likely for a ``.bib`` file.

    >>> detect_bibtex(Sniff("% JabRef\\n@Article{smith2021,\\n title = {X}}"))
    0.9
    """
    if _ENTRY_START.search(sniff.head):
        return 0.9
    return 0.6 if sniff.suffix in (".bib", ".bibtex") else 0.0


FORMAT = SourceFormat(
    name="bibtex",
    title="BibTeX / BibLaTeX",
    version="1",
    priority=65,
    detect=detect_bibtex,
    parse_text=parse_bibtex,
)
"""The BibTeX format."""
