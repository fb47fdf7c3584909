"""What every command shares: what a writer tells other writers waiting for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from bimscli.cli.context import AppState, bims_command, report_waiting, state
from bimscli.store.write_lock import LockHolder


def _app() -> typer.Typer:
    """A command shaped like ``bims ingest``: arguments and an option."""
    app = typer.Typer()

    @app.callback()
    def options(ctx: typer.Context) -> None:
        ctx.obj = AppState()

    def ingest(
        ctx: typer.Context,
        paths: Annotated[list[str], typer.Argument()],
        format_name: Annotated[str | None, typer.Option("--format")] = None,
    ) -> None:
        typer.echo(state(ctx).activity)

    app.command("ingest")(bims_command(ingest))
    return app


def test_a_command_tells_waiting_writers_its_name_and_arguments_not_its_options() -> None:
    result = CliRunner().invoke(_app(), ["ingest", "--format", "ris", "a.ris", "b.ris"])
    assert result.exit_code == 0, result.output
    assert result.output == "ingest a.ris b.ris\n"


def test_the_waiting_line_names_the_holder_and_passes_no_escape_sequence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    since = datetime(2026, 12, 4, 7, 1, tzinfo=UTC)
    report_waiting(LockHolder(4242, "lab", "ingest \x1b]0;owned\x07\x1b[31mred.ris", since))
    err = capsys.readouterr().err
    assert err.startswith("waiting for another bims to finish: ingest ?]0;owned??[31mred.ris")
    assert "(pid 4242, since " in err
    assert not any(ord(c) < 0x20 and c != "\n" for c in err)


def test_a_holder_that_does_not_name_itself_is_waited_for_all_the_same(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report_waiting(None)
    assert capsys.readouterr().err == (
        "waiting for another program to finish writing to the library\n"
    )
