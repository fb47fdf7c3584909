"""The progress bar of ``bims enrich``, ``bims add`` and ``bims ingest --enrich``.

In a module of its own so that the commands load enrichment (and requests) only when they run.
"""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from bimscli import enrich
from bimscli.cli.context import err_console


class EnrichProgressBar(enrich.Progress):
    """A progress bar on stderr when it is a terminal."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        if not err_console.is_terminal or total < 2:
            return
        columns = (TextColumn("enriching"), BarColumn(), MofNCompleteColumn())
        self._bar = Progress(*columns, console=err_console, transient=True)
        self._bar.start()
        self._task = self._bar.add_task("enrich", total=total)

    def advance(self, done: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, done)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._bar = None
