"""Pausing Python's cycle collector while deduplication builds millions of small objects.

Features, blocks and decisions hold no reference cycles, so the collector finds nothing in
them, yet it walks them again and again as they pile up: at a million records that costs a
third of the run. Pausing it for the bulk step and restoring it afterwards is safe.
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
