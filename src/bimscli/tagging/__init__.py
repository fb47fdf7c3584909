"""Rule-based tagging: rules in PubMed's query language, applied fast and explained.

See :mod:`bimscli.tagging.rules` for the rules file format, :mod:`bimscli.tagging.engine` for
applying rules and :mod:`bimscli.tagging.evaluation` for measuring them against hand labels.
:mod:`bimscli.tagging.library_tags` keeps tags in a library: rule tags recomputed by ``bims tag``
and manual tags kept as given. Tagging sits above the store (it reads works and writes their
tags) and below export, which selects and labels works by their tags.
"""

from __future__ import annotations

from bimscli.tagging.engine import RuleExplanation, TagChange, Tagger, order_rules, plan_tag_changes
from bimscli.tagging.evaluation import TagScore, read_labels, score_tags
from bimscli.tagging.rules import (
    Rule,
    RuleSet,
    is_valid_tag,
    load_default_rules,
    load_named_rules,
    load_rules_file,
    load_shipped_rules,
    parse_rules,
    shipped_rule_sets,
    topic_rule_sets,
)

__all__ = [
    "Rule",
    "RuleExplanation",
    "RuleSet",
    "TagChange",
    "TagScore",
    "Tagger",
    "is_valid_tag",
    "load_default_rules",
    "load_named_rules",
    "load_rules_file",
    "load_shipped_rules",
    "order_rules",
    "parse_rules",
    "plan_tag_changes",
    "read_labels",
    "score_tags",
    "shipped_rule_sets",
    "topic_rule_sets",
]
