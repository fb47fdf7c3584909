"""Exporting works from the library: choose the works, give them their stored citation keys,
write them in the format asked for. The one library call behind ``bims export``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bimscli.errors import NotFoundError
from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex
from bimscli.export.choices import ExportFormat, OutputFormat
from bimscli.export.csl_json import write_csl_json
from bimscli.export.formatted import format_bibliography
from bimscli.export.ris import write_ris
from bimscli.export.stored_keys import assign_citation_keys, key_aliases, stored_keys_of
from bimscli.query import Search
from bimscli.store import Library, WorkRow
from bimscli.store.curation import current_statuses
from bimscli.tagging.library_tags import tags_by_work

_WRITERS: dict[ExportFormat, Callable[[Iterable[ExportItem]], str]] = {
    ExportFormat.BIBTEX: write_bibtex,
    ExportFormat.BIBLATEX: lambda items: write_bibtex(items, Dialect.BIBLATEX),
    ExportFormat.CSL_JSON: write_csl_json,
    ExportFormat.RIS: write_ris,
}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export and how.

    No work ids means every work in the library; ``tags`` keeps works carrying any of them
    (a tag also selects its sub-tags: ``design`` selects ``design/rct``), and ``query`` keeps
    works matching a PubMed-style query.
    """

    format: ExportFormat
    work_ids: tuple[int, ...] = ()
    style: str = "vancouver"
    output: OutputFormat = OutputFormat.TEXT
    group_by_tag: bool = False
    rekey: bool = False
    tags: tuple[str, ...] = ()
    query: str | None = None


def export_items(library: Library, request: ExportRequest) -> list[ExportItem]:
    """The works asked for, in id order, with their citation keys (made on first export).

    An export is a writer only when it has keys to store (a work exported for the first
    time, or ``rekey``); otherwise it only reads, and never waits for another process.
    """
    tags, works = _chosen_works(library, request)
    keys = None if request.rekey else stored_keys_of(library, works)
    if keys is None:
        with library.transaction():
            # Chosen again under the write lock: a merge may have retired a work meanwhile.
            tags, works = _chosen_works(library, request)
            keys = assign_citation_keys(library, works, rekey=request.rekey)
    aliases = key_aliases(library)
    return [
        ExportItem(keys[w.id], w.record, tuple(sorted(tags.get(w.id, ()))), aliases.get(w.id, ()))
        for w in works
    ]


def _chosen_works(
    library: Library, request: ExportRequest
) -> tuple[dict[int, set[str]], list[WorkRow]]:
    """Every work's tags, and the works the request names, in id order."""
    search = Search(request.query) if request.query is not None else None
    tags = tags_by_work(library)
    statuses = current_statuses(library) if search is not None else {}
    works = [
        w
        for w in library.works(sorted(set(request.work_ids)) or None)
        if _has_any_tag(tags.get(w.id, set()), request.tags)
        and (search is None or search.matches(w.record, tags.get(w.id, ()), statuses.get(w.id)))
    ]
    if not works:
        raise NotFoundError(_nothing_selected(request))
    return tags, works


def _nothing_selected(request: ExportRequest) -> str:
    """Why an export would be empty, and what to look at."""
    if not request.tags and request.query is None:
        return "the library has no works to export; add some first: bims ingest FILE"
    if request.tags and request.query is None:
        names = ", ".join(repr(t) for t in request.tags)
        return f"no work carries the tag {names} (or a sub-tag); see `bims tags`"
    return "no work matches the query and tags given; try it with `bims list --query`"


def _has_any_tag(work_tags: set[str], wanted: tuple[str, ...]) -> bool:
    """True when no tag is asked for, or the work has one of them or one of their sub-tags.

    >>> _has_any_tag({"design/rct"}, ("design",)), _has_any_tag({"pain"}, ("design",))
    (True, False)
    """
    if not wanted:
        return True
    return any(t == w or t.startswith(w + "/") for t in work_tags for w in wanted)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """An export's text and how many works it holds."""

    text: str
    works: int


def export_library(library: Library, request: ExportRequest) -> ExportResult:
    """The export of the works a request names, with their count."""
    items = export_items(library, request)
    if request.format is ExportFormat.BIBLIOGRAPHY:
        text = format_bibliography(
            items,
            request.style,
            request.output,
            group_by_tag=request.group_by_tag,
            section_tags=request.tags,
        )
    else:
        text = _WRITERS[request.format](items)
    return ExportResult(text, len(items))


def export_works(library: Library, request: ExportRequest) -> str:
    """The export text of the works a request names."""
    return export_library(library, request).text
