"""Progress on long library work: a bar for work counted in items (tagging, enriching), a
spinner with the elapsed time for work that is one long step (deduplicating a library,
formatting a bibliography, searching every work)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from bimscli import progress
from bimscli.cli.context import err_console


class CountProgressBar(progress.Progress):
    """A progress bar on stderr when it is a terminal; nothing otherwise, or for one item."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        if not err_console.is_terminal or total < 2:
            return
        columns = (TextColumn(self._label), BarColumn(), MofNCompleteColumn())
        self._bar = Progress(*columns, console=err_console, transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self._label, total=total)

    def advance(self, done: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, done)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._bar = None


@contextmanager
def working(description: str) -> Iterator[None]:
    """A spinner with the elapsed time on a terminal's stderr while the block runs; nothing
    when stderr is not a terminal."""
    if not err_console.is_terminal:
        yield
        return
    columns = (SpinnerColumn(), TextColumn(description), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as spinner:
        spinner.add_task(description, total=None)
        yield
