"""Citation keys: generated once per work, stored, and never changed silently.

The formula is the first author's family name in lower case, then the first three significant
words of the title (stop words skipped, each capitalised), then the year, all folded to ASCII
with unsafe characters removed: ``benhabibExerciseInterventionsMultiple2021``. A work without
authors starts with its group author or, failing that, with its title; a work without a title
uses its journal. Clashes, compared case-insensitively, get ``a``, ``b``, … ``z``, ``aa``, ….

Keys are made for *new* works only: callers pass the keys already taken, so adding records never
renames an existing key (regenerating all of them is the explicit ``--rekey``).
"""

from __future__ import annotations

import re
from collections.abc import Container
from itertools import count

from anyascii import anyascii

from bimscli.model import Record

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "at",
        "to",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "as",
        "is",
        "are",
        "be",
        "into",
        "via",
        "vs",
        "versus",
        "de",
        "la",
        "le",
        "les",
        "des",
        "du",
        "del",
        "della",
        "di",
        "da",
        "das",
        "der",
        "die",
        "dem",
        "den",
        "und",
        "von",
        "van",
        "zu",
        "el",
        "los",
        "las",
        "y",
        "et",
        "en",
        "une",
        "un",
    ]
)
"""Words skipped when taking a title's first significant words (English, and the particles of
the other languages that medical titles often contain)."""

TITLE_WORDS = 3
"""How many significant title words go into a key."""

_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def fold_to_key_chars(text: str) -> str:
    """Text folded to ASCII with everything but letters and digits removed.

    ``anyascii`` transliterates every script (ß, ø, ł, Greek, Cyrillic, Chinese names), which a
    hand-kept table would not.

    >>> fold_to_key_chars("Ødegård-Łukasz Straße")
    'OdegardLukaszStrasse'
    >>> fold_to_key_chars("O'Brien")
    'OBrien'
    """
    return _UNSAFE.sub("", anyascii(text))


def significant_title_words(title: str, limit: int = TITLE_WORDS) -> list[str]:
    """The first ``limit`` words of a title that are not stop words, folded to key characters.

    >>> significant_title_words("The role of <i>BRCA1</i> in the clinic: a review")
    ['role', 'BRCA1', 'clinic']
    >>> significant_title_words("IL-6 and mHealth")
    ['IL6', 'mHealth']
    """
    words: list[str] = []
    for raw in _HTML_TAG.sub(" ", title).split():
        word = fold_to_key_chars(raw)
        if word and word.lower() not in STOP_WORDS:
            words.append(word)
            if len(words) == limit:
                break
    return words


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _author_part(record: Record) -> str:
    """The first author's family name (or group's first significant word), lower case."""
    for author in record.authors[:1]:
        if author.family:
            return fold_to_key_chars(author.family).lower()
        if author.group:
            words = significant_title_words(author.group, limit=1)
            return words[0].lower() if words else ""
        if author.given:
            return fold_to_key_chars(author.given).lower()
    return ""


def base_citation_key(record: Record) -> str:
    """The key the formula gives a record, before clashes are resolved.

    >>> from bimscli.model import Author, PartialDate
    >>> base_citation_key(Record(title="The effect of exercise on bone metastases",
    ...     authors=(Author(family="Müller", given="Anna"),), date=PartialDate(2021)))
    'mullerEffectExerciseBone2021'
    >>> base_citation_key(Record(title="SBRT for MESCC", date=PartialDate(2025)))
    'sbrtMESCC2025'
    >>> base_citation_key(Record(journal_abbrev="Cardiovasc Intervent Radiol"))
    'cardiovascInterventRadiol'
    >>> base_citation_key(Record())
    'work'
    """
    author = _author_part(record)
    source = record.title or record.journal or record.journal_abbrev or ""
    words = significant_title_words(source)
    if author:
        middle = "".join(_capitalised(w) for w in words)
    else:
        middle = "".join(w.lower() if i == 0 else _capitalised(w) for i, w in enumerate(words))
    year = str(record.year) if record.year is not None else ""
    key = author + middle + year
    if not key or key[0].isdigit():
        key = "work" + key
    return key


def clash_suffix(n: int) -> str:
    """The ``n``-th clash suffix, counting from 1: a, b, … z, aa, ab, ….

    >>> [clash_suffix(n) for n in (1, 2, 26, 27, 28, 702, 703)]
    ['a', 'b', 'z', 'aa', 'ab', 'zz', 'aaa']
    """
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = _LETTERS[rest] + letters
    return letters


def make_citation_key(record: Record, taken: Container[str]) -> str:
    """A key for a new record that clashes with none of ``taken`` (casefolded keys).

    The caller stores the key and adds its casefolded form to ``taken``.

    >>> from bimscli.model import PartialDate
    >>> r = Record(title="Bone pain relief", date=PartialDate(2020))
    >>> make_citation_key(r, set())
    'bonePainRelief2020'
    >>> make_citation_key(r, {"bonepainrelief2020", "bonepainrelief2020a"})
    'bonePainRelief2020b'
    """
    base = base_citation_key(record)
    if base.casefold() not in taken:
        return base
    for n in count(1):
        candidate = base + clash_suffix(n)
        if candidate.casefold() not in taken:
            return candidate
    raise AssertionError("unreachable: count() is infinite")
