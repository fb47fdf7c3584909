"""Splitting the author cell of a CSV/TSV export into people.

Export tools write author lists in several incompatible ways: BibTeX's ``and``, semicolons,
Vancouver commas, and even (EndNote-via-Excel exports of the ASySD sets) no separator at all.
"""

from __future__ import annotations

import re

from bimscli.formats._person_names import NameStyle, parse_person_name
from bimscli.model import Author

_ET_AL = re.compile(r"[,;]?\s*\bet\.?\s+al\.?\s*$", re.IGNORECASE)
_BIBTEX_AND = re.compile(r"\s+and\s+")
# "Adeli K.Lewis G. F.": an initial's dot directly followed by a surname (two letters, maybe
# with an apostrophe between them as in O'Brien) starts the next author.
_GLUED_BOUNDARY = re.compile(r"(?<=\b[^\W\d_]\.)(?=[^\W\d_]['’]?[^\W\d_])")
_VANCOUVER_NAME = re.compile(r"^[^\W\d_][\w'’ -]*\s+[A-Z]{1,3}\.?$")


def _split_commas(cell: str) -> list[str]:
    parts = [p.strip() for p in cell.split(",") if p.strip()]
    if len(parts) > 1 and all(_VANCOUVER_NAME.match(p) for p in parts):
        return parts
    if len(parts) % 2 == 0 and all(all(t[:1].isupper() for t in p.split()) for p in parts[1::2]):
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
    found = (parse_person_name(n, NameStyle.VANCOUVER) for n in names)
    return tuple(a for a in found if a is not None), complete
