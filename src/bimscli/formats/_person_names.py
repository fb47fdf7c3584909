"""Person names written in one string, as every format writes them: one reader for all parsers.

"Roe, Jane", "Jane A. Roe", "Roe JA", "Roe J.A.", "van der Berg, Anna", "de la Cruz M",
"John Q. Doe Jr.", "Roe, Jane, Jr." and collective names ("AO Spine Knowledge Forum Tumor")
all become an :class:`~bimscli.model.Author`. Formats agree on names with a comma ("Family,
Given"); they differ in what a name without one is, and :class:`NameStyle` says which
convention a source follows. Fielded names (CSL, Crossref, PubMed XML) and BibTeX's brace
grammar are read by their formats; this module is for names that come as one string.
"""

from __future__ import annotations

import re
from enum import Enum

from bimscli.formats._group_names import GROUP_WORDS
from bimscli.model import Author


class NameStyle(Enum):
    """How a source writes a person's name when it uses no comma."""

    BYLINE = "byline"
    """"Jane A. Roe": web pages, APIs, bylines. "Roe JA" is read too, but a short capital word
    that could be a shouted family name ("John LEE") is taken as the family name."""

    VANCOUVER = "vancouver"
    """"Roe JA", "Roe J.A.": PubMed, MEDLINE and Vancouver reference lists, where a capital
    word of up to four letters at the end is always initials ("Kim JAE")."""

    INVERTED = "inverted"
    """RIS and EndNote write every person "Roe, Jane" (or Vancouver "Roe JA"), so a name
    without a comma that is not "Family INITIALS" is an organisation, never a guessed person."""


PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "dos", "du", "el",
     "la", "le", "op", "st", "st.", "ten", "ter", "van", "von", "zu"}
)  # fmt: skip
"""Lower-case words that start a family name ("van der Berg", "de la Cruz")."""

_SUFFIX = re.compile(r"^(?:Jr|Sr|II|III|IV|V|2nd|3rd)\.?$", re.IGNORECASE)
# Without a comma a roman numeral could be initials ("Smith IV", "Doe V"): it is a suffix only
# after at least two words ("John Smith IV"), and "V" only after a comma.
_PLAIN_SUFFIX = re.compile(r"^(?:Jr|Sr|2nd|3rd)\.?$", re.IGNORECASE)
_ROMAN_SUFFIX = re.compile(r"^(?:II|III|IV)\.?$", re.IGNORECASE)
# "J.", "J.A.", "J.-P.", "Ch.": initials with dots, each of one or two letters.
_DOTTED_INITIALS = re.compile(r"^(?:[^\W\d_]{1,2}\.-?)+$")
_VOWELS = frozenset("AEIOUÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜ")


def _is_initials(word: str, style: NameStyle) -> bool:
    """True for a word of initials: "J", "JA", "J.", "J.A.", "J.-P."; "LEE" not in a byline.

    >>> [_is_initials(w, NameStyle.VANCOUVER) for w in ("JA", "J.-P.", "LEE", "Lee", "Jr.")]
    [True, True, True, False, False]
    >>> _is_initials("LEE", NameStyle.BYLINE), _is_initials("MSK", NameStyle.BYLINE)
    (False, True)
    """
    if not word[:1].isupper() or _PLAIN_SUFFIX.match(word):
        return False
    if _DOTTED_INITIALS.match(word):
        return True
    if not (word.isalpha() and word.isupper() and len(word) <= 4):
        return False
    # "John LEE", "Wei WANG": in a byline a capital word with a vowel is a shouted family name.
    return style is not NameStyle.BYLINE or len(word) <= 2 or not _VOWELS & set(word)


def parse_person_name(
    text: str, style: NameStyle = NameStyle.BYLINE, *, groups: bool = True
) -> Author | None:
    """An author from a name in one string; ``None`` for an empty one.

    A name holding a collective word (group, consortium, …) is a group, unless ``groups`` is
    False for a source that writes groups in a field of their own (MEDLINE's ``CN``), whose
    name fields are always people ("Hospital, Jordi"). "Family, Given" is read as such, with a
    suffix before or after the given names. Without a comma, trailing initials make "Family
    INITIALS"; otherwise (except in :attr:`NameStyle.INVERTED` sources) the name is given names
    first, and the family name starts at the first particle ("van", "de la").

    >>> parse_person_name("Smith, John A.")
    Author(family='Smith', given='John A.', group=None, suffix=None, orcid=None, affiliations=())
    >>> parse_person_name("Ludwig van Beethoven").family, parse_person_name("de la Cruz M").family
    ('van Beethoven', 'de la Cruz')
    >>> parse_person_name("Smith, Jr., John").suffix, parse_person_name("Smith, John, Jr").given
    ('Jr.', 'John')
    >>> [parse_person_name("John LEE", style).family for style in NameStyle]
    ['LEE', 'John', 'John']
    >>> parse_person_name("Cochrane Library", NameStyle.INVERTED).group
    'Cochrane Library'
    >>> parse_person_name("AO Spine Knowledge Forum Tumor").group
    'AO Spine Knowledge Forum Tumor'
    """
    name = " ".join(text.split()).strip(" ,;")
    if not name:
        return None
    if groups and GROUP_WORDS.search(name):
        return Author(group=name)
    if "," in name:
        return _inverted_name([part for part in map(str.strip, name.split(",")) if part], style)
    return _uninverted_name(name.split(" "), style)


