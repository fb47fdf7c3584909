"""What deduplication can tell a person: why a work holds its records, the pairs the last run
stored (flagged, borderline, linked), its evidence in words, and the groups in the
benchmarks' format. :mod:`bimscli.dedup.library.review` turns the stored pairs into the
review queue."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bimscli.dedup import PairDecision, decide_pair
from bimscli.dedup.weights import MERGE_SCORE, REVIEW_SCORE
from bimscli.store import Library
from bimscli.store.dedup_index import load_features, stored_weights


@dataclass(frozen=True, slots=True)
class PairFinding:
    """A pair of records the last run flagged, found borderline or linked, as stored."""

    record_a: int
    record_b: int
    work_a: int | None
    work_b: int | None
    outcome: str
    rule: str
    title_score: float
    evidence: tuple[str, ...] = ()


_FINDINGS_SQL = (
    "SELECT p.record_a, p.record_b, ma.work_id, mb.work_id, p.outcome, p.rule, p.title_score,"
    " p.evidence FROM record_pairs p LEFT JOIN work_members ma ON ma.record_id = p.record_a"
    " LEFT JOIN work_members mb ON mb.record_id = p.record_b WHERE {where}"
    " ORDER BY p.title_score DESC, p.record_a, p.record_b"
)


def stored_findings(
    library: Library, *, outcomes: Sequence[str] = (), records: Sequence[int] = ()
) -> list[PairFinding]:
    """Pairs the last run stored, with one of ``outcomes`` or touching one of ``records``,
    best title score first, one row per pair of records."""
    params: list[Any] = list(outcomes) if outcomes else list(records) * 2
    marks = ",".join("?" * (len(outcomes) or len(records)))
    where = (
        f"p.outcome IN ({marks})"
        if outcomes
        else f"p.record_a IN ({marks}) OR p.record_b IN ({marks})"
    )
    # Only "?" placeholders are formatted in; outcomes and ids are bound parameters.
    sql = _FINDINGS_SQL.format(where=where)
    return [_finding(row) for row in library.connection.execute(sql, params)]


def _finding(row: Sequence[Any]) -> PairFinding:
    a, b, work_a, work_b, outcome, rule, score, evidence = row
    return PairFinding(
        int(a),
        int(b),
        None if work_a is None else int(work_a),
        None if work_b is None else int(work_b),
        str(outcome),
        str(rule),
        float(score or 0),
        tuple(str(e) for e in json.loads(evidence or "[]")),
    )


_AGREEMENTS = {
    "same-year": "same year",
    "first-author": "first author",
    "page": "pages",
    "volume": "volume",
    "journal": "journal",
    "abstract": "abstract",
}
_CONFLICTS = {
    "authors-differ": "first authors differ",
    "page-differs": "pages differ",
    "volume-differs": "volumes differ",
}
_YEARS_APART = re.compile(r"years-(\d+)-apart")
_FIELD_WEIGHT = re.compile(r"\w+ \w+ ([+-])\d+\.\d")


def weigh_words(evidence: Iterable[str]) -> tuple[list[str], list[str]]:
    """A pair's evidence in words: what agrees, and what differs.

    Names the matcher does not list here are read as agreeing words, so a new kind of
    evidence still reads well.

    >>> weigh_words(["same-year", "page-differs", "years-3-apart", "title-close"])
    (['same year', 'title close'], ['pages differ', 'years 3 apart'])
    >>> weigh_words(["title exact +16.3", "DOI different -4.6"])
    (['title exact +16.3'], ['DOI different -4.6'])
    """
    agree: list[str] = []
    differ: list[str] = []
    for name in evidence:
        if weighed := _FIELD_WEIGHT.fullmatch(name):
            (differ if weighed.group(1) == "-" else agree).append(name)
        elif name in _AGREEMENTS:
            agree.append(_AGREEMENTS[name])
        elif name in _CONFLICTS:
            differ.append(_CONFLICTS[name])
        elif match := _YEARS_APART.fullmatch(name):
            differ.append(f"years {match.group(1)} apart")
        else:
            agree.append(name.replace("-", " ").replace("_", " "))
    return agree, differ


def describe_evidence(evidence: Iterable[str]) -> str:
    """A pair's evidence as words a person reads ("" when there is none).

    >>> describe_evidence(["same-year", "first-author", "journal"])
    'same year, first author, journal'
    >>> describe_evidence(["same-year", "page-differs"])
    'same year; but pages differ'
    >>> describe_evidence(["authors-differ"])
    'first authors differ'
    """
    agree, differ = weigh_words(evidence)
    if agree and differ:
        return f"{', '.join(agree)}; but {', '.join(differ)}"
    return ", ".join(agree or differ)


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
    >>> fields = (FieldWeight(Field.TITLE, Level.EXACT, 16.3),
    ...           FieldWeight(Field.DOI, Level.DIFFERENT, -4.6))
    >>> print("\\n".join(describe_pair(PairDecision("1", "2", Outcome.MERGE,
    ...     "different-doi-overcome", 100.0, (), 11.7, fields, True))))
    merge, by weighed evidence that overcame two different DOIs
      title exact +16.3, DOI different -4.6; total +11.7 (merge from +25, review from +12)
      the DOIs differ, but the other fields agree enough to overcome that
    """
    lines = [f"{decision.outcome.value}, by {describe_rule(decision.rule)}"]
    if decision.fields:
        weights = ", ".join(f.describe() for f in decision.fields)
        lines.append(
            f"  {weights}; total {decision.score:+.1f}"
            f" (merge from {MERGE_SCORE:+.0f}, review from {REVIEW_SCORE:+.0f})"
        )
    if decision.doi_overcome:
        lines.append("  the DOIs differ, but the other fields agree enough to overcome that")
    return lines


