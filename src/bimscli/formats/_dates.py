"""Dates as sources write them: one reader for every spelling, one rule for a real date.

A date is kept only as precise as it is real: a month must be 1-12 and a day must exist in its
month (2021-02-30 keeps its year and month, not the day). What cannot be read is never
dropped silently: the source's wording stays in :attr:`~bimscli.model.PartialDate.text`
("Spring 2021", "1998 Dec-1999 Jan"), so that nothing a source said is lost. A time of day
("2025-03-01T08:00:00Z") is no part of a publication date and is left out.
"""

from __future__ import annotations

import re
from datetime import date

from bimscli.formats._months import month_number
from bimscli.model import PartialDate

_YEAR = r"(?P<year>[0-9]{4})"
_MONTH_NAME = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY_NUMBER = r"(?P<day>[0-9]{1,2})"
_DAY = rf"{_DAY_NUMBER}(?:st|nd|rd|th)?"
_TIME = (
    r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"\s?(?:Z|[+-][0-9]{2}:?[0-9]{2}|UTC|GMT)?)?"
)
_SEP = r"[-/. ]+"
# The spellings that are wholly a date, each matched against the whole text.
_WHOLE_DATES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 2021, 2021-03, 2021/03/05, 2021/06/01/ (RIS), 2025-03-01T08:00:00Z
        rf"{_YEAR}(?:{_SEP}(?P<month>[0-9]{{1,2}})(?:{_SEP}{_DAY_NUMBER}{_TIME})?)?[-/. ]*",
        r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})",  # 20060110 (MEDLINE DEP)
        rf"{_YEAR}[-/., ]+{_MONTH_NAME}(?:[-/., ]+{_DAY})?",  # 2021 Mar 5, 2021-Mar-05
        rf"{_MONTH_NAME},? {_DAY},? {_YEAR}",  # March 5, 2021
        rf"{_DAY}[ -]{_MONTH_NAME},?[ -]{_YEAR}",  # 5 March 2021, 05-Mar-2021
        rf"{_MONTH_NAME},? {_YEAR}",  # March 2021
    )
)
# Any other text: the first year, and a month and day right after it ("2001 Nov-Dec").
_YEAR_FIRST = re.compile(
    r"(?<![0-9])(?P<year>[12][0-9]{3})(?![0-9])"
    r"(?:[-/., ]+(?P<month>[0-9]{1,2}(?![0-9])|[A-Za-z]{3,9}(?![A-Za-z])\.?)"
    r"(?:[-/., ]+(?P<day>[0-9]{1,2})(?![0-9]))?)?"
)


def parse_date(text: str | None, *, exact: bool = False) -> PartialDate | None:
    """A date in any spelling sources use; ``None`` when the text holds no year.

    With ``exact``, the whole text must be one date: a value that may or may not be a date
    (a line of a web page, a page's meta tag) is a date only when nothing else is in it.

    >>> parse_date("March 5, 2021")
    PartialDate(year=2021, month=3, day=5, text=None)
    >>> parse_date("2021/06/01/").iso, parse_date("2025-03-01T08:00:00Z").iso
    ('2021-06-01', '2025-03-01')
    >>> parse_date("1998 Dec-1999 Jan")
    PartialDate(year=1998, month=12, day=None, text='1998 Dec-1999 Jan')
    >>> parse_date("2021-02-30")
    PartialDate(year=2021, month=2, day=None, text='2021-02-30')
    >>> parse_date("Spring 2021", exact=True) is None, parse_date("in press") is None
    (True, True)
    """
    value = " ".join(text.split()) if text else ""
    for pattern in _WHOLE_DATES:
        match = pattern.fullmatch(value)
        if match is not None:
            parts = match.groupdict()
            found = _real_date(parts["year"], parts.get("month"), parts.get("day"))
            if found is not None and found[1]:
                return found[0]
    if exact:
        return None
    match = _YEAR_FIRST.search(value)
    if match is None:
        return None
    found = _real_date(*match.group("year", "month", "day"))
    assert found is not None  # the pattern finds only years 1000-2999
    parsed, all_read = found
    rest = value[: match.start()] + value[match.end() :]
    if all_read and not any(c.isalnum() for c in rest):
        return parsed
    return PartialDate(parsed.year, parsed.month, parsed.day, value)


def date_from_parts(
    year: str | int | None,
    month: str | int | None = None,
    day: str | int | None = None,
    *,
    wording: str | None = None,
) -> PartialDate | None:
    """A date from a source's separate year, month (number, name or season) and day.

    ``None`` when the year is not one. A part that is no month or day is left out and the
    date keeps the source's ``wording`` (by default the parts joined by spaces).

    >>> date_from_parts("2025", "Jun", "09"), date_from_parts(2019)
    (PartialDate(year=2025, month=6, day=9, text=None), PartialDate(year=2019, month=None, \
day=None, text=None))
    >>> date_from_parts("2000", "Spring")
    PartialDate(year=2000, month=None, day=None, text='2000 Spring')
    >>> date_from_parts(2021, 21, wording="2021-21").text, date_from_parts("٢٠٠٦") is None
    ('2021-21', True)
    """
    found = _real_date(
        None if year is None else str(year).strip(),
        None if month is None else str(month).strip(),
        None if day is None else str(day).strip(),
    )
    if found is None:
        return None
    parsed, all_read = found
    if all_read:
        return parsed
    parts = (str(p).strip() for p in (year, month, day) if p is not None)
    return PartialDate(
        parsed.year, parsed.month, parsed.day, wording or " ".join(filter(None, parts))
    )


def _real_date(
    year: str | None, month: str | None, day: str | None
) -> tuple[PartialDate, bool] | None:
    """The real part of a date, and whether every given part was read; ``None`` without a year."""
    if not year or not (year.isascii() and year.isdigit()) or not 1000 <= int(year) <= 2999:
        return None
    number = month_number(month) if month else None
    day_number = int(day) if day and day.isascii() and day.isdigit() and number else None
    if day_number is not None and number is not None:
        try:
            date(int(year), number, day_number)
        except ValueError:
            day_number = None
    all_read = (number is not None or not month) and (day_number is not None or not day)
    return PartialDate(int(year), number, day_number), all_read
