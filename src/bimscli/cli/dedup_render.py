"""What ``bims dedup --explain`` and ``bims dedup --review`` print: tables, pairs side by side,
and the same content as JSON with stable keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from bimscli.dedup import PairDecision
from bimscli.dedup.library.report import (
    PairFinding,
    PersonDecision,
    WorkExplanation,
    describe_evidence,
    describe_pair,
    describe_rule,
)
from bimscli.dedup.library.review import ReviewPair, pair_id
from bimscli.model import Record
from bimscli.store import Library, SourceRecordRow

PAIR_WIDTH = 80
"""A pair shown side by side fits a terminal of this many columns."""

KINDS = {"must-link": "one work", "cannot-link": "different works"}


# Words ----------------------------------------------------------------------------------------


def decided_words(decision: PersonDecision) -> str:
    """``decided by a person on 2026-12-04: one work``."""
    return f"decided by a person on {decision.day}: {KINDS.get(decision.kind, decision.kind)}"


def _joined_words(evidence: dict[str, Any]) -> str:
    """A member's join evidence (``{"with": 3, "title_score": 97.0, "evidence": [...]}``)."""
    parts = []
    if "with" in evidence:
        parts.append(f"with #{evidence['with']}")
    if "title_score" in evidence:
        parts.append(f"title score {float(evidence['title_score']):.1f}")
    if "score" in evidence:
        parts.append(f"total {float(evidence['score']):+.1f}")
    if "works" in evidence:
        parts.append("works " + ", ".join(str(w) for w in evidence["works"]))
    if "from" in evidence:
        parts.append(f"from work {evidence['from']}")
    words = describe_evidence(evidence.get("evidence", ()))
    return ", ".join(parts) + (f": {words}" if words else "")


def _finding_words(rule: str, score: float, evidence: Sequence[str]) -> str:
    words = describe_evidence(evidence)
    return f"{describe_rule(rule)}, title score {score:.1f}" + (f"; {words}" if words else "")


# --explain ------------------------------------------------------------------------------------


def explanation_table(explanation: WorkExplanation, sources: dict[int, SourceRecordRow]) -> Table:
    """The members of a work, where each came from and why it joined."""
    table = Table(title=f"Work {explanation.work_id}: {len(explanation.members)} records")
    for name in ("Record", "Source", "Title", "Joined by", "Evidence"):
        table.add_column(name, overflow="fold")
    for record_id, rule, evidence in explanation.members:
        source = sources[record_id]
        where = f"{source.input.format} {source.input.name}:{source.line}"
        title = source.record.title or "(no title)"
        table.add_row(
            f"#{record_id}",
            Text(where),
            Text(title),
            describe_rule(rule),
            Text(_joined_words(evidence)),
        )
    return table


def explanation_lines(explanation: WorkExplanation) -> list[str]:
    """One line for each pair among the members, each stored finding and each decision; a pair
    a person decided says so instead of what the matcher thinks of it."""
    lines: list[str] = [f"Weights: {explanation.weights_source}."]
    shown: set[tuple[int, int]] = set()
    for pair in explanation.pairs:
        a, b = int(pair.first), int(pair.second)
        decided = explanation.decision_about(a, b)
        shown.add((min(a, b), max(a, b)))
        if decided:
            lines.append(f"#{a} ~ #{b}: {decided_words(decided)}")
            continue
        first, *rest = describe_pair(pair)
        lines += [f"#{a} ~ #{b}: {first}", *rest]
    for f in explanation.findings:
        key = (min(f.record_a, f.record_b), max(f.record_a, f.record_b))
        if key in shown:
            continue  # already said above, as the matcher sees the pair now
        shown.add(key)
        where = f" (works {f.work_a} and {f.work_b})" if f.work_a != f.work_b else ""
        decided = explanation.decision_on(f)
        if decided:
            lines.append(f"#{f.record_a} ~ #{f.record_b}{where}: {decided_words(decided)}")
            continue
        review = f"; review pair {_pair_of(f)}" if _pair_of(f) else ""
        words = _finding_words(f.rule, f.title_score, f.evidence)
        lines.append(f"#{f.record_a} ~ #{f.record_b}{where}: {f.outcome} ({words}){review}")
    for d in explanation.decisions:
        if (d.record_a, d.record_b) not in shown:
            lines.append(f"#{d.record_a} ~ #{d.record_b}: {decided_words(d)}")
    return lines


