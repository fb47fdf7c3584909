"""Small pure helpers shared by the parsers of copied plain-text pages.

Text copied from web pages carries no-break spaces, every kind of dash and numbers written as
words; these helpers turn such text into plain values.
"""

from __future__ import annotations

import re

from bimscli.formats._months import month_number
from bimscli.model import PartialDate

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d-"
"""Characters a page may use where a date or range has a hyphen."""


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMBER_WORDS = {word: value for value, word in enumerate(_UNITS)} | {
    word: 20 + 10 * index for index, word in enumerate(_TENS)
}


def clean_spaces(text: str) -> str:
    """Text with no-break and other odd spaces made plain, runs collapsed, ends stripped.

    >>> clean_spaces("Alberto\\u00a0Selvanetti,\\u00a0 Azienda ")
    'Alberto Selvanetti, Azienda'
    """
    return " ".join(text.split())


def partial_date(year: str, month: str | None = None, day: str | None = None) -> PartialDate:
    """A date from its written parts; a part that does not parse is left out, not guessed.

    >>> partial_date("2025", "06", "09").iso
    '2025-06-09'
    >>> partial_date("2019", None).iso
    '2019'
    >>> partial_date("2021", "Jun", "41").iso
    '2021-06'
    """
    month_value = month_number(month) if month else None
    day_value = int(day) if day and day.isdigit() and month_value else None
    if day_value is not None and not 1 <= day_value <= 31:
        day_value = None
    return PartialDate(int(year), month_value, day_value)


_LONG_DATE = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$")


def parse_long_date(text: str) -> PartialDate | None:
    """A date written ``July 3, 2023``; ``None`` when the text is not one.

    >>> parse_long_date("July 3, 2023")
    PartialDate(year=2023, month=7, day=3, text=None)
    >>> parse_long_date("Someday 3, 2023") is None
    True
    """
    match = _LONG_DATE.match(clean_spaces(text))
    if not match or month_number(match.group(1)) is None:
        return None
    return partial_date(match.group(3), match.group(1), match.group(2))


def number_from_words(text: str) -> int | None:
    """A count from digits or English words up to ninety-nine; ``None`` otherwise.

    >>> [number_from_words(t) for t in ("nine", "29", "twenty-five", "Nineteen", "lots")]
    [9, 29, 25, 19, None]
    """
    word = text.strip().lower()
    if word.isdigit():
        return int(word)
    parts = re.split(f"[ {DASHES}]", word)
    if len(parts) == 1:
        return _NUMBER_WORDS.get(word)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS[1:10]:
        return _NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]]
    return None
