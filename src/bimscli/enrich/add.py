"""``bims add``: new works from identifiers alone, then enriched from every chosen service.

An identifier that a work already holds is not added twice: that work is enriched instead.
A DOI is looked up in Crossref first (it knows every DOI it registered), then in PubMed; a
PMID or PMCID in PubMed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bimscli.enrich.attach import create_work
from bimscli.enrich.run import EnrichReport, EnrichSettings, Service, enrich_targets
from bimscli.enrich.targets import (
    IdKind,
    WorkIdentifier,
    WorkTarget,
    find_work,
    parse_work_identifier,
)
from bimscli.errors import NetworkError
from bimscli.model import ParsedRecord
from bimscli.net.http import HttpClient
from bimscli.net.services import CrossrefClient, Payload, PubMedClient
from bimscli.progress import Progress
from bimscli.store import Library


@dataclass
class AddReport:
    """Which identifiers made new works, which were there already, which were not found."""

    created: list[tuple[str, int]] = field(default_factory=list)
    existing: list[tuple[str, int]] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    enrich: EnrichReport | None = None

    @property
    def exit_code(self) -> int:
        """0 when every identifier is in the library now, 3 otherwise or on conflicts."""
        enrich_code = self.enrich.exit_code if self.enrich else 0
        return 3 if self.not_found or self.problems or enrich_code else 0


def _first_record(payload: Payload, ident: WorkIdentifier) -> ParsedRecord | None:
    for entry in payload.entries():
        if isinstance(entry, ParsedRecord):
            ids = entry.record.ids
            if ident.kind is not IdKind.PMID or ids.pmid == ident.value:
                return entry
    return None


class _Creator:
    """Fetches the first record of an identifier that no work holds yet."""

    def __init__(self, http: HttpClient, settings: EnrichSettings) -> None:
        self.services = settings.services
        self.crossref = CrossrefClient(http, mailto=settings.mailto)
        self.pubmed = PubMedClient(http, email=settings.mailto, api_key=settings.ncbi_api_key)

    def first_record(self, ident: WorkIdentifier) -> tuple[ParsedRecord, Payload] | None:
        if ident.kind is IdKind.DOI and Service.CROSSREF in self.services:
            found = self.crossref.fetch_work(ident.value)
            record = _first_record(found, ident) if isinstance(found, Payload) else None
            if record is not None and isinstance(found, Payload):
                return record, found
        if Service.PUBMED not in self.services:
            return None
        pmid = ident.value if ident.kind is IdKind.PMID else self._pmid_of(ident)
        if pmid is None:
            return None
        for payload in self.pubmed.fetch_articles([pmid]):
            record = _first_record(payload, WorkIdentifier(IdKind.PMID, pmid, ident.given))
            if record is not None:
                return record, payload
        return None

    def _pmid_of(self, ident: WorkIdentifier) -> str | None:
        tag = "doi" if ident.kind is IdKind.DOI else "pmc"
        pmids = self.pubmed.search_pmids(f"{ident.value}[{tag}]")
        return pmids[0] if len(pmids) == 1 else None


def add_works(
    library: Library,
    identifiers: Sequence[str],
    settings: EnrichSettings,
    *,
    progress: Progress | None = None,
) -> AddReport:
    """Add a work for each identifier not in the library yet, then enrich all of them."""
    parsed = [parse_work_identifier(text) for text in identifiers]  # all checked up front
    report = AddReport()
    with HttpClient(settings.http) as http:
        creator = _Creator(http, settings)
        for ident in parsed:
            work_id = find_work(library, ident.kind, ident.value)
            if work_id is not None:
                report.existing.append((ident.given, work_id))
                continue
            try:
                found = creator.first_record(ident)
            except NetworkError as exc:
                report.problems.append(str(exc))
                continue
            if found is None:
                report.not_found.append(ident.given)
            else:
                report.created.append((ident.given, create_work(library, *found)))
    work_ids = list(dict.fromkeys(w for _, w in report.created + report.existing))
    targets = [WorkTarget(w, library.work(w).record) for w in work_ids]
    report.enrich = enrich_targets(library, targets, settings, progress=progress)
    return report
