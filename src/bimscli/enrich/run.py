"""``bims enrich``: ask the services about works and keep their answers as source records.

Each service is asked in turn (Crossref, then PubMed, then Semantic Scholar by default). Every
answer is stored as soon as it arrives, in its own transaction, so Ctrl-C keeps what was fetched
and a second run continues (the HTTP cache answers what was already asked). A service that
cannot be reached is skipped with one clear message; offline, answers not in the cache are
counted, not fetched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from bimscli.enrich.attach import Conflict, Outcome, attach_record
from bimscli.enrich.targets import WorkTarget
from bimscli.errors import NetworkError, UnusableAnswerError, UsageError
from bimscli.formats import format_names
from bimscli.model import ParsedRecord, ParseFailure
from bimscli.net.http import HttpClient, HttpSettings, NotCachedError, ServiceUnavailableError
from bimscli.net.services import (
    EFETCH_BATCH,
    S2_BATCH,
    CrossrefClient,
    NotFound,
    Payload,
    PubMedClient,
    SemanticScholarClient,
)
from bimscli.progress import Progress
from bimscli.store import Library


class Service(StrEnum):
    """The services ``--source`` can name."""

    CROSSREF = "crossref"
    PUBMED = "pubmed"
    S2 = "s2"


ALL_SERVICES = (Service.CROSSREF, Service.PUBMED, Service.S2)
FORMAT_OF = {
    Service.CROSSREF: "crossref",
    Service.PUBMED: "pubmed-xml",
    Service.S2: "semantic-scholar",
}
"""The format whose parser reads each service's answers."""


def parse_services(text: str) -> tuple[Service, ...]:
    """Services from ``--source pubmed,crossref``, in the order given.

    >>> parse_services("pubmed, s2")
    (<Service.PUBMED: 'pubmed'>, <Service.S2: 's2'>)
    """
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    known = {s.value: s for s in Service}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        shown = ", ".join(unknown) if unknown else repr(text)
        raise UsageError(f"unknown source {shown}; choose from pubmed, crossref, s2")
    return tuple(dict.fromkeys(known[n] for n in names))


@dataclass(frozen=True, slots=True)
class EnrichSettings:
    """Which services to ask, how, and with which identity and keys."""

    http: HttpSettings
    services: tuple[Service, ...] = ALL_SERVICES
    mailto: str | None = None
    ncbi_api_key: str | None = None
    s2_api_key: str | None = None

    @classmethod
    def from_environment(
        cls,
        http: HttpSettings,
        services: tuple[Service, ...] = ALL_SERVICES,
        environ: Mapping[str, str] = os.environ,
    ) -> EnrichSettings:
        """Settings with keys and address from ``NCBI_API_KEY``, ``S2_API_KEY``, ``BIMS_MAILTO``."""
        return cls(
            http,
            services,
            mailto=environ.get("BIMS_MAILTO") or None,
            ncbi_api_key=environ.get("NCBI_API_KEY") or None,
            s2_api_key=environ.get("S2_API_KEY") or None,
        )


@dataclass
class EnrichReport:
    """What one run did: records added, gaps filled, conflicts, problems."""

    works: int = 0
    dry_run: bool = False
    added: int = 0
    unchanged: int = 0
    filled: dict[int, list[str]] = field(default_factory=dict)
    not_found: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_cached: int = 0
    requests: int = 0
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        """0 when every service answered, 3 when some problems or conflicts were reported."""
        return 3 if self.problems or self.conflicts or self.not_cached else 0


Step = tuple[int, Callable[[], None]]
"""One request's worth of work: how many lookups it covers, and the work itself."""


