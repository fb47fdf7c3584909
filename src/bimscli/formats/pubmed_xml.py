"""PubMed XML: E-utilities ``efetch`` responses and the annual baseline/update files.

The parser streams: :func:`lxml.etree.iterparse` hands over one article at a time, which is
read and then cleared with its finished siblings, so memory stays flat for files of hundreds of
thousands of articles. Gzip is the caller's business: the stream holds XML bytes.

Safety: entities are never expanded, no DTD is loaded and nothing is fetched from the network.
A file whose DOCTYPE declares entities ("billion laughs", external entities reading local files
or URLs) is refused as a whole with :class:`~bimscli.errors.UnsafeInputError` before any of it
is parsed; PubMed's own ``<!DOCTYPE PubmedArticleSet PUBLIC ... "https://dtd.nlm.nih.gov/...">``
has no declarations and is read as usual (the DTD is not fetched).

Damage costs one article: the document is fed to the parser block by block, so every article
finished before an XML error is read, and from the error on the rest is cut at article
boundaries and read one article at a time (:mod:`bimscli.formats._pubmed_resync`): a damaged
or oversized article, or stray text (after ``</PubmedArticleSet>``, say), is a failure with its
line, and a second document appended to the first is read too.

How PubMed's fields land in a :class:`Record` (see :mod:`bimscli.formats._pubmed_article`):

- Inline markup in titles, abstracts and keywords stays as literal ``<i>``, ``<b>``,
  ``<sup>``, ``<sub>``, ``<u>`` tags; everything else is plain text.
- ``Author ValidYN="N"`` (a misspelt name PubMed has replaced) is left out; the raw XML
  keeps it. ``AuthorList CompleteYN="N"`` gives ``authors_complete=False``.
- A pii shaped like an electronic article number (``e0123456``) is also the
  ``article_number``.
- ``MedlineDate`` and ``Season`` dates keep their wording in ``PartialDate.text``.
- Books: a ``PubmedBookArticle`` with its own ``ArticleTitle`` is a chapter whose book title
  is the ``journal`` (container); editors, edition and place go to ``extra``.
- Grants and chemicals go to ``extra``; ``NlmCategory``, ``OtherAbstract`` and
  ``ReferenceList`` are only in ``raw``.

An article's raw text is its own bytes in the input, from its start tag to its end tag
(:mod:`bimscli.formats._source_spans`); only where those cannot be told for sure (a comment,
CDATA section or processing instruction in the file, an encoding other than UTF-8) is it
lxml's serialisation of the article, the same XML written again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from lxml import etree

from bimscli.errors import UnsafeInputError
from bimscli.formats import _pubmed_resync as resync
from bimscli.formats._pubmed_article import citation_record
from bimscli.formats._pubmed_book import book_record
from bimscli.formats._source_spans import KeptBytes
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import (
    DocumentHeader,
    Entry,
    ParsedRecord,
    ParseFailure,
    Position,
    Record,
)

ROOT_TAGS = ("PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet")
ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")
_HEAD_BYTES = 1 << 16
_READ_BYTES = 1 << 16
UNSAFE_DOCTYPE = (
    "this XML file's DOCTYPE declares its own entities or DTD rules; bims never expands XML "
    "entities (they can blow up memory or read local files and URLs). Download the file from "
    "PubMed again, or remove the [...] part of its DOCTYPE"
)
_DECLARATION = re.compile(rb"<!(?:ENTITY|ATTLIST|ELEMENT|NOTATION)\b")
_ROOT_START = re.compile(rb"<(?:PubmedArticleSet|MedlineCitationSet|PubmedBookArticleSet)[\s>]")
_PLAIN_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[^>]*\?>)?\s*(?:<!DOCTYPE[^>\[]*>)?\s*")
"""A prolog of an XML declaration and a DOCTYPE alone: no comment or processing instruction in
which a tag could hide from the raw-text search (:mod:`bimscli.formats._source_spans`)."""
_UTF8_COMPATIBLE = frozenset((b"UTF-8", b"UTF8", b"US-ASCII", b"ASCII"))
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


class _HeadThenRest:
    """A byte stream that gives back an already-read head before the rest of ``stream``."""

    def __init__(self, head: bytes, stream: KeptBytes) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, head first."""
        if self._head:
            if size < 0 or size >= len(self._head):
                chunk, self._head = self._head, b""
                return chunk if size < 0 else chunk + self._stream.read(size - len(chunk))
            chunk, self._head = self._head[:size], self._head[size:]
            return chunk
        return self._stream.read(size)


