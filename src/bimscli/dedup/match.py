"""The decision for one candidate pair of records: merge, link, flag, review or distinct.

Tiers, in order: vetoes (notices, preprints, incompatible types) always win; a shared
identifier (DOI, PMID, PMCID) merges unless the titles are clearly different, which flags the
pair for a person; two different DOIs forbid a merge; otherwise the fuzzy title tier merges a
pair whose titles are similar enough *and* whose other fields support it and do not
contradict it. Every decision names its rule and keeps its scores, for ``bims dedup --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import Indel

from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.normalize import journals_compatible

DEFAULT_THRESHOLD = 90.0
"""Default minimum title similarity (0-100) of the fuzzy tier."""

REVIEW_MARGIN = 6.0
"""Pairs this far below the threshold, or blocked only by weak evidence, go to review."""

SHARED_ID_MIN_TITLE = 60.0
"""Below this title similarity a shared identifier is suspicious: flag, don't merge."""


class Outcome(StrEnum):
    """What deduplication does with a pair."""

    MERGE = "merge"
    LINK = "link"  # related works (erratum and paper, preprint and article): never merged
    FLAG = "flag"  # shared identifier but clearly different titles: a person must look
    REVIEW = "review"  # borderline similarity: listed for review, not merged
    DISTINCT = "distinct"  # a veto: these two must not end up in one work


@dataclass(frozen=True, slots=True)
class PairDecision:
    """Why two records were (or were not) joined: rule, title score and the evidence."""

    first: str
    second: str
    outcome: Outcome
    rule: str
    title_score: float
    evidence: tuple[str, ...] = ()

    @property
    def is_cannot_link(self) -> bool:
        """True when the pair must never share a cluster, even through other records."""
        return self.outcome in (Outcome.LINK, Outcome.DISTINCT, Outcome.FLAG)


def title_similarity(a: RecordFeatures, b: RecordFeatures) -> float:
    """Similarity of two title keys, 0-100; a long title cut short counts as a near match.

    >>> x = RecordFeatures("x", title_key="effects of insulin on hepatic lipid metabolism in rats")
    >>> y = RecordFeatures("y", title_key="effects of insulin on hepatic lipid metabolism")
    >>> round(title_similarity(x, y), 1)
    97.0
    """
    if not a.title_key or not b.title_key:
        return 0.0
    score = _key_similarity(a.title_key, b.title_key)
    if score < 97.0 and (a.title_parts or b.title_parts):
        # One source gives "Original; Translation", another only one of them.
        for x in (a.title_key, *a.title_parts):
            for y in (b.title_key, *b.title_parts):
                score = max(score, _key_similarity(x, y))
    return score


def _key_similarity(x: str, y: str) -> float:
    score = Indel.normalized_similarity(x, y) * 100.0
    if score >= 97.0:
        return score
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= 40 and short.count(" ") >= 5 and long_.startswith(short):
        return 97.0  # a database truncated the title
    return score


