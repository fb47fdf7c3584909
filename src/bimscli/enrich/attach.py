"""Storing what a service said as a new source record of a work; spotting conflicts.

A fetched record is never merged into a work's fields directly: it becomes one more immutable
source record (its input row names the service, the URL without secrets and the fetch time),
and the work's shown fields are derived again by source priority. A record whose DOI or PMID
contradicts the work's is not attached but reported; a different title is attached and
reported.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from bimscli.dedup.library.clustering import dedup_new_records
from bimscli.dedup.library.decisions import remember_link
from bimscli.formats import get_format
from bimscli.identifiers import normalize_doi
from bimscli.model import DocumentHeader, ParsedRecord, Record
from bimscli.net.services import Payload
from bimscli.store import Library
from bimscli.store.dedup_index import index_records
from bimscli.store.prepared import create_single_record_works
from bimscli.store.works import Member, derive_work

REPORTED_FIELDS = ("title", "authors", "journal", "abstract", "date", "volume", "pages")
TITLE_SIMILARITY = 90.0
"""Titles less similar than this (rapidfuzz ratio of folded text) are reported as a conflict."""


class Outcome(StrEnum):
    """What became of one fetched record."""

    ADDED = "added"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sources disagree about a work; a person should look."""

    work_id: int
    service: str
    message: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """The outcome of attaching one record, the fields the work gained, any conflict."""

    outcome: Outcome
    filled: tuple[str, ...] = ()
    conflict: Conflict | None = None


def _fold(title: str) -> str:
    """A title reduced to lower-case words, for comparison.

    >>> _fold("Exercise:  a <i>Review</i>.")
    'exercise a i review i'
    """
    return " ".join(re.findall(r"\w+", title.casefold()))


def identity_conflict(work: Record, fetched: Record) -> str | None:
    """Why ``fetched`` cannot be the same work, or None."""
    for name in ("doi", "pmid"):
        ours, theirs = getattr(work.ids, name), getattr(fetched.ids, name)
        if ours and theirs and ours != theirs:
            return f"the answer has {name.upper()} {theirs} but the work has {ours}"
    return None


def _doi(text: str) -> str:
    return normalize_doi(text) or text.strip().lower()  # DOIs are case-insensitive


_ASKED_PREFIXES = {"DOI": "doi", "PMID": "pmid"}
"""How Semantic Scholar queries name the identifier asked about (``DOI:10.…``, ``PMID:…``)."""


def asked_identifiers(payload: Payload) -> tuple[str, tuple[str, ...]] | None:
    """The kind of identifier an answer was asked for, and the values asked (None: unknown).

    >>> from datetime import datetime
    >>> from bimscli.net.services import Provenance
    >>> seen = Provenance("pubmed", "u", datetime(2025, 1, 1), False)
    >>> asked_identifiers(Payload("pubmed", "pubmed-xml", "1,2", "", seen))
    ('pmid', ('1', '2'))
    >>> asked = Payload("semantic-scholar", "semantic-scholar", "DOI:10.2196/JMIR.1", "", seen)
    >>> asked_identifiers(asked)
    ('doi', ('10.2196/jmir.1',))
    """
    query = payload.query
    if payload.format_name == "crossref":
        return "doi", (_doi(query),)
    if payload.format_name == "pubmed-xml":
        return "pmid", tuple(p.strip() for p in query.split(","))
    prefix, _, value = query.partition(":")
    kind = _ASKED_PREFIXES.get(prefix.upper())
    if kind is None:
        return None
    return kind, (_doi(value) if kind == "doi" else value.strip(),)


def answer_mismatch(payload: Payload, fetched: Record) -> str | None:
    """Why a fetched record is not about what its service was asked, or None.

    A Crossref answer about another DOI, an efetch article with a PMID not asked for, a
    Semantic Scholar paper with another DOI or PMID, or an answer that does not name the
    identifier at all: kept, any of them would attach one paper's data to another.
    """
    asked = asked_identifiers(payload)
    if asked is None:
        return None
    kind, values = asked
    theirs = getattr(fetched.ids, kind)
    if theirs in values:
        return None
    shown = ", ".join(values)
    if theirs is None:
        return f"the {payload.service} answer to {kind.upper()} {shown} names no {kind.upper()}"
    return f"asked {payload.service} about {kind.upper()} {shown}, the answer is about {theirs}"