def _inverted_name(parts: list[str], style: NameStyle) -> Author:
    """ "Family, Given", "Family, Suffix, Given" (BibTeX), "Family, Given, Suffix" (RIS)."""
    if len(parts) >= 3 and _SUFFIX.match(parts[1]):
        return Author(family=parts[0], given=", ".join(parts[2:]), suffix=parts[1])
    if len(parts) == 2 and _PLAIN_SUFFIX.match(parts[1]):
        # "Jane Roe, Jr.", "Roe J, Jr": the comma only sets off the suffix ("Roe, V." is initials)
        author = _uninverted_name(parts[0].split(" "), style)
        if author.group is None and author.suffix is None:
            return Author(family=author.family, given=author.given, suffix=parts[1])
        return Author(family=parts[0], suffix=parts[1])
    if len(parts) >= 3 and _SUFFIX.match(parts[-1]):
        return Author(family=parts[0], given=", ".join(parts[1:-1]), suffix=parts[-1])
    return Author(family=parts[0], given=", ".join(parts[1:]) or None)


def _uninverted_name(words: list[str], style: NameStyle) -> Author:
    """A name without a comma: "Family INITIALS [Suffix]" or "Given [particles] Family"."""
    whole = " ".join(words)
    suffix = None
    if (len(words) >= 2 and _PLAIN_SUFFIX.match(words[-1])) or (
        len(words) >= 3 and _ROMAN_SUFFIX.match(words[-1])
    ):
        suffix = words[-1]
        words = words[:-1]
    cut = len(words)
    while cut > 1 and _is_initials(words[cut - 1], style):
        cut -= 1
    if cut < len(words):
        return Author(family=" ".join(words[:cut]), given=" ".join(words[cut:]), suffix=suffix)
    if style is NameStyle.INVERTED:
        return Author(group=whole)
    if len(words) == 1:
        return Author(family=words[0], suffix=suffix)
    start = next((i for i, w in enumerate(words[1:], 1) if w in PARTICLES), len(words) - 1)
    return Author(family=" ".join(words[start:]), given=" ".join(words[:start]), suffix=suffix)


# A family word: letters, maybe joined by hyphens or apostrophes ("Jonsson-Rylander", "O'Brien").
_FAMILY_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")
_CAPITAL_INITIALS = re.compile(r"^[A-Z]{1,4}$")


def parse_vancouver_name(text: str) -> Author | None:
    """A name that is unmistakably "Family INITIALS [Suffix]" as PubMed lists write it, else None.

    Stricter than :func:`parse_person_name`: it tells author lines from titles, so the initials
    are capitals without dots, the family name is one to four capitalised words or particles,
    and a collective word makes it no person.

    >>> parse_vancouver_name("Pastor Jimeno JC")
    Author(family='Pastor Jimeno', given='JC', group=None, suffix=None, orcid=None, affiliations=())
    >>> parse_vancouver_name("van der Berg AB").family, parse_vancouver_name("King ML Jr").suffix
    ('van der Berg', 'Jr')
    >>> parse_vancouver_name("Role of MRI") is None, parse_vancouver_name("Kidney Group UK") is None
    (True, True)
    """
    words = text.split()
    last = words[-1] if len(words) >= 3 else ""
    suffix = words.pop() if _PLAIN_SUFFIX.match(last) or _ROMAN_SUFFIX.match(last) else None
    if not 2 <= len(words) <= 5 or not _CAPITAL_INITIALS.match(words[-1]):
        return None
    family = words[:-1]
    if any(not _FAMILY_WORD.match(w) or not (w[0].isupper() or w in PARTICLES) for w in family):
        return None
    if GROUP_WORDS.search(" ".join(family)):
        return None
    return Author(family=" ".join(family), given=words[-1], suffix=suffix)
