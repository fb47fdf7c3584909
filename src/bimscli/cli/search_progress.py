"""The progress bar of ``bims search`` and ``bims watch run``.

In a module of its own so that the commands load the search stage (and requests) only when they
run.
"""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from bimscli import search
from bimscli.cli.context import err_console


class SearchProgressBar(search.Progress):
    """A progress bar of records fetched, on stderr when it is a terminal."""

    def __init__(self, label: str = "fetching") -> None:
        self.label = label
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        if not err_console.is_terminal or total < 1:
            return
        columns = (TextColumn(self.label), BarColumn(), MofNCompleteColumn())
        self._bar = Progress(*columns, console=err_console, transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total)

    def advance(self, done: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, done)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._bar = None
