"""What people decide about works: ``bims merge``, ``bims unmerge`` and the answers given in
``bims dedup --review``, remembered.

Decisions are stored as must-link and cannot-link pairs of source records; every automatic
deduplication run (:mod:`bimscli.dedup.library.clustering`) takes them as given, so no later
run undoes what a person decided. The latest decision about a pair wins. An answer in the
review is also kept whole (which records each work held), so that rejecting a pair accepted
earlier splits the work back along the same line, and the review loop can undo an answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bimscli.dedup.library.review import REVIEWED_OUTCOMES, pair_id
from bimscli.errors import NotFoundError, UsageError
from bimscli.store import Library
from bimscli.store.library import now_iso
from bimscli.store.work_clusters import apply_clusters, membership


def _remember(library: Library, kind: str, pairs: Iterable[tuple[int, int]]) -> None:
    opposite = "cannot-link" if kind == "must-link" else "must-link"
    stamp = now_iso()
    for a, b in pairs:
        low, high = sorted((a, b))
        library.connection.execute(
            "DELETE FROM dedup_decisions WHERE kind = ? AND record_a = ? AND record_b = ?",
            (opposite, low, high),
        )
        library.connection.execute(
            "INSERT OR IGNORE INTO dedup_decisions (kind, record_a, record_b, created_at)"
            " VALUES (?, ?, ?, ?)",
            (kind, low, high, stamp),
        )


def remember_link(library: Library, record_a: int, record_b: int) -> None:
    """Keep two records in one work in every later run (as if a person had merged them)."""
    _remember(library, "must-link", [(record_a, record_b)])


def merge_works(library: Library, work_ids: Sequence[int]) -> int:
    """Join works by hand (inside a transaction); the decision outlives later dedup runs."""
    if len(set(work_ids)) < 2:
        raise UsageError("name at least two different works to merge")
    groups = [library.work_record_ids(w) for w in sorted(set(work_ids))]
    for work_id, group in zip(sorted(set(work_ids)), groups, strict=True):
        if not group:
            raise UsageError(f"no work {work_id}; see `bims list`")
    records = [r for g in groups for r in g]
    _remember(
        library, "must-link", [(a, b) for i, a in enumerate(records) for b in records[i + 1 :]]
    )
    reasons = {r: ("merged by hand", json.dumps({"works": sorted(set(work_ids))})) for r in records}
    apply_clusters(library, [tuple(records)], reasons)
    return min(work_ids)


def unmerge_work(library: Library, work_id: int, record_ids: Sequence[int] = ()) -> list[int]:
    """Split a work (inside a transaction): the named records, or all, each become a work.

    The separation is remembered, so a later ``bims dedup`` never joins them again. Returns
    the ids of the works the records are in afterwards.
    """
    members = library.work_record_ids(work_id)
    if len(members) < 2:
        raise UsageError(f"work {work_id} holds only one source record; nothing to split")
    chosen = list(record_ids) or members[1:]
    strangers = [r for r in chosen if r not in members]
    if strangers:
        raise UsageError(
            f"record {strangers[0]} is not in work {work_id}; see `bims show {work_id}`"
        )
    rest = [r for r in members if r not in chosen]
    pairs = [(a, b) for a in chosen for b in members if a != b]
    _remember(library, "cannot-link", pairs)
    clusters = [tuple(rest)] + [(r,) for r in chosen] if rest else [(r,) for r in chosen]
    reasons = {r: ("split by hand", json.dumps({"from": work_id})) for r in chosen}
    apply_clusters(library, clusters, reasons)
    return sorted(set(membership(library, members).values()))


# Answers in the review ---------------------------------------------------------------------


class Verdict(StrEnum):
    """A person's answer about a pair of works in the review."""

    ACCEPT = "accept"  # one paper: join the works
    REJECT = "reject"  # different papers: never join them


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """An answer about a pair of works as the person named it (``work_a`` < ``work_b``), with
    the records each side held when it was given (``records_a`` are ``work_a``'s side)."""

    id: int
    verdict: Verdict
    work_a: int
    work_b: int
    records_a: tuple[int, ...]
    records_b: tuple[int, ...]
    decided_at: str

    @property
    def pair_id(self) -> str:
        """The PAIR id the answer was about."""
        return pair_id(self.work_a, self.work_b)


