"""``bims select/reject/maybe``, ``bims status``, ``bims list --status`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.store import Library
from tests.tagging.test_library_tags import add_work

runner = CliRunner()


def _bims(library: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--library", str(library), *args])
    assert result.exit_code == code, result.output
    return result.output


def _listed(library: Path, *args: str) -> list[int]:
    return [w["id"] for w in json.loads(_bims(library, "list", "--json", *args))]


def _library(path: Path) -> list[int]:
    with Library.open(path) as library:
        return [
            add_work(library, "After SBRT, pain fell sharply.", "10.1000/a"),
            add_work(library, "Conventional radiotherapy.", "10.1000/b"),
            add_work(library, "Exercise and pain.", "10.1000/c"),
        ]


def test_decide_list_by_status_and_undo(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    first, second, third = _library(library)
    assert _bims(library, "select", str(first), str(third), "--by", "alberto") == (
        f"work {first}: none -> selected\nwork {third}: none -> selected\n"
    )
    assert f"work {second}: none -> rejected" in _bims(library, "reject", str(second))
    assert f"work {second}: rejected -> maybe" in _bims(library, "maybe", str(second))
    assert f"work {first}: already selected" in _bims(library, "select", str(first))
    assert _listed(library, "--status", "selected") == [first, third]
    assert _listed(library, "--status", "maybe", "--query", "radiotherapy") == [second]
    assert _listed(library, "--query", "pain[tiab] AND selected[status]") == [first, third]
    assert f"work {second}: maybe -> rejected" in _bims(library, "status", "undo", str(second))
    shown = _bims(library, "status", "show", str(first))
    assert f"work {first}: selected" in shown
    assert "alberto" in shown
    assert _listed(library, "--status", "none") == []


def test_errors_say_what_to_do(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    first, *_ = _library(library)
    assert "no status change to undo" in _bims(library, "status", "undo", str(first), code=2)
    assert "no work 99" in _bims(library, "select", "99", code=2)
    assert "a [status] is one of" in _bims(library, "list", "--status", "accepted", code=2)


def test_a_decision_makes_status_rules_fire_on_the_next_tag_run(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    rules = tmp_path / "rules.toml"
    rules.write_text('[tags."issue/next"]\nquery = "selected[status]"\n', encoding="utf-8")
    first, *_ = _library(library)
    assert "changed 0 works" in _bims(library, "tag", "--rules", str(rules))
    _bims(library, "select", str(first))
    assert f"work {first}: +issue/next" in _bims(library, "tag", "--rules", str(rules))


def test_dedup_warns_about_conflicting_decisions(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    with Library.open(library) as lib:
        first = add_work(lib, "After SBRT, pain fell sharply.", "10.1000/x")
        second = add_work(lib, "After SBRT, pain fell sharply.", "10.1000/X")
    _bims(library, "select", str(first))
    _bims(library, "reject", str(second))
    result = runner.invoke(app, ["--library", str(library), "merge", str(first), str(second)])
    assert result.exit_code == 0, result.output
    assert "1 merged works carried different decisions" in result.output
    conflicts = _bims(library, "status", "conflicts")
    assert f"work {first}" in conflicts
    assert "kept selected" in conflicts
    assert _listed(library, "--status", "selected") == [first]


def test_an_export_can_choose_by_status(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    _, second, _ = _library(library)
    _bims(library, "select", str(second))
    exported = _bims(library, "export", "--csl-json", "--query", "selected[status]")
    assert [item["DOI"] for item in json.loads(exported)] == ["10.1000/b"]
    nothing = _bims(library, "export", "--csl-json", "--query", "maybe[status]", code=2)
    assert "no work matches the query" in nothing
