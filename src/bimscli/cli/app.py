"""The ``bims`` application: global options and the command groups."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bimscli import __version__
from bimscli.cli import (
    config_cmd,
    dedup_cmd,
    enrich_cmd,
    export_cmd,
    ingest_cmd,
    inputs_cmd,
    issue_cmd,
    search_cmd,
    status_cmd,
    tag_cmd,
    triage_cmd,
    watch_cmd,
    works_cmd,
)
from bimscli.cli.config import apply_to_environment, config_path, read_config
from bimscli.cli.context import AppState, report_error
from bimscli.cli.help_names import use_readable_help_names
from bimscli.errors import BimsError
from bimscli.store.location import LIBRARY_ENV, default_library_path

HELP = f"""bims: ingest, deduplicate, tag and export references for biomedical literature curation.

The library is a SQLite file: --library PATH, else ${LIBRARY_ENV}, else the config file's
`library` (bims config show), else {default_library_path()} (the per-user default).

Example: bims ingest newsletter.txt pubmed.xml && bims list
"""

use_readable_help_names()
app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bims {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    library: Annotated[
        str | None,
        typer.Option(
            "--library",
            "-L",
            help=f"The library file (default: ${LIBRARY_ENV}, else the per-user default).",
            metavar="PATH",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Options that apply to every command."""
    try:
        settings = read_config(config_path())
    except BimsError as error:
        if debug:
            raise
        if ctx.invoked_subcommand != "config":  # bims config must still mend a broken file
            report_error(str(error))
            raise typer.Exit(error.exit_code) from None
        settings = {}
    apply_to_environment(settings, os.environ)
    ctx.obj = AppState(library=library, debug=debug, settings=settings)


ingest_cmd.register(app)
enrich_cmd.register(app)
inputs_cmd.register(app)
works_cmd.register(app)
dedup_cmd.register(app)
tag_cmd.register(app)
export_cmd.register(app)
config_cmd.register(app)
status_cmd.register(app)
triage_cmd.register(app)
issue_cmd.register(app)
search_cmd.register(app)
watch_cmd.register(app)


def main() -> None:
    """Entry point of the ``bims`` console script."""
    app(prog_name="bims")