def reject_unsafe_prolog(head: bytes) -> None:
    """Raise :class:`UnsafeInputError` when a document's DOCTYPE declares anything.

    >>> reject_unsafe_prolog(b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//EN" "x.dtd">')
    >>> reject_unsafe_prolog(b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a/>')
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    bimscli.errors.UnsafeInputError: ...
    """
    start = head.find(b"<!DOCTYPE")
    if start == -1:
        return
    subset = head.find(b"[", start)
    close = head.find(b">", start)
    if close == -1 or _DECLARATION.search(head, start) or (subset != -1 and subset < close):
        raise UnsafeInputError(UNSAFE_DOCTYPE)


def _unsafe_dtd(elem: etree._Element) -> bool:
    """True when the document's internal DTD declares entities (a DOCTYPE past the head)."""
    dtd: Any = elem.getroottree().docinfo.internalDTD  # lxml-stubs lack DTD.iterentities
    return dtd is not None and next(iter(dtd.iterentities()), None) is not None


def _line(elem: etree._Element) -> int:
    line: int | None = elem.sourceline  # type: ignore[assignment]  # stubs: "..."
    return line or 0


def _article_record(elem: etree._Element) -> Record:
    tag = elem.tag
    if tag == "PubmedBookArticle":
        return book_record(elem)
    if tag == "MedlineCitation":
        return citation_record(elem, None)
    citation = elem.find("MedlineCitation")
    if citation is None:
        raise ValueError("PubmedArticle without MedlineCitation")
    return citation_record(citation, elem.find("PubmedData"))


def _read_article(elem: etree._Element, entry: int, kept: KeptBytes) -> Entry:
    position = Position(_line(elem), entry)
    raw = kept.claim(elem.tag) or etree.tostring(elem, encoding="unicode", with_tail=False)
    return _article_entry(elem, position, raw)


def _article_entry(elem: etree._Element, position: Position, raw: str) -> Entry:
    try:
        record = _article_record(elem)
    except Exception as error:  # a parser never raises on one bad article
        return ParseFailure(position, raw, f"cannot read this {elem.tag}: {error}")
    return ParsedRecord(record, position, raw, record.ids.pmid)


def _wrong_root(tag: object, line: int, entry: int) -> ParseFailure:
    expected = " or ".join(f"<{t}>" for t in ROOT_TAGS)
    return ParseFailure(
        Position(line, entry),
        "",
        f"the root element is <{tag}>, not {expected}: this is not PubMed XML; "
        "pass another --format",
    )


def release_read_article(elem: etree._Element) -> None:
    """Free an article that has been read, and the finished siblings before it.

    >>> root = etree.fromstring("<S><A><T/></A><A><T/></A><A><T/></A></S>")
    >>> release_read_article(root[2])
    >>> len(root), len(root[0])
    (1, 0)
    """
    elem.clear()
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _syntax_failure(error: etree.XMLSyntaxError, read: int) -> ParseFailure:
    line, message = error.lineno or 0, error.msg
    log: Any = error.error_log  # lxml-stubs do not declare _ErrorLog iterable
    logged = list(log)
    if line == 0 and logged:
        last = logged[-1]
        # iterparse sometimes reports only "no element found"; the log has the real cause.
        line, message = last.line, last.message
    line = max(line, 1)  # an empty document has no line 0 to point at
    return ParseFailure(
        Position(line, read + 1),
        "",
        f"the XML breaks off or is malformed at line {line}: {message}; "
        f"the {read} article(s) before it were read",
    )


