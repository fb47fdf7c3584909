"""Deduplication in a library: the pure engine of :mod:`bimscli.dedup` run over a store.

:mod:`.clustering` runs the engine over the whole library (``bims dedup``) or over an ingest's
new records and the records sharing a blocking key with them, taking people's decisions as given;
:mod:`.decisions` remembers ``bims merge``, ``bims unmerge`` and the answers given in the review;
:mod:`.review` lists the pairs of works to review; :mod:`.report` explains a work's records,
reads the stored pairs and writes groups in the benchmarks' format.

The engine itself knows no store (the store keeps its features and blocking keys, so it sits
below the store); this subpackage is the one part of deduplication that reads and writes the
library, so it sits above the store and below ingest and enrichment, which call it.
"""

from __future__ import annotations
