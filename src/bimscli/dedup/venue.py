"""Where a paper appeared, normalised: journal names, volume, issue and first page.

Each source writes the venue its own way. The rules here, each tested by name:

* A journal's name and its NLM/ISO abbreviation agree when they have the same significant
  words in the same order and each abbreviated word is a prefix of the full one ("J Mol Cell
  Cardiol" / "Journal of Molecular and Cellular Cardiology") or, from four letters on, its
  letters in order ("Natl" / "National"). "The", "of", "&"/"and", "journal" and a few
  French, German and Spanish particles are not significant. A name with a different number
  of significant words is another journal ("Diabetes" is not "Diabetes Care").
* A subtitle (after ":" or ". "), a parallel title (after " = " or in brackets: "Gan to
  Kagaku Ryoho [Japanese Journal of Cancer & Chemotherapy]"), a bracketed note ("[Electronic
  Resource]") or a place in parentheses ("Lancet (London, England)") is an alternative form;
  two names agree when any of their forms do.
* A first page keeps its digits: "1317-23" and "1317-1323" both start at 1317, "e24" and "24"
  and "Article 24" are the same article number.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bimscli.dedup._spelling import americanize
from bimscli.dedup.normalize import fold_text

_NON_WORD = re.compile(r"[^\w]+")
_JOURNAL_STOP = frozenset(
    {
        "the",
        "of",
        "and",
        "in",
        "for",
        "on",
        "journal",
        "j",
        "official",
        # French, German, Spanish and Italian particles in journal names.
        "de",
        "la",
        "le",
        "les",
        "d",
        "du",
        "des",
        "et",
        "und",
        "fur",
        "der",
        "die",
        "y",
        "e",
        "del",
        "di",
    }
)
_BRACKETED = re.compile(r"\[[^\[\]]*\]|\([^()]*\)")
_POSSESSIVE = re.compile(r"'s\b")
_ALTERNATIVE_SPLIT = re.compile(r"\s*(?:\s=\s|:\s*|\.\s+|/\s+)\s*")


def _significant_words(name: str) -> tuple[str, ...]:
    words = _NON_WORD.sub(" ", _POSSESSIVE.sub("s", name)).split()
    return tuple(americanize(w) for w in words if w not in _JOURNAL_STOP)


@lru_cache(maxsize=1 << 14)
def journal_names(journal: str) -> tuple[tuple[str, ...], ...]:
    """The forms of a journal's name as significant words: the whole name, then each part.

    Cached: a library has far fewer journals than records.

    >>> journal_names("JPEN. Journal of parenteral and enteral nutrition")[0]
    ('jpen', 'parenteral', 'enteral', 'nutrition')
    >>> journal_names("PLoS ONE [Electronic Resource]")
    (('plos', 'one'), ('electronic', 'resource'))
    >>> journal_names("Ai zheng = Aizheng = Chinese journal of cancer")
    (('ai', 'zheng', 'aizheng', 'chinese', 'cancer'), ('ai', 'zheng'), ('aizheng',), ('chinese', 'cancer'))
    """  # noqa: E501
    folded = fold_text(journal)
    plain = _BRACKETED.sub(" ", folded).strip() or folded
    forms: list[tuple[str, ...]] = []
    inside = [m.group(0)[1:-1] for m in _BRACKETED.finditer(folded)]
    for text in (plain, *_ALTERNATIVE_SPLIT.split(plain), *inside):
        words = _significant_words(text)
        if words and words not in forms:
            forms.append(words)
    return tuple(forms)


_PROCEEDINGS = re.compile(
    r"\b(conference|proceedings|congress|symposium|meeting|workshop|colloquium)\b", re.I
)


def is_proceedings(venue: str | None) -> bool:
    """True for a conference's proceedings only (not a journal's conference supplement).

    >>> is_proceedings("AMCIS 2017 Proceedings"), is_proceedings("FASEB Journal. Conference: EB")
    (True, False)
    """
    if not venue or not _PROCEEDINGS.search(venue) or _SUPPLEMENT_CONFERENCE.search(venue):
        return False
    return not re.search(r"\b(journal|j|annals|archives)\b", venue, re.I)


_SUPPLEMENT_CONFERENCE = re.compile(r"[.:]\s*conference\s*:", re.I)
"""Embase writes a journal's conference supplement as "Diabetes. Conference: ..."."""


