"""``bims inputs`` and ``bims failures``: what was ingested, and what did not parse."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, state
from bimscli.cli.terminal import print_json


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
    raw: Annotated[bool, typer.Option("--raw", help="Also print each entry's raw text.")] = False,
) -> None:
    """List the entries that failed to parse, with file, line and the reason.

    Their raw text is kept in the library; --raw prints it.

    Example: bims failures --raw
    """
    with state(ctx).open_library() as library:
        names = {r.id: r.name for r in library.inputs()}
        failures = library.failures()
    if not failures:
        console.print("No entry failed to parse.")
        return
    for failure in failures:
        console.print(
            f"{names[failure.input_id]}:{failure.line}: entry {failure.entry}: {failure.message}",
            markup=False,
        )
        if raw:
            console.print(failure.raw, markup=False)
            console.print()


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("inputs")(bims_command(inputs_command))
    app.command("failures")(bims_command(failures_command))