def current_work(library: Library, work_id: int) -> int:
    """The work that holds ``work_id``'s records now: itself, or the work it was merged into."""
    seen = {work_id}
    heir = work_id
    while not library.connection.execute("SELECT 1 FROM works WHERE id = ?", (heir,)).fetchone():
        row = library.connection.execute(
            "SELECT merged_into FROM retired_works WHERE id = ?", (heir,)
        ).fetchone()
        if row is None or int(row[0]) in seen:
            raise NotFoundError(f"no work {work_id}; see `bims dedup --review` or `bims list`")
        heir = int(row[0])
        seen.add(heir)
    return heir


def sides_now(library: Library, answer: ReviewDecision) -> tuple[int, int]:
    """The works the two sides of an answer are in now (the same work when accepted)."""
    first_a, first_b = answer.records_a[0], answer.records_b[0]
    where = membership(library, [first_a, first_b])
    return where[first_a], where[first_b]


def _was_found(library: Library, work_a: int, work_b: int) -> bool:
    """True when the last run found a pair of these works' records to review: only such pairs
    (or pairs answered before) are answered by PAIR id; ``bims merge`` joins any two works."""
    marks = ",".join("?" * len(REVIEWED_OUTCOMES))
    # Only "?" placeholders are formatted in; outcomes and ids are bound parameters.
    found = library.connection.execute(
        "SELECT 1 FROM record_pairs p JOIN work_members ma ON ma.record_id = p.record_a"  # noqa: S608
        f" JOIN work_members mb ON mb.record_id = p.record_b WHERE p.outcome IN ({marks})"
        " AND ((ma.work_id = ? AND mb.work_id = ?) OR (ma.work_id = ? AND mb.work_id = ?))"
        " LIMIT 1",
        (*REVIEWED_OUTCOMES, work_a, work_b, work_b, work_a),
    ).fetchone()
    return found is not None


def _latest_answer(library: Library, named: tuple[int, int]) -> ReviewDecision | None:
    row = library.connection.execute(
        "SELECT id, verdict, work_a, work_b, records_a, records_b, decided_at"
        " FROM review_decisions WHERE work_a = ? AND work_b = ? ORDER BY id DESC LIMIT 1",
        named,
    ).fetchone()
    if row is None:
        return None
    rid, verdict, a, b, records_a, records_b, at = row
    return ReviewDecision(
        int(rid),
        Verdict(verdict),
        int(a),
        int(b),
        tuple(json.loads(records_a)),
        tuple(json.loads(records_b)),
        str(at),
    )


def _record_answer(
    library: Library,
    verdict: Verdict,
    named: tuple[int, int],
    sides: tuple[Sequence[int], Sequence[int]],
) -> ReviewDecision:
    stamp = now_iso()
    records_a, records_b = (sorted(side) for side in sides)
    cursor = library.connection.execute(
        "INSERT INTO review_decisions (work_a, work_b, verdict, records_a, records_b, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (*named, verdict.value, json.dumps(records_a), json.dumps(records_b), stamp),
    )
    rid = int(cursor.lastrowid or 0)
    return ReviewDecision(rid, verdict, *named, tuple(records_a), tuple(records_b), stamp)


def _works_now(library: Library, named: tuple[int, int]) -> tuple[int, int, ReviewDecision | None]:
    """Where the two sides of a named pair are now. A pair answered before is followed by its
    records (a rejection may have split an accepted work, so a named id may be stale); any
    other by the works' ids, through merges."""
    latest = _latest_answer(library, named)
    if latest is not None:
        return *sides_now(library, latest), latest
    return current_work(library, named[0]), current_work(library, named[1]), None


