"""Deriving a work's shown fields from the source records it holds.

Source priority (highest first) is each format's ``priority``: PubMed XML (100) and MEDLINE (95)
over Crossref (90) over Semantic Scholar (80) over CSL-JSON (70), BibTeX and RIS (65), CSV (60),
a PubMed page copied as text (55), a BiomedNews newsletter (50), a lay-summary page (30) and a
web article (20). Ties go to the older record.

* Single-valued fields come from the highest-priority record that has them.
* The author list comes from the highest-priority record whose list is complete; if no list
  is complete, from the record with the longest one.
* Identifiers are filled field by field; keywords, publication types, MeSH headings, links,
  ISBNs and extra fields are unions; distinct notes are kept together.

Every shown field remembers the source records it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any, TypeVar

from bimscli.model import Author, Identifiers, Record

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Member:
    """A source record as seen by derivation: its id, its source's priority and its fields."""

    record_id: int
    priority: int
    record: Record


@dataclass(frozen=True, slots=True)
class DerivedWork:
    """A work's shown record and, per field, the ids of the source records behind it."""

    record: Record
    provenance: dict[str, list[int]]


_SINGLE_FIELDS = (
    "title",
    "original_title",
    "journal",
    "journal_abbrev",
    "publisher",
    "date",
    "epub_date",
    "volume",
    "issue",
    "pages",
    "article_number",
    "language",
)
_UNION_FIELDS = ("issn", "keywords", "publication_types", "mesh", "related", "extra")
_ID_SINGLE = ("doi", "pmid", "pmcid", "pii", "url", "arxiv", "s2")


def _is_set(value: object) -> bool:
    return value is not None and value not in ((), "")


