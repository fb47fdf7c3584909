"""``bims search europepmc`` against the recorded Europe PMC pages, chained by cursorMark."""

from __future__ import annotations

from bimscli.curation.decisions import set_status
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.model import WorkType
from bimscli.search import (
    SearchRequest,
    SearchSettings,
    Service,
    add_watch,
    get_watch,
    run_search,
    run_watch,
)
from bimscli.store import Library
from bimscli.store.curation import new_works_newest_first, status_of
from tests.replay_server import REPLAY, ReplayServer
from tests.search_replay import RecordedEuropePmc

QUERY = "bone metastases electrochemotherapy"


def _small_pages(settings: SearchSettings) -> SearchSettings:
    return SearchSettings(settings.http, europepmc_page=3)


def test_two_pages_by_cursor_mark(
    library: Library,
    settings: SearchSettings,
    recorded_europepmc: RecordedEuropePmc,
    services_env: ReplayServer,
) -> None:
    report = run_search(library, SearchRequest(Service.EUROPEPMC, QUERY), _small_pages(settings))
    assert (report.found, report.fetched, report.stored, report.exit_code) == (5, 5, 5, 0)
    asked = services_env.requests_to("/europepmc/search")
    assert [r.query["cursorMark"] for r in asked] == [["*"], ["AoIIQIDxvTMxMTQ4ODI5"]]
    assert {r.query["resultType"][0] for r in asked} == {"core"}
    keys = library.connection.execute(
        "SELECT source_key FROM source_records ORDER BY id"
    ).fetchall()
    assert [k for (k,) in keys] == [
        "MED:40481101", "PPR:PPR1034567", "MED:40481199", "PMC:PMC12150777", "MED:40481250",
    ]  # fmt: skip


def test_preprints_arrive_as_preprints(
    library: Library, settings: SearchSettings, recorded_europepmc: RecordedEuropePmc
) -> None:
    run_search(library, SearchRequest(Service.EUROPEPMC, QUERY), _small_pages(settings))
    (preprint,) = [
        w for w in (library.work(i) for i in range(1, 6)) if w.record.type is WorkType.PREPRINT
    ]
    assert preprint.record.journal == "medRxiv"


def test_a_second_run_stores_nothing(
    library: Library, settings: SearchSettings, recorded_europepmc: RecordedEuropePmc
) -> None:
    request = SearchRequest(Service.EUROPEPMC, QUERY)
    run_search(library, request, _small_pages(settings))
    again = run_search(library, request, _small_pages(settings))
    assert (again.stored, again.already_held) == (0, 5)
    count = library.connection.execute("SELECT count(*) FROM source_records").fetchone()[0]
    assert count == 5


def test_a_europepmc_record_joins_the_pubmed_work_of_the_same_paper(
    library: Library,
    settings: SearchSettings,
    recorded_europepmc: RecordedEuropePmc,
    services_env: ReplayServer,
) -> None:
    """Dedup against the library: the PubMed record of PMID 40481101 is there already."""
    path = REPLAY / "eutils" / "efetch" / "40481101.xml"
    ingest_sources(library, [InputSource(path.name, path=path)])
    report = run_search(library, SearchRequest(Service.EUROPEPMC, QUERY), _small_pages(settings))
    assert report.merged == 1
    (work_id,) = library.connection.execute(
        "SELECT DISTINCT m.work_id FROM work_members m JOIN source_records s"
        " ON s.id = m.record_id WHERE s.pmid = '40481101'"
    ).fetchone()
    assert len(library.members(work_id)) == 2


def test_a_europepmc_watch_asks_by_first_index_date_and_stores_nothing_twice(
    library: Library,
    settings: SearchSettings,
    recorded_europepmc: RecordedEuropePmc,
    services_env: ReplayServer,
) -> None:
    add_watch(library, "ect", Service.EUROPEPMC, QUERY)
    first = run_watch(library, get_watch(library, "ect"), _small_pages(settings))
    second = run_watch(library, get_watch(library, "ect"), _small_pages(settings))
    assert (first.stored, second.stored, second.already_held) == (5, 0, 5)
    queries = [r.query["query"][0] for r in services_env.requests_to("/europepmc/search")]
    assert queries[0] == QUERY
    assert queries[-1].startswith(f"({QUERY}) AND (FIRST_IDATE:[")


def test_a_dry_run_counts_what_europepmc_found(
    library: Library, settings: SearchSettings, recorded_europepmc: RecordedEuropePmc
) -> None:
    request = SearchRequest(Service.EUROPEPMC, QUERY)
    report = run_search(library, request, _small_pages(settings), dry_run=True)
    assert (report.found, report.would_store, report.stored) == (5, None, 0)
    assert library.inputs() == []


def test_a_decided_work_keeps_its_status_when_a_search_brings_it_again(
    library: Library, settings: SearchSettings, recorded_europepmc: RecordedEuropePmc
) -> None:
    path = REPLAY / "eutils" / "efetch" / "40481101.xml"
    ingest_sources(library, [InputSource(path.name, path=path)])
    (work_id,) = [w for (w,) in library.connection.execute("SELECT id FROM works")]
    set_status(library, [work_id], "selected", by="editor")
    report = run_search(library, SearchRequest(Service.EUROPEPMC, QUERY), _small_pages(settings))
    assert report.new_works == 4
    assert status_of(library, work_id) == "selected"
    assert len(new_works_newest_first(library, "search:europepmc")) == 4
