"""``bims select/reject/maybe ID...`` and ``bims status``: a curator's decisions on works."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, state
from bimscli.curation.decisions import default_curator, set_status, undo_status
from bimscli.store.curation import StatusChange, history, status_conflicts, status_of

WorkIds = Annotated[
    list[int], typer.Argument(help="Work ids, as `bims list` shows them.", metavar="ID...")
]
By = Annotated[
    str | None,
    typer.Option("--by", help="Who decides (default: your login name).", metavar="NAME"),
]


def _shown(status: str | None) -> str:
    return status or "none"


def print_changes(changes: list[StatusChange]) -> None:
    """One line per work: its status before and after."""
    for change in changes:
        if change.before == change.after:
            console.print(f"work {change.work_id}: already {_shown(change.after)}")
        else:
            console.print(
                f"work {change.work_id}: {_shown(change.before)} -> {_shown(change.after)}"
            )


def _decide(ctx: typer.Context, work_ids: list[int], status: str, by: str | None) -> None:
    with state(ctx).open_library() as library:
        changes = set_status(library, work_ids, status, by=by or default_curator())
    print_changes(changes)


def select_command(ctx: typer.Context, work_ids: WorkIds, by: By = None) -> None:
    """Select works for the next newsletter issue (status `selected`).

    Example: bims select 12 15 --by alberto
    """
    _decide(ctx, work_ids, "selected", by)


def reject_command(ctx: typer.Context, work_ids: WorkIds, by: By = None) -> None:
    """Reject works (status `rejected`); `bims status undo ID` takes it back.

    Example: bims reject 13
    """
    _decide(ctx, work_ids, "rejected", by)


def maybe_command(ctx: typer.Context, work_ids: WorkIds, by: By = None) -> None:
    """Put works aside to decide later (status `maybe`).

    Example: bims maybe 14
    """
    _decide(ctx, work_ids, "maybe", by)


def undo_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work's id.", metavar="ID")],
    by: By = None,
) -> None:
    """Undo a work's latest status change: its previous status comes back.

    Example: bims status undo 12
    """
    with state(ctx).open_library() as library:
        change = undo_status(library, work_id, by=by or default_curator())
    print_changes([change])


def show_command(
    ctx: typer.Context,
    work_id: Annotated[int, typer.Argument(help="The work's id.", metavar="ID")],
) -> None:
    """A work's status and its whole history: who decided what, and when.

    Example: bims status show 12
    """
    with state(ctx).open_library() as library:
        library.work(work_id)  # an unknown or merged id says where to look
        events = history(library, work_id)
        current = status_of(library, work_id)
    console.print(f"work {work_id}: {_shown(current)}")
    table = Table(show_edge=False, box=None)
    for column in ("When", "Change", "Status", "By", "Note"):
        table.add_column(column)
    for event in events:
        change = event.action
        if event.origin_work != work_id:  # written for a work merged into this one
            change += f" (on work {event.origin_work})"
        note = "; ".join(n for n in (event.origin, event.note) if n)
        table.add_row(
            event.at,
            change,
            f"{_shown(event.previous)} -> {_shown(event.status)}",
            Text(event.by or ""),
            Text(note),
        )
    if events:
        console.print(table)


def conflicts_command(ctx: typer.Context) -> None:
    """Works merged by deduplication that carried different decisions.

    The merged work keeps the strongest (selected > maybe > rejected > new); check these and
    decide again where needed.

    Example: bims status conflicts
    """
    with state(ctx).open_library() as library:
        conflicts = status_conflicts(library)
    if not conflicts:
        console.print("no conflicting decisions")
        return
    for event in conflicts:
        console.print(Text(f"work {event.work_id} ({event.at}): kept {event.status}; {event.note}"))


def register(app: typer.Typer) -> None:
    """Add the commands to the application."""
    app.command("select")(bims_command(select_command))
    app.command("reject")(bims_command(reject_command))
    app.command("maybe")(bims_command(maybe_command))
    status_app = typer.Typer(
        rich_markup_mode=None,
        no_args_is_help=True,
        help="A work's curation status: its history, undo, conflicts after merges.\n\n"
        "Example: bims status undo 12",
    )
    status_app.command("undo")(bims_command(undo_command))
    status_app.command("show")(bims_command(show_command))
    status_app.command("conflicts")(bims_command(conflicts_command))
    app.add_typer(status_app, name="status")
