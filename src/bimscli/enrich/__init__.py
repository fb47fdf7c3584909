"""Online enrichment: fill missing metadata of works from PubMed, Crossref and Semantic Scholar.

The library side of ``bims enrich`` and ``bims add``. All network access goes through
:mod:`bimscli.net`; every answer becomes a new source record of its work.
"""

from __future__ import annotations

from bimscli.enrich.add import AddReport, add_works
from bimscli.enrich.attach import Conflict
from bimscli.enrich.run import (
    ALL_SERVICES,
    EnrichReport,
    EnrichSettings,
    Service,
    enrich_targets,
    parse_services,
)
from bimscli.enrich.targets import missing_fields, parse_work_identifier, select_targets
from bimscli.progress import Progress

__all__ = [
    "ALL_SERVICES",
    "AddReport",
    "Conflict",
    "EnrichReport",
    "EnrichSettings",
    "Progress",
    "Service",
    "add_works",
    "enrich_targets",
    "missing_fields",
    "parse_services",
    "parse_work_identifier",
    "select_targets",
]
