"""BiomedNews report issues copied as plain text (biomed.news, ``bims-rebome`` and friends).

An issue opens with a header::

    bims-rebome Biomed News
    on Rehabilitation of bone metastases
    Issue of 2025–06–15
    nine papers selected by
    Alberto Selvanetti, Azienda Ospedaliera San Giovanni Addolorata

and goes on with numbered entries. Each entry has a journal line (``  1. Journal. date. …``, see
:mod:`bimscli.formats._biomednews_citation`), then lines indented by four spaces: an optional
title, author and group-author lines, the abstract, ``Keywords:`` and ``DOI:``. The abstract's
first line is indented further (two no-break spaces, or two more spaces once a copy has turned
them into spaces); that is how it is told apart from a title or author line before it.

A line before the abstract is read, in this order, as an author list (every part reads
``Family Initials``), a group author (a collective word such as *Group*, *Forum*,
*Consortium*), the title (the first other line) or, after the title, a group author. Entries
without such lines (the usual case) get no title and no authors: nothing is taken from the
abstract.

An issue cut short (the input ends without a newline inside an abstract line that does not end
a sentence) still gives its last entry as a record with what is there, marked
``extra=(("truncated", …),)``: every field it has was read whole except the abstract's end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bimscli.formats._abstract_labels import split_abstract_paragraph
from bimscli.formats._author_names import looks_like_group, parse_author_list
from bimscli.formats._biomednews_citation import (
    CitationError,
    JournalCitation,
    parse_journal_line,
)
from bimscli.formats._biomednews_header import parse_issue_header
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.identifiers import normalize_doi
from bimscli.model import (
    AbstractSection,
    Author,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    Position,
    Record,
)

_ENTRY_START = re.compile(r"^ {0,3}(\d{1,4})\.\s+(\S.*)$")
_ABSTRACT_START = re.compile(r"^(?: {4}[ \u00a0]{2,}| {0,4}\u00a0[ \u00a0]*)\S")
_KEYWORDS = re.compile(r"^\s*Keywords:(.*)$")
_DOI = re.compile(r"^\s*DOI:(.*)$")
_STRAY = 0
"""The entry number of text between or after entries that belongs to none."""
_SENTENCE_END = (".", "!", "?", ")", "]", '"', "”")


@dataclass
class _EntryBlock:
    """The lines of one numbered entry as they were found."""

    line: int
    number: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _EntryFields:
    """What the lines after the journal line said, gathered before a record is built."""

    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    abstract: list[AbstractSection] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    doi: str | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)


def _split_issue(lines: list[str]) -> tuple[list[str], list[_EntryBlock]]:
    """The header lines and the entry blocks, each entry from its ``N.`` line on.

    Entry lines are indented; an unindented line after an entry (a footer, a pasted note)
    starts a stray block, so it is reported instead of being read into the entry above.
    """
    header: list[str] = []
    blocks: list[_EntryBlock] = []
    for index, line in enumerate(lines, start=1):
        start = _ENTRY_START.match(line)
        if start:
            blocks.append(_EntryBlock(index, int(start.group(1))))
        elif blocks and blocks[-1].number and line.strip() and not line[0].isspace():
            blocks.append(_EntryBlock(index, _STRAY))
        if blocks:
            blocks[-1].lines.append(line)
        else:
            header.append(line)
    return header, blocks


def _read_byline(line: str, fields: _EntryFields) -> None:
    """Sort one line between the journal line and the abstract."""
    text = " ".join(line.split())
    authors = parse_author_list(text)
    if authors is not None:
        fields.authors.extend(authors)
    elif looks_like_group(text) or fields.title is not None:
        fields.authors.append(Author(group=text.rstrip(".")))
    else:
        fields.title = text


def _read_body(lines: list[str]) -> _EntryFields:
    """The fields of the lines after the journal line."""
    fields = _EntryFields()
    in_abstract = False
    for line in lines:
        if not line.strip():
            continue
        if keywords := _KEYWORDS.match(line):
            fields.keywords.extend(k for k in map(str.strip, keywords.group(1).split(";")) if k)
        elif doi := _DOI.match(line):
            fields.doi = normalize_doi(doi.group(1).strip())
            if fields.doi is None:
                fields.extra.append(("unrecognised-doi", doi.group(1).strip()))
        elif in_abstract or _ABSTRACT_START.match(line):
            in_abstract = True
            fields.abstract.extend(split_abstract_paragraph(" ".join(line.split())))
        else:
            _read_byline(line, fields)
    return fields


def _is_cut_short(block: _EntryBlock, text: str) -> bool:
    """True when the input stops inside this (last) entry's abstract, mid-sentence."""
    last = block.lines[-1]
    return (
        not text.endswith(("\n", "\r"))
        and len(block.lines) > 1
        and not _KEYWORDS.match(last)
        and not _DOI.match(last)
        and not last.rstrip().endswith(_SENTENCE_END)
    )


