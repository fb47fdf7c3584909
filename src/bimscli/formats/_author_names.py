"""Author lines as PubMed writes them: ``Oliveira LMA, Bonatelli ML, Pinto TCA.``.

A person is a family name (one or more words, particles such as ``van der`` included) followed
by one to four upper-case initials and an optional suffix. A line is an author list only when
every comma-separated part reads as a person, so a group name or a title is never cut into
fake people.
"""

from __future__ import annotations

import re

from bimscli.formats._group_names import GROUP_WORDS
from bimscli.model import Author

_WORD = r"[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*"
_PERSON = re.compile(
    rf"^(?P<family>(?:{_WORD}\s+){{0,3}}{_WORD})\s+(?P<initials>[A-Z]{{1,4}})"
    r"(?:\s+(?P<suffix>Jr|Sr|2nd|3rd|II|III|IV))?$"
)
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "ter",
        "ten",
        "op",
        "bin",
        "al",
        "el",
    ]
)


def parse_person(text: str) -> Author | None:
    """One ``Family Initials`` name as an :class:`Author`; ``None`` when it is not one.

    >>> parse_person("Pastor Jimeno JC")
    Author(family='Pastor Jimeno', given='JC', group=None, suffix=None, orcid=None, affiliations=())
    >>> parse_person("AO Spine Knowledge Forum Tumor") is None
    True
    >>> parse_person("Role of MRI") is None
    True
    """
    match = _PERSON.match(" ".join(text.split()))
    if not match or GROUP_WORDS.search(match.group("family")):
        return None
    words = match.group("family").split()
    if any(not w[0].isupper() and w not in _PARTICLES for w in words):
        return None
    return Author(
        family=match.group("family"),
        given=match.group("initials"),
        suffix=match.group("suffix"),
    )


def parse_author_list(line: str) -> tuple[Author, ...] | None:
    """Every author of a PubMed-style author line, or ``None`` if the line is not one.

    >>> [a.family for a in parse_author_list("Oliveira LMA, Bonatelli ML, Pinto TCA.")]
    ['Oliveira', 'Bonatelli', 'Pinto']
    >>> parse_author_list("Bone metastases in adults.") is None
    True
    """
    text = line.strip().removesuffix(".")
    if not text:
        return None
    authors = [parse_person(part) for part in text.split(",")]
    if any(author is None for author in authors):
        return None
    return tuple(a for a in authors if a is not None)


def looks_like_group(line: str) -> bool:
    """True when a line names a collective author (``… Study Group``, ``… Forum Tumor``).

    >>> looks_like_group("AO Spine Knowledge Forum Tumor"), looks_like_group("Bone pain.")
    (True, False)
    """
    return bool(GROUP_WORDS.search(line)) and not line.rstrip().endswith((".", "?", "!"))
