"""Tags in the library: rule tags recomputed by ``bims tag``, manual tags kept as given.

A work's tag has an *origin*: ``rule`` (set by a tag rule, recomputed on every ``bims tag``:
stale ones are removed when rules change) or ``manual`` (added by ``bims tag add``, never
touched by rules). The same tag may be both.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from bimscli.errors import NotFoundError, UsageError
from bimscli.identifiers import normalize_doi
from bimscli.model import Record
from bimscli.progress import Progress
from bimscli.store.curation import current_statuses
from bimscli.store.library import Library, now_iso
from bimscli.store.serialize import record_from_json
from bimscli.tagging.engine import TagChange, Tagger, plan_tag_changes
from bimscli.tagging.rules import (
    RuleSet,
    is_valid_tag,
    load_default_rules,
    load_named_rules,
    load_rules_file,
    shipped_rule_sets,
)

RULE = "rule"
MANUAL = "manual"
LIBRARY_RULES_NAMES = ("rules", "rules.toml")
"""A rules file in the library's folder, used when ``--rules`` is not given."""


@dataclass(frozen=True, slots=True)
class TagRunReport:
    """What ``bims tag`` did (or, with ``--dry-run``, would do).

    ``works`` is how many works the rules were applied to: every work on a full run, only the
    works changed since the last run otherwise; ``library_works`` is how many the library holds.
    """

    rules: RuleSet
    works: int
    changes: tuple[TagChange, ...]
    dry_run: bool
    full: bool = True
    library_works: int = 0

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
    the general rules shipped with bims.

    ``--rules NAME`` with the name of a shipped topic set (and no file of that name) adds that
    set to the general ones: ``bims tag --rules bone-metastases``.
    """
    if rules_path is not None:
        if not rules_path.exists() and str(rules_path) in shipped_rule_sets():
            return load_named_rules([str(rules_path)])
        return load_rules_file(rules_path)
    for name in LIBRARY_RULES_NAMES:
        candidate = library.path.parent / name
        if candidate.is_file():
            return load_rules_file(candidate)
    return load_default_rules()


_UNTAGGED = "work_id NOT IN (SELECT id FROM tagged_works)"
"""The works changed since the last ``bims tag`` (see migration 0009_tagged_works)."""

FINGERPRINT_SETTING = "tagging.rules"
"""The ``settings`` row holding the fingerprint of the rule set the tagged works were tagged by."""

MATCHING_VERSION = 1
"""Part of every rule set's fingerprint: raise it when a change to bims changes what a query
matches, so that the next ``bims tag`` re-tags every work."""


def tags_by_work(
    library: Library, origin: str | None = None, *, untagged_only: bool = False
) -> dict[int, set[str]]:
    """Every work's tags of one origin (``None``: of both); with ``untagged_only``, only of
    the works changed since the last ``bims tag``."""
    # One row per work, not per tag (a tagged library has ten times more tags than works);
    # the separator cannot occur in a valid tag.
    only = f" AND {_UNTAGGED}" if untagged_only else ""
    rows = library.connection.execute(
        "SELECT work_id, group_concat(tag, char(31)) FROM work_tags"  # noqa: S608 - constants
        f" WHERE (? IS NULL OR origin = ?){only} GROUP BY work_id",
        (origin, origin),
    )
    return {work_id: set(tags.split("\x1f")) for work_id, tags in rows}


WORK_RECORDS_SQL = (
    "SELECT w.id, coalesce(w.record, (SELECT s.record FROM work_members m"
    " JOIN source_records s ON s.id = m.record_id WHERE m.work_id = w.id))"
    " FROM works w {where} ORDER BY w.id"
)
"""Works' ids and shown records (a work of one unchanged record stores none of its own)."""


def _work_records(library: Library, *, untagged_only: bool) -> Iterator[tuple[int, Record]]:
    """The works' ids and records in id order (only the changed ones with ``untagged_only``):
    only what tagging reads.

    ``Library.works`` also decodes each work's provenance and builds a row object, which
    tagging a whole library has no use for.
    """
    where = "WHERE w.id NOT IN (SELECT id FROM tagged_works)" if untagged_only else ""
    rows = library.connection.execute(WORK_RECORDS_SQL.format(where=where))
    for work_id, record in rows:
        yield work_id, record_from_json(record)


