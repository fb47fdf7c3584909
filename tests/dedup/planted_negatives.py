"""Plant hard negatives: records of *another* work that look like a given record.

Each function makes, from a real record, a record that a careful curator keeps apart from it:
a companion paper of the same group with one key word of the title changed, another group's
paper in the same journal and year, the next part of a series, the next phase of a trial, and
the notices about a paper (erratum, retraction, comment, reply). None of them carries the
original's identifiers: a different work has its own or none.

Pure and deterministic for a ``random.Random``, like :mod:`tests.dedup.planted`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import replace

from bimscli.model import Identifiers, PartialDate, Record

KEY_WORD = re.compile(r"[^\W\d_]{5,}")
"""A key word of a title: five letters or more (short words are rarely what a paper is about)."""

_TITLE_STOP = frozenset(
    (
        *("about", "after", "among", "between", "during", "their", "these", "those", "under"),
        *("using", "which", "while", "with", "within", "without", "versus", "study", "effect"),
        "effects",
    )
)


def title_vocabulary(titles: Iterable[str]) -> tuple[str, ...]:
    """The key words of a set's titles, lower case, sorted: the words a key word may become.

    >>> title_vocabulary(["Insulin pumps in children", "Metformin and insulin"])
    ('children', 'insulin', 'metformin', 'pumps')
    """
    words = {w.lower() for t in titles for w in KEY_WORD.findall(t)}
    return tuple(sorted(words - _TITLE_STOP))


def key_word_changed(title: str, rng: random.Random, vocabulary: tuple[str, ...]) -> str | None:
    """The title with one key word replaced by another word of the set (same capitalisation).

    ``None`` when the title has no key word or the vocabulary no other word.

    >>> key_word_changed("Metformin in obese adolescents", random.Random(1), ("children",))
    'Children in obese adolescents'
    """
    spans = [m.span() for m in KEY_WORD.finditer(title) if m.group().lower() not in _TITLE_STOP]
    if not spans:
        return None
    start, end = rng.choice(spans)
    old = title[start:end]
    choices = [w for w in vocabulary if w != old.lower()]
    if not choices:
        return None
    new = rng.choice(choices)
    new = new.capitalize() if old[0].isupper() else new
    return f"{title[:start]}{new}{title[end:]}"


def _following_pages(pages: str | None) -> str | None:
    """Pages of the next paper in the issue: starting after these end."""
    numbers = re.findall(r"\d+", pages or "")
    if not numbers:
        return None
    start = max(int(n) for n in numbers[:2]) + 1
    return f"{start}-{start + 7}"


def companion_paper(
    record: Record, rng: random.Random, vocabulary: tuple[str, ...]
) -> Record | None:
    """The same group's other paper in the same journal, year and volume: one key word differs.

    It starts on the page after this one ends.

    >>> r = Record(title="Metformin in obese adolescents", pages="10-17")
    >>> other = companion_paper(r, random.Random(1), ("children",))
    >>> other.title, other.pages
    ('Children in obese adolescents', '18-25')
    """
    title = key_word_changed(record.title or "", rng, vocabulary)
    if title is None:
        return None
    return replace(record, title=title, pages=_following_pages(record.pages), ids=Identifiers())


def other_group_paper(
    record: Record, rng: random.Random, vocabulary: tuple[str, ...], donor: Record
) -> Record | None:
    """Another group's paper in the same journal and year: one key word differs, and the authors
    and pages are those of ``donor`` (another record of the set).

    >>> r = Record(title="Metformin in obese adolescents", pages="10-17")
    >>> from bimscli.model import Author
    >>> donor = Record(authors=(Author("Smith"),), pages="5-9")
    >>> other_group_paper(r, random.Random(1), ("children",), donor).pages
    '5-9'
    """
    title = key_word_changed(record.title or "", rng, vocabulary)
    if title is None or donor.authors == record.authors:
        return None
    return replace(
        record,
        title=title,
        authors=donor.authors,
        pages=donor.pages,
        article_number=donor.article_number,
        abstract=donor.abstract,
        ids=Identifiers(),
    )


_PART = re.compile(r"\b(part|pt\.?)\s+(\d+|[ivx]+)\b", re.IGNORECASE)


def numbered_part(record: Record, part: int) -> Record | None:
    """The record as part ``part`` of a series: its "Part N" renumbered, or ". Part N" added.

    The pages are left out (the parts of a series have their own), so that only the part
    number tells them apart.

    >>> numbered_part(Record(title="Asthma care. Part 1: adults"), 2).title
    'Asthma care. Part 2: adults'
    >>> numbered_part(Record(title="Asthma care."), 1).title
    'Asthma care. Part 1'
    """
    title = record.title or ""
    if not title:
        return None
    if _PART.search(title):
        title = _PART.sub(lambda m: f"{m.group(1)} {part}", title, count=1)
    else:
        title = f"{title.rstrip('. ')}. Part {part}"
    return replace(record, title=title, pages=None, article_number=None, ids=Identifiers())


_PHASE = re.compile(r"\bphase\s+(I{1,3}V?|IV|[1-4])\b", re.IGNORECASE)
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def numbered_phase(record: Record, phase: int) -> Record | None:
    """The record as the report of phase ``phase`` of a trial ("phase II" / "phase III").

    A title without a phase gets ": a phase N trial". Pages are left out, as in
    :func:`numbered_part`.

    >>> numbered_phase(Record(title="Drug X in asthma: a phase 2 trial"), 3).title
    'Drug X in asthma: a phase III trial'
    >>> numbered_phase(Record(title="Drug X in asthma"), 2).title
    'Drug X in asthma: a phase II trial'
    """
    title = record.title or ""
    if not title:
        return None
    roman = _ROMAN[phase]
    if _PHASE.search(title):
        title = _PHASE.sub(f"phase {roman}", title, count=1)
    else:
        title = f"{title.rstrip('. ')}: a phase {roman} trial"
    return replace(record, title=title, pages=None, article_number=None, ids=Identifiers())


_NOTICE_FORMS = {
    "erratum": ("Erratum: {}", "Correction to: {}", "Erratum to: {}", 'Corrigendum to "{}"'),
    "retraction": ("Retraction: {}", "Retracted: {}", "Notice of retraction: {}"),
    "comment": ("Comment on: {}", "Re: {}", 'Comment on "{}"'),
    "reply": ("Reply: {}", "Reply to: {}", "Authors' reply: {}", 'Response to "{}"'),
}
NOTICE_KINDS = tuple(_NOTICE_FORMS)
"""The notices a paper can have: erratum, retraction, comment, reply."""


def notice_about(
    record: Record, rng: random.Random, kind: str, donor: Record | None = None
) -> Record | None:
    """A notice of ``kind`` about the record, titled in one of the forms journals use.

    It appears in the same journal, the same or the next year, on one page after the paper's.
    A comment is by other people (the authors of ``donor`` when given); a reply by the authors.

    >>> r = Record(title="Asthma in adults", date=PartialDate(2001), pages="10-17")
    >>> notice = notice_about(r, random.Random(0), "erratum")
    >>> notice.title, notice.pages
    ('Corrigendum to "Asthma in adults"', '18')
    """
    if not record.title or kind not in _NOTICE_FORMS:
        return None
    pages = _following_pages(record.pages)
    notice = replace(
        record,
        title=rng.choice(_NOTICE_FORMS[kind]).format(record.title.rstrip(". ")),
        pages=pages.split("-")[0] if pages else None,
        article_number=None,
        abstract=(),
        ids=Identifiers(),
        date=PartialDate(record.year + rng.choice((0, 1))) if record.year else None,
        epub_date=None,
    )
    if donor is not None and kind == "comment":
        notice = replace(notice, authors=donor.authors)
    return notice