def _pair_of(finding: PairFinding) -> str:
    """The review PAIR id of a stored finding between two works, else ""."""
    if finding.outcome not in ("flag", "review") or None in (finding.work_a, finding.work_b):
        return ""
    if finding.work_a == finding.work_b:
        return ""
    return pair_id(finding.work_a or 0, finding.work_b or 0)


def _decision_json(decision: PersonDecision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"kind": decision.kind, "meaning": KINDS.get(decision.kind), "on": decision.day}


def _pair_json(pair: PairDecision, explanation: WorkExplanation) -> dict[str, Any]:
    a, b = int(pair.first), int(pair.second)
    return {
        "records": [a, b],
        "outcome": pair.outcome.value,
        "rule": pair.rule,
        "title_score": round(pair.title_score, 1),
        "score": round(pair.score, 1),
        "fields": [
            {"field": f.field.value, "level": f.level.value, "weight": round(f.weight, 1)}
            for f in pair.fields
        ],
        "doi_overcome": pair.doi_overcome,
        "evidence": list(pair.evidence),
        "evidence_words": describe_evidence(pair.evidence),
        "decided": _decision_json(explanation.decision_about(a, b)),
    }


def finding_json(finding: PairFinding) -> dict[str, Any]:
    """A stored pair of records, as JSON."""
    return {
        "records": [finding.record_a, finding.record_b],
        "works": [finding.work_a, finding.work_b],
        "outcome": finding.outcome,
        "rule": finding.rule,
        "title_score": round(finding.title_score, 1),
        "evidence": list(finding.evidence),
        "evidence_words": describe_evidence(finding.evidence),
    }


def explanation_json(
    explanation: WorkExplanation, sources: dict[int, SourceRecordRow]
) -> dict[str, Any]:
    """Everything ``bims dedup --explain ID`` prints, as JSON."""
    members = []
    for record_id, rule, evidence in explanation.members:
        source = sources[record_id]
        members.append(
            {
                "record": record_id,
                "format": source.input.format,
                "file": source.input.name,
                "line": source.line,
                "title": source.record.title,
                "joined_by": rule,
                "evidence": evidence,
                "evidence_words": _joined_words(evidence),
            }
        )
    return {
        "work": explanation.work_id,
        "members": members,
        "pairs": [_pair_json(p, explanation) for p in explanation.pairs],
        "findings": [
            {
                **finding_json(f),
                "review_pair": _pair_of(f) or None,
                "decided": _decision_json(explanation.decision_on(f)),
            }
            for f in explanation.findings
        ],
        "decisions": [
            {"records": [d.record_a, d.record_b], **(_decision_json(d) or {})}
            for d in explanation.decisions
        ],
    }


# --review -------------------------------------------------------------------------------------


def record_side(record: Record) -> dict[str, Any]:
    """The fields a person compares, for one record of a pair."""
    names = [a.display_name for a in record.authors]
    return {
        "title": record.title,
        "authors": names,
        "authors_complete": record.authors_complete,
        "journal": record.journal or record.journal_abbrev,
        "year": record.year,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages or record.article_number,
        "doi": record.ids.doi,
        "pmid": record.ids.pmid,
    }


def work_sizes(library: Library, work_ids: Sequence[int]) -> dict[int, int]:
    """How many source records each of these works holds."""
    ids = sorted(set(work_ids))
    sizes: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT work_id, count(*) FROM work_members WHERE work_id IN ({marks}) GROUP BY work_id"  # noqa: S608, E501
        sizes.update({int(w): int(n) for w, n in library.connection.execute(sql, chunk)})
    return sizes


