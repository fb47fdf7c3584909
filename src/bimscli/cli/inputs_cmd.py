"""``bims inputs`` and ``bims failures``: what was ingested, and what did not parse."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, state
from bimscli.cli.terminal import print_json
from bimscli.store import FailureRow
from bimscli.store.failures import resolve_failures


def inputs_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the ingested inputs with their provenance (format, sha256, header, counts).

    Example: bims inputs --json
    """
    with state(ctx).open_library() as library:
        rows = library.inputs()
    if as_json:
        data = [
            {
                "id": r.id,
                "name": r.name,
                "path": r.path,
                "sha256": r.sha256,
                "size": r.size,
                "format": r.format,
                "parser_version": r.parser_version,
                "origin": r.origin,
                "header": dict(r.header.fields) if r.header else None,
                "ingested_at": r.ingested_at,
                "records": r.record_count,
                "failures": r.failure_count,
            }
            for r in rows
        ]
        print_json(data)
        return
    table = Table(title=f"{len(rows)} inputs")
    for name in ("ID", "Name", "Format", "Records", "Failures", "Ingested", "sha256"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id),
            Text(r.name),  # a file name is text, not rich markup ("[bold]" is a legal name)
            f"{r.format} v{r.parser_version}",
            str(r.record_count),
            str(r.failure_count),
            r.ingested_at,
            r.sha256[:12],
        )
    console.print(table)


def failures_command(
    ctx: typer.Context,
    *,
    raw: Annotated[bool, typer.Option("--raw", help="Also print each entry's raw text.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list resolved failures, and what resolved them.")
    ] = False,
    resolve: Annotated[
        list[int] | None,
        typer.Option(
            "--resolve",
            help="Mark the failures of this input resolved (repeatable; see `bims inputs`).",
            metavar="INPUT",
        ),
    ] = None,
    resolve_all: Annotated[
        bool, typer.Option("--resolve-all", help="Mark every open failure resolved.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """List the entries that failed to parse, with file, line and the reason.

    Their raw text is kept in the library for ever; --raw prints it. A failure is resolved
    when the same bytes later ingest cleanly (say, with the right --format), or with
    --resolve; resolved ones are listed only with --all.

    Example: bims failures --raw
    """
    with state(ctx).open_library() as library:
        if resolve or resolve_all:
            count = resolve_failures(library, tuple(resolve or ()))
            console.print(f"Marked {count} failures resolved; `bims failures --all` lists them.")
            return
        names = {r.id: r.name for r in library.inputs()}
        failures = library.failures(resolved=show_all)
        open_count = len(library.failures(resolved=False))
    if as_json:
        print_json([_failure_json(f, names) for f in failures])
        return
    if not failures:
        console.print(
            "No entry failed to parse."
            if open_count == 0 and show_all
            else "No open failures (`bims failures --all` also lists resolved ones)."
        )
        return
    for failure in failures:
        resolved = f" [resolved: {failure.resolved_by}]" if failure.resolved_at else ""
        console.print(
            f"{names[failure.input_id]}:{failure.line}: entry {failure.entry}: "
            f"{failure.message}{resolved}",
            markup=False,
        )
        if raw:
            console.print(failure.raw, markup=False)
            console.print()


def _failure_json(failure: FailureRow, names: dict[int, str]) -> dict[str, object]:
    return {
        "id": failure.id,
        "input": failure.input_id,
        "file": names[failure.input_id],
        "line": failure.line,
        "entry": failure.entry,
        "message": failure.message,
        "raw": failure.raw,
        "resolved_at": failure.resolved_at,
        "resolved_by": failure.resolved_by,
    }


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("inputs")(bims_command(inputs_command))
    app.command("failures")(bims_command(failures_command))
