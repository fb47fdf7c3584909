"""Curation status of works: ``new``, ``selected``, ``maybe``, ``rejected`` or none, with history.

Every change is one row of the append-only table ``curation_log`` (migration
``0011_curation_log``): the status after it, the status before it, when, by whom, and what
kind of change it was (a ``decision``, an ``undo``, a ``new`` mark from a watch or search, or
the ``merge``/``split`` of works by deduplication). A work's status is the one of its latest
row; a work without rows has none. Nothing is ever deleted, so a status can always be traced
and undone.

Works merge and split under deduplication (:mod:`bimscli.store.work_clusters`). When works
merge, their rows all move to the surviving work (the heir) like any table with a
``work_id``, and before that :func:`carry_statuses_to_heirs` writes a ``merge`` row giving the
heir the strongest status of the merged works (``selected > maybe > rejected > new``); when
they carried different decisions the row notes the conflict, and :func:`status_conflicts`
lists them. A work split off by an unmerge starts with the status of the work it left.

Undo walks back only through the rows written for that work itself (``origin_work``): the
history of a work merged into it stays readable but is not replayed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bimscli.errors import NotFoundError, UsageError
from bimscli.model import STATUS_STRENGTH, CurationStatus
from bimscli.store.library import Library, now_iso

DECISIONS = frozenset({CurationStatus.SELECTED, CurationStatus.MAYBE, CurationStatus.REJECTED})
"""The statuses a curator sets by hand; ``new`` comes only from a watch or a search."""

_UNDOABLE = ("decision", "new", "merge", "split")


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One row of a work's curation history."""

    id: int
    work_id: int
    origin_work: int
    action: str
    status: str | None
    previous: str | None
    at: str
    by: str | None
    origin: str | None
    undoes: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """How one command changed one work's status."""

    work_id: int
    before: str | None
    after: str | None


def strongest_status(statuses: Iterable[str | None]) -> str | None:
    """The status a merged work keeps: the strongest of its parts' (``None``: no status).

    >>> strongest_status(["rejected", None, "maybe", "new"])
    'maybe'
    >>> strongest_status([None, None]) is None
    True
    """
    present = {s for s in statuses if s is not None}
    return next((s.value for s in STATUS_STRENGTH if s.value in present), None)


def current_statuses(library: Library, work_ids: Collection[int] | None = None) -> dict[int, str]:
    """Every work's current status (works without one are left out), or of the works named."""
    rows = library.connection.execute(
        "SELECT work_id, status FROM curation_log WHERE id IN"
        " (SELECT max(id) FROM curation_log GROUP BY work_id)"
    )
    wanted = None if work_ids is None else set(work_ids)
    return {
        int(work_id): str(status)
        for work_id, status in rows
        if status is not None and (wanted is None or work_id in wanted)
    }


