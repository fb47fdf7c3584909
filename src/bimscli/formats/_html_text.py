"""HTML snippets as web sources give them, made plain text.

The Semantic Scholar and web-article parsers both meet titles and abstracts written as HTML
(``"<p><p>text</p>"``) rather than the plain text of MEDLINE or Crossref.
"""

from __future__ import annotations

import html
import re

_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|section|jats:p|jats:sec)\b[^>]*>", re.I)
# A tag starts with a letter (or "/" and a letter, or "!" for comments): "dose < 8 Gy and
# BED > 100 Gy" and "p <0.05" are text, and must not be eaten as one long "tag".
_ANY_TAG = re.compile(r"<(?:/?[A-Za-z][\w:.-]*(?:\s[^<>]{0,500})?/?|!--.*?--)>", re.S)
_SPACE = re.compile(r"\s+")


def html_paragraphs(text: str | None) -> list[str]:
    """The paragraphs of an HTML snippet as plain text: tags dropped, entities decoded.

    >>> html_paragraphs("<p><p>Bone &amp; <i>joint</i>.</p>")
    ['Bone & joint.']
    >>> html_paragraphs("One.<br/>Two.")
    ['One.', 'Two.']
    >>> html_paragraphs("   ")
    []
    >>> html_paragraphs("<p>dose < 8 Gy and BED > 100 Gy; p <0.05</p>")
    ['dose < 8 Gy and BED > 100 Gy; p <0.05']
    """
    if not text:
        return []
    blocks = _BLOCK_TAG.split(text)
    out = []
    for block in blocks:
        plain = _SPACE.sub(" ", html.unescape(_ANY_TAG.sub("", block))).strip()
        if plain:
            out.append(plain)
    return out


def html_to_plain(text: str | None) -> str:
    """An HTML snippet as one line of plain text.

    >>> html_to_plain("Effect of <i>IL-6</i> on bone")
    'Effect of IL-6 on bone'
    """
    return " ".join(html_paragraphs(text))
