"""``bims list`` and ``bims show``: the works in the library and the sources behind them."""

from __future__ import annotations

import itertools
import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, report_query_warnings, state
from bimscli.cli.terminal import print_json
from bimscli.model import Record
from bimscli.query import Search
from bimscli.store import Library, SourceRecordRow, WorkRow
from bimscli.store.curation import current_statuses
from bimscli.store.serialize import record_to_builtins
from bimscli.tagging.library_tags import tags_by_work


def _first_author(record: Record) -> str:
    if not record.authors:
        return ""
    first = record.authors[0]
    name = first.group or first.family or first.display_name
    more = len(record.authors) > 1 or not record.authors_complete
    return f"{name} et al." if more else name


def work_summary(work: WorkRow, sources: int) -> dict[str, Any]:
    """The fields ``bims list --json`` gives for one work."""
    record = work.record
    return {
        "id": work.id,
        "type": str(record.type),
        "year": record.year,
        "authors": [a.display_name for a in record.authors],
        "authors_complete": record.authors_complete,
        "title": record.title,
        "journal": record.journal_abbrev or record.journal,
        "doi": record.ids.doi,
        "pmid": record.ids.pmid,
        "sources": sources,
    }


def _source_counts(library: Library) -> dict[int, int]:
    rows = library.connection.execute("SELECT work_id, count(*) FROM work_members GROUP BY work_id")
    return {int(w): int(n) for w, n in rows}


_SHORT_TYPES = {
    "journal-article": "article",
    "conference-paper": "paper",
    "book-chapter": "chapter",
    "web-page": "web",
    "news-article": "news",
}
TERMINAL_LIMIT = 200
"""How many works ``bims list`` shows on a terminal unless told otherwise: a table of 30,000
rows took 91 s and 700 MB to lay out, and no one reads it on a screen."""

WIDE = 140
"""From this terminal width on, the table also shows the type and the DOI."""


def _works_table(works: list[WorkRow], counts: dict[int, int], title: str, width: int) -> Table:
    wide = width >= WIDE
    table = Table(title=title, expand=True)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Year", no_wrap=True)
    if wide:
        table.add_column("Type", no_wrap=True)
    # Names and journals are cut with an ellipsis, never broken into letter groups; the title
    # wraps at word boundaries.
    table.add_column("Authors", ratio=2, min_width=10, no_wrap=True, overflow="ellipsis")
    table.add_column("Title", ratio=6, overflow="fold")
    table.add_column("Journal", ratio=3, min_width=12, no_wrap=True, overflow="ellipsis")
    if wide:
        table.add_column("DOI", no_wrap=True)
    table.add_column("Src", justify="right", no_wrap=True)
    for work in works:
        record = work.record
        shown_title = (
            Text(record.title) if record.title else Text("(no title in its sources)", "dim")
        )
        cells: list[str | Text] = [str(work.id), str(record.year or "")]
        if wide:
            cells.append(_SHORT_TYPES.get(str(record.type), str(record.type)))
        cells += [_first_author(record), shown_title, record.journal_abbrev or record.journal or ""]
        if wide:
            cells.append(record.ids.doi or "")
        cells.append(str(counts.get(work.id, 0)))
        table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))
    return table


def list_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            help=f"Show at most this many works (0: all; default on a terminal: "
            f"{TERMINAL_LIMIT}, through a pager when longer than the screen).",
            metavar="N",
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            "-q",
            help="Only works matching a PubMed-style query, e.g. 'sbrt[tiab] AND 2020:2025[dp]'.",
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only works with this curation status: new, selected, maybe, rejected, none.",
        ),
    ] = None,
) -> None:
    """List the works in the library, one line each.

    Example: bims list --limit 20 --query '"bone metastases"[tiab] AND design/rct[tag]'
    """
    if status is not None:
        # The status filter is the query language's own [status] field.
        status_term = f"{status}[status]"
        query = status_term if query is None else f"({query}) AND {status_term}"
    search = Search(query) if query is not None else None
    if limit is None and console.is_terminal and not as_json:
        limit = TERMINAL_LIMIT
    limit = limit or None  # 0: every work
    with state(ctx).open_library() as library:
        counts = _source_counts(library)
        tags = tags_by_work(library) if search is not None else {}
        if search is not None:
            known = {tag for work_tags in tags.values() for tag in work_tags}
            report_query_warnings(search.query, search.text, known)
        statuses = current_statuses(library) if search is not None else {}
        works, matching = _chosen_works(library, search, (tags, statuses), limit)
        total = library.count_works()
    if as_json:
        print_json([work_summary(w, counts.get(w.id, 0)) for w in works])
        return
    if not works:
        console.print(_nothing_listed(total, searched=search is not None))
        return
    title = f"{len(works):,} of {total:,} works"
    if search is not None:
        title = f"{len(works):,} of {matching:,} matching ({total:,} in the library)"
    table = _works_table(works, counts, title, console.width)
    if console.is_terminal and len(works) > console.height:
        with console.pager(styles=True):
            console.print(table)
    else:
        console.print(table)
    if len(works) < matching:
        console.print(f"({matching - len(works):,} more; --limit 0 lists them all)", style="dim")