def status_of(library: Library, work_id: int) -> str | None:
    """A work's current status, or ``None``."""
    row = library.connection.execute(
        "SELECT status FROM curation_log WHERE work_id = ? ORDER BY id DESC LIMIT 1", (work_id,)
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def works_with_status(library: Library, status: str | None) -> list[int]:
    """The ids of the works whose current status is ``status`` (``None``: no status), by id."""
    statuses = current_statuses(library)
    if status is None:
        rows = library.connection.execute("SELECT id FROM works ORDER BY id")
        return [int(w) for (w,) in rows if int(w) not in statuses]
    return sorted(w for w, s in statuses.items() if s == status)


def _append(
    library: Library,
    work_id: int,
    action: str,
    change: tuple[str | None, str | None],
    *,
    by: str | None = None,
    origin: str | None = None,
    undoes: int | None = None,
    note: str | None = None,
) -> None:
    previous, status = change
    library.connection.execute(
        "INSERT INTO curation_log (work_id, origin_work, action, status, previous, at, by,"
        " origin, undoes, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (work_id, work_id, action, status, previous, now_iso(), by, origin, undoes, note),
    )
    # Rules may read the status ([status]): the next `bims tag` must look at this work again.
    library.connection.execute("DELETE FROM tagged_works WHERE id = ?", (work_id,))


def _existing(library: Library, work_ids: Sequence[int]) -> list[int]:
    """The ids, each checked to name a work (a merged id says where it went)."""
    for work_id in work_ids:
        library.work(work_id)
    return list(dict.fromkeys(work_ids))


def decide(
    library: Library, work_ids: Sequence[int], status: str, *, by: str
) -> list[StatusChange]:
    """Set a curator's decision on works (inside a transaction); unchanged works get no row."""
    if status not in DECISIONS:
        raise UsageError(f"{status!r} is not a decision; use selected, maybe or rejected")
    changes = []
    for work_id in _existing(library, work_ids):
        before = status_of(library, work_id)
        if before != status:
            _append(library, work_id, "decision", (before, status), by=by)
        changes.append(StatusChange(work_id, before, status))
    return changes


def mark_new(library: Library, work_ids: Iterable[int], *, origin: str | None = None) -> list[int]:
    """Mark works that arrived through a watch or a search as ``new`` (inside a transaction).

    Only works without a status are marked: a paper already selected, rejected or waiting
    keeps its status when a search brings it again. ``origin`` names where the works came
    from (``watch:NAME``, ``search:pubmed``); ``bims triage --watch NAME`` reads it. Returns
    the ids marked.
    """
    # In bulk: a watch's first run may bring tens of thousands of works.
    wanted = list(dict.fromkeys(work_ids))
    decided = current_statuses(library, wanted)
    marked = [w for w in wanted if w not in decided]
    stamp = now_iso()
    new = CurationStatus.NEW.value
    library.connection.executemany(
        "INSERT INTO curation_log (work_id, origin_work, action, status, at, origin)"
        " VALUES (?, ?, 'new', ?, ?, ?)",
        [(w, w, new, stamp, origin) for w in marked],
    )
    library.connection.executemany("DELETE FROM tagged_works WHERE id = ?", [(w,) for w in marked])
    return marked


def history(library: Library, work_id: int) -> list[StatusEvent]:
    """A work's curation history, oldest first (rows of works merged into it included)."""
    rows = library.connection.execute(
        "SELECT id, work_id, origin_work, action, status, previous, at, by, origin, undoes, note"
        " FROM curation_log WHERE work_id = ? ORDER BY id",
        (work_id,),
    )
    return [StatusEvent(*row) for row in rows]


def undo(library: Library, work_id: int, *, by: str) -> StatusChange:
    """Undo a work's latest change not yet undone (inside a transaction): restore the status
    it replaced. A :class:`NotFoundError` when there is nothing left to undo."""
    library.work(work_id)
    events = [e for e in history(library, work_id) if e.origin_work == work_id]
    undone = {e.undoes for e in events if e.action == "undo"}
    target = next(
        (e for e in reversed(events) if e.action in _UNDOABLE and e.id not in undone), None
    )
    if target is None:
        raise NotFoundError(
            f"work {work_id} has no status change to undo; see `bims status show {work_id}`"
        )
    before = status_of(library, work_id)
    _append(library, work_id, "undo", (before, target.previous), by=by, undoes=target.id)
    return StatusChange(work_id, before, target.previous)


def new_works_newest_first(library: Library, origin: str | None = None) -> list[int]:
    """The works waiting for a decision, newest first (by publication year, then arrival);
    with ``origin``, only those whose ``new`` mark came from there."""
    statuses = current_statuses(library)
    waiting = [w for w, s in statuses.items() if s == CurationStatus.NEW.value]
    if origin is not None:
        rows = library.connection.execute(
            "SELECT DISTINCT work_id FROM curation_log WHERE action = 'new' AND origin = ?",
            (origin,),
        )
        marked = {int(w) for (w,) in rows}
        waiting = [w for w in waiting if w in marked]
    years = dict(library.connection.execute("SELECT id, coalesce(year, 0) FROM works").fetchall())
    return sorted(waiting, key=lambda w: (years.get(w, 0), w), reverse=True)


def status_conflicts(library: Library) -> list[StatusEvent]:
    """The merges of works that carried different decisions, oldest first."""
    rows = library.connection.execute(
        "SELECT id, work_id, origin_work, action, status, previous, at, by, origin, undoes, note"
        " FROM curation_log WHERE action = 'merge' AND note LIKE 'conflict:%' ORDER BY id"
    )
    return [StatusEvent(*row) for row in rows]


def _conflict_note(parts: Mapping[int, str | None]) -> str | None:
    """A note naming each work's decision, when the merged works were decided differently.

    >>> _conflict_note({3: "selected", 7: "rejected", 9: None})
    'conflict: work 3 selected, work 7 rejected'
    >>> _conflict_note({3: "selected", 7: "new"}) is None
    True
    """
    decided = {w: s for w, s in parts.items() if s in DECISIONS}
    if len(set(decided.values())) < 2:
        return None
    return "conflict: " + ", ".join(f"work {w} {s}" for w, s in sorted(decided.items()))


def carry_statuses_to_heirs(library: Library, heirs: Mapping[int, int]) -> None:
    """Before works merge (``old -> heir``), give each heir the strongest status of the works
    it absorbs (inside the merging transaction)."""
    groups: dict[int, list[int]] = {}
    for old, heir in heirs.items():
        groups.setdefault(heir, [heir]).append(old)
    for heir, works in sorted(groups.items()):
        parts = {w: status_of(library, w) for w in works}
        if all(s is None for s in parts.values()):
            continue
        merged = strongest_status(parts.values())
        note = _conflict_note(parts)
        absorbed = ", ".join(str(w) for w in sorted(works) if w != heir)
        _append(
            library, heir, "merge", (parts[heir], merged), by="bims dedup",
            origin=f"merged works {absorbed}", note=note,
        )  # fmt: skip


def carry_statuses_to_splits(library: Library, sources: Mapping[int, Collection[int]]) -> None:
    """Give each work split off by an unmerge (``new work -> works its records left``) the
    strongest status of the works it came from (inside the splitting transaction)."""
    for new_work, olds in sorted(sources.items()):
        status = strongest_status(status_of(library, w) for w in olds)
        if status is not None:
            origin = "split from work " + ", ".join(str(w) for w in sorted(olds))
            _append(library, new_work, "split", (None, status), by="bims dedup", origin=origin)
