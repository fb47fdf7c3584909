"""Curation status: decisions with their time and author, undo, ``new`` marks, and what
happens to them when deduplication merges and splits works."""

from __future__ import annotations

import pytest

from bimscli.dedup.library.clustering import dedup_library
from bimscli.dedup.library.decisions import merge_works, unmerge_work
from bimscli.errors import NotFoundError, UsageError
from bimscli.model import Author, Identifiers, ParsedRecord, PartialDate, Position, Record
from bimscli.store import Library
from bimscli.store.curation import (
    current_statuses,
    decide,
    history,
    mark_new,
    new_works_newest_first,
    status_conflicts,
    status_of,
    undo,
    works_with_status,
)
from bimscli.store.dedup_index import index_records


def _paper(doi: str, title: str, year: int = 2024) -> Record:
    return Record(
        title=title,
        authors=(Author(family="Selvanetti", given="Alberto"),),
        date=PartialDate(year, 6, 1),
        journal="Supportive Care in Cancer",
        volume="32",
        pages="101-109",
        ids=Identifiers(doi=doi),
    )


def _separate_works(library: Library, records: list[Record]) -> list[int]:
    """One work per record, not matched against each other yet (as before a `bims dedup`)."""
    with library.transaction():
        input_id = library.add_input(
            name="x.ris", path=None, sha256=f"{len(records)}{records[0].ids.doi}", size=1,
            format_name="ris", parser_version="1",
        )  # fmt: skip
        parsed = [ParsedRecord(r, Position(n + 1, n + 1), "raw") for n, r in enumerate(records)]
        ids = library.add_source_records(input_id, parsed)
        index_records(library, list(zip(ids, records, strict=True)))
        return [library.create_work([rid], "new") for rid in ids]


def _decide(library: Library, work_id: int, status: str, by: str = "alberto") -> None:
    with library.transaction():
        decide(library, [work_id], status, by=by)


def _undo(library: Library, work_id: int) -> str | None:
    with library.transaction():
        return undo(library, work_id, by="alberto").after


def test_a_decision_keeps_its_time_and_author(library: Library) -> None:
    (work,) = _separate_works(library, [_paper("10.1000/a", "Exercise after bone metastases")])
    _decide(library, work, "selected", by="thomas")
    (event,) = history(library, work)
    assert (event.action, event.previous, event.status, event.by) == (
        "decision", None, "selected", "thomas",
    )  # fmt: skip
    assert event.at.startswith("20")
    assert status_of(library, work) == "selected"


def test_undo_restores_each_previous_status_in_turn(library: Library) -> None:
    (work,) = _separate_works(library, [_paper("10.1000/a", "Exercise after bone metastases")])
    with library.transaction():
        mark_new(library, [work], origin="watch:bone")
    for status in ("maybe", "selected", "rejected"):
        _decide(library, work, status)
    assert [_undo(library, work) for _ in range(4)] == ["selected", "maybe", "new", None]
    with pytest.raises(NotFoundError, match="no status change to undo"):
        _undo(library, work)
    assert len(history(library, work)) == 8  # every change and every undo is kept


def test_a_decision_after_an_undo_is_undone_first(library: Library) -> None:
    (work,) = _separate_works(library, [_paper("10.1000/a", "Exercise after bone metastases")])
    _decide(library, work, "selected")
    _decide(library, work, "rejected")
    assert _undo(library, work) == "selected"
    _decide(library, work, "maybe")
    assert [_undo(library, work), _undo(library, work)] == ["selected", None]


@pytest.mark.parametrize(
    "status",
    [pytest.param("new", id="new-by-hand"), pytest.param("accepted", id="unknown")],
)
def test_only_decisions_are_set_by_hand(library: Library, status: str) -> None:
    (work,) = _separate_works(library, [_paper("10.1000/a", "Exercise after bone metastases")])
    with pytest.raises(UsageError, match="not a decision"), library.transaction():
        decide(library, [work], status, by="x")


def test_mark_new_leaves_decided_works_alone(library: Library) -> None:
    first, second = _separate_works(
        library, [_paper("10.1000/a", "Exercise and pain"), _paper("10.1000/b", "Bone pain")]
    )
    _decide(library, first, "rejected")
    with library.transaction():
        assert mark_new(library, [first, second, second], origin="watch:bone") == [second]
    assert current_statuses(library) == {first: "rejected", second: "new"}
    assert works_with_status(library, None) == []
    assert new_works_newest_first(library, "watch:bone") == [second]
    assert new_works_newest_first(library, "watch:other") == []


def test_new_works_come_newest_first(library: Library) -> None:
    works = _separate_works(
        library,
        [
            _paper("10.1000/a", "Older trial of exercise", 2019),
            _paper("10.1000/b", "Newest review of pain", 2025),
            _paper("10.1000/c", "Middle cohort on fractures", 2022),
        ],
    )
    with library.transaction():
        mark_new(library, works)
    assert new_works_newest_first(library) == [works[1], works[2], works[0]]


def _duplicates(library: Library) -> tuple[int, int]:
    first, second = _separate_works(
        library,
        [
            _paper("10.1000/same", "Exercise in patients with bone metastases"),
            _paper("10.1000/same", "Exercise in patients with bone metastases."),
        ],
    )
    return first, second


def test_dedup_keeps_the_strongest_decision_and_reports_the_conflict(library: Library) -> None:
    first, second = _duplicates(library)
    _decide(library, first, "rejected", by="thomas")
    _decide(library, second, "selected", by="alberto")
    with library.transaction():
        dedup_library(library)
    assert library.count_works() == 1
    assert status_of(library, first) == "selected"
    (conflict,) = status_conflicts(library)
    assert conflict.work_id == first
    assert conflict.note == f"conflict: work {first} rejected, work {second} selected"
    events = history(library, first)
    assert [(e.origin_work, e.status) for e in events] == [
        (first, "rejected"), (second, "selected"), (first, "selected"),
    ]  # fmt: skip
    # Undo takes back the merge's decision: the heir's own status returns.
    assert _undo(library, first) == "rejected"


def test_dedup_of_a_new_work_and_a_selected_one_is_no_conflict(library: Library) -> None:
    first, second = _duplicates(library)
    with library.transaction():
        mark_new(library, [first])
    _decide(library, second, "selected")
    with library.transaction():
        dedup_library(library)
    assert status_of(library, first) == "selected"
    assert status_conflicts(library) == []


def test_decisions_survive_merge_and_unmerge(library: Library) -> None:
    first, second = _separate_works(
        library, [_paper("10.1000/a", "Exercise and pain"), _paper("10.1000/b", "Bone pain")]
    )
    _decide(library, first, "maybe")
    with library.transaction():
        mark_new(library, [second])
    with library.transaction():
        kept = merge_works(library, [first, second])
    assert (kept, status_of(library, kept)) == (first, "maybe")
    with library.transaction():
        works = unmerge_work(library, first)
    assert first in works
    assert len(works) == 2
    assert {status_of(library, w) for w in works} == {"maybe"}
    (split_off,) = [w for w in works if w != first]
    assert [e.action for e in history(library, split_off)] == ["split"]
    assert [e.action for e in history(library, first)] == ["decision", "new", "merge"]


def test_a_work_without_decisions_gets_none_through_a_merge(library: Library) -> None:
    first, second = _duplicates(library)
    with library.transaction():
        dedup_library(library)
    assert status_of(library, first) is None
    assert history(library, first) == []
    assert second not in {w.id for w in library.works()}
