"""What deduplication can tell a person: why a work holds its records, which pairs to review,
and the groups in the benchmarks' format."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bimscli.dedup import PairDecision, decide_pair
from bimscli.store import Library
from bimscli.store.dedup_index import load_features


@dataclass(frozen=True, slots=True)
class WorkExplanation:
    """Why a work holds the records it holds."""

    work_id: int
    members: tuple[tuple[int, str, dict[str, Any]], ...]
    pairs: tuple[PairDecision, ...]
    decisions: tuple[tuple[str, int, int], ...]
    findings: tuple[tuple[int, int, str, str, float], ...]


def explain_work(library: Library, work_id: int) -> WorkExplanation:
    """The records of a work, the rule that joined each, and every pair decision among them."""
    library.work(work_id)  # a clear error for an unknown id
    rows = library.connection.execute(
        "SELECT record_id, rule, evidence FROM work_members WHERE work_id = ? ORDER BY record_id",
        (work_id,),
    ).fetchall()
    members = tuple((int(r), str(rule), json.loads(ev or "{}")) for r, rule, ev in rows)
    ids = [m[0] for m in members]
    features = load_features(library, ids)
    pairs = tuple(
        d
        for i, a in enumerate(features)
        for b in features[i + 1 :]
        if (d := decide_pair(a, b)) is not None
    )
    marks = ",".join("?" * len(ids))
    decisions = tuple(
        (str(k), int(a), int(b))
        for k, a, b in library.connection.execute(
            f"SELECT kind, record_a, record_b FROM dedup_decisions"  # noqa: S608
            f" WHERE record_a IN ({marks}) OR record_b IN ({marks})",
            ids + ids,
        )
    )
    findings = tuple(
        (int(a), int(b), str(o), str(rule), float(score or 0))
        for a, b, o, rule, score in library.connection.execute(
            f"SELECT record_a, record_b, outcome, rule, title_score FROM record_pairs"  # noqa: S608
            f" WHERE record_a IN ({marks}) OR record_b IN ({marks})",
            ids + ids,
        )
    )
    return WorkExplanation(work_id, members, pairs, decisions, findings)


@dataclass(frozen=True, slots=True)
class PairFinding:
    """A pair a person should look at: borderline, flagged, or linked."""

    record_a: int
    record_b: int
    work_a: int | None
    work_b: int | None
    outcome: str
    rule: str
    title_score: float


_FINDINGS_SQL = (
    "SELECT p.record_a, p.record_b, ma.work_id, mb.work_id, p.outcome, p.rule, p.title_score"
    " FROM record_pairs p LEFT JOIN work_members ma ON ma.record_id = p.record_a"
    " LEFT JOIN work_members mb ON mb.record_id = p.record_b WHERE p.outcome IN ({marks})"
    " ORDER BY p.title_score DESC, p.record_a, p.record_b"
)


def pair_findings(library: Library, outcomes: Sequence[str]) -> list[PairFinding]:
    """Stored pairs with one of ``outcomes`` (``review``, ``flag``, ``link``)."""
    marks = ",".join("?" * len(outcomes))
    # Only "?" placeholders are formatted in; the outcomes are bound parameters.
    sql = _FINDINGS_SQL.format(marks=marks)
    rows = library.connection.execute(sql, list(outcomes))
    return [PairFinding(a, b, wa, wb, o, r, float(s or 0)) for a, b, wa, wb, o, r, s in rows]


def duplicate_groups(library: Library) -> list[list[str]]:
    """Works of two or more records as lists of their records' source keys (else ``#id``).

    This is the format of the deduplication benchmarks' ``merged_record_ids.csv``.
    """
    groups: dict[int, list[str]] = defaultdict(list)
    rows = library.connection.execute(
        "SELECT m.work_id, s.id, s.source_key FROM work_members m"
        " JOIN source_records s ON s.id = m.record_id"
        " WHERE m.work_id IN"
        " (SELECT work_id FROM work_members GROUP BY work_id HAVING count(*) > 1)"
        " ORDER BY m.work_id, s.id"
    )
    for work_id, rid, key in rows:
        groups[int(work_id)].append(str(key) if key else f"#{rid}")
    return [sorted(g) for _, g in sorted(groups.items())]