def title_conflict(work: Record, fetched: Record) -> str | None:
    """A message when both have titles that are clearly different, else None."""
    if not work.title or not fetched.title:
        return None
    if fuzz.ratio(_fold(work.title), _fold(fetched.title)) >= TITLE_SIMILARITY:
        return None
    return f"title {fetched.title!r} differs from the work's title {work.title!r}"


def gained_fields(before: Record, after: Record) -> tuple[str, ...]:
    """The reported fields that ``after`` has and ``before`` lacked (authors: became complete)."""
    gained: list[str] = []
    for name in REPORTED_FIELDS:
        had, has = getattr(before, name), getattr(after, name)
        if name == "authors":
            had = had if before.authors_complete else ()
            has = has if after.authors_complete else ()
        if name == "journal":
            had, has = had or before.journal_abbrev, has or after.journal_abbrev
        if not had and has:
            gained.append(name)
    return tuple(gained)


def _record_sha(payload: Payload, parsed: ParsedRecord) -> str:
    return hashlib.sha256(f"{payload.format_name}\n{parsed.raw}".encode()).hexdigest()


def _store_record(library: Library, parsed: ParsedRecord, payload: Payload, sha: str) -> int:
    """The fetched record as an input of its own with one source record (in a transaction)."""
    fmt = get_format(payload.format_name)
    provenance = payload.provenance
    input_id = library.add_input(
        name=provenance.url,
        path=None,
        sha256=sha,
        size=len(parsed.raw.encode("utf-8")),
        format_name=fmt.name,
        parser_version=fmt.version,
        origin=f"online:{payload.service}",
    )
    header = DocumentHeader(
        (
            ("service", payload.service),
            ("url", provenance.url),
            ("fetched_at", provenance.fetched_at.isoformat(timespec="seconds")),
            ("query", payload.query),
        )
    )
    library.finish_input(input_id, header, 1, 0)
    (record_id,) = library.add_source_records(input_id, [parsed])
    return record_id


def attach_record(
    library: Library, work_id: int, parsed: ParsedRecord, payload: Payload, *, dry_run: bool
) -> Attachment:
    """Add a fetched record to a work unless it is already there or contradicts the work."""
    work = library.work(work_id).record
    problem = answer_mismatch(payload, parsed.record) or identity_conflict(work, parsed.record)
    if problem:
        return Attachment(Outcome.CONFLICT, conflict=Conflict(work_id, payload.service, problem))
    sha = _record_sha(payload, parsed)
    if library.find_input(sha, payload.format_name) is not None:
        return Attachment(Outcome.UNCHANGED)
    differs = title_conflict(work, parsed.record)
    conflict = Conflict(work_id, payload.service, differs) if differs else None
    members = library.members(work_id)
    priority = get_format(payload.format_name).priority
    newcomer = Member(1 + max(m.record_id for m in members), priority, parsed.record)
    after = derive_work([*members, newcomer]).record
    if not dry_run:
        with library.transaction():
            record_id = _store_record(library, parsed, payload, sha)
            library.connection.execute(
                "INSERT INTO work_members (record_id, work_id, rule, evidence)"
                " VALUES (?, ?, 'enrich', ?)",
                (record_id, work_id, f"{payload.service} {payload.query}"),
            )
            index_records(library, [(record_id, parsed.record)])
            # Found by the work's own identifier: a later `bims dedup` keeps it with the work
            # (a person can still split it off with `bims unmerge`).
            remember_link(library, record_id, members[0].record_id)
            library.refresh_work(work_id)
    return Attachment(Outcome.ADDED, gained_fields(work, after), conflict)


def create_work(library: Library, parsed: ParsedRecord, payload: Payload) -> int:
    """A new work made of one fetched record (``bims add``); its id."""
    fmt = get_format(payload.format_name)
    with library.transaction():
        record_id = _store_record(library, parsed, payload, _record_sha(payload, parsed))
        create_single_record_works(library, fmt, [parsed], [record_id])
        dedup_new_records(library, [(record_id, parsed.record)])
        (source,) = library.source_records([record_id])
    assert source.work_id is not None
    return source.work_id
