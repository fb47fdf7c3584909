"""Tags in the library: rule tags recomputed (stale removed), manual tags never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from bimscli.dedup.library.decisions import merge_works, unmerge_work
from bimscli.errors import NotFoundError, RuleError, UsageError
from bimscli.model import AbstractSection, Identifiers, ParsedRecord, Position, Record
from bimscli.progress import Progress
from bimscli.store import Library
from bimscli.store.serialize import record_to_json
from bimscli.tagging import parse_rules
from bimscli.tagging.library_tags import (
    MANUAL,
    RULE,
    add_manual_tags,
    apply_rules,
    remove_manual_tags,
    resolve_work_reference,
    rules_for_library,
    tag_counts,
    tags_by_work,
    work_tag_origins,
)

RULES_V1 = """
[tags."treatment/sbrt"]
query = "sbrt[tiab]"
[tags."outcome/pain"]
query = "pain[tiab]"
"""
RULES_V2 = """
[tags."treatment/radiotherapy"]
query = "sbrt[tiab] OR radiotherap*[tiab]"
[tags."outcome/pain"]
query = "pain[tiab] NOT mine/not-pain[tag]"
"""


def add_work(library: Library, abstract: str, doi: str) -> int:
    """A work of one source record with this abstract and DOI."""
    with library.transaction():
        input_id = library.add_input(
            name="t.txt", path=None, sha256=doi.encode().hex().ljust(64, "0")[:64], size=1,
            format_name="testlines", parser_version="t1",
        )  # fmt: skip
        record = Record(abstract=(AbstractSection(abstract),), ids=Identifiers(doi=doi))
        (record_id,) = library.add_source_records(
            input_id, [ParsedRecord(record, Position(1, 1), abstract)]
        )
        return library.create_work([record_id], "new")


@pytest.fixture
def works(library: Library) -> tuple[int, int]:
    """Two works: one about SBRT and pain, one about radiotherapy."""
    return (
        add_work(library, "SBRT relieved pain.", "10.1000/a"),
        add_work(library, "Conventional radiotherapy.", "10.1000/b"),
    )


def test_rule_change_removes_stale_tags_and_keeps_manual_ones(
    library: Library, works: tuple[int, int]
) -> None:
    first, second = works
    add_manual_tags(library, first, ["treatment/sbrt", "mine/keep"])
    report = apply_rules(library, parse_rules(RULES_V1, "v1"))
    assert (report.works, report.added, report.removed) == (2, 2, 0)
    assert tags_by_work(library, RULE) == {first: {"treatment/sbrt", "outcome/pain"}}

    report = apply_rules(library, parse_rules(RULES_V2, "v2"))
    assert tags_by_work(library, RULE) == {
        first: {"treatment/radiotherapy", "outcome/pain"},
        second: {"treatment/radiotherapy"},
    }
    assert (report.added, report.removed) == (2, 1)  # -sbrt on the first work
    # The manual tags, including one equal to a now stale rule tag, are untouched.
    assert tags_by_work(library, MANUAL) == {first: {"treatment/sbrt", "mine/keep"}}
    assert work_tag_origins(library, first)["treatment/sbrt"] == {MANUAL}


def test_tagging_is_idempotent_and_dry_run_changes_nothing(
    library: Library, works: tuple[int, int]
) -> None:
    rules = parse_rules(RULES_V1, "v1")
    dry = apply_rules(library, rules, dry_run=True)
    assert dry.added == 2
    assert tags_by_work(library, RULE) == {}
    apply_rules(library, rules)
    again = apply_rules(library, rules)
    assert again.changes == ()


def test_manual_tags_take_part_in_rules(library: Library, works: tuple[int, int]) -> None:
    first, _ = works
    add_manual_tags(library, first, ["mine/not-pain"])
    apply_rules(library, parse_rules(RULES_V2, "v2"))
    assert "outcome/pain" not in tags_by_work(library, RULE)[first]


def test_manual_tag_errors(library: Library, works: tuple[int, int]) -> None:
    first, _ = works
    with pytest.raises(UsageError, match="not a valid tag: Bad Tag"):
        add_manual_tags(library, first, ["Bad Tag"])
    with pytest.raises(NotFoundError, match="no work 99"):
        add_manual_tags(library, 99, ["x"])
    apply_rules(library, parse_rules(RULES_V1, "v1"))
    with pytest.raises(NotFoundError, match="rule tags change only with the rules"):
        remove_manual_tags(library, first, ["outcome/pain"])
    add_manual_tags(library, first, ["a"])
    assert add_manual_tags(library, first, ["a", "b"]) == ["b"]
    assert remove_manual_tags(library, first, ["a"]) == ["a"]
    assert tags_by_work(library, MANUAL) == {first: {"b"}}


def test_tag_counts_count_works_once(library: Library, works: tuple[int, int]) -> None:
    first, _ = works
    apply_rules(library, parse_rules(RULES_V2, "v2"))
    add_manual_tags(library, first, ["treatment/radiotherapy"])
    assert tag_counts(library) == [("treatment/radiotherapy", 2), ("outcome/pain", 1)]


def test_rules_beside_the_library_are_used(library: Library, tmp_path: Path) -> None:
    assert rules_for_library(library, None).origin == "the shipped rules 'design'"
    beside = library.path.parent / "rules"
    beside.write_text(RULES_V1, encoding="utf-8")
    assert rules_for_library(library, None).origin == str(beside)
    explicit = tmp_path / "other.toml"
    explicit.write_text(RULES_V2, encoding="utf-8")
    assert rules_for_library(library, explicit).tags == ["treatment/radiotherapy", "outcome/pain"]


def test_labels_name_works_by_id_or_doi(library: Library, works: tuple[int, int]) -> None:
    first, second = works
    assert resolve_work_reference(library, str(first)) == first
    assert resolve_work_reference(library, "https://doi.org/10.1000/B") == second
    assert resolve_work_reference(library, "10.1000/none") is None
    assert resolve_work_reference(library, "999") is None


# Incremental tagging: only works changed since the last run with the same rules are read.


def test_a_rerun_reads_no_work(library: Library, works: tuple[int, int]) -> None:
    rules = parse_rules(RULES_V1, "v1")
    first = apply_rules(library, rules)
    assert (first.full, first.works) == (True, 2)
    again = apply_rules(library, rules)
    assert (again.full, again.works, again.library_works, again.changes) == (False, 0, 2, ())


def test_a_new_work_is_the_only_one_tagged(library: Library, works: tuple[int, int]) -> None:
    rules = parse_rules(RULES_V1, "v1")
    apply_rules(library, rules)
    new = add_work(library, "SBRT for spinal metastases.", "10.1000/c")
    report = apply_rules(library, rules)
    assert (report.full, report.works) == (False, 1)
    assert tags_by_work(library, RULE)[new] == {"treatment/sbrt"}


def test_a_manual_tag_retags_its_work(library: Library, works: tuple[int, int]) -> None:
    first, _ = works
    rules = parse_rules(RULES_V2, "v2")
    apply_rules(library, rules)
    assert "outcome/pain" in tags_by_work(library, RULE)[first]
    add_manual_tags(library, first, ["mine/not-pain"])
    report = apply_rules(library, rules)
    assert report.works == 1
    assert "outcome/pain" not in tags_by_work(library, RULE)[first]
    remove_manual_tags(library, first, ["mine/not-pain"])
    assert apply_rules(library, rules).works == 1
    assert "outcome/pain" in tags_by_work(library, RULE)[first]


def test_a_merge_retags_the_merged_work(library: Library, works: tuple[int, int]) -> None:
    first, second = works
    rules = parse_rules(RULES_V2, "v2")
    apply_rules(library, rules)
    heir = merge_works(library, [first, second])
    report = apply_rules(library, rules)
    assert (report.full, report.works) == (False, 1)
    assert tags_by_work(library, RULE) == {heir: {"treatment/radiotherapy", "outcome/pain"}}
    assert apply_rules(library, rules, every_work=True).changes == ()


def test_new_rules_and_all_retag_every_work(library: Library, works: tuple[int, int]) -> None:
    apply_rules(library, parse_rules(RULES_V1, "v1"))
    changed = apply_rules(library, parse_rules(RULES_V2, "v2"))
    assert (changed.full, changed.works) == (True, 2)
    forced = apply_rules(library, parse_rules(RULES_V2, "v2"), every_work=True)
    assert (forced.full, forced.works, forced.changes) == (True, 2, ())


def test_rules_moved_to_another_file_are_the_same_rules(
    library: Library, works: tuple[int, int]
) -> None:
    apply_rules(library, parse_rules(RULES_V1, "v1.toml"))
    moved = apply_rules(library, parse_rules(RULES_V1.replace("sbrt[tiab]", "sbrt[tiab] "), "x"))
    assert (moved.full, moved.works) == (False, 0)


def test_a_dry_run_marks_nothing_as_tagged(library: Library, works: tuple[int, int]) -> None:
    rules = parse_rules(RULES_V1, "v1")
    apply_rules(library, rules, dry_run=True)
    report = apply_rules(library, rules)
    assert (report.full, report.works, report.added) == (True, 2, 2)


def test_incremental_runs_end_where_a_full_run_does(library: Library) -> None:
    """Whatever happens between runs, an incremental run leaves the tags a full run would."""
    rules = parse_rules(RULES_V2, "v2")
    ids = [add_work(library, text, f"10.1000/{n}") for n, text in enumerate(
        ["SBRT and pain.", "Radiotherapy alone.", "Pain after surgery.", "Nothing relevant."]
    )]  # fmt: skip
    apply_rules(library, rules)
    add_manual_tags(library, ids[2], ["mine/not-pain"])
    heir = merge_works(library, [ids[0], ids[3]])
    ids.append(add_work(library, "Stereotactic radiotherapy and pain.", "10.1000/new"))
    unmerge_work(library, heir)
    apply_rules(library, rules)
    assert apply_rules(library, rules, every_work=True).changes == ()


def test_any_writer_of_a_work_record_makes_it_retagged(
    library: Library, works: tuple[int, int]
) -> None:
    """The store forgets a work's tagged state in a trigger, whoever rewrites its record."""
    first, _ = works
    rules = parse_rules(RULES_V1, "v1")
    apply_rules(library, rules)
    record = Record(abstract=(AbstractSection("Nothing about it."),))
    with library.transaction() as conn:
        conn.execute(
            "UPDATE works SET record = ? WHERE id = ?", (record_to_json(record).decode(), first)
        )
    report = apply_rules(library, rules)
    assert (report.works, report.removed) == (1, 2)
    assert first not in tags_by_work(library, RULE)


