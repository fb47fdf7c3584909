"""Estimating the match weights from the library being deduplicated (unsupervised).

As splink does: ``u`` probabilities from pairs drawn at random (almost all random pairs are
different papers), ``m`` probabilities by expectation–maximisation over the candidate pairs
that blocking yields (of a sample of about :data:`SAMPLE_RECORDS` records, chosen by a stable
hash of their ids, in a larger library). Nothing is learnt from labelled data. The rules,
each tested:

* Deterministic: records are taken in ``record_id`` order and pairs drawn with a fixed seed,
  so the same library always gives the same weights.
* Small libraries keep the priors: below :data:`MIN_RECORDS` records nothing is estimated,
  and above it every estimate is shrunk toward its prior (as if :data:`PRIOR_PAIRS` pairs had
  shown exactly the prior).
* A ``u`` is estimated only for levels common enough to be seen among the random pairs
  (expected at least :data:`MIN_EXPECTED` times); rarer ones (the same title, the same DOI)
  keep their prior, which a sample cannot refine.
* The title's ``m`` and ``u`` keep their priors: candidate pairs were chosen by their titles,
  so they cannot say how often duplicates' titles agree; and papers with similar titles are
  far likelier than random pairs to share authors and journals, so a random-pair ``u`` for
  the title would count the same evidence twice.
* No weight moves more than :data:`MAX_SHIFT` bits from its prior's, so a library with odd
  data (an issue field that holds record numbers) can silence a field but not turn it over;
  and as ``m`` is at most 1, a level that most random pairs show (``u`` near 1) says nothing.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence

from bimscli.dedup.compare import Levels, compare_fields, title_similarity
from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.weights import PRIOR_WEIGHTS, PRIORS, Field, Level, MatchWeights

MIN_RECORDS = 1_000
RANDOM_PAIRS = 10_000
SAMPLE_RECORDS = 100_000
PRIOR_PAIRS = 50.0
MIN_EXPECTED = 5.0
MAX_SHIFT = 2.0
EM_ROUNDS = 25
SEED = 20
_FIELDS = tuple(PRIORS)


def random_pair_levels(
    features: Sequence[RecordFeatures], count: int = RANDOM_PAIRS
) -> list[Levels]:
    """The levels of ``count`` pairs drawn with a fixed seed from records in id order."""
    ordered = sorted(features, key=lambda f: f.record_id)
    if len(ordered) < 2:
        return []
    rng = random.Random(SEED)  # noqa: S311 - a reproducible sample, not a secret
    levels: list[Levels] = []
    for _ in range(count):
        i, j = rng.sample(range(len(ordered)), 2)
        a, b = ordered[i], ordered[j]
        levels.append(compare_fields(a, b, title_similarity(a, b)))
    return levels


def _counts(
    levels: Iterable[Levels], shares: Iterable[float] | None = None
) -> dict[Field, Counter[Level]]:
    counts: dict[Field, Counter[Level]] = {f: Counter() for f in _FIELDS}
    weights = shares if shares is not None else iter(lambda: 1.0, None)
    for pair, share in zip(levels, weights, strict=False):
        for f, level in pair:
            if level is not Level.MISSING:
                counts[f][level] += share  # type: ignore[assignment]
    return counts


def _shrunk(
    counts: Counter[Level], prior: dict[Level, float], strength: float
) -> dict[Level, float]:
    total = sum(counts.values())
    return {lv: (counts[lv] + strength * p) / (total + strength) for lv, p in prior.items()}


def estimate_u(pairs: Sequence[Levels]) -> dict[Field, dict[Level, float]]:
    """``u`` for each level from random pairs, shrunk to the prior; rare levels keep it."""
    counts = _counts(pairs)
    estimated: dict[Field, dict[Level, float]] = {}
    for f in _FIELDS:
        prior = {lv: p.u for lv, p in PRIORS[f].items()}
        shrunk = _shrunk(counts[f], prior, PRIOR_PAIRS)
        seen = sum(counts[f].values())
        estimated[f] = {
            lv: shrunk[lv]
            if prior[lv] * seen >= MIN_EXPECTED and f is not Field.TITLE
            else prior[lv]
            for lv in prior
        }
    return estimated


def _pair_weight(
    pair: Levels, m: dict[Field, dict[Level, float]], u: dict[Field, dict[Level, float]]
) -> float:
    return sum(math.log2(m[f][lv] / u[f][lv]) for f, lv in pair if lv is not Level.MISSING)


def estimate_m(
    pairs: Sequence[Levels], u: dict[Field, dict[Level, float]]
) -> dict[Field, dict[Level, float]]:
    """``m`` for each level by expectation–maximisation over candidate pairs.

    Pairs with the same levels in every field are one *pattern*, weighed by its count, so a
    round costs the number of patterns (hundreds), not of pairs.
    """
    m = {f: {lv: p.m for lv, p in PRIORS[f].items()} for f in _FIELDS}
    if not pairs:
        return m
    patterns = Counter(pairs)
    ordered = sorted(patterns, key=lambda p: tuple(str(x) for x in p))
    counts_of = [patterns[p] for p in ordered]
    share = 0.5
    for _ in range(EM_ROUNDS):
        prior_bits = math.log2(share / (1 - share))
        posteriors = [
            count / (1.0 + 2.0 ** -max(-60.0, min(60.0, prior_bits + _pair_weight(p, m, u))))
            for p, count in zip(ordered, counts_of, strict=True)
        ]
        share = min(0.99, max(0.01, sum(posteriors) / len(pairs)))
        counts = _counts(ordered, posteriors)
        for f in _FIELDS:
            if f is not Field.TITLE:
                m[f] = _shrunk(counts[f], {lv: p.m for lv, p in PRIORS[f].items()}, PRIOR_PAIRS)
    return m


def _bounded(
    m: dict[Field, dict[Level, float]], u: dict[Field, dict[Level, float]]
) -> dict[Field, dict[Level, float]]:
    """``m`` adjusted so that no level's weight moves more than :data:`MAX_SHIFT` bits."""
    bounded: dict[Field, dict[Level, float]] = {}
    for f in _FIELDS:
        bounded[f] = {}
        for lv, prior in PRIORS[f].items():
            prior_bits = math.log2(prior.m / prior.u)
            bits = math.log2(m[f][lv] / u[f][lv])
            bits = max(prior_bits - MAX_SHIFT, min(prior_bits + MAX_SHIFT, bits))
            bounded[f][lv] = min(1.0, u[f][lv] * 2.0**bits)
    return bounded


def estimate_weights(
    features: Sequence[RecordFeatures], candidate_levels: Sequence[Levels]
) -> MatchWeights:
    """Weights for a library: its records and the levels of (a sample of) its candidate pairs.

    Returns the priors for a library of fewer than :data:`MIN_RECORDS` records.
    """
    if len(features) < MIN_RECORDS:
        return PRIOR_WEIGHTS
    u = estimate_u(random_pair_levels(features))
    m = _bounded(estimate_m(candidate_levels, u), u)
    return MatchWeights(m, u, f"estimated on {len(features):,} records", len(features))
