"""``bims ingest`` on a terminal: a progress bar for large inputs, silence when piped."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

import bimscli.cli.ingest_cmd
import bimscli.ingest
import bimscli.reading_process
from bimscli.cli.app import app
from tests.golden import FIXTURES

runner = CliRunner()
INPUT = FIXTURES / "pubmed-xml" / "traps.xml"


def _ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, terminal: bool
) -> tuple[str, list[bool]]:
    """Ingest INPUT as a large input (read by a child); what stderr's console showed, and
    whether a child read it."""
    stderr = io.StringIO()
    console = Console(file=stderr, force_terminal=terminal, width=120, highlight=False)
    monkeypatch.setattr(bimscli.cli.ingest_cmd, "err_console", console)
    monkeypatch.setattr(bimscli.cli.ingest_cmd, "LARGE_INPUT", 1000)
    monkeypatch.setattr(bimscli.ingest, "CHILD_READS_FROM", 1000)
    children: list[bool] = []
    real = bimscli.reading_process.batches_read_in_process

    def spy(*args: Any, **kwargs: Any) -> Any:
        children.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(bimscli.ingest, "batches_read_in_process", spy)
    library = str(tmp_path / "library.sqlite")
    result = runner.invoke(app, ["--library", library, "ingest", str(INPUT)])
    assert result.exit_code == 0, result.output
    assert "records added" in result.output
    return stderr.getvalue(), children


def test_a_large_input_shows_a_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert INPUT.stat().st_size > 1000
    shown, children = _ingest(tmp_path, monkeypatch, terminal=True)
    assert str(INPUT) in shown
    assert "kB" in shown  # bytes read of the total
    # The bar draws without a thread of its own, so the input was still read by a child.
    assert children == [True]


def test_the_progress_bar_stays_quiet_when_stderr_is_piped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown, children = _ingest(tmp_path, monkeypatch, terminal=False)
    assert shown == ""
    assert children == [True]
