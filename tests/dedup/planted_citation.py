"""Plant the ways databases write one article's citation: journal, title, pages, issue, year.

Same contract as :mod:`tests.dedup.planted`: pure, deterministic for a ``random.Random``,
changing only what the name says, ``None`` when the record lacks what the variation needs.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import replace

from bimscli.formats._pubmed import expand_medline_pages
from bimscli.model import PartialDate, Record

# --- journal -----------------------------------------------------------------------------

NON_SIGNIFICANT_WORDS = frozenset(("of", "the", "and", "&", "in", "for", "on", "a", "an"))
"""Articles, conjunctions and prepositions, which ISO 4 and NLM abbreviations leave out."""

_VOWELS = frozenset("aeiouy")


def iso4_abbreviate_word(word: str) -> str:
    """A journal word cut after its first syllable, in the manner of ISO 4 and NLM.

    The general rule: keep the leading consonants, the first vowel group and the consonants
    after it ("Molecular" -> "Mol", "Respiratory" -> "Resp"); a cut shorter than three letters
    takes the next syllable too ("Obesity" -> "Obes"). Words of four letters or fewer,
    acronyms and words with digits or marks stay whole. An abbreviation abbreviates to itself.

    >>> [iso4_abbreviate_word(w) for w in ("Molecular", "Cardiology", "European", "Obesity")]
    ['Mol', 'Card', 'Eur', 'Obes']
    >>> [iso4_abbreviate_word(w) for w in ("Care", "JAMA", "(Barc)", "Mol")]
    ['Care', 'JAMA', '(Barc)', 'Mol']
    """
    if len(word) <= 4 or not word.isalpha() or word.isupper():
        return word
    cut = _syllable_end(word, 0)
    if cut < 3:
        cut = _syllable_end(word, cut)
    return word[:cut]


def _syllable_end(word: str, start: int) -> int:
    """The index after the consonants, vowels and consonants from ``start`` on."""
    i = start
    for want_vowel in (False, True, False):
        while i < len(word) and (word[i].lower() in _VOWELS) == want_vowel:
            i += 1
    return i


def iso4_abbreviation(journal: str, *, periods: bool = False) -> str:
    """A journal title abbreviated word by word, without its non-significant words.

    >>> iso4_abbreviation("Journal of Molecular and Cellular Cardiology")
    'Journ Mol Cell Card'
    >>> iso4_abbreviation("The European Respiratory Journal", periods=True)
    'Eur. Resp. Journ.'
    >>> iso4_abbreviation("Diabetes, Obesity and Metabolism")
    'Diab, Obes Met'
    """
    out = []
    for word in journal.split():
        core = word.rstrip(",.;:")
        if core.lower() in NON_SIGNIFICANT_WORDS:
            continue
        short = iso4_abbreviate_word(core)
        out.append((f"{short}." if periods and short != core else short) + word[len(core) :])
    return " ".join(out)


def iso4_abbreviated_journal(record: Record, rng: random.Random) -> Record | None:
    """The journal title as an ISO 4/NLM-style abbreviation, with periods or without.

    ``None`` when the title is already abbreviated (the rule changes nothing but case).

    >>> r = Record(journal="Diabetes, Obesity and Metabolism")
    >>> iso4_abbreviated_journal(r, random.Random(0)).journal
    'Diab, Obes Met'
    """
    if not record.journal:
        return None
    short = iso4_abbreviation(record.journal, periods=rng.random() < 0.5)
    if _letters(short) == _letters(record.journal):
        return None
    return replace(record, journal=short, journal_abbrev=None)


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def journal_article_toggled(record: Record) -> Record | None:
    """The journal title with a leading "The " added, or without the one it has.

    >>> journal_article_toggled(Record(journal="Lancet")).journal
    'The Lancet'
    >>> journal_article_toggled(Record(journal="The Lancet")).journal
    'Lancet'
    """
    if not record.journal:
        return None
    if record.journal.lower().startswith("the "):
        return replace(record, journal=record.journal[4:])
    return replace(record, journal=f"The {record.journal}")


def journal_ampersand_toggled(record: Record) -> Record | None:
    """ "and" in the journal title written "&", or "&" written "and"; ``None`` with neither.

    >>> journal_ampersand_toggled(Record(journal="Diabetes & Metabolism")).journal
    'Diabetes and Metabolism'
    >>> journal_ampersand_toggled(Record(journal="Heart and Lung")).journal
    'Heart & Lung'
    """
    journal = record.journal or ""
    if "&" in journal:
        return replace(record, journal=re.sub(r"\s*&\s*", " and ", journal))
    if re.search(r"\band\b", journal, re.IGNORECASE):
        return replace(record, journal=re.sub(r"\band\b", "&", journal, flags=re.IGNORECASE))
    return None


_SUBTITLES = ("an international journal", "official journal of the society", "the journal")


def journal_subtitle_toggled(record: Record, rng: random.Random) -> Record | None:
    """The journal title with a subtitle added (": official journal of …"), or its own dropped.

    >>> journal_subtitle_toggled(Record(journal="Chest: the journal"), random.Random(0)).journal
    'Chest'
    """
    journal = record.journal
    if not journal:
        return None
    if ":" in journal:
        return replace(record, journal=journal.split(":", 1)[0].strip())
    return replace(record, journal=f"{journal}: {rng.choice(_SUBTITLES)}")


# --- title -------------------------------------------------------------------------------


def _with_title(record: Record, title: str | None) -> Record | None:
    if not record.title or title is None or title == record.title:
        return None
    return replace(record, title=title)


def review_reference_count(record: Record, rng: random.Random) -> Record | None:
    """Ovid's "[Review] [33 refs]" after the title.

    >>> review_reference_count(Record(title="Asthma in adults."), random.Random(0)).title
    'Asthma in adults. [Review] [108 refs]'
    """
    return _with_title(record, f"{record.title} [Review] [{rng.randint(10, 150)} refs]")


def multiple_letters_tag(record: Record) -> Record | None:
    """The "(multiple letters)" a database appends to the title of grouped letters.

    >>> multiple_letters_tag(Record(title="Asthma in adults")).title
    'Asthma in adults (multiple letters)'
    """
    return _with_title(record, f"{(record.title or '').rstrip('. ')} (multiple letters)")


def bracketed_translation(record: Record) -> Record | None:
    """The title in square brackets, as MEDLINE writes the English translation of a title.

    >>> bracketed_translation(Record(title="Asthma in adults.")).title
    '[Asthma in adults].'
    """
    return _with_title(record, f"[{(record.title or '').rstrip('. ')}].")


def trailing_period_toggled(record: Record) -> Record | None:
    """The title's final period dropped, or one added.

    >>> trailing_period_toggled(Record(title="Asthma in adults")).title
    'Asthma in adults.'
    """
    title = record.title or ""
    return _with_title(record, title[:-1] if title.endswith(".") else f"{title}.")


_LANGUAGES = ("Chinese", "German", "French", "Spanish", "Japanese", "Russian", "Portuguese")


def language_tag(record: Record, rng: random.Random) -> Record | None:
    """A language tag such as " [Chinese]" after the title.

    >>> language_tag(Record(title="Asthma in adults"), random.Random(0)).title
    'Asthma in adults [Portuguese]'
    """
    return _with_title(record, f"{record.title} [{rng.choice(_LANGUAGES)}]")


def html_entities(record: Record) -> Record | None:
    """The title with HTML entities: markup characters, non-ASCII letters, hyphens (&#8208;).

    ``None`` for a title with none of these.

    >>> html_entities(Record(title="β-cell & insulin")).title
    '&#946;&#8208;cell &amp; insulin'
    """
    title = record.title or ""
    escaped = html.escape(title, quote=True)
    escaped = re.sub(r"(?<=\w)-(?=\w)", "&#8208;", escaped)
    escaped = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in escaped)
    return _with_title(record, escaped)


FIELD_LIMIT = 255
"""Characters some databases keep of a title."""


def title_cut(record: Record, limit: int = FIELD_LIMIT) -> Record | None:
    """The title cut at ``limit`` characters, as a database with a field limit keeps it.

    >>> title_cut(Record(title="Asthma in adults and children"), limit=16).title
    'Asthma in adults'
    """
    title = record.title or ""
    return _with_title(record, title[:limit].rstrip() if len(title) > limit else None)


# --- pages, issue, year ------------------------------------------------------------------

_PAGE_RANGE = re.compile(r"^([A-Za-z]?)(\d+)-([A-Za-z]?)(\d+)$")


def abbreviate_page_range(pages: str) -> str:
    """A page range as MEDLINE writes it, without the leading digits the end shares.

    >>> abbreviate_page_range("1317-1323"), abbreviate_page_range("99-101")
    ('1317-23', '99-101')
    """
    match = _PAGE_RANGE.match(pages)
    if not match or match.group(3):
        return pages
    first, last = match.group(2), match.group(4)
    if len(first) != len(last):
        return pages
    shared = 0
    while shared < len(last) - 1 and first[shared] == last[shared]:
        shared += 1
    return f"{match.group(1)}{first}-{last[shared:]}"


def page_range_abbreviated(record: Record) -> Record | None:
    """A full page range abbreviated ("1317-1323" -> "1317-23"), or an abbreviated one expanded.

    >>> page_range_abbreviated(Record(pages="1317-1323")).pages
    '1317-23'
    >>> page_range_abbreviated(Record(pages="561-7")).pages
    '561-567'
    """
    pages = (record.pages or "").strip()
    expanded = expand_medline_pages(pages)
    changed = expanded if expanded != pages else abbreviate_page_range(pages)
    return replace(record, pages=changed) if pages and changed != pages else None


_E_PAGE = re.compile(r"^(e?)(\d+)(?:-(e?)(\d+))?$")


def electronic_page_toggled(record: Record) -> Record | None:
    """An electronic page's "e" dropped ("e24" -> "24"), or added to a plain page number.

    >>> electronic_page_toggled(Record(pages="e0143396")).pages
    '0143396'
    >>> electronic_page_toggled(Record(pages="24-31")).pages
    'e24-e31'
    """
    match = _E_PAGE.match((record.pages or "").strip())
    if not match:
        return None
    prefix = "" if match.group(1) else "e"
    pages = f"{prefix}{match.group(2)}"
    if match.group(4):
        pages += f"-{prefix}{match.group(4)}"
    return replace(record, pages=pages)


def article_number_moved(record: Record) -> Record | None:
    """A single-page locator moved between the page field and the article-number field.

    Databases disagree on where an article number goes; ``None`` for a page range.

    >>> moved = article_number_moved(Record(pages="e0143396"))
    >>> moved.pages, moved.article_number
    (None, 'e0143396')
    """
    if record.pages and "-" not in record.pages and not record.article_number:
        return replace(record, pages=None, article_number=record.pages.strip())
    if record.article_number and not record.pages:
        return replace(record, pages=record.article_number, article_number=None)
    return None


def issue_dropped(record: Record) -> Record | None:
    """The issue left out, as many exports do. ``None`` without an issue.

    >>> issue_dropped(Record(issue="3")).issue is None
    True
    """
    return replace(record, issue=None) if record.issue else None


def year_off_by_one(record: Record, rng: random.Random) -> Record | None:
    """The year one before or after (epub against print), with no finer date.

    >>> year_off_by_one(Record(date=PartialDate(2015)), random.Random(0)).year
    2016
    """
    if record.year is None:
        return None
    year = record.year + rng.choice((-1, 1))
    return replace(record, date=PartialDate(year), epub_date=None)
