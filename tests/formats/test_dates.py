"""The one reader of dates every format uses: a table of spellings and the dates they give."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bimscli.formats._dates import date_from_parts, parse_date
from bimscli.model import PartialDate

D = PartialDate

# (text, the date a date field gives, the date only if the whole text is one)
DATES = [
    # years, months and days in every order sources write them
    pytest.param("2021", D(2021), D(2021), id="year"),
    pytest.param("2021 Mar", D(2021, 3), D(2021, 3), id="year-month-name"),
    pytest.param("2021 Mar 5", D(2021, 3, 5), D(2021, 3, 5), id="medline"),
    pytest.param("2006 Mar 1", D(2006, 3, 1), D(2006, 3, 1), id="medline-day-one"),
    pytest.param("2021 June 5", D(2021, 6, 5), D(2021, 6, 5), id="year-full-month-day"),
    pytest.param("2021-Mar-05", D(2021, 3, 5), D(2021, 3, 5), id="year-month-name-dashes"),
    pytest.param("March 5, 2021", D(2021, 3, 5), D(2021, 3, 5), id="us-long"),
    pytest.param("July 29, 2025", D(2025, 7, 29), D(2025, 7, 29), id="us-long-july"),
    pytest.param("Apr 22, 2019", D(2019, 4, 22), D(2019, 4, 22), id="us-short"),
    pytest.param("Apr. 22 2019", D(2019, 4, 22), D(2019, 4, 22), id="us-short-dot-no-comma"),
    pytest.param("March 5th, 2021", D(2021, 3, 5), D(2021, 3, 5), id="us-ordinal"),
    pytest.param("5 March 2021", D(2021, 3, 5), D(2021, 3, 5), id="day-month-year"),
    pytest.param("22 Apr. 2019", D(2019, 4, 22), D(2019, 4, 22), id="day-month-dot-year"),
    pytest.param("1st Sept 2020", D(2020, 9, 1), D(2020, 9, 1), id="day-ordinal-sept"),
    pytest.param("05-Mar-2021", D(2021, 3, 5), D(2021, 3, 5), id="day-month-year-dashes"),
    pytest.param("March 2021", D(2021, 3), D(2021, 3), id="month-year"),
    pytest.param("Mar, 2021", D(2021, 3), D(2021, 3), id="month-comma-year"),
    pytest.param("sep. 2021", D(2021, 9), D(2021, 9), id="lower-case-month"),
    # numbers: ISO, slashes, RIS's trailing slashes, MEDLINE's compact DEP, timestamps
    pytest.param("2021-03-05", D(2021, 3, 5), D(2021, 3, 5), id="iso"),
    pytest.param("2021-3-5", D(2021, 3, 5), D(2021, 3, 5), id="iso-short"),
    pytest.param("2019/04/22", D(2019, 4, 22), D(2019, 4, 22), id="slashes"),
    pytest.param("2021.03.05", D(2021, 3, 5), D(2021, 3, 5), id="dots"),
    pytest.param("2021/03", D(2021, 3), D(2021, 3), id="year-month-slash"),
    pytest.param("2024-11", D(2024, 11), D(2024, 11), id="year-month-dash"),
    pytest.param("2021///", D(2021), D(2021), id="ris-year"),
    pytest.param("2021/06/01/", D(2021, 6, 1), D(2021, 6, 1), id="ris-date"),
    pytest.param("20060110", D(2006, 1, 10), D(2006, 1, 10), id="compact"),
    pytest.param("2025-03-01T08:00:00Z", D(2025, 3, 1), D(2025, 3, 1), id="timestamp"),
    pytest.param("2023-12-01T09:00:00+00:00", D(2023, 12, 1), D(2023, 12, 1), id="timestamp-tz"),
    pytest.param("2019-04-22 10:00", D(2019, 4, 22), D(2019, 4, 22), id="date-and-time"),
    pytest.param(" 2021 \u00a0Mar  5 ", D(2021, 3, 5), D(2021, 3, 5), id="odd-spaces"),
    pytest.param("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), id="leap-day"),
    # more than a date: the year (and month) are read, the wording is kept
    pytest.param("Spring 2020", D(2020, text="Spring 2020"), None, id="season-first"),
    pytest.param("2000 Spring", D(2000, text="2000 Spring"), None, id="season-after"),
    pytest.param("1998 Dec-1999 Jan", D(1998, 12, text="1998 Dec-1999 Jan"), None,
                 id="range-over-new-year"),
    pytest.param("2001 Nov-Dec", D(2001, 11, text="2001 Nov-Dec"), None, id="month-range"),
    pytest.param("c. 2021", D(2021, text="c. 2021"), None, id="circa"),
    pytest.param("2021a", D(2021, text="2021a"), None, id="year-with-letter"),
    pytest.param("Smarch 3, 2020", D(2020, text="Smarch 3, 2020"), None, id="no-such-month"),
    pytest.param("(2008)", D(2008), None, id="punctuation-around"),
    # impossible months and days are not kept as parts, but as wording
    pytest.param("2021-02-30", D(2021, 2, text="2021-02-30"), None, id="february-30"),
    pytest.param("2023-02-29", D(2023, 2, text="2023-02-29"), None, id="not-a-leap-year"),
    pytest.param("2006 Mar 45", D(2006, 3, text="2006 Mar 45"), None, id="day-45"),
    pytest.param("2021/13", D(2021, text="2021/13"), None, id="month-13"),
    pytest.param("2021-13-01", D(2021, text="2021-13-01"), None, id="month-13-with-day"),
    pytest.param("20061310", None, None, id="compact-month-13"),
    # no year at all
    pytest.param("in press", None, None, id="in-press"),
    pytest.param("n.d.", None, None, id="no-date"),
    pytest.param("0000", None, None, id="year-zero"),
    pytest.param("12345", None, None, id="five-digits"),
    pytest.param("\u0662\u0660\u0660\u0666", None, None, id="non-ascii-digits"),
    pytest.param("", None, None, id="empty"),
    pytest.param("   ", None, None, id="blank"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "date", "exact"), DATES)
def test_dates(text: str, date: PartialDate | None, exact: PartialDate | None) -> None:
    assert parse_date(text) == date
    assert parse_date(text, exact=True) == exact


def test_no_text_is_no_date() -> None:
    assert parse_date(None) is None
    assert parse_date(None, exact=True) is None


@pytest.mark.parametrize(
    ("parts", "date"),
    [
        pytest.param(("2025", "06", "09"), D(2025, 6, 9), id="numbers"),
        pytest.param(("2025", "Jun", "06"), D(2025, 6, 6), id="month-name"),
        pytest.param(("2023", "July", "3"), D(2023, 7, 3), id="full-month-name"),
        pytest.param((2025, 6, 9), D(2025, 6, 9), id="integers"),
        pytest.param(("2019", None, None), D(2019), id="year-only"),
        pytest.param(("2000", "Spring"), D(2000, text="2000 Spring"), id="season"),
        pytest.param(("2025", "13", "45"), D(2025, text="2025 13 45"), id="no-month-no-day"),
        pytest.param(("2021", "Jun", "41"), D(2021, 6, text="2021 Jun 41"), id="day-41"),
        pytest.param(("2021", "Feb", "30"), D(2021, 2, text="2021 Feb 30"), id="february-30"),
        pytest.param((2021, None, 5), D(2021, text="2021 5"), id="day-without-month"),
        pytest.param(("\u0662\u0660\u0660\u0666",), None, id="non-ascii-digits"),
        pytest.param(("0000",), None, id="year-zero"),
        pytest.param(("MMXX",), None, id="roman-year"),
        pytest.param((None,), None, id="no-year"),
    ],
)  # fmt: skip
def test_dates_from_parts(parts: tuple[str | int | None, ...], date: PartialDate | None) -> None:
    assert date_from_parts(*parts) == date


def test_parts_keep_the_sources_own_wording() -> None:
    assert date_from_parts(2021, 21, wording="2021-21") == D(2021, text="2021-21")
    assert date_from_parts(2021, 6, wording="2021-6") == D(2021, 6)


@given(st.text(max_size=40))
def test_a_date_is_real_and_loses_no_wording(text: str) -> None:
    date = parse_date(text)
    if date is None:
        return
    assert 1000 <= date.year <= 2999
    assert str(date.year) in text
    if date.day is not None:
        assert date.month is not None
        datetime.date(date.year, date.month, date.day)  # raises for a day that does not exist
    if date.text is not None:
        assert date.text == " ".join(text.split())
    exact = parse_date(text, exact=True)
    assert exact is None or exact == date
