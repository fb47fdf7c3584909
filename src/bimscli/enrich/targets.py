"""Which works to enrich, and the identifiers bims can ask the services about.

A work is worth enriching when it lacks a title, authors (or has only "et al."), a journal or
an abstract. ``bims add`` takes identifiers as a user writes them: a DOI, PMID or PMCID, bare
or as a URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bimscli.errors import UsageError
from bimscli.identifiers import find_dois, normalize_doi, normalize_pmcid, normalize_pmid
from bimscli.model import Record
from bimscli.store import Library


@dataclass(frozen=True, slots=True)
class WorkTarget:
    """A work to enrich and the identifiers it is known by."""

    work_id: int
    record: Record

    @property
    def doi(self) -> str | None:
        """The work's DOI, if known."""
        return self.record.ids.doi

    @property
    def pmid(self) -> str | None:
        """The work's PMID, if known."""
        return self.record.ids.pmid


def missing_fields(record: Record) -> list[str]:
    """The fields enrichment is for that a record lacks.

    >>> from bimscli.model import Author
    >>> missing_fields(Record(title="T", authors=(Author(family="Benhabib"),),
    ...     authors_complete=False))
    ['authors', 'journal', 'abstract']
    """
    missing: list[str] = []
    if not record.title:
        missing.append("title")
    if not record.authors or not record.authors_complete:
        missing.append("authors")
    if not (record.journal or record.journal_abbrev):
        missing.append("journal")
    if not record.abstract:
        missing.append("abstract")
    return missing


def select_targets(
    library: Library, work_ids: Sequence[int] = (), *, refresh_all: bool = False
) -> list[WorkTarget]:
    """The works named (all of them when none are), keeping only incomplete ones by default.

    Works named explicitly are enriched even when complete; works with neither a DOI nor a
    PMID cannot be looked up and are left out.
    """
    rows = library.works(list(work_ids) if work_ids else None)
    targets = [WorkTarget(row.id, row.record) for row in rows]
    if not work_ids and not refresh_all:
        targets = [t for t in targets if missing_fields(t.record)]
    return [t for t in targets if t.doi or t.pmid]


class IdKind(StrEnum):
    """What kind of identifier a user gave to ``bims add``."""

    DOI = "doi"
    PMID = "pmid"
    PMCID = "pmcid"


@dataclass(frozen=True, slots=True)
class WorkIdentifier:
    """One identifier a user gave, normalised."""

    kind: IdKind
    value: str
    given: str


def parse_work_identifier(text: str) -> WorkIdentifier:
    """A DOI, PMID or PMCID from what a user typed, URLs included.

    >>> parse_work_identifier("https://doi.org/10.2196/71196").value
    '10.2196/71196'
    >>> parse_work_identifier("https://pubmed.ncbi.nlm.nih.gov/33797627/").kind
    <IdKind.PMID: 'pmid'>
    >>> parse_work_identifier("PMC1373603").value
    'PMC1373603'
    """
    raw = text.strip()
    doi = normalize_doi(raw) or next(iter(find_dois(raw)), None)
    if doi:
        return WorkIdentifier(IdKind.DOI, doi, text)
    if raw.upper().startswith("PMC") or "/pmc/" in raw.lower() or "/articles/pmc" in raw.lower():
        pmcid = normalize_pmcid(raw)
        if pmcid:
            return WorkIdentifier(IdKind.PMCID, pmcid, text)
    pmid = normalize_pmid(raw)
    if pmid:
        return WorkIdentifier(IdKind.PMID, pmid, text)
    raise UsageError(
        f"{text!r} is not a DOI, PMID or PMCID; give e.g. 10.2196/71196, 33797627 or PMC1373603"
    )


def find_work(library: Library, kind: IdKind, value: str) -> int | None:
    """The work that already holds a record with this identifier, if any."""
    column = {IdKind.DOI: "doi", IdKind.PMID: "pmid", IdKind.PMCID: "pmcid"}[kind]
    # The column name comes from the fixed mapping above, never from the user.
    row = library.connection.execute(
        f"SELECT m.work_id FROM source_records s JOIN work_members m ON m.record_id = s.id"  # noqa: S608
        f" WHERE s.{column} = ? ORDER BY m.work_id LIMIT 1",
        (value,),
    ).fetchone()
    return int(row[0]) if row else None
