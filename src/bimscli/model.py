"""The record model: what one parser read about one bibliographic work.

Every parser produces :class:`Record` values; the store keeps them as immutable *source records*
and derives the fields of a *work* (a cluster of records that are the same paper) from them.
All types are frozen dataclasses so that records can be hashed, compared and shared freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class WorkType(StrEnum):
    """What kind of thing a record describes (close to CSL's item types)."""

    JOURNAL_ARTICLE = "journal-article"
    BOOK = "book"
    BOOK_CHAPTER = "book-chapter"
    CONFERENCE_PAPER = "conference-paper"
    PREPRINT = "preprint"
    THESIS = "thesis"
    REPORT = "report"
    DATASET = "dataset"
    WEB_PAGE = "web-page"
    NEWS_ARTICLE = "news-article"
    OTHER = "other"


class CurationStatus(StrEnum):
    """A curator's decision on a work (a work without any has no status at all).

    ``new`` marks a work that arrived through a watch or a search and waits for a decision.
    The order of :data:`STATUS_STRENGTH` decides which status a merged work keeps.
    """

    NEW = "new"
    SELECTED = "selected"
    MAYBE = "maybe"
    REJECTED = "rejected"


STATUS_STRENGTH: tuple[CurationStatus, ...] = (
    CurationStatus.SELECTED,
    CurationStatus.MAYBE,
    CurationStatus.REJECTED,
    CurationStatus.NEW,
)
"""Statuses from strongest to weakest: a merged work keeps the strongest of its parts'."""

NO_STATUS = "none"
"""How a query (``none[status]``) and a listing name the absence of any status."""


@dataclass(frozen=True, slots=True)
class Author:
    """One author: a person (``family``/``given``) or a group (``group``), never both.

    >>> Author(family="Benhabib", given="Hadas").display_name
    'Benhabib, Hadas'
    >>> Author(group="AO Spine Knowledge Forum Tumor").display_name
    'AO Spine Knowledge Forum Tumor'
    """

    family: str | None = None
    given: str | None = None
    group: str | None = None
    suffix: str | None = None
    orcid: str | None = None
    affiliations: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        """True for a collective author such as a study group or consortium."""
        return self.group is not None

    @property
    def display_name(self) -> str:
        """The name as a reference list writes it: ``Family, Given`` or the group name."""
        if self.group is not None:
            return self.group
        parts = [p for p in (self.family, self.given) if p]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which only the year may be known.

    ``text`` keeps a source's own wording when it is more than a plain date, for example
    PubMed's ``MedlineDate`` "1998 Dec-1999 Jan" (the parsed parts then hold its start).

    >>> PartialDate(2025, 6, 9).iso
    '2025-06-09'
    >>> PartialDate(2021, 6).iso
    '2021-06'
    """

    year: int
    month: int | None = None
    day: int | None = None
    text: str | None = None

    @property
    def iso(self) -> str:
        """ISO 8601 with as much precision as is known."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One paragraph of an abstract, with its label in structured abstracts (``METHODS``)."""

    text: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class MeshQualifier:
    """A MeSH qualifier (subheading) under a descriptor, e.g. ``methods`` (Q000379)."""

    name: str
    ui: str | None = None
    major: bool = False


@dataclass(frozen=True, slots=True)
class MeshHeading:
    """A MeSH heading: descriptor, its unique id, major-topic flag and qualifiers."""

    descriptor: str
    ui: str | None = None
    major: bool = False
    qualifiers: tuple[MeshQualifier, ...] = ()

    @property
    def is_major(self) -> bool:
        """True when the descriptor or any of its qualifiers is a major topic."""
        return self.major or any(q.major for q in self.qualifiers)


@dataclass(frozen=True, slots=True)
class RelatedWork:
    """A link from this work to another: an erratum, retraction, comment, preprint, ….

    ``relation`` is lower-case with hyphens, for example ``erratum-in``, ``retraction-of``,
    ``comment-on``, ``preprint-of``.
    """

    relation: str
    citation: str | None = None
    doi: str | None = None
    pmid: str | None = None


@dataclass(frozen=True, slots=True)
class Identifiers:
    """The identifiers a source gave for a work, each in its canonical form.

    Use the functions in :mod:`bimscli.identifiers` to build them from raw text.
    """

    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    pii: str | None = None
    url: str | None = None
    isbn: tuple[str, ...] = ()
    arxiv: str | None = None
    s2: str | None = None
    other: tuple[tuple[str, str], ...] = ()


EMPTY_IDENTIFIERS = Identifiers()


@dataclass(frozen=True, slots=True)
class Record:
    """Everything one source says about one work.

    Fields a source does not give stay ``None`` or empty; parsers never invent values (a
    newsletter entry without a title has ``title=None``). ``authors_complete`` is False when the
    source is known to have cut the author list ("et al.").
    """

    type: WorkType = WorkType.JOURNAL_ARTICLE
    title: str | None = None
    original_title: str | None = None
    authors: tuple[Author, ...] = ()
    authors_complete: bool = True
    journal: str | None = None
    journal_abbrev: str | None = None
    issn: tuple[str, ...] = ()
    publisher: str | None = None
    date: PartialDate | None = None
    epub_date: PartialDate | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None
    ids: Identifiers = field(default=EMPTY_IDENTIFIERS)
    abstract: tuple[AbstractSection, ...] = ()
    keywords: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    mesh: tuple[MeshHeading, ...] = ()
    language: str | None = None
    note: str | None = None
    cited_references: tuple[str, ...] = ()
    related: tuple[RelatedWork, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def year(self) -> int | None:
        """The publication year, else the epub year."""
        if self.date is not None:
            return self.date.year
        if self.epub_date is not None:
            return self.epub_date.year
        return None

    @property
    def abstract_text(self) -> str:
        """The abstract as one text, section labels kept as ``LABEL: text``."""
        return "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in self.abstract)


@dataclass(frozen=True, slots=True)
class Position:
    """Where an entry starts in its input: 1-based line and 1-based entry number.

    Entry 0 marks text that belongs to no entry (a broken header, stray text between entries):
    it is still kept as a failure, with its line.
    """

    line: int
    entry: int


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A record as a parser read it, with its place in the input and the raw text.

    ``source_key`` is the input's own name for the entry (BibTeX key, RIS ``ID``, CSV ``ID``,
    PMID), so a user can always trace a work back to where it came from.
    """

    record: Record
    position: Position
    raw: str
    source_key: str | None = None


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """An entry that could not be parsed: kept with its position and raw text, never dropped."""

    position: Position
    raw: str
    message: str


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """Facts about a whole input rather than one entry (a newsletter issue's header).

    Stored as the provenance of the input, in the order the parser gives them.
    """

    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The value of the first field called ``name``."""
        return next((v for k, v in self.fields if k == name), None)


Entry = ParsedRecord | ParseFailure | DocumentHeader
"""What a parser yields: records, failures and at most one header."""
