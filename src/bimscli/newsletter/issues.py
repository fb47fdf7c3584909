"""Newsletter issues kept in the library: their header and their works, in order.

An issue is numbered 1, 2, 3 … in the library; its header is what a BiomedNews issue opens
with (report id, topic, issue date, editor and affiliation). A work appears in an issue at
most once; when deduplication merges two works, the entry moves to the surviving work like
every row that belongs to a work (:mod:`bimscli.store.work_clusters`).

Defaults for the report, topic and editor come from :class:`IssueDefaults`: the caller passes
the config file's (``bims config set report|topic|editor``), and what they leave open comes
from the latest issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bimscli.errors import NotFoundError, UsageError
from bimscli.model import CurationStatus
from bimscli.store import Library
from bimscli.store.curation import works_with_status
from bimscli.store.library import now_iso


@dataclass(frozen=True, slots=True)
class IssueDefaults:
    """What a new issue's header says unless told otherwise."""

    report_id: str | None = None
    topic: str | None = None
    editor: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    """One newsletter issue: its number, header and works in the order they appear."""

    number: int
    issue_date: str
    header: IssueDefaults
    work_ids: tuple[int, ...] = ()


def split_editor_line(text: str) -> tuple[str, str | None]:
    """``"NAME, AFFILIATION"`` as (name, affiliation); the affiliation may hold commas.

    >>> split_editor_line("Alberto Selvanetti, Azienda Ospedaliera, Roma")
    ('Alberto Selvanetti', 'Azienda Ospedaliera, Roma')
    >>> split_editor_line("Thomas Krichel")
    ('Thomas Krichel', None)
    """
    name, _, affiliation = text.partition(",")
    return " ".join(name.split()), " ".join(affiliation.split()) or None


def _checked_date(text: str | None) -> str:
    """An issue date as ISO ``YYYY-MM-DD`` (default today)."""
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"not a date: {text!r}; write the issue date as 2025-06-15") from None


def last_issue_defaults(library: Library) -> IssueDefaults:
    """The header of the latest issue, as defaults for the next one."""
    row = library.connection.execute(
        "SELECT report_id, topic, editor, affiliation FROM newsletter_issues"
        " ORDER BY number DESC LIMIT 1"
    ).fetchone()
    return IssueDefaults(*row) if row else IssueDefaults()


def _merged(given: IssueDefaults, fallback: IssueDefaults) -> IssueDefaults:
    """Each field as given, else from the fallback."""
    return IssueDefaults(
        *(a if a is not None else b for a, b in zip(_fields(given), _fields(fallback), strict=True))
    )


def _fields(defaults: IssueDefaults) -> tuple[str | None, ...]:
    return (defaults.report_id, defaults.topic, defaults.editor, defaults.affiliation)


def create_issue(
    library: Library,
    issue_date: str | None,
    given: IssueDefaults,
    defaults: IssueDefaults | None = None,
) -> Issue:
    """A new, empty issue: header fields as given, else from ``defaults`` (a configuration
    file's), else from the latest issue."""
    header = _merged(given, _merged(defaults or IssueDefaults(), last_issue_defaults(library)))
    when = _checked_date(issue_date)
    with library.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO newsletter_issues (issue_date, report_id, topic, editor, affiliation,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (when, *_fields(header), now_iso()),
        )
    return Issue(int(cursor.lastrowid or 0), when, header)


def get_issue(library: Library, number: int) -> Issue:
    """The issue with this number, with its works."""
    row = library.connection.execute(
        "SELECT issue_date, report_id, topic, editor, affiliation FROM newsletter_issues"
        " WHERE number = ?",
        (number,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no issue {number}; see `bims issue list`")
    works = library.connection.execute(
        "SELECT work_id FROM newsletter_entries WHERE issue_number = ? ORDER BY position, work_id",
        (number,),
    )
    return Issue(number, row[0], IssueDefaults(*row[1:]), tuple(int(w) for (w,) in works))


def list_issues(library: Library) -> list[Issue]:
    """Every issue, oldest first."""
    numbers = library.connection.execute("SELECT number FROM newsletter_issues ORDER BY number")
    return [get_issue(library, int(n)) for (n,) in numbers.fetchall()]


def add_works(library: Library, number: int, work_ids: Sequence[int]) -> list[int]:
    """Append works to an issue (in the order given); returns those that were not in it."""
    issue = get_issue(library, number)
    for work_id in work_ids:
        library.work(work_id)  # an unknown or merged id says where to look
    new = [w for w in dict.fromkeys(work_ids) if w not in issue.work_ids]
    start = len(issue.work_ids)
    with library.transaction() as conn:
        conn.executemany(
            "INSERT INTO newsletter_entries (issue_number, work_id, position, added_at)"
            " VALUES (?, ?, ?, ?)",
            [(number, w, start + i, now_iso()) for i, w in enumerate(new)],
        )
    return new


def add_selected(library: Library, number: int) -> list[int]:
    """Append every selected work that is in no issue yet; returns them."""
    in_issues = {
        int(w) for (w,) in library.connection.execute("SELECT work_id FROM newsletter_entries")
    }
    selected = works_with_status(library, CurationStatus.SELECTED.value)
    return add_works(library, number, [w for w in selected if w not in in_issues])


def remove_works(library: Library, number: int, work_ids: Sequence[int]) -> list[int]:
    """Take works out of an issue; one that is not in it is a :class:`NotFoundError`."""
    issue = get_issue(library, number)
    missing = [w for w in work_ids if w not in issue.work_ids]
    if missing:
        raise NotFoundError(f"work {missing[0]} is not in issue {number}; see `bims issue show`")
    with library.transaction() as conn:
        conn.executemany(
            "DELETE FROM newsletter_entries WHERE issue_number = ? AND work_id = ?",
            [(number, w) for w in work_ids],
        )
    return list(dict.fromkeys(work_ids))
