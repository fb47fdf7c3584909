"""What every issue writer is given: the header and the entries, grouped by tag or not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bimscli.model import Record
from bimscli.newsletter.biomednews import IssueHeading


@dataclass(frozen=True, slots=True)
class IssueEntry:
    """One work of an issue: its id, shown record and tags."""

    work_id: int
    record: Record
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryGroup:
    """Entries under one heading (``None``: no heading, or the untagged ones by tag)."""

    tag: str | None
    entries: tuple[IssueEntry, ...]


@dataclass(frozen=True, slots=True)
class IssueContent:
    """An issue ready to write: its heading and groups of entries, numbered through."""

    heading: IssueHeading
    groups: tuple[EntryGroup, ...]

    @property
    def entries(self) -> list[IssueEntry]:
        """Every entry, in the order written."""
        return [entry for group in self.groups for entry in group.entries]


def group_by_tag(entries: Sequence[IssueEntry]) -> tuple[EntryGroup, ...]:
    """Entries under their first tag (alphabetically), tags in alphabetical order, the
    untagged ones last; within a group, the issue's order.

    >>> groups = group_by_tag([IssueEntry(1, Record(), ("pain",)), IssueEntry(2, Record()),
    ...                        IssueEntry(3, Record(), ("exercise", "pain"))])
    >>> [(g.tag, [e.work_id for e in g.entries]) for g in groups]
    [('exercise', [3]), ('pain', [1]), (None, [2])]
    """
    by_tag: dict[str | None, list[IssueEntry]] = {}
    for entry in entries:
        by_tag.setdefault(min(entry.tags) if entry.tags else None, []).append(entry)
    order = sorted(t for t in by_tag if t is not None) + ([None] if None in by_tag else [])
    return tuple(EntryGroup(tag, tuple(by_tag[tag])) for tag in order)