def answer_pair(library: Library, works: tuple[int, int], verdict: Verdict) -> ReviewDecision:
    """Accept (join) or reject (keep apart for ever) a pair of works from the review.

    Inside a transaction. The latest answer about a pair stands: either answer undoes the
    other, and rejecting a pair accepted earlier splits the work back into what the two works
    held. Raises :class:`UsageError` for works the review never listed (``bims merge`` joins
    any two works).
    """
    named = (min(works), max(works))
    work_a, work_b, latest = _works_now(library, named)
    if work_a == work_b:
        return _answer_one_work(library, named, work_a, verdict, latest)
    if latest is None and not _was_found(library, work_a, work_b):
        raise UsageError(
            f"works {work_a} and {work_b} ({pair_id(*named)}) are not a pair to review;"
            f" see `bims dedup --review`, or join any two works with `bims merge {work_a} {work_b}`"
        )
    sides = (library.work_record_ids(work_a), library.work_record_ids(work_b))
    across = [(a, b) for a in sides[0] for b in sides[1]]
    if verdict is Verdict.REJECT:
        _remember(library, "cannot-link", across)
        return _record_answer(library, verdict, named, sides)
    # Links across the two works are enough to keep every record together (links chain), and
    # are exactly what taking the answer back removes.
    _remember(library, "must-link", across)
    records = (*sides[0], *sides[1])
    reason = ("accepted in review", json.dumps({"works": [work_a, work_b]}))
    apply_clusters(library, [records], dict.fromkeys(records, reason))
    return _record_answer(library, verdict, named, sides)


def _answer_one_work(
    library: Library,
    named: tuple[int, int],
    work: int,
    verdict: Verdict,
    latest: ReviewDecision | None,
) -> ReviewDecision:
    """The two works are one now: a rejection splits it along the sides of the last answer
    about the pair; without one (or to accept), say what to do instead."""
    if verdict is Verdict.ACCEPT or latest is None:
        raise UsageError(
            f"works {pair_id(*named)} are one work already (work {work});"
            f" see `bims dedup --explain {work}`"
            + ("" if verdict is Verdict.ACCEPT else f", split it with `bims unmerge {work}`")
        )
    members = library.work_record_ids(work)
    leaving = [r for r in latest.records_b if r in members]
    staying = [r for r in members if r not in leaving]
    if not leaving or not staying:
        raise UsageError(
            f"work {work} no longer holds both sides of {pair_id(*named)}; see `bims unmerge`"
        )
    _remember(library, "cannot-link", [(a, b) for a in staying for b in leaving])
    reasons = {r: ("rejected in review", json.dumps({"from": work})) for r in leaving}
    apply_clusters(library, [tuple(staying), tuple(leaving)], reasons)
    return _record_answer(library, verdict, named, (staying, leaving))


def undo_answer(library: Library, answer: ReviewDecision) -> tuple[int, int]:
    """Take an answer back (inside a transaction): the pair is undecided again.

    For the answer just given in the review loop, about a pair nobody had decided before:
    the remembered pairs of records between the two sides are forgotten, and an accepted
    pair's works are split back. Returns the two works the sides are in afterwards.
    """
    pairs = [sorted((a, b)) for a in answer.records_a for b in answer.records_b]
    library.connection.executemany(
        "DELETE FROM dedup_decisions WHERE record_a = ? AND record_b = ?", pairs
    )
    library.connection.execute("DELETE FROM review_decisions WHERE id = ?", (answer.id,))
    if answer.verdict is Verdict.ACCEPT:
        reasons = dict.fromkeys(answer.records_b, ("undone in review", "{}"))
        apply_clusters(library, [answer.records_a, answer.records_b], reasons)
    return sides_now(library, answer)
