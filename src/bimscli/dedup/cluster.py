"""Clustering merge decisions into works: union-find with cannot-link constraints.

User decisions come first (a person's ``bims merge`` joins, ``bims unmerge`` separates, and no
later automatic decision undoes either). Automatic merges are then applied strongest first,
ties broken by record ids, so the result does not depend on the order of the input. A merge
that would put two records with a cannot-link (a veto or a user's separation) into one work is
skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class UserDecisions:
    """What people decided: pairs of record ids that must or must not be one work."""

    must_link: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    cannot_link: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @staticmethod
    def of(
        must_link: Iterable[tuple[str, str]] = (), cannot_link: Iterable[tuple[str, str]] = ()
    ) -> UserDecisions:
        """Decisions from any iterables of pairs, each pair stored sorted.

        >>> UserDecisions.of(must_link=[("b", "a")]).must_link
        frozenset({('a', 'b')})
        """
        return UserDecisions(
            frozenset(_ordered(p) for p in must_link), frozenset(_ordered(p) for p in cannot_link)
        )


NO_DECISIONS = UserDecisions()
"""No one has decided anything yet."""


def _ordered(pair: tuple[str, str]) -> tuple[str, str]:
    a, b = pair
    return (a, b) if a <= b else (b, a)


class ConstrainedUnionFind:
    """Union-find over record ids that refuses unions forbidden by cannot-links.

    >>> uf = ConstrainedUnionFind()
    >>> uf.forbid("a", "c")
    >>> uf.union("a", "b"), uf.union("b", "c"), uf.union("d", "c")
    (True, False, True)
    >>> sorted(uf.groups())
    [('a', 'b'), ('c', 'd')]
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._forbidden: dict[str, set[str]] = {}

    def find(self, item: str) -> str:
        """The representative of ``item``'s group."""
        parent = self._parent.setdefault(item, item)
        if parent == item:
            return item
        root = self.find(parent)
        self._parent[item] = root
        return root

    def forbid(self, a: str, b: str) -> None:
        """Never let ``a`` and ``b`` (and so their groups) join."""
        self._forbidden.setdefault(self.find(a), set()).add(b)
        self._forbidden.setdefault(self.find(b), set()).add(a)

    def can_join(self, a: str, b: str) -> bool:
        """True when joining the groups of ``a`` and ``b`` breaks no cannot-link."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        banned = self._forbidden.get(root_a, set())
        if not banned:
            return True
        return not any(m in banned for m in self._members.get(root_b, [root_b]))

    def union(self, a: str, b: str) -> bool:
        """Join two groups unless forbidden; True when they are (now) one group."""
        if not self.can_join(a, b):
            return False
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if root_b < root_a:  # the smaller id is the root: deterministic, order-free
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._members.setdefault(root_a, [root_a]).extend(self._members.pop(root_b, [root_b]))
        moved = self._forbidden.pop(root_b, set())
        if moved:
            self._forbidden.setdefault(root_a, set()).update(moved)
        return True

    def groups(self) -> list[tuple[str, ...]]:
        """Every group of two or more ids, each sorted."""
        return [tuple(sorted(m)) for m in self._members.values() if len(m) > 1]
