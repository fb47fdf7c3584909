"""``bims search pubmed|europepmc``: one search, its new records stored as they arrive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bimscli.cli.context import bims_command, console, err_console, state

if TYPE_CHECKING:  # the commands load the search stage (and requests) only when they run
    from bimscli import search

SINCE_HELP = "Only records that entered the database on or after this day (YYYY-MM-DD)."
UNTIL_HELP = "Only records that entered the database on or before this day (YYYY-MM-DD)."
DRY_RUN_HELP = "Say how many records would come, and store nothing."


def search_settings() -> search.SearchSettings:
    """Settings from the environment (``NCBI_API_KEY``, ``BIMS_MAILTO``), without the cache.

    A search is never answered from the HTTP cache: its answer changes as records enter the
    database, and a cached history-server ``WebEnv`` would have expired at NCBI.
    """
    from bimscli import search
    from bimscli.net.http import HttpSettings

    http = HttpSettings(cache_dir=None).with_environment_limits()
    return search.SearchSettings.from_environment(http)


def _count(number: int, one: str, many: str | None = None) -> str:
    """``1 record``, ``2 records``."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def render_report(report: search.SearchReport, label: str | None = None) -> None:
    """Print what a run found and stored; problems go to stderr. Service text is escaped."""
    head = f"{label}: " if label else ""
    request = report.request
    where = f"{request.service.value} ({request.window.describe()})"
    if report.translation:
        console.print(f"{head}PubMed searched: {escape(report.translation)}")
    for phrase in report.not_found:
        err_console.print(f"[yellow]{head}PubMed found nothing for {escape(repr(phrase))}[/]")
    if report.found == 0:
        console.print(f"{head}no records found in {where}; nothing stored")
    elif report.dry_run:
        new = (
            f"{report.would_store} would be new"
            if report.would_store is not None
            else "those already in the library would be skipped"
        )
        console.print(
            f"{head}{_count(report.found, 'record')} found in {where}; {new}. "
            "Dry run: nothing was stored."
        )
    else:
        _render_stored(report, head, where)


def _render_stored(report: search.SearchReport, head: str, where: str) -> None:
    merged = f"; {report.merged} joined works already there" if report.merged else ""
    failed = _count(report.failures, "entry", "entries") + " failed to parse"
    console.print(
        f"{head}{_count(report.found, 'record')} found in {where}: stored "
        f"{report.stored} new, {report.already_held} already in the library{merged}"
        f"{'; ' + failed if report.failures else ''}."
    )
    if report.problem is not None:
        err_console.print(
            f"[red]{head}stopped after {report.fetched} of {report.found}:[/] "
            f"{escape(report.problem)}; what was stored is kept; run again to fetch the rest"
        )
    if report.new_works:
        console.print(
            f"{_count(report.new_works, 'work')} now wait for a decision: run `bims tag`, "
            "then `bims triage`"
        )
    elif report.stored:
        console.print("run `bims tag` to apply the tag rules to the new records' works")


def _window(since: str | None, until: str | None) -> search.DateWindow:
    from bimscli import search

    return search.DateWindow(
        search.parse_day(since) if since else None, search.parse_day(until) if until else None
    )


def _run(ctx: typer.Context, request: search.SearchRequest, dry_run: bool) -> search.SearchReport:
    from bimscli import search
    from bimscli.cli.progress import CountProgressBar

    with state(ctx).open_library(create=True) as library:
        return search.run_search(
            library,
            request,
            search_settings(),
            progress=CountProgressBar("fetching"),
            dry_run=dry_run,
        )


SinceOption = Annotated[str | None, typer.Option("--since", help=SINCE_HELP, metavar="DATE")]
UntilOption = Annotated[str | None, typer.Option("--until", help=UNTIL_HELP, metavar="DATE")]
MaxOption = Annotated[
    int | None, typer.Option("--max", min=1, help="Fetch at most this many records.", metavar="N")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help=DRY_RUN_HELP)]
"""The options both searches take, written once."""


def pubmed_command(  # noqa: PLR0917 - typer maps each option to a parameter
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A PubMed query, as in PubMed's search box.")],
    since: SinceOption = None,
    until: UntilOption = None,
    max_records: MaxOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Search PubMed and store the records found, 200 at a time, each batch deduplicated.

    Dates select by the day a record entered PubMed (its Entrez or create date). A record the
    library already holds from PubMed is not stored again. Set NCBI_API_KEY (10 requests/s
    instead of 3) and BIMS_MAILTO. Exit code 3 when the run stopped half-way (run it again),
    2 when PubMed rejects the query, 1 when PubMed cannot be reached.

    Example: bims search pubmed 'bone metastases[tiab] AND electrochemotherapy' --since 2025-01-01
    """
    from bimscli import search

    window = _window(since, until)
    request = search.SearchRequest(search.Service.PUBMED, query, window, max_records)
    report = _run(ctx, request, dry_run)
    render_report(report)
    raise typer.Exit(report.exit_code)


def europepmc_command(  # noqa: PLR0917 - typer maps each option to a parameter
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A Europe PMC query (preprints included).")],
    since: SinceOption = None,
    until: UntilOption = None,
    max_records: MaxOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Search Europe PMC (articles and preprints) and store the records found.

    Dates select by the day Europe PMC first indexed a record. A record the library already
    holds from Europe PMC is not stored again; one PubMed gave joins its work. The service is
    BIMS_EUROPEPMC_URL, else Europe PMC's own.

    Example: bims search europepmc 'electrochemotherapy AND SRC:PPR' --since 2025-01-01
    """
    from bimscli import search

    window = _window(since, until)
    request = search.SearchRequest(search.Service.EUROPEPMC, query, window, max_records)
    report = _run(ctx, request, dry_run)
    render_report(report)
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    search_app = typer.Typer(
        rich_markup_mode=None,
        no_args_is_help=True,
        help="Search PubMed or Europe PMC and store what is found.\n\n"
        "Example: bims search pubmed 'electrochemotherapy' --since 2025-06-01",
    )
    search_app.command("pubmed")(bims_command(pubmed_command))
    search_app.command("europepmc")(bims_command(europepmc_command))
    app.add_typer(search_app, name="search")
