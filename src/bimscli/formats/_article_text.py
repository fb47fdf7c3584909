"""An article's text as copied from a web page: title, standfirst, date, body, related teasers.

See :mod:`bimscli.formats.web_article` for what is kept and why. Detection is deliberately
timid: copied text has no syntax of its own, so this reader claims only text that looks like an
article and that no other format's markers claim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from bimscli.formats._dates import parse_date
from bimscli.formats._person_names import parse_person_name
from bimscli.model import (
    AbstractSection,
    Author,
    Entry,
    ParsedRecord,
    ParseFailure,
    PartialDate,
    Position,
    Record,
    WorkType,
)

# Markers of inputs other parsers own: BibTeX, RIS, MEDLINE, EndNote/WoS tagged text, JSON or
# XML, a BiomedNews issue, a PubMed page, a lay-summary page, a JSON blob on a line of its own.
_OTHER_FORMATS = re.compile(
    r"^\s*@\w+\s*[{(]|^TY  -|^PMID-|^%0 |^PT J\b|^FN |\A\s*[\[{<]|^\{\"|Biomed News|"
    r"PubMed Disclaimer|·\s*DOI:.*·\s*Published:",
    re.MULTILINE | re.IGNORECASE,
)
_CHROME = re.compile(r"^(?:advertisement|advertisements|sponsored|sponsored content|ad)$", re.I)
_SHARE_WORDS = {
    "facebook", "x", "twitter", "reddit", "linkedin", "email", "e-mail", "whatsapp",
    "pinterest", "share", "print", "telegram", "pocket", "flipboard", "copy", "link",
}  # fmt: skip
_RELATED_HEADING = re.compile(
    r"^(?:related articles?|related posts?|related stories|related content|read more|"
    r"more from .{1,40}|you may also like|recommended(?: for you)?|see also)\s*:?$",
    re.IGNORECASE,
)
_DATE_PREFIX = re.compile(r"^(?:published|posted|updated|date)(?: on)?\s*:?\s*", re.I)
_BYLINE = re.compile(r"^by\s+(.{2,200})$", re.IGNORECASE)
_TITLE_MAX = 300
_HEADER_LINES = 6


def is_page_chrome(line: str) -> bool:
    """True for advertisement labels and share-button rows, which are not the article's text.

    >>> is_page_chrome("ADVERTISEMENT"), is_page_chrome("Facebook X Reddit")
    (True, True)
    >>> is_page_chrome("X marks the spot")
    False
    """
    if _CHROME.match(line):
        return True
    words = re.split(r"[\s|·,/]+", line.lower().strip())
    return len(words) >= 2 and all(w in _SHARE_WORDS for w in words)


def _article_lines(text: str) -> list[tuple[int, str]]:
    """Numbered non-empty lines, chrome dropped, cut before a "Related Articles" heading."""
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        clean = line.strip()
        if _RELATED_HEADING.match(clean) and len(kept) > 2:
            break
        if clean and not is_page_chrome(clean):
            kept.append((number, clean))
    return kept


def _header_date(line: str) -> PartialDate | None:
    return parse_date(_DATE_PREFIX.sub("", line), exact=True)


def _binary_share(text: str) -> float:
    sample = text[:4000]
    odd = sum(
        1
        for c in sample
        if c == "\ufffd" or (unicodedata.category(c) == "Cc" and c not in "\t\n\r")
    )
    return odd / len(sample) if sample else 0.0


def looks_like_article_text(head: str) -> float:
    """How much the start of a text looks like an article copied from a web page (0 to 0.55).

    >>> looks_like_article_text("A title\\nA standfirst.\\nJuly 29, 2025\\n" + "Body. " * 60)
    0.55
    >>> looks_like_article_text("TY  - JOUR\\n")
    0.0
    """
    if not head.strip() or _OTHER_FORMATS.search(head) or _binary_share(head) > 0.05:
        return 0.0
    lines = _article_lines(head)
    if not lines or len(lines[0][1]) > _TITLE_MAX:
        return 0.0
    has_date = any(_header_date(line) for _, line in lines[1:_HEADER_LINES])
    has_body = any(len(line) >= 200 for _, line in lines[1:])
    if has_date and has_body:
        return 0.55
    return 0.3 if has_body else 0.1


def parse_article_text(text: str) -> Iterator[Entry]:
    """One web-page record for the article, or a failure saying why the text is not one."""
    problem = _why_not_an_article(text)
    if problem is not None:
        yield ParseFailure(Position(1, 1), text, problem)
        return
    lines = _article_lines(text)
    title_line, title = lines[0]
    header = lines[1:_HEADER_LINES]
    date_index = next((i for i, (_, line) in enumerate(header) if _header_date(line)), None)
    date = _header_date(header[date_index][1]) if date_index is not None else None
    before_date = header[:date_index] if date_index is not None else []
    bylines = [m.group(1) for _, line in before_date if (m := _BYLINE.match(line))]
    standfirst = next((line for _, line in before_date if not _BYLINE.match(line)), None)
    record = Record(
        type=WorkType.WEB_PAGE,
        title=title,
        authors=_byline_authors(bylines[0]) if bylines else (),
        date=date,
        abstract=(AbstractSection(standfirst),) if standfirst else (),
    )
    yield ParsedRecord(record, Position(title_line, 1), text)


def _why_not_an_article(text: str) -> str | None:
    if not text.strip():
        return "empty input: no article text to read"
    if _binary_share(text) > 0.05:
        return "this looks like binary data, not text copied from a web page; check the file"
    lines = _article_lines(text)
    if not lines:
        return "only page chrome (advertisements, share buttons): no article text to read"
    first = lines[0][1]
    if len(first) > _TITLE_MAX or not any(c.isalpha() for c in first):
        return (
            f"the first line ({len(first)} characters) is not a title, so this does not look "
            "like an article copied from a web page; put the title on the first line or pass "
            "another --format"
        )
    return None


def _byline_authors(byline: str) -> tuple[Author, ...]:
    """Authors from a byline such as ``Jane Roe and John Doe``."""
    names = re.split(r",\s*|\s+and\s+|\s*&\s*", byline)
    found = (parse_person_name(n) for n in names)
    return tuple(a for a in found if a is not None)
