"""CSV and TSV tables of references, as systematic-review tools export them.

Columns are named like BibTeX fields (``ID``, ``ENTRYTYPE``, ``author``, ``title``, ``journal``,
…; CoLRev, ASySD, bib-dedupe) or like Rayyan/Covidence exports (``Authors``, ``Title``,
``Journal``, ``Year``, ``DOI``, ``PMID``); header names are matched case-insensitively. A
column bims does not know is kept in ``Record.extra`` under its own name, so nothing is lost.
The delimiter (comma, tab or semicolon) is sniffed from the header line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bimscli.formats._csv_authors import split_author_cell
from bimscli.formats._dates import parse_date
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.identifiers import (
    find_dois,
    normalize_doi,
    normalize_issn,
    normalize_pmcid,
    normalize_pmid,
)
from bimscli.model import (
    AbstractSection,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    Position,
    Record,
    WorkType,
)

_COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "key",
        "citation key",
        "citationkey",
        "covidence #",
        "covidence",
        "ref id",
        "record id",
        "refid",
        "record number",
    ),
    "entrytype": (
        "entrytype",
        "entry type",
        "type",
        "reference type",
        "publication type",
        "document type",
        "item type",
    ),
    "author": ("author", "authors", "au", "author(s)", "author names"),
    "title": ("title", "ti", "article title", "primary title", "document title"),
    "year": ("year", "py", "publication year", "pubyear", "year published", "date"),
    "journal": (
        "journal",
        "source",
        "source title",
        "journal title",
        "journal/book",
        "secondary title",
        "publication title",
        "jo",
    ),
    "booktitle": ("booktitle", "book title", "conference name"),
    "volume": ("volume", "vl"),
    "number": ("number", "issue", "is"),
    "pages": ("pages", "page", "pagination", "pg"),
    "abstract": ("abstract", "ab"),
    "doi": ("doi", "di"),
    "isbn": ("isbn", "issn", "isbn/issn", "sn"),
    "url": ("url", "link", "links", "ur"),
    "pmid": ("pmid", "pubmed id", "pubmed"),
    "pmcid": ("pmcid", "pmc id", "pmc"),
    "keywords": ("keywords", "keyword", "kw", "author keywords"),
    "language": ("language", "la", "lang"),
    "publisher": ("publisher", "pb"),
    "note": ("note", "notes"),
}
_CANONICAL = {syn: canon for canon, syns in _COLUMN_SYNONYMS.items() for syn in syns}
_REQUIRED = ("title",)

_ENTRY_TYPES: dict[str, WorkType] = {
    "article": WorkType.JOURNAL_ARTICLE,
    "journal article": WorkType.JOURNAL_ARTICLE,
    "jour": WorkType.JOURNAL_ARTICLE,
    "inproceedings": WorkType.CONFERENCE_PAPER,
    "conference": WorkType.CONFERENCE_PAPER,
    "conference paper": WorkType.CONFERENCE_PAPER,
    "proceedings": WorkType.CONFERENCE_PAPER,
    "book": WorkType.BOOK,
    "incollection": WorkType.BOOK_CHAPTER,
    "inbook": WorkType.BOOK_CHAPTER,
    "book chapter": WorkType.BOOK_CHAPTER,
    "phdthesis": WorkType.THESIS,
    "mastersthesis": WorkType.THESIS,
    "thesis": WorkType.THESIS,
    "techreport": WorkType.REPORT,
    "report": WorkType.REPORT,
    "preprint": WorkType.PREPRINT,
    "dataset": WorkType.DATASET,
    "online": WorkType.WEB_PAGE,
    "misc": WorkType.OTHER,
    "unpublished": WorkType.OTHER,
}
_OLD_PUBMED_URL = re.compile(
    r"ncbi\.nlm\.nih\.gov/(?:pubmed|entrez/query\.fcgi\?.*?list_uids=)/?(\d{1,9})"
)
_URL = re.compile(r"https?://.+?(?=https?://|\s|$)")
_ISSN_IN_TEXT = re.compile(r"\b\d{4}-?\d{3}[\dXx]\b")


def canonical_column(header: str) -> str | None:
    """The bims name of a column header, or ``None`` for a column bims does not know.

    >>> canonical_column(" Authors "), canonical_column("ENTRYTYPE"), canonical_column("x")
    ('author', 'entrytype', None)
    """
    return _CANONICAL.get(" ".join(header.strip().lower().replace("_", " ").split()))


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a table, judged from its header line: comma, tab or semicolon.

    >>> sniff_delimiter('"ID","title"'), sniff_delimiter("ID\\ttitle"), sniff_delimiter("a;b")
    (',', '\\t', ';')
    """
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


