"""The tagging engine: rule order, [tag] dependencies, cycles, stale and manual tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.errors import RuleError
from bimscli.model import AbstractSection, Record
from bimscli.query import Search
from bimscli.tagging import Tagger, load_named_rules, parse_rules, plan_tag_changes

RULES = """
[tags."treatment/radiotherapy"]
query = "radiotherap*[tiab] OR treatment/radiotherapy/sbrt[tag]"

[tags."treatment/radiotherapy/sbrt"]
query = "sbrt[tiab] OR \\"stereotactic body\\"[tiab]"

[tags."design/rct"]
query = '"randomly assigned"[tiab] NOT design/review[tag]'
"""


def _record(text: str) -> Record:
    return Record(abstract=(AbstractSection(text),))


def test_rules_that_use_tags_run_after_the_rules_that_set_them() -> None:
    tagger = Tagger(parse_rules(RULES, "r.toml").rules)
    order = [rule.tag for rule in tagger.rules]
    assert order.index("treatment/radiotherapy/sbrt") < order.index("treatment/radiotherapy")
    assert tagger.tag(_record("Patients had SBRT.")) == {
        "treatment/radiotherapy",
        "treatment/radiotherapy/sbrt",
    }
    assert tagger.tag(_record("Conventional radiotherapy.")) == {"treatment/radiotherapy"}


def test_manual_tags_take_part_in_rules() -> None:
    tagger = Tagger(parse_rules(RULES, "r.toml").rules)
    record = _record("Trials where patients were randomly assigned.")
    assert tagger.tag(record) == {"design/rct"}
    assert tagger.tag(record, manual_tags={"design/review"}) == frozenset()


def test_a_cycle_is_an_error_naming_it() -> None:
    text = """
[tags."a"]
query = "x OR b[tag]"
[tags."b"]
query = "y OR a[tag]"
"""
    with pytest.raises(RuleError, match="cycle: a -> b -> a"):
        Tagger(parse_rules(text, "r.toml").rules)


def test_a_term_without_letters_is_an_error_naming_the_rule() -> None:
    text = '[tags."a"]\nquery = "pain OR --[tiab]"\n'
    with pytest.raises(RuleError, match=r"rule .a. in r\.toml: this term has no letters"):
        Tagger(parse_rules(text, "r.toml").rules)


def test_explain_names_the_rule_and_the_spans() -> None:
    tagger = Tagger(parse_rules(RULES, "r.toml").rules)
    record = _record("After SBRT, pain fell.")
    explanations = {e.rule.tag: e for e in tagger.explain(record)}
    assert set(explanations) == {"treatment/radiotherapy", "treatment/radiotherapy/sbrt"}
    sbrt = explanations["treatment/radiotherapy/sbrt"].spans
    assert [(s.text, s.start, s.end) for s in sbrt] == [("SBRT", 6, 10)]
    parent = explanations["treatment/radiotherapy"].spans
    assert [s.text for s in parent] == ["treatment/radiotherapy/sbrt"]


def test_a_rule_change_removes_stale_tags_and_never_touches_manual_ones() -> None:
    records = {"w1": _record("SBRT was given."), "w2": _record("Radiotherapy alone.")}
    manual = {"w1": {"mine/keep"}}
    old = Tagger(parse_rules(RULES, "old.toml").rules).tag_all(records.items(), manual)
    assert old["w1"] == {"treatment/radiotherapy", "treatment/radiotherapy/sbrt"}
    # The new rules drop the SBRT rule and rename radiotherapy.
    new_rules = '[tags."treatment/rt"]\nquery = "radiotherap*[tiab] OR sbrt[tiab]"\n'
    new = Tagger(parse_rules(new_rules, "new.toml").rules).tag_all(records.items(), manual)
    changes = {c.work: c for c in plan_tag_changes(old, new)}
    assert changes["w1"].removed == {"treatment/radiotherapy", "treatment/radiotherapy/sbrt"}
    assert changes["w1"].added == {"treatment/rt"}
    assert changes["w2"].removed == {"treatment/radiotherapy"}
    assert all("mine/keep" not in c.removed for c in changes.values())
    # Applying the same rules again changes nothing: tagging is idempotent.
    again = Tagger(parse_rules(new_rules, "new.toml").rules).tag_all(records.items(), manual)
    assert plan_tag_changes(new, again) == []


_WORDS = (  # noqa: SIM905 - a word list reads better as text
    "sbrt radiotherapy pain randomly assigned systematic review cohort surgery separation "
    "quality of life qol myeloma exercise rehabilitation prehabilitation the of patients "
    "stereotactic body scoping meta-analysis retrospective analysis case report web-based"
).split()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=40), st.sets(st.sampled_from(_WORDS)))
def test_the_compiled_rule_set_agrees_with_each_rule_on_its_own(
    words: list[str], keywords: set[str]
) -> None:
    tagger = Tagger(load_named_rules(["bone-metastases"]).rules)
    record = Record(abstract=(AbstractSection(" ".join(words)),), keywords=tuple(keywords))
    # Reference: each rule's own predicate, in dependency order, feeding fired tags forward.
    fired: set[str] = set()
    for rule in tagger.rules:
        search = Search(rule.query_text)
        if search.matches(record, fired):
            fired.add(rule.tag)
    assert tagger.tag(record) == fired
