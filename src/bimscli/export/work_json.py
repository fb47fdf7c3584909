"""The JSON of ``bims list --json`` and ``bims show --json`` (shape: docs/schemas/work.json).

Field names follow CSL-JSON where CSL has one (``author``, ``container-title``, ``issued``,
``DOI``, …); what CSL has no name for uses bims's own (``epub-date``, ``mesh``, ``tags``).
``bims show`` adds ``record``, the work's full record in bims's own model (every field, such as
MeSH qualifiers and abstract labels, that CSL cannot hold), ``provenance`` and ``sources``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bimscli.export.csl_json import CSL_TYPES, csl_date, csl_name
from bimscli.export.work_facts import WorkFacts
from bimscli.store.rows import SourceRecordRow, WorkRow
from bimscli.store.serialize import record_to_builtins

SCHEMA_VERSION = 1
"""Raised when a field changes meaning or goes away (adding a field does not raise it)."""


def _identifiers(work: WorkRow) -> dict[str, Any]:
    ids = asdict(work.record.ids)
    ids["isbn"] = list(ids["isbn"])
    ids["other"] = [{"type": kind, "value": value} for kind, value in ids["other"]]
    return ids


def work_summary_json(work: WorkRow, facts: WorkFacts) -> dict[str, Any]:
    """One work of ``bims list --json``: its main fields, identifiers, tags, key and status."""
    record = work.record
    date = record.date or record.epub_date
    ids = record.ids
    return {
        "id": work.id,
        "type": CSL_TYPES[record.type],
        "bims-type": str(record.type),
        "title": record.title,
        "author": [csl_name(a) for a in record.authors],
        "author-complete": record.authors_complete,
        "container-title": record.journal,
        "container-title-short": record.journal_abbrev,
        "issued": csl_date(date) if date is not None else None,
        "year": record.year,
        "volume": record.volume,
        "issue": record.issue,
        "page": record.pages,
        "number": record.article_number,
        "DOI": ids.doi,
        "PMID": ids.pmid,
        "PMCID": ids.pmcid,
        "URL": ids.url,
        "identifiers": _identifiers(work),
        "tags": [{"tag": t.tag, "origins": list(t.origins)} for t in facts.tags],
        "citation-key": facts.citation_key,
        "status": facts.status,
        "source-count": facts.source_count,
        "added": work.created_at,
    }


def _source_json(source: SourceRecordRow, *, raw: bool) -> dict[str, Any]:
    return {
        "id": source.id,
        "format": source.input.format,
        "parser_version": source.input.parser_version,
        "file": source.input.name,
        "path": source.input.path,
        "sha256": source.input.sha256,
        "line": source.line,
        "entry": source.entry,
        "source_key": source.source_key,
        "rule": source.rule,
        "ingested_at": source.input.ingested_at,
        "record": record_to_builtins(source.record),
        **({"raw": source.raw} if raw else {}),
    }


def work_details_json(
    work: WorkRow, facts: WorkFacts, sources: list[SourceRecordRow], *, raw: bool = False
) -> dict[str, Any]:
    """Everything ``bims show --json`` gives for one work (``raw``: with each source record's
    raw text)."""
    record = work.record
    details = work_summary_json(work, facts)
    details.update(
        {
            "original-title": record.original_title,
            "publisher": record.publisher,
            "ISSN": list(record.issn),
            "epub-date": csl_date(record.epub_date) if record.epub_date else None,
            "language": record.language,
            "abstract": record.abstract_text or None,
            "keywords": list(record.keywords),
            "note": record.note,
            "citation-key-aliases": list(facts.key_aliases),
            "merged-ids": list(facts.merged_ids),
            "updated": work.updated_at,
            "record": record_to_builtins(record),
            "provenance": work.provenance,
            "sources": [_source_json(s, raw=raw) for s in sources],
        }
    )
    return details