def journal_tokens(journal: str) -> tuple[str, ...]:
    """The significant words of a journal's whole name.

    >>> journal_tokens("The Journal of Physiology")
    ('physiology',)
    """
    names = journal_names(journal)
    return names[0] if names else ()


def _abbreviates(short: str, long_: str) -> bool:
    if long_.startswith(short):
        return True
    if len(short) < 4 or short[0] != long_[0]:
        return False
    letters = iter(long_)
    return all(letter in letters for letter in short)


def _same_journal_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        short, long_ = (x, y) if len(x) <= len(y) else (y, x)
        if not _abbreviates(short, long_):
            return False
    return True


@lru_cache(maxsize=1 << 16)
def journals_compatible(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> bool:
    """True when some form of one journal name abbreviates some form of the other.

    >>> journals_compatible(journal_names("J Mol Cell Cardiol"),
    ...                     journal_names("Journal of Molecular and Cellular Cardiology"))
    True
    >>> journals_compatible(journal_names("Diabetes"), journal_names("Diabetes Care"))
    False
    """
    return any(_same_journal_name(x, y) for x in a for y in b)


_PAGE_START = re.compile(
    r"^[^\w]*(?:(?:article|art|paper|number|no)\b\.?\s*(?:no\b\.?|number\b)?\s*)?"
    r"([a-z]{0,3})0*(\d+)",
    re.IGNORECASE,
)
_EXCEL_DATE = re.compile(r"^\d{1,2}-(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)$", re.I)


def first_page(pages: str | None) -> str | None:
    """The first page as a comparable key; ``None`` for spreadsheet-mangled pages ("01-Jul").

    Letter prefixes are dropped: sources disagree on writing e-pages and supplement pages.

    >>> first_page("221-8"), first_page("e70933"), first_page("S131-S132"), first_page("01-Jul")
    ('221', '70933', '131', None)
    >>> first_page("Article 24"), first_page("Art. No. 24"), first_page("e24")
    ('24', '24', '24')
    """
    if not pages:
        return None
    text = pages.strip()
    if _EXCEL_DATE.match(text):
        return None
    match = _PAGE_START.match(text)
    if not match:
        return None
    return match.group(2)


_PAGE_SPAN = re.compile(r"^\D{0,3}(\d+)\s*[-\u2013\u2014]+\s*\D{0,3}(\d+)")


def has_page_span(pages: str | None) -> bool:
    """True when pages run from a first to a later last page ("1317-23"), which a single
    abstract or letter on one page does not.

    >>> has_page_span("1317-23"), has_page_span("597"), has_page_span("01-Aug")
    (True, False, False)
    """
    if not pages or _EXCEL_DATE.match(pages.strip()):
        return False
    match = _PAGE_SPAN.match(pages.strip())
    return match is not None and match.group(1) != match.group(2)


_NUMBER = re.compile(r"\d+")


def volume_key(volume: str | None) -> str | None:
    """The volume's leading number (``"19 Suppl 2"`` -> ``"19"``), or ``None``.

    >>> volume_key("19 Suppl 2"), volume_key("n/a")
    ('19', None)
    """
    if not volume:
        return None
    match = _NUMBER.search(volume)
    return match.group(0).lstrip("0") or "0" if match else None


def issue_key(issue: str | None) -> str | None:
    """The issue's number, ``s`` before a supplement's (``"Suppl 1"`` -> ``"s1"``), or ``None``.

    >>> issue_key("3"), issue_key("1)"), issue_key("Suppl 1"), issue_key("03"), issue_key("-")
    ('3', '1', 's1', '3', None)
    """
    if not issue:
        return None
    match = _NUMBER.search(issue)
    if not match:
        return None
    number = match.group(0).lstrip("0") or "0"
    return "s" + number if "suppl" in issue.lower() else number
