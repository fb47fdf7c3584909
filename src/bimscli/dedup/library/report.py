"""What deduplication can tell a person: why a work holds its records, which pairs to review,
and the groups in the benchmarks' format."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bimscli.dedup import PairDecision, decide_pair
from bimscli.dedup.weights import MERGE_SCORE, REVIEW_SCORE
from bimscli.store import Library
from bimscli.store.dedup_index import load_features, stored_weights

_RULE_WORDS = {
    "same-doi": "the same DOI",
    "same-pmid": "the same PMID",
    "same-pmcid": "the same PMCID",
    "weighed": "weighed evidence",
    "different-doi-overcome": "weighed evidence that overcame two different DOIs",
    "exact-duplicate": "an exact duplicate (same title, authors, year, venue, identifiers)",
    "borderline-score": "a score between the review and merge bands",
    "different-dois": "two different DOIs that the other fields did not overcome",
    "numbers-differ": "titles whose numbers differ (part, phase)",
    "notice-and-paper": "a notice (erratum, retraction, comment, reply) and its paper",
    "preprint-and-published": "a preprint and its version of record",
    "incompatible-types": "types that cannot be one work (book, thesis, dataset, article)",
    "identifier-shared-by-many": "an identifier that too many records share",
    "merged by hand": "a person's merge",
    "split by hand": "a person's split",
}


def describe_rule(rule: str) -> str:
    """A deduplication rule's name in words.

    >>> describe_rule("different-doi-overcome")
    'weighed evidence that overcame two different DOIs'
    >>> describe_rule("same-doi-different-titles")
    'the same DOI but clearly different titles'
    """
    for shared in ("same-doi", "same-pmid", "same-pmcid"):
        if rule.startswith(shared + "-"):
            rest = rule[len(shared) + 1 :].replace("-", " ")
            return f"{_RULE_WORDS[shared]} but {'clearly ' if 'titles' in rest else ''}{rest}"
    return _RULE_WORDS.get(rule, rule.replace("-", " "))


def describe_pair(decision: PairDecision) -> list[str]:
    """A pair decision in words: outcome and why, each field's level and weight, the total.

    >>> from bimscli.dedup.match import FieldWeight, Outcome
    >>> from bimscli.dedup.weights import Field, Level
    >>> fields = (FieldWeight(Field.TITLE, Level.EXACT, 16.3), FieldWeight(Field.DOI, Level.DIFFERENT, -4.6))
    >>> print("\\n".join(describe_pair(PairDecision("1", "2", Outcome.MERGE,
    ...     "different-doi-overcome", 100.0, (), 11.7, fields, True))))
    #1 and #2: merge, by weighed evidence that overcame two different DOIs
      title exact +16.3, DOI different -4.6; total +11.7 (merge from +25, review from +12)
      the DOIs differ, but the other fields agree enough to overcome that
    """  # noqa: E501
    lines = [
        f"#{decision.first} and #{decision.second}: {decision.outcome.value}, "
        f"by {describe_rule(decision.rule)}"
    ]
    if decision.fields:
        weights = ", ".join(f.describe() for f in decision.fields)
        lines.append(
            f"  {weights}; total {decision.score:+.1f}"
            f" (merge from {MERGE_SCORE:+.0f}, review from {REVIEW_SCORE:+.0f})"
        )
    elif decision.title_score:
        lines.append(f"  title similarity {decision.title_score:.1f} of 100")
    if decision.doi_overcome:
        lines.append("  the DOIs differ, but the other fields agree enough to overcome that")
    return lines


@dataclass(frozen=True, slots=True)
class WorkExplanation:
    """Why a work holds the records it holds."""

    work_id: int
    members: tuple[tuple[int, str, dict[str, Any]], ...]
    pairs: tuple[PairDecision, ...]
    decisions: tuple[tuple[str, int, int], ...]
    findings: tuple[tuple[int, int, str, str, float], ...]
    weights_source: str = "priors"


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
    weights = stored_weights(library)
    pairs = tuple(
        d
        for i, a in enumerate(features)
        for b in features[i + 1 :]
        if (d := decide_pair(a, b, weights=weights)) is not None
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
    return WorkExplanation(work_id, members, pairs, decisions, findings, weights.source)


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
