"""A work's fields written the way a citation writes them, for people reading ``bims show``.

Names in the Vancouver/MEDLINE manner ("Johnstone PAS"), dates as PubMed prints them
("2025 Mar 1"), the journal with its volume(issue): pages, and identifiers as links.
"""

from __future__ import annotations

import re

from bimscli.model import Author, Identifiers, PartialDate, Record

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_GIVEN_PARTS = re.compile(r"[\s.]+")


def initials(given: str) -> str:
    """The initials of given names as PubMed writes them: one letter per name, a hyphenated
    name counting once; a part already written as capitals is taken as initials.

    >>> initials("Peter A S")
    'PAS'
    >>> initials("Hsiang-Hsuan M")
    'HM'
    >>> initials("P.A.S.")
    'PAS'
    >>> initials("DE")
    'DE'
    >>> initials("Hadas")
    'H'
    """
    letters: list[str] = []
    for part in _GIVEN_PARTS.split(given):
        if not part:
            continue
        if part.isupper() and len(part) <= 3:  # "DE", "PAS": initials already
            letters.append(part)
        else:
            letters.append(part[0].upper())
    return "".join(letters)


def citation_name(author: Author) -> str:
    """One author as a citation writes them: family name and initials, or the group name.

    >>> citation_name(Author(family="Keit", given="Emily"))
    'Keit E'
    >>> citation_name(Author(group="AO Spine Knowledge Forum Tumor"))
    'AO Spine Knowledge Forum Tumor'
    """
    if author.group is not None:
        return author.group
    name = " ".join(p for p in (author.family, initials(author.given or "")) if p)
    return f"{name} {author.suffix}" if author.suffix else name


def citation_authors(record: Record) -> str:
    """The author list as a citation writes it, "et al." when the source cut the list.

    >>> a = (Author(family="Keit", given="Emily"), Author(family="Oliver", given="Daniel E"))
    >>> citation_authors(Record(authors=a))
    'Keit E, Oliver DE'
    >>> citation_authors(Record(authors=a[:1], authors_complete=False))
    'Keit E, et al.'
    """
    names = [citation_name(a) for a in record.authors]
    if not record.authors_complete:
        names.append("et al.")
    return ", ".join(names)


def citation_date(date: PartialDate) -> str:
    """A date as PubMed prints it; a source's own wording ("1998 Dec-1999 Jan") wins.

    >>> citation_date(PartialDate(2025, 3, 1))
    '2025 Mar 1'
    >>> citation_date(PartialDate(2021, 6))
    '2021 Jun'
    """
    if date.text:
        return date.text
    parts = [str(date.year)]
    if date.month is not None and 1 <= date.month <= len(MONTHS):
        parts.append(MONTHS[date.month - 1])
        if date.day is not None:
            parts.append(str(date.day))
    return " ".join(parts)


def journal_location(record: Record) -> str:
    """Volume(issue): pages, or the article number when there are no pages.

    >>> journal_location(Record(volume="17", issue="1", pages="148-55"))
    '17(1): 148-55'
    >>> journal_location(Record(volume="26", article_number="5223"))
    '26: 5223'
    >>> journal_location(Record())
    ''
    """
    place = (record.volume or "") + (f"({record.issue})" if record.issue else "")
    pages = record.pages or record.article_number
    if pages:
        return f"{place}: {pages}" if place else pages
    return place


def journal_reference(record: Record) -> str:
    """The journal (abbreviated when known) with volume(issue): pages.

    >>> journal_reference(Record(journal_abbrev="BMC Sports Sci Med Rehabil", volume="17",
    ...                          issue="1", article_number="148"))
    'BMC Sports Sci Med Rehabil 17(1): 148'
    """
    journal = record.journal_abbrev or record.journal or ""
    return " ".join(p for p in (journal, journal_location(record)) if p)


def identifier_links(ids: Identifiers) -> list[tuple[str, str]]:
    """The identifiers a person can open, as (label, link), DOI first.

    >>> identifier_links(Identifiers(doi="10.1/x", pmid="123", pmcid="PMC9"))
    [('DOI', 'https://doi.org/10.1/x'), ('PubMed', 'https://pubmed.ncbi.nlm.nih.gov/123/'), \
('PMC', 'https://pmc.ncbi.nlm.nih.gov/articles/PMC9/')]
    """
    links: list[tuple[str, str]] = []
    if ids.doi:
        links.append(("DOI", f"https://doi.org/{ids.doi}"))
    if ids.pmid:
        links.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{ids.pmid}/"))
    if ids.pmcid:
        links.append(("PMC", f"https://pmc.ncbi.nlm.nih.gov/articles/{ids.pmcid}/"))
    if ids.arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{ids.arxiv}"))
    if ids.url:
        links.append(("URL", ids.url))
    return links
