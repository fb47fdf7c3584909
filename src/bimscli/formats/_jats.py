"""Safe reading of the JATS markup that Crossref puts in abstracts and titles.

Crossref abstracts arrive as XML fragments with undeclared prefixes (``<jats:p>``,
``<jats:sec><jats:title>Background</jats:title>…``), HTML entities and inline markup
(``<jats:italic>``). lxml reads them with entity expansion, DTDs and network access switched
off, in recovery mode so that a broken fragment still yields its text.
"""

from __future__ import annotations

import html.entities
import re

from lxml import etree

from bimscli.model import AbstractSection

_NAMESPACES = (
    'xmlns:jats="http://www.ncbi.nlm.nih.gov/JATS1" '
    'xmlns:mml="http://www.w3.org/1998/Math/MathML" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
# A "<" or "&" that starts no tag or entity is text ("p < 0.05"), not broken markup.
_LONE_LT = re.compile(r"<(?![A-Za-z/!?])")
_LONE_AMP = re.compile(r"&(?!#?[A-Za-z0-9]+;)")
# Headings that announce the abstract rather than label a part of it.
_ABSTRACT_HEADINGS = frozenset({"abstract", "summary", "a b s t r a c t"})


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace as single spaces, trimmed.

    >>> collapse_whitespace("  Bone\\n  metastases ")
    'Bone metastases'
    """
    return " ".join(text.split())


def _html_entities_to_text(fragment: str) -> str:
    """Replace HTML named entities (``&nbsp;``) by their characters; XML's own five stay."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        char = html.entities.html5.get(name + ";")
        return char.replace("&", "&amp;").replace("<", "&lt;") if char else match.group(0)

    escaped = _LONE_LT.sub("&lt;", _LONE_AMP.sub("&amp;", fragment))
    return _NAMED_ENTITY.sub(replace, escaped)


def _parse_fragment(fragment: str) -> etree._Element | None:
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    wrapped = f"<fragment {_NAMESPACES}>{_html_entities_to_text(fragment)}</fragment>"
    try:
        return etree.fromstring(wrapped.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return None


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return etree.QName(tag).localname.lower()


def _text_of(element: etree._Element) -> str:
    return collapse_whitespace("".join(str(t) for t in element.itertext()))


def strip_markup(fragment: str) -> str:
    """The text of a title or abstract fragment without its markup.

    >>> strip_markup("Effects of <jats:italic>BRCA1</jats:italic> loss&nbsp;in mice")
    'Effects of BRCA1 loss in mice'
    >>> strip_markup("a < b and plain text")
    'a < b and plain text'
    """
    if "<" not in fragment and "&" not in fragment:
        return collapse_whitespace(fragment)
    root = _parse_fragment(fragment)
    if root is None or not _text_of(root):
        return collapse_whitespace(fragment)
    return _text_of(root)


def _label(text: str) -> str | None:
    label = text.strip().rstrip(":").strip()
    return None if not label or label.lower() in _ABSTRACT_HEADINGS else label


class _SectionCollector:
    """Walks a fragment's elements, turning paragraphs and titled sections into sections."""

    def __init__(self) -> None:
        self.sections: list[AbstractSection] = []
        self.pending_label: str | None = None

    def add(self, text: str, label: str | None) -> None:
        if text:
            self.sections.append(AbstractSection(text=text, label=label))

    def walk(self, parent: etree._Element) -> None:
        if parent.text and parent.text.strip():
            self.add(collapse_whitespace(parent.text), None)
        for child in parent:
            self.visit(child)
            if child.tail and child.tail.strip():
                self.add(collapse_whitespace(child.tail), None)

    def visit(self, element: etree._Element) -> None:
        name = _local(element)
        if name == "title":
            self.pending_label = _label(_text_of(element))
        elif name == "sec":
            self.visit_section(element)
        elif name:
            self.add(_text_of(element), self.pending_label)
            self.pending_label = None

    def visit_section(self, sec: etree._Element) -> None:
        label: str | None = None
        paragraphs: list[str] = []
        for child in sec:
            if _local(child) == "title" and label is None and not paragraphs:
                label = _label(_text_of(child))
            elif _local(child) == "sec":
                self.add("\n".join(paragraphs), label)
                label, paragraphs = None, []
                self.visit_section(child)
            elif _local(child):
                paragraphs.append(_text_of(child))
        self.add("\n".join(p for p in paragraphs if p), label)


def abstract_sections(fragment: str) -> tuple[AbstractSection, ...]:
    """An abstract's paragraphs, with the labels of a structured abstract.

    >>> abstract_sections("<jats:title>Abstract</jats:title><jats:p>One.</jats:p>")
    (AbstractSection(text='One.', label=None),)
    >>> [s.label for s in abstract_sections(
    ...     "<jats:sec><jats:title>Background</jats:title><jats:p>A.</jats:p></jats:sec>"
    ...     "<jats:sec><jats:title>Methods</jats:title><jats:p>B.</jats:p></jats:sec>")]
    ['Background', 'Methods']
    """
    root = _parse_fragment(fragment) if "<" in fragment or "&" in fragment else None
    if root is None:  # plain text, or markup beyond repair: every character is kept
        text = collapse_whitespace(fragment)
        return (AbstractSection(text=text),) if text else ()
    collector = _SectionCollector()
    collector.walk(root)
    if not collector.sections and _text_of(root):
        return (AbstractSection(text=_text_of(root)),)
    return tuple(collector.sections)
