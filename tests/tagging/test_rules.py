"""Rules files: schema, errors that point at the rule and the query, shipped sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.errors import RuleError
from bimscli.tagging import (
    Tagger,
    is_valid_tag,
    load_default_rules,
    load_named_rules,
    load_rules_file,
    load_shipped_rules,
    parse_rules,
    shipped_rule_sets,
)

GOOD = """
description = "test rules"

[tags."design/rct"]
query = '"randomized controlled trial"[pt] OR "randomly assigned"[tiab]'
description = "Randomised controlled trials"

[tags."treatment/sbrt"]
query = "sbrt[tiab]"
"""


def test_a_rules_file_is_read_in_order() -> None:
    rule_set = parse_rules(GOOD, origin="rules.toml")
    assert rule_set.tags == ["design/rct", "treatment/sbrt"]
    assert rule_set.description == "test rules"
    assert rule_set.rules[0].description == "Randomised controlled trials"
    assert rule_set.rules[1].description is None
    assert rule_set.rules[1].origin == "rules.toml"


def test_a_broken_query_names_the_rule_and_file_and_shows_a_caret() -> None:
    text = '[tags."outcome/pain"]\nquery = "pain[tiab] OR (analgesi*"\n'
    with pytest.raises(RuleError) as caught:
        parse_rules(text, origin="my-rules.toml")
    message = str(caught.value)
    assert "rule 'outcome/pain' in my-rules.toml" in message
    assert "'(' is never closed" in message
    lines = message.splitlines()
    assert lines[-2] == "  pain[tiab] OR (analgesi*"
    assert lines[-1] == "                ^"


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = """
unknown = 1
[tags."Bad Tag"]
query = "x"
[tags."a/b"]
description = "no query"
[tags."a/c"]
query = "x[zz]"
wrong = true
"""
    with pytest.raises(RuleError) as caught:
        parse_rules(text, origin="r.toml")
    message = str(caught.value)
    assert "r.toml has 5 problem(s)" in message
    assert "unknown key 'unknown'" in message
    assert "rule 'Bad Tag' in r.toml: a tag is lower-case words" in message
    assert "rule 'a/b' in r.toml: needs query" in message
    assert "unknown key(s) wrong" in message
    assert "unknown field tag [zz]" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("tags = 1", '"tags" must be a table', id="tags-not-table"),
        pytest.param("[tags", "is not valid TOML", id="not-toml"),
        pytest.param('include = ["nope"]', "no shipped rule set 'nope'", id="unknown-include"),
        pytest.param(
            'include = ["design"]\n[tags."design/rct"]\nquery = "x"',
            "tag 'design/rct' has two rules",
            id="duplicate-tag",
        ),
    ],
)
def test_bad_files(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rules(text, origin="r.toml")


def test_include_adds_shipped_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules"
    path.write_text('include = ["design"]\n' + GOOD.replace('"design/rct"', '"my/rct"'))
    rule_set = load_rules_file(path)
    assert rule_set.tags[:2] == ["my/rct", "treatment/sbrt"]
    assert "design/cohort" in rule_set.tags


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="cannot read rules file"):
        load_rules_file(tmp_path / "nope.toml")


def test_shipped_sets_parse_and_compile() -> None:
    assert shipped_rule_sets() == ["bone-metastases", "design"]
    design = load_shipped_rules("design")
    assert {
        "design/systematic-review", "design/meta-analysis", "design/scoping-review",
        "design/narrative-review", "design/rct", "design/cohort", "design/case-control",
        "design/case-series", "design/qualitative", "design/guideline", "design/protocol",
    } == set(design.tags)  # fmt: skip
    bone = load_shipped_rules("bone-metastases")
    assert len(bone.tags) == 19
    assert all(rule.description for rule in (*design.rules, *bone.rules))
    assert load_default_rules().tags == design.tags  # a topic set runs only when named
    tagger = Tagger(load_named_rules(["bone-metastases"]).rules)
    assert len(tagger.rules) == 30


@pytest.mark.parametrize(
    "tag",
    [
        pytest.param("design/rct\n", id="trailing-newline"),
        pytest.param("Design", id="upper-case"),
        pytest.param("design//rct", id="empty-level"),
        pytest.param("design/rct/", id="trailing-slash"),
    ],
)
def test_invalid_tags_are_refused(tag: str) -> None:
    assert not is_valid_tag(tag)