def test_each_rule_tag_names_its_rule_once(library: Library, works: tuple[int, int]) -> None:
    apply_rules(library, parse_rules(RULES_V1, "v1.toml"))
    apply_rules(library, parse_rules(RULES_V2, "v2.toml"))
    sources = dict(library.connection.execute("SELECT tag, source FROM rule_sources"))
    assert set(sources) == {"treatment/radiotherapy", "outcome/pain"}  # v1's sbrt rule is gone
    assert '"rules": "v2.toml"' in sources["outcome/pain"]
    assert "mine/not-pain[tag]" in sources["outcome/pain"]


def test_a_topic_set_is_used_only_when_named(library: Library, tmp_path: Path) -> None:
    """The bone-metastases rules would tag a diabetes library with bone treatments."""
    general = rules_for_library(library, None)
    assert not any(tag.startswith("treatment/") for tag in general.tags)
    named = rules_for_library(library, Path("bone-metastases"))
    assert named.origin == "the shipped rules 'design' + 'bone-metastases'"
    assert set(general.tags) < set(named.tags)
    with pytest.raises(RuleError, match=r"no such file; --rules also takes .*bone-metastases"):
        rules_for_library(library, tmp_path / "bone-metastasis")


class _Recorder(Progress):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def start(self, total: int) -> None:
        self.calls.append(("start", total))

    def advance(self, done: int) -> None:
        self.calls.append(("advance", done))

    def finish(self) -> None:
        self.calls.append(("finish", 0))


def test_tagging_reports_progress_over_the_works_it_reads(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bimscli.tagging.library_tags._PROGRESS_STEP", 2)
    for n in range(5):
        add_work(library, f"Work {n} on SBRT.", f"10.1000/p{n}")
    rules = parse_rules(RULES_V1, "v1")
    first = _Recorder()
    apply_rules(library, rules, progress=first)
    assert first.calls == [("start", 5), ("advance", 2), ("advance", 2), ("finish", 0)]
    again = _Recorder()
    apply_rules(library, rules, progress=again)
    assert again.calls == [("start", 0), ("finish", 0)]
