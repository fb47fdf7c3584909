"""A citeproc-py output formatter for pandoc-flavoured Markdown (citeproc-py has text, HTML
and reStructuredText only). citeproc-py looks the names below up on the module."""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|~^])")


def preformat(text: str) -> str:
    """Escape the characters Markdown would read as markup.

    >>> preformat("a*b_c")
    'a\\\\*b\\\\_c'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


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
