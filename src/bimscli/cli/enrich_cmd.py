"""``bims enrich`` and ``bims add``: metadata from PubMed, Crossref and Semantic Scholar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bimscli.cli.context import bims_command, console, err_console, state

if TYPE_CHECKING:  # the commands load enrichment (and requests) only when they run
    from bimscli import enrich
    from bimscli.store import Library

SOURCES_HELP = "Services to ask, comma-separated, in order: pubmed, crossref, s2."
OFFLINE_HELP = "Use only the HTTP cache; ask no service."


def _settings(source: str, offline: bool, cache_days: float) -> enrich.EnrichSettings:
    from bimscli import enrich
    from bimscli.net.http import HttpSettings, default_cache_dir

    http = HttpSettings(
        cache_dir=default_cache_dir(),
        expire_after=timedelta(days=cache_days),
        offline=offline,
    ).with_environment_limits()
    return enrich.EnrichSettings.from_environment(http, enrich.parse_services(source))


def _count(number: int, one: str, many: str | None = None) -> str:
    """``1 work``, ``2 works``."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def render_report(report: enrich.EnrichReport) -> None:
    """Print what an enrichment run did; problems and conflicts go to stderr.

    Everything that comes from a service or the user is escaped: a title like ``[bold]`` is
    text, not rich markup.
    """
    for service, query in report.not_found:
        console.print(f"{service}: {escape(query)} not found")
    for conflict in report.conflicts:
        err_console.print(
            f"[yellow]work {conflict.work_id}: conflict ({conflict.service}):[/] "
            f"{escape(conflict.message)}"
        )
    for problem in report.problems:
        err_console.print(f"[red]problem:[/] {escape(problem)}")
    if report.not_cached:
        err_console.print(
            f"[yellow]{_count(report.not_cached, 'lookup')} not in the cache and not fetched "
            "(offline); run again without --offline to fetch them[/]"
        )
    filled = sorted({f for fields in report.filled.values() for f in fields})
    gained = f"; {_count(len(report.filled), 'work')} gained {', '.join(filled)}" if filled else ""
    verb = "would add" if report.dry_run else "added"
    console.print(
        f"{_count(report.works, 'work')} looked up: {verb} "
        f"{_count(report.added, 'source record')}, {report.unchanged} already known{gained}; "
        f"{_count(report.requests, 'network request')}."
    )
    if report.dry_run:
        console.print("dry run: nothing was stored.")
    if report.interrupted:
        err_console.print(
            "[yellow]interrupted: what was fetched so far is kept; run the command again to "
            "continue (answers already fetched come from the cache)[/]"
        )


def enrich_command(  # noqa: PLR0917 - typer maps each option to a parameter
    ctx: typer.Context,
    work_ids: Annotated[
        list[int] | None, typer.Argument(help="Works to enrich (default: every incomplete one).")
    ] = None,
    refresh_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Look up every work, complete ones too (answers younger than --cache-days "
            "come from the cache; --cache-days 0 fetches everything anew).",
        ),
    ] = False,
    source: Annotated[str, typer.Option("--source", help=SOURCES_HELP)] = "crossref,pubmed,s2",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and report, but store nothing.")
    ] = False,
    offline: Annotated[bool, typer.Option("--offline", help=OFFLINE_HELP)] = False,
    cache_days: Annotated[
        float, typer.Option("--cache-days", help="How long fetched answers stay fresh.")
    ] = 30.0,
) -> None:
    """Fill missing titles, authors, journals and abstracts from online services.

    By default every work missing one of them is looked up by DOI or PMID. Each answer is
    kept as a new source record of its work, so field priority decides what is shown and
    nothing is overwritten; conflicting answers are reported. Answers are cached on disk
    ($XDG_CACHE_HOME/bims, or $BIMS_CACHE_DIR); set BIMS_MAILTO, NCBI_API_KEY and S2_API_KEY to be
    polite and faster. Exit code 3 when answers conflict, a service failed, or (--offline)
    lookups were not in the cache.

    Example: bims enrich --source pubmed,crossref 12 15
    """
    from bimscli import enrich
    from bimscli.cli.enrich_progress import EnrichProgressBar

    settings = _settings(source, offline, cache_days)
    with state(ctx).open_library() as library:
        targets = enrich.select_targets(library, work_ids or (), refresh_all=refresh_all)
        report = enrich.enrich_targets(
            library, targets, settings, dry_run=dry_run, progress=EnrichProgressBar()
        )
    render_report(report)
    raise typer.Exit(130 if report.interrupted else report.exit_code)


def add_command(
    ctx: typer.Context,
    identifiers: Annotated[list[str], typer.Argument(help="DOIs, PMIDs, PMCIDs or their URLs.")],
    source: Annotated[str, typer.Option("--source", help=SOURCES_HELP)] = "crossref,pubmed,s2",
    offline: Annotated[bool, typer.Option("--offline", help=OFFLINE_HELP)] = False,
) -> None:
    """Add works by identifier alone, with their metadata from online services.

    An identifier a work already has is not added again; that work is enriched instead.

    Example: bims add 10.2196/71196 33797627 https://doi.org/10.3390/cancers17111739
    """
    from bimscli import enrich
    from bimscli.cli.enrich_progress import EnrichProgressBar

    settings = _settings(source, offline, 30.0)
    with state(ctx).open_library(create=True) as library:
        report = enrich.add_works(library, identifiers, settings, progress=EnrichProgressBar())
    for given, work_id in report.created:
        console.print(f"{escape(given)}: added as work {work_id}")
    for given, work_id in report.existing:
        console.print(f"{escape(given)}: already work {work_id}")
    for given in report.not_found:
        err_console.print(f"[yellow]{escape(given)}: not found in any service asked[/]")
    for conflict in report.conflicts:
        err_console.print(f"[yellow]conflict:[/] {escape(conflict)}")
    for problem in report.problems:
        err_console.print(f"[red]problem:[/] {escape(problem)}")
    if report.enrich is not None:
        render_report(report.enrich)
    interrupted = report.enrich is not None and report.enrich.interrupted
    raise typer.Exit(130 if interrupted else report.exit_code)


def enrich_added_works(
    library: Library, work_ids: Sequence[int], offline: bool = False
) -> enrich.EnrichReport:
    """Enrich the incomplete ones among works an ingest just added (``bims ingest --enrich``)."""
    from bimscli import enrich
    from bimscli.cli.enrich_progress import EnrichProgressBar

    settings = _settings("crossref,pubmed,s2", offline, 30.0)
    targets = enrich.select_targets(library, work_ids)
    targets = [t for t in targets if enrich.missing_fields(t.record)]
    return enrich.enrich_targets(library, targets, settings, progress=EnrichProgressBar())


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("enrich")(bims_command(enrich_command))
    app.command("add")(bims_command(add_command))
