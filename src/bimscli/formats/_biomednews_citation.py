"""The journal line of a BiomedNews entry: ``Int J Mol Sci. 2025 May 29. pii: 5223. …``.

The line follows PubMed's summary citation: journal abbreviation, a date (month by name or
number, day optional, sometimes no month at all), then optionally ``pii:``, the
``[Epub ahead of print]`` marker and a locator ``volume(issue): pages``.

``[Epub ahead of print]`` means the date given is the online publication date and the paper
has no print issue date yet, so the date goes to ``epub_date`` and ``date`` stays empty. A line
without the marker gives the paper's publication date (``date``).

A bare locator is read as pages when it is a page or a page range (``36``, ``1-5``) and as an
article number when it is an electronic locator (``e472854``) or a number too long to be a
page (``21925682251347247``, more than five digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bimscli.formats._dates import date_from_parts
from bimscli.formats._months import month_number
from bimscli.formats._plain_text import DASHES
from bimscli.model import PartialDate


class CitationError(ValueError):
    """A journal line that does not read as a citation; the message says which part."""


@dataclass(frozen=True, slots=True)
class JournalCitation:
    """What the journal line of one entry says."""

    journal_abbrev: str
    date: PartialDate | None = None
    epub_date: PartialDate | None = None
    pii: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None


_LINE = re.compile(r"^(?P<journal>\S.*?)\.\s+(?P<year>(?:1[89]|20)\d{2})\b(?P<after>.*)$")
_DATE_REST = re.compile(
    r"^(?:\s+(?P<month>[A-Za-z]{3,9}|\d{1,2})(?![\w(])(?:\s+(?P<day>\d{1,2})(?![\w(]))?)?"
    r"\s*[.;]?(?P<tail>.*)$"
)
_PII = re.compile(r"pii:\s*(?P<pii>\S+?)\.(?=\s|\[|$)")
_EPUB = re.compile(r"\[Epub ahead of print\]", re.IGNORECASE)
_LOCATORS = (
    re.compile(r"^(?P<volume>[^\s():;]+)?\((?P<issue>[^()]*)\)\s*:\s*(?P<loc>\S*)$"),
    re.compile(r"^(?P<volume>[^\s():;]+)\s*:\s*(?P<loc>\S*)$"),
    re.compile(r"^(?P<volume>\d+)\s+(?P<loc>\S+)$"),
    re.compile(r"^(?P<loc>\S+)$"),
)
_PAGES = re.compile(rf"^[A-Za-z]?\d{{1,5}}[A-Za-z]?(?:[{DASHES}][A-Za-z]?\d{{1,5}}[A-Za-z]?)?$")
_ELOCATOR = re.compile(r"^[\w./-]+$")


def split_page_or_article_number(locator: str) -> tuple[str | None, str | None]:
    """``(pages, article_number)`` for a locator after ``volume(issue):``.

    >>> split_page_or_article_number("1\u20135"), split_page_or_article_number("e472854")
    (('1-5', None), (None, 'e472854'))
    >>> split_page_or_article_number("21925682251347247")
    (None, '21925682251347247')
    """
    if not locator:
        return None, None
    if _PAGES.match(locator) and not re.match(r"^e\d+$", locator):
        return re.sub(f"[{DASHES}]", "-", locator), None
    if _ELOCATOR.match(locator):
        return None, locator
    raise CitationError(f"cannot read the page or article number {locator!r}")


def _read_locator(text: str) -> dict[str, str | None]:
    locator = text.strip().rstrip(".").strip()
    if not locator:
        return {}
    for pattern in _LOCATORS:
        if match := pattern.match(locator):
            parts = match.groupdict()
            pages, number = split_page_or_article_number(parts.get("loc") or "")
            return {
                "volume": parts.get("volume") or None,
                "issue": parts.get("issue") or None,
                "pages": pages,
                "article_number": number,
            }
    raise CitationError(f"cannot read volume, issue and pages from {locator!r}")


def parse_journal_line(text: str) -> JournalCitation:
    """The citation on a journal line (without its ``N.`` number).

    >>> c = parse_journal_line(
    ...     "Int J Mol Sci. 2025 May 29. pii: 5223. [Epub ahead of print]26(11):"
    ... )
    >>> c.journal_abbrev, c.date, c.epub_date.iso, c.pii, c.volume, c.issue, c.pages
    ('Int J Mol Sci', None, '2025-05-29', '5223', '26', '11', None)
    >>> c = parse_journal_line("JMIR Mhealth Uhealth. 2025 Jun 12. 13 e71196")
    >>> c.date.iso, c.volume, c.article_number
    ('2025-06-12', '13', 'e71196')
    """
    line = _LINE.match(text.strip())
    if not line:
        raise CitationError("no 'Journal. YEAR' at the start of the journal line")
    rest = _DATE_REST.match(line.group("after"))
    if not rest:  # pragma: no cover - the pattern matches every string
        raise CitationError("cannot read the date on the journal line")
    month, day = rest.group("month"), rest.group("day")
    if month and month_number(month) is None:
        raise CitationError(f"unknown month {month!r} on the journal line")
    tail = rest.group("tail")
    pii = _PII.search(tail)
    tail = _PII.sub(" ", tail)
    epub = _EPUB.search(tail) is not None
    tail = _EPUB.sub(" ", tail)
    when = date_from_parts(line.group("year"), month, day)
    locator = _read_locator(tail)
    return JournalCitation(
        journal_abbrev=line.group("journal").strip(),
        date=None if epub else when,
        epub_date=when if epub else None,
        pii=pii.group("pii") if pii else None,
        **locator,
    )
