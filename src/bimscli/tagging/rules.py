"""Tag rules: a TOML file that maps each tag to a PubMed query.

A rules file looks like this::

    description = "Study designs"          # optional: what the set is for
    include = ["design"]                   # optional: shipped sets to add to this file's rules

    [tags."design/rct"]
    query = '"randomized controlled trial"[pt] OR "randomised controlled trial"[tiab]'
    description = "Randomised controlled trials"   # optional

    [tags."treatment/radiotherapy"]
    query = "radiotherap*[tiab] OR treatment/radiotherapy/sbrt[tag]"

Tags are paths of lower-case words joined by ``/`` (``design/rct``); a query may use
``[tag]`` to depend on another rule's tag or on a manual tag. Every problem of a file is
reported at once, each naming its rule and, for a broken query, showing a caret under the
problem.

bims ships the sets ``design`` and ``bone-metastases`` (see :func:`shipped_rule_sets`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from bimscli.errors import RuleError
from bimscli.query.syntax import Query, QueryError, parse_query

_TAG = re.compile(r"^[a-z0-9][a-z0-9_.-]*(?:/[a-z0-9][a-z0-9_.-]*)*$")
_RULE_KEYS = {"query", "description"}
_FILE_KEYS = {"description", "include", "tags"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: the tag it sets, its query (as written and parsed) and where it came from."""

    tag: str
    query_text: str
    query: Query
    description: str | None
    origin: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one file with those of the shipped sets it includes, in file order."""

    rules: tuple[Rule, ...]
    origin: str
    description: str | None = None

    @property
    def tags(self) -> list[str]:
        """The tags the rules set, in rule order."""
        return [rule.tag for rule in self.rules]


def is_valid_tag(tag: str) -> bool:
    """True for a tag of lower-case words joined by ``/``.

    >>> is_valid_tag("design/rct"), is_valid_tag("Design"), is_valid_tag("a//b")
    (True, False, False)
    """
    return _TAG.fullmatch(tag) is not None  # not match: "$" also matches before a final "\n"


def shipped_rule_sets() -> list[str]:
    """The names of the rule sets shipped with bims.

    >>> shipped_rule_sets()
    ['bone-metastases', 'design']
    """
    folder = resources.files("bimscli.data").joinpath("rules")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_shipped_rules(name: str) -> RuleSet:
    """A shipped rule set by name; a :class:`RuleError` naming the known ones otherwise."""
    if name not in shipped_rule_sets():
        known = ", ".join(shipped_rule_sets())
        raise RuleError(f"no shipped rule set {name!r}; shipped sets: {known}")
    text = resources.files("bimscli.data").joinpath("rules", f"{name}.toml").read_text("utf-8")
    return parse_rules(text, origin=f"shipped rules {name!r}")


GENERAL_RULE_SETS = ("design",)
"""The shipped rule sets that fit any biomedical library; the others are about one topic."""


def topic_rule_sets() -> list[str]:
    """The shipped rule sets about one topic, used only when named.

    >>> topic_rule_sets()
    ['bone-metastases']
    """
    return [name for name in shipped_rule_sets() if name not in GENERAL_RULE_SETS]


def load_default_rules() -> RuleSet:
    """The general shipped rule sets: what ``bims tag`` uses without a rules file.

    A topic set (``bone-metastases``) would tag a library on diabetes with treatments of bone
    metastases, so it runs only when named (:func:`load_named_rules`).
    """
    return load_named_rules(())


def load_named_rules(topics: Sequence[str]) -> RuleSet:
    """The general shipped rule sets and the named shipped ``topics``, as one rule set."""
    names = [*GENERAL_RULE_SETS, *(t for t in topics if t not in GENERAL_RULE_SETS)]
    rules = tuple(rule for name in names for rule in load_shipped_rules(name).rules)
    _check_unique(rules, "the shipped rules")
    return RuleSet(rules, "the shipped rules " + " + ".join(repr(n) for n in names))


def load_rules_file(path: Path) -> RuleSet:
    """The rules of a TOML file (and of the shipped sets it includes)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        topics = ", ".join(topic_rule_sets())
        raise RuleError(
            f"cannot read rules file {path}: no such file; --rules also takes the name of a "
            f"shipped topic set ({topics})"
        ) from error
    except OSError as error:
        raise RuleError(f"cannot read rules file {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise RuleError(f"rules file {path} is not UTF-8; save it as UTF-8") from error
    return parse_rules(text, origin=str(path))


def parse_rules(text: str, origin: str) -> RuleSet:
    """Parse the text of a rules file; every problem is reported in one :class:`RuleError`."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"{origin} is not valid TOML: {error}") from error
    problems = [f"unknown key {k!r} (known: {', '.join(sorted(_FILE_KEYS))})"
                for k in document if k not in _FILE_KEYS]  # fmt: skip
    rules: list[Rule] = []
    tags = document.get("tags", {})
    if not isinstance(tags, dict):
        problems.append('"tags" must be a table: [tags."design/rct"]')
        tags = {}
    for tag, body in tags.items():
        rule = _parse_rule(tag, body, origin, problems)
        if rule is not None:
            rules.append(rule)
    rules.extend(_included_rules(document.get("include", []), problems))
    description = document.get("description")
    if description is not None and not isinstance(description, str):
        problems.append('"description" must be a string')
    if problems:
        raise RuleError(f"{origin} has {len(problems)} problem(s):\n" + "\n".join(problems))
    _check_unique(rules, origin)
    return RuleSet(tuple(rules), origin, description)


def _parse_rule(tag: str, body: Any, origin: str, problems: list[str]) -> Rule | None:
    where = f"rule {tag!r} in {origin}"
    if not is_valid_tag(tag):
        problems.append(f"{where}: a tag is lower-case words joined by '/', like design/rct")
        return None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        problems.append(f'{where}: needs query = "..."')
        return None
    unknown = sorted(set(body) - _RULE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)} (known: query, description)")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(f"{where}: description must be a string")
        description = None
    try:
        query = parse_query(body["query"])
    except QueryError as error:
        problems.append(f"{where}: {error}")
        return None
    return Rule(tag, body["query"], query, description, origin)


def _included_rules(include: Any, problems: list[str]) -> list[Rule]:
    if not isinstance(include, list) or not all(isinstance(n, str) for n in include):
        problems.append('"include" must be a list of shipped set names: include = ["design"]')
        return []
    rules: list[Rule] = []
    for name in include:
        try:
            rules.extend(load_shipped_rules(name).rules)
        except RuleError as error:
            problems.append(str(error))
    return rules


def _check_unique(rules: Sequence[Rule], origin: str) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.tag in seen:
            raise RuleError(
                f"tag {rule.tag!r} has two rules in {origin} ({seen[rule.tag].origin} and "
                f"{rule.origin}); keep one"
            )
        seen[rule.tag] = rule
