"""Fixtures of the enrichment tests: the replay server, a cache, nine DOI-only works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import bimscli.formats
from bimscli.formats.base import SourceFormat
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import collect_sources
from bimscli.model import Entry
from bimscli.store import Library
from tests.replay_server import SEED_DOIS, replay_server, services_env

__all__ = ["replay_server", "services_env"]


@pytest.fixture
def doi_only_works(library: Library, test_format: SourceFormat, tmp_path: Path) -> list[int]:
    """Nine works that know only their DOI, as the seed newsletter gives them."""
    path = tmp_path / "seed-dois.txt"
    lines = [f"{n}||https://doi.org/{doi}" for n, doi in enumerate(SEED_DOIS, start=1)]
    path.write_text("#testlines\n" + "\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_sources(library, collect_sources([str(path)]))
    (file,) = report.files
    assert file.records == 9, file
    return list(file.works)


def _no_entries(text: str) -> Iterator[Entry]:
    return iter(())


@pytest.fixture
def stand_in_parsers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Register empty parsers for the PubMed and S2 formats where the real ones are missing.

    They let a test send requests to every service (to check what goes out and what is kept)
    before the real parsers are merged; they read nothing, so no test may count on their
    records. Returns the names that were stood in for.
    """
    missing = [
        name
        for name in ("pubmed-xml", "semantic-scholar")
        if name not in bimscli.formats.format_names()
    ]
    stand_ins = tuple(
        SourceFormat(name, f"stand-in {name}", "0", 0, lambda sniff: 0.0, parse_text=_no_entries)
        for name in missing
    )
    monkeypatch.setattr(bimscli.formats, "FORMATS", (*bimscli.formats.FORMATS, *stand_ins))
    return missing
