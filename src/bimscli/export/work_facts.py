"""What the library knows about a work besides its fields: tags, key, merged-away ids, status.

``bims show`` and ``bims list`` read these for one work or for many at once (one query per
kind of fact, never one per work).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bimscli.store.curation import current_statuses
from bimscli.store.library import Library


@dataclass(frozen=True, slots=True)
class WorkTag:
    """A tag on a work and how it got there: ``rule`` (a tagging rule), ``manual`` or both."""

    tag: str
    origins: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkFacts:
    """A work's tags, citation key (once assigned), merged-away ids, status and source count."""

    tags: tuple[WorkTag, ...] = ()
    citation_key: str | None = None
    key_aliases: tuple[str, ...] = ()
    merged_ids: tuple[int, ...] = ()
    status: str | None = None
    """The curation status (``new``, ``selected``, ``maybe``, ``rejected``), ``None`` if none."""
    source_count: int = 0

    def tags_of(self, origin: str) -> list[str]:
        """The tags that have this origin, sorted."""
        return [t.tag for t in self.tags if origin in t.origins]


def _grouped(rows: object) -> dict[int, list[tuple[object, ...]]]:
    grouped: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for row in rows:  # type: ignore[attr-defined]  # an sqlite3 cursor
        grouped[int(row[0])].append(tuple(row[1:]))
    return grouped


def _in_clause(work_ids: Sequence[int] | None) -> tuple[str, tuple[int, ...]]:
    """A ``WHERE`` on ``work_id`` for these works (``None``: every work)."""
    if work_ids is None:
        return "", ()
    return f" WHERE {{col}} IN ({','.join('?' * len(work_ids))})", tuple(work_ids)


def _tags(library: Library, work_ids: Sequence[int] | None) -> dict[int, tuple[WorkTag, ...]]:
    where, args = _in_clause(work_ids)
    rows = library.connection.execute(
        "SELECT work_id, tag, origin FROM work_tags"  # noqa: S608 - placeholders only
        + where.format(col="work_id")
        + " ORDER BY work_id, tag, origin",
        args,
    )
    out: dict[int, tuple[WorkTag, ...]] = {}
    for work_id, tag_rows in _grouped(rows).items():
        origins: dict[str, list[str]] = defaultdict(list)
        for tag, origin in tag_rows:
            origins[str(tag)].append(str(origin))
        out[work_id] = tuple(WorkTag(t, tuple(o)) for t, o in origins.items())
    return out


def _column_by_work(
    library: Library, table: str, column: str, key: str, work_ids: Sequence[int] | None
) -> dict[int, list[object]]:
    where, args = _in_clause(work_ids)
    rows = library.connection.execute(
        f"SELECT {key}, {column} FROM {table}"  # noqa: S608 - names are constants
        + where.format(col=key)
        + f" ORDER BY {key}, {column}",
        args,
    )
    return {work_id: [r[0] for r in found] for work_id, found in _grouped(rows).items()}


def _merged_away(library: Library) -> dict[int, list[object]]:
    """The ids merged into each work, also through works that were merged on in turn."""
    heir_of = dict(library.connection.execute("SELECT id, merged_into FROM retired_works"))
    merged: dict[int, list[object]] = defaultdict(list)
    for old in sorted(heir_of):
        heir, seen = heir_of[old], {old}
        while heir in heir_of and heir not in seen:  # a later merge moved the heir on
            seen.add(heir)
            heir = heir_of[heir]
        merged[int(heir)].append(old)
    return merged


def work_facts(library: Library, work_ids: Sequence[int] | None = None) -> dict[int, WorkFacts]:
    """The facts of these works (``None``: of every work), by work id; works without any
    fact are left out (their facts are ``WorkFacts()``)."""
    if work_ids is not None and not work_ids:
        return {}
    tags = _tags(library, work_ids)
    keys = _column_by_work(library, "citation_keys", "key", "work_id", work_ids)
    aliases = _column_by_work(library, "citation_key_aliases", "key", "work_id", work_ids)
    merged = _merged_away(library)
    counts = _column_by_work(library, "work_members", "record_id", "work_id", work_ids)
    statuses = current_statuses(library, work_ids)
    ids = set(tags) | set(keys) | set(aliases) | set(merged) | set(counts) | set(statuses)
    return {
        work_id: WorkFacts(
            tags=tags.get(work_id, ()),
            citation_key=str(keys[work_id][0]) if work_id in keys else None,
            key_aliases=tuple(str(k) for k in aliases.get(work_id, ())),
            merged_ids=tuple(int(str(i)) for i in merged.get(work_id, ())),
            status=statuses.get(work_id),
            source_count=len(counts.get(work_id, ())),
        )
        for work_id in ids
    }
