"""``bims watch add|list|remove|run``: saved searches that fetch only what is new."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bimscli.cli.context import bims_command, console, report_error, state
from bimscli.cli.search_cmd import render_report, search_settings

if TYPE_CHECKING:  # the commands load the search stage (and requests) only when they run
    from bimscli import search


def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for the watch.")],
    pubmed: Annotated[
        str | None, typer.Option("--pubmed", help="A PubMed query.", metavar="QUERY")
    ] = None,
    europepmc: Annotated[
        str | None, typer.Option("--europepmc", help="A Europe PMC query.", metavar="QUERY")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="The first run fetches from this day (default: all).", metavar="DATE"
        ),
    ] = None,
) -> None:
    """Save a search; `bims watch run` then fetches what is new each time.

    The first run fetches everything the query finds (or what entered since --since); each
    later run asks only for what entered since the last successful run.

    Example: bims watch add spine-ect --pubmed 'electrochemotherapy AND spine' --since 2025-01-01
    """
    from bimscli import search
    from bimscli.errors import UsageError

    if (pubmed is None) == (europepmc is None):
        raise UsageError("give the query with one of --pubmed 'QUERY' or --europepmc 'QUERY'")
    service = search.Service.PUBMED if pubmed is not None else search.Service.EUROPEPMC
    start = search.parse_day(since) if since else None
    with state(ctx).open_library(create=True) as library:
        watch = search.add_watch(library, name, service, pubmed or europepmc or "", start)
    console.print(
        f"watch {escape(watch.name)} added ({watch.service.value}); "
        f"run it with: bims watch run {escape(watch.name)}"
    )


def list_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the watches with their queries and last successful run.

    Example: bims watch list --json
    """
    from bimscli import search

    with state(ctx).open_library() as library:
        watches = search.list_watches(library)
    if as_json:
        typer.echo(json.dumps([_watch_json(w) for w in watches], indent=2, ensure_ascii=False))
        return
    if not watches:
        console.print("no watches yet; add one with bims watch add NAME --pubmed 'QUERY'")
        return
    table = Table(show_edge=False, box=None)
    for column in ("Name", "Service", "Query", "Since", "Last successful run"):
        table.add_column(column)
    for w in watches:
        last = w.last_success_at.isoformat(timespec="seconds") if w.last_success_at else "never"
        since = w.since.isoformat() if w.since else "all"
        table.add_row(escape(w.name), w.service.value, escape(w.query), since, last)
    console.print(table)


def _watch_json(watch: search.Watch) -> dict[str, object]:
    return {
        "name": watch.name,
        "service": watch.service.value,
        "query": watch.query,
        "since": watch.since.isoformat() if watch.since else None,
        "created_at": watch.created_at,
        "last_success_at": watch.last_success_at.isoformat() if watch.last_success_at else None,
    }


def remove_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The watch to forget.")],
) -> None:
    """Forget a watch; the records it brought stay in the library.

    Example: bims watch remove spine-ect
    """
    from bimscli import search

    with state(ctx).open_library() as library:
        search.remove_watch(library, name)
    console.print(f"watch {escape(name)} removed; the records it brought stay")


def run_command(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Watches to run (default: every watch).", metavar="NAME"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say how many records would come; store nothing.")
    ] = False,
) -> None:
    """Run watches: fetch and store what entered since each one's last successful run.

    A run cut off half-way keeps what it stored; the next run continues. A record already in
    the library is never stored twice. Exit code 3 when some watch stopped half-way or failed
    while others ran, 1 or 2 when every watch failed.

    Example: bims watch run spine-ect --dry-run
    """
    from bimscli import search
    from bimscli.cli.progress import CountProgressBar

    with state(ctx).open_library() as library:
        runs = search.run_watches(
            library,
            names or (),
            search_settings(),
            progress=CountProgressBar("fetching"),
            dry_run=dry_run,
        )
    for run in runs:
        if run.report is not None:
            render_report(run.report, label=run.watch.name)
        elif run.error is not None:
            report_error(f"{run.watch.name}: {run.error}")
    raise typer.Exit(watch_runs_exit_code([run.exit_code for run in runs]))


def watch_runs_exit_code(codes: Sequence[int]) -> int:
    """One exit code for several watch runs, as ``bims ingest`` gives one for several files.

    >>> watch_runs_exit_code([0, 0]), watch_runs_exit_code([0, 1]), watch_runs_exit_code([2, 1])
    (0, 3, 2)
    """
    if all(code == 0 for code in codes):
        return 0
    if len(codes) > 1 and any(code in (0, 3) for code in codes):
        return 3
    return next(code for code in codes if code != 0)


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    watch_app = typer.Typer(
        rich_markup_mode=None,
        no_args_is_help=True,
        help="Saved searches that fetch only what is new.\n\n"
        "Example: bims watch add spine --pubmed 'electrochemotherapy' && bims watch run",
    )
    watch_app.command("add")(bims_command(add_command))
    watch_app.command("list")(bims_command(list_command))
    watch_app.command("remove")(bims_command(remove_command))
    watch_app.command("run")(bims_command(run_command))
    app.add_typer(watch_app, name="watch")
