"""``bims show ID`` as a page for people: citation-style fields, each with a small marker
naming the sources it came from, the abstract as paragraphs, and a legend of the sources.

Every value from the data is a :class:`rich.text.Text` (never markup), so a ``[`` in a title
is a bracket and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bimscli.export.citation_text import (
    citation_authors,
    citation_date,
    identifier_links,
    journal_location,
)
from bimscli.export.work_facts import WorkFacts
from bimscli.model import MeshHeading, Record
from bimscli.store.rows import SourceRecordRow, WorkRow

Row = tuple[str, str, Sequence[str]]
"""A line of the page: label, value, and the provenance keys whose sources it shows."""


def mesh_text(heading: MeshHeading) -> str:
    """A MeSH heading with its qualifiers, major topics starred as PubMed does.

    >>> from bimscli.model import MeshQualifier
    >>> surgery = MeshQualifier("surgery", major=True)
    >>> mesh_text(MeshHeading("Spinal Neoplasms", qualifiers=(surgery,)))
    'Spinal Neoplasms/surgery*'
    >>> mesh_text(MeshHeading("Humans", major=True))
    'Humans*'
    """
    star = "*" if heading.major else ""
    if not heading.qualifiers:
        return heading.descriptor + star
    return "; ".join(
        f"{heading.descriptor}{star}/{q.name}{'*' if q.major else ''}" for q in heading.qualifiers
    )


def _mesh_value(record: Record) -> str:
    shown = "; ".join(mesh_text(m) for m in record.mesh)
    return f"{shown}  (*: major topic)" if any(m.is_major for m in record.mesh) else shown


def _date_value(record: Record) -> str:
    shown = citation_date(record.date) if record.date else ""
    if record.epub_date and record.epub_date != record.date:
        epub = f"epub {citation_date(record.epub_date)}"
        shown = f"{shown} ({epub})" if shown else epub
    return shown


def _journal_rows(record: Record) -> Iterator[Row]:
    journal = record.journal_abbrev or record.journal
    if journal:
        where = journal_location(record)
        keys = ("journal_abbrev", "journal", "volume", "issue", "pages", "article_number")
        # "Global Spine J: 21925682251347247": a bare article number needs its colon.
        joint = " " if record.volume or record.issue else ": "
        yield "Journal", joint.join(p for p in (journal, where) if p), keys
    elif journal_location(record):
        yield "Issue", journal_location(record), ("volume",)
    if record.journal and record.journal_abbrev and record.journal != record.journal_abbrev:
        yield "", record.journal, ("journal",)
    if record.publisher:
        yield "Publisher", record.publisher, ("publisher",)
    if record.issn:
        yield "ISSN", ", ".join(record.issn), ("issn",)


def _id_rows(record: Record) -> Iterator[Row]:
    keys = {"DOI": "ids.doi", "PubMed": "ids.pmid", "PMC": "ids.pmcid", "arXiv": "ids.arxiv"}
    for label, link in identifier_links(record.ids):
        yield label, link, (keys.get(label, "ids.url"),)
    ids = record.ids
    for label, value, key in (("PII", ids.pii, "ids.pii"), ("S2", ids.s2, "ids.s2")):
        if value:
            yield label, value, (key,)
    if ids.isbn:
        yield "ISBN", ", ".join(ids.isbn), ("ids.isbn",)
    for kind, value in ids.other:
        yield kind, value, ("ids.other",)


def field_rows(record: Record) -> list[Row]:
    """The page's lines for a record's fields, in reading order; empty fields are left out."""
    rows: list[Row] = [
        ("Title", record.title or "(no title in its sources)", ("title",)),
        ("Original", record.original_title or "", ("original_title",)),
        ("Authors", citation_authors(record), ("authors",)),
        ("Date", _date_value(record), ("date", "epub_date")),
        *_journal_rows(record),
        ("Type", str(record.type).replace("-", " "), ("type",)),
        ("Pub. types", "; ".join(record.publication_types), ("publication_types",)),
        ("Language", record.language or "", ("language",)),
        *_id_rows(record),
        ("Keywords", "; ".join(record.keywords), ("keywords",)),
        ("MeSH", _mesh_value(record), ("mesh",)),
    ]
    for link in record.related:
        shown = link.citation or link.doi or link.pmid or ""
        rows.append((link.relation.replace("-", " ").capitalize(), shown, ("related",)))
    rows += [(name, value, ("extra",)) for name, value in record.extra]
    if record.cited_references:
        rows.append(("Cites", f"{len(record.cited_references)} references", ("cited_references",)))
    return [row for row in rows if row[1]]


def fact_rows(facts: WorkFacts) -> list[tuple[str, str]]:
    """The page's lines for what the library adds: tags, key, status, merged-away ids."""
    rows: list[tuple[str, str]] = []
    for origin, label in (("rule", "Tags (rules)"), ("manual", "Tags (yours)")):
        if tags := facts.tags_of(origin):
            rows.append((label, ", ".join(tags)))
    if facts.citation_key:
        aliases = f" (also {', '.join(facts.key_aliases)})" if facts.key_aliases else ""
        rows.append(("Cite key", facts.citation_key + aliases))
    if facts.status:
        rows.append(("Status", facts.status))
    if facts.merged_ids:
        rows.append(("Merged ids", ", ".join(str(i) for i in facts.merged_ids)))
    return rows


