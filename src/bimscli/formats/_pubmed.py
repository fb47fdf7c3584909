"""PubMed rules shared by the PubMed XML and MEDLINE parsers: pages, dates, links, MeSH.

Both formats carry the same MEDLINE data in two spellings, so every domain rule that is not
about the spelling lives here once.
"""

from __future__ import annotations

import re

from bimscli.formats._months import month_number
from bimscli.model import PartialDate

_PAGE_RANGE = re.compile(r"\b([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)\b", re.ASCII)


def _expand_range(match: re.Match[str]) -> str:
    prefix, first, end_prefix, last = match.groups()
    if end_prefix and end_prefix != prefix:
        return match.group(0)
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    if int(last) < int(first):
        return match.group(0)
    return f"{prefix}{first}-{prefix}{last}"


def expand_medline_pages(text: str) -> str:
    """MEDLINE's abbreviated page ranges written in full.

    MEDLINE drops the leading digits the last page shares with the first ("561-7"). Ranges
    whose end would come before their start are left as written.

    >>> expand_medline_pages("561-7")
    '561-567'
    >>> expand_medline_pages("1093-101")
    '1093-1101'
    >>> expand_medline_pages("e123")
    'e123'
    >>> expand_medline_pages("12-3; discussion 14")
    '12-13; discussion 14'
    >>> expand_medline_pages("S12-5")
    'S12-S15'
    >>> expand_medline_pages("244-255")
    '244-255'
    """
    return _PAGE_RANGE.sub(_expand_range, text.strip())


_ARTICLE_NUMBER = re.compile(r"^e\d+$")


def article_number_from_pii(pii: str | None) -> str | None:
    """A pii that is really an electronic article number (``e0123456``), else None.

    PLOS, eLife and others give the article number as the pii and as the "page".

    >>> article_number_from_pii("e472854")
    'e472854'
    >>> article_number_from_pii("S0011-2240(01)92328-4") is None
    True
    """
    if pii and _ARTICLE_NUMBER.match(pii):
        return pii
    return None


def parse_month(text: str | None) -> int | None:
    """A month number from ``Jan``, ``January`` or ``03``; None when it is neither.

    >>> parse_month("Jun"), parse_month("03"), parse_month("Spring")
    (6, 3, None)
    """
    if not text:
        return None
    return month_number(text)


def _day(text: str | None) -> int | None:
    if text and text.isascii() and text.isdigit() and 1 <= int(text) <= 31:
        return int(text)
    return None


_MEDLINE_DATE = re.compile(r"^(\d{4})(?:\s+([A-Za-z]{3,9})(?:\s+(\d{1,2}))?)?", re.ASCII)


def parse_medline_date(text: str | None) -> PartialDate | None:
    """A date written MEDLINE's way; ``text`` keeps the wording when it says more.

    >>> parse_medline_date("2006 Mar 1")
    PartialDate(year=2006, month=3, day=1, text=None)
    >>> parse_medline_date("1998 Dec-1999 Jan")
    PartialDate(year=1998, month=12, day=None, text='1998 Dec-1999 Jan')
    >>> parse_medline_date("2000 Spring")
    PartialDate(year=2000, month=None, day=None, text='2000 Spring')
    >>> parse_medline_date("2001 Nov-Dec")
    PartialDate(year=2001, month=11, day=None, text='2001 Nov-Dec')
    >>> parse_medline_date("unknown") is None
    True
    """
    if not text:
        return None
    text = " ".join(text.split())
    match = _MEDLINE_DATE.match(text)
    if not match:
        return None
    month = parse_month(match.group(2))
    day = _day(match.group(3)) if month else None
    plain = match.end() == len(text) and (match.group(2) is None or month is not None)
    return PartialDate(int(match.group(1)), month, day, None if plain else text)


def date_from_parts(
    year: str | None, month: str | None, day: str | None, season: str | None = None
) -> PartialDate | None:
    """A date from PubMed XML's ``Year``/``Month``/``Day``/``Season`` elements.

    >>> date_from_parts("2001", "Jun", None)
    PartialDate(year=2001, month=6, day=None, text=None)
    >>> date_from_parts("2000", None, None, "Spring")
    PartialDate(year=2000, month=None, day=None, text='2000 Spring')
    """
    if not year or not (year.strip().isascii() and year.strip().isdigit()):
        return None
    number = parse_month(month)
    text = f"{year.strip()} {season.strip()}" if season and not number else None
    return PartialDate(int(year), number, _day(day) if number else None, text)


def compact_date(text: str | None) -> PartialDate | None:
    """A ``YYYYMMDD`` date (MEDLINE's ``DEP``).

    >>> compact_date("20060110")
    PartialDate(year=2006, month=1, day=10, text=None)
    """
    if (
        not text
        or not (text.strip().isascii() and text.strip().isdigit())
        or len(text.strip()) not in (4, 6, 8)
    ):
        return None
    text = text.strip()
    return date_from_parts(text[:4], text[4:6] or None, text[6:8] or None)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def relation_from_ref_type(ref_type: str) -> str:
    """A :class:`~bimscli.model.RelatedWork` relation from a PubMed ``RefType``.

    >>> relation_from_ref_type("ErratumIn"), relation_from_ref_type("RetractionOf")
    ('erratum-in', 'retraction-of')
    """
    return _CAMEL.sub("-", ref_type.strip()).lower()


_PMID_IN_CITATION = re.compile(r"\bPMID:\s*(\d+)")


def pmid_in_citation(text: str) -> str | None:
    """The PMID at the end of a MEDLINE link such as ``Nature. 2006;1:2. PMID: 123``.

    >>> pmid_in_citation("Bioinformatics. 2006 Jun 1;22(11):1406. PMID: 16547073")
    '16547073'
    """
    match = _PMID_IN_CITATION.search(text)
    return match.group(1) if match else None
