"""Reading on past damage in PubMed XML, one article at a time, at the byte level.

An XML parser stops for good at the first error, and everything after it would be lost: the
articles after a damaged one, the text after ``</PubmedArticleSet>``, the second of two
``efetch`` answers written one after the other. From the first error on, the input is cut at
article boundaries instead (``<PubmedArticle ...>`` to ``</PubmedArticle>``), and each piece
is parsed on its own by a parser as safe as the first (no entities, no DTD, no network). A
piece that does not parse, breaks off before its end tag or is larger than
:data:`ARTICLE_MAX_BYTES` is a failure of that article; text between articles that is neither
markup of the document (a root tag, an XML declaration, a DOCTYPE, a comment) nor white space
is reported as stray text. A later document's DOCTYPE is checked like the first one's.

The cut is made by searching bytes, so it is exact for UTF-8 documents without comments or
CDATA sections around articles, which is what PubMed writes; the caller only resynchronises
when it holds the undamaged bytes after the last article it read
(:class:`~bimscli.formats._source_spans.KeptBytes` still keeping).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

from bimscli.model import Entry, ParseFailure, Position

ARTICLE_MAX_BYTES = 32 << 20
"""The largest article read, in bytes (the largest in PubMed's baseline is under 1 MB). A
larger one is a failure of that article and the next one is read; its raw text is cut to
:data:`RAW_TEXT_KEPT` characters."""

RAW_TEXT_KEPT = 1 << 16
"""Bytes kept as the raw text of a failure too large to keep whole (an oversized article,
a long run of stray text)."""

_READ_BYTES = 1 << 16
_ARTICLE_TAGS = (b"PubmedArticle", b"PubmedBookArticle", b"MedlineCitation", b"DeleteCitation")
_ROOT_TAGS = (b"PubmedArticleSet", b"MedlineCitationSet", b"PubmedBookArticleSet")
_NAME_END = rb"(?=[\s/>])"
_ARTICLE_START = re.compile(rb"<(" + b"|".join(_ARTICLE_TAGS) + rb")" + _NAME_END)
_MARKUP = re.compile(
    rb"<(?:(?P<article>"
    + b"|".join(_ARTICLE_TAGS)
    + rb")|/?(?P<root>"
    + b"|".join(_ROOT_TAGS)
    + rb"))"
    + _NAME_END
    + rb"|<\?xml"
    + _NAME_END
    + rb"|<!DOCTYPE"
    + _NAME_END
    + rb"|<!--"
)
_CLOSERS = {b"<?": b"?>", b"<!--": b"-->"}
_TAG_END = re.compile(rb"/?>")
_NAME_ENDS = frozenset(b" \t\r\n/>")
_OVERLAP = 64
"""Bytes searched again after a read, so that a tag cut in two by a read is still found."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of the input after the damage: an element to parse, or a problem to report.

    ``tag`` is the element's name (``""`` for stray text); ``problem`` is None for a whole
    element, else why it is a failure.
    """

    tag: str
    line: int
    data: bytes
    problem: str | None = None


class _Buffer:
    """The bytes not yet cut, read on demand from the stream, with the line of the first."""

    def __init__(self, data: bytes, line: int, stream: BinaryIO) -> None:
        self.data = bytearray(data)
        self.line = line
        self._stream = stream
        self.ended = False

    def more(self) -> bool:
        """Read another block; False at the end of the stream."""
        block = b"" if self.ended else self._stream.read(_READ_BYTES)
        self.ended = not block
        self.data += block
        return not self.ended

    def cut(self, end: int) -> bytes:
        """Take the first ``end`` bytes."""
        taken = bytes(self.data[:end])
        self.line += taken.count(b"\n")
        del self.data[:end]
        return taken

    def find(self, needle: bytes, start: int, limit: int) -> int:
        """Where ``needle`` is from ``start``, reading on until found, the end of the stream,
        or more than ``limit`` bytes held; -1 when not found."""
        at = self.data.find(needle, start)
        while at == -1 and len(self.data) <= limit and self.more():
            at = self.data.find(needle, max(start, len(self.data) - _READ_BYTES - len(needle)))
        return at

    def search(self, pattern: re.Pattern[bytes], start: int, limit: int) -> re.Match[bytes] | None:
        """The first match of ``pattern`` from ``start``, reading on until found, the end of
        the stream, or more than ``limit`` bytes held."""
        found = pattern.search(self.data, start)
        while found is None and len(self.data) <= limit and self.more():
            found = pattern.search(self.data, max(start, len(self.data) - _READ_BYTES - _OVERLAP))
        return found


def _boundary(tag: bytes) -> re.Pattern[bytes]:
    """The end tag of ``tag``, or the start of another article where ``tag`` broke off. A
    ``MedlineCitation`` only starts another article where ``tag`` is one (it is a part of a
    ``PubmedArticle``)."""
    starts = {b"PubmedArticle", b"PubmedBookArticle", b"DeleteCitation", tag}
    alternatives = b"|".join(sorted(starts))
    return re.compile(rb"(?P<end></" + tag + rb">)|<(?:" + alternatives + rb")" + _NAME_END)


def _stray(buffer: _Buffer, end: int) -> Piece | None:
    """The text before ``end`` as a failure, unless it is white space; cut from the buffer."""
    gap = buffer.cut(end)
    text = gap.lstrip()
    if not text:
        return None
    line = buffer.line - gap.count(b"\n", len(gap) - len(text))
    return Piece("", line, text[:RAW_TEXT_KEPT].rstrip(), "is outside any article")


def _skip_markup(buffer: _Buffer, opener: bytes, check: Callable[[bytes], None]) -> None:
    """Drop a declaration, DOCTYPE, comment or root tag (checking a DOCTYPE first)."""
    closer = _CLOSERS.get(opener[:4], _CLOSERS.get(opener[:2], b">"))
    if opener.startswith(b"<!DOCTYPE"):
        buffer.search(re.compile(rb"\]\s*>"), 0, RAW_TEXT_KEPT)  # enough to see a subset
        check(bytes(buffer.data[:RAW_TEXT_KEPT]))
    end = buffer.search(re.compile(re.escape(closer)), len(opener), ARTICLE_MAX_BYTES)
    buffer.cut(len(buffer.data) if end is None else end.end())


def _element(buffer: _Buffer, tag: bytes) -> Piece:
    """The element starting the buffer, whole or as a failure, cut from the buffer."""
    line, name = buffer.line, tag.decode("ascii")
    start_tag = buffer.search(_TAG_END, 0, ARTICLE_MAX_BYTES)
    if start_tag is not None and start_tag.group() == b"/>":
        return Piece(name, line, buffer.cut(start_tag.end()))  # <PubmedArticle/>
    end_tag = b"</" + tag + b">"
    end = buffer.find(end_tag, 1, ARTICLE_MAX_BYTES)
    following = _next_start(buffer.data, tag, len(buffer.data) if end == -1 else end)
    if following != -1:
        return Piece(name, line, buffer.cut(following), f"breaks off (no </{name}>)")
    if end == -1 and not buffer.ended:
        return _oversized(buffer, name, _boundary(tag))
    if end == -1:
        return Piece(name, line, buffer.cut(len(buffer.data)), f"breaks off (no </{name}>)")
    return Piece(name, line, buffer.cut(end + len(end_tag)))


def _next_start(data: bytearray, tag: bytes, end: int) -> int:
    """Where another article starts in ``data[1:end]`` (see :func:`_boundary`), or -1. A few
    byte searches: a regular expression tried at every ``<`` of an article is much slower."""
    starts = {b"PubmedArticle", b"PubmedBookArticle", b"DeleteCitation", tag}
    found = [_tag_start(data, b"<" + name, end) for name in starts]
    return min((at for at in found if at != -1), default=-1)


def _tag_start(data: bytearray, opener: bytes, end: int) -> int:
    """Where ``opener`` (``<Name``) starts a tag of that name in ``data[1:end]``, or -1."""
    at = data.find(opener, 1, end)
    while at != -1:
        after = at + len(opener)
        if after < len(data) and data[after] in _NAME_ENDS:
            return at
        at = data.find(opener, at + 1, end)
    return -1


def _oversized(buffer: _Buffer, name: str, boundary: re.Pattern[bytes]) -> Piece:
    """An element larger than :data:`ARTICLE_MAX_BYTES`: keep its start, skip to its end (or
    to the start of the next article, if it breaks off)."""
    line, kept = buffer.line, bytes(buffer.data[:RAW_TEXT_KEPT])
    while (found := boundary.search(buffer.data, 1)) is None:
        buffer.cut(max(0, len(buffer.data) - _OVERLAP))
        if not buffer.more():
            buffer.cut(len(buffer.data))
            break
    if found is not None:
        buffer.cut(found.end() if found.group("end") else found.start())
    return Piece(
        name,
        line,
        kept,
        f"is larger than {ARTICLE_MAX_BYTES:,} bytes, the most bims reads as one article",
    )


def resynchronised_pieces(
    data: bytes, line: int, stream: BinaryIO, check_prolog: Callable[[bytes], None]
) -> Iterator[Piece]:
    """Cut ``data`` (starting at ``line``), then the rest of ``stream``, into :class:`Piece`s.

    ``check_prolog`` sees the start of each DOCTYPE found and raises to refuse it.

    >>> import io
    >>> pieces = resynchronised_pieces(
    ...     b"<A>broken</PubmedArticleSet>\\n<PubmedArticle>x</PubmedArticle> tail",
    ...     3, io.BytesIO(), lambda head: None)
    >>> [(p.tag, p.line, p.data, p.problem) for p in pieces]  # doctest: +NORMALIZE_WHITESPACE
    [('', 3, b'<A>broken', 'is outside any article'),
     ('PubmedArticle', 4, b'<PubmedArticle>x</PubmedArticle>', None),
     ('', 4, b'tail', 'is outside any article')]
    """
    buffer = _Buffer(data, line, stream)
    in_stray_run = False  # a long run of stray text is reported once, at its start
    while True:
        found = buffer.search(_MARKUP, 0, RAW_TEXT_KEPT)
        end = found.start() if found else len(buffer.data) - (0 if buffer.ended else _OVERLAP)
        # Groups are read before the cut: a match on a bytearray reads it when asked.
        markup, tag = (found.group(), found.group("article")) if found else (b"", None)
        stray = _stray(buffer, end)
        if stray is not None and not in_stray_run:
            yield stray
        in_stray_run = found is None and (in_stray_run or stray is not None)
        if found is None:
            if buffer.ended:
                return
        elif tag is not None:
            yield _element(buffer, tag)
        else:
            _skip_markup(buffer, markup, check_prolog)


def parse_piece(data: bytes) -> etree._Element:
    """Parse one element's bytes (UTF-8) as safely as the whole document: no entities are
    expanded, no DTD is loaded, nothing is fetched. Raises :class:`lxml.etree.XMLSyntaxError`.

    >>> parse_piece(b"<PubmedArticle><PMID>1</PMID></PubmedArticle>").findtext("PMID")
    '1'
    """
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    return etree.fromstring(data, parser)


ReadElement = Callable[[etree._Element, Position, str], Entry]
"""Reads a parsed article element, with its position and raw text, into an entry."""


def recovered_entries(
    pieces: Iterator[Piece], entry: int, deleted: list[str], read_element: ReadElement
) -> Iterator[Entry]:
    """Entries from the pieces cut after a damage, numbered on from ``entry``; the PMIDs of
    ``DeleteCitation`` elements go to ``deleted``."""
    for piece in pieces:
        if piece.tag == "DeleteCitation" and piece.problem is None:
            try:
                deleted.extend(deleted_pmids(parse_piece(piece.data)))
                continue
            except etree.XMLSyntaxError:
                pass  # reported below like any other damaged piece
        entry += 1
        yield _read_piece(piece, Position(piece.line, entry), read_element)


def _read_piece(piece: Piece, position: Position, read_element: ReadElement) -> Entry:
    raw = piece.data.decode("utf-8", errors="replace")
    what = f"the {piece.tag} at line {piece.line}" if piece.tag else f"text at line {piece.line}"
    if piece.problem is not None:
        return ParseFailure(position, raw, f"{what} {piece.problem}; it was not imported")
    try:
        elem = parse_piece(piece.data)
    except etree.XMLSyntaxError as error:
        # libxml2 counts lines from the piece's start; the user counts from the file's.
        message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m[1]) + piece.line - 1}", error.msg)
        return ParseFailure(position, raw, f"{what} is malformed XML ({message}); not imported")
    return read_element(elem, position, raw)


def deleted_pmids(elem: etree._Element) -> list[str]:
    """The PMIDs a ``DeleteCitation`` withdraws.

    >>> deleted_pmids(parse_piece(b"<DeleteCitation><PMID>1</PMID><PMID>2</PMID></DeleteCitation>"))
    ['1', '2']
    """
    return [p.text.strip() for p in elem if p.tag == "PMID" and p.text and p.text.strip()]