def authors_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when the first author of one list is among the first authors of the other.

    Tolerates a swapped order and small spelling differences ("Ortsater"/"Ortsäter").

    >>> authors_compatible(("smith", "doe"), ("doe", "smith"))
    True
    >>> authors_compatible(("smith",), ("smyth",))
    True
    >>> authors_compatible(("smith",), ("jones",))
    False
    """
    if a[0] == b[0] or a[0] in b or b[0] in a:
        return True
    return any(_names_close(a[0], other) for other in b[:3]) or any(
        _names_close(b[0], other) for other in a[:3]
    )


def _names_close(x: str, y: str) -> bool:
    # "vonpawel"/"pawel", "abdelaziz"/"aziz": particles and double names get dropped.
    if (
        len(x) >= 4
        and len(y) >= 4
        and (x.startswith(y) or y.startswith(x) or x.endswith(y) or y.endswith(x))
    ):
        return True
    return Indel.normalized_similarity(x, y) >= 0.8


def _veto(a: RecordFeatures, b: RecordFeatures, allow_preprints: bool) -> tuple[Outcome, str]:
    if a.notice != b.notice:
        return Outcome.LINK, "notice-and-paper"
    if a.is_preprint != b.is_preprint and not allow_preprints:
        return Outcome.LINK, "preprint-and-published"
    if a.type_class != b.type_class and not (a.is_other_type or b.is_other_type):
        return Outcome.DISTINCT, "incompatible-types"
    return Outcome.MERGE, ""


def _shared_id(a: RecordFeatures, b: RecordFeatures) -> str:
    if a.dois & b.dois:
        return "same-doi"
    if a.pmids & b.pmids:
        return "same-pmid"
    if a.pmcids & b.pmcids:
        return "same-pmcid"
    return ""


@dataclass(frozen=True, slots=True)
class _Evidence:
    support: tuple[str, ...]
    conflicts: tuple[str, ...]


def _weigh_evidence(a: RecordFeatures, b: RecordFeatures) -> _Evidence:
    support: list[str] = []
    conflicts: list[str] = []
    if a.year is not None and b.year is not None:
        gap = abs(a.year - b.year)
        # One year apart is tolerated (print and online years) but is no evidence either.
        if gap == 0:
            support.append("same-year")
        elif gap > 1:
            conflicts.append(f"years-{gap}-apart")
    if a.authors and b.authors:
        ok = authors_compatible(a.authors, b.authors)
        (support if ok else conflicts).append("first-author" if ok else "authors-differ")
    same_page = bool(a.page and b.page and a.page == b.page)
    if a.page and b.page:
        (support if same_page else conflicts).append("page" if same_page else "page-differs")
    if a.volume and b.volume:
        if a.volume == b.volume:
            support.append("volume")
        elif not same_page:  # a supplement's volume is written in many ways; a page is not
            conflicts.append("volume-differs")
    if a.journal and b.journal and journals_compatible(a.journal, b.journal):
        support.append("journal")
    if a.abstract_key and b.abstract_key:
        score = Indel.normalized_similarity(a.abstract_key, b.abstract_key)
        if score >= 0.9:
            support.append("abstract")
    return _Evidence(tuple(support), tuple(conflicts))


def _numbers_agree(a: RecordFeatures, b: RecordFeatures) -> bool:
    if a.numbers == b.numbers:
        return True
    short, long_ = sorted((a, b), key=lambda f: len(f.title_key))
    # A truncated title may have lost the numbers of its tail, never changed them.
    return (
        long_.title_key.startswith(short.title_key)
        and long_.numbers[: len(short.numbers)] == short.numbers
    )


def _is_weak_title(f: RecordFeatures) -> bool:
    """Short or generic titles ("Editorial", "Asthma") need more than the title to merge."""
    return f.title_word_count < 4 or len(f.title_key) < 25


def decide_pair(
    a: RecordFeatures,
    b: RecordFeatures,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    allow_preprints: bool = False,
) -> PairDecision | None:
    """The decision for one pair, or ``None`` when the pair is simply not similar.

    >>> x = RecordFeatures("x", title_key="asthma control in children part 1", numbers=(1,),
    ...                    year=2001, authors=("smith",))
    >>> y = RecordFeatures("y", title_key="asthma control in children part 2", numbers=(2,),
    ...                    year=2001, authors=("smith",))
    >>> decide_pair(x, y).rule
    'numbers-differ'
    """
    # Both are symmetric: most pairs end here, before the two are put in order.
    score = title_similarity(a, b)
    shared = _shared_id(a, b)
    if not shared and score < threshold - REVIEW_MARGIN:
        return None
    first, second = (a, b) if a.record_id <= b.record_id else (b, a)
    veto, veto_rule = _veto(first, second, allow_preprints)
    if veto is not Outcome.MERGE:
        return PairDecision(first.record_id, second.record_id, veto, veto_rule, score)
    if shared:
        return _decide_shared_id(first, second, shared, score)
    if first.dois and second.dois:
        return PairDecision(
            first.record_id, second.record_id, Outcome.DISTINCT, "different-dois", score
        )
    if not _numbers_agree(first, second):
        return PairDecision(
            first.record_id, second.record_id, Outcome.DISTINCT, "numbers-differ", score
        )
    return _decide_fuzzy(first, second, score, threshold)


def _decide_shared_id(
    a: RecordFeatures, b: RecordFeatures, shared: str, score: float
) -> PairDecision:
    evidence = _weigh_evidence(a, b)
    if a.title_key and b.title_key and score < SHARED_ID_MIN_TITLE:
        return PairDecision(
            a.record_id,
            b.record_id,
            Outcome.FLAG,
            f"{shared}-different-titles",
            score,
            evidence.conflicts,
        )
    return PairDecision(a.record_id, b.record_id, Outcome.MERGE, shared, score, evidence.support)


def _decide_fuzzy(
    a: RecordFeatures, b: RecordFeatures, score: float, threshold: float
) -> PairDecision | None:
    evidence = _weigh_evidence(a, b)
    hard = [c for c in evidence.conflicts if c != "authors-differ"]
    # Near-identical titles need two pieces of support, merely similar ones three, and short
    # generic titles ("Editorial", "Asthma") one more.
    needed = 2 if score >= 97.0 else 3
    if _is_weak_title(a) or _is_weak_title(b):
        needed += 1
    if score >= threshold and not evidence.conflicts and len(evidence.support) >= needed:
        return PairDecision(
            a.record_id, b.record_id, Outcome.MERGE, "similar-title", score, evidence.support
        )
    if not hard and len(evidence.support) >= needed - 1:
        return PairDecision(
            a.record_id,
            b.record_id,
            Outcome.REVIEW,
            "borderline-title",
            score,
            evidence.support + evidence.conflicts,
        )
    return None
