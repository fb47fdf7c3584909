"""A large first watch run against the simulated PubMed: time against ingesting the same
articles from a file, and memory at two sizes.

Prints: the time of a first run of 12,000 records (more than the history server's 10,000, so
the search is cut into date windows; efetch pages of 200 at NCBI's keyed rate of 10 requests
a second) next to the floor, ``bims ingest`` of the same articles as one PubmedArticleSet file
in the same run, and the ratio; then the peak of Python allocations (tracemalloc, the
in-process server's share included) of runs of 2,000 and 12,000 records, which should be about
the same: batches are streamed.

Run from the project root: PYTHONPATH=src:. python benchmarks/search_watch.py
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from tests.replay_server import ReplayServer
from tests.search_replay import _HEAD, SimulatedPubMed, generated_articles

from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.net.http import HttpSettings
from bimscli.search import SearchRequest, SearchSettings, Service, run_search
from bimscli.store import Library

TOPIC = "bone metastases"


def _settings() -> SearchSettings:
    return SearchSettings(HttpSettings(cache_dir=None, timeout=30.0), ncbi_api_key="bench-key")


def _timed_search(
    pubmed: SimulatedPubMed, count: int, folder: Path, label: str = "time"
) -> tuple[float, int]:
    with Library.open(folder / f"search-{label}-{count}.sqlite") as library:
        started = time.perf_counter()
        report = run_search(library, SearchRequest(Service.PUBMED, TOPIC), _settings())
        elapsed = time.perf_counter() - started
    assert report.stored == count, (report.stored, report.problem)
    return elapsed, report.parts


def _timed_ingest(pubmed: SimulatedPubMed, folder: Path) -> float:
    path = folder / "articles.xml"
    body = "\n".join(a.xml() for a in pubmed.articles)
    path.write_text(_HEAD + body + "\n</PubmedArticleSet>\n", encoding="utf-8")
    with Library.open(folder / "ingest.sqlite") as library:
        started = time.perf_counter()
        ingest_sources(library, [InputSource(path.name, path=path)])
        return time.perf_counter() - started


def _peak(pubmed: SimulatedPubMed, count: int, folder: Path) -> float:
    """The peak while a run stores ``count`` records (the simulated articles themselves,
    made beforehand, are not counted; each search's list of them is)."""
    pubmed.articles = generated_articles(count, TOPIC, date(2024, 1, 1), per_day=100)
    pubmed.histories.clear()
    tracemalloc.start()
    _timed_search(pubmed, count, folder, "memory")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    server = ReplayServer()
    pubmed = SimulatedPubMed()
    server.handlers.append(pubmed)
    server.start()
    os.environ["BIMS_EUTILS_URL"] = server.url + "/eutils"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            pubmed.articles = generated_articles(12_000, TOPIC, date(2024, 1, 1), per_day=100)
            search, parts = _timed_search(pubmed, 12_000, folder)
            floor = _timed_ingest(pubmed, folder)
            print(f"first run, 12,000 records ({parts} date windows): {search:6.1f} s")
            print(f"floor, ingest of the same articles from a file: {floor:6.1f} s")
            print(f"ratio: {search / floor:.1f}x (of which >= 6 s is NCBI's rate limit)")
            small, large = _peak(pubmed, 2_000, folder), _peak(pubmed, 12_000, folder)
            print(f"peak Python allocations: 2,000 records {small:.1f} MB, 12,000 {large:.1f} MB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