def _marker(keys: Sequence[str], provenance: dict[str, list[int]], number: dict[int, int]) -> str:
    found = sorted({number[r] for k in keys for r in provenance.get(k, []) if r in number})
    return "[" + ",".join(map(str, found)) + "]" if found else ""


def source_legend(source: SourceRecordRow, number: int) -> str:
    """One source in the legend: its marker, format and file:line, then on a line of its own
    the record's id, entry number and the input's own key for it."""
    key = f", key {source.source_key}" if source.source_key else ""
    return (
        f"[{number}] {source.input.format}: {source.input.name}:{source.line}\n"
        f"    record #{source.id}, entry {source.entry}{key}"
    )


def _abstract(record: Record, marker: str) -> list[RenderableType]:
    heading = Text("Abstract", style="bold")
    if marker:
        heading.append(f" {marker}", style="dim")
    parts: list[RenderableType] = [heading]
    for section in record.abstract:
        paragraph = Text()
        if section.label:
            paragraph.append(f"{section.label}: ", style="bold")
        paragraph.append(section.text)
        parts.append(paragraph)
    return parts


def show_page(
    work: WorkRow, facts: WorkFacts, sources: Sequence[SourceRecordRow]
) -> RenderableType:
    """The whole page of one work."""
    record = work.record
    number = {s.id: i for i, s in enumerate(sources, start=1)}
    marked = len(sources) > 1  # one source: every field is its, no marker needed
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    if marked:
        grid.add_column(no_wrap=True, style="dim", justify="right")
    for label, value, keys in field_rows(record):
        marker = _marker(keys, work.provenance, number)
        grid.add_row(label, Text(value), *([Text(marker)] if marked else []))
    for label, value in fact_rows(facts):
        grid.add_row(label, Text(value), *([Text("")] if marked else []))
    parts: list[RenderableType] = [Text(f"Work {work.id}", style="bold underline"), grid]
    if record.abstract:
        marker = _marker(("abstract",), work.provenance, number) if marked else ""
        parts += [Text(""), *_abstract(record, marker)]
    if record.note:
        marker = _marker(("note",), work.provenance, number) if marked else ""
        parts += [Text(""), Text(f"Note {marker}".strip(), style="bold"), Text(record.note)]
    parts += [Text(""), Text(f"Sources ({len(sources)})", style="bold")]
    parts += [Text(source_legend(s, number[s.id])) for s in sources]
    return Group(*parts)
