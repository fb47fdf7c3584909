"""The review queue and a person's answers, on the library: pairs of works listed once, and
answers that undo each other or are taken back."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.dedup.library.decisions import Verdict, answer_pair, undo_answer
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


def test_rejecting_a_pair_merged_by_hand_names_unmerge(pooled: Library) -> None:
    with pooled.transaction():
        answer_pair(pooled, (5, 6), Verdict.REJECT)
        answer_pair(pooled, (5, 6), Verdict.ACCEPT)  # the later answer wins
    assert pooled.work_record_ids(5) == [5, 6]
    with pooled.transaction():
        answer = answer_pair(pooled, (5, 6), Verdict.REJECT)
    assert [pooled.work_record_ids(w) for w in (answer.work_a, answer.work_b)] == [[5], [6]]