class _WrongRootError(Exception):
    """The document's root is not a PubMed one (internal: becomes a ParseFailure)."""

    def __init__(self, root: etree._Element) -> None:
        super().__init__(root.tag)
        self.failure = _wrong_root(root.tag, _line(root) or 1, 0)


def _wanted_elements(elements: Iterator[etree._Element]) -> Iterator[etree._Element]:
    """Articles and ``DeleteCitation``s, after checking the document on the first one."""
    first = True
    for elem in elements:
        parent = elem.getparent()
        if parent is not None and parent.tag == "PubmedArticle":
            continue  # the MedlineCitation inside a PubmedArticle: read with its article
        if first:
            if _unsafe_dtd(elem):
                raise UnsafeInputError(UNSAFE_DOCTYPE)
            root = elem.getroottree().getroot()
            if root.tag not in ROOT_TAGS and root is not elem:
                raise _WrongRootError(root)
            first = False
        if parent is not None and parent.tag not in ROOT_TAGS:  # an article left open before
            raise _DamageError(None, _line(elem), f"the {elem.tag} is inside another element")
        yield elem


def _deletions(deleted: list[str]) -> Iterator[DocumentHeader]:
    if deleted:
        yield DocumentHeader(tuple(("deleted-pmid", pmid) for pmid in deleted))


def _declared_utf8(head: bytes) -> bool:
    """Whether a document's XML declaration, if it has one, says UTF-8 (or ASCII). A UTF-16
    or UTF-32 document needs no check: its root tag is not found as ASCII bytes.

    >>> _declared_utf8(b'<?xml version="1.0"?>'), _declared_utf8(b"<?xml encoding='utf-8'?>")
    (True, True)
    >>> _declared_utf8(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    False
    """
    declared = _ENCODING.match(head)
    return declared is None or declared.group(1).upper() in _UTF8_COMPATIBLE


def _finished(parser: etree.XMLPullParser) -> Iterator[etree._Element]:
    """The elements the parser has finished since last asked."""
    for _, elem in parser.read_events():
        yield cast(etree._Element, elem)  # "end" events only: always an element


class _DamageError(Exception):
    """The parser met damage and reads no further (internal): a syntax ``error``, or what is
    wrong (``why``) at ``line``."""

    def __init__(self, error: etree.XMLSyntaxError | None, line: int = 0, why: str = "") -> None:
        super().__init__(error or why)
        self.error, self.line, self.why = error, line, why


