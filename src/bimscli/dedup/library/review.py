"""The review queue: pairs of works a person should look at, each pair once, best first.

A deduplication run stores the pairs of *records* it flagged (same identifier, different
titles) or found borderline. Two works of several records each meet in many such pairs; a
person decides about the works, so the queue names each pair of works once, by a PAIR id a
person can type (``12-40``: the two work ids, lower first), with its strongest pair of records
as the evidence. Pairs a person already decided (``bims merge``, ``bims unmerge``, or an answer
in the review) are left out; :mod:`bimscli.dedup.library.decisions` records the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bimscli.dedup.library.report import PairFinding, stored_findings, weigh_words
from bimscli.errors import UsageError
from bimscli.store import Library

REVIEWED_OUTCOMES = ("flag", "review")
"""The stored outcomes a person is asked about (links, such as an erratum, are not)."""


def pair_id(work_a: int, work_b: int) -> str:
    """The PAIR id of two works: their ids, lower first.

    >>> pair_id(40, 12)
    '12-40'
    """
    low, high = sorted((work_a, work_b))
    return f"{low}-{high}"


_PAIR_ID = re.compile(r"\s*#?(\d+)\s*-\s*#?(\d+)\s*")


def parse_pair_id(text: str) -> tuple[int, int]:
    """The two work ids of a PAIR id such as ``12-40`` (either order), lower first.

    >>> parse_pair_id("40-12")
    (12, 40)
    >>> parse_pair_id("12")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    bimscli.errors.UsageError: '12' is not a PAIR; a PAIR is two work ids such as 12-40, ...
    """
    match = _PAIR_ID.fullmatch(text)
    if match is None or match.group(1) == match.group(2):
        raise UsageError(
            f"{text!r} is not a PAIR; a PAIR is two work ids such as 12-40,"
            " as `bims dedup --review` lists them"
        )
    low, high = sorted((int(match.group(1)), int(match.group(2))))
    return low, high


@dataclass(frozen=True, slots=True)
class ReviewPair:
    """Two works a person should compare, with the best pair of their records as evidence.

    ``best.record_a`` is in ``work_a`` and ``best.record_b`` in ``work_b``; ``record_pairs``
    is how many pairs of their records the last run found.
    """

    work_a: int
    work_b: int
    best: PairFinding
    record_pairs: int

    @property
    def pair_id(self) -> str:
        """The id a person types to accept or reject this pair."""
        return pair_id(self.work_a, self.work_b)


def strength(finding: PairFinding) -> tuple[float, int]:
    """How strongly a stored pair of records suggests one paper: the title score, then how
    much more of the other evidence agrees than differs. Higher is better.

    >>> strength(PairFinding(1, 2, 1, 2, "review", "borderline-title", 88.0, ("same-year",)))
    (88.0, 1)
    """
    agree, differ = weigh_words(finding.evidence)
    return finding.title_score, len(agree) - len(differ)


def _oriented(finding: PairFinding) -> PairFinding:
    """The finding with its first record in the lower work."""
    if (finding.work_a or 0) <= (finding.work_b or 0):
        return finding
    return replace(
        finding,
        record_a=finding.record_b,
        record_b=finding.record_a,
        work_a=finding.work_b,
        work_b=finding.work_a,
    )


def decided_work_pairs(library: Library) -> set[tuple[int, int]]:
    """Pairs of works (lower id first) a person said are different works."""
    rows = library.connection.execute(
        "SELECT DISTINCT ma.work_id, mb.work_id FROM dedup_decisions d"
        " JOIN work_members ma ON ma.record_id = d.record_a"
        " JOIN work_members mb ON mb.record_id = d.record_b"
        " WHERE d.kind = 'cannot-link' AND ma.work_id != mb.work_id"
    )
    return {(min(int(a), int(b)), max(int(a), int(b))) for a, b in rows}


def review_queue(library: Library) -> list[ReviewPair]:
    """The pairs of works to review, best first, each once; none a person has decided.

    A pair is left out once its records share a work (merged by a run or by a person) or once
    a person has kept any record of one apart from any record of the other.
    """
    grouped: dict[tuple[int, int], list[PairFinding]] = {}
    for stored in stored_findings(library, outcomes=REVIEWED_OUTCOMES):
        finding = _oriented(stored)
        if finding.work_a is None or finding.work_b is None or finding.work_a == finding.work_b:
            continue
        grouped.setdefault((finding.work_a, finding.work_b), []).append(finding)
    decided = decided_work_pairs(library)
    queue = [
        ReviewPair(
            works[0],
            works[1],
            max(findings, key=lambda f: (*strength(f), -f.record_a, -f.record_b)),
            len(findings),
        )
        for works, findings in grouped.items()
        if works not in decided
    ]
    queue.sort(key=lambda p: (*(-x for x in strength(p.best)), p.work_a, p.work_b))
    return queue


def find_review_pair(library: Library, work_a: int, work_b: int) -> ReviewPair | None:
    """The queue's entry for these two works, if they are in it."""
    wanted = pair_id(work_a, work_b)
    return next((p for p in review_queue(library) if p.pair_id == wanted), None)
