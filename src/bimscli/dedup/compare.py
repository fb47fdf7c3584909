"""The agreement level of each compared field of two records (see :mod:`bimscli.dedup.weights`).

Pure and cheap: :func:`compare_fields` runs for every candidate pair, and for the pairs
:mod:`bimscli.dedup.estimate` samples.
"""

from __future__ import annotations

from collections import Counter

from rapidfuzz.distance import Indel

from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.venue import journals_compatible
from bimscli.dedup.weights import Field, Level

EXACT_TITLE = 97.0
"""Title similarity (0-100) from which two titles are the same title."""

PARTIAL_BAND = 10.0
"""Titles this far below the close threshold are still *partially* similar."""

Levels = tuple[tuple[Field, Level], ...]


def title_similarity(a: RecordFeatures, b: RecordFeatures) -> float:
    """Similarity of two title keys, 0-100; a long title cut short counts as a near match.

    >>> x = RecordFeatures("x", title_key="effects of insulin on hepatic lipid metabolism in rats")
    >>> y = RecordFeatures("y", title_key="effects of insulin on hepatic lipid metabolism")
    >>> round(title_similarity(x, y), 1)
    97.0
    """
    if not a.title_key or not b.title_key:
        return 0.0
    score = _key_similarity(a.title_key, b.title_key)
    if score < EXACT_TITLE and (a.title_parts or b.title_parts):
        # One source gives "Original; Translation", another only one of them.
        for x in (a.title_key, *a.title_parts):
            for y in (b.title_key, *b.title_parts):
                score = max(score, _key_similarity(x, y))
    return score


def _key_similarity(x: str, y: str) -> float:
    score = Indel.normalized_similarity(x, y) * 100.0
    if score >= EXACT_TITLE:
        return score
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= 40 and short.count(" ") >= 5 and is_truncation(short, long_):
        return EXACT_TITLE  # a database cut the title (255 characters, or a subtitle)
    return score


def is_truncation(short: str, long_: str) -> bool:
    """True when ``short`` is ``long_`` cut off, possibly inside a word.

    >>> is_truncation("effects of insulin on hep", "effects of insulin on hepatic cells")
    True
    >>> is_truncation("effects of insulin on kidney", "effects of insulin on hepatic cells")
    False
    """
    if long_.startswith(short):
        return True
    head, _, last = short.rpartition(" ")
    return bool(head) and long_.startswith(head + " " + last[:1]) and len(last) < 4


def is_weak_title(f: RecordFeatures) -> bool:
    """Short or generic titles ("Editorial", "Asthma") say little on their own."""
    return f.title_word_count < 4 or len(f.title_key) < 25


def _names_close(x: str, y: str) -> bool:
    # "vonpawel"/"pawel", "abdelaziz"/"aziz": particles and double names get dropped.
    if (
        len(x) >= 4
        and len(y) >= 4
        and (x.startswith(y) or y.startswith(x) or x.endswith(y) or y.endswith(x))
    ):
        return True
    return Indel.normalized_similarity(x, y) >= 0.8


