"""Measure a rule set against hand labels: precision and recall per tag.

A labels file is CSV with a header and the columns ``work`` (a work id or a DOI) and ``tag``,
one row per label; a row with an empty tag marks a work that was labelled and has no tag (a
negative example). Only labelled works count: a tag the rules set on an unlabelled work is
neither right nor wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bimscli.errors import InputError


@dataclass(frozen=True, slots=True)
class TagScore:
    """How well the rules find one tag on the labelled works."""

    tag: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        """Share of works the rules tagged that the labels agree with; ``None`` if none."""
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        """Share of labelled works the rules found; ``None`` if no work has the label."""
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else None


def read_labels(text: str) -> dict[str, set[str]]:
    """Hand labels from CSV text: each work reference with its set of tags.

    >>> labels = read_labels("work,tag\\n10.1/a,design/rct\\n10.1/a,outcome/pain\\nw7,\\n")
    >>> sorted(labels["10.1/a"]), labels["w7"]
    (['design/rct', 'outcome/pain'], set())
    """
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"work", "tag"} <= set(reader.fieldnames):
        raise InputError("a labels file needs a header with the columns work,tag")
    labels: dict[str, set[str]] = {}
    for line, row in enumerate(reader, start=2):
        work = (row.get("work") or "").strip()
        if not work:
            raise InputError(f"labels line {line}: the work column is empty; give an id or DOI")
        tags = labels.setdefault(work, set())
        tag = (row.get("tag") or "").strip()
        if tag:
            tags.add(tag)
    return labels


def score_tags(
    predicted: Mapping[str, Collection[str]], gold: Mapping[str, Collection[str]]
) -> list[TagScore]:
    """Precision and recall per tag, over the works in ``gold``, sorted by tag.

    >>> [(s.tag, s.precision, s.recall) for s in score_tags(
    ...     {"a": {"x"}, "b": {"x", "y"}, "c": {"y"}}, {"a": {"x"}, "b": {"y"}, "z": {"x"}})]
    [('x', 0.5, 0.5), ('y', 1.0, 1.0)]
    """
    counts: dict[str, list[int]] = {}
    for work, gold_tags in gold.items():
        got = set(predicted.get(work, ()))
        want = set(gold_tags)
        for tag in got | want:
            count = counts.setdefault(tag, [0, 0, 0])
            if tag in got and tag in want:
                count[0] += 1
            elif tag in got:
                count[1] += 1
            else:
                count[2] += 1
    return [TagScore(tag, *counts[tag]) for tag in sorted(counts)]
