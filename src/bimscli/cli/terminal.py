"""What reaches the terminal: data is shown, never obeyed.

A title, an author, a file name or a raw entry can hold an escape sequence (``ESC [31m``
recolours the terminal, ``ESC ]0;…`` retitles its window, others move the cursor or write to
the clipboard). Every line bims prints goes through a :class:`DataConsole`, which shows each
control character as a visible stand-in
(:func:`~bimscli.control_characters.show_control_characters`), and every JSON document through
:func:`print_json`, which escapes them. rich's own styling and cursor control are untouched: they
are not text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from bimscli.control_characters import (
    CONTROL_CHARACTER,
    escape_json_controls,
    show_control_characters,
)


class DataConsole(Console):
    """A rich console that shows control characters in what it prints instead of sending them.

    Strings and text are made visible before they are laid out (a stand-in is as long as the
    character it replaces, so styles stay on their characters), and every rendered segment is
    checked again after, for text that a renderable made on its own (a progress bar's
    description). rich's ``Text`` drops BEL, BS, VT, FF and CR itself when it is made.
    """

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """Render as rich does, with every control character in the text made visible."""
        return self._visible_segments(super().render(_visible(renderable), options))

    def render_str(self, text: str, **options: Any) -> Text:
        """A string as rich's text, with its control characters made visible first (rich would
        drop BEL, BS, VT, FF and CR silently, and pass on the others)."""
        return super().render_str(show_control_characters(text), **options)

    @staticmethod
    def _visible_segments(segments: Iterable[Segment]) -> Iterator[Segment]:
        for segment in segments:
            if segment.control or not CONTROL_CHARACTER.search(segment.text):
                yield segment
            else:
                yield Segment(show_control_characters(segment.text), segment.style)


def _visible(renderable: RenderableType) -> RenderableType:
    if isinstance(renderable, str):
        return show_control_characters(renderable)
    if isinstance(renderable, Text) and CONTROL_CHARACTER.search(renderable.plain):
        visible = renderable.copy()
        visible.plain = show_control_characters(visible.plain)
        return visible
    return renderable


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout, non-ASCII text as it is and control characters
    escaped (``json`` escapes C0, :func:`escape_json_controls` DEL and C1)."""
    typer.echo(escape_json_controls(json.dumps(data, ensure_ascii=False, indent=2)))
