"""Tags in the library: rule tags recomputed by ``bims tag``, manual tags kept as given.

A work's tag has an *origin*: ``rule`` (set by a tag rule, recomputed on every ``bims tag``:
stale ones are removed when rules change) or ``manual`` (added by ``bims tag add``, never
touched by rules). The same tag may be both.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bimscli.errors import NotFoundError, UsageError
from bimscli.identifiers import normalize_doi
from bimscli.model import Record
from bimscli.store.library import Library, now_iso
from bimscli.store.serialize import record_from_json
from bimscli.tagging.engine import TagChange, Tagger, plan_tag_changes
from bimscli.tagging.rules import (
    RuleSet,
    is_valid_tag,
    load_default_rules,
    load_rules_file,
)

RULE = "rule"
MANUAL = "manual"
LIBRARY_RULES_NAMES = ("rules", "rules.toml")
"""A rules file in the library's folder, used when ``--rules`` is not given."""


@dataclass(frozen=True, slots=True)
class TagRunReport:
    """What ``bims tag`` did (or, with ``--dry-run``, would do)."""

    rules: RuleSet
    works: int
    changes: tuple[TagChange, ...]
    dry_run: bool

    @property
    def added(self) -> int:
        """How many rule tags were (or would be) added."""
        return sum(len(c.added) for c in self.changes)

    @property
    def removed(self) -> int:
        """How many stale rule tags were (or would be) removed."""
        return sum(len(c.removed) for c in self.changes)


def rules_for_library(library: Library, rules_path: Path | None) -> RuleSet:
    """The rules to apply: ``--rules FILE``, else a ``rules`` file beside the library, else
    the rules shipped with bims."""
    if rules_path is not None:
        return load_rules_file(rules_path)
    for name in LIBRARY_RULES_NAMES:
        candidate = library.path.parent / name
        if candidate.is_file():
            return load_rules_file(candidate)
    return load_default_rules()


def tags_by_work(library: Library, origin: str | None = None) -> dict[int, set[str]]:
    """Every work's tags of one origin (``None``: of both)."""
    # One row per work, not per tag (a tagged library has ten times more tags than works);
    # the separator cannot occur in a valid tag.
    rows = library.connection.execute(
        "SELECT work_id, group_concat(tag, char(31)) FROM work_tags"
        " WHERE ? IS NULL OR origin = ? GROUP BY work_id",
        (origin, origin),
    )
    return {work_id: set(tags.split("\x1f")) for work_id, tags in rows}


WORK_RECORDS_SQL = (
    "SELECT w.id, coalesce(w.record, (SELECT s.record FROM work_members m"
    " JOIN source_records s ON s.id = m.record_id WHERE m.work_id = w.id))"
    " FROM works w ORDER BY w.id"
)
"""Every work's id and shown record (a work of one unchanged record stores none of its own)."""


def _work_records(library: Library) -> Iterator[tuple[int, Record]]:
    """Every work's id and record, in id order: only what tagging reads.

    ``Library.works`` also decodes each work's provenance and builds a row object, which
    tagging a whole library has no use for.
    """
    rows = library.connection.execute(WORK_RECORDS_SQL)
    for work_id, record in rows:
        yield work_id, record_from_json(record)


def apply_rules(library: Library, rules: RuleSet, *, dry_run: bool = False) -> TagRunReport:
    """Tag every work with the rules; remove stale rule tags; never touch manual tags.

    The changes are planned under the write lock: a ``bims tag`` that waited for an ingest
    tags the works the ingest added. A dry run only reads.
    """
    if dry_run:
        return _plan_rule_changes(library, rules, dry_run=True)
    with library.transaction():
        report = _plan_rule_changes(library, rules, dry_run=False)
        _write_rule_changes(library, report.changes, rules)
    return report


def _plan_rule_changes(library: Library, rules: RuleSet, *, dry_run: bool) -> TagRunReport:
    tagger = Tagger(rules.rules)
    manual = tags_by_work(library, MANUAL)
    current = tags_by_work(library, RULE)
    # Only works whose rule tags change are planned: most of a re-run changes nothing.
    before: dict[str, set[str]] = {}
    after: dict[str, frozenset[str]] = {}
    works = 0
    for work_id, record in _work_records(library):
        works += 1
        computed = tagger.tag(record, manual.get(work_id, ()))
        existing = current.pop(work_id, set())
        if computed != existing:
            before[str(work_id)] = existing
            after[str(work_id)] = computed
    before.update((str(work_id), tags) for work_id, tags in current.items())  # works gone
    changes = plan_tag_changes(before, after)
    return TagRunReport(rules, works, tuple(changes), dry_run)


