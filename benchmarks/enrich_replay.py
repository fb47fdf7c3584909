"""Enrichment speed against the local replay server: cold, from the cache, and parsing.

Prints: the nine seed DOIs fetched from Crossref cold (rate-limited) and again from the cache;
500 lookups without a rate limit cold and cached (the cost of the HTTP layer and the SQLite
cache per request); Crossref JSON parsing in records per second.

Run from the project root: PYTHONPATH=src:. python benchmarks/enrich_replay.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests.replay_server import SEED_DOIS, ReplayServer

from bimscli.formats import get_format
from bimscli.net.http import HttpClient, HttpSettings, ServicePolicy
from bimscli.net.services import CrossrefClient

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "crossref" / "works-one-doi.json"


def _timed_seed_run(server: ReplayServer, cache: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with HttpClient(HttpSettings(cache_dir=cache)) as http:
        client = CrossrefClient(http, base_url=f"{server.url}/crossref")
        for doi in SEED_DOIS:
            client.fetch_work(doi)
        return time.perf_counter() - started, http.network_requests


def _timed_lookups(server: ReplayServer, cache: Path, count: int) -> float:
    policy = ServicePolicy("bench", 0.0)
    started = time.perf_counter()
    with HttpClient(HttpSettings(cache_dir=cache)) as http:
        for n in range(count):
            http.request(policy, "GET", f"{server.url}/crossref/works/10.9999/bench-{n}")
    return time.perf_counter() - started


def _parse_rate(rounds: int) -> float:
    text = FIXTURE.read_text(encoding="utf-8")
    parser = get_format("crossref")
    started = time.perf_counter()
    for _ in range(rounds):
        list(parser.parse_string(text))
    return rounds / (time.perf_counter() - started)


def main() -> None:
    server = ReplayServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp)
            cold, cold_requests = _timed_seed_run(server, cache / "seed")
            warm, warm_requests = _timed_seed_run(server, cache / "seed")
            print(f"9 seed DOIs, Crossref cold:   {cold:6.2f} s, {cold_requests} requests")
            print(f"9 seed DOIs, from the cache:  {warm:6.3f} s, {warm_requests} requests")
            lookups = 500
            cold = _timed_lookups(server, cache / "bulk", lookups)
            warm = _timed_lookups(server, cache / "bulk", lookups)
            print(f"{lookups} lookups, no rate limit, cold:   {1000 * cold / lookups:6.2f} ms each")
            print(f"{lookups} lookups, from the cache:        {1000 * warm / lookups:6.2f} ms each")
    finally:
        server.stop()
    print(f"Crossref JSON parsing (70 references): {_parse_rate(300):8.0f} records/s")


if __name__ == "__main__":
    main()
