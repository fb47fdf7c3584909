"""The issue's acceptance test: ingest the seed newsletter, enrich, and every work is complete.

It uses the BiomedNews, PubMed XML and Semantic Scholar parsers.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import bimscli.formats
from bimscli.dedup.library.clustering import dedup_library
from bimscli.enrich import ALL_SERVICES, EnrichSettings, enrich_targets, select_targets
from bimscli.enrich.run import FORMAT_OF
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import collect_sources, sniff
from bimscli.net.http import HttpSettings
from bimscli.store import Library
from tests.golden import FIXTURES
from tests.replay_server import SEED_DOIS, ReplayServer

SEED = FIXTURES / "seeds" / "000_4c0a4a96eb322688.txt"
JITTER = 0.02


def _ingest_seed(library: Library) -> list[int]:
    (source,) = collect_sources([str(SEED)])
    assert bimscli.formats.detect_format(sniff(source, "utf-8")).name == "biomednews"
    (file,) = ingest_sources(library, [source]).files
    return list(file.works)


def _gaps(server: ReplayServer, prefix: str) -> list[float]:
    return [b.at - a.at for a, b in itertools.pairwise(server.requests_to(prefix))]


def test_seed_newsletter_works_are_complete_after_enrich(
    library: Library, services_env: ReplayServer, tmp_path: Path
) -> None:
    works = _ingest_seed(library)
    assert len(works) == 9
    assert {library.work(w).record.ids.doi for w in works} == set(SEED_DOIS)
    assert all(FORMAT_OF[s] in bimscli.formats.format_names() for s in ALL_SERVICES)
    services = ALL_SERVICES
    settings = EnrichSettings(HttpSettings(cache_dir=tmp_path / "cache"), services)
    report = enrich_targets(library, select_targets(library), settings)
    assert report.problems == []
    assert report.conflicts == []
    for work_id in works:
        record = library.work(work_id).record
        assert record.title, work_id
        assert record.authors, work_id
        assert record.journal or record.journal_abbrev, work_id
    assert min(_gaps(services_env, "/crossref")) >= 0.2 - JITTER
    if len(services_env.requests_to("/eutils")) > 1:
        assert min(_gaps(services_env, "/eutils")) >= 1 / 3 - JITTER
    if len(services_env.requests_to("/s2")) > 1:
        assert min(_gaps(services_env, "/s2")) >= 1.0 - JITTER
    asked = len(services_env.requests)
    again = enrich_targets(library, select_targets(library), settings)
    assert len(services_env.requests) == asked  # the second run is served by the cache
    assert again.requests == 0
    records = library.count_source_records()
    with library.transaction():
        changes = dedup_library(library)
    assert not changes.changed  # a full dedup keeps every fetched record with its work
    assert sorted(library.work(w).id for w in works) == sorted(works)
    assert library.count_source_records() == records
