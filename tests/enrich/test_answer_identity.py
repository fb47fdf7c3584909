"""An answer that is not about what was asked is a conflict to report, never a record to keep."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bimscli.enrich import EnrichSettings, Service, add_works, enrich_targets, select_targets
from bimscli.net.http import HttpSettings
from bimscli.store import Library
from tests.replay_server import REPLAY, SEED_DOIS, ReplayServer, Scripted, entity_bomb

ASKED_DOI = "10.5555/x"
OTHER_PMID = "40481102"


def _settings(cache: Path, *services: Service) -> EnrichSettings:
    return EnrichSettings(HttpSettings(cache_dir=cache, backoff=0.05), services)


def _crossref_work(doi: str) -> bytes:
    return (REPLAY / "crossref" / f"{doi.replace('/', '_')}.json").read_bytes()


def _efetch(pmid: str) -> bytes:
    return (REPLAY / "eutils" / "efetch" / f"{pmid}.xml").read_bytes()


def _esearch(*pmids: str) -> bytes:
    result = {"count": str(len(pmids)), "retmax": "20", "retstart": "0", "idlist": list(pmids)}
    return json.dumps({"esearchresult": result}).encode()


def test_add_keeps_nothing_of_a_crossref_answer_about_another_doi(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    services_env.script(
        "GET", f"/crossref/works/{ASKED_DOI}", Scripted(body=_crossref_work(SEED_DOIS[0]))
    )
    report = add_works(library, [ASKED_DOI], _settings(tmp_path / "cache", Service.CROSSREF))
    (conflict,) = report.conflicts
    assert conflict.startswith(f"{ASKED_DOI}: asked crossref about DOI {ASKED_DOI}")
    assert SEED_DOIS[0] in conflict
    assert "nothing was added" in conflict
    assert report.created == []
    assert report.exit_code == 3
    assert library.count_works() == 0
    assert library.count_source_records() == 0


def test_add_keeps_nothing_of_a_pubmed_answer_about_another_pmid(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    services_env.script("GET", "/eutils/efetch.fcgi", Scripted(body=_efetch(OTHER_PMID)))
    report = add_works(library, ["40481101"], _settings(tmp_path / "cache", Service.PUBMED))
    (conflict,) = report.conflicts
    assert "PMID 40481101" in conflict
    assert OTHER_PMID in conflict
    assert library.count_works() == 0


def test_add_keeps_nothing_of_a_pubmed_article_with_another_doi(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    # esearch says the DOI is PMID 40481102, whose article names another DOI
    services_env.script("GET", "/eutils/esearch.fcgi", Scripted(body=_esearch(OTHER_PMID)))
    report = add_works(library, [ASKED_DOI], _settings(tmp_path / "cache", Service.PUBMED))
    (conflict,) = report.conflicts
    assert f"asked about DOI {ASKED_DOI}, the answer is about {SEED_DOIS[1]}" in conflict
    assert library.count_works() == 0


def _s2_paper(doi: str) -> dict[str, object]:
    path = REPLAY / "s2" / f"{doi.replace('/', '_')}.json"
    paper: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return paper


def _without_doi(paper: dict[str, object]) -> dict[str, object]:
    external = dict(paper["externalIds"])  # type: ignore[call-overload]
    del external["DOI"]
    return {**paper, "externalIds": external}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param((lambda: _s2_paper(SEED_DOIS[1]), SEED_DOIS[1]), id="another-paper"),
        pytest.param(
            (lambda: _without_doi(_s2_paper(SEED_DOIS[0])), "names no DOI"),
            id="paper-without-doi",
        ),
    ],
)
def test_enrich_keeps_no_semantic_scholar_answer_about_another_paper(
    case: tuple[Callable[[], dict[str, object]], str],
    library: Library,
    doi_only_works: list[int],
    services_env: ReplayServer,
    tmp_path: Path,
) -> None:
    answer, message = case
    (target,) = select_targets(library, doi_only_works[:1])
    services_env.script("POST", "/s2/paper/batch", Scripted(body=json.dumps([answer()]).encode()))
    before = library.count_source_records()
    report = enrich_targets(library, [target], _settings(tmp_path / "cache", Service.S2))
    (conflict,) = report.conflicts
    assert conflict.work_id == target.work_id
    assert message in conflict.message
    assert report.added == 0
    assert library.count_source_records() == before


def test_enrich_keeps_no_crossref_answer_that_names_no_doi(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    (target,) = select_targets(library, doi_only_works[:1])
    work = json.loads(_crossref_work(SEED_DOIS[0]))
    del work["message"]["DOI"]
    services_env.script(
        "GET", f"/crossref/works/{SEED_DOIS[0]}", Scripted(body=json.dumps(work).encode())
    )
    report = enrich_targets(library, [target], _settings(tmp_path / "cache", Service.CROSSREF))
    (conflict,) = report.conflicts
    assert f"the crossref answer to DOI {SEED_DOIS[0]} names no DOI" in conflict.message
    assert report.added == 0


def test_an_efetch_answer_declaring_entities_is_a_pubmed_problem_and_the_run_goes_on(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    services_env.script("GET", "/eutils/efetch.fcgi", Scripted(body=entity_bomb()))
    services = (Service.PUBMED, Service.CROSSREF)
    report = enrich_targets(library, select_targets(library), _settings(tmp_path / "c", *services))
    (problem,) = report.problems
    assert problem.startswith("pubmed: GET ")
    assert "DOCTYPE that declares its own entities" in problem
    assert report.added == 9  # Crossref, asked after PubMed, still answered for every work
    assert report.exit_code == 3