def _fold_key(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _union(values: Iterable[tuple[int, tuple[T, ...]]]) -> tuple[tuple[T, ...], list[int]]:
    """Items in order of first appearance (strings compared case-insensitively)."""
    seen: set[object] = set()
    out: list[T] = []
    sources: list[int] = []
    for record_id, items in values:
        for item in items:
            key = _fold_key(item)
            if key in seen:
                continue
            seen.add(key)
            out.append(item)
            if record_id not in sources:
                sources.append(record_id)
    return tuple(out), sources


def _pick_authors(members: Sequence[Member]) -> Member | None:
    with_authors = [m for m in members if m.record.authors]
    complete = [m for m in with_authors if m.record.authors_complete]
    if complete:
        return complete[0]
    if with_authors:
        return max(with_authors, key=lambda m: len(m.record.authors))
    return None


def _first(members: Sequence[Member], get: Callable[[Member], Any]) -> tuple[Any, list[int]]:
    for member in members:
        value = get(member)
        if _is_set(value):
            return value, [member.record_id]
    return None, []


def _derive_ids(members: Sequence[Member], provenance: dict[str, list[int]]) -> Identifiers:
    values: dict[str, Any] = {}
    for name in _ID_SINGLE:
        value, sources = _first(members, attrgetter(f"record.ids.{name}"))
        values[name] = value
        if sources:
            provenance[f"ids.{name}"] = sources
    for name in ("isbn", "other"):
        merged, sources = _union((m.record_id, getattr(m.record.ids, name)) for m in members)
        values[name] = merged
        if sources:
            provenance[f"ids.{name}"] = sources
    return Identifiers(**values)


def _derive_note(members: Sequence[Member], provenance: dict[str, list[int]]) -> str | None:
    notes: list[str] = []
    sources: list[int] = []
    for member in members:
        note = member.record.note
        if note and note not in notes:
            notes.append(note)
            sources.append(member.record_id)
    if sources:
        provenance["note"] = sources
    return "\n\n".join(notes) if notes else None


def order_members(members: Iterable[Member]) -> list[Member]:
    """Members from the most to the least trusted source, older records first on ties."""
    return sorted(members, key=lambda m: (-m.priority, m.record_id))


def derive_work(members: Iterable[Member]) -> DerivedWork:
    """The work's shown record from its members, with per-field provenance.

    >>> from bimscli.model import Record
    >>> news = Member(2, 50, Record(journal_abbrev="Cancers (Basel)", volume="17"))
    >>> pubmed = Member(5, 100, Record(title="Survival", journal_abbrev="Cancers (Basel)"))
    >>> work = derive_work([news, pubmed])
    >>> (work.record.title, work.record.volume, work.provenance["volume"])
    ('Survival', '17', [2])
    """
    ordered = order_members(members)
    if not ordered:
        raise ValueError("a work needs at least one source record")
    if len(ordered) == 1:
        return _derive_single(ordered[0])
    return _derive_many(ordered)


def _derive_many(ordered: Sequence[Member]) -> DerivedWork:
    provenance: dict[str, list[int]] = {}
    values: dict[str, Any] = {"type": ordered[0].record.type}
    provenance["type"] = [ordered[0].record_id]
    for name in _SINGLE_FIELDS:
        value, sources = _first(ordered, attrgetter(f"record.{name}"))
        values[name] = value
        if sources:
            provenance[name] = sources
    for name in _UNION_FIELDS:
        merged, sources = _union((m.record_id, getattr(m.record, name)) for m in ordered)
        values[name] = merged
        if sources:
            provenance[name] = sources
    for name in ("abstract", "cited_references"):
        value, sources = _first(ordered, attrgetter(f"record.{name}"))
        values[name] = value or ()
        if sources:
            provenance[name] = sources
    chosen = _pick_authors(ordered)
    authors: tuple[Author, ...] = chosen.record.authors if chosen else ()
    values["authors"] = authors
    values["authors_complete"] = chosen.record.authors_complete if chosen else True
    if chosen:
        provenance["authors"] = [chosen.record_id]
    values["ids"] = _derive_ids(ordered, provenance)
    values["note"] = _derive_note(ordered, provenance)
    return DerivedWork(Record(**values), provenance)


def _derive_single(member: Member) -> DerivedWork:
    """:func:`_derive_many` of one member, without its general machinery (every ingested
    record starts as a work of its own, so this runs once per record).

    The result is equal to ``_derive_many([member])``, provenance in the same key order; when
    every shown field is the record's own (the usual case), the record object itself is
    returned. Only the fields that change are collected, so a clean record costs one pass.
    """
    record, rid = member.record, member.record_id
    provenance: dict[str, list[int]] = {"type": [rid]}
    changed: dict[str, Any] = {}
    _single_scalars(record, _SINGLE_FIELDS, rid, provenance, changed)
    _single_lists(record, _UNION_FIELDS, rid, provenance, changed)
    for name in ("abstract", "cited_references"):
        value = getattr(record, name)
        if _is_set(value):
            provenance[name] = [rid]
        elif value != ():
            changed[name] = ()
    if record.authors:
        provenance["authors"] = [rid]
    elif record.authors != () or record.authors_complete is not True:
        changed.update(authors=(), authors_complete=True)
    ids = _single_ids(record.ids, rid, provenance)
    if ids is not record.ids:
        changed["ids"] = ids
    if _is_set(record.note):
        provenance["note"] = [rid]
    elif record.note is not None:
        changed["note"] = None
    if not changed:
        return DerivedWork(record, provenance)
    return DerivedWork(replace(record, **changed), provenance)


def _single_ids(ids: Identifiers, rid: int, provenance: dict[str, list[int]]) -> Identifiers:
    changed: dict[str, Any] = {}
    _single_scalars(ids, _ID_SINGLE, rid, provenance, changed, prefix="ids.")
    _single_lists(ids, ("isbn", "other"), rid, provenance, changed, prefix="ids.")
    return replace(ids, **changed) if changed else ids


def _single_scalars(
    obj: Record | Identifiers,
    names: tuple[str, ...],
    rid: int,
    provenance: dict[str, list[int]],
    changed: dict[str, Any],
    *,
    prefix: str = "",
) -> None:
    """Provenance of the set fields; an empty string or tuple becomes no value."""
    for name in names:
        value = getattr(obj, name)
        if value is None:
            continue
        if _is_set(value):
            provenance[prefix + name] = [rid]
        else:
            changed[name] = None


def _single_lists(
    obj: Record | Identifiers,
    names: tuple[str, ...],
    rid: int,
    provenance: dict[str, list[int]],
    changed: dict[str, Any],
    *,
    prefix: str = "",
) -> None:
    """Provenance of the non-empty lists; a repeated item (compared case-insensitively) goes."""
    for name in names:
        items = getattr(obj, name)
        merged = items
        if len(items) >= 2 and len({_fold_key(item) for item in items}) < len(items):
            merged = _union([(rid, items)])[0]
        elif not isinstance(items, tuple):
            merged = tuple(items)
        if merged is not items:
            changed[name] = merged
        if merged:
            provenance[prefix + name] = [rid]
