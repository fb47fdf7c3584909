"""``bims search pubmed`` against a simulated PubMed on 127.0.0.1: history, paging, failures."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bimscli.errors import NetworkError, QueryRejectedError
from bimscli.search import DateWindow, SearchRequest, SearchSettings, Service, run_search
from bimscli.search.runs import search_runs
from bimscli.store import Library
from tests.replay_server import ReplayServer, Scripted
from tests.search.conftest import efetch_fails_from, pubmed_counts
from tests.search_replay import SimulatedPubMed, generated_articles

TOPIC = "bone metastases"
EFETCH = "/eutils/efetch.fcgi"


def test_esearch_with_history_then_efetch_pages_of_200(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed,
    services_env: ReplayServer,
) -> None:  # fmt: skip
    simulated_pubmed.articles = generated_articles(450, TOPIC, date(2025, 5, 1))
    report = run_search(library, SearchRequest(Service.PUBMED, TOPIC), settings)
    assert (report.found, report.fetched, report.stored, report.exit_code) == (450, 450, 450, 0)
    esearch = services_env.requests_to("/eutils/esearch")
    assert esearch[0].query["usehistory"] == ["y"]
    pages = services_env.requests_to(EFETCH)
    assert [(p.query["retstart"], p.query["retmax"]) for p in pages] == [
        (["0"], ["200"]), (["200"], ["200"]), (["400"], ["200"]),
    ]  # fmt: skip
    (webenv,) = simulated_pubmed.histories  # the one search esearch kept
    assert {(p.query["WebEnv"][0], p.query["query_key"][0]) for p in pages} == {(webenv, "1")}
    assert set(pubmed_counts(library).values()) == {1}


def test_the_run_is_one_input_with_its_provenance(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = generated_articles(30, TOPIC, date(2025, 5, 1))
    window = DateWindow(date(2025, 5, 1), date(2025, 5, 2))
    report = run_search(library, SearchRequest(Service.PUBMED, TOPIC, window), settings)
    assert report.stored == 20  # ten a day
    (source,) = [i for i in library.inputs() if i.origin == "search:pubmed"]
    header = dict(json.loads(library.connection.execute(
        "SELECT header FROM inputs WHERE id = ?", (source.id,)).fetchone()[0]))  # fmt: skip
    assert header["service"] == "pubmed"
    assert header["query"] == TOPIC
    assert header["query_translation"].startswith('"bone metastases"[All Fields] AND ')
    assert header["window"] == "entered 2025-05-01 to 2025-05-02"
    assert header["count"] == "20"
    assert "searched_at" in header
    (run,) = search_runs(library)
    assert (run.status, run.found, run.stored, run.input_id) == ("complete", 20, 20, source.id)


def test_max_stops_after_that_many(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = generated_articles(450, TOPIC, date(2025, 5, 1))
    request = SearchRequest(Service.PUBMED, TOPIC, max_records=250)
    report = run_search(library, request, settings)
    assert (report.fetched, report.stored, report.complete) == (250, 250, False)


def test_a_query_pubmed_rejects_stores_nothing(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.rejected["bone[xx"] = "Invalid query syntax"
    with pytest.raises(QueryRejectedError, match=r"rejected the query .* Invalid query syntax"):
        run_search(library, SearchRequest(Service.PUBMED, "bone[xx"), settings)
    assert library.inputs() == []
    assert [r.status for r in search_runs(library)] == ["failed"]


def test_an_empty_result_stores_nothing_and_says_what_was_not_found(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    report = run_search(library, SearchRequest(Service.PUBMED, "zzyzx"), settings)
    assert (report.found, report.stored, report.exit_code) == (0, 0, 0)
    assert report.not_found == ("zzyzx",)
    assert library.inputs() == []


def test_429_with_retry_after_is_waited_for(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed,
    services_env: ReplayServer,
) -> None:  # fmt: skip
    simulated_pubmed.articles = generated_articles(250, TOPIC, date(2025, 5, 1))
    services_env.script("GET", EFETCH, Scripted(429, b"slow down", {"Retry-After": "1"}))
    report = run_search(library, SearchRequest(Service.PUBMED, TOPIC), settings)
    assert (report.stored, report.exit_code) == (250, 0)
    first, again = services_env.requests_to(EFETCH)[:2]
    assert first.query["retstart"] == again.query["retstart"] == ["0"]
    assert again.at - first.at >= 0.9


def test_a_500_that_never_heals_mid_run_keeps_the_finished_batches(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed,
    services_env: ReplayServer,
) -> None:  # fmt: skip
    simulated_pubmed.articles = generated_articles(450, TOPIC, date(2025, 5, 1))
    services_env.handlers.insert(0, efetch_fails_from(200))
    report = run_search(library, SearchRequest(Service.PUBMED, TOPIC), settings)
    assert (report.stored, report.exit_code, report.complete) == (200, 3, False)
    assert report.problem is not None
    assert "failed after 3 attempts" in report.problem
    assert [r.status for r in search_runs(library)] == ["partial"]
    assert len(services_env.requests_to(EFETCH)) == 1 + 3  # one page, then three attempts


def test_a_service_that_is_down_is_one_network_error(
    library: Library, settings: SearchSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIMS_EUTILS_URL", "http://127.0.0.1:9/eutils")  # discard port: refused
    with pytest.raises(NetworkError, match="cannot connect to pubmed"):
        run_search(library, SearchRequest(Service.PUBMED, TOPIC), settings)
    assert library.inputs() == []


def test_more_than_the_history_limit_is_cut_into_date_windows(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = generated_articles(300, TOPIC, date(2025, 5, 1))
    simulated_pubmed.history_limit = 100
    limited = SearchSettings(settings.http, history_limit=100)
    window = DateWindow(date(2025, 5, 1), date(2025, 5, 31))
    report = run_search(library, SearchRequest(Service.PUBMED, TOPIC, window), limited)
    assert (report.found, report.stored, report.complete) == (300, 300, True)
    assert report.parts >= 4
    assert set(pubmed_counts(library).values()) == {1}


def test_dry_run_counts_the_new_records_and_stores_nothing(
    library: Library, settings: SearchSettings, simulated_pubmed: SimulatedPubMed
) -> None:
    simulated_pubmed.articles = generated_articles(40, TOPIC, date(2025, 5, 1))
    first_days = DateWindow(None, date(2025, 5, 2))
    run_search(library, SearchRequest(Service.PUBMED, TOPIC, first_days), settings)
    before = library.connection.execute("SELECT count(*) FROM source_records").fetchone()
    report = run_search(library, SearchRequest(Service.PUBMED, TOPIC), settings, dry_run=True)
    assert (report.found, report.would_store) == (40, 20)
    assert library.connection.execute("SELECT count(*) FROM source_records").fetchone() == before
