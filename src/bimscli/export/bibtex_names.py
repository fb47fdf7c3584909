"""Name lists of BibTeX and BibLaTeX: ``Family, Suffix, Given`` names joined by ``and``.

BibTeX, biber and pandoc split a name list at the word "and" and a name at its commas, at
brace depth zero; "others" alone means "et al."; biber also reads ``given=…`` as its extended
name format and rejects a name with more than two commas, braced or not. Names whose parts
hold any of these are braced so that every reader sees the authors the record has.
"""

from __future__ import annotations

import re

from bimscli.export.latex import single_line, text_to_latex
from bimscli.model import Author, Record

# What BibTeX, biber and pandoc split a name list or a name at: the word "and" between
# spaces (in any case) and commas. "others" alone is the name that means "et al.".
_AND = re.compile(r"(?<!\S)and(?!\S)")  # in lower-cased text
# A character of a name that LaTeX or a reader of names needs converted or looked at.
_NAME_NEEDS_WORK = re.compile(r"[^A-Za-z0-9.,' -]")
# biber reads "given=Ann" anywhere in a name as its extended name format.
_NAME_PART_KEY = re.compile(r"(family|given|prefix|suffix)(\s*)=", re.IGNORECASE)


def name_text(text: str, *, ascii_only: bool) -> str:
    """Name text as LaTeX on one line; an ``=`` after a name-part word braced for biber.

    >>> name_text("given=Mallory", ascii_only=True)
    'given{=}Mallory'
    """
    if not _NAME_NEEDS_WORK.search(text) and "  " not in text and text.strip() == text:
        return text  # most names: ASCII letters, nothing to convert or join
    latex = text_to_latex(single_line(text), ascii_only=ascii_only)
    return _NAME_PART_KEY.sub(r"\1\2{=}", latex) if "=" in latex else latex


def protect_name_part(latex: str) -> str:
    """A part of a name in braces when a reader would split it: "John and Jane" as one given
    name stays one author, "Jr, III" one suffix.

    >>> protect_name_part("John and Jane"), protect_name_part("Jr, III"), protect_name_part("Ann")
    ('{John and Jane}', '{Jr, III}', 'Ann')
    >>> protect_name_part("Anderson"), protect_name_part("others")
    ('Anderson', '{others}')
    """
    lowered = latex.lower()
    if "," in latex or ("and" in lowered and _AND.search(lowered)) or lowered == "others":
        return "{" + latex + "}"
    return latex


def format_name(author: Author, *, ascii_only: bool) -> str:
    """One name in BibTeX's ``Family, Suffix, Given`` form; groups in braces.

    A part holding a comma or the word "and" is braced; a name that would then hold more than
    two commas is braced whole, as a group's (biber rejects it otherwise, braces or not).

    >>> format_name(Author(family="van der Berg", given="Jan"), ascii_only=True)
    'van der Berg, Jan'
    >>> format_name(Author(group="AO Spine Knowledge Forum Tumor"), ascii_only=True)
    '{AO Spine Knowledge Forum Tumor}'
    >>> format_name(Author(family="Núñez", given="José", suffix="Jr"), ascii_only=True)
    "N{\\\\'u}{\\\\~n}ez, Jr, Jos{\\\\'e}"
    >>> format_name(Author(family="Doe", given="John and Jane"), ascii_only=True)
    'Doe, {John and Jane}'
    >>> format_name(Author(family="Doe", given="A, X", suffix="Jr"), ascii_only=True)
    '{Doe, Jr, A, X}'
    """
    if author.group is not None:
        return "{" + name_text(author.group, ascii_only=ascii_only) + "}"
    family = name_text(author.family, ascii_only=ascii_only) if author.family else ""
    given = name_text(author.given, ascii_only=ascii_only) if author.given else ""
    suffix = name_text(author.suffix, ascii_only=ascii_only) if author.suffix else ""
    if not family:
        return "{" + given + "}"
    parts = [p for p in ([family, suffix, given] if suffix else [family, given]) if p]
    name = ", ".join(parts)
    commas = name.count(",")
    if commas > 2:
        return "{" + name + "}"
    lowered = name.lower()
    if commas == len(parts) - 1 and "and" not in lowered and "others" not in lowered:
        return name  # no part holds a separator: most names
    return ", ".join(protect_name_part(p) for p in parts)


def _has_name(author: Author) -> bool:
    return bool(
        (author.family or "").strip()
        or (author.given or "").strip()
        or (author.group or "").strip()
    )


def format_authors(record: Record, *, ascii_only: bool) -> str | None:
    """The ``author`` field: names joined by ``and``, ``and others`` for a cut list."""
    names = [format_name(a, ascii_only=ascii_only) for a in record.authors if _has_name(a)]
    if not names:
        return None
    if not record.authors_complete:
        names.append("others")
    return " and ".join(names)