def _write_rule_changes(library: Library, changes: Sequence[TagChange], rules: RuleSet) -> None:
    """Store planned rule tag changes (inside a transaction)."""
    source_of = {rule.tag: _rule_source(rule.origin, rule.query_text) for rule in rules.rules}
    stamp = now_iso()
    # In work id order (the plan is in text order: "10" before "9"), so that the rows go
    # into the primary key's index one after another.
    removed = sorted((int(c.work), tag) for c in changes for tag in c.removed)
    added = [
        (work_id, tag, source_of[tag], stamp)
        for work_id, tag in sorted((int(c.work), tag) for c in changes for tag in c.added)
    ]
    conn = library.connection
    conn.executemany(
        "DELETE FROM work_tags WHERE work_id = ? AND tag = ? AND origin = 'rule'", removed
    )
    conn.executemany(
        "INSERT INTO work_tags (work_id, tag, origin, source, created_at)"
        " VALUES (?, ?, 'rule', ?, ?)",
        added,
    )


def _rule_source(origin: str, query: str) -> str:
    return json.dumps({"rules": origin, "query": " ".join(query.split())}, ensure_ascii=False)


def _check_tags(tags: Iterable[str]) -> list[str]:
    checked = list(dict.fromkeys(tags))
    bad = [t for t in checked if not is_valid_tag(t)]
    if bad:
        raise UsageError(
            f"not a valid tag: {', '.join(bad)}; a tag is lower-case words joined by '/', "
            "like design/rct"
        )
    return checked


def add_manual_tags(library: Library, work_id: int, tags: Iterable[str]) -> list[str]:
    """Add manual tags to a work; returns the ones that were new."""
    checked = _check_tags(tags)
    with library.transaction() as conn:
        # Under the write lock: a merge that committed while this waited may have retired it.
        library.work(work_id)  # raises NotFoundError for an unknown work
        added = [
            tag
            for tag in checked
            if conn.execute(
                "INSERT OR IGNORE INTO work_tags (work_id, tag, origin, created_at)"
                " VALUES (?, ?, 'manual', ?)",
                (work_id, tag, now_iso()),
            ).rowcount
        ]
    return added


def remove_manual_tags(library: Library, work_id: int, tags: Iterable[str]) -> list[str]:
    """Remove manual tags from a work; an unknown one is a :class:`NotFoundError`.

    Rule tags cannot be removed by hand: change the rules instead.
    """
    checked = _check_tags(tags)
    with library.transaction() as conn:
        library.work(work_id)
        manual = tags_by_work(library, MANUAL).get(work_id, set())
        missing = [t for t in checked if t not in manual]
        if missing:
            raise NotFoundError(
                f"work {work_id} has no manual tag {', '.join(missing)}; rule tags change only "
                "with the rules (see `bims tag --explain ID`)"
            )
        conn.executemany(
            "DELETE FROM work_tags WHERE work_id = ? AND tag = ? AND origin = 'manual'",
            [(work_id, tag) for tag in checked],
        )
    return checked


def tag_counts(library: Library) -> list[tuple[str, int]]:
    """Every tag with the number of works carrying it (by either origin), most used first."""
    rows = library.connection.execute(
        "SELECT tag, count(DISTINCT work_id) AS n FROM work_tags GROUP BY tag ORDER BY n DESC, tag"
    )
    return [(str(tag), int(n)) for tag, n in rows]


def work_tag_origins(library: Library, work_id: int) -> dict[str, set[str]]:
    """A work's tags, each with its origins (``rule``, ``manual``)."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = library.connection.execute(
        "SELECT tag, origin FROM work_tags WHERE work_id = ?", (work_id,)
    )
    for tag, origin in rows:
        found[str(tag)].add(str(origin))
    return dict(found)


def resolve_work_reference(library: Library, reference: str) -> int | None:
    """The id of the work a label names by id or DOI, or ``None`` when no work matches."""
    if reference.isdigit():
        row = library.connection.execute(
            "SELECT id FROM works WHERE id = ?", (int(reference),)
        ).fetchone()
        return int(row[0]) if row else None
    doi = normalize_doi(reference)
    if doi is None:
        return None
    row = library.connection.execute(
        "SELECT id FROM works WHERE doi = ? ORDER BY id LIMIT 1", (doi,)
    ).fetchone()
    return int(row[0]) if row else None
