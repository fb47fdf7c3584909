"""A PubMed article web page copied as text (select all, copy, paste).

The page gives, among site chrome that is dropped: publication types (``Review``), a citation
line ``Journal. 2021 Jun 1;15(2):91-98.`` (the journal name is often lost in the copy, leaving
``. 2021 Jun 1;…``), a ``doi:`` line, the title (twice: it is taken once), a short citation
``Hadas Benhabib et al. Curr Opin Support Palliat Care. .``, the abstract, ``PMID:`` when the
copy has it, and the reference list.

The short citation names only the first author: with ``et al.`` the record gets that one author
and ``authors_complete=False``. A full author line (``Hadas Benhabib 1, Jane Doe 2`` with
affiliation numbers, or ``Benhabib H, Doe J``) gives the whole list instead. References are
other works: they go to ``cited_references`` as text, never into this record's fields, and a
``PMID:`` or ``doi:`` inside a reference is never taken as this paper's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bimscli.formats._abstract_labels import split_abstract_paragraph
from bimscli.formats._author_names import parse_author_list
from bimscli.formats._pubmed_page_text import (
    PUBLICATION_TYPES,
    PageLines,
    find_epub_date,
    parse_citation_line,
    parse_full_author_line,
    parse_short_citation,
    split_page,
)
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from bimscli.model import (
    AbstractSection,
    Author,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    PartialDate,
    Position,
    Record,
)

_DOI_LINE = re.compile(r"^doi:\s*(\S+)", re.IGNORECASE)
_DOI_ANYWHERE = re.compile(r"\bdoi:\s*(\S+)", re.IGNORECASE)
_PMID = re.compile(r"\bPMID:\s*(\d{1,9})\b")
_PMCID = re.compile(r"\bPMCID:\s*(PMC\d+)\b", re.IGNORECASE)
_KEYWORDS = re.compile(r"^Keywords:\s*(.+)$", re.IGNORECASE)


def _authors(page: PageLines) -> tuple[tuple[Author, ...], bool, str | None]:
    """The authors, whether the list is complete, and the journal from the short citation."""
    journal = None
    short: tuple[Author, ...] = ()
    complete = True
    for line in page.head:
        if citation := parse_short_citation(line):
            short, complete, journal = citation
            break
    for line in page.head:
        full = parse_full_author_line(line) or (parse_author_list(line) if "," in line else None)
        if full and (not short or full[0].family == short[0].family):
            return full, True, journal
    return short, complete, journal


def _title(page: PageLines) -> str | None:
    """The first line after the citation and DOI lines that is no label or type."""
    for line in page.head[page.citation_index + 1 :]:
        if _DOI_LINE.match(line) or line in PUBLICATION_TYPES or line == "Affiliations":
            continue
        if parse_short_citation(line) or parse_full_author_line(line):
            return None
        return line
    return None


def _abstract(page: PageLines) -> tuple[AbstractSection, ...]:
    sections: list[AbstractSection] = []
    for paragraph in page.abstract:
        if not _KEYWORDS.match(paragraph):
            sections.extend(split_abstract_paragraph(paragraph))
    return tuple(sections)


def _keywords(page: PageLines) -> tuple[str, ...]:
    for line in page.abstract + page.head:
        if match := _KEYWORDS.match(line):
            words = (k.strip() for k in match.group(1).rstrip(".").split(";"))
            return tuple(k for k in words if k)
    return ()


def _identifiers(page: PageLines) -> Identifiers:
    found = (m for m in map(_DOI_ANYWHERE.search, page.head) if m)
    doi = next((normalize_doi(m.group(1)) for m in found), None)
    own_text = "\n".join(page.head + page.abstract + page.tail)
    pmid, pmcid = _PMID.search(own_text), _PMCID.search(own_text)
    return Identifiers(
        doi=doi,
        pmid=normalize_pmid(pmid.group(1)) if pmid else None,
        pmcid=normalize_pmcid(pmcid.group(1)) if pmcid else None,
    )


def _doi_line_epub_date(page: PageLines) -> PartialDate | None:
    """``Epub …`` written on the ``doi:`` line under the citation, as PubMed often does."""
    after = page.head[page.citation_index + 1 : page.citation_index + 2]
    return next((find_epub_date(line) for line in after if _DOI_LINE.match(line)), None)


def _page_to_record(page: PageLines) -> Record:
    citation = parse_citation_line(page.head[page.citation_index])
    authors, complete, short_journal = _authors(page)
    types = tuple(dict.fromkeys(line for line in page.head if line in PUBLICATION_TYPES))
    return Record(
        title=_title(page),
        authors=authors,
        authors_complete=complete,
        journal_abbrev=citation.journal or short_journal,
        date=citation.date,
        epub_date=citation.epub_date or _doi_line_epub_date(page),
        volume=citation.volume,
        issue=citation.issue,
        pages=citation.pages,
        article_number=citation.article_number,
        ids=_identifiers(page),
        abstract=_abstract(page),
        keywords=_keywords(page),
        publication_types=types,
        cited_references=page.references,
    )


def parse_pubmed_page(text: str) -> Iterator[Entry]:
    """One record for the article on the page, or one failure saying what was missing."""
    page = split_page(text)
    if page is None:
        if text.strip():
            yield ParseFailure(
                Position(1, 1),
                text,
                "no PubMed citation line ('Journal. 2021 Jun 1;15(2):91-98.') found; "
                "copy the whole article page, or pass another --format",
            )
        return
    record = _page_to_record(page)
    yield ParsedRecord(record, Position(page.citation_line, 1), text, source_key=record.ids.pmid)


_MARKERS = (
    "PubMed Disclaimer",
    "An official website of the United States government",
    "NCBI Homepage",
    "LinkOut - more resources",
)


def detect_pubmed_page(sniff: Sniff) -> float:
    """Sure with PubMed page markers and a citation line; unsure with only one of them.

    >>> detect_pubmed_page(Sniff("Review\\n. 2021 Jun 1;15(2):91-98.\\nPubMed Disclaimer\\n"))
    0.9
    >>> detect_pubmed_page(Sniff("An official website of the United States government\\n"))
    0.1
    """
    head = sniff.head[:20000]
    markers = sum(marker in head for marker in _MARKERS)
    has_citation = split_page(head) is not None
    if has_citation and ("PubMed Disclaimer" in head or markers >= 2):
        return 0.9
    if has_citation and ("Affiliations" in head or markers):
        return 0.6
    if "PubMed Disclaimer" in head:
        return 0.4
    return 0.1 if markers else 0.0


FORMAT = SourceFormat(
    name="pubmed-page",
    title="PubMed article page copied as text",
    version="1",
    priority=55,
    detect=detect_pubmed_page,
    parse_text=parse_pubmed_page,
)
"""The copied PubMed page format."""
