"""``bims list`` as a table for people and as CSV, TSV or ids for programs.

Columns are chosen for the terminal's width: narrow terminals drop the type, DOI and tags
before anything would wrap, and every column but the title is cut with an ellipsis, never
broken into letter groups; the title wraps at word boundaries.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

from bimscli.control_characters import show_control_characters
from bimscli.errors import UsageError
from bimscli.export.citation_text import citation_name
from bimscli.export.work_facts import WorkFacts
from bimscli.store.rows import WorkRow

_SHORT_TYPES = {
    "journal-article": "article",
    "conference-paper": "paper",
    "book-chapter": "chapter",
    "web-page": "web",
    "news-article": "news",
}


def first_author(work: WorkRow) -> str:
    """The first author as a citation writes them, "et al." when there are more."""
    record = work.record
    if not record.authors:
        return ""
    name = citation_name(record.authors[0])
    more = len(record.authors) > 1 or not record.authors_complete
    return f"{name} et al." if more else name


@dataclass(frozen=True, slots=True)
class Column:
    """A column of ``bims list``: its header and how to read its cell from a work."""

    name: str
    header: str
    cell: Callable[[WorkRow, WorkFacts], str]
    ratio: int | None = None
    """Share of the spare width (``None``: as wide as its cells, never cut)."""
    min_width: int | None = None


COLUMNS = {
    c.name: c
    for c in (
        Column("id", "ID", lambda w, f: str(w.id)),
        Column("year", "Year", lambda w, f: str(w.record.year or "")),
        Column("type", "Type", lambda w, f: _SHORT_TYPES.get(str(w.record.type), w.record.type)),
        Column("authors", "Authors", lambda w, f: first_author(w), 2, 10),
        Column("title", "Title", lambda w, f: w.record.title or "", 6),
        Column(
            "journal",
            "Journal",
            lambda w, f: w.record.journal_abbrev or w.record.journal or "",
            3,
            12,
        ),
        Column("doi", "DOI", lambda w, f: w.record.ids.doi or ""),  # a cut DOI is no use
        Column("pmid", "PMID", lambda w, f: w.record.ids.pmid or ""),
        Column("tags", "Tags", lambda w, f: ", ".join(t.tag for t in f.tags), 3, 8),
        Column("key", "Key", lambda w, f: f.citation_key or "", 2, 8),
        Column("status", "Status", lambda w, f: f.status or ""),
        Column("sources", "Src", lambda w, f: str(f.source_count)),
        Column("added", "Added", lambda w, f: w.created_at[:10]),
    )
}
"""Every column ``--columns`` may name, in the order ``csv`` and ``tsv`` give them all."""

_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]")
"""What would split a CSV or TSV row or field for the next program."""

WIDE = 140
"""From this terminal width on, the table also shows the type and the DOI."""
MEDIUM = 100
"""From this width on, the table shows the tags (narrower: only if ``--columns`` asks)."""


def parse_columns(text: str) -> list[str]:
    """The columns a ``--columns`` value names, checked.

    >>> parse_columns("id, title,tags")
    ['id', 'title', 'tags']
    """
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown or not names:
        raise UsageError(
            f"unknown column {', '.join(unknown) or '(none given)'}; "
            f"known columns: {', '.join(COLUMNS)}"
        )
    return names


def default_columns(width: int, facts: dict[int, WorkFacts]) -> list[str]:
    """The columns that fit a terminal this wide, status only when some work has one."""
    names = ["id", "year"]
    if width >= WIDE:
        names.append("type")
    names += ["authors", "title", "journal"]
    if width >= WIDE:
        names.append("doi")
    if width >= MEDIUM and any(f.tags for f in facts.values()):
        names.append("tags")
    if any(f.status for f in facts.values()):
        names.append("status")
    return [*names, "sources"]


def works_table(
    works: Sequence[WorkRow], facts: dict[int, WorkFacts], columns: Sequence[str], title: str
) -> Table:
    """The table of works with these columns."""
    table = Table(title=title, expand=True)
    for name in columns:
        column = COLUMNS[name]
        if name == "title":
            table.add_column(column.header, ratio=column.ratio, overflow="ellipsis")
        elif column.ratio is None:
            table.add_column(column.header, no_wrap=True, justify=_justify(name))
        else:
            table.add_column(
                column.header,
                ratio=column.ratio,
                min_width=column.min_width,
                no_wrap=True,
                overflow="ellipsis",
            )
    empty = WorkFacts()
    for work in works:
        cells = [_cell(work, facts.get(work.id, empty), name) for name in columns]
        table.add_row(*cells)
    return table


def _justify(name: str) -> JustifyMethod:
    return "right" if name in {"id", "sources"} else "left"


def _cell(work: WorkRow, facts: WorkFacts, name: str) -> Text:
    if name == "title" and not work.record.title:
        return Text("(no title in its sources)", "dim")
    return Text(COLUMNS[name].cell(work, facts))


def plain_cell(value: str) -> str:
    r"""A cell for CSV or TSV: one field on one line that sends a terminal nothing. Tabs and
    line breaks become spaces; other control characters are shown as every line bims prints
    shows them (:func:`~bimscli.control_characters.show_control_characters`).

    >>> plain_cell("Bone\tmetastases\n\x1b[31mred")
    'Bone metastases ␛[31mred'
    """
    return show_control_characters(_LINE_BREAKS.sub(" ", value))


def delimited(
    works: Sequence[WorkRow], facts: dict[int, WorkFacts], columns: Sequence[str], delimiter: str
) -> str:
    """The works as CSV or TSV with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    empty = WorkFacts()
    for work in works:
        cells = (COLUMNS[n].cell(work, facts.get(work.id, empty)) for n in columns)
        writer.writerow(plain_cell(c) for c in cells)
    return out.getvalue()
