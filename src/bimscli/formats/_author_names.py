"""Author lines as PubMed writes them: ``Oliveira LMA, Bonatelli ML, Pinto TCA.``.

A line is an author list only when every comma-separated part reads as an unmistakable
"Family INITIALS" name (:func:`~bimscli.formats._person_names.parse_vancouver_name`), so a group
name or a title is never cut into fake people.
"""

from __future__ import annotations

from bimscli.formats._group_names import GROUP_WORDS
from bimscli.formats._person_names import parse_vancouver_name
from bimscli.model import Author


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
    authors = [parse_vancouver_name(part) for part in text.split(",")]
    if any(author is None for author in authors):
        return None
    return tuple(a for a in authors if a is not None)


def looks_like_group(line: str) -> bool:
    """True when a line names a collective author (``… Study Group``, ``… Forum Tumor``).

    >>> looks_like_group("AO Spine Knowledge Forum Tumor"), looks_like_group("Bone pain.")
    (True, False)
    """
    return bool(GROUP_WORDS.search(line)) and not line.rstrip().endswith((".", "?", "!"))
