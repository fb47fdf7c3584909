"""Where abstract labels are split and which lines are author lists: the deliberate limits."""

from __future__ import annotations

import pytest

from bimscli.formats._abstract_labels import split_abstract_paragraph
from bimscli.formats._author_names import looks_like_group, parse_author_list
from bimscli.formats._plain_text import number_from_words


def _labels(text: str) -> list[tuple[str | None, str]]:
    return [(s.label, s.text) for s in split_abstract_paragraph(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "We searched.RESULTS: VIST wins.",
            [(None, "We searched."), ("RESULTS", "VIST wins.")],
            id="upper-label-glued-after-sentence",
        ),
        pytest.param(
            "PATIENT OR PUBLIC CONTRIBUTION: None.",
            [("PATIENT OR PUBLIC CONTRIBUTION", "None.")],
            id="long-upper-label",
        ),
        pytest.param(
            "Objective: To see. Methods: We looked.",
            [("Objective", "To see."), ("Methods", "We looked.")],
            id="capitalised-labels-after-capitalised-opening",
        ),
        pytest.param(
            "Study DesignA cohort.ObjectivesTo see.",
            [("Study Design", "A cohort."), ("Objectives", "To see.")],
            id="glued-labels-after-glued-opening",
        ),
        pytest.param("RESULTS:", [("RESULTS", "")], id="label-without-text-kept"),
    ],
)
def test_labels_that_are_split(text: str, expected: list[tuple[str | None, str]]) -> None:
    assert _labels(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Imaging used e.g. MRI: it helps.", id="short-upper-word-before-colon"),
        pytest.param("We used this. Methods: are in the appendix.", id="capitalised-no-opening"),
        pytest.param("The study ended.ResultsWere good.", id="glued-no-opening"),
        pytest.param("Bone pain is common. Note: rare.", id="unknown-capitalised-word"),
    ],
)
def test_prose_that_is_not_split(text: str) -> None:
    assert _labels(text) == [(None, text)]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Role of MRI.", id="title-ending-in-initialism"),
        pytest.param("AO Spine Knowledge Forum Tumor", id="group"),
        pytest.param("Kidney Cancer Group UK", id="group-ending-in-capitals"),
        pytest.param("Bone metastases, pain and function.", id="title-with-comma"),
    ],
)
def test_lines_that_are_not_author_lists(line: str) -> None:
    assert parse_author_list(line) is None


def test_group_line_needs_a_collective_word() -> None:
    assert looks_like_group("EORTC Quality of Life Group")
    assert not looks_like_group("Bone metastases in older adults")


@pytest.mark.parametrize(
    ("text", "number"),
    [("nine", 9), ("nineteen", 19), ("twenty-five", 25), ("twenty\u2011one", 21), ("29", 29)],
)
def test_paper_counts_in_words(text: str, number: int) -> None:
    assert number_from_words(text) == number


@pytest.mark.parametrize("text", ["twenty-ten", "nine-five", "", "a few"])
def test_not_a_count(text: str) -> None:
    assert number_from_words(text) is None
