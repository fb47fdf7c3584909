"""Splitting the author cell of a CSV/TSV export into people.

Export tools write author lists in several incompatible ways: BibTeX's ``and``, semicolons,
Vancouver commas, and even (EndNote-via-Excel exports of the ASySD sets) no separator at all.
"""

from __future__ import annotations

import re

from bimscli.formats._group_names import GROUP_WORDS
from bimscli.model import Author

_ET_AL = re.compile(r"[,;]?\s*\bet\.?\s+al\.?\s*$", re.IGNORECASE)
_BIBTEX_AND = re.compile(r"\s+and\s+")
# "Adeli K.Lewis G. F.": an initial's dot directly followed by a surname (two letters, maybe
# with an apostrophe between them as in O'Brien) starts the next author.
_GLUED_BOUNDARY = re.compile(r"(?<=\b[^\W\d_]\.)(?=[^\W\d_]['’]?[^\W\d_])")
_INITIALS = re.compile(r"^(?:[^\W\d_]{1,3}\.?|[^\W\d_]\.(?:-?[^\W\d_]\.)+)$")
_VANCOUVER_NAME = re.compile(r"^[^\W\d_][\w'’ -]*\s+[A-Z]{1,3}\.?$")


def _is_initials(token: str) -> bool:
    return bool(_INITIALS.match(token)) and (token.isupper() or token.endswith("."))


def parse_person(name: str) -> Author:
    """One author from ``Family, Given``, ``Family Initials`` or ``Given Family``.

    >>> parse_person("Smith, John")
    Author(family='Smith', given='John', group=None, suffix=None, orcid=None, affiliations=())
    >>> parse_person("Lewis G. F.").given
    'G. F.'
    >>> parse_person("Anne Doe").family
    'Doe'
    >>> parse_person("COPD Study Group").group
    'COPD Study Group'
    """
    name = name.strip().strip(",;").strip()
    if GROUP_WORDS.search(name):
        return Author(group=name)
    if "," in name:
        family, _, given = name.partition(",")
        return Author(family=family.strip(), given=given.strip() or None)
    tokens = name.split()
    if len(tokens) == 1:
        return Author(family=tokens[0])
    cut = len(tokens)
    while cut > 1 and _is_initials(tokens[cut - 1]):
        cut -= 1
    if cut < len(tokens):
        return Author(family=" ".join(tokens[:cut]), given=" ".join(tokens[cut:]))
    return Author(family=tokens[-1], given=" ".join(tokens[:-1]))


def _split_commas(cell: str) -> list[str]:
    parts = [p.strip() for p in cell.split(",") if p.strip()]
    if len(parts) > 1 and all(_VANCOUVER_NAME.match(p) for p in parts):
        return parts
    if len(parts) % 2 == 0 and all(
        all(_is_initials(t) or t[:1].isupper() for t in p.split()) for p in parts[1::2]
    ):
        if len(parts) == 2:
            return [cell]
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    return parts


def split_author_cell(cell: str) -> tuple[tuple[Author, ...], bool]:
    """The people in an author cell, and whether the list is complete (no "et al.").

    >>> def names(cell):
    ...     authors, complete = split_author_cell(cell)
    ...     return [a.display_name for a in authors], complete
    >>> names("Adeli K.Lewis G. F.")
    (['Adeli, K.', 'Lewis, G. F.'], True)
    >>> names("Smith A.B.Jones C.")
    (['Smith, A.B.', 'Jones, C.'], True)
    >>> names("Smith, J.; Doe, A.")
    (['Smith, J.', 'Doe, A.'], True)
    >>> names("Smith J, Doe A, et al.")
    (['Smith, J', 'Doe, A'], False)
    >>> names("Smith, John and Doe, Anne")
    (['Smith, John', 'Doe, Anne'], True)
    >>> names("Smith, John")
    (['Smith, John'], True)
    >>> names("Smith, J., Doe, A.")
    (['Smith, J.', 'Doe, A.'], True)
    >>> names("")
    ([], True)
    """
    text = " ".join(cell.split())
    complete = True
    if _ET_AL.search(text):
        text = _ET_AL.sub("", text)
        complete = False
    if not text:
        return (), complete
    if _BIBTEX_AND.search(text):
        names = _BIBTEX_AND.split(text)
    elif ";" in text:
        names = text.split(";")
    elif "," in text:
        names = _split_commas(text)
    else:
        names = _GLUED_BOUNDARY.split(text)
    authors = tuple(parse_person(n) for n in names if n.strip(" ,;"))
    return authors, complete
