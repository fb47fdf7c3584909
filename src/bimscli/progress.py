"""How library code reports progress on long work, without printing: the CLI draws it.

Long operations (tagging a library, enriching works) take a :class:`Progress` and tell it how
much there is and how much is done; the default does nothing, and the CLI passes a subclass
that draws a progress bar on a terminal.
"""

from __future__ import annotations


class Progress:
    """Receives progress of a run counted in items; the default shows nothing."""

    def start(self, total: int) -> None:
        """``total`` items are planned."""

    def advance(self, done: int) -> None:
        """``done`` more items are finished."""

    def finish(self) -> None:
        """The run is over."""
