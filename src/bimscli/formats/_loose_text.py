"""Helpers for loosely written metadata: dates and HTML snippets as web sources give them.

The Semantic Scholar and web-article parsers both meet free-form values (``"Apr 22, 2019"``,
``"<p><p>text</p>"``) rather than the fielded data of MEDLINE or Crossref. Names are read by
:mod:`bimscli.formats._person_names`.
"""

from __future__ import annotations

import html
import re
from datetime import date

from bimscli.formats._months import month_number
from bimscli.model import PartialDate

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_PATTERNS = (
    re.compile(
        r"^(?P<year>\d{4})(?:[-/.](?P<mnum>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?)?(?:[T ].*)?$"
    ),
    re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})$"),
    re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})$"),
    re.compile(rf"^{_MONTH},?\s+(?P<year>\d{{4}})$"),
    re.compile(rf"^(?P<year>\d{{4}})\s+{_MONTH}(?:\s+(?P<day>\d{{1,2}}))?$"),
)


def parse_loose_date(text: str | None) -> PartialDate | None:
    """A date written the way web pages and APIs write it, or ``None`` if it is not one.

    >>> parse_loose_date("July 29, 2025")
    PartialDate(year=2025, month=7, day=29, text=None)
    >>> parse_loose_date("2019/04/22").iso
    '2019-04-22'
    >>> parse_loose_date("2025-03-01T08:00:00Z").iso
    '2025-03-01'
    >>> parse_loose_date("22 Apr. 2019").iso
    '2019-04-22'
    >>> parse_loose_date("Smarch 3, 2020") is None
    True
    """
    if not text:
        return None
    value = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            return _date_from_match(match)
    return None


def _date_from_match(match: re.Match[str]) -> PartialDate | None:
    groups = match.groupdict()
    year = int(groups["year"])
    month: int | None = None
    if groups.get("mnum"):
        month = int(groups["mnum"])
    elif groups.get("month"):
        month = month_number(groups["month"])
        if month is None:
            return None
    day = int(groups["day"]) if groups.get("day") else None
    if not _is_real_date(year, month, day):
        return None
    return PartialDate(year, month, day)


def _is_real_date(year: int, month: int | None, day: int | None) -> bool:
    if not 1000 <= year <= 2999 or (month is not None and not 1 <= month <= 12):
        return False
    if month is not None and day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return False
    return True


_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|section|jats:p|jats:sec)\b[^>]*>", re.I)
# A tag starts with a letter (or "/" and a letter, or "!" for comments): "dose < 8 Gy and
# BED > 100 Gy" and "p <0.05" are text, and must not be eaten as one long "tag".
_ANY_TAG = re.compile(r"<(?:/?[A-Za-z][\w:.-]*(?:\s[^<>]{0,500})?/?|!--.*?--)>", re.S)
_SPACE = re.compile(r"\s+")


def html_paragraphs(text: str | None) -> list[str]:
    """The paragraphs of an HTML snippet as plain text: tags dropped, entities decoded.

    >>> html_paragraphs("<p><p>Bone &amp; <i>joint</i>.</p>")
    ['Bone & joint.']
    >>> html_paragraphs("One.<br/>Two.")
    ['One.', 'Two.']
    >>> html_paragraphs("   ")
    []
    >>> html_paragraphs("<p>dose < 8 Gy and BED > 100 Gy; p <0.05</p>")
    ['dose < 8 Gy and BED > 100 Gy; p <0.05']
    """
    if not text:
        return []
    blocks = _BLOCK_TAG.split(text)
    out = []
    for block in blocks:
        plain = _SPACE.sub(" ", html.unescape(_ANY_TAG.sub("", block))).strip()
        if plain:
            out.append(plain)
    return out


def html_to_plain(text: str | None) -> str:
    """An HTML snippet as one line of plain text.

    >>> html_to_plain("Effect of <i>IL-6</i> on bone")
    'Effect of IL-6 on bone'
    """
    return " ".join(html_paragraphs(text))
