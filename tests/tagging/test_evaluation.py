"""Precision and recall per tag against hand labels."""

from __future__ import annotations

import pytest

from bimscli.errors import InputError
from bimscli.tagging import read_labels, score_tags


def test_scores_count_only_labelled_works() -> None:
    gold = read_labels("work,tag\nw1,design/rct\nw2,design/rct\nw3,\nw4,outcome/pain\n")
    predicted = {
        "w1": {"design/rct"},
        "w3": {"design/rct", "outcome/pain"},
        "w4": {"outcome/pain"},
        "unlabelled": {"design/rct"},
    }
    scores = {s.tag: s for s in score_tags(predicted, gold)}
    rct = scores["design/rct"]
    assert (rct.true_positives, rct.false_positives, rct.false_negatives) == (1, 1, 1)
    assert (rct.precision, rct.recall) == (0.5, 0.5)
    pain = scores["outcome/pain"]
    assert (pain.precision, pain.recall) == (0.5, 1.0)


def test_a_tag_never_predicted_has_no_precision() -> None:
    (score,) = score_tags({}, {"w1": {"x"}})
    assert score.precision is None
    assert score.recall == 0.0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("id,label\nw1,x\n", id="wrong-header"),
        pytest.param("", id="empty"),
        pytest.param("work,tag\n,x\n", id="empty-work"),
    ],
)
def test_bad_label_files(text: str) -> None:
    with pytest.raises(InputError):
        read_labels(text)
