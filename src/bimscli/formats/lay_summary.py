"""A lay-summary web page about one paper, copied as text (e.g. Spinal Cord Research Help).

The page names the paper (title line, then ``<Journal>, <year> · DOI: <url> · Published:
<Month D, YYYY>``) and explains it in plain language under headings such as *Simple
Explanation*, *Key Findings*, *Research Summary*, *Practical Implications* and *Study
Limitations*.

That explanation is the site's, not the paper's abstract: it becomes the record's ``note``,
each part under its heading, and ``abstract`` stays empty. The site's own classification of
the paper (*Evidence Level*, *Study Duration*, *Participants* and the category line such as
*Oncology*) goes to ``extra`` under ``lay-summary-…`` keys, never to ``publication_types``:
it is a judgement of the summary site, not a type the publisher gave. Menus, quick links,
breadcrumbs and the feedback box are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bimscli.formats._dates import date_from_parts, parse_date
from bimscli.formats._plain_text import clean_spaces
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.identifiers import normalize_doi
from bimscli.model import Entry, Identifiers, ParsedRecord, ParseFailure, Position, Record

_SEPARATOR = "[·•|]"
_META = re.compile(
    rf"^(?P<journal>[^·•|]+?),\s*(?P<year>(?:19|20)\d{{2}})"
    rf"(?P<rest>(?:\s*{_SEPARATOR}\s*(?:DOI|Published):[^·•|]+)+)$"
)
_META_PART = re.compile(r"(?P<key>DOI|Published):\s*(?P<value>[^·•|]+)")
_SUMMARY_HEADINGS = (
    "Simple Explanation",
    "Key Findings",
    "Research Summary",
    "Practical Implications",
    "Study Limitations",
)
_FACT_HEADINGS = {
    "Study Duration": "lay-summary-study-duration",
    "Participants": "lay-summary-participants",
    "Evidence Level": "lay-summary-evidence-level",
}
_PAGE_ENDS = ("Your Feedback", "Was this summary helpful?", "Back to ")
_NUMBER_BULLET = re.compile(r"^[•·*-]\s*(\d+)$")


def _find_meta(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if _META.match(line)), None)


def _title_before(lines: list[str], meta: int) -> str | None:
    """The last non-empty line above the journal line."""
    return next((line for line in reversed(lines[:meta]) if line), None)


def _summary_sections(lines: list[str]) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Summary parts under their headings, and the site's facts as ``extra`` pairs."""
    sections: list[tuple[str, list[str]]] = []
    facts: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if not line:
            continue
        if line.startswith(_PAGE_ENDS):
            break
        if line in _SUMMARY_HEADINGS:
            current = []
            sections.append((line, current))
        elif line in _FACT_HEADINGS:
            current = facts
            facts.append(line)
        elif current is None:
            facts.extend(("Category", line))
        else:
            current.append(line)
    return sections, facts


def _join_bullets(lines: list[str]) -> list[str]:
    """``• 1`` followed by its text becomes ``1. text``."""
    out: list[str] = []
    for line in lines:
        if out and (bullet := _NUMBER_BULLET.match(out[-1])):
            out[-1] = f"{bullet.group(1)}. {line}"
        else:
            out.append(line)
    return out


def _facts_to_extra(facts: list[str]) -> tuple[tuple[str, str], ...]:
    """Pairs from the flat ``[heading, value, …]`` list of site facts."""
    extra: list[tuple[str, str]] = []
    key: str | None = None
    for item in facts:
        if item in _FACT_HEADINGS or item == "Category":
            key = _FACT_HEADINGS.get(item, "lay-summary-category")
        elif key is not None:
            extra.append((key, item))
    return tuple(extra)


def _record(lines: list[str], meta_index: int) -> Record:
    meta = _META.match(lines[meta_index])
    assert meta is not None  # _find_meta returned a matching line
    parts = {m.group("key"): m.group("value").strip() for m in _META_PART.finditer(meta["rest"])}
    sections, facts = _summary_sections(lines[meta_index + 1 :])
    note = "\n\n".join("\n".join([heading, *_join_bullets(body)]) for heading, body in sections)
    published = parse_date(parts.get("Published"), exact=True)
    return Record(
        title=_title_before(lines, meta_index),
        journal=meta["journal"].strip(),
        date=published or date_from_parts(meta["year"]),
        ids=Identifiers(doi=normalize_doi(parts.get("DOI"))),
        note=note or None,
        extra=_facts_to_extra(facts),
    )


def parse_lay_summary(text: str) -> Iterator[Entry]:
    """One record for the paper the page summarises, or a failure if the page names none."""
    lines = [clean_spaces(line) for line in text.splitlines()]
    meta_index = _find_meta(lines)
    if meta_index is None:
        if text.strip():
            yield ParseFailure(
                Position(1, 1),
                text,
                "no '<Journal>, <year> · DOI: … · Published: …' line naming the paper; "
                "pass another --format",
            )
        return
    yield ParsedRecord(_record(lines, meta_index), Position(meta_index + 1, 1), text)


def detect_lay_summary(sniff: Sniff) -> float:
    """Sure when a ``<Journal>, <year> · DOI: … · Published: …`` line is there.

    >>> detect_lay_summary(Sniff("T\\n\\nJ Res, 2023 · DOI: 10.1/x · Published: May 1, 2023\\n"))
    0.9
    >>> detect_lay_summary(Sniff("Nature, 2023 was a good year"))
    0.0
    """
    lines = [clean_spaces(line) for line in sniff.head[:20000].splitlines()]
    index = _find_meta(lines)
    if index is None:
        return 0.0
    parts = _META.match(lines[index])
    return 0.9 if parts and "DOI:" in parts["rest"] else 0.6


FORMAT = SourceFormat(
    name="lay-summary",
    title="Lay-summary page about a paper (copied text)",
    version="1",
    priority=30,
    detect=detect_lay_summary,
    parse_text=parse_lay_summary,
)
"""The lay-summary page format."""