def review_json(
    pairs: Sequence[ReviewPair], records: dict[int, Record], sizes: dict[int, int]
) -> list[dict[str, Any]]:
    """Everything ``bims dedup --review`` lists, as JSON: one object per pair of works."""
    return [
        {
            "pair": p.pair_id,
            "works": [p.work_a, p.work_b],
            "outcome": p.best.outcome,
            "rule": p.best.rule,
            "title_score": round(p.best.title_score, 1),
            "evidence": list(p.best.evidence),
            "evidence_words": describe_evidence(p.best.evidence),
            "record_pairs": p.record_pairs,
            "sides": [
                {
                    "work": work,
                    "records": sizes.get(work, 0),
                    "record": rid,
                    **record_side(records[rid]),
                }
                for work, rid in ((p.work_a, p.best.record_a), (p.work_b, p.best.record_b))
            ],
        }
        for p in pairs
    ]


def review_table(
    pairs: Sequence[ReviewPair], records: dict[int, Record], sizes: dict[int, int]
) -> Table:
    """The review queue, one row per pair of works, best first."""
    table = Table(title=f"{len(pairs)} pair{'s' if len(pairs) != 1 else ''} of works to review")
    for name in ("Pair", "Records", "Why", "Score", "Titles"):
        table.add_column(name, overflow="fold")
    for p in pairs:
        more = p.record_pairs - 1
        titles = [records[r].title or "(no title)" for r in (p.best.record_a, p.best.record_b)]
        table.add_row(
            p.pair_id,
            f"#{p.best.record_a} / #{p.best.record_b}"
            + (f"\n(+{more} pair{'s' if more != 1 else ''})" if more else ""),
            Text(_why(p.best)),
            f"{p.best.title_score:.1f}",
            Text(f"{titles[0]}\n{titles[1]}"),
        )
    return table


def _why(finding: PairFinding) -> str:
    words = describe_evidence(finding.evidence)
    return f"{finding.outcome}: {finding.rule}" + (f"; {words}" if words else "")


def _authors_line(side: dict[str, Any]) -> str:
    names: list[str] = side["authors"]
    shown = "; ".join(names[:3])
    if len(names) > 3 or (names and not side["authors_complete"]):
        shown += " et al."
    return shown or "(no authors)"


def _numbers_line(side: dict[str, Any]) -> str:
    text = side["volume"] or ""
    if side["issue"]:
        text += f"({side['issue']})"
    if side["pages"]:
        text += f":{side['pages']}" if text else side["pages"]
    return text


def pair_side_by_side(
    pair: ReviewPair, records: dict[int, Record], sizes: dict[int, int], position: str
) -> Table:
    """One pair of works as two columns of the fields a person compares, 80 columns wide."""
    sides = [
        (work, rid, record_side(records[rid]))
        for work, rid in ((pair.work_a, pair.best.record_a), (pair.work_b, pair.best.record_b))
    ]
    words = _finding_words(pair.best.rule, pair.best.title_score, pair.best.evidence)
    table = Table(
        title=f"{position} pair {pair.pair_id}: {pair.best.outcome} ({words})",
        width=PAIR_WIDTH,
        show_lines=True,
    )
    table.add_column("", style="bold", no_wrap=True, width=8)
    for work, rid, _ in sides:
        size = sizes.get(work, 0)
        table.add_column(
            f"work {work} ({size} record{'s' if size != 1 else ''}), #{rid}",
            overflow="fold",
            ratio=1,
        )
    left, right = (_side_lines(side) for _, _, side in sides)
    for label, a, b in zip(_SIDE_LABELS, left, right, strict=True):
        table.add_row(label, Text(a), Text(b))
    return table


_SIDE_LABELS = ("Title", "Authors", "Journal", "Year", "Vol:pp", "DOI", "PMID")


def _side_lines(side: dict[str, Any]) -> tuple[str, ...]:
    """The cells of one side, in the order of ``_SIDE_LABELS``."""
    return (
        side["title"] or "(no title)",
        _authors_line(side),
        side["journal"] or "",
        str(side["year"] or ""),
        _numbers_line(side),
        side["doi"] or "",
        side["pmid"] or "",
    )
