"""Enrichment end to end against the replay server: fill, cache, offline, conflicts, Ctrl-C."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest

import bimscli.formats
from bimscli.enrich import (
    EnrichReport,
    EnrichSettings,
    Progress,
    Service,
    enrich_targets,
    missing_fields,
    parse_services,
    select_targets,
)
from bimscli.errors import UsageError
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import collect_sources
from bimscli.net.http import HttpSettings
from bimscli.store import Library
from tests.replay_server import SEED_DOIS, ReplayServer

JITTER = 0.02
CROSSREF_ONLY = (Service.CROSSREF,)


def _settings(
    cache: Path, services: tuple[Service, ...] = CROSSREF_ONLY, **http: object
) -> EnrichSettings:
    options: dict[str, object] = {"cache_dir": cache, "timeout": 10.0, "backoff": 0.05}
    options.update(http)
    return EnrichSettings(HttpSettings(**options), services)  # type: ignore[arg-type]


def _enrich(library: Library, settings: EnrichSettings, **kwargs: object) -> EnrichReport:
    return enrich_targets(library, select_targets(library), settings, **kwargs)  # type: ignore[arg-type]


def test_crossref_fills_title_authors_journal_of_all_nine_works(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    assert all(
        {"title", "authors", "journal"} <= set(missing_fields(library.work(w).record))
        for w in doi_only_works
    )
    report = _enrich(library, _settings(tmp_path / "cache"))
    assert report.works == 9
    assert report.added == 9
    assert report.conflicts == []
    assert report.problems == []
    for work_id in doi_only_works:
        record = library.work(work_id).record
        assert record.title
        assert record.authors
        assert record.journal
        assert set(report.filled[work_id]) >= {"title", "authors", "journal"}
    gaps = [b.at - a.at for a, b in itertools.pairwise(services_env.requests_to("/crossref"))]
    assert min(gaps) >= 0.2 - JITTER  # Crossref's anonymous limit: 5 requests/s


def test_fetched_records_carry_their_provenance(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    _enrich(library, _settings(tmp_path / "cache"))
    online = [i for i in library.inputs() if i.origin == "online:crossref"]
    assert len(online) == 9
    header = online[0].header
    assert header is not None
    assert header.get("service") == "crossref"
    assert (header.get("url") or "").startswith(services_env.url + "/crossref/works/10.")
    assert header.get("fetched_at")
    assert online[0].format == "crossref"
    work = library.work(doi_only_works[0])
    assert len(library.work_record_ids(work.id)) == 2  # the newsletter's and Crossref's


def test_second_run_makes_no_requests(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    _enrich(library, _settings(tmp_path / "cache"))
    asked = len(services_env.requests)
    again = _enrich(library, _settings(tmp_path / "cache"))
    assert len(services_env.requests) == asked
    assert again.requests == 0
    assert again.added == 0
    assert again.unchanged == again.works  # the works still lacking an abstract, asked again


def test_dry_run_stores_nothing(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    before = library.count_source_records()
    report = _enrich(library, _settings(tmp_path / "cache"), dry_run=True)
    assert report.added == 9
    assert report.dry_run
    assert library.count_source_records() == before
    assert library.work(doi_only_works[0]).record.title is None


def test_offline_with_an_empty_cache_changes_nothing_and_says_so(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    before = library.count_source_records()
    report = _enrich(library, _settings(tmp_path / "cache", offline=True))
    assert report.not_cached == 9
    assert report.exit_code == 3
    assert services_env.requests == []
    assert library.count_source_records() == before


def test_offline_rerun_works_from_the_cache(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    _enrich(library, _settings(tmp_path / "cache"), dry_run=True)
    asked = len(services_env.requests)
    report = _enrich(library, _settings(tmp_path / "cache", offline=True))
    assert report.added == 9
    assert len(services_env.requests) == asked


def test_no_network_is_one_clear_message_and_no_change(
    library: Library,
    doi_only_works: list[int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BIMS_CROSSREF_URL", "http://127.0.0.1:9")
    before = library.count_source_records()
    report = _enrich(library, _settings(tmp_path / "cache"))
    assert len(report.problems) == 1
    assert "cannot connect to crossref" in report.problems[0]
    assert report.requests == 1  # given up at once, not asked nine times
    assert library.count_source_records() == before


def test_a_different_title_is_reported_and_priority_decides(
    library: Library, test_format: object, services_env: ReplayServer, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.txt"
    path.write_text(f"#testlines\nw|A completely unrelated title|{SEED_DOIS[2]}\n", "utf-8")
    (file,) = ingest_sources(library, collect_sources([str(path)])).files
    report = _enrich(library, _settings(tmp_path / "cache"))
    (conflict,) = report.conflicts
    assert conflict.work_id == file.works[0]
    assert "A completely unrelated title" in conflict.message
    assert library.work(file.works[0]).record.title.startswith("Radiotherapy and Cancer Pain")  # type: ignore[union-attr]
    assert report.exit_code == 3


class _InterruptAfter(Progress):
    def __init__(self, steps: int) -> None:
        self.remaining = steps

    def advance(self, done: int) -> None:
        self.remaining -= done
        if self.remaining <= 0:
            raise KeyboardInterrupt


def test_ctrl_c_keeps_what_was_fetched_and_a_rerun_continues(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "cache")
    first = _enrich(library, settings, progress=_InterruptAfter(3))
    assert first.interrupted
    assert first.added == 3
    titled = [w for w in doi_only_works if library.work(w).record.title]
    assert titled == doi_only_works[:3]
    second = _enrich(library, settings)
    assert not second.interrupted
    assert second.added == 6
    assert all(library.work(w).record.title for w in doi_only_works)
    assert len(services_env.requests_to("/crossref")) == 9  # nothing was asked twice


def test_explicit_ids_and_all_include_complete_works(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    _enrich(library, _settings(tmp_path / "cache"))
    complete = [w for w in doi_only_works if not missing_fields(library.work(w).record)]
    assert complete  # the seed work whose Crossref record has an abstract
    assert not {t.work_id for t in select_targets(library)} & set(complete)
    assert {t.work_id for t in select_targets(library, refresh_all=True)} >= set(complete)
    assert [t.work_id for t in select_targets(library, complete[:1])] == complete[:1]


def test_parse_services_rejects_unknown_names() -> None:
    assert parse_services("crossref") == (Service.CROSSREF,)
    with pytest.raises(UsageError, match="unknown source scopus"):
        parse_services("crossref,scopus")


def test_a_service_without_its_parser_is_skipped_with_a_message(
    library: Library,
    doi_only_works: list[int],
    services_env: ReplayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_s2 = tuple(f for f in bimscli.formats.FORMATS if f.name != "semantic-scholar")
    monkeypatch.setattr(bimscli.formats, "FORMATS", without_s2)
    report = _enrich(library, _settings(tmp_path / "cache", services=(Service.S2,)))
    assert report.problems == [
        "s2: skipped, this bims has no semantic-scholar parser to read its answers"
    ]
    assert services_env.requests == []


def test_cache_expiry_is_configurable(
    library: Library, doi_only_works: list[int], services_env: ReplayServer, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "cache", expire_after=timedelta(seconds=0))
    _enrich(library, settings, dry_run=True)
    asked = len(services_env.requests)
    _enrich(library, settings, dry_run=True)
    assert len(services_env.requests) == 2 * asked
