"""RIS writer: the tagged format that Zotero, EndNote, Mendeley and most databases import.

One ``TAG  - value`` line per field, repeated tags for authors, ISSNs and keywords, ``ER  -`` to
close each record. The tags are the ones Zotero and EndNote agree on: ``T2`` the journal,
``J2`` its abbreviation, ``DA`` the date as ``YYYY/MM/DD/``, ``C7`` the article number, ``AN``
the PMID with ``DB - PubMed`` (as EndNote's PubMed import writes it) and ``C2`` the PMCID
(EndNote's own PMCID field). Names are ``Family, Given, Suffix``, RIS's order.

A value is one line: line breaks and runs of white space become one space, and control
characters are dropped, so no value can start a tag line of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bimscli.export import ExportItem, printable_item
from bimscli.model import Author, PartialDate, Record, WorkType

RIS_TYPES = {
    WorkType.JOURNAL_ARTICLE: "JOUR",
    WorkType.BOOK: "BOOK",
    WorkType.BOOK_CHAPTER: "CHAP",
    WorkType.CONFERENCE_PAPER: "CPAPER",
    WorkType.PREPRINT: "GEN",
    WorkType.THESIS: "THES",
    WorkType.REPORT: "RPRT",
    WorkType.DATASET: "DATA",
    WorkType.WEB_PAGE: "ELEC",
    WorkType.NEWS_ARTICLE: "NEWS",
    WorkType.OTHER: "GEN",
}
"""The RIS reference type of each record type."""


def ris_name(author: Author) -> str:
    """A name as RIS writes it: ``Family, Given, Suffix`` or the group's name.

    >>> ris_name(Author(family="King", given="Martin L.", suffix="Jr"))
    'King, Martin L., Jr'
    """
    if author.group is not None or not author.family:
        return author.group or author.given or ""
    return ", ".join(p for p in (author.family, author.given, author.suffix) if p)


def ris_date(date: PartialDate) -> str:
    """A date as ``YYYY/MM/DD/`` with unknown parts left empty.

    >>> ris_date(PartialDate(2025, 6)), ris_date(PartialDate(2021, 6, 1))
    ('2025/06//', '2021/06/01/')
    """
    month = f"{date.month:02d}" if date.month is not None else ""
    day = f"{date.day:02d}" if date.day is not None else ""
    return f"{date.year:04d}/{month}/{day}/"


def split_pages(pages: str) -> tuple[str, str | None]:
    """Start and end page of a range.

    >>> split_pages("91-98"), split_pages("e123")
    (('91', '98'), ('e123', None))
    """
    start, dash, end = pages.replace("–", "-").partition("-")
    return start.strip(), (end.strip() or None) if dash else None


def _lines(item: ExportItem) -> Iterator[tuple[str, str | None]]:
    record: Record = item.record
    yield "TY", RIS_TYPES[record.type]
    yield "ID", item.key
    for author in record.authors:
        yield "AU", ris_name(author)
    yield "TI", record.title
    yield "T2", record.journal or record.journal_abbrev
    yield "J2", record.journal_abbrev if record.journal else None
    date = record.date or record.epub_date
    if date is not None:
        yield "PY", f"{date.year:04d}"
        yield "DA", ris_date(date)
    yield "VL", record.volume
    yield "IS", record.issue
    if record.pages:
        start, end = split_pages(record.pages)
        yield "SP", start
        yield "EP", end
    yield "C7", record.article_number
    for issn in record.issn:
        yield "SN", issn
    yield "PB", record.publisher
    yield "DO", record.ids.doi
    yield "AN", record.ids.pmid
    yield "DB", "PubMed" if record.ids.pmid else None  # says whose accession number AN is
    yield "C2", record.ids.pmcid
    yield "UR", record.ids.url
    yield "LA", record.language
    for tag in item.tags:
        yield "KW", tag
    yield "AB", record.abstract_text or None
    yield "N1", record.note


def ris_fields(item: ExportItem) -> list[tuple[str, str]]:
    """The tags and values of a record as they are written (``ER`` aside): control characters
    dropped, line breaks and runs of white space as one space, empty values left out."""
    item = printable_item(item)
    lines = ((tag, " ".join(value.split())) for tag, value in _lines(item) if value)
    return [(tag, value) for tag, value in lines if value]


def format_ris_record(item: ExportItem) -> str:
    """One RIS record, ``TY`` to ``ER``, one line per value."""
    out = [f"{tag}  - {value}" for tag, value in ris_fields(item)]
    out.append("ER  - ")
    return "\n".join(out) + "\n"


def write_ris(items: Iterable[ExportItem]) -> str:
    """A RIS file of the items, records separated by a blank line."""
    return "\n".join(format_ris_record(item) for item in items)
