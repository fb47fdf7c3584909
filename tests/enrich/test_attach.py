"""Conflict rules of enrichment: identity, titles, gained fields; PubMed lookups that disagree."""

from __future__ import annotations

import json
from pathlib import Path

from bimscli.enrich import EnrichSettings, Service, enrich_targets, select_targets
from bimscli.enrich.attach import gained_fields, identity_conflict, title_conflict
from bimscli.model import AbstractSection, Author, Identifiers, Record
from bimscli.net.http import HttpSettings
from bimscli.store import Library
from tests.replay_server import SEED_DOIS, ReplayServer, Scripted


def test_a_different_doi_or_pmid_is_an_identity_conflict() -> None:
    work = Record(ids=Identifiers(doi="10.1/a", pmid="1"))
    assert identity_conflict(work, Record(ids=Identifiers(doi="10.1/a"))) is None
    assert identity_conflict(work, Record(ids=Identifiers(pmid="1"))) is None
    assert "DOI 10.1/b" in (identity_conflict(work, Record(ids=Identifiers(doi="10.1/b"))) or "")
    assert "PMID 2" in (identity_conflict(work, Record(ids=Identifiers(pmid="2"))) or "")


def test_titles_differing_in_case_and_punctuation_agree() -> None:
    ours = Record(title="Exercise interventions in multiple myeloma: a scoping review.")
    same = Record(title="Exercise Interventions in Multiple Myeloma - A Scoping Review")
    other = Record(title="Radiotherapy and cancer pain")
    assert title_conflict(ours, same) is None
    assert title_conflict(ours, Record()) is None
    assert "Radiotherapy" in (title_conflict(ours, other) or "")


def test_gained_fields_counts_completed_author_lists_and_abbreviations() -> None:
    before = Record(authors=(Author(family="Benhabib"),), authors_complete=False, volume="15")
    after = Record(
        title="T",
        authors=(Author(family="Benhabib"), Author(family="Lee")),
        journal_abbrev="J",
        abstract=(AbstractSection("x"),),
        volume="15",
    )
    assert gained_fields(before, after) == ("title", "authors", "journal", "abstract")
    assert gained_fields(after, after) == ()


def _esearch(*pmids: str) -> bytes:
    result = {"count": str(len(pmids)), "retmax": "20", "retstart": "0", "idlist": list(pmids)}
    return json.dumps({"header": {"type": "esearch"}, "esearchresult": result}).encode()


def test_doi_with_several_pmids_or_another_works_pmid_is_reported(
    library: Library,
    doi_only_works: list[int],
    stand_in_parsers: list[str],
    services_env: ReplayServer,
    tmp_path: Path,
) -> None:
    services_env.script(
        "GET",
        "/eutils/esearch.fcgi",
        Scripted(200, body=_esearch("40481101")),
        Scripted(200, body=_esearch("40481101")),
        Scripted(200, body=_esearch("40481103", "39999999")),
    )
    settings = EnrichSettings(HttpSettings(cache_dir=tmp_path / "cache"), (Service.PUBMED,))
    report = enrich_targets(library, select_targets(library), settings)
    other_work, several = report.conflicts
    assert other_work.work_id == doi_only_works[1]
    assert f"DOI {SEED_DOIS[1]} resolves to PMID 40481101, which is work" in other_work.message
    assert several.work_id == doi_only_works[2]
    assert "resolves to several PMIDs: 40481103, 39999999" in several.message
    assert report.exit_code == 3
