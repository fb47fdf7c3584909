"""``bims watch``: saved searches that fetch only what is new, and never store a record twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bimscli.errors import NotFoundError, UsageError
from bimscli.search import (
    DateWindow,
    SearchRequest,
    SearchSettings,
    Service,
    add_watch,
    get_watch,
    list_watches,
    remove_watch,
    run_search,
    run_watch,
    run_watches,
)
from bimscli.search.runs import search_runs
from bimscli.search.windows import pubmed_term
from bimscli.store import Library
from bimscli.store.curation import new_works_newest_first
from tests.replay_server import ReplayServer
from tests.search.conftest import efetch_fails_from, pubmed_counts
from tests.search_replay import SimulatedArticle, SimulatedPubMed, generated_articles

TOPIC = "bone metastases"
TODAY = datetime.now(UTC).date()


def _recent(count: int, days_ago: int, first_pmid: int = 39000001) -> list[SimulatedArticle]:
    return generated_articles(count, TOPIC, TODAY - timedelta(days=days_ago), first_pmid=first_pmid)


def test_add_list_remove(library: Library) -> None:
    add_watch(library, "spine", Service.PUBMED, TOPIC, since=date(2025, 1, 1))
    add_watch(library, "preprints", Service.EUROPEPMC, "bone AND SRC:PPR")
    assert [(w.name, w.service, w.since) for w in list_watches(library)] == [
        ("preprints", Service.EUROPEPMC, None),
        ("spine", Service.PUBMED, date(2025, 1, 1)),
    ]
    remove_watch(library, "spine")
    assert [w.name for w in list_watches(library)] == ["preprints"]


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        pytest.param("spine", TOPIC, "exists already", id="taken"),
        pytest.param("two words", TOPIC, "not a watch name", id="space"),
        pytest.param("-x", TOPIC, "not a watch name", id="dash-first"),
        pytest.param("new", "   ", "has no query", id="empty-query"),
    ],
)
def test_bad_watches_are_refused(library: Library, name: str, query: str, message: str) -> None:
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    with pytest.raises(UsageError, match=message):
        add_watch(library, name, Service.PUBMED, query)


def test_an_unknown_watch_names_the_known_ones(library: Library) -> None:
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    with pytest.raises(NotFoundError, match=r"no watch called 'spin' \(watches: spine\)"):
        remove_watch(library, "spin")


def test_a_watch_run_twice_in_a_row_stores_nothing_the_second_time(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = _recent(60, days_ago=5)  # ten a day, the last ones today
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    first = run_watch(library, get_watch(library, "spine"), settings)
    second = run_watch(library, get_watch(library, "spine"), settings)
    assert (first.stored, first.complete) == (60, True)
    assert second.stored == 0
    assert second.already_held == second.found > 0  # the overlap asked again, stored nothing
    assert set(pubmed_counts(library).values()) == {1}
    assert len(pubmed_counts(library)) == 60


def test_the_next_run_asks_only_since_the_last_successful_one(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = _recent(100, days_ago=30)
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    run_watch(library, get_watch(library, "spine"), settings)
    watch = get_watch(library, "spine")
    assert watch.last_success_at is not None
    simulated_pubmed.articles += _recent(7, days_ago=0, first_pmid=39100001)
    report = run_watch(library, watch, settings)
    assert report.request.window == DateWindow((watch.last_success_at - timedelta(days=2)).date())
    assert (report.found, report.stored) == (7, 7)


def test_a_record_whose_entrez_date_is_long_past_still_arrives(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    """PubMed sets the Entrez date of a record added long after publication back to the
    publication date: it becomes searchable today with an EDAT a year ago. A window on EDAT
    alone misses it; its create date (CRDT) is today."""
    simulated_pubmed.articles = _recent(20, days_ago=10)
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    run_watch(library, get_watch(library, "spine"), settings)
    late = SimulatedArticle(39200001, TOPIC, edat=TODAY - timedelta(days=365), crdt=TODAY)
    simulated_pubmed.articles.append(late)
    watch = get_watch(library, "spine")
    edat_only = f'({TOPIC}) AND ("{TODAY - timedelta(days=2):%Y/%m/%d}"[EDAT] : "3000/12/31"[EDAT])'
    assert simulated_pubmed.matching(edat_only)[1] == []  # the trap is real in the simulation
    report = run_watch(library, watch, settings)
    assert report.stored == 1
    assert "39200001" in pubmed_counts(library)


def test_a_run_cut_off_half_way_is_continued_by_the_next(
    library: Library,
    settings: SearchSettings,
    simulated_pubmed: SimulatedPubMed,
    services_env: ReplayServer,
) -> None:
    simulated_pubmed.articles = _recent(450, days_ago=60)
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    failing = efetch_fails_from(200)
    services_env.handlers.insert(0, failing)
    (cut,) = run_watches(library, ["spine"], settings)
    assert cut.report is not None
    assert (cut.report.stored, cut.exit_code) == (200, 3)
    assert get_watch(library, "spine").last_success_at is None  # the mark did not move
    services_env.handlers.remove(failing)
    (resumed,) = run_watches(library, ["spine"], settings)
    assert resumed.report is not None
    assert (resumed.report.stored, resumed.report.already_held, resumed.exit_code) == (
        250, 200, 0
    )  # fmt: skip
    counts = pubmed_counts(library)
    assert len(counts) == 450
    assert set(counts.values()) == {1}
    assert [r.status for r in search_runs(library, "spine")] == ["partial", "complete"]


def test_two_windows_that_overlap_by_a_day_double_nothing(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = generated_articles(40, TOPIC, date(2025, 5, 1))
    early = DateWindow(date(2025, 5, 1), date(2025, 5, 3))
    late = DateWindow(date(2025, 5, 3), date(2025, 5, 4))
    first = run_search(library, SearchRequest(Service.PUBMED, TOPIC, early), settings)
    second = run_search(library, SearchRequest(Service.PUBMED, TOPIC, late), settings)
    assert (first.stored, second.found, second.stored, second.already_held) == (30, 20, 10, 10)
    counts = pubmed_counts(library)
    assert (len(counts), set(counts.values())) == (40, {1})
    works = library.connection.execute("SELECT count(*) FROM works").fetchone()[0]
    assert works == 40


def test_dry_run_says_how_many_would_come_and_moves_nothing(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = _recent(30, days_ago=5)
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    (run,) = run_watches(library, [], settings, dry_run=True)
    assert run.report is not None
    assert (run.report.would_store, run.report.stored) == (30, 0)
    assert get_watch(library, "spine").last_success_at is None
    assert library.inputs() == []
    assert search_runs(library) == []


def test_one_failing_watch_stops_no_other(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = _recent(10, days_ago=1)
    simulated_pubmed.rejected["bad["] = "Invalid query syntax"
    add_watch(library, "bad", Service.PUBMED, "bad[")
    add_watch(library, "good", Service.PUBMED, TOPIC)
    bad, good = run_watches(library, [], settings)
    assert (bad.exit_code, good.exit_code) == (2, 0)
    assert good.report is not None
    assert good.report.stored == 10


def test_the_term_asks_for_both_entry_dates() -> None:
    term = pubmed_term(TOPIC, DateWindow(date(2025, 6, 7)))
    assert '"2025/06/07"[EDAT]' in term
    assert '"2025/06/07"[CRDT]' in term


def test_the_works_a_watch_brings_wait_for_triage(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = _recent(20, days_ago=3)
    add_watch(library, "spine", Service.PUBMED, TOPIC)
    report = run_watch(library, get_watch(library, "spine"), settings)
    waiting = new_works_newest_first(library, "watch:spine")
    assert report.new_works == len(waiting) == 20
    assert new_works_newest_first(library, "watch:other") == []
