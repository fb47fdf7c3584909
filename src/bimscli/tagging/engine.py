"""Apply compiled tag rules to records: which tags fire, and why.

All rule queries are compiled once into one :class:`~bimscli.query.matcher.AtomIndex`, so a
record's text is folded and split once for all rules. Rules that use ``[tag]`` run after the
rules that can set that tag; a cycle is a :class:`RuleError`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from bimscli.errors import RuleError
from bimscli.model import Record
from bimscli.query.explain import Span, explain_query
from bimscli.query.fields import Matching
from bimscli.query.matcher import (
    AtomIndex,
    CompiledQuery,
    atom_of,
    compile_query,
    query_expression,
    tag_matches,
)
from bimscli.query.syntax import QueryError, Term, iter_terms
from bimscli.tagging.rules import Rule


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: Rule
    compiled: CompiledQuery
    sets_atoms: tuple[int, ...]  # the [tag] atoms that this rule's tag hits


@dataclass(frozen=True, slots=True)
class RuleExplanation:
    """Why a rule fired on a work: the rule and the matched spans of text."""

    rule: Rule
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class TagChange:
    """How one work's rule tags change: tags to add and stale tags to remove."""

    work: str
    added: frozenset[str]
    removed: frozenset[str]


class Tagger:
    """A compiled rule set, ready to tag any number of records."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.index = AtomIndex()
        ordered = order_rules(rules)
        compiled = [(rule, self._compile(rule)) for rule in ordered]
        self._rules = tuple(
            _CompiledRule(rule, query, tuple(self.index.tag_atom_ids(rule.tag)))
            for rule, query in compiled
        )
        self._evaluate = self._compile_rule_set()

    def _compile(self, rule: Rule) -> CompiledQuery:
        try:
            return compile_query(rule.query, self.index, rule.query_text)
        except QueryError as error:
            raise RuleError(f"rule {rule.tag!r} in {rule.origin}: {error}") from error

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules in the order they are evaluated (dependencies first)."""
        return tuple(r.rule for r in self._rules)

    def tag(
        self, record: Record, manual_tags: Collection[str] = (), status: str | None = None
    ) -> frozenset[str]:
        """The tags the rules set on a record that already carries ``manual_tags``, of a work
        with the curation ``status`` (for ``[status]`` terms)."""
        return frozenset(self._evaluate(self.index.hits(record, manual_tags, status)))

    def _compile_rule_set(self) -> Callable[[set[int]], list[str]]:
        """All rules as one generated function: a hundred rules cost one call per record.

        Only the rules that an atom of the record triggers are evaluated: each atom maps to a
        mask of the rules whose trigger holds it, the masks of the hit atoms are or-ed, and a
        rule whose bit is clear costs one integer test. A rule that fires adds the ``[tag]``
        atoms its tag hits, and with them the rules they trigger.

        The generated source holds only integers, operators and names of constants (atom-id
        sets and tag strings live in the namespace, not in the source), so no text from a
        rules file is ever compiled as code.
        """
        triggered = self._rule_masks()
        constants: dict[str, object] = {}
        lines = [
            "def evaluate(h):",
            "    fired = []",
            "    r = reduce(or_, map(TRIGGERED, h), ALWAYS)",
        ]
        for number, compiled in enumerate(self._rules):
            condition = query_expression(compiled.rule.query, self.index, constants)
            constants[f"TAG{number}"] = compiled.rule.tag
            lines.append(f"    if r & {1 << number} and ({condition}):")
            lines.append(f"        fired.append(TAG{number})")
            if compiled.sets_atoms:
                constants[f"SETS{number}"] = compiled.sets_atoms
                constants[f"MORE{number}"] = reduce(
                    or_, map(triggered.__getitem__, compiled.sets_atoms), 0
                )
                lines.append(f"        h.update(SETS{number})")
                lines.append(f"        r |= MORE{number}")
        lines.append("    return fired")
        namespace: dict[str, Any] = dict(constants)
        namespace.update(reduce=reduce, or_=or_, TRIGGERED=triggered.__getitem__)
        namespace["ALWAYS"] = sum(
            1 << n for n, c in enumerate(self._rules) if c.compiled.trigger is None
        )
        exec("\n".join(lines), namespace)  # noqa: S102 - generated from integers only, see above
        evaluate: Callable[[set[int]], list[str]] = namespace["evaluate"]
        return evaluate

    def _rule_masks(self) -> list[int]:
        """For each atom id, the rules whose trigger holds it, as a bit mask (bit n: rule n)."""
        masks = [0] * len(self.index.atoms)
        for number, compiled in enumerate(self._rules):
            for atom_id in compiled.compiled.trigger or ():
                masks[atom_id] |= 1 << number
        return masks

    def tag_all(
        self, records: Iterable[tuple[str, Record]], manual: Mapping[str, Collection[str]]
    ) -> dict[str, frozenset[str]]:
        """The rule tags of every ``(work id, record)``, given each work's manual tags."""
        return {work: self.tag(record, manual.get(work, ())) for work, record in records}

    def explain(
        self, record: Record, manual_tags: Collection[str] = (), status: str | None = None
    ) -> list[RuleExplanation]:
        """For every rule that fires on a record, the spans of text that made it fire."""
        fired = self.tag(record, manual_tags, status)
        known = set(manual_tags) | fired
        return [
            RuleExplanation(rule, tuple(explain_query(rule.query, record, known)))
            for rule in self.rules
            if rule.tag in fired
        ]


def _dependencies(rule: Rule, rules: Sequence[Rule]) -> list[Rule]:
    """The rules whose tags the ``[tag]`` terms of ``rule`` can find."""
    atoms = [atom_of(t) for t in iter_terms(rule.query) if isinstance(t, Term) and t.field == "tag"]
    return [
        other
        for other in rules
        if any(a.matching is Matching.TAG and tag_matches(a, other.tag) for a in atoms)
    ]


def order_rules(rules: Sequence[Rule]) -> list[Rule]:
    """Rules in file order, except that a rule comes after every rule it depends on.

    Raises :class:`RuleError` naming the cycle when rules depend on each other.
    """
    ordered: list[Rule] = []
    state: dict[str, str] = {}  # tag -> "visiting" | "done"

    def visit(rule: Rule, path: list[str]) -> None:
        if state.get(rule.tag) == "done":
            return
        if state.get(rule.tag) == "visiting":
            cycle = " -> ".join([*path[path.index(rule.tag) :], rule.tag])
            raise RuleError(
                f"tag rules depend on each other in a cycle: {cycle}; remove one of the [tag] terms"
            )
        state[rule.tag] = "visiting"
        for dependency in _dependencies(rule, rules):
            visit(dependency, [*path, rule.tag])
        state[rule.tag] = "done"
        ordered.append(rule)

    for rule in rules:
        visit(rule, [])
    return ordered


def plan_tag_changes(
    current: Mapping[str, Collection[str]], computed: Mapping[str, Collection[str]]
) -> list[TagChange]:
    """What to change so that each work's rule tags become ``computed``; unchanged works left out.

    Only rule tags are passed in: manual tags are never part of a plan.

    >>> plan_tag_changes({"w1": {"design/rct", "old"}}, {"w1": {"design/rct"}, "w2": {"x"}})
    [TagChange(work='w1', added=frozenset(), removed=frozenset({'old'})), \
TagChange(work='w2', added=frozenset({'x'}), removed=frozenset())]
    """
    changes = []
    for work in sorted(set(current) | set(computed)):
        before = frozenset(current.get(work, ()))
        after = frozenset(computed.get(work, ()))
        if before != after:
            changes.append(TagChange(work, after - before, before - after))
    return changes
