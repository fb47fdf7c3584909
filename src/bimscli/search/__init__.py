"""Searches and watches: PubMed and Europe PMC answers stored as inputs, batch by batch.

``bims search`` runs one search (:func:`run_search`); ``bims watch`` saves searches and runs
them again for what is new (:mod:`bimscli.search.watches`).
"""

from __future__ import annotations

from bimscli.progress import Progress
from bimscli.search.run import (
    SearchReport,
    SearchRequest,
    SearchSettings,
    Service,
    run_search,
)
from bimscli.search.runs import RunRow, search_runs
from bimscli.search.watches import (
    Watch,
    WatchRun,
    add_watch,
    get_watch,
    list_watches,
    remove_watch,
    run_watch,
    run_watches,
)
from bimscli.search.windows import DateWindow, parse_day

__all__ = [
    "DateWindow",
    "Progress",
    "RunRow",
    "SearchReport",
    "SearchRequest",
    "SearchSettings",
    "Service",
    "Watch",
    "WatchRun",
    "add_watch",
    "get_watch",
    "list_watches",
    "parse_day",
    "remove_watch",
    "run_search",
    "run_watch",
    "run_watches",
    "search_runs",
]
