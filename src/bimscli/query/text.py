"""How text is normalised for matching: case, accents, hyphens and punctuation.

Matching is case-insensitive, folds accents and treats hyphens, slashes and other punctuation
like spaces, so "Quality-of-Life", "quality of life" and "QUALITY OF LIFE" are the same three
words. A *word* is a run of letters and digits after folding.

:func:`word_tokens` is the fast path used when tagging thousands of works; :func:`fold_with_offsets`
is the slow path used to show where a match is in the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Case-fold and strip accents, keeping everything else (punctuation, spacing).

    >>> fold("Métastases Osseuses ÉTUDE")
    'metastases osseuses etude'
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", decomposed).casefold()


def word_tokens(text: str) -> list[str]:
    """The words of a text, folded, in order.

    >>> word_tokens("Health-related Quality-of-Life (HRQoL), naïve patients' pain")
    ['health', 'related', 'quality', 'of', 'life', 'hrqol', 'naive', 'patients', 'pain']
    """
    return _WORD.findall(fold(text))


# ASCII punctuation to spaces, for the fast path; \x00 (a separator the matcher puts between
# values) is kept as a word of its own.
_ASCII_PUNCTUATION = str.maketrans(
    {chr(c): " " for c in range(128) if not chr(c).isalnum() and c != 0}
)
_WORD_OR_SEPARATOR = re.compile(r"[^\W_]+|\x00")


def fold_and_split(text: str) -> tuple[str, list[str]]:
    """The folded text and its words (``\\x00`` separators kept): the matcher's fast path.

    Plain ASCII text, most of the literature, is split with ``str.translate``, several times
    faster than a regular expression.

    >>> fold_and_split("Quality-of-Life " + chr(0) + " SBRT")[1]
    ['quality', 'of', 'life', '\\x00', 'sbrt']
    """
    folded = fold(text)
    if folded.isascii():
        return folded, folded.translate(_ASCII_PUNCTUATION).split()
    return folded, _WORD_OR_SEPARATOR.findall(folded)


@functools.lru_cache(maxsize=65536)
def normalized_words(text: str) -> str:
    """The words of a text joined by single spaces: the canonical form of a term or value.

    Cached: headings, journal names and publication types repeat across a library.

    >>> normalized_words("Neoplasms/therapy")
    'neoplasms therapy'
    """
    return " ".join(word_tokens(text))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character.

    Folding can change lengths ("ﬁ" becomes "fi", "ß" becomes "ss"), so spans found in the
    folded text are mapped back through this list.

    >>> fold_with_offsets("Straße")
    ('strasse', [0, 1, 2, 3, 4, 4, 5])
    """
    folded: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        offsets.extend([index] * len(piece))
    return "".join(folded), offsets
