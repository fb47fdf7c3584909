"""``bims add``: new works from identifiers alone, then enriched from every chosen service.

An identifier that a work already holds is not added twice: that work is enriched instead.
A DOI is looked up in Crossref first (it knows every DOI it registered), then in PubMed; a
PMID or PMCID in PubMed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bimscli.enrich.attach import answer_mismatch, create_work
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
    conflicts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    enrich: EnrichReport | None = None

    @property
    def exit_code(self) -> int:
        """0 when every identifier is in the library now, 3 otherwise or on conflicts."""
        enrich_code = self.enrich.exit_code if self.enrich else 0
        partly = self.not_found or self.conflicts or self.problems or enrich_code
        return 3 if partly else 0


@dataclass(frozen=True, slots=True)
class _Mismatch:
    """A service answered about another work than the one asked for."""

    message: str


def _answer_record(payload: Payload, ident: WorkIdentifier) -> ParsedRecord | _Mismatch | None:
    """The record of the answer that is about ``ident``; a mismatch when none is."""
    records = [e for e in payload.entries() if isinstance(e, ParsedRecord)]
    mismatches: list[str] = []
    for parsed in records:
        problem = answer_mismatch(payload, parsed.record) or _other_id(parsed, ident)
        if problem is None:
            return parsed
        mismatches.append(problem)
    return _Mismatch(mismatches[0]) if mismatches else None


def _other_id(parsed: ParsedRecord, ident: WorkIdentifier) -> str | None:
    """A record that names another identifier of the kind asked (PubMed found by DOI)."""
    theirs = getattr(parsed.record.ids, ident.kind.value)
    if theirs and theirs != ident.value:
        return f"asked about {ident.kind.name} {ident.value}, the answer is about {theirs}"
    return None


Found = tuple[ParsedRecord, Payload] | _Mismatch | None


class _Creator:
    """Fetches the first record of an identifier that no work holds yet."""

    def __init__(self, http: HttpClient, settings: EnrichSettings) -> None:
        self.services = settings.services
        self.crossref = CrossrefClient(http, mailto=settings.mailto)
        self.pubmed = PubMedClient(http, email=settings.mailto, api_key=settings.ncbi_api_key)

    def first_record(self, ident: WorkIdentifier) -> Found:
        """The record an identifier names, a mismatch (keep nothing), or None (not found)."""
        if ident.kind is IdKind.DOI and Service.CROSSREF in self.services:
            found = self._from_crossref(ident)
            if found is not None:
                return found
        if Service.PUBMED not in self.services:
            return None
        return self._from_pubmed(ident)

    def _from_crossref(self, ident: WorkIdentifier) -> Found:
        answer = self.crossref.fetch_work(ident.value)
        if not isinstance(answer, Payload):
            return None
        record = _answer_record(answer, ident)
        return (record, answer) if isinstance(record, ParsedRecord) else record

    def _from_pubmed(self, ident: WorkIdentifier) -> Found:
        pmid = ident.value if ident.kind is IdKind.PMID else self._pmid_of(ident)
        if pmid is None:
            return None
        for payload in self.pubmed.fetch_articles([pmid]):
            record = _answer_record(payload, ident)
            if record is not None:
                return (record, payload) if isinstance(record, ParsedRecord) else record
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
            elif isinstance(found, _Mismatch):
                report.conflicts.append(f"{ident.given}: {found.message}; nothing was added")
            else:
                report.created.append((ident.given, create_work(library, *found)))
    work_ids = list(dict.fromkeys(w for _, w in report.created + report.existing))
    targets = [WorkTarget(w, library.work(w).record) for w in work_ids]
    report.enrich = enrich_targets(library, targets, settings, progress=progress)
    return report