class _Run:
    """One enrichment run over a list of targets."""

    def __init__(
        self, library: Library, http: HttpClient, settings: EnrichSettings, dry_run: bool
    ) -> None:
        self.library = library
        self.http = http
        self.settings = settings
        self.dry_run = dry_run
        self.report = EnrichReport(dry_run=dry_run)

    def take(self, work_id: int, result: Payload | NotFound) -> None:
        """Keep a service's answer about one work."""
        if isinstance(result, NotFound):
            self.report.not_found.append((result.service, result.query))
            return
        try:
            entries = result.entries()
        except UnusableAnswerError as refused:  # one paper of a batch: the others still count
            self.report.problems.append(str(refused))
            return
        for entry in entries:
            if isinstance(entry, ParseFailure):
                self.report.problems.append(
                    f"{result.service} answer for {result.query} not understood: {entry.message}"
                )
            elif isinstance(entry, ParsedRecord):
                self.attach(work_id, entry, result)

    def attach(self, work_id: int, parsed: ParsedRecord, payload: Payload) -> None:
        attached = attach_record(self.library, work_id, parsed, payload, dry_run=self.dry_run)
        if attached.conflict is not None:
            self.report.conflicts.append(attached.conflict)
        if attached.outcome is Outcome.ADDED:
            self.report.added += 1
            if attached.filled:
                self.report.filled.setdefault(work_id, []).extend(attached.filled)
        elif attached.outcome is Outcome.UNCHANGED:
            self.report.unchanged += 1

    def run_steps(self, service: Service, steps: Iterator[Step], progress: Progress) -> None:
        """Do a service's steps; a service that cannot be reached is given up, not retried."""
        parser = FORMAT_OF[service]
        if parser not in format_names():
            self.report.problems.append(
                f"{service.value}: skipped, this bims has no {parser} parser to read its answers"
            )
            return
        for covered, step in steps:
            try:
                step()
            except NotCachedError:
                self.report.not_cached += 1
            except ServiceUnavailableError as exc:
                self.report.problems.append(f"{service.value}: {exc}; skipped for this run")
                return
            except NetworkError as exc:
                self.report.problems.append(str(exc))
            progress.advance(covered)

    def fetch_crossref(self, client: CrossrefClient, work_id: int, doi: str) -> None:
        self.take(work_id, client.fetch_work(doi))

    def crossref_steps(self, targets: Sequence[WorkTarget]) -> Iterator[Step]:
        client = CrossrefClient(self.http, mailto=self.settings.mailto)
        for target in targets:
            if target.doi:
                yield 1, partial(self.fetch_crossref, client, target.work_id, target.doi)

    def pubmed_steps(self, targets: Sequence[WorkTarget]) -> Iterator[Step]:
        client = PubMedClient(
            self.http, email=self.settings.mailto, api_key=self.settings.ncbi_api_key
        )
        by_pmid: dict[str, int] = {t.pmid: t.work_id for t in targets if t.pmid}
        known = set(by_pmid)
        for target in targets:
            if target.doi and not target.pmid:
                yield 1, partial(self.find_pmid, client, target, by_pmid)
        pmids = list(by_pmid)  # now with the PMIDs found for DOIs
        for start in range(0, len(pmids), EFETCH_BATCH):
            batch = pmids[start : start + EFETCH_BATCH]
            covered = sum(1 for p in batch if p in known)
            yield covered, partial(self.fetch_pubmed, client, batch, by_pmid)

    def find_pmid(self, client: PubMedClient, target: WorkTarget, by_pmid: dict[str, int]) -> None:
        assert target.doi is not None
        pmids = client.pmids_for_doi(target.doi)
        if not pmids:
            self.report.not_found.append((PubMedClient.SERVICE, target.doi))
        elif len(pmids) > 1:
            message = f"DOI {target.doi} resolves to several PMIDs: {', '.join(pmids)}"
            self.report.conflicts.append(Conflict(target.work_id, PubMedClient.SERVICE, message))
        elif pmids[0] in by_pmid and by_pmid[pmids[0]] != target.work_id:
            message = (
                f"DOI {target.doi} resolves to PMID {pmids[0]}, which is work "
                f"{by_pmid[pmids[0]]}: the two may be duplicates or one identifier is wrong"
            )
            self.report.conflicts.append(Conflict(target.work_id, PubMedClient.SERVICE, message))
        else:
            by_pmid[pmids[0]] = target.work_id

    def fetch_pubmed(
        self, client: PubMedClient, batch: Sequence[str], by_pmid: Mapping[str, int]
    ) -> None:
        seen: set[str] = set()
        for payload in client.fetch_articles(batch):
            for entry in payload.entries():
                if isinstance(entry, ParseFailure):
                    self.report.problems.append(f"PubMed record not understood: {entry.message}")
                elif isinstance(entry, ParsedRecord):
                    pmid = entry.record.ids.pmid or ""
                    if pmid in by_pmid:
                        seen.add(pmid)
                        self.attach(by_pmid[pmid], entry, payload)
        self.report.not_found += [(PubMedClient.SERVICE, p) for p in batch if p not in seen]

    def s2_steps(self, targets: Sequence[WorkTarget]) -> Iterator[Step]:
        client = SemanticScholarClient(self.http, api_key=self.settings.s2_api_key)
        asked = {
            (f"DOI:{t.doi}" if t.doi else f"PMID:{t.pmid}"): t.work_id
            for t in targets
            if t.doi or t.pmid
        }
        ids = list(asked)
        for start in range(0, len(ids), S2_BATCH):
            batch = ids[start : start + S2_BATCH]
            yield len(batch), partial(self.fetch_s2, client, batch, asked)

    def fetch_s2(
        self, client: SemanticScholarClient, batch: Sequence[str], asked: Mapping[str, int]
    ) -> None:
        for result in client.fetch_papers(batch):
            self.take(asked[result.query], result)


def enrich_targets(
    library: Library,
    targets: Sequence[WorkTarget],
    settings: EnrichSettings,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> EnrichReport:
    """Ask each chosen service about the targets and keep the answers (unless ``dry_run``)."""
    progress = progress or Progress()
    with HttpClient(settings.http) as http:
        run = _Run(library, http, settings, dry_run)
        run.report.works = len(targets)
        with_doi = sum(1 for t in targets if t.doi)
        per_service = {Service.CROSSREF: with_doi, Service.PUBMED: len(targets)}
        progress.start(sum(per_service.get(s, len(targets)) for s in settings.services))
        steps = {
            Service.CROSSREF: run.crossref_steps,
            Service.PUBMED: run.pubmed_steps,
            Service.S2: run.s2_steps,
        }
        try:
            for service in settings.services:
                run.run_steps(service, steps[service](targets), progress)
        except KeyboardInterrupt:
            run.report.interrupted = True
        finally:
            progress.finish()
            run.report.requests = http.network_requests
    return run.report
