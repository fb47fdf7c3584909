"""CSL-JSON writer: the citation data format of citeproc, pandoc and Zotero.

The output validates against the CSL data schema, version 1.0: numeric ``date-parts``, names as
``family``/``given`` or ``literal``, upper-case identifier fields (``DOI``, ``PMID``, ``PMCID``,
``URL``, ``ISSN``). Titles keep their HTML-like markup (``<i>``, ``<b>``, ``<sup>``, ``<sub>``),
which is CSL's own rich-text syntax.

Values are kept exactly, control characters too: JSON escapes them (C0 by every encoder, DEL
and C1 by :func:`~bimscli.control_characters.escape_json_controls`), so no raw control
character is in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from bimscli.control_characters import escape_json_controls
from bimscli.export import ExportItem
from bimscli.model import Author, PartialDate, Record, WorkType

CSL_TYPES = {
    WorkType.JOURNAL_ARTICLE: "article-journal",
    WorkType.BOOK: "book",
    WorkType.BOOK_CHAPTER: "chapter",
    WorkType.CONFERENCE_PAPER: "paper-conference",
    WorkType.PREPRINT: "article",
    WorkType.THESIS: "thesis",
    WorkType.REPORT: "report",
    WorkType.DATASET: "dataset",
    WorkType.WEB_PAGE: "webpage",
    WorkType.NEWS_ARTICLE: "article-newspaper",
    WorkType.OTHER: "document",
}
"""The CSL item type of each record type."""

_encoder = msgspec.json.Encoder()


def csl_name(author: Author) -> dict[str, str]:
    """A CSL name object.

    >>> csl_name(Author(family="Benhabib", given="Hadas"))
    {'family': 'Benhabib', 'given': 'Hadas'}
    >>> csl_name(Author(group="AO Spine Knowledge Forum Tumor"))
    {'literal': 'AO Spine Knowledge Forum Tumor'}
    """
    if author.group is not None or not author.family:
        return {"literal": author.group or author.given or ""}
    name = {"family": author.family}
    if author.given:
        name["given"] = author.given
    if author.suffix:
        name["suffix"] = author.suffix
    return name


def csl_date(date: PartialDate) -> dict[str, list[list[int]]]:
    """A CSL date with numeric ``date-parts``.

    >>> csl_date(PartialDate(2025, 6))
    {'date-parts': [[2025, 6]]}
    """
    parts = [date.year]
    if date.month is not None:
        parts.append(date.month)
        if date.day is not None:
            parts.append(date.day)
    return {"date-parts": [parts]}


def _container(record: Record, item: dict[str, Any]) -> None:
    container = record.journal or record.journal_abbrev
    if container:
        item["container-title"] = container
    if record.journal and record.journal_abbrev:
        item["container-title-short"] = record.journal_abbrev
    for name, value in (
        ("volume", record.volume),
        ("issue", record.issue),
        ("page", record.pages),
        ("number", record.article_number),
        ("publisher", record.publisher),
    ):
        if value:
            item[name] = value
    if record.issn:
        item["ISSN"] = ", ".join(record.issn)


def _identifiers(record: Record, item: dict[str, Any]) -> None:
    ids = record.ids
    for name, value in (("DOI", ids.doi), ("PMID", ids.pmid), ("PMCID", ids.pmcid)):
        if value:
            item[name] = value
    if ids.url:
        item["URL"] = ids.url


def csl_item(export: ExportItem) -> dict[str, Any]:
    """One CSL-JSON item; fields a record lacks are left out.

    >>> csl_item(ExportItem("k", Record(title="T", date=PartialDate(2020)), ("rehab",)))
    {'id': 'k', 'citation-key': 'k', 'type': 'article-journal', 'title': 'T', \
'issued': {'date-parts': [[2020]]}, 'keyword': 'rehab'}
    """
    record = export.record
    item: dict[str, Any] = {
        "id": export.key,
        "citation-key": export.key,
        "type": CSL_TYPES[record.type],
    }
    if record.authors:
        item["author"] = [csl_name(a) for a in record.authors]
    if record.title:
        item["title"] = record.title
    _container(record, item)
    date = record.date or record.epub_date
    if date is not None:
        item["issued"] = csl_date(date)
    _identifiers(record, item)
    if record.language:
        item["language"] = record.language
    if export.tags:
        item["keyword"] = ", ".join(export.tags)
    if record.abstract:
        item["abstract"] = record.abstract_text
    if record.note:
        item["note"] = record.note
    return item


def write_csl_json(items: Iterable[ExportItem]) -> str:
    """A CSL-JSON array of the items, indented, UTF-8 text ending with a newline."""
    data = _encoder.encode([csl_item(i) for i in items])
    return escape_json_controls(msgspec.json.format(data, indent=2).decode("utf-8")) + "\n"
