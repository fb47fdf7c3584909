"""A citeproc-py output formatter for pandoc-flavoured Markdown (citeproc-py has text, HTML
and reStructuredText only). citeproc-py looks the names below up on the module."""

from __future__ import annotations

import re

# Markup characters of CommonMark and of pandoc's Markdown ($ math, @ citations), the "&" of
# an entity or character reference ("&lt;", "&#60;"), which a reader would decode, and the "("
# of "](", so that not even the text of a link's target is left whole.
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_{}\[\]<>#|~^$@]|&(?=#?\w+;)|(?<=\])\(")


def preformat(text: str) -> str:
    """Escape the characters Markdown would read as markup: no value can become a link, an
    HTML tag, an entity, emphasis, math or a citation.

    >>> print(preformat("a*b_c <script> [x](javascript:y) &lt; & $5 @smith"))
    a\\*b\\_c \\<script\\> \\[x\\]\\(javascript:y) \\&lt; & \\$5 \\@smith
    """
    return _MARKDOWN_SPECIALS.sub(lambda m: "\\" + m.group(), str(text))


_BULLET_START = re.compile(r"^[-+%](?=\s|$)")
_NUMBER_START = re.compile(r"^(\(?(?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+))([.)])(?=\s|$)")


_LABEL = re.compile(r"^(?:\[\d+\]|\d+\.) ")


def escape_block_start(entry: str, labelled: bool = False) -> str:
    """An entry that would begin a list (``- …``, ``1986. …``, ``(a) …``) or pandoc's title
    block (``% …``) with that marker escaped: an entry is a paragraph. ``labelled``: the entry
    starts with its citation number (``1. ``, ``[1] ``), kept, and the text after it is checked.

    >>> print(escape_block_start("1986. (2020). Title"), escape_block_start("- x"))
    1986\\. (2020). Title \\- x
    >>> print(escape_block_start("1. - x", labelled=True))
    1. \\- x
    """
    label = _LABEL.match(entry) if labelled else None
    if label is not None:
        return label.group() + escape_block_start(entry[label.end() :])
    if _BULLET_START.match(entry):
        return "\\" + entry
    return _NUMBER_START.sub(r"\1\\\2", entry, count=1)


class _Wrapper(str):
    mark = ""

    def __new__(cls, text: str) -> _Wrapper:
        return super().__new__(cls, f"{cls.mark}{text}{cls.mark}" if text else "")


class Italic(_Wrapper):
    """*italic*"""

    mark = "*"


class Oblique(Italic):
    """Oblique is italic in Markdown."""


class Bold(_Wrapper):
    """**bold**"""

    mark = "**"


class Light(_Wrapper):
    """Markdown has no light weight: plain text."""


class Underline(_Wrapper):
    """Markdown has no underline: plain text."""


class Superscript(_Wrapper):
    """^superscript^ (pandoc Markdown)."""

    mark = "^"


class Subscript(_Wrapper):
    """~subscript~ (pandoc Markdown)."""

    mark = "~"


class SmallCaps(_Wrapper):
    """Markdown has no small capitals: plain text."""
