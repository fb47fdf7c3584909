"""The decision for one candidate pair of records: merge, link, flag, review or distinct.

Vetoes about meaning come first and always win: a notice (erratum, retraction, comment,
reply) against its paper and a preprint against its version of record are *linked*; books,
theses and datasets are never one work with an article; titles whose numbers differ (Part 1
and Part 2, phase II and phase III) are distinct. Everything else is weighed evidence
(:mod:`bimscli.dedup.weights`): each field's agreement level adds its weight to one score,
and the score's band decides merge, review or nothing. A different DOI is strong negative
evidence, not a veto: enough agreement elsewhere overcomes it (a legacy Elsevier or Springer
DOI beside the publisher's), and the decision says so. A shared identifier with clearly
different titles is flagged for a person. Every decision keeps each field's level and weight,
for ``bims dedup --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bimscli.dedup.compare import (
    PARTIAL_BAND,
    Levels,
    authors_compatible,
    compare_fields,
    is_weak_title,
    title_similarity,
)
from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.weights import (
    MERGE_SCORE,
    PRIOR_WEIGHTS,
    REVIEW_SCORE,
    Field,
    Level,
    MatchWeights,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FieldWeight",
    "Outcome",
    "PairDecision",
    "authors_compatible",
    "decide_pair",
    "title_similarity",
]

DEFAULT_THRESHOLD = 90.0
"""Default title similarity (0-100) from which two titles are *close*; from ten below it
they are *partial*, and below that *different*."""

REVIEW_MARGIN = PARTIAL_BAND
"""Pairs whose titles are this far below the threshold are still judged."""

SHARED_ID_MIN_TITLE = 60.0
"""Below this title similarity a shared identifier is suspicious: flag, don't merge."""


class Outcome(StrEnum):
    """What deduplication does with a pair."""

    MERGE = "merge"
    LINK = "link"  # related works (erratum and paper, preprint and article): never merged
    FLAG = "flag"  # shared identifier but clearly different titles: a person must look
    REVIEW = "review"  # borderline score: listed for review, not merged
    DISTINCT = "distinct"  # a veto: these two must not end up in one work


@dataclass(frozen=True, slots=True)
class FieldWeight:
    """One compared field of a pair: its agreement level and the weight that level has."""

    field: Field
    level: Level
    weight: float

    def describe(self) -> str:
        """In words, e.g. ``"pages exact +8.8"``.

        >>> FieldWeight(Field.DOI, Level.DIFFERENT, -4.64).describe()
        'DOI different -4.6'
        """
        return f"{self.field.value} {self.level.value} {self.weight:+.1f}"


@dataclass(frozen=True, slots=True)
class PairDecision:
    """Why two records were (or were not) joined: rule, title score and the evidence.

    ``score`` is the sum of the field weights in ``fields`` (0 for a veto);
    ``doi_overcome`` is True when the pair merged although its DOIs differ; ``keeps_apart``
    when it is listed for review but its different identifiers keep it apart meanwhile.
    """

    first: str
    second: str
    outcome: Outcome
    rule: str
    title_score: float
    evidence: tuple[str, ...] = ()
    score: float = 0.0
    fields: tuple[FieldWeight, ...] = ()
    doi_overcome: bool = False
    keeps_apart: bool = False

    @property
    def is_cannot_link(self) -> bool:
        """True when the pair must never share a cluster, even through other records (a
        review pair whose identifiers differ too, until a person accepts it)."""
        return self.keeps_apart or self.outcome in (Outcome.LINK, Outcome.DISTINCT, Outcome.FLAG)


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


def _numbers_agree(a: RecordFeatures, b: RecordFeatures) -> bool:
    if a.numbers == b.numbers or not a.title_key or not b.title_key:
        return True
    short, long_ = sorted((a, b), key=lambda f: len(f.title_key))
    # A truncated title may have lost the numbers of its tail, never changed them.
    return (
        long_.title_key.startswith(short.title_key)
        and long_.numbers[: len(short.numbers)] == short.numbers
    )


def _same_place(a: RecordFeatures, b: RecordFeatures) -> bool:
    """Same volume and first page: the only way two different titles can still be one work
    (a translated title), or a record without a title can match."""
    return bool(a.page and a.volume and a.page == b.page and a.volume == b.volume)


def pair_levels(
    a: RecordFeatures, b: RecordFeatures, threshold: float = DEFAULT_THRESHOLD
) -> Levels | None:
    """The field levels of a pair that :func:`decide_pair` would weigh, else ``None`` (too
    different to judge, or vetoed): what weight estimation learns from."""
    score = title_similarity(a, b)
    if not _shared_id(a, b) and score < threshold - REVIEW_MARGIN and not _same_place(a, b):
        return None
    if _veto(a, b, False)[0] is not Outcome.MERGE or not _numbers_agree(a, b):
        return None
    return compare_fields(a, b, score, threshold)


