"""Progress on long work: drawn on a terminal's stderr only, and gone when the work is done."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import bimscli.cli.progress
from bimscli.cli.progress import CountProgressBar, working


@pytest.mark.parametrize("terminal", [True, False])
def test_a_spinner_runs_on_a_terminal_only(terminal: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    console = Console(file=stderr, force_terminal=terminal, width=80)
    monkeypatch.setattr(bimscli.cli.progress, "err_console", console)
    with working("deduplicating 5 source records"):
        pass
    drawn = stderr.getvalue()
    assert ("deduplicating 5 source records" in drawn) is terminal
    if not terminal:
        assert drawn == ""


def test_the_bar_counts_items_with_its_label(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    console = Console(file=stderr, force_terminal=True, width=80)
    monkeypatch.setattr(bimscli.cli.progress, "err_console", console)
    bar = CountProgressBar("tagging")
    bar.start(10)
    bar.advance(4)
    bar.finish()
    assert "tagging" in stderr.getvalue()
    assert "4/10" in stderr.getvalue()