def _entry_to_record(block: _EntryBlock, *, cut_short: bool) -> ParsedRecord | ParseFailure:
    position = Position(block.line, block.number)
    raw = "\n".join(block.lines)
    start = _ENTRY_START.match(block.lines[0])
    assert start is not None  # _split_issue starts blocks only at such lines
    try:
        citation = parse_journal_line(start.group(2))
    except CitationError as error:
        return ParseFailure(
            position,
            raw,
            f"entry {block.number}: {error}; a journal line reads "
            "'Journal Abbrev. 2025 Jun 06. volume(issue): pages'",
        )
    fields = _read_body(block.lines[1:])
    if cut_short:
        fields.extra.append(("truncated", "the input ends inside this entry"))
    record = _build_record(citation, fields)
    return ParsedRecord(record, position, raw, source_key=str(block.number))


def _build_record(citation: JournalCitation, fields: _EntryFields) -> Record:
    """The record from the journal line and the lines after it."""
    return Record(
        title=fields.title,
        authors=tuple(fields.authors),
        # An issue lists authors only now and then: without an author line the authors are
        # unknown, not absent, so another source's list must win over this empty one.
        authors_complete=bool(fields.authors),
        journal_abbrev=citation.journal_abbrev,
        date=citation.date,
        epub_date=citation.epub_date,
        volume=citation.volume,
        issue=citation.issue,
        pages=citation.pages,
        article_number=citation.article_number,
        ids=Identifiers(doi=fields.doi, pii=citation.pii),
        abstract=tuple(fields.abstract),
        keywords=tuple(fields.keywords),
        extra=tuple(fields.extra),
    )


def parse_biomednews_issue(text: str) -> Iterator[Entry]:
    """The header of a BiomedNews issue, then one record or failure per numbered entry."""
    header_lines, blocks = _split_issue(text.splitlines())
    yield from parse_issue_header(header_lines)
    for index, block in enumerate(blocks):
        if block.number == _STRAY:
            yield ParseFailure(
                Position(block.line, _STRAY),
                "\n".join(block.lines),
                "unindented text after an entry is not part of any entry; "
                "entry lines start with '  N. ' or are indented",
            )
            continue
        cut_short = index == len(blocks) - 1 and _is_cut_short(block, text)
        yield _entry_to_record(block, cut_short=cut_short)


_MARKER = re.compile(r"^\s*[\w-]+ Biomed News\s*$", re.MULTILINE | re.IGNORECASE)
_ISSUE = re.compile(r"^\s*Issue of \d{4}\D\d{1,2}\D\d{1,2}\s*$", re.MULTILINE)


def detect_biomednews(sniff: Sniff) -> float:
    """Very sure with the ``<id> Biomed News`` line and ``Issue of``; hardly otherwise.

    >>> detect_biomednews(Sniff("bims-rebome Biomed News\\non Bones\\nIssue of 2025–06–15\\n"))
    0.95
    >>> detect_biomednews(Sniff("Just some text about Biomed News"))
    0.0
    """
    head = sniff.head[:4000]
    marker, issue = _MARKER.search(head), _ISSUE.search(head)
    if marker and issue:
        return 0.95
    if marker or issue:
        return 0.3
    return 0.0


FORMAT = SourceFormat(
    name="biomednews",
    title="BiomedNews report issue (plain text)",
    version="1",
    priority=50,
    detect=detect_biomednews,
    parse_text=parse_biomednews_issue,
)
"""The BiomedNews plain-text format."""
