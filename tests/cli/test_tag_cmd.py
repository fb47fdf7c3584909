"""``bims tag``, ``bims tag add/remove``, ``bims tags`` and ``bims list --query`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.store import Library
from tests.tagging.test_library_tags import RULES_V1, add_work

runner = CliRunner()


def _library(path: Path) -> tuple[int, int]:
    with Library.open(path) as library:
        return (
            add_work(library, "After SBRT, pain fell sharply.", "10.1000/a"),
            add_work(library, "Conventional radiotherapy.", "10.1000/b"),
        )


def _bims(library: Path, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(library), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_tag_dry_run_tag_explain_and_tags(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES_V1, encoding="utf-8")
    first, _ = _library(library)
    assert "would change 1 works (+2 tags, -0 stale)" in _bims(
        library, "tag", "--rules", str(rules), "--dry-run"
    )
    assert json.loads(_bims(library, "tags", "--json")) == []
    output = _bims(library, "tag", "--rules", str(rules))
    assert "changed 1 works (+2 tags, -0 stale)" in output
    assert f"work {first}: +outcome/pain +treatment/sbrt" in output
    assert "changed 0 works" in _bims(library, "tag", "--rules", str(rules))
    explained = _bims(library, "tag", "--rules", str(rules), "--explain", str(first))
    assert "treatment/sbrt" in explained
    assert "abstract ← sbrt[tiab]: After SBRT, pain fell sharply." in explained
    chart = _bims(library, "tags")
    assert "outcome/pain" in chart
    assert "█" in chart


def test_manual_tags_and_list_query(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    first, second = _library(library)
    assert "added mine/read" in _bims(library, "tag", "add", str(second), "mine/read")
    listed = json.loads(_bims(library, "list", "--json", "--query", "mine[tag]"))
    assert [w["id"] for w in listed] == [second]
    listed = json.loads(_bims(library, "list", "--json", "--query", "sbrt[tiab] OR radiother*"))
    assert [w["id"] for w in listed] == [first, second]
    assert "removed mine/read" in _bims(library, "tag", "remove", str(second), "mine/read")


def test_a_broken_rule_or_query_is_one_error_with_a_caret(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    _library(library)
    rules = tmp_path / "bad.toml"
    rules.write_text('[tags."a"]\nquery = "pain[tiabx]"\n', encoding="utf-8")
    result = runner.invoke(app, ["--library", str(library), "tag", "--rules", str(rules)])
    assert result.exit_code == 2
    assert "rule 'a' in" in result.output
    assert "unknown field tag [tiabx]" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["--library", str(library), "list", "--query", "(pain"])
    assert result.exit_code == 2
    assert "never closed" in result.output


def test_eval_reports_precision_and_recall(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES_V1, encoding="utf-8")
    first, _ = _library(library)
    labels = tmp_path / "labels.csv"
    labels.write_text(
        f"work,tag\n{first},treatment/sbrt\n10.1000/b,outcome/pain\n10.9/missing,x\n",
        encoding="utf-8",
    )
    output = _bims(library, "tag", "--rules", str(rules), "--eval", str(labels))
    assert "1 labelled works are not in the library, skipped: 10.9/missing" in output
    rows = [line.replace("│", " ").split() for line in output.splitlines() if "│" in line]
    lines = {row[0]: row[1:] for row in rows}
    assert lines["treatment/sbrt"] == ["1", "0", "0", "1.00", "1.00"]
    assert lines["outcome/pain"] == ["0", "1", "1", "0.00", "0.00"]


def test_tag_says_which_works_it_read_and_how_to_name_a_topic_set(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    _library(library)
    first = _bims(library, "tag")
    assert "the shipped rules 'design' on 2 works" in first
    assert "for a topic set (bone-metastases): bims tag --rules NAME" in " ".join(first.split())
    assert "on 0 new or changed works of 2" in _bims(library, "tag")
    topic = _bims(library, "tag", "--rules", "bone-metastases")
    assert "'design' + 'bone-metastases' on 2 works" in topic
    assert "+treatment/radiotherapy" in topic
    assert "on 2 works: changed 0 works" in _bims(
        library, "tag", "--rules", "bone-metastases", "--all"
    )


def test_list_counts_the_matches_beyond_its_limit(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    _library(library)
    shown = " ".join(_bims(library, "list", "-n", "1", "--query", "sbrt OR radiotherapy").split())
    assert "1 of 2 matching (2 in the library)" in shown
    one = " ".join(_bims(library, "list", "-n", "1").split())
    assert "1 of 2 works" in one
    assert "(1 more; --limit 0 lists them all)" in one
    every = " ".join(_bims(library, "list", "-n", "0").split())
    assert "2 of 2 works" in every
    assert "more;" not in every
    assert "No work matches the query (2 works in the library)." in _bims(
        library, "list", "--query", "myeloma"
    )
    empty = tmp_path / "empty.sqlite"
    Library.open(empty).close()
    assert "The library has no works yet" in _bims(empty, "list")


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        pytest.param(
            "sbrt and pain", "'and' is searched as a word: AND, OR and NOT are operators", id="and"
        ),
        pytest.param("2025:2020[dp]", "did you mean 2020:2025[dp]?", id="reversed-range"),
        pytest.param("mine/typo[tag]", "no work carries the tag 'mine/typo'", id="unknown-tag"),
    ],
)
def test_list_warns_about_queries_that_look_wrong(tmp_path: Path, query: str, warning: str) -> None:
    library = tmp_path / "lib.sqlite"
    first, _ = _library(library)
    _bims(library, "tag", "add", str(first), "mine/read")
    result = runner.invoke(app, ["--library", str(library), "list", "--query", query])
    assert result.exit_code == 0, result.output
    assert warning in " ".join(result.output.split())


def test_lower_case_and_before_a_date_says_to_write_it_in_upper_case(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    _library(library)
    result = runner.invoke(
        app, ["--library", str(library), "list", "--query", "sbrt[tiab] and 2020:2025[dp]"]
    )
    assert result.exit_code == 2, result.output
    assert "AND, OR and NOT are operators only in upper case: AND" in " ".join(
        result.output.split()
    )


def test_tag_and_export_warn_about_rules_and_queries_that_look_wrong(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    _library(library)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[tags."x/new"]\nquery = "sbrt AND 2025:2020[dp]"\n'
        '[tags."x/old"]\nquery = "pain NOT x/new[tag] NOT x/typo[tag]"\n',
        encoding="utf-8",
    )
    tagged = " ".join(_bims(library, "tag", "--rules", str(rules)).split())
    assert f"rule 'x/new' in {rules}: 2025:2020[dp] runs from a later date" in tagged
    assert "no work carries the tag 'x/typo'" in tagged
    assert "'x/new'" not in tagged.split("no work carries the tag")[-1]  # x/new is a rule's tag
    exported = runner.invoke(
        app, ["--library", str(library), "export", "--ris", "--query", "pain or sbrt"]
    )
    # "pain or sbrt" is pain AND or AND sbrt: nothing matches, and the warning says why.
    assert exported.exit_code == 2, exported.output
    assert "'or' is searched as a word" in " ".join(exported.output.split())


def test_tag_runs_explanations_and_evaluations_as_json(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES_V1, encoding="utf-8")
    first, second = _library(library)
    dry = json.loads(_bims(library, "tag", "--rules", str(rules), "--dry-run", "--json"))
    assert (dry["dry_run"], dry["works_read"], dry["added"]) == (True, 2, 2)
    assert dry["changes"] == [
        {"work": first, "added": ["outcome/pain", "treatment/sbrt"], "removed": []}
    ]
    explained = json.loads(
        _bims(library, "tag", "--rules", str(rules), "--explain", str(first), "--json")
    )
    assert [f["tag"] for f in explained["fired"]] == ["treatment/sbrt", "outcome/pain"]
    span = explained["fired"][0]["spans"][0]
    assert (span["field"], span["text"]) == ("abstract", "SBRT")
    labels = tmp_path / "labels.csv"
    labels.write_text(f"work,tag\n{first},treatment/sbrt\n{second},treatment/sbrt\n", "utf-8")
    scores = json.loads(
        _bims(library, "tag", "--rules", str(rules), "--eval", str(labels), "--json")
    )
    sbrt = next(s for s in scores["tags"] if s["tag"] == "treatment/sbrt")
    assert (sbrt["true_positives"], sbrt["false_negatives"], sbrt["precision"]) == (1, 1, 1.0)
