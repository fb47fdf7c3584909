"""Properties of the whole engine: order, idempotence, user decisions, nothing lost, increments."""

from __future__ import annotations

import csv
import gzip
import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.dedup import (
    UserDecisions,
    build_index,
    cluster_decisions,
    deduplicate,
    features_from_record,
    groups_csv,
    match_new,
)
from bimscli.dedup.features import RecordFeatures
from bimscli.formats.csv_table import FORMAT
from bimscli.model import Author, Identifiers, ParsedRecord, PartialDate, Record

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "dedup"

TITLES = (
    "Effects of metformin on hepatic glucose output in type 2 diabetes",
    "Effects of metformin on hepatic glucose output in type 2 diabetes.",
    "EFFECTS OF METFORMIN ON HEPATIC GLUCOSE OUTPUT IN TYPE 2 DIABETES",
    "Effects of metformin on hepatic glucose output in type 1 diabetes",
    "Erratum: Effects of metformin on hepatic glucose output in type 2 diabetes",
    "Asthma control in children: part 1",
    "Asthma control in children: part 2",
    "Asthma control in children, part 1.",
)


@st.composite
def records(draw: st.DrawFn) -> Record:
    """A record built from a small pool, so that many drawn records are duplicates."""
    return Record(
        title=draw(st.sampled_from(TITLES)),
        authors=(Author(draw(st.sampled_from(("Smith", "Smyth", "Jones"))), "A."),),
        date=PartialDate(draw(st.sampled_from((2001, 2002, 2005)))),
        volume=draw(st.sampled_from((None, "12", "13"))),
        pages=draw(st.sampled_from((None, "101-9", "201-9"))),
        ids=Identifiers(doi=draw(st.sampled_from((None, None, "10.1/a", "10.1/b")))),
    )


libraries = st.lists(records(), min_size=0, max_size=12).map(
    lambda rs: [features_from_record(f"r{i:02d}", r) for i, r in enumerate(rs)]
)


@settings(max_examples=150, deadline=None)
@given(libraries, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(features: list[RecordFeatures], rng: object) -> None:
    shuffled = list(features)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert deduplicate(shuffled).clusters == deduplicate(features).clusters


@settings(max_examples=100, deadline=None)
@given(libraries)
def test_no_record_disappears_and_clusters_are_disjoint(features: list[RecordFeatures]) -> None:
    clusters = deduplicate(features).clusters
    members = [m for c in clusters for m in c]
    assert len(members) == len(set(members))
    assert set(members) <= {f.record_id for f in features}
    assert all(len(c) >= 2 for c in clusters)


@settings(max_examples=100, deadline=None)
@given(libraries)
def test_dedup_is_idempotent(features: list[RecordFeatures]) -> None:
    result = deduplicate(features)
    again = cluster_decisions(result.pair_decisions, existing=result.clusters)
    assert tuple(again) == result.clusters
    assert deduplicate(features) == result


@settings(max_examples=100, deadline=None)
@given(libraries)
def test_vetoed_pairs_never_share_a_cluster(features: list[RecordFeatures]) -> None:
    result = deduplicate(features)
    for decision in result.pair_decisions:
        if decision.is_cannot_link:
            assert decision.second not in result.cluster_of(decision.first)


def _copies(n: int) -> list[RecordFeatures]:
    record = Record(
        title=TITLES[0],
        authors=(Author("Smith", "A."),),
        date=PartialDate(2001),
        volume="12",
        pages="101-9",
    )
    return [features_from_record(f"r{i}", record) for i in range(n)]


def test_unmerge_then_dedup_keeps_the_users_decision() -> None:
    features = _copies(3)
    assert deduplicate(features).clusters == (("r0", "r1", "r2"),)
    user = UserDecisions.of(cannot_link=[("r2", "r0"), ("r2", "r1")])
    assert deduplicate(features, user).clusters == (("r0", "r1"),)


def test_user_merge_beats_a_veto() -> None:
    a = features_from_record("a", Record(title=TITLES[0], ids=Identifiers(doi="10.1/a")))
    b = features_from_record("b", Record(title=TITLES[0], ids=Identifiers(doi="10.1/b")))
    assert deduplicate([a, b]).clusters == ()
    assert deduplicate([a, b], UserDecisions.of(must_link=[("b", "a")])).clusters == (("a", "b"),)


def test_user_separation_also_blocks_transitive_merges() -> None:
    features = _copies(3)
    user = UserDecisions.of(cannot_link=[("r0", "r2")])
    clusters = deduplicate(features, user).clusters
    assert not any({"r0", "r2"} <= set(c) for c in clusters)


def _benchmark_features(name: str) -> list[RecordFeatures]:
    assert FORMAT.parse_lines is not None
    path = FIXTURES / name / "records_pre_merged.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as lines:
        return [
            features_from_record(e.source_key or "", e.record)
            for e in FORMAT.parse_lines(lines)
            if isinstance(e, ParsedRecord)
        ]


def test_special_cases_are_both_found() -> None:
    gold = FIXTURES / "special_cases" / "merged_record_ids.csv"
    with gold.open(encoding="utf-8", newline="") as f:
        expected = tuple(
            sorted(tuple(sorted(r["merged_ids"].split(";"))) for r in csv.DictReader(f))
        )
    assert deduplicate(_benchmark_features("special_cases")).clusters == expected


def test_exported_groups_read_like_the_benchmark_gold_file() -> None:
    gold = (FIXTURES / "special_cases" / "merged_record_ids.csv").read_text(encoding="utf-8")
    exported = groups_csv(deduplicate(_benchmark_features("special_cases")).clusters)
    assert exported.splitlines()[0] == gold.splitlines()[0]
    assert sorted(exported.splitlines()[1:]) == sorted(gold.splitlines()[1:])


def test_incremental_matching_finds_what_batch_finds() -> None:
    features = _benchmark_features("respiratory")[:600]
    library, new = features[::2], features[1::2]
    batch = deduplicate(features)
    index = build_index(library)
    library_clusters = deduplicate(library).clusters
    increment = match_new(new, index, existing_clusters=library_clusters)
    batch_pairs = {p for c in batch.clusters for p in itertools.combinations(c, 2)}
    found = {p for c in increment.clusters for p in itertools.combinations(c, 2)}
    touched = {
        p
        for p in batch_pairs
        if p[0] in {f.record_id for f in new} or p[1] in {f.record_id for f in new}
    }
    assert touched
    assert touched <= found


def test_a_new_record_does_not_join_two_vetoed_library_records() -> None:
    title = "Effects of metformin on hepatic glucose output in type 2 diabetes"
    a = Record(
        title=title,
        ids=Identifiers(doi="10.1000/a"),
        date=PartialDate(2001),
        authors=(Author("Smith", "A."),),
    )
    b = Record(
        title=title,
        ids=Identifiers(doi="10.1000/b"),
        date=PartialDate(2001),
        authors=(Author("Smith", "A."),),
    )
    library = [features_from_record("a", a), features_from_record("b", b)]
    assert deduplicate(library).clusters == ()
    new = Record(title=title, date=PartialDate(2001), authors=(Author("Smith", "A."),))
    result = match_new([features_from_record("n", new)], build_index(library))
    assert not any({"a", "b"} <= set(c) for c in result.clusters)
    assert len(result.clusters) == 1