def authors_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when the first author of one list is among the first authors of the other.

    Tolerates a swapped order, a dropped first author and small spelling differences
    ("Ortsater"/"Ortsäter", "vonpawel"/"pawel").

    >>> authors_compatible(("smith", "doe"), ("doe", "smith"))
    True
    >>> authors_compatible(("smith",), ("smyth",))
    True
    >>> authors_compatible(("smith",), ("jones",))
    False
    """
    if a[0] == b[0] or a[0] in b or b[0] in a:
        return True
    return any(_names_close(a[0], other) for other in b[:3]) or any(
        _names_close(b[0], other) for other in a[:3]
    )


def names_swapped(a: RecordFeatures, b: RecordFeatures) -> bool:
    """True when one source wrote the first author's family and given names the other way
    round (common for Chinese, Korean and Hungarian names)."""
    return bool(
        a.given
        and b.given
        and a.given[0]
        and b.given[0]
        and a.given[0] == b.authors[0]
        and b.given[0] == a.authors[0]
    )


def author_level(a: RecordFeatures, b: RecordFeatures) -> Level:
    """Exact for the same first author; close for a reordering, a dropped first author,
    a spelling variant or swapped name parts."""
    if not a.authors or not b.authors:
        return Level.MISSING
    if a.authors[0] == b.authors[0]:
        return Level.EXACT
    if authors_compatible(a.authors, b.authors) or names_swapped(a, b):
        return Level.CLOSE
    return Level.DIFFERENT


def key_word_replaced(x: str, y: str) -> bool:
    """True when a word of one title stands where the other has an unlike word: a different
    paper's title ("renal" for "hepatic"), not a typo, a spelling or an added word.

    >>> key_word_replaced("insulin in renal cells", "insulin in hepatic cells")
    True
    >>> key_word_replaced("insulin in renal cells", "insulin in rneal cells")
    False
    >>> key_word_replaced("blind biopsies in effusions", "biopsies in effusions")
    False
    >>> key_word_replaced("safety summary: safety in adults", "achieves summary: safety in adults")
    True
    """
    words_x, words_y = Counter(x.split()), Counter(y.split())
    only_x, only_y = list(words_x - words_y), list(words_y - words_x)
    if not only_x or not only_y:
        return False
    unmatched = [w for w in only_x if not any(_words_close(w, v) for v in only_y)]
    others = [v for v in only_y if not any(_words_close(v, w) for w in only_x)]
    return any(len(w) >= 4 for w in unmatched) and any(len(v) >= 4 for v in others)


def _words_close(x: str, y: str) -> bool:
    return x.startswith(y) or y.startswith(x) or Indel.normalized_similarity(x, y) >= 0.75


def title_level(score: float, a: RecordFeatures, b: RecordFeatures, close: float) -> Level:
    """The title's level from its similarity ``score`` and the threshold of ``close``.

    Similar titles where a key word was replaced by another are only *partial*.
    """
    if not a.title_key or not b.title_key:
        return Level.MISSING
    weak = is_weak_title(a) or is_weak_title(b)
    if (
        score >= close
        and a.title_key != b.title_key
        and key_word_replaced(a.title_key, b.title_key)
    ):
        return Level.PARTIAL
    if score >= EXACT_TITLE:
        return Level.GENERIC if weak else Level.EXACT
    if score >= close and not weak:
        return Level.CLOSE
    if score >= close - PARTIAL_BAND:
        return Level.PARTIAL
    return Level.DIFFERENT


def _ids_level(x: frozenset[str], y: frozenset[str]) -> Level:
    if not x or not y:
        return Level.MISSING
    return Level.EXACT if x & y else Level.DIFFERENT


def _equal_level(x: object, y: object) -> Level:
    if x is None or y is None:
        return Level.MISSING
    return Level.EXACT if x == y else Level.DIFFERENT


def _year_level(x: int | None, y: int | None) -> Level:
    if x is None or y is None:
        return Level.MISSING
    gap = abs(x - y)
    return Level.EXACT if gap == 0 else Level.CLOSE if gap == 1 else Level.DIFFERENT


def _pages_level(a: RecordFeatures, b: RecordFeatures) -> Level:
    if not a.page or not b.page:
        return Level.MISSING
    if a.page == b.page or (a.article and a.article in (b.page, b.article)) or b.article == a.page:
        return Level.EXACT
    return Level.DIFFERENT


def _abstract_level(a: str, b: str) -> Level:
    if not a or not b:
        return Level.MISSING
    score = Indel.normalized_similarity(a, b)
    return Level.EXACT if score >= 0.9 else Level.CLOSE if score >= 0.7 else Level.DIFFERENT


def _journal_level(a: RecordFeatures, b: RecordFeatures) -> Level:
    if not a.journal or not b.journal:
        return Level.MISSING
    if journals_compatible(a.journal, b.journal):
        return Level.EXACT
    # A conference's proceedings are named freely (acronyms, years, "Proceedings"): that two
    # names of proceedings differ says nothing (a journal against a congress still differs).
    if a.proceedings and b.proceedings:
        return Level.MISSING
    return Level.DIFFERENT


def compare_fields(
    a: RecordFeatures, b: RecordFeatures, title_score: float, close: float = 90.0
) -> Levels:
    """Every compared field's level for one pair, in a fixed order."""
    return (
        (Field.TITLE, title_level(title_score, a, b, close)),
        (Field.DOI, _ids_level(a.dois, b.dois)),
        (Field.PMID, _ids_level(a.pmids, b.pmids)),
        (Field.PMCID, _ids_level(a.pmcids, b.pmcids)),
        (Field.AUTHORS, author_level(a, b)),
        (Field.YEAR, _year_level(a.year, b.year)),
        (Field.JOURNAL, _journal_level(a, b)),
        (Field.VOLUME, _equal_level(a.volume, b.volume)),
        (Field.ISSUE, _equal_level(a.issue, b.issue)),
        (Field.PAGES, _pages_level(a, b)),
        (Field.ABSTRACT, _abstract_level(a.abstract_key, b.abstract_key)),
    )
