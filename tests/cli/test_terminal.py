"""The console every command prints through: on a real terminal (colours on), the only escape
sequences are rich's own styling; control characters from data are shown as stand-ins."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bimscli.cli.terminal import DataConsole
from bimscli.control_characters import CONTROL_CHARACTER

# What rich writes itself on a colour terminal: SGR sequences (colours, bold) and hyperlinks.
_RICH_STYLING = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b\x07]*(?:\x1b\\|\x07)")


def _printed(console_class: type[Console], *renderables: object) -> str:
    out = io.StringIO()
    console = console_class(file=out, force_terminal=True, color_system="standard", width=80)
    for renderable in renderables:
        console.print(renderable)
    return out.getvalue()


def _table(cells: list[str]) -> Table:
    table = Table("Field", "Value")
    for cell in cells:
        table.add_row(Text(cell, style="bold"), cell)
    return table


def _data_controls(output: str) -> list[str]:
    """The control characters left once rich's own styling is taken out."""
    return CONTROL_CHARACTER.findall(_RICH_STYLING.sub("", output))


TITLE = "SBRT \x1b[31mred\x1b]0;pwned\x07 \x9b2J \x1b]52;c;Y2xpcA==\x07 end"


def test_a_plain_rich_console_sends_escape_sequences_from_data() -> None:
    """What the check below guards against (it is no vacuous pass): rich passes ESC and C1."""
    assert _data_controls(_printed(Console, Text(TITLE), _table([TITLE])))


def test_the_data_console_shows_control_characters_and_keeps_its_colours() -> None:
    output = _printed(DataConsole, Text(TITLE, style="red"), TITLE, _table([TITLE]))
    assert _data_controls(output) == []
    assert "SBRT ␛[31mred␛]0;pwned" in _RICH_STYLING.sub("", output)
    assert "\x1b[31m" in output  # rich's own red, from the style
    assert "\ufffd2J" in output


def test_styles_stay_on_their_characters() -> None:
    text = Text("a\x1bb")
    text.stylize("bold", 2, 3)  # the "b"
    output = _printed(DataConsole, text)
    assert "a␛\x1b[1mb\x1b[0m" in output


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_no_control_character_from_data_reaches_a_terminal(cells: list[str]) -> None:
    output = _printed(DataConsole, *cells, Text(" ".join(cells)), _table(cells))
    assert _data_controls(output) == []
