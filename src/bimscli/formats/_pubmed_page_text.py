"""The pieces of a copied PubMed page: its parts, the citation line, author lines.

Kept apart from :mod:`bimscli.formats.pubmed_page` so that each helper can be tested alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bimscli.formats._biomednews_citation import CitationError, split_page_or_article_number
from bimscli.formats._dates import date_from_parts
from bimscli.formats._person_names import PARTICLES, parse_person_name
from bimscli.formats._plain_text import clean_spaces
from bimscli.model import Author, PartialDate

PUBLICATION_TYPES = frozenset(
    {
        "Case Reports",
        "Clinical Trial",
        "Comment",
        "Comparative Study",
        "Editorial",
        "Guideline",
        "Letter",
        "Meta-Analysis",
        "Multicenter Study",
        "Observational Study",
        "Practice Guideline",
        "Randomized Controlled Trial",
        "Review",
        "Systematic Review",
    }
)
"""PubMed publication types as the page shows them above the citation."""

_CHROME = frozenset(
    {
        "Skip to main page content",
        "U.S. flag",
        "Dot gov",
        "Https",
        "The site is secure.",
        "Full text links",
        "Cite",
        "Expand",
        "Show details",
        "Display options",
        "Affiliations",
        "Free article",
        "Free PMC article",
        "Online ahead of print.",
    }
)
_CHROME_PREFIXES = (
    "An official website of the United States government",
    "The .gov means it",
    "Federal government websites often end in",
    "The https:// ensures",
    "Access keys",
)
_ABSTRACT_ENDS = frozenset(
    {
        "PubMed Disclaimer",
        "Conflict of interest statement",
        "Similar articles",
        "Cited by",
        "References",
        "Publication types",
        "MeSH terms",
        "Full text links",
        "LinkOut - more resources",
        "Grants and funding",
        "Comment in",
    }
)
_REFERENCE = re.compile(r"^\d+\.\s+(?P<text>.+)$")
_LINK_LABELS = re.compile(r"(?:\s+-\s+(?:DOI|PubMed|PMC|Free PMC article))+\s*$")
_CITATION = re.compile(
    r"^(?P<journal>[^.]{0,80}?)\s*\.\s*(?P<year>(?:1[89]|20)\d{2})"
    r"(?:\s+(?P<month>[A-Za-z]{3})(?:\s+(?P<day>\d{1,2}))?)?"
    r"(?P<loc>[;:][^\s]*?)?\.(?:\s+(?P<rest>.*))?$"
)
_LOCATOR = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+))?$")
_EPUB = re.compile(r"\bEpub (?P<year>\d{4})(?: (?P<month>[A-Za-z]{3})(?: (?P<day>\d{1,2}))?)?")
_SHORT = re.compile(
    r"^(?P<name>[^\W\d_][^\d,.;:]{1,60}?)(?P<etal> et al)?\. (?P<journal>[^.]{2,80})\."
    r"\s*(?P<rest>\.|(?:1[89]|20)\d{2}\b.*)?$"
)


@dataclass
class PageLines:
    """A copied page cut into the parts the parser reads, chrome removed."""

    head: list[str] = field(default_factory=list)
    citation_index: int = -1
    citation_line: int = 0
    abstract: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageCitation:
    """What the citation line says."""

    journal: str | None
    date: PartialDate | None
    epub_date: PartialDate | None
    volume: str | None
    issue: str | None
    pages: str | None
    article_number: str | None = None


def _pages_or_article_number(locator: str | None) -> tuple[str | None, str | None]:
    """Pages, or an article number as in BiomedNews; unreadable text stays as pages."""
    try:
        return split_page_or_article_number(locator or "")
    except CitationError:
        return locator, None


def _is_chrome(line: str) -> bool:
    return line in _CHROME or line.startswith(_CHROME_PREFIXES)


def split_page(text: str) -> PageLines | None:
    """The page's parts, or ``None`` when it has no citation line before its abstract."""
    page = PageLines()
    part = "head"
    references: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean_spaces(raw)
        if not line or (part == "head" and _is_chrome(line)):
            continue
        if part == "references" and (match := _REFERENCE.match(line)):
            references.append(_LINK_LABELS.sub("", match.group("text")))
            continue
        if line == "Abstract" and part == "head":
            part = "abstract"
        elif line in _ABSTRACT_ENDS:
            part = "references" if line == "References" else "tail"
        elif part == "head":
            if page.citation_index < 0 and _CITATION.match(line):
                page.citation_index, page.citation_line = len(page.head), number
            page.head.append(line)
        else:
            (page.abstract if part == "abstract" else page.tail).append(line)
    page.references = tuple(references)
    return page if page.citation_index >= 0 else None


