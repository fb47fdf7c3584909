"""The header of a BiomedNews issue: report id, topic, issue date, paper count, editor.

Fields come out in this order: ``report_id``, ``topic``, ``issue_date`` (ISO), ``papers``
(digits), ``papers_written`` (``words`` or ``digits``, as the issue wrote the count),
``editor`` and ``affiliation``. The editor and affiliation come on one line joined by a comma
(no-break spaces inside are made plain spaces) or on two lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bimscli.formats._dates import date_from_parts
from bimscli.formats._plain_text import DASHES, clean_spaces, number_from_words
from bimscli.model import DocumentHeader, ParseFailure, Position

_REPORT = re.compile(r"^(?P<id>[\w-]+) Biomed News$", re.IGNORECASE)
_TOPIC = re.compile(r"^on (?P<topic>.+)$")
_ISSUE = re.compile(
    rf"^Issue of (?P<y>\d{{4}})[{DASHES}](?P<m>\d{{1,2}})[{DASHES}](?P<d>\d{{1,2}})$"
)
_COUNT = re.compile(rf"^(?P<count>[\w{DASHES}]+) papers? selected by$", re.IGNORECASE)


def _field_of(line: str) -> list[tuple[str, str]] | None:
    """The header fields one line gives, or ``None`` when it is not a known header line."""
    if match := _REPORT.match(line):
        return [("report_id", match.group("id"))]
    if match := _ISSUE.match(line):
        date = date_from_parts(*match.group("y", "m", "d"))
        return [("issue_date", date.iso)] if date is not None and date.day is not None else None
    if match := _COUNT.match(line):
        count = number_from_words(match.group("count"))
        if count is None:
            return None
        written = "digits" if match.group("count").isdigit() else "words"
        return [("papers", str(count)), ("papers_written", written)]
    if match := _TOPIC.match(line):
        return [("topic", match.group("topic"))]
    return None


def split_editor(lines: list[str]) -> list[tuple[str, str]]:
    """``editor`` and ``affiliation`` from the lines after ``… papers selected by``.

    >>> split_editor(["Alberto\\u00a0Selvanetti,\\u00a0Azienda\\u00a0Ospedaliera"])
    [('editor', 'Alberto Selvanetti'), ('affiliation', 'Azienda Ospedaliera')]
    >>> split_editor(["Thomas Krichel", "Open Library Society"])
    [('editor', 'Thomas Krichel'), ('affiliation', 'Open Library Society')]
    """
    lines = [clean_spaces(line) for line in lines if line.strip()]
    if not lines:
        return []
    if len(lines) == 1:
        name, _, affiliation = lines[0].partition(",")
    else:
        name, affiliation = lines[0], ", ".join(lines[1:])
    fields = [("editor", name.strip())]
    if affiliation.strip():
        fields.append(("affiliation", affiliation.strip()))
    return fields


def parse_issue_header(lines: list[str]) -> Iterator[DocumentHeader | ParseFailure]:
    """The header fields, and a failure for lines before the editor that are not header lines.

    Lines after ``… papers selected by`` are the editor and affiliation.
    """
    fields: list[tuple[str, str]] = []
    unknown: list[tuple[int, str]] = []
    editor: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = clean_spaces(raw)
        if not line:
            continue
        known = None if any(k == "papers" for k, _ in fields) else _field_of(line)
        if known is not None:
            fields.extend(known)
        elif any(k == "papers" for k, _ in fields):
            editor.append(line)
        else:
            unknown.append((number, raw))
    fields.extend(split_editor(editor))
    if fields:
        yield DocumentHeader(tuple(sorted(fields, key=lambda kv: _ORDER.index(kv[0]))))
    if unknown:
        yield ParseFailure(
            Position(unknown[0][0], 0),
            "\n".join(raw for _, raw in unknown),
            "text before the first numbered entry is not a BiomedNews header line "
            "('<id> Biomed News', 'on <topic>', 'Issue of <date>', '<n> papers selected by')",
        )


_ORDER = ("report_id", "topic", "issue_date", "papers", "papers_written", "editor", "affiliation")
