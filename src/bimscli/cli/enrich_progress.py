"""The progress bar of ``bims enrich``, ``bims add`` and ``bims ingest --enrich``."""

from __future__ import annotations

from bimscli.cli.progress import CountProgressBar


class EnrichProgressBar(CountProgressBar):
    """A progress bar of works enriched, on stderr when it is a terminal."""

    def __init__(self) -> None:
        super().__init__("enriching")
