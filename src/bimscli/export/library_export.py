"""Exporting works from the library: choose the works, give them their stored citation keys,
write them in the format asked for. The one library call behind ``bims export``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex
from bimscli.export.csl_json import write_csl_json
from bimscli.export.formatted import OutputFormat, format_bibliography
from bimscli.export.ris import write_ris
from bimscli.store import Library
from bimscli.store.citation_keys import assign_citation_keys


class ExportFormat(StrEnum):
    """What ``bims export`` writes."""

    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"
    CSL_JSON = "csl-json"
    RIS = "ris"
    BIBLIOGRAPHY = "bibliography"


_WRITERS: dict[ExportFormat, Callable[[Iterable[ExportItem]], str]] = {
    ExportFormat.BIBTEX: write_bibtex,
    ExportFormat.BIBLATEX: lambda items: write_bibtex(items, Dialect.BIBLATEX),
    ExportFormat.CSL_JSON: write_csl_json,
    ExportFormat.RIS: write_ris,
}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export and how; no work ids means every work in the library."""

    format: ExportFormat
    work_ids: tuple[int, ...] = ()
    style: str = "vancouver"
    output: OutputFormat = OutputFormat.TEXT
    group_by_tag: bool = False
    rekey: bool = False


def export_items(library: Library, request: ExportRequest) -> list[ExportItem]:
    """The works asked for, in id order, with their citation keys (made on first export)."""
    works = list(library.works(sorted(set(request.work_ids)) or None))
    keys = assign_citation_keys(library, works, rekey=request.rekey)
    # Tags join the items once the library stores them.
    return [ExportItem(keys[w.id], w.record) for w in works]


def export_works(library: Library, request: ExportRequest) -> str:
    """The export text of the works a request names."""
    items = export_items(library, request)
    if request.format is ExportFormat.BIBLIOGRAPHY:
        return format_bibliography(
            items, request.style, request.output, group_by_tag=request.group_by_tag
        )
    return _WRITERS[request.format](items)
