"""``bims issue``: newsletter issues, their works, and writing them out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bimscli.cli.context import bims_command, console, state
from bimscli.errors import InputError, UsageError
from bimscli.newsletter.export import IssueFormat, export_issue
from bimscli.newsletter.issues import (
    IssueDefaults,
    add_selected,
    add_works,
    create_issue,
    get_issue,
    list_issues,
    remove_works,
    split_editor_line,
)
from bimscli.store.curation import current_statuses

Number = Annotated[
    int, typer.Argument(help="The issue's number, as `bims issue list` shows it.", metavar="N")
]


def config_defaults(settings: Mapping[str, str]) -> IssueDefaults:
    """Defaults for new issues from the config file (``bims config set report|topic|editor``);
    what it does not say comes from the latest issue."""
    editor = settings.get("editor")
    name, affiliation = split_editor_line(editor) if editor else (None, None)
    return IssueDefaults(settings.get("report"), settings.get("topic"), name, affiliation)


def new_command(
    ctx: typer.Context,
    issue_date: Annotated[
        str | None,
        typer.Argument(help="The issue date, 2025-06-15 (default: today).", metavar="DATE"),
    ] = None,
    report: Annotated[
        str | None, typer.Option("--report", help="The report id, e.g. bims-rebome.", metavar="ID")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="The report's topic.", metavar="TEXT")
    ] = None,
    editor: Annotated[
        str | None,
        typer.Option("--editor", help="The editor and affiliation.", metavar='"NAME, AFFILIATION"'),
    ] = None,
) -> None:
    """Start a new newsletter issue; what is not given comes from the config file (`bims
    config set report|topic|editor`), else from the latest issue.

    Example: bims issue new 2025-06-15 --report bims-rebome --topic "Rehabilitation of bone
    metastases" --editor "Alberto Selvanetti, Azienda Ospedaliera San Giovanni Addolorata"
    """
    name, affiliation = split_editor_line(editor) if editor else (None, None)
    given = IssueDefaults(report, topic, name, affiliation)
    with state(ctx).open_library() as library:
        issue = create_issue(library, issue_date, given, config_defaults(state(ctx).settings))
    header = issue.header
    console.print(
        Text(f"issue {issue.number} of {issue.issue_date}: {header.report_id or '(no report)'}, ")
        + Text(f"{header.topic or '(no topic)'}, {header.editor or '(no editor)'}")
    )


def add_command(
    ctx: typer.Context,
    number: Number,
    work_ids: Annotated[
        list[int] | None, typer.Argument(help="Work ids to add.", metavar="ID...")
    ] = None,
    selected: Annotated[
        bool, typer.Option("--selected", help="Add every selected work not yet in an issue.")
    ] = False,
) -> None:
    """Add works to an issue, in the order given (--selected: every selected work that is in
    no issue yet).

    Example: bims issue add 3 --selected
    """
    if not work_ids and not selected:
        raise UsageError("name works to add, or use --selected")
    with state(ctx).open_library() as library:
        added = add_works(library, number, work_ids or [])
        if selected:
            added += add_selected(library, number)
        total = len(get_issue(library, number).work_ids)
    shown = ", ".join(map(str, added)) or "nothing new"
    console.print(f"issue {number}: added {shown} ({total} works)")


def remove_command(
    ctx: typer.Context,
    number: Number,
    work_ids: Annotated[list[int], typer.Argument(help="Work ids to take out.", metavar="ID...")],
) -> None:
    """Take works out of an issue.

    Example: bims issue remove 3 12
    """
    with state(ctx).open_library() as library:
        removed = remove_works(library, number, work_ids)
    console.print(f"issue {number}: removed {', '.join(map(str, removed))}")


def list_command(ctx: typer.Context) -> None:
    """Every issue with its date, report, topic and number of works.

    Example: bims issue list
    """
    with state(ctx).open_library() as library:
        issues = list_issues(library)
    if not issues:
        console.print("no issues yet; start one: bims issue new")
        return
    table = Table(title=f"{len(issues)} issues")
    for column in ("N", "Date", "Report", "Topic", "Editor", "Works"):
        table.add_column(column)
    for issue in issues:
        header = issue.header
        cells = (header.report_id, header.topic, header.editor)
        table.add_row(
            str(issue.number),
            issue.issue_date,
            *(Text(c or "") for c in cells),
            str(len(issue.work_ids)),
        )
    console.print(table)


def show_command(ctx: typer.Context, number: Number) -> None:
    """An issue's header and its works, in order.

    Example: bims issue show 3
    """
    with state(ctx).open_library() as library:
        issue = get_issue(library, number)
        works = list(library.works(issue.work_ids))
        statuses = current_statuses(library, issue.work_ids)
    header = issue.header
    console.print(Text(f"issue {number} of {issue.issue_date}: {header.report_id or ''}"))
    console.print(Text(f"on {header.topic or '(no topic)'}, selected by {header.editor or '?'}"))
    for position, work in enumerate(works, start=1):
        record = work.record
        label = record.title or f"({record.journal_abbrev or record.journal or 'no journal'})"
        status = statuses.get(work.id, "none")
        console.print(Text(f"{position:3}. #{work.id} [{status}] {record.year or ''} {label}"))


def export_command(
    ctx: typer.Context,
    number: Number,
    format_name: Annotated[
        IssueFormat, typer.Option("--format", "-f", help="The layout to write.")
    ] = IssueFormat.BIOMEDNEWS,
    by_tag: Annotated[
        bool,
        typer.Option(
            "--by-tag",
            help="Group entries by their first tag (a heading each in markdown and html).",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE instead of stdout.", metavar="FILE"),
    ] = None,
) -> None:
    """Write an issue out: biomednews (the plain-text layout bims reads back), markdown for a
    blog, or one self-contained html page.

    Example: bims issue export 3 --format biomednews -o issue-3.txt
    """
    with state(ctx).open_library() as library:
        text = export_issue(library, number, format_name, by_tag=by_tag)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror}; choose another -o") from error
    console.print(f"issue {number} written to {output}")


def register(app: typer.Typer) -> None:
    """Add the command group to the application."""
    issue_app = typer.Typer(
        rich_markup_mode=None,
        no_args_is_help=True,
        help="Newsletter issues: start one, add the selected works, export it.\n\n"
        "Example: bims issue new && bims issue add 1 --selected && bims issue export 1",
    )
    for name, command in (
        ("new", new_command),
        ("add", add_command),
        ("remove", remove_command),
        ("list", list_command),
        ("show", show_command),
        ("export", export_command),
    ):
        issue_app.command(name)(bims_command(command))
    app.add_typer(issue_app, name="issue")