def _chosen_works(
    library: Library,
    search: Search | None,
    known: tuple[dict[int, set[str]], dict[int, str]],
    limit: int | None,
) -> tuple[list[WorkRow], int]:
    """The works to list (at most ``limit``) and how many match in all, given each work's
    tags and curation status."""
    tags, statuses = known
    works: list[WorkRow] = []
    if search is None:
        works = list(itertools.islice(library.works(), limit))
        return works, library.count_works()
    matching = 0
    for work in library.works():
        if search.matches(work.record, tags.get(work.id, ()), statuses.get(work.id)):
            matching += 1
            if limit is None or len(works) < limit:
                works.append(work)
    return works, matching


def _nothing_listed(total: int, *, searched: bool) -> str:
    if total == 0:
        return "The library has no works yet: add some with `bims ingest FILE`."
    if searched:
        return f"No work matches the query ({total:,} works in the library)."
    return f"No works to show ({total:,} in the library)."


def _source_label(source: SourceRecordRow) -> str:
    key = f", key {source.source_key}" if source.source_key else ""
    return (
        f"#{source.id} {source.input.format} {source.input.name}:{source.line}"
        f" (entry {source.entry}{key})"
    )


def work_details(
    work: WorkRow, sources: list[SourceRecordRow], *, raw: bool = False
) -> dict[str, Any]:
    """Everything ``bims show --json`` gives for one work (``raw``: with each source record's
    raw text)."""
    return {
        "id": work.id,
        "record": record_to_builtins(work.record),
        "provenance": work.provenance,
        "sources": [
            {
                "id": s.id,
                "format": s.input.format,
                "parser_version": s.input.parser_version,
                "file": s.input.name,
                "path": s.input.path,
                "sha256": s.input.sha256,
                "line": s.line,
                "entry": s.entry,
                "source_key": s.source_key,
                "rule": s.rule,
                "ingested_at": s.input.ingested_at,
                "record": record_to_builtins(s.record),
                **({"raw": s.raw} if raw else {}),
            }
            for s in sources
        ],
    }


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _details_table(work: WorkRow, sources: list[SourceRecordRow]) -> Table:
    table = Table(title=f"Work {work.id}", show_lines=True)
    table.add_column("Field", style="bold")
    table.add_column("Value", overflow="fold", ratio=4)
    table.add_column("From", overflow="fold", ratio=1)
    fields = record_to_builtins(work.record)
    for name, value in fields.items():
        if name == "ids":
            for id_name, id_value in value.items():
                origin = work.provenance.get(f"ids.{id_name}", [])
                table.add_row(
                    id_name, Text(_format_value(id_value)), " ".join(f"#{i}" for i in origin)
                )
            continue
        origin = work.provenance.get(name, [])
        table.add_row(name, Text(_format_value(value)), " ".join(f"#{i}" for i in origin))
    for source in sources:
        table.add_row("source", Text(_source_label(source)), f"#{source.id}")
    return table


def show_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work's id, as `bims list` shows it.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="Also print each source record's raw text as read.")
    ] = False,
) -> None:
    """Show every field of a work and the source records each came from.

    --raw adds the text each source record was read from (a PubMed article's XML, a BibTeX
    entry, a newsletter's lines), exactly as the library keeps it.

    Example: bims show 3 --json
    """
    with state(ctx).open_library() as library:
        work = library.work(work_id)
        sources = library.source_records(library.work_record_ids(work_id))
    if as_json:
        print_json(work_details(work, sources, raw=raw))
        return
    console.print(_details_table(work, sources))
    if raw:
        for source in sources:
            console.print(f"\n# source record {_source_label(source)}", markup=False)
            console.print(source.raw, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("list")(bims_command(list_command))
    app.command("show")(bims_command(show_command))
