"""``bims issue export``: an issue's works, in its order, written in the format asked for."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from bimscli.control_characters import without_control_characters
from bimscli.errors import UsageError
from bimscli.newsletter.biomednews import IssueHeading, write_biomednews_issue
from bimscli.newsletter.entries import EntryGroup, IssueContent, IssueEntry, group_by_tag
from bimscli.newsletter.issues import Issue, get_issue
from bimscli.newsletter.web_pages import write_html_issue, write_markdown_issue
from bimscli.store import Library
from bimscli.tagging.library_tags import tags_by_work


class IssueFormat(StrEnum):
    """The formats an issue is written in."""

    BIOMEDNEWS = "biomednews"
    MARKDOWN = "markdown"
    HTML = "html"


def _write_biomednews(content: IssueContent) -> str:
    # The plain-text layout has no headings: grouping by tag only orders the entries.
    return write_biomednews_issue(content.heading, [e.record for e in content.entries])


_WRITERS: dict[IssueFormat, Callable[[IssueContent], str]] = {
    IssueFormat.BIOMEDNEWS: _write_biomednews,
    IssueFormat.MARKDOWN: write_markdown_issue,
    IssueFormat.HTML: write_html_issue,
}


def issue_heading(issue: Issue) -> IssueHeading:
    """The header an issue is written with; the report id is needed by every format."""
    header = issue.header
    if not header.report_id:
        raise UsageError(
            f"issue {issue.number} has no report id; make issues with "
            "`bims issue new --report bims-xxxx` (later issues take it from the last one)"
        )
    return IssueHeading(
        header.report_id, issue.issue_date, header.topic, header.editor, header.affiliation
    )


def issue_content(library: Library, number: int, *, by_tag: bool = False) -> IssueContent:
    """An issue's heading and entries (their shown records and tags), grouped if asked."""
    issue = get_issue(library, number)
    if not issue.work_ids:
        raise UsageError(
            f"issue {number} has no works yet; add some: bims issue add {number} --selected"
        )
    tags = tags_by_work(library)
    # Control characters in data mean nothing in an issue and would reach a reader's terminal.
    entries = [
        IssueEntry(
            work.id, without_control_characters(work.record), tuple(sorted(tags.get(work.id, ())))
        )
        for work in library.works(issue.work_ids)
    ]
    groups = group_by_tag(entries) if by_tag else (EntryGroup(None, tuple(entries)),)
    return IssueContent(issue_heading(issue), groups)


def export_issue(
    library: Library, number: int, format_name: IssueFormat, *, by_tag: bool = False
) -> str:
    """The text of an issue in one format."""
    return _WRITERS[format_name](issue_content(library, number, by_tag=by_tag))
