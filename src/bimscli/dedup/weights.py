"""Weighed evidence (Fellegi–Sunter): how much each field's agreement says about a pair.

Each compared field of a pair falls in one agreement *level* (exact, close, partial, generic,
different, missing). A level has two probabilities: ``m``, how often two records of the same
paper show it, and ``u``, how often two records of different papers do. Its weight is
``log2(m / u)``: positive when the level is commoner among duplicates, negative when it is
commoner among different papers, zero for a missing field. A pair's score is the sum of its
fields' weights; the score bands :data:`MERGE_SCORE` and :data:`REVIEW_SCORE` turn it into
merge, review or distinct.

:data:`PRIORS` are the documented starting values, used as they are for a small library;
:mod:`bimscli.dedup.estimate` re-estimates them from a library's own records. ``m`` values
are conditional on both records having the field, and ``u`` values are for two records drawn
at random from one topic-focused library (a reviewer's search results), not from all of
PubMed: there, the same journal or year is common.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Field(StrEnum):
    """A field that deduplication compares."""

    TITLE = "title"
    DOI = "DOI"
    PMID = "PMID"
    PMCID = "PMCID"
    AUTHORS = "authors"
    YEAR = "year"
    JOURNAL = "journal"
    VOLUME = "volume"
    ISSUE = "issue"
    PAGES = "pages"
    ABSTRACT = "abstract"


class Level(StrEnum):
    """How well one field of two records agrees."""

    EXACT = "exact"
    CLOSE = "close"
    PARTIAL = "partial"
    GENERIC = "generic"  # the same short, generic title ("Editorial"): little evidence
    DIFFERENT = "different"
    MISSING = "missing"  # one record or both lack the field: no evidence either way


@dataclass(frozen=True, slots=True)
class Prior:
    """The prior ``m`` and ``u`` of one level, with the reasoning behind them."""

    m: float
    u: float
    why: str


PRIORS: Mapping[Field, Mapping[Level, Prior]] = {
    Field.TITLE: {
        Level.EXACT: Prior(0.80, 1e-5, "the same long title: almost only the same paper"),
        Level.CLOSE: Prior(0.12, 5e-5, "a typo, a spelling or a truncation (similarity >= 90)"),
        Level.PARTIAL: Prior(0.03, 1e-3, "similar titles (>= 80): same topic, often not same"),
        Level.GENERIC: Prior(0.02, 1e-3, "short titles such as 'Editorial' recur by chance"),
        Level.DIFFERENT: Prior(0.03, 0.998, "a translated title or one of a parallel pair"),
    },
    Field.DOI: {
        Level.EXACT: Prior(0.95, 1e-6, "a DOI names one article; a shared one is rare junk"),
        Level.DIFFERENT: Prior(0.04, 1.0, "legacy or PII DOIs beside the publisher's: rare"),
    },
    Field.PMID: {
        Level.EXACT: Prior(0.97, 1e-7, "PubMed gives one record per article"),
        Level.DIFFERENT: Prior(0.01, 1.0, "PubMed's own duplicates are very rare"),
    },
    Field.PMCID: {
        Level.EXACT: Prior(0.97, 1e-7, "PubMed Central gives one record per article"),
        Level.DIFFERENT: Prior(0.01, 1.0, "two PMC ids for one article are very rare"),
    },
    Field.AUTHORS: {
        Level.EXACT: Prior(0.88, 3e-3, "same first author; a common surname recurs (Wang)"),
        Level.CLOSE: Prior(0.08, 1e-2, "order, a dropped first author, swapped name parts"),
        Level.DIFFERENT: Prior(0.04, 0.987, "group authors and transliterations differ"),
    },
    Field.YEAR: {
        Level.EXACT: Prior(0.88, 0.10, "a library's records bunch in a few years"),
        Level.CLOSE: Prior(0.10, 0.18, "one year apart: online and print years"),
        Level.DIFFERENT: Prior(0.02, 0.72, "years further apart: a data-entry error"),
    },
    Field.JOURNAL: {
        Level.EXACT: Prior(0.85, 0.03, "a topic's papers gather in its few journals"),
        Level.DIFFERENT: Prior(0.15, 0.97, "translated or unrecognised journal names"),
    },
    Field.VOLUME: {
        Level.EXACT: Prior(0.90, 0.02, "volume numbers repeat across journals"),
        Level.DIFFERENT: Prior(0.10, 0.98, "a supplement's or an issue's number as volume"),
    },
    Field.ISSUE: {
        Level.EXACT: Prior(0.65, 0.15, "few issues per volume: agreement is common"),
        Level.DIFFERENT: Prior(0.35, 0.85, "issues are written freely (supplements, 3-4)"),
    },
    Field.PAGES: {
        Level.EXACT: Prior(0.90, 2e-3, "the same first page is rare by chance"),
        Level.DIFFERENT: Prior(0.10, 0.998, "an abstract's page against the article's"),
    },
    Field.ABSTRACT: {
        Level.EXACT: Prior(0.75, 1e-4, "the same abstract's opening: the same paper"),
        Level.CLOSE: Prior(0.10, 5e-4, "an edited abstract or a label added"),
        Level.DIFFERENT: Prior(0.15, 0.9995, "a conference abstract against the article's"),
    },
}


MERGE_SCORE = 25.0
"""A pair scoring this much or more is one work (e.g. same title, first author and year)."""

REVIEW_SCORE = 12.0
"""A pair scoring from this up to :data:`MERGE_SCORE` is listed for a person's review."""


