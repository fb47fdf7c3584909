"""Keeping Python's cycle collector out of bulk work that makes millions of small objects.

Features, blocks and decisions hold no reference cycles, so the collector finds nothing in
them, yet it walks them again and again as they pile up: at a million records that costs a
third of a deduplication run. Pausing it for the bulk step and restoring it afterwards is safe.
An ingest parses for minutes, so there the collector is only made to run less often.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cycle collector off; it is turned back on if it was on.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


INGEST_THRESHOLD = 10_000
"""Allocations between young-generation collections during an ingest (Python's default: 700).

A parsed article makes thousands of short-lived objects that reference counting frees; at the
default the collector ran every few hundred of them, ~1.4 CPU-s of a 30,000-article ingest."""


@contextmanager
def collector_relaxed(threshold: int = INGEST_THRESHOLD) -> Iterator[None]:
    """Run the block with the young generation collected every ``threshold`` allocations.

    Cycles are still collected, so memory stays flat over a long run.

    >>> before = gc.get_threshold()
    >>> with collector_relaxed(before[0] + 5000):
    ...     gc.get_threshold()[0] == before[0] + 5000
    True
    >>> gc.get_threshold() == before
    True
    """
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