def find_epub_date(line: str) -> PartialDate | None:
    """The ``Epub 2019 Jan 24`` date in a citation or ``doi:`` line.

    >>> find_epub_date("doi: 10.1/x. Epub 2019 Jan 24.").iso
    '2019-01-24'
    """
    epub = _EPUB.search(line)
    return date_from_parts(*epub.group("year", "month", "day")) if epub else None


def parse_citation_line(line: str) -> PageCitation:
    """The journal, dates, volume, issue and pages of a citation line.

    >>> c = parse_citation_line(". 2021 Jun 1;15(2):91-98.")
    >>> c.journal, c.date.iso, c.volume, c.issue, c.pages, c.article_number
    (None, '2021-06-01', '15', '2', '91-98', None)
    >>> parse_citation_line("Lancet. 2019;393:e12. Epub 2019 Jan 24.").epub_date.iso
    '2019-01-24'
    """
    match = _CITATION.match(line)
    if not match:  # pragma: no cover - split_page only gives matching lines
        return PageCitation(None, None, None, None, None, None)
    loc = _LOCATOR.match((match.group("loc") or "").lstrip(";:"))
    pages, number = _pages_or_article_number(loc.group("pages") if loc else None)
    return PageCitation(
        journal=match.group("journal").strip() or None,
        date=date_from_parts(*match.group("year", "month", "day")),
        epub_date=find_epub_date(match.group("rest") or ""),
        volume=(loc.group("volume") or None) if loc else None,
        issue=(loc.group("issue") or None) if loc else None,
        pages=pages,
        article_number=number,
    )


def parse_short_citation(line: str) -> tuple[tuple[Author, ...], bool, str] | None:
    """First author, whether the list is complete, and journal from ``Name et al. J. .``.

    >>> parse_short_citation("Hadas Benhabib et al. Curr Opin Support Palliat Care. .")[1:]
    (False, 'Curr Opin Support Palliat Care')
    """
    match = _SHORT.match(line)
    if not match or not (match.group("etal") or match.group("rest")):
        return None
    author = parse_person_name(match.group("name"))
    if author is None:  # pragma: no cover - the pattern gives a name of two or more letters
        return None
    return (author,), match.group("etal") is None, match.group("journal").strip()


def _is_display_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() or w in PARTICLES for w in words)


def parse_full_author_line(line: str) -> tuple[Author, ...] | None:
    """Every author of ``Hadas Benhabib 1, Jane Doe 2 3`` (names with affiliation numbers).

    >>> [a.family for a in parse_full_author_line("Hadas Benhabib 1, Jane Doe 2 3")]
    ['Benhabib', 'Doe']
    >>> parse_full_author_line("Evolving role of minimally invasive techniques") is None
    True
    """
    parts = [p.strip() for p in line.rstrip(".").split(",") if p.strip()]
    names: list[str] = []
    numbered = False
    for part in parts:
        match = re.match(r"^(?P<name>\D+?)\s*(?P<aff>\d+(?:\s+\d+)*)?$", part)
        if not match or not _is_display_name(match.group("name")):
            return None
        numbered = numbered or match.group("aff") is not None
        names.append(match.group("name"))
    if not names or not numbered:
        return None
    found = (parse_person_name(name) for name in names)
    return tuple(a for a in found if a is not None)
