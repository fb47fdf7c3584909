"""``bims tag``, ``bims tag add/remove``, ``bims tags`` and ``bims list --query`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

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
