"""``bims triage``: one key per new work to select, reject, put aside or tag it.

In a terminal each key acts at once; without one (a pipe, a script, a test) the loop reads
one line per card from standard input, so a triage can be scripted. Either way every key is
saved as it is pressed (see :mod:`bimscli.curation.triage`).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

if sys.platform != "win32":  # the terminal's modes; Windows reads keys with typer.getchar
    import termios
    import tty

import typer
from rich.text import Text

from bimscli.cli.context import bims_command, console, state
from bimscli.cli.status_cmd import print_changes
from bimscli.curation.decisions import default_curator
from bimscli.curation.triage import (
    KEY_HELP,
    MarkedText,
    TriageCard,
    TriageKey,
    TriageSession,
    read_key,
)
from bimscli.store.curation import StatusChange

_MARK_STYLE = "bold black on yellow"


def _marked(part: MarkedText, *, plain: bool) -> Text:
    """The text with its rule-matched words highlighted (``«…»`` without a terminal)."""
    text = Text()
    if part.label:
        text.append(f"{part.label}: ", style="bold")
    done = 0
    for start, end in part.marks:
        if start < done:
            continue
        text.append(part.text[done:start])
        word = part.text[start:end]
        text.append(f"«{word}»" if plain else word, style=_MARK_STYLE)
        done = end
    text.append(part.text[done:])
    return text


def _print_card(card: TriageCard, progress: str, *, plain: bool) -> None:
    console.print(Text(progress, style="dim"))
    title = card.title or MarkedText("(no title in its sources)")
    console.print(Text(f"#{card.work_id} ", style="bold") + _marked(title, plain=plain))
    console.print(Text(" · ".join(p for p in (card.journal, card.date) if p), style="italic"))
    if card.authors:
        console.print(Text("; ".join(card.authors)))
    for section in card.abstract:
        console.print(_marked(section, plain=plain))
    console.print(Text(f"tags: {', '.join(card.tags) or '-'}", style="cyan"))
    console.print(Text(KEY_HELP, style="dim"))


class _Keys:
    """Where keys come from: single key presses in a terminal, else lines of standard input.

    In a terminal the loop puts it in cbreak mode once, for its whole run (and puts it back
    at the end): a key typed while a card is still being printed is kept for the next read,
    where a mode switch at each read (as ``click.getchar`` does) would flush it away.
    """

    def __init__(self) -> None:
        self.plain = not (sys.stdin.isatty() and sys.stdout.isatty())
        self._saved: list[Any] | None = None

    def __enter__(self) -> _Keys:
        if not self.plain and sys.platform != "win32":
            fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd, termios.TCSANOW)
        return self

    def __exit__(self, *_: object) -> None:
        self._restore()

    def _restore(self) -> None:
        if self._saved is not None:
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)

    def key(self) -> str | None:
        """The next key, or ``None`` at the end of the input (Ctrl-D in a terminal)."""
        if self._saved is not None:
            char = os.read(sys.stdin.fileno(), 1).decode("utf-8", "replace")
            return None if char in ("", "\x04") else char
        if not self.plain:
            return typer.getchar()
        console.print("key> ", end="")
        line = sys.stdin.readline()
        return None if line == "" else line

    def tag(self) -> str | None:
        """A tag name typed after ``t`` (a line, with the terminal's editing and echo)."""
        if self.plain:
            console.print("tag> ", end="")
            return sys.stdin.readline().strip() or None
        self._restore()
        try:
            return str(typer.prompt("tag")).strip() or None
        finally:
            if self._saved is not None:
                tty.setcbreak(sys.stdin.fileno(), termios.TCSANOW)


def _report(change: StatusChange | list[str] | None, work_id: int | None) -> None:
    if isinstance(change, StatusChange):
        print_changes([change])
    elif isinstance(change, list):
        console.print(f"work {work_id}: tagged {', '.join(change) or 'nothing new'}")


def _run(session: TriageSession, keys: _Keys) -> None:
    shown: int | None = None
    while (work_id := session.current) is not None:
        if shown != work_id:
            _print_card(session.card(work_id), session.progress(), plain=keys.plain)
            shown = work_id
        typed = keys.key()
        key = TriageKey.QUIT if typed is None else read_key(typed)
        if key is None:
            console.print(f"unknown key {typed.strip()!r}; {KEY_HELP}" if typed else KEY_HELP)
            continue
        if key is TriageKey.QUIT:
            break
        tag = keys.tag() if key is TriageKey.TAG else None
        _report(session.apply(key, tag), work_id)
        if key is TriageKey.UNDO:
            shown = None


def triage_command(
    ctx: typer.Context,
    watch: Annotated[
        str | None,
        typer.Option("--watch", help="Only works that arrived through this watch.", metavar="NAME"),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who decides (default: your login name).", metavar="NAME"),
    ] = None,
) -> None:
    """Go through the new works, newest first: one key each to select (s), reject (r), put
    aside (m), tag (t), undo (u), skip (n, Enter) or quit (q). Every key is saved at once.

    Without a terminal it reads one key per line from standard input.

    Example: bims triage --watch bone-mets
    """
    with state(ctx).open_library() as library:
        session = TriageSession(library, watch=watch, by=by or default_curator())
        if session.current is None:
            console.print("no new works to triage; `bims watch run` brings new ones")
            return
        try:
            with _Keys() as keys:
                _run(session, keys)
        finally:
            console.print(Text(session.progress(), style="bold"))


def register(app: typer.Typer) -> None:
    """Add the command to the application."""
    app.command("triage")(bims_command(triage_command))
