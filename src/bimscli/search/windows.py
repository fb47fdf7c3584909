"""Date windows of a search, and the queries that ask a service for one window.

A window selects records by the day they *entered* the database, not by publication date: a
curator's "since last week" means "what I have not seen yet". PubMed gives a record two such
days, its Entrez date (EDAT) and its create date (CRDT). They are usually the same day, but a
record added long after its publication gets an Entrez date set back to that publication date,
so a window keyed on EDAT alone never sees it arrive; one keyed on either date does. Europe PMC
gives the day a record was first indexed (FIRST_IDATE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bimscli.errors import UsageError

OVERLAP = timedelta(days=2)
"""How far before the last successful run a watch's next window starts: one day because
PubMed dates are US Eastern days (behind UTC), one day for records that became searchable a
little after the day they carry. Records asked for twice are absorbed: a search never stores a
record the library already holds from the same service."""

EARLIEST = date(1800, 1, 1)
"""The start of an open window when it has to be split (PubMed's oldest records are younger)."""

_DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


def parse_day(text: str) -> date:
    """A day given as ``YYYY-MM-DD`` (or ``YYYY/MM/DD``).

    >>> parse_day("2025-06-09"), parse_day("2025/6/9")
    (datetime.date(2025, 6, 9), datetime.date(2025, 6, 9))
    """
    match = _DAY.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise UsageError(f"not a date: {text!r}; write it as YYYY-MM-DD") from None


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The days ``since`` to ``until``, both included; ``None`` leaves that end open."""

    since: date | None = None
    until: date | None = None

    @property
    def is_open(self) -> bool:
        """True when the window selects nothing by date."""
        return self.since is None and self.until is None

    def describe(self) -> str:
        """The window for a message.

        >>> DateWindow(date(2025, 6, 1)).describe(), DateWindow().describe()
        ('entered since 2025-06-01', 'all dates')
        """
        if self.is_open:
            return "all dates"
        if self.until is None:
            return f"entered since {self.since}"
        if self.since is None:
            return f"entered until {self.until}"
        return f"entered {self.since} to {self.until}"

    def halves(self, today: date) -> tuple[DateWindow, DateWindow] | None:
        """The window cut in two (open ends closed at :data:`EARLIEST` and ``today``), or
        None for a single day.

        >>> DateWindow(date(2025, 1, 1), date(2025, 1, 4)).halves(date(2025, 6, 1))
        (DateWindow(since=datetime.date(2025, 1, 1), until=datetime.date(2025, 1, 2)), \
DateWindow(since=datetime.date(2025, 1, 3), until=datetime.date(2025, 1, 4)))
        """
        first, last = self.since or EARLIEST, self.until or today + timedelta(days=1)
        if last <= first:
            return None
        middle = first + (last - first) // 2
        return DateWindow(first, middle), DateWindow(middle + timedelta(days=1), last)


def window_after(last_success: datetime | None, since: date | None) -> DateWindow:
    """The window of a watch's next run: from :data:`OVERLAP` before the last successful run,
    else from the watch's own ``since`` (else everything).

    >>> window_after(datetime(2025, 6, 9, 3, 0), None)
    DateWindow(since=datetime.date(2025, 6, 7), until=None)
    >>> window_after(None, date(2025, 1, 1)).since
    datetime.date(2025, 1, 1)
    """
    if last_success is None:
        return DateWindow(since)
    return DateWindow((last_success - OVERLAP).date())


def _pubmed_day(day: date | None, default: str) -> str:
    return day.strftime("%Y/%m/%d") if day else default


def pubmed_term(query: str, window: DateWindow) -> str:
    """The esearch term for ``query`` restricted to records that entered PubMed in ``window``
    by their Entrez date or their create date.

    >>> for part in pubmed_term("bone", DateWindow(date(2025, 6, 7))).split(" OR "):
    ...     print(part)
    (bone) AND (("2025/06/07"[EDAT] : "3000/12/31"[EDAT])
    ("2025/06/07"[CRDT] : "3000/12/31"[CRDT]))
    >>> pubmed_term("bone", DateWindow())
    'bone'
    """
    if window.is_open:
        return query
    start = _pubmed_day(window.since, "1800/01/01")
    end = _pubmed_day(window.until, "3000/12/31")
    ranges = " OR ".join(f'("{start}"[{tag}] : "{end}"[{tag}])' for tag in ("EDAT", "CRDT"))
    return f"({query}) AND ({ranges})"


def europepmc_query(query: str, window: DateWindow) -> str:
    """The Europe PMC query for ``query`` restricted to records first indexed in ``window``.

    >>> europepmc_query("bone", DateWindow(date(2025, 6, 7)))
    '(bone) AND (FIRST_IDATE:[2025-06-07 TO 3000-12-31])'
    """
    if window.is_open:
        return query
    start = (window.since or EARLIEST).isoformat()
    end = window.until.isoformat() if window.until else "3000-12-31"
    return f"({query}) AND (FIRST_IDATE:[{start} TO {end}])"