class _Document:
    """A pull parser that never expands entities, loads a DTD or touches the network, fed
    block by block, so that every element finished before an error is still handed over
    (:func:`lxml.etree.iterparse` drops those of the block that holds the error)."""

    def __init__(self, kept: KeptBytes) -> None:
        head = kept.read(_HEAD_BYTES)
        reject_unsafe_prolog(head)
        root = _ROOT_START.search(head)
        if (
            root is None
            or not _declared_utf8(head)
            or not _PLAIN_PROLOG.fullmatch(head, 0, root.start())
        ):
            kept.stop()  # an article's raw text is then lxml's serialisation of it
        else:
            kept.forget(root.start())  # the prolog's <?xml and <!DOCTYPE hide nothing
        etree.clear_error_log()  # lxml's per-thread log: keep only this document's errors
        self._source = _HeadThenRest(head, kept)
        self._kept = kept
        self._parser = etree.XMLPullParser(
            events=("end",),
            tag=(*ARTICLE_TAGS, "DeleteCitation"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
        )
        self.root: etree._Element | None = None

    def elements(self) -> Iterator[etree._Element]:
        """The wanted elements in order; raises :class:`_DamageError` after the last good one."""
        parser = self._parser
        while True:
            block = self._source.read(_READ_BYTES)
            try:
                if block:
                    parser.feed(block)
                else:
                    self.root = parser.close()
            except etree.XMLSyntaxError as error:
                if block:  # at the close, libxml2 ends open elements itself: none of them
                    yield from _finished(parser)
                raise _DamageError(error) from None
            yield from _finished(parser)
            if not block:
                return
            if self._kept.size > resync.ARTICLE_MAX_BYTES + _READ_BYTES:
                why = f"an article is larger than {resync.ARTICLE_MAX_BYTES:,} bytes"
                raise _DamageError(None, 0, why)  # a failure of its own


def _damage_failure(damage: _DamageError, entry: int) -> ParseFailure:
    if damage.error is not None:
        return _syntax_failure(damage.error, entry)
    line = max(damage.line, 1)
    return ParseFailure(
        Position(line, entry + 1),
        "",
        f"at line {line} {damage.why}: the XML is damaged there; the {entry} article(s) "
        "before it were read, the rest of the file could not be",
    )


def parse_pubmed_xml(stream: BinaryIO) -> Iterator[Entry]:
    """Stream the articles of a PubMed XML document (or of several, one after the other).

    The PMIDs an update file's ``DeleteCitation`` withdraws come last, as a
    :class:`DocumentHeader` with one ``deleted-pmid`` field each. Raises
    :class:`UnsafeInputError` (before yielding anything) for a document that declares XML
    entities; every other problem becomes a :class:`ParseFailure`: a damaged article, text
    after the document, an article larger than
    :data:`~bimscli.formats._pubmed_resync.ARTICLE_MAX_BYTES`. Every whole article before
    and after a damage is read (:mod:`bimscli.formats._pubmed_resync`), as long as the input
    is UTF-8 with no comment or CDATA section among its articles; otherwise the damage ends
    the reading with one failure.
    """
    kept = KeptBytes(stream)
    document = _Document(kept)
    entry, deleted = 0, list[str]()
    try:
        for elem in _wanted_elements(document.elements()):
            if elem.tag == "DeleteCitation":
                kept.claim("DeleteCitation")
                deleted.extend(resync.deleted_pmids(elem))
                release_read_article(elem)
                continue
            entry += 1
            item = _read_article(elem, entry, kept)
            release_read_article(elem)
            yield item
    except _DamageError as damage:
        line, after = kept.line, kept.take()
        if after is None:
            yield from _deletions(deleted)
            yield _damage_failure(damage, entry)
            return
        pieces = resync.resynchronised_pieces(after, line, stream, reject_unsafe_prolog)
        yield from resync.recovered_entries(pieces, entry, deleted, _article_entry)
    except _WrongRootError as wrong:
        yield wrong.failure
        return
    yield from _deletions(deleted)
    root = document.root
    if entry == 0 and not deleted and root is not None and root.tag not in ROOT_TAGS:
        yield _wrong_root(root.tag, _line(root) or 1, 0)


_ROOT_IN_HEAD = re.compile(r"<(PubmedArticleSet|MedlineCitationSet|PubmedBookArticleSet)[\s>]")


def detect_pubmed_xml(sniff: Sniff) -> float:
    """How sure we are that the input is PubMed XML.

    >>> detect_pubmed_xml(Sniff('<?xml version="1.0"?>\\n<PubmedArticleSet>'))
    0.95
    >>> detect_pubmed_xml(Sniff("PMID- 1\\n"))
    0.0
    """
    head = sniff.head
    if _ROOT_IN_HEAD.search(head) or "<!DOCTYPE PubmedArticleSet" in head:
        return 0.95
    if "<PubmedArticle>" in head or "<PubmedArticle " in head:
        return 0.8
    return 0.0


FORMAT = SourceFormat(
    name="pubmed-xml",
    title="PubMed XML (efetch, baseline and update files)",
    version="2",  # 2: an article's raw text is its own bytes in the input
    priority=100,
    detect=detect_pubmed_xml,
    parse_stream=parse_pubmed_xml,
)
