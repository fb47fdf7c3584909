"""An issue as one self-contained HTML page (for an e-mail or a website) or as Markdown (for a
blog).

Every value from a record is data, never markup: HTML escapes it (``html.escape``), Markdown
backslash-escapes every character that could start markup, so a title holding ``<script>``
or ``[x](javascript:…)`` shows as those characters. The only links are to a DOI, built as
``https://doi.org/`` and the percent-encoded DOI.

The page is accessible as it stands: a language, a title, one ``h1``, headings in order
(``h2`` per tag group when grouped, then one per entry), the entries as an ordered list,
styles inline (no external file, no script), and readable without them.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from bimscli.formats._plain_text import number_in_words
from bimscli.model import Record
from bimscli.newsletter.biomednews import journal_line
from bimscli.newsletter.entries import IssueContent, IssueEntry

_UNTAGGED = "Other papers"
_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;max-width:46rem;margin:auto;"
    "padding:1rem;color:#1a1a1a;background:#fff}"
    "h1{font-size:1.6rem}h2{font-size:1.3rem}h3{font-size:1.1rem}"
    ".citation{font-style:italic}.abstract-label{font-weight:bold}a{color:#0645ad}"
)


def doi_url(doi: str) -> str:
    """The https link of a DOI, percent-encoded so that it stays one URL.

    >>> doi_url("10.1000/a b<c>")
    'https://doi.org/10.1000/a%20b%3Cc%3E'
    """
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
"""Characters that start markup anywhere in a line (with ``[`` and ``]`` escaped, ``(``
and ``!`` can no longer make a link or an image)."""
_LINE_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")


def markdown_text(text: str) -> str:
    """Text that Markdown shows as written: every markup character escaped.

    >>> print(markdown_text("<b>1 * 2</b> [x](javascript:alert(1))"))
    \\<b\\>1 \\* 2\\</b\\> \\[x\\](javascript:alert(1))
    >>> print(markdown_text("- not a list"), markdown_text("10.1000/x"))
    \\- not a list 10\\.1000/x
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    """A list or heading marker at the start of a text, escaped (``1.`` as ``1\\.``)."""
    if match.group(2):
        return f"{match.group(1)}\\{match.group(2)}"
    return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"


def _byline(heading_editor: str | None, affiliation: str | None) -> str:
    return ", ".join(p for p in (heading_editor, affiliation) if p)


def _intro(content: IssueContent) -> tuple[str, str]:
    """The page's title and its line under the title."""
    heading = content.heading
    title = f"{heading.topic or heading.report_id}: issue of {heading.issue_date}"
    count = len(content.entries)
    papers = f"{number_in_words(count).capitalize()} {'paper' if count == 1 else 'papers'}"
    by = _byline(heading.editor, heading.affiliation)
    return title, f"{papers} selected by {by}" if by else f"{papers} selected"


def _entry_title(record: Record) -> str:
    return record.title or journal_line(record)


def _authors(record: Record) -> str:
    return "; ".join(a.display_name for a in record.authors)


# Markdown --------------------------------------------------------------------------------------


def _markdown_entry(number: int, entry: IssueEntry) -> list[str]:
    record = entry.record
    lines = [f"{number}. **{markdown_text(_entry_title(record))}**"]
    if record.authors:
        lines.append(f"   {markdown_text(_authors(record))}")
    if record.title:
        lines.append(f"   *{markdown_text(journal_line(record))}*")
    for section in record.abstract:
        label = f"**{markdown_text(section.label)}:** " if section.label else ""
        lines += ["", f"   {label}{markdown_text(section.text)}"]
    if record.keywords:
        lines += ["", f"   Keywords: {markdown_text('; '.join(record.keywords))}"]
    if record.ids.doi:
        shown = markdown_text(record.ids.doi)
        lines += ["", f"   DOI: [{shown}](<{doi_url(record.ids.doi)}>)"]
    return [*lines, ""]


def write_markdown_issue(content: IssueContent) -> str:
    """The issue as Markdown: a title, the editor line, numbered entries (under tag headings
    when grouped)."""
    title, intro = _intro(content)
    lines = [f"# {markdown_text(title)}", "", markdown_text(intro), ""]
    number = 0
    for group in content.groups:
        if len(content.groups) > 1 or group.tag is not None:
            lines += [f"## {markdown_text(group.tag or _UNTAGGED)}", ""]
        for entry in group.entries:
            number += 1
            lines += _markdown_entry(number, entry)
    return "\n".join(lines).rstrip("\n") + "\n"


# HTML ------------------------------------------------------------------------------------------


def _html_entry(entry: IssueEntry, level: int) -> list[str]:
    record = entry.record
    parts = [f"<li><article><h{level}>{escape(_entry_title(record))}</h{level}>"]
    if record.authors:
        parts.append(f"<p>{escape(_authors(record))}</p>")
    if record.title:
        parts.append(f'<p class="citation">{escape(journal_line(record))}</p>')
    for section in record.abstract:
        label = escape(section.label or "")
        label = f'<span class="abstract-label">{label}:</span> ' if label else ""
        parts.append(f"<p>{label}{escape(section.text)}</p>")
    if record.keywords:
        parts.append(f"<p>Keywords: {escape('; '.join(record.keywords))}</p>")
    if record.ids.doi:
        href = escape(doi_url(record.ids.doi), quote=True)
        parts.append(f'<p>DOI: <a href="{href}">{escape(record.ids.doi)}</a></p>')
    return [*parts, "</article></li>"]


def write_html_issue(content: IssueContent) -> str:
    """The issue as one self-contained, accessible HTML page."""
    title, intro = _intro(content)
    grouped = len(content.groups) > 1 or any(g.tag is not None for g in content.groups)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style></head>",
        f"<body><main><header><h1>{escape(title)}</h1><p>{escape(intro)}</p></header>",
    ]
    number = 1
    for group in content.groups:
        if grouped:
            lines.append(f"<section><h2>{escape(group.tag or _UNTAGGED)}</h2>")
        lines.append(f'<ol start="{number}">')
        for entry in group.entries:
            lines += _html_entry(entry, 3 if grouped else 2)
        lines.append("</ol>" + ("</section>" if grouped else ""))
        number += len(group.entries)
    lines.append("</main></body></html>")
    return "\n".join(lines) + "\n"
