"""``bims ingest``: read inputs of any known format into the library."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from bimscli import ingest
from bimscli.cli import enrich_cmd
from bimscli.cli.context import bims_command, console, err_console, state
from bimscli.formats import format_names, get_format
from bimscli.ingest.sources import check_encoding, collect_sources

LARGE_INPUT = 4 * 1024 * 1024
"""Inputs at least this big show a progress bar (on a terminal only)."""


REFRESH_SECONDS = 0.1
"""Least time between redraws of the progress bar."""


class _RichProgress(ingest.Progress):
    """A progress bar on stderr for large inputs; silent when stderr is not a terminal.

    The bar is redrawn as bytes are read, not by rich's refresh thread: an ingest forks a
    reading process only when it runs no other thread (:mod:`bimscli.ingest.reading_process`).
    """

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._drawn = 0.0

    def start(self, name: str, total_bytes: int) -> None:
        if not err_console.is_terminal or total_bytes < LARGE_INPUT:
            return
        self._bar = Progress(
            TextColumn("{task.description}", markup=False),  # a file name is not markup
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            auto_refresh=False,
        )
        self._bar.start()
        self._task = self._bar.add_task(name, total=total_bytes)

    def advance(self, read_bytes: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, read_bytes)
            now = time.monotonic()
            if now - self._drawn >= REFRESH_SECONDS:
                self._bar.refresh()
                self._drawn = now

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._bar = None
        self._task = None


def _render(report: ingest.IngestReport) -> None:
    for file in report.files:
        fmt = escape(f" [{file.format}]" if file.format else "")
        if file.status is ingest.FileStatus.UNCHANGED:
            console.print(f"{escape(file.name)}{fmt}: unchanged, {file.earlier}; nothing to do")
        elif file.status is ingest.FileStatus.SKIPPED:
            err_console.print(
                f"[yellow]{escape(file.name)}: skipped:[/] {escape(file.error or '')}"
            )
        elif file.status is ingest.FileStatus.FAILED:
            err_console.print(
                f"[red]{escape(file.name)}{fmt}: not ingested:[/] {escape(file.error or '')}"
            )
        else:
            joined = (
                f"; {_count(file.merged, 'record')} joined existing works" if file.merged else ""
            )
            flagged = (
                f"; {_count(file.flagged, 'pair')} flagged for review (`bims dedup --review`)"
                if file.flagged
                else ""
            )
            console.print(
                f"{escape(file.name)}{fmt}: {_count(file.records, 'record')} added{joined}{flagged}"
            )
        for failure in file.failures:
            err_console.print(
                f"[yellow]{escape(file.name)}:{failure.line}: entry {failure.entry} not parsed:[/] "
                f"{escape(failure.message)} (kept as a failure; see `bims failures`)"
            )
    added = sum(
        1 for f in report.files if f.status in {ingest.FileStatus.ADDED, ingest.FileStatus.PARTIAL}
    )
    failed = sum(1 for f in report.files if f.status is ingest.FileStatus.FAILED)
    entries_failed = sum(len(f.failures) for f in report.files)
    skipped = sum(1 for f in report.files if f.status is ingest.FileStatus.SKIPPED)
    console.print(
        f"{_count(report.records, 'record')} from {_count(added, 'file')} added; "
        f"{_count(entries_failed, 'entry', 'entries')} failed to parse; "
        f"{_count(failed, 'file')} not ingested"
        + (f"; {_count(skipped, 'path')} skipped." if skipped else ".")
    )


def _count(number: int, one: str, many: str | None = None) -> str:
    """``1 record``, ``2 records``."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def ingest_command(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(help="Files, directories (read recursively) or - for stdin.")
    ],
    *,
    format_name: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"Skip detection: one of {', '.join(format_names())}."),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Text encoding of the inputs.")
    ] = "utf-8",
    no_dedup: Annotated[
        bool,
        typer.Option(
            "--no-dedup", help="Skip deduplication (bulk loads); run `bims dedup` afterwards."
        ),
    ] = False,
    then_enrich: Annotated[
        bool,
        typer.Option("--enrich", help="Then fill the added works' gaps online (bims enrich)."),
    ] = False,
) -> None:
    """Parse inputs of any known format and store their records, one transaction per file.

    A failing entry is reported with its file and line while the rest of the file lands.
    Exit code: 0 all landed, 3 partly (some entries or files failed, at least one record
    landed), 1 nothing landed. In a directory only regular files are read, and symbolic
    links only when they stay inside it.

    Example: bims ingest issue-2025-06-15.txt exports/ pubmed_result.xml.gz
    """
    app_state = state(ctx)
    if format_name is not None:
        get_format(format_name)  # an unknown name is a usage error before anything is read
    check_encoding(encoding)
    sources = collect_sources(paths)
    with app_state.open_library(create=True) as library:
        report = ingest.ingest_sources(
            library,
            sources,
            format_name=format_name,
            encoding=encoding,
            progress=_RichProgress(),
            dedup=not no_dedup,
        )
        added = [w for file in report.files for w in file.works]
        enriched = enrich_cmd.enrich_added_works(library, added) if then_enrich else None
    _render(report)
    if enriched is not None:
        enrich_cmd.render_report(enriched)
    if app_state.debug:
        for file in report.files:
            if file.exception is not None:
                raise file.exception
    enrich_code = enriched.exit_code if enriched is not None else 0
    raise typer.Exit(report.exit_code or enrich_code)


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command("ingest")(bims_command(ingest_command))