def _weight(m: float, u: float) -> float:
    return math.log2(m / u)


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """The ``m`` and ``u`` probabilities of every field's levels, and the weights they give.

    ``source`` says where they come from ("priors", or the library they were estimated on).

    >>> PRIOR_WEIGHTS.weight(Field.PAGES, Level.EXACT) > 0 > PRIOR_WEIGHTS.weight(
    ...     Field.DOI, Level.DIFFERENT)
    True
    >>> PRIOR_WEIGHTS.weight(Field.YEAR, Level.MISSING)
    0.0
    """

    m: Mapping[Field, Mapping[Level, float]]
    u: Mapping[Field, Mapping[Level, float]]
    source: str = "priors"
    records: int = 0
    _table: dict[tuple[Field, Level], float] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for f, levels in self.m.items():
            for level, m in levels.items():
                self._table[(f, level)] = _weight(m, self.u[f][level])

    def weight(self, f: Field, level: Level) -> float:
        """The weight of ``level`` for field ``f`` (0 for a missing field)."""
        return self._table.get((f, level), 0.0)

    def to_json(self) -> str:
        """The probabilities as JSON, as the library stores them."""
        return json.dumps(
            {
                "source": self.source,
                "records": self.records,
                "m": {f.value: {lv.value: p for lv, p in ls.items()} for f, ls in self.m.items()},
                "u": {f.value: {lv.value: p for lv, p in ls.items()} for f, ls in self.u.items()},
            },
            sort_keys=True,
        )

    @staticmethod
    def from_json(text: str) -> MatchWeights:
        """Weights back from :meth:`to_json`'s output."""
        data = json.loads(text)

        def table(raw: dict[str, dict[str, float]]) -> dict[Field, dict[Level, float]]:
            return {
                Field(f): {Level(lv): float(p) for lv, p in ls.items()} for f, ls in raw.items()
            }

        return MatchWeights(table(data["m"]), table(data["u"]), data["source"], data["records"])


PRIOR_WEIGHTS = MatchWeights(
    {f: {lv: p.m for lv, p in levels.items()} for f, levels in PRIORS.items()},
    {f: {lv: p.u for lv, p in levels.items()} for f, levels in PRIORS.items()},
)
"""The weights of :data:`PRIORS`: used for small libraries and whenever none were estimated."""
