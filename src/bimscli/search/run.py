"""``bims search``: ask PubMed or Europe PMC, and store what they answer a batch at a time.

A run is streamed: one page of the answer (at most 200 PubMed articles, or a Europe PMC page)
is parsed, stored in its own transaction and matched against the library before the next is
asked for, so memory stays flat however many records come, and a run cut off half-way keeps
every batch it finished. PubMed's history server serves at most 10,000 records of one search;
a bigger one is cut into date windows until each part fits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from bimscli.errors import BimsError
from bimscli.model import DocumentHeader
from bimscli.net.http import HttpClient, HttpSettings
from bimscli.net.searches import EUROPEPMC_PAGE, EuropePmcClient, PubMedSearch, SearchHistory
from bimscli.net.services import EFETCH_BATCH
from bimscli.progress import Progress
from bimscli.search.runs import finish_run, start_run
from bimscli.search.storing import BatchOutcome, RunInput, held_keys, store_batch
from bimscli.search.windows import DateWindow, europepmc_query, pubmed_term
from bimscli.store import Library

OPEN_WINDOW = DateWindow()
"""No date limit."""

HISTORY_LIMIT = 10_000
"""The most records E-utilities serves from one search's history."""


class Service(StrEnum):
    """The services a search or a watch can ask."""

    PUBMED = "pubmed"
    EUROPEPMC = "europepmc"


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """How to reach the services, with which identity and keys."""

    http: HttpSettings
    mailto: str | None = None
    ncbi_api_key: str | None = None
    history_limit: int = HISTORY_LIMIT
    europepmc_page: int = EUROPEPMC_PAGE

    @classmethod
    def from_environment(
        cls, http: HttpSettings, environ: Mapping[str, str] = os.environ
    ) -> SearchSettings:
        """Settings with the key and address from ``NCBI_API_KEY`` and ``BIMS_MAILTO``."""
        return cls(
            http,
            mailto=environ.get("BIMS_MAILTO") or None,
            ncbi_api_key=environ.get("NCBI_API_KEY") or None,
        )


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search: a service, a query, the days its records entered, at most how many."""

    service: Service
    query: str
    window: DateWindow = OPEN_WINDOW
    max_records: int | None = None
    watch: str | None = None


@dataclass
class SearchReport:
    """What one run found and stored, and why it stopped early if it did."""

    request: SearchRequest
    found: int = 0
    translation: str | None = None
    not_found: tuple[str, ...] = ()
    fetched: int = 0
    stored: int = 0
    already_held: int = 0
    failures: int = 0
    merged: int = 0
    new_works: int = 0
    """Works marked ``new`` for triage by this run."""
    would_store: int | None = None
    """In a dry run, how many found records the library lacks (None: not known)."""
    problem: str | None = None
    input_id: int | None = None
    dry_run: bool = False
    parts: int = 1
    run_id: int | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def complete(self) -> bool:
        """True when every record found was fetched (no failure, no ``--max`` cut)."""
        cut = self.request.max_records is not None and self.fetched < self.found
        return self.problem is None and not cut

    @property
    def exit_code(self) -> int:
        """As for ``bims ingest``: 0 all landed, 3 some did (or entries failed), 1 none did."""
        if self.problem is not None:
            return 3 if self.stored or self.already_held else 1
        return 3 if self.failures else 0

    def add(self, outcome: BatchOutcome, fetched: int) -> None:
        """Count one stored batch."""
        self.fetched += fetched
        self.stored += outcome.stored
        self.already_held += outcome.already_held
        self.failures += outcome.failures
        self.merged += outcome.merged
        self.new_works += outcome.marked_new
        self.input_id = outcome.input_id or self.input_id


def run_search(
    library: Library,
    request: SearchRequest,
    settings: SearchSettings,
    *,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> SearchReport:
    """Run one search and store its new records; the report says what happened.

    A query the service rejects raises :class:`~bimscli.errors.QueryRejectedError`, a service
    that cannot be reached :class:`~bimscli.errors.NetworkError`, before anything is stored. A
    failure after some batches were stored ends the run with its ``problem`` set.
    """
    report = SearchReport(request, dry_run=dry_run)
    progress = progress or Progress()
    if not dry_run:
        report.run_id = start_run(library, request, report.started_at)
    try:
        with HttpClient(settings.http) as http:
            if request.service is Service.PUBMED:
                _search_pubmed(library, http, report, settings, progress)
            else:
                _search_europepmc(library, http, report, settings, progress)
    except BimsError as exc:
        if report.fetched == 0 and not report.stored:
            _finish(library, report, status="failed", message=str(exc))
            raise
        report.problem = str(exc)
    except BaseException:
        _finish(library, report, status="interrupted", message="interrupted")
        raise
    finally:
        progress.finish()
    _finish(library, report, status="complete" if report.complete else "partial",
            message=report.problem)  # fmt: skip
    return report


def _finish(library: Library, report: SearchReport, *, status: str, message: str | None) -> None:
    if report.run_id is not None:
        finish_run(library, report.run_id, report, status, message)


def _run_input(report: SearchReport, format_name: str, url: str) -> RunInput:
    request = report.request
    fields = [
        ("service", request.service.value),
        ("query", request.query),
        ("query_translation", report.translation or ""),
        ("window", request.window.describe()),
        ("count", str(report.found)),
        ("searched_at", report.started_at.isoformat(timespec="seconds")),
        ("watch", request.watch or ""),
        ("url", url),
    ]
    name = f"{request.service.value} search: {request.query} ({request.window.describe()})"
    origin = f"search:{request.service.value}"
    return RunInput(
        run_id=report.run_id or 0,
        format_name=format_name,
        name=name,
        origin=origin,
        header=DocumentHeader(tuple((k, v) for k, v in fields if v)),
        arrived_from=f"watch:{request.watch}" if request.watch else origin,
    )


def _room(report: SearchReport, size: int) -> int:
    """How many more records a page may bring under ``--max``."""
    if report.request.max_records is None:
        return size
    return max(0, min(size, report.request.max_records - report.fetched))


def _search_pubmed(
    library: Library,
    http: HttpClient,
    report: SearchReport,
    settings: SearchSettings,
    progress: Progress,
) -> None:
    client = PubMedSearch(http, email=settings.mailto, api_key=settings.ncbi_api_key)
    request = report.request
    first = client.search(
        pubmed_term(request.query, request.window),
        with_pmids=settings.history_limit if report.dry_run else 0,
    )
    report.found, report.translation, report.not_found = (
        first.count, first.translation, first.not_found)  # fmt: skip
    if report.dry_run:
        held = held_keys(library, "pubmed-xml", list(first.pmids))
        report.would_store = first.count - len(held)
        return
    progress.start(_room(report, first.count))
    run = _run_input(report, "pubmed-xml", first.provenance.url)
    parts = list(_history_parts(client, request, request.window, first, settings.history_limit))
    report.parts = len(parts)
    for part in parts:
        for start in range(0, min(part.count, settings.history_limit), EFETCH_BATCH):
            size = _room(report, EFETCH_BATCH)
            if size == 0:
                return
            payload = client.fetch_page(part, start, size)
            entries = payload.entries()
            fetched = sum(1 for e in entries if not isinstance(e, DocumentHeader))
            report.add(store_batch(library, run, entries), fetched)
            progress.advance(fetched)


def _history_parts(
    client: PubMedSearch,
    request: SearchRequest,
    window: DateWindow,
    history: SearchHistory,
    limit: int,
) -> Iterator[SearchHistory]:
    """The search as parts of at most ``limit`` records, cut by date window."""
    halves = window.halves(datetime.now(UTC).date()) if history.count > limit else None
    if halves is None:
        yield history
        return
    for half in halves:
        part = client.search(pubmed_term(request.query, half))
        if part.count:
            yield from _history_parts(client, request, half, part, limit)


def _search_europepmc(
    library: Library,
    http: HttpClient,
    report: SearchReport,
    settings: SearchSettings,
    progress: Progress,
) -> None:
    client = EuropePmcClient(http)
    request = report.request
    query = europepmc_query(request.query, request.window)
    page = client.search_page(query, "*", _room(report, settings.europepmc_page) or 1)
    report.found = page.hit_count
    if report.dry_run:  # which of them the library holds would take fetching them all
        return
    progress.start(_room(report, page.hit_count))
    run = _run_input(report, "europepmc", page.payload.provenance.url)
    while True:
        entries = [e for e in page.payload.entries() if not isinstance(e, DocumentHeader)]
        entries = entries[: _room(report, len(entries))]
        report.add(store_batch(library, run, entries), len(entries))
        progress.advance(len(entries))
        size = _room(report, settings.europepmc_page)
        if page.next_cursor is None or size == 0 or report.fetched >= report.found:
            return
        page = client.search_page(query, page.next_cursor, size)