@dataclass(frozen=True, slots=True)
class _Header:
    names: tuple[str, ...]
    canonical: tuple[str | None, ...]
    missing: tuple[str, ...]


def _read_header(cells: list[str]) -> _Header:
    canon = tuple(canonical_column(c) for c in cells)
    missing = tuple(r for r in _REQUIRED if r not in canon)
    return _Header(tuple(c.strip() for c in cells), canon, missing)


def _identifiers(cells: dict[str, str]) -> Identifiers:
    doi_cell = cells.get("doi", "")
    doi = normalize_doi(doi_cell) or next(iter(find_dois(doi_cell)), None)
    url_cell = cells.get("url", "")
    urls = _URL.findall(url_cell)
    pmid = normalize_pmid(cells.get("pmid") or None)
    if pmid is None and (old := _OLD_PUBMED_URL.search(url_cell)):
        pmid = normalize_pmid(old.group(1))
    if pmid is None and url_cell:
        pmid = next((p for u in urls if (p := normalize_pmid(u))), None)
    isbn = cells.get("isbn", "")
    isbns = (
        tuple(
            dict.fromkeys(
                t for t in re.split(r"[\s;,]+", isbn) if len(t.replace("-", "")) in (10, 13)
            )
        )
        if isbn and not _ISSN_IN_TEXT.search(isbn)
        else ()
    )
    return Identifiers(
        doi=doi,
        pmid=pmid,
        pmcid=normalize_pmcid(cells.get("pmcid") or None),
        url=urls[0] if urls else (url_cell.strip() or None),
        isbn=isbns,
    )


def _issns(cell: str) -> tuple[str, ...]:
    found = (normalize_issn(m.group(0)) for m in _ISSN_IN_TEXT.finditer(cell))
    return tuple(dict.fromkeys(i for i in found if i))


def _work_type(cells: dict[str, str]) -> tuple[WorkType, tuple[tuple[str, str], ...]]:
    raw = cells.get("entrytype", "").strip()
    if not raw:
        return WorkType.JOURNAL_ARTICLE, ()
    known = _ENTRY_TYPES.get(raw.lower())
    return (known, ()) if known else (WorkType.OTHER, (("entrytype", raw),))


def record_from_cells(cells: dict[str, str], others: tuple[tuple[str, str], ...]) -> Record:
    """A record from the known cells of one row (by bims column name) and the unknown ones."""
    authors, complete = split_author_cell(cells.get("author", ""))
    work_type, type_extra = _work_type(cells)
    year_text = cells.get("year", "")
    date = parse_date(year_text)
    year_extra = (("year", year_text),) if year_text and date is None else ()
    abstract = cells.get("abstract", "").strip()
    keywords = tuple(k.strip() for k in re.split(r"[;\n]", cells.get("keywords", "")) if k.strip())
    journal = cells.get("journal") or cells.get("booktitle") or None
    booktitle_extra = (
        (("booktitle", cells["booktitle"]),)
        if cells.get("journal") and cells.get("booktitle")
        else ()
    )
    return Record(
        type=work_type,
        title=" ".join(cells.get("title", "").split()) or None,
        authors=authors,
        authors_complete=complete,
        journal=journal.strip() if journal else None,
        issn=_issns(cells.get("isbn", "")),
        publisher=cells.get("publisher") or None,
        date=date,
        volume=cells.get("volume") or None,
        issue=cells.get("number") or None,
        pages=cells.get("pages") or None,
        ids=_identifiers(cells),
        abstract=(AbstractSection(abstract),) if abstract else (),
        keywords=keywords,
        language=cells.get("language") or None,
        note=cells.get("note") or None,
        extra=type_extra + year_extra + booktitle_extra + others,
    )