@dataclass(frozen=True, slots=True)
class PersonDecision:
    """A pair of records a person decided about: ``must-link`` (one work) or ``cannot-link``."""

    kind: str
    record_a: int
    record_b: int
    decided_at: str
    works: tuple[int | None, int | None] = (None, None)  # where the two records are now

    @property
    def day(self) -> str:
        """The date of the decision, ``YYYY-MM-DD``."""
        return self.decided_at[:10]


@dataclass(frozen=True, slots=True)
class WorkExplanation:
    """Why a work holds the records it holds."""

    work_id: int
    members: tuple[tuple[int, str, dict[str, Any]], ...]
    pairs: tuple[PairDecision, ...]
    decisions: tuple[PersonDecision, ...]
    findings: tuple[PairFinding, ...]
    weights_source: str = "priors"

    def decision_about(self, record_a: int, record_b: int) -> PersonDecision | None:
        """What a person decided about these two records, if anything (the latest wins)."""
        low, high = sorted((record_a, record_b))
        found = [d for d in self.decisions if (d.record_a, d.record_b) == (low, high)]
        return max(found, key=lambda d: d.decided_at) if found else None

    def decision_on(self, finding: PairFinding) -> PersonDecision | None:
        """What a person decided about a stored pair: about its two records, or else that
        their two works are different (a record that joined a work later has no decision of
        its own, but the review no longer lists the pair)."""
        direct = self.decision_about(finding.record_a, finding.record_b)
        if direct is not None or finding.work_a == finding.work_b:
            return direct
        works = {finding.work_a, finding.work_b}
        apart = [d for d in self.decisions if d.kind == "cannot-link" and set(d.works) == works]
        return max(apart, key=lambda d: d.decided_at) if apart else None


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
    # Only "?" placeholders are formatted in; the ids are bound parameters.
    decisions = tuple(
        PersonDecision(str(k), int(a), int(b), str(at), (wa, wb))
        for k, a, b, at, wa, wb in library.connection.execute(
            "SELECT d.kind, d.record_a, d.record_b, d.created_at, ma.work_id, mb.work_id"  # noqa: S608
            " FROM dedup_decisions d LEFT JOIN work_members ma ON ma.record_id = d.record_a"
            " LEFT JOIN work_members mb ON mb.record_id = d.record_b"
            f" WHERE d.record_a IN ({marks}) OR d.record_b IN ({marks})"
            " ORDER BY d.record_a, d.record_b",
            ids + ids,
        )
    )
    findings = tuple(stored_findings(library, records=ids))
    return WorkExplanation(work_id, members, pairs, decisions, findings, weights.source)


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
