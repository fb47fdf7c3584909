"""Small pure helpers shared by the parsers of copied plain-text pages.

Text copied from web pages carries no-break spaces, every kind of dash and numbers written as
words; these helpers turn such text into plain values.
"""

from __future__ import annotations

import re

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


def number_in_words(count: int) -> str:
    """A count as BiomedNews issues write it: English words up to ninety-nine, else digits.

    The inverse of :func:`number_from_words`.

    >>> [number_in_words(n) for n in (9, 19, 25, 40, 100)]
    ['nine', 'nineteen', 'twenty-five', 'forty', '100']
    """
    if 0 <= count < 20:
        return _UNITS[count]
    if 20 <= count < 100:
        tens, units = divmod(count, 10)
        return _TENS[tens - 2] + (f"-{_UNITS[units]}" if units else "")
    return str(count)


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