def _row_entry(header: _Header, row: list[str], position: Position, raw: str) -> Entry:
    if header.missing:
        return ParseFailure(
            position,
            raw,
            f"the header has no {', '.join(header.missing)} column (columns: "
            f"{', '.join(header.names)}); rename the column that holds it",
        )
    if len(row) != len(header.names):
        return ParseFailure(
            position,
            raw,
            f"row has {len(row)} cells but the header has {len(header.names)}; "
            "check the quoting of this row",
        )
    cells: dict[str, str] = {}
    others: list[tuple[str, str]] = []
    for name, canon, cell in zip(header.names, header.canonical, row, strict=True):
        value = cell.strip()
        if canon is not None and canon not in cells:
            cells[canon] = value
        elif value:
            others.append((name, value))
    record = record_from_cells(cells, tuple(others))
    return ParsedRecord(record, position, raw, source_key=cells.get("id") or None)


class _LineTap:
    """Iterates over lines while remembering the ones read since the last :meth:`take`."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line

    def take(self) -> str:
        text = "".join(self._taken)
        self._taken.clear()
        return text


def parse_csv_lines(lines: Iterable[str]) -> Iterator[Entry]:
    """Parse a CSV/TSV table, one record per row after the header line."""
    line_iter = iter(lines)
    first = next(line_iter, None)
    if first is None:
        return
    first = first.lstrip("\ufeff")
    tap = _LineTap(_chain(first, line_iter))
    delimiter = sniff_delimiter(first)
    reader = csv.reader(tap, delimiter=delimiter, strict=False)
    header: _Header | None = None
    entry_number = 0
    last_line = 0
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            last_line = reader.line_num
            entry_number += 1
            yield ParseFailure(Position(start, entry_number), tap.take(), f"bad CSV: {error}")
            continue
        last_line = reader.line_num
        raw = tap.take()
        if header is None:
            header = _read_header(row)
            continue
        if not any(cell.strip() for cell in row):
            continue
        swallowed = _swallowed_rows(raw, len(header.names), delimiter)
        if swallowed is not None:
            # An unclosed quote ran on into the rows after it: the broken row is a failure,
            # the rows it swallowed are read again on their own.
            entry_number += 1
            broken = raw.splitlines(keepends=True)[0]
            yield ParseFailure(
                Position(start, entry_number),
                broken,
                "a quote opened in this row is never closed; the row was not read "
                "(close the quote and ingest the file again)",
            )
            for offset, line_row, line_raw in swallowed:
                entry_number += 1
                yield _row_entry(header, line_row, Position(start + offset, entry_number), line_raw)
            continue
        entry_number += 1
        yield _row_entry(header, row, Position(start, entry_number), raw)


def _swallowed_rows(
    raw: str, width: int, delimiter: str
) -> list[tuple[int, list[str], str]] | None:
    """The rows an unclosed quote swallowed, or ``None`` when a multi-line row looks genuine.

    A quoted cell may hold line breaks (abstracts do); but when every line after the first
    reads as a complete row of the header's width, the "cell" is really an unclosed quote.
    """
    lines = raw.splitlines(keepends=True)
    if len(lines) < 2:
        return None
    rows: list[tuple[int, list[str], str]] = []
    for offset, line in enumerate(lines[1:], start=1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter, strict=True), [])
        except csv.Error:
            return None
        if len(cells) != width:
            return None
        rows.append((offset, cells, line))
    return rows or None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def detect_csv(sniff: Sniff) -> float:
    """How sure we are that an input is a reference table: a header naming a title column."""
    # The header line ends at the first line break of any kind (a lone CR too).
    first = (sniff.head.lstrip("\ufeff").splitlines() or [""])[0]
    delimiter = sniff_delimiter(first)
    try:
        cells = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        return 0.0
    known = [canonical_column(c) for c in cells]
    has_title = "title" in known
    if sniff.suffix in (".csv", ".tsv", ".tab"):
        return 0.9 if has_title else 0.6
    if has_title and sum(k is not None for k in known) >= 3:
        return 0.7
    return 0.0


FORMAT = SourceFormat(
    name="csv",
    title="CSV/TSV table of references (systematic-review exports)",
    version="1",
    priority=60,
    detect=detect_csv,
    parse_lines=parse_csv_lines,
)
