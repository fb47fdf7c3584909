"""The review queue and a person's answers, on the library: pairs of works listed once, and
answers that undo each other or are taken back."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bimscli.dedup.library.clustering import dedup_library
from bimscli.dedup.library.decisions import (
    Verdict,
    answer_pair,
    current_work,
    merge_works,
    sides_now,
    undo_answer,
)
from bimscli.dedup.library.review import review_queue
from bimscli.errors import UsageError
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.store import Library
from tests.review_pairs import pooled_json


@pytest.fixture
def pooled(library: Library, tmp_path: Path) -> Library:
    """The two trials (works 1 and 3, two records each) and two meta-analyses (5 and 6)."""
    path = tmp_path / "pooled.json"
    path.write_text(pooled_json(), encoding="utf-8")
    ingest_sources(library, [InputSource(str(path), path=path)])
    return library


def _decisions(library: Library) -> list[tuple[str, int, int]]:
    rows = library.connection.execute(
        "SELECT kind, record_a, record_b FROM dedup_decisions ORDER BY record_a, record_b"
    )
    return [(str(k), int(a), int(b)) for k, a, b in rows]


def test_the_queue_names_each_pair_of_works_once_with_its_best_records(pooled: Library) -> None:
    queue = review_queue(pooled)
    assert [(p.pair_id, p.record_pairs) for p in queue] == [("5-6", 1), ("1-3", 4)]
    trials = queue[1]
    assert (trials.best.record_a, trials.best.record_b) == (1, 3)
    assert (trials.best.work_a, trials.best.work_b) == (1, 3)


def test_accept_is_remembered_as_must_links_across_the_two_works(pooled: Library) -> None:
    with pooled.transaction():
        answer = answer_pair(pooled, (3, 1), Verdict.ACCEPT)
    assert (answer.work_a, answer.records_a, answer.records_b) == (1, (1, 2), (3, 4))
    assert _decisions(pooled) == [("must-link", a, b) for a, b in [(1, 3), (1, 4), (2, 3), (2, 4)]]
    assert [p.pair_id for p in review_queue(pooled)] == ["5-6"]


@pytest.mark.parametrize("verdict", [Verdict.ACCEPT, Verdict.REJECT], ids=str)
def test_an_answer_taken_back_leaves_the_pair_undecided(pooled: Library, verdict: Verdict) -> None:
    with pooled.transaction():
        answer = answer_pair(pooled, (1, 3), verdict)
    with pooled.transaction():
        works = undo_answer(pooled, answer)
    assert _decisions(pooled) == []
    assert pooled.connection.execute("SELECT count(*) FROM review_decisions").fetchone()[0] == 0
    assert [pooled.work_record_ids(w) for w in works] == [[1, 2], [3, 4]]
    assert {p.pair_id for p in review_queue(pooled)} == {"5-6", f"{works[0]}-{works[1]}"}


def test_a_pair_the_review_never_listed_is_refused(pooled: Library) -> None:
    with pytest.raises(UsageError, match=r"not a pair to review; .* `bims merge 1 5`"):
        answer_pair(pooled, (1, 5), Verdict.ACCEPT)
    assert _decisions(pooled) == []


def test_rejecting_an_accepted_pair_splits_it_along_its_sides(pooled: Library) -> None:
    with pooled.transaction():
        answer_pair(pooled, (5, 6), Verdict.REJECT)
        answer_pair(pooled, (5, 6), Verdict.ACCEPT)  # the later answer wins
    assert pooled.work_record_ids(5) == [5, 6]
    with pooled.transaction():
        answer = answer_pair(pooled, (5, 6), Verdict.REJECT)
    assert (answer.records_a, answer.records_b) == ((5,), (6,))
    assert [pooled.work_record_ids(w) for w in sides_now(pooled, answer)] == [[5], [6]]


def test_a_pair_named_by_ids_a_rejection_made_stale_follows_its_records(pooled: Library) -> None:
    with pooled.transaction():
        answer_pair(pooled, (1, 3), Verdict.ACCEPT)
        split = answer_pair(pooled, (1, 3), Verdict.REJECT)  # records 3 and 4 leave, as work 7
        assert sides_now(pooled, split) == (1, 7)
        again = answer_pair(pooled, (1, 3), Verdict.ACCEPT)  # work 3 is long gone; its records
    assert sides_now(pooled, again) == (1, 1)
    assert pooled.work_record_ids(1) == [1, 2, 3, 4]


def test_pairs_merged_by_hand_are_split_with_unmerge(pooled: Library) -> None:
    with pooled.transaction():
        merge_works(pooled, [1, 3])
    with pytest.raises(UsageError, match=r"one work already \(work 1\).*`bims unmerge 1`"):
        answer_pair(pooled, (1, 3), Verdict.REJECT)


@pytest.fixture(scope="module")
def pooled_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pooled library as a file, made once: each example works on a copy."""
    folder = tmp_path_factory.mktemp("pooled")
    source = folder / "pooled.json"
    source.write_text(pooled_json(), encoding="utf-8")
    with Library.open(folder / "library.sqlite") as library:
        ingest_sources(library, [InputSource(str(source), path=source)])
    return folder / "library.sqlite"


@pytest.fixture
def copies(pooled_file: Path) -> Iterator[Path]:
    """A folder for this test's copies of the pooled library."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


ANSWERS = st.lists(
    st.tuples(st.sampled_from([(1, 3), (5, 6)]), st.sampled_from(list(Verdict))),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=ANSWERS)
def test_the_last_answer_about_a_pair_stands_through_later_runs(
    pooled_file: Path, copies: Path, answers: list[tuple[tuple[int, int], Verdict]]
) -> None:
    path = copies / f"{len(list(copies.iterdir()))}.sqlite"
    shutil.copy(pooled_file, path)
    last: dict[tuple[int, int], Verdict] = {}
    with Library.open(path) as library:
        for works, verdict in answers:
            try:
                with library.transaction():
                    answer_pair(library, works, verdict)
            except UsageError:  # accepting a pair that is one work already: nothing to do
                assert verdict is Verdict.ACCEPT
            last[works] = verdict
        with library.transaction():
            dedup_library(library)
        for (a, b), verdict in last.items():
            # The first record of each side says where its side is now.
            together = _work_of(library, a) == _work_of(library, b)
            assert together is (verdict is Verdict.ACCEPT), (a, b, answers)
        assert library.count_source_records() == 6


def _work_of(library: Library, first_record: int) -> int:
    row = library.connection.execute(
        "SELECT work_id FROM work_members WHERE record_id = ?", (first_record,)
    ).fetchone()
    return current_work(library, int(row[0]))
