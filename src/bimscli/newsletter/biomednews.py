"""Write a newsletter issue in BiomedNews's plain-text layout, the one seed 000 shows::

    bims-rebome Biomed News
    on Rehabilitation of bone metastases
    Issue of 2025–06–15
    nine papers selected by
    Alberto Selvanetti, Azienda Ospedaliera San Giovanni Addolorata



      1. Cardiovasc Intervent Radiol. 2025 Jun 06.
          Bone is the third most common site for metastases, …
        Keywords:  Bone metastases; Electrochemotherapy (ECT); …
        DOI:  https://doi.org/10.1007/s00270-025-04077-9

The spaces are BiomedNews's own: the date has en dashes, the editor's and affiliation's
words are joined by no-break spaces, the abstract's first line starts with four spaces and
two no-break spaces (and one more space when the abstract has section labels, each label
then starting a line), and ``Keywords:`` and ``DOI:`` are followed by two no-break spaces.
The journal line is PubMed's summary citation (see :func:`journal_line`). A title and the
authors are written, on their own lines before the abstract, when the record has them.

The writer is the inverse of :mod:`bimscli.formats.biomednews`: what it writes reads back
as the same journal, dates, volume, issue, pages, identifiers, abstract and keywords.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bimscli.errors import UsageError
from bimscli.formats._author_names import parse_author_list
from bimscli.formats._plain_text import number_in_words
from bimscli.model import AbstractSection, Author, PartialDate, Record

NBSP = "\u00a0"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class IssueHeading:
    """The header of an issue as written: report id, topic, date (ISO), editor, affiliation."""

    report_id: str
    issue_date: str
    topic: str | None = None
    editor: str | None = None
    affiliation: str | None = None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def citation_date(date: PartialDate) -> str:
    """A date as PubMed's summary citation writes it.

    >>> citation_date(PartialDate(2025, 6, 6)), citation_date(PartialDate(2025, 6))
    ('2025 Jun 06', '2025 Jun')
    """
    parts = [str(date.year)]
    if date.month is not None:
        parts.append(_MONTHS[date.month - 1])
        if date.day is not None:
            parts.append(f"{date.day:02d}")
    return " ".join(parts)


def locator(record: Record) -> str:
    """``volume(issue): pages`` or the article number, as the journal line ends.

    >>> locator(Record(volume="17", issue="1", pages="148"))
    '17(1): 148'
    >>> locator(Record(volume="13", article_number="e71196")), locator(Record(volume="26"))
    ('13 e71196', '26:')
    >>> locator(Record(volume="26", issue="11")), locator(Record(article_number="2192568"))
    ('26(11):', '2192568')
    """
    end = record.pages or record.article_number or ""
    if record.issue is not None:
        return f"{record.volume or ''}({record.issue}):" + (f" {end}" if end else "")
    if record.volume is None:
        return end
    if record.article_number and not record.pages and record.volume.isdigit():
        return f"{record.volume} {end}"
    return f"{record.volume}:" + (f" {end}" if end else "")


def journal_line(record: Record) -> str:
    """The journal line of an entry (without its number).

    A paper with only an online date is *ahead of print*: its line carries the ``pii`` and
    the marker, and no space before the locator, as PubMed writes it. Otherwise a date with
    a day is followed by ``. `` and one without by ``;``.

    >>> from bimscli.model import Identifiers
    >>> journal_line(Record(journal_abbrev="Int J Mol Sci", epub_date=PartialDate(2025, 5, 29),
    ...     ids=Identifiers(pii="5223"), volume="26", issue="11"))
    'Int J Mol Sci. 2025 May 29. pii: 5223. [Epub ahead of print]26(11):'
    >>> journal_line(Record(journal_abbrev="Am Soc Clin Oncol Educ Book",
    ...     date=PartialDate(2025, 6), volume="45", issue="3", article_number="e472854"))
    'Am Soc Clin Oncol Educ Book. 2025 Jun;45(3): e472854'
    """
    when = record.date or record.epub_date
    head = f"{_one_line(record.journal_abbrev or record.journal or '')}."
    if when is not None:
        head += f" {citation_date(when)}"
    end = locator(record)
    if record.date is None and record.epub_date is not None:
        pii = f" pii: {record.ids.pii}." if record.ids.pii else ""
        return f"{head}.{pii} [Epub ahead of print]{end}"
    if not end:
        return f"{head}."
    if when is not None and when.day is None:
        return f"{head};{end}"
    return f"{head}. {end}"


def _initials(given: str) -> str:
    """PubMed's initials of given names: ``JC`` stays, ``Jean-Claude`` becomes ``JC``.

    >>> _initials("Jean-Claude"), _initials("JC"), _initials("Hadas M.")
    ('JC', 'JC', 'HM')
    """
    if given.isupper() and given.isalpha() and len(given) <= 4:
        return given
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)


def author_line(authors: Sequence[Author]) -> str | None:
    """The people as a PubMed author line, or ``None`` when it would not read back as one
    (a reader would take it for a title)."""
    people = [a for a in authors if not a.is_group and a.family]
    if not people:
        return None
    names = [
        " ".join(p for p in (a.family, _initials(a.given or ""), a.suffix) if p) for a in people
    ]
    line = ", ".join(_one_line(n) for n in names) + "."
    parsed = parse_author_list(line)
    if parsed is None or len(parsed) != len(people):
        return None
    return line


def abstract_lines(sections: Sequence[AbstractSection]) -> list[str]:
    """The abstract: one paragraph, or one line per labelled section.

    >>> abstract_lines([AbstractSection("Bone is…")])
    ['    \\xa0\\xa0Bone is…']
    >>> abstract_lines([AbstractSection("A.", "BACKGROUND"), AbstractSection("B.", "METHODS")])
    ['    \\xa0\\xa0 BACKGROUND: A.', '    METHODS: B.']
    """
    texts = [s for s in sections if s.text.strip() or s.label]
    if not texts:
        return []
    if len(texts) == 1 and not texts[0].label:
        return [f"    {NBSP}{NBSP}{_one_line(texts[0].text)}"]
    lines = []
    for index, section in enumerate(texts):
        label = f"{_one_line(section.label)}: " if section.label else ""
        lead = f"    {NBSP}{NBSP} " if index == 0 else "    "
        lines.append(f"{lead}{label}{_one_line(section.text)}")
    return lines


def entry_lines(number: int, record: Record) -> list[str]:
    """The lines of one numbered entry."""
    lines = [f"  {number}. {journal_line(record)}"]
    if record.title:
        lines.append(f"    {_one_line(record.title)}")
    if (people := author_line(record.authors)) is not None:
        lines.append(f"    {people}")
    lines.extend(f"    {_one_line(a.group)}" for a in record.authors if a.group)
    lines.extend(abstract_lines(record.abstract))
    if record.keywords:
        keywords = "; ".join(_one_line(k) for k in record.keywords)
        lines.append(f"    Keywords:{NBSP}{NBSP}{keywords}")
    if record.ids.doi:
        lines.append(f"    DOI:{NBSP}{NBSP}https://doi.org/{record.ids.doi}")
    return lines


def header_lines(heading: IssueHeading, papers: int) -> list[str]:
    """The issue's header, then the three empty lines before the first entry."""
    year, month, day = heading.issue_date.split("-")
    count = number_in_words(papers)
    lines = [f"{heading.report_id} Biomed News"]
    if heading.topic:
        lines.append(f"on {_one_line(heading.topic)}")
    lines.append(f"Issue of {year}\u2013{month}\u2013{day}")
    lines.append(f"{count} {'paper' if papers == 1 else 'papers'} selected by")
    editor = [_one_line(p).replace(" ", NBSP) for p in (heading.editor, heading.affiliation) if p]
    if editor:
        lines.append(", ".join(editor))
    return [*lines, "", "", ""]


def _unwritable(records: Sequence[Record]) -> str | None:
    """Why some entry could not be read back (no journal or no date), naming its number."""
    for number, record in enumerate(records, start=1):
        if not (record.journal_abbrev or record.journal):
            return f"entry {number} has no journal"
        if record.date is None and record.epub_date is None:
            return f"entry {number} has no publication date"
    return None


def write_biomednews_issue(heading: IssueHeading, records: Sequence[Record]) -> str:
    """The whole issue as text, entries numbered from 1 in the order given."""
    problem = _unwritable(records)
    if problem is not None:
        raise UsageError(
            f"{problem}, which every BiomedNews entry starts with; take it out of the issue "
            "(bims issue remove) or export --format markdown"
        )
    lines = header_lines(heading, len(records))
    for number, record in enumerate(records, start=1):
        lines.extend(entry_lines(number, record))
    return "\n".join(lines) + "\n"