def rules_fingerprint(rules: RuleSet) -> str:
    """What the tags depend on in a rule set: each rule's tag and query, in evaluation order.

    Where the rules came from and their descriptions do not count; white space in a query
    does not either.

    >>> from bimscli.tagging.rules import parse_rules
    >>> a = parse_rules('[tags."x"]\\nquery = "sbrt[tiab]"', "a.toml")
    >>> b = parse_rules('[tags."x"]\\nquery = "sbrt[tiab]  "\\ndescription = "d"', "b.toml")
    >>> rules_fingerprint(a) == rules_fingerprint(b)
    True
    """
    text = json.dumps(
        [MATCHING_VERSION, [(rule.tag, " ".join(rule.query_text.split())) for rule in rules.rules]]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored_fingerprint(library: Library) -> str | None:
    row = library.connection.execute(
        "SELECT value FROM settings WHERE name = ?", (FINGERPRINT_SETTING,)
    ).fetchone()
    return str(row[0]) if row else None


def apply_rules(
    library: Library,
    rules: RuleSet,
    *,
    dry_run: bool = False,
    every_work: bool = False,
    progress: Progress | None = None,
) -> TagRunReport:
    """Tag the works with the rules; remove stale rule tags; never touch manual tags.

    Only the works that changed since the last run with the same rules are read (their shown
    record, members or manual tags); other rules, or ``every_work``, re-tag every work. The
    whole run (but a dry run) is one write transaction, so no work can change between being
    read and being marked as tagged.
    """
    tagger = Tagger(rules.rules)
    fingerprint = rules_fingerprint(rules)
    # A dry run only reads: it must not wait for, or hold up, another process writing.
    with nullcontext() if dry_run else library.transaction():
        full = every_work or _stored_fingerprint(library) != fingerprint
        changes, works = _plan_changes(
            library, tagger, untagged_only=not full, progress=progress or Progress()
        )
        if not dry_run:
            _write_rule_changes(library, changes, rules)
            _remember_tagged(library, fingerprint, full=full)
    return TagRunReport(
        rules, works, tuple(changes), dry_run, full=full, library_works=library.count_works()
    )


def _plan_changes(
    library: Library, tagger: Tagger, *, untagged_only: bool, progress: Progress
) -> tuple[list[TagChange], int]:
    """The rule tag changes of the works to tag, and how many works were tagged."""
    manual = tags_by_work(library, MANUAL, untagged_only=untagged_only)
    current = tags_by_work(library, RULE, untagged_only=untagged_only)
    statuses = current_statuses(library)
    # Only works whose rule tags change are planned: most of a re-run changes nothing.
    before: dict[str, set[str]] = {}
    after: dict[str, frozenset[str]] = {}
    works = 0
    progress.start(_count_to_tag(library, untagged_only=untagged_only))
    for work_id, record in _work_records(library, untagged_only=untagged_only):
        works += 1
        if works % _PROGRESS_STEP == 0:
            progress.advance(_PROGRESS_STEP)
        computed = tagger.tag(record, manual.get(work_id, ()), statuses.get(work_id))
        existing = current.pop(work_id, set())
        if computed != existing:
            before[str(work_id)] = existing
            after[str(work_id)] = computed
    before.update((str(work_id), tags) for work_id, tags in current.items())  # works gone
    progress.finish()
    return plan_tag_changes(before, after), works


_PROGRESS_STEP = 1000
"""Works tagged between two reports of progress."""


def _count_to_tag(library: Library, *, untagged_only: bool) -> int:
    where = " WHERE id NOT IN (SELECT id FROM tagged_works)" if untagged_only else ""
    (count,) = library.connection.execute(f"SELECT count(*) FROM works{where}").fetchone()  # noqa: S608
    return int(count)


def _remember_tagged(library: Library, fingerprint: str, *, full: bool) -> None:
    """Mark every work as tagged with the rule set of ``fingerprint``."""
    conn = library.connection
    if full:
        conn.execute("DELETE FROM tagged_works")
        conn.execute(
            "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
            (FINGERPRINT_SETTING, fingerprint),
        )
    conn.execute("INSERT OR IGNORE INTO tagged_works (id) SELECT id FROM works")


def _write_rule_changes(library: Library, changes: Sequence[TagChange], rules: RuleSet) -> None:
    """Write a run's changes in bulk, and which rule sets each tag (table ``rule_sources``)."""
    stamp = now_iso()
    # In work id order (the plan is in text order: "10" before "9"), so that the rows go
    # into the primary key's index one after another.
    removed = sorted((int(c.work), tag) for c in changes for tag in c.removed)
    added = sorted((int(c.work), tag, stamp) for c in changes for tag in c.added)
    conn = library.connection
    if removed:
        conn.executemany(
            "DELETE FROM work_tags WHERE work_id = ? AND tag = ? AND origin = 'rule'", removed
        )
    if added:
        conn.executemany(
            "INSERT INTO work_tags (work_id, tag, origin, created_at) VALUES (?, ?, 'rule', ?)",
            added,
        )
    conn.execute("DELETE FROM rule_sources")
    conn.executemany(
        "INSERT OR REPLACE INTO rule_sources (tag, source) VALUES (?, ?)",
        [(rule.tag, _rule_source(rule.origin, rule.query_text)) for rule in rules.rules],
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
        _forget_tagged(conn, work_id)
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
        _forget_tagged(conn, work_id)
    return checked


def _forget_tagged(conn: sqlite3.Connection, work_id: int) -> None:
    """Rules may read manual tags (``[tag]``): re-tag the work on the next ``bims tag``."""
    conn.execute("DELETE FROM tagged_works WHERE id = ?", (work_id,))


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
