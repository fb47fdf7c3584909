"""Fixtures of the search tests: the replay server with a simulated PubMed and Europe PMC."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.net.http import HttpSettings
from bimscli.search import SearchSettings
from bimscli.store import Library
from tests.replay_server import Answer, Handler, replay_server, services_env
from tests.search_replay import recorded_europepmc, simulated_pubmed

__all__ = ["recorded_europepmc", "replay_server", "services_env", "simulated_pubmed"]


@pytest.fixture
def settings(tmp_path: Path) -> SearchSettings:
    """Search settings for the replay server: no cache (each run asks), short backoff.

    The timeout is generous: tests run on busy machines. The base URLs come from the
    environment that ``services_env`` sets.
    """
    http = HttpSettings(cache_dir=None, timeout=10.0, backoff=0.05, max_retries=2, max_wait=5.0)
    return SearchSettings(http)


def efetch_fails_from(start: int) -> Handler:
    """A handler that answers every efetch page from ``start`` on with HTTP 500, for ever."""

    def handler(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer | None:
        if path == "/eutils/efetch.fcgi" and int(query.get("retstart", ["0"])[0]) >= start:
            return Answer(500, b"Internal Server Error", "text/plain")
        return None

    return handler


def pubmed_counts(library: Library) -> dict[str, int]:
    """How many PubMed source records the library holds per PMID."""
    rows = library.connection.execute(
        "SELECT s.pmid, count(*) FROM source_records s JOIN inputs i ON i.id = s.input_id"
        " WHERE i.format = 'pubmed-xml' GROUP BY s.pmid"
    )
    return {str(pmid): int(n) for pmid, n in rows}