def decide_pair(
    a: RecordFeatures,
    b: RecordFeatures,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    allow_preprints: bool = False,
    weights: MatchWeights = PRIOR_WEIGHTS,
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
    if not shared and score < threshold - REVIEW_MARGIN and not _same_place(a, b):
        return None
    first, second = (a, b) if a.record_id <= b.record_id else (b, a)
    veto, veto_rule = _veto(first, second, allow_preprints)
    if veto is not Outcome.MERGE:
        return PairDecision(first.record_id, second.record_id, veto, veto_rule, score)
    if not _numbers_agree(first, second):
        # With a shared identifier, a person looks: one of the two records is wrong.
        veto = Outcome.FLAG if shared else Outcome.DISTINCT
        veto_rule = f"{shared}-numbers-differ" if shared else "numbers-differ"
        return PairDecision(first.record_id, second.record_id, veto, veto_rule, score)
    weight = weights.weight
    present = [
        (f, level, weight(f, level))
        for f, level in compare_fields(first, second, score, threshold)
        if level is not Level.MISSING
    ]
    total = sum(w for _, _, w in present)
    levels: dict[Field, Level] = {f: level for f, level, _ in present}
    if not shared and total < REVIEW_SCORE and not _ids_differ(levels):
        return None  # most candidate pairs: nothing to merge, review or keep apart
    contradicted = any(w <= CONTRADICTION for _, _, w in present)
    outcome, rule = _band(first, second, shared, (score, total, contradicted), levels)
    if outcome is None:
        return None
    fields = tuple(FieldWeight(f, level, w) for f, level, w in present)
    apart = outcome is Outcome.REVIEW and not shared and _ids_differ(levels)
    return PairDecision(
        first.record_id,
        second.record_id,
        outcome,
        rule,
        score,
        tuple(f.describe() for f in fields),
        total,
        fields,
        outcome is Outcome.MERGE and levels.get(Field.DOI) is Level.DIFFERENT,
        apart,
    )


def _ids_differ(levels: dict[Field, Level]) -> bool:
    return any(levels.get(f) is Level.DIFFERENT for f in _IDS)


CONTRADICTION = -1.0
"""A field whose weight is this or lower contradicts the pair (an issue number written in
another way, at about -0.1 to -1.3, does not)."""


def _other_titles(a: RecordFeatures, b: RecordFeatures, levels: dict[Field, Level]) -> bool:
    """Different titles at the same place are one work only when both give a page range (a
    translated title): a single page can hold several abstracts or letters."""
    different = levels.get(Field.TITLE) is Level.DIFFERENT
    return different and not (a.page_span and b.page_span)


def _two_places(levels: dict[Field, Level]) -> bool:
    """The same text in two places is two publications (an encore conference abstract, the
    abstract and the later article, a duplicate publication): a person decides. Two places
    means two of journal, volume and first page differ, the volume differs in another year
    (an online-first year is one off, but then the volume is the same or missing), or the
    DOI and the first page both differ (a legacy DOI comes with the same pages), or the first
    page differs within one volume under a title that is not the same (the same group's
    companion paper in that issue; the same long title there is a page error)."""
    differs = {f for f, level in levels.items() if level is Level.DIFFERENT}
    other_year = levels.get(Field.YEAR) in (Level.CLOSE, Level.DIFFERENT)
    same_volume = levels.get(Field.VOLUME) is Level.EXACT
    return (
        len(differs & {Field.JOURNAL, Field.VOLUME, Field.PAGES}) >= 2
        or (Field.VOLUME in differs and other_year)
        or {Field.DOI, Field.PAGES} <= differs
        or (same_volume and Field.PAGES in differs and levels.get(Field.TITLE) is not Level.EXACT)
    )


def _band(
    a: RecordFeatures,
    b: RecordFeatures,
    shared: str,
    scores: tuple[float, float, bool],
    levels: dict[Field, Level],
) -> tuple[Outcome | None, str]:
    """The outcome for a pair's (title similarity, total weight, whether a field contradicts
    it) and its fields' levels, with its rule."""
    title_score, total, contradicted = scores
    if shared and a.title_key and b.title_key and title_score < SHARED_ID_MIN_TITLE:
        return Outcome.FLAG, f"{shared}-different-titles"
    # A short generic title ("Editorial", "Asthma") recurs by chance: with any field
    # contradicting, the rest cannot make the pair one work.
    weak_title = (is_weak_title(a) or is_weak_title(b)) and not shared
    other_title = not shared and _other_titles(a, b, levels)
    if shared and not contradicted:
        return Outcome.MERGE, shared  # an identifier that nothing else contradicts
    if (
        total >= MERGE_SCORE
        and not (weak_title and contradicted)
        and not (not shared and _two_places(levels))
        and not other_title
    ):
        doi_differs = levels.get(Field.DOI) is Level.DIFFERENT
        return Outcome.MERGE, shared or ("different-doi-overcome" if doi_differs else "weighed")
    if not shared and _ids_differ(levels) and total < REVIEW_SCORE:
        # Not overcome, the different identifiers keep the two apart, also through others.
        return Outcome.DISTINCT, "different-dois"
    if total >= REVIEW_SCORE or (shared and total >= 0):
        return Outcome.REVIEW, "borderline-score"
    return None, ""


_IDS = frozenset({Field.DOI, Field.PMID, Field.PMCID})
