"""``bims list`` and ``bims show``: the works in the library and the sources behind them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import nullcontext
from typing import Annotated, Any

import typer

from bimscli.cli.context import bims_command, console, report_query_warnings, state
from bimscli.cli.list_table import COLUMNS, default_columns, delimited, parse_columns, works_table
from bimscli.cli.progress import working
from bimscli.cli.show_page import show_page, source_legend
from bimscli.cli.terminal import print_json
from bimscli.errors import UsageError
from bimscli.export.work_facts import WorkFacts, work_facts
from bimscli.export.work_json import work_details_json, work_summary_json
from bimscli.query import Search
from bimscli.store import Library, WorkRow
from bimscli.store.curation import current_statuses
from bimscli.tagging.library_tags import tags_by_work

TERMINAL_LIMIT = 200
"""How many works ``bims list`` shows on a terminal unless told otherwise: a table of 30,000
rows took 91 s and 700 MB to lay out, and no one reads it on a screen."""

SORT_KEYS: dict[str, Callable[[WorkRow], Any]] = {
    "id": lambda w: w.id,
    "year": lambda w: (w.record.year or 0, w.id),
    "title": lambda w: ((w.record.title or "").casefold(), w.id),
    "journal": lambda w: ((w.record.journal_abbrev or w.record.journal or "").casefold(), w.id),
    "added": lambda w: (w.created_at, w.id),
}
"""What ``--sort`` may name; ties go by id."""
FORMATS = ("table", "json", "csv", "tsv", "ids")


def list_command(  # noqa: PLR0917 - typer maps each option to a parameter
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the same as --format json).")
    ] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table (for people), json, csv, tsv, or ids (one work id a line).",
            metavar="FORMAT",
        ),
    ] = "table",
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            "-c",
            help=f"The columns, comma-separated, from: {', '.join(COLUMNS)} "
            "(default: what fits the terminal; csv and tsv: all).",
            metavar="NAMES",
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option("--sort", help=f"Order by {', '.join(SORT_KEYS)}.", metavar="KEY"),
    ] = "id",
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

    Example: bims list --limit 20 --sort year --columns id,year,title,tags
    --query '"bone metastases"[tiab] AND design/rct[tag]'
    """
    output_format = "json" if as_json else output_format.lower()
    if output_format not in FORMATS:
        raise UsageError(f"unknown format {output_format}; use one of {', '.join(FORMATS)}")
    if sort not in SORT_KEYS:
        raise UsageError(f"cannot sort by {sort}; use one of {', '.join(SORT_KEYS)}")
    chosen = parse_columns(columns) if columns is not None else None
    if status is not None:
        # The status filter is the query language's own [status] field.
        status_term = f"{status}[status]"
        query = status_term if query is None else f"({query}) AND {status_term}"
    search = Search(query) if query is not None else None
    if limit is None and console.is_terminal and output_format == "table":
        limit = TERMINAL_LIMIT
    with state(ctx).open_library() as library:
        long_step = search is not None or sort != "id"
        with working("searching the works") if long_step else nullcontext():
            works, matching, total = _listed_works(library, search, sort, limit or None)
        # Facts of a few works are asked for by id; of many, read whole (one pass per table).
        facts = work_facts(library, [w.id for w in works] if len(works) <= 500 else None)
    if output_format == "json":
        empty = WorkFacts()
        print_json([work_summary_json(w, facts.get(w.id, empty)) for w in works])
        return
    if output_format != "table":
        # Not through the console: it would expand TSV's tabs. The cells hold no control
        # characters (list_table.plain_cell), so none reaches a terminal.
        typer.echo(_delimited_listing(works, facts, output_format, chosen), nl=False)
        return
    if not works:
        console.print(_nothing_listed(total, searched=search is not None))
        return
    title = f"{len(works):,} of {total:,} works"
    if search is not None:
        title = f"{len(works):,} of {matching:,} matching ({total:,} in the library)"
    names = chosen or default_columns(console.width, facts)
    table = works_table(works, facts, names, title)
    if console.is_terminal and len(works) > console.height:
        with console.pager(styles=True):
            console.print(table)
    else:
        console.print(table)
    if len(works) < matching:
        console.print(f"({matching - len(works):,} more; --limit 0 lists them all)", style="dim")


def _delimited_listing(
    works: list[WorkRow], facts: dict[int, WorkFacts], output_format: str, chosen: list[str] | None
) -> str:
    """The listing as CSV, TSV or one id a line."""
    if output_format == "ids":
        return "".join(f"{w.id}\n" for w in works)
    delimiter = "," if output_format == "csv" else "\t"
    return delimited(works, facts, chosen or list(COLUMNS), delimiter)


def _listed_works(
    library: Library, search: Search | None, sort: str, limit: int | None
) -> tuple[list[WorkRow], int, int]:
    """The works to list in order (at most ``limit``), how many match, how many there are."""
    statuses: dict[int, str] = {}
    tags: dict[int, set[str]] = {}
    if search is not None:
        tags = tags_by_work(library)
        known = {tag for work_tags in tags.values() for tag in work_tags}
        report_query_warnings(search.query, search.text, known)
        statuses = current_statuses(library)
    total = library.count_works()
    if search is None and sort == "id":  # the library's own order: read only what is shown
        return list(itertools.islice(library.works(), limit)), total, total
    matching = [
        work
        for work in library.works()
        if search is None
        or search.matches(work.record, tags.get(work.id, ()), statuses.get(work.id))
    ]
    matching.sort(key=SORT_KEYS[sort])
    return matching[:limit], len(matching), total


def _nothing_listed(total: int, *, searched: bool) -> str:
    if total == 0:
        return "The library has no works yet: add some with `bims ingest FILE`."
    if searched:
        return f"No work matches the query ({total:,} works in the library)."
    return f"No works to show ({total:,} in the library)."


def show_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work's id, as `bims list` shows it.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (docs/schemas/work.json) instead.")
    ] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="Also print each source record's raw text as read.")
    ] = False,
) -> None:
    """Show a work as a citation gives it, with its tags, key, status and the sources behind
    each field ([1], [2]: the sources listed at the end).

    --raw adds the text each source record was read from (a PubMed article's XML, a BibTeX
    entry, a newsletter's lines), exactly as the library keeps it.

    Example: bims show 3 --json
    """
    with state(ctx).open_library() as library:
        work = library.work(work_id)
        sources = library.source_records(library.work_record_ids(work_id))
        facts = work_facts(library, [work_id]).get(work_id, WorkFacts())
    if as_json:
        print_json(work_details_json(work, facts, sources, raw=raw))
        return
    console.print(show_page(work, facts, sources), soft_wrap=False)
    if raw:
        for number, source in enumerate(sources, start=1):
            console.print(f"\n# source {source_legend(source, number)}", markup=False)
            console.print(source.raw, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("list")(bims_command(list_command))
    app.command("show")(bims_command(show_command))
