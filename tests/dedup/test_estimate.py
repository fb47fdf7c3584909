"""Weights estimated from a library: deterministic, shrunk to the priors, kept with the library."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

from bimscli.dedup import build_index, features_from_record
from bimscli.dedup.engine import library_weights
from bimscli.dedup.estimate import MAX_SHIFT, MIN_RECORDS, estimate_m, estimate_u
from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.library.clustering import current_weights, dedup_library
from bimscli.dedup.weights import PRIOR_WEIGHTS, PRIORS, Field, Level, MatchWeights
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.model import Author, PartialDate, Record
from bimscli.store import Library
from bimscli.store.dedup_index import stored_weights

WORDS = ("asthma", "insulin", "obesity", "sepsis", "stroke", "renal", "hepatic", "children")


def _surname(number: int) -> str:
    """A surname made of letters (name keys keep only letters): 0 -> "Baba"."""
    letters = "bcdfghklmnprstvz"
    return (letters[number % 16] + "a" + letters[number // 16 % 16] + "a").title()


def synthetic_library(size: int, seed: int = 3) -> list[Record]:
    """Distinct papers with every tenth one copied (another issue number, an initial)."""
    rng = random.Random(seed)
    records: list[Record] = []
    for n in range(size):
        title = " ".join(rng.choice(WORDS) for _ in range(7)) + f" cohort {n}"
        record = Record(
            title=title,
            authors=(Author(_surname(rng.randrange(400)), "A."),),
            journal=f"Journal of {rng.choice(WORDS).title()}",
            date=PartialDate(2000 + rng.randrange(20)),
            volume=str(rng.randrange(1, 60)),
            issue=str(rng.randrange(1, 12)),
            pages=f"{rng.randrange(1, 900)}-{rng.randrange(900, 999)}",
        )
        records.append(record)
        if n % 10 == 0:
            records.append(replace(record, issue=str(rng.randrange(1, 12))))
    return records


def features_of(records: list[Record]) -> list[RecordFeatures]:
    return [features_from_record(f"r{n:05d}", r) for n, r in enumerate(records)]


def test_a_small_library_keeps_the_priors() -> None:
    features = features_of(synthetic_library(MIN_RECORDS // 2))
    assert library_weights(build_index(features)) is PRIOR_WEIGHTS


def test_the_same_library_gives_the_same_weights_whatever_the_order() -> None:
    features = features_of(synthetic_library(1_200))
    shuffled = list(features)
    random.Random(5).shuffle(shuffled)
    first = library_weights(build_index(features))
    assert first.source == f"estimated on {len(features):,} records"
    assert first.to_json() == library_weights(build_index(features)).to_json()
    assert first.to_json() == library_weights(build_index(shuffled)).to_json()


def test_no_weight_moves_more_than_the_bound_from_its_prior() -> None:
    weights = library_weights(build_index(features_of(synthetic_library(1_200))))
    for field, levels in PRIORS.items():
        for level in levels:
            shift = weights.weight(field, level) - PRIOR_WEIGHTS.weight(field, level)
            # ... unless u leaves no room: m is at most 1, so the weight at most log2(1/u).
            capped = weights.m[field][level] == 1.0
            assert abs(shift) <= MAX_SHIFT + 1e-9 or capped, (field, level)


def test_an_issue_field_that_never_agrees_is_silenced_but_not_turned_over() -> None:
    # Duplicates whose issue always differs: EM learns that issue agreement says little.
    weights = library_weights(build_index(features_of(synthetic_library(1_200))))
    assert weights.weight(Field.ISSUE, Level.DIFFERENT) > PRIOR_WEIGHTS.weight(
        Field.ISSUE, Level.DIFFERENT
    )
    assert weights.weight(Field.TITLE, Level.EXACT) == PRIOR_WEIGHTS.weight(
        Field.TITLE, Level.EXACT
    )


def test_u_keeps_the_prior_for_levels_too_rare_to_sample() -> None:
    never = [((Field.PAGES, Level.DIFFERENT),)] * 100
    u = estimate_u(never)
    assert u[Field.PAGES][Level.EXACT] == PRIORS[Field.PAGES][Level.EXACT].u
    assert estimate_m([], u)[Field.YEAR][Level.EXACT] == PRIORS[Field.YEAR][Level.EXACT].m


def test_weights_survive_their_json_form() -> None:
    weights = library_weights(build_index(features_of(synthetic_library(1_200))))
    again = MatchWeights.from_json(weights.to_json())
    assert again.to_json() == weights.to_json()
    assert again.weight(Field.PAGES, Level.EXACT) == weights.weight(Field.PAGES, Level.EXACT)


def _csl_json(path: Path, records: list[Record], start: int) -> Path:
    items = [
        {
            "id": f"k{start + n}",
            "type": "article-journal",
            "title": r.title,
            "author": [{"family": a.family, "given": a.given} for a in r.authors],
            "container-title": r.journal,
            "volume": r.volume,
            "issue": r.issue,
            "page": r.pages,
            "issued": {"date-parts": [[r.year]]},
        }
        for n, r in enumerate(records)
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def test_the_library_keeps_its_weights_and_an_ingest_reestimates_them_once_doubled(
    tmp_path: Path,
) -> None:
    records = synthetic_library(2_200)  # 2,420 records with the copies
    files = [
        _csl_json(tmp_path / "one.json", records[:1_100], 0),
        _csl_json(tmp_path / "two.json", records[1_100:2_000], 1_100),
        _csl_json(tmp_path / "three.json", records[2_000:], 2_000),
    ]
    with Library.open(tmp_path / "l.sqlite") as library:
        assert stored_weights(library) is PRIOR_WEIGHTS
        ingest_sources(library, [InputSource(files[0].name, path=files[0])])
        first = stored_weights(library)
        assert first.records == 1_100
        ingest_sources(library, [InputSource(files[1].name, path=files[1])])
        assert stored_weights(library) == first  # 2,000 records: not yet twice 1,100
        ingest_sources(library, [InputSource(files[2].name, path=files[2])])
        assert stored_weights(library).records == len(records)
        with library.transaction():
            dedup_library(library)
        assert stored_weights(library).records == len(records)
        assert current_weights(library) == stored_weights(library)
