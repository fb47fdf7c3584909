"""The seed newsletter tagged with the shipped rules gives the tags a curator gives.

The curator's tags (``seed_expected_tags.toml``) were written from the abstracts before the
rules existed; the disagreements found when the rules first ran are listed there with reasons.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from bimscli.formats import get_format
from bimscli.model import ParsedRecord, Record
from bimscli.tagging import Tagger, load_named_rules, score_tags

HERE = Path(__file__).resolve().parent
SEED = HERE.parent.parent / "fixtures" / "seeds" / "000_4c0a4a96eb322688.txt"
EXPECTED: dict[str, Any] = tomllib.loads(
    (HERE / "seed_expected_tags.toml").read_text(encoding="utf-8")
)


def _seed_records() -> dict[str, Record]:
    fmt = get_format("biomednews")
    entries = fmt.parse_string(SEED.read_text(encoding="utf-8"))
    records = [e.record for e in entries if isinstance(e, ParsedRecord)]
    by_doi = {r.ids.doi: r for r in records if r.ids.doi}
    assert len(by_doi) == 9
    return by_doi


def _curator_tags() -> dict[str, set[str]]:
    return {doi.lower(): set(v["tags"]) for doi, v in EXPECTED.items() if doi != "differences"}


def test_the_shipped_rules_give_the_curators_tags_up_to_the_listed_differences() -> None:
    records = _seed_records()
    tagger = Tagger(load_named_rules(["bone-metastases"]).rules)
    differences = {doi.lower(): v for doi, v in EXPECTED["differences"].items()}
    for doi, wanted in _curator_tags().items():
        diff = differences.get(doi, {"extra": [], "missed": []})
        assert not set(diff["extra"]) & wanted, doi
        assert set(diff["missed"]) <= wanted, doi
        expected = (wanted - set(diff["missed"])) | set(diff["extra"])
        assert tagger.tag(records[doi]) == expected, doi


def test_precision_and_recall_on_the_seed() -> None:
    records = _seed_records()
    tagger = Tagger(load_named_rules(["bone-metastases"]).rules)
    predicted = {doi: tagger.tag(record) for doi, record in records.items()}
    scores = score_tags(predicted, _curator_tags())
    true_positives = sum(s.true_positives for s in scores)
    false_positives = sum(s.false_positives for s in scores)
    false_negatives = sum(s.false_negatives for s in scores)
    assert (true_positives, false_positives, false_negatives) == (31, 7, 3)
