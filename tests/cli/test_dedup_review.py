"""The deduplication review queue through the CLI: pairs of works listed once, best first,
answered by PAIR id or one at a time, and remembered like ``bims merge`` / ``bims unmerge``."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.store import Library
from tests.review_pairs import TRIAL_ONE, csl_item, pooled_json

runner = CliRunner()


def _bims(library: Path, *args: str, input: str | None = None) -> str:
    result = runner.invoke(
        app, ["--library", str(library), *args], env={"COLUMNS": "200"}, input=input
    )
    assert result.exit_code == 0, result.output
    return result.output


def _fail(library: Path, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(library), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def _queue(library: Path) -> list[dict[str, Any]]:
    return list(json.loads(_bims(library, "dedup", "--review", "--json")))


def _works(library: Path) -> dict[int, int]:
    """Work id -> number of source records."""
    return {w["id"]: w["sources"] for w in json.loads(_bims(library, "list", "--json"))}


@pytest.fixture
def reviewed(library_path: Path, tmp_path: Path) -> Path:
    """A library holding the two trials (works 1 and 3) and the meta-analyses (5 and 6)."""
    source = tmp_path / "pooled.json"
    source.write_text(pooled_json(), encoding="utf-8")
    _bims(library_path, "ingest", str(source))
    assert _works(library_path) == {1: 2, 3: 2, 5: 1, 6: 1}
    return library_path


def test_review_lists_each_pair_of_works_once_best_first(reviewed: Path) -> None:
    queue = _queue(reviewed)
    assert [p["pair"] for p in queue] == ["5-6", "1-3"]  # the better title match first
    trials = queue[1]
    assert trials["works"] == [1, 3]
    assert trials["record_pairs"] == 4
    # The best of the four pairs of records is the evidence: record 1 against record 3.
    assert [s["record"] for s in trials["sides"]] == [1, 3]
    assert trials["title_score"] == pytest.approx(85.1, abs=0.1)
    assert trials["evidence_words"] == (
        "title partial +4.9, authors exact +8.2, year exact +3.1, journal exact +4.8, volume"
        " exact +5.5; but PMID different -6.6, pages different -3.3"
    )
    table = _bims(reviewed, "dedup", "--review")
    assert "2 pairs of works to review" in table
    assert table.count("1-3") == 1
    assert "(+3 pairs)" in table


def test_review_json_has_stable_keys(reviewed: Path) -> None:
    (first, _) = _queue(reviewed)
    assert list(first) == [
        "pair", "works", "outcome", "rule", "title_score", "evidence", "evidence_words",
        "record_pairs", "sides",
    ]  # fmt: skip
    assert list(first["sides"][0]) == [
        "work", "records", "record", "title", "authors", "authors_complete", "journal", "year",
        "volume", "issue", "pages", "doi", "pmid",
    ]  # fmt: skip
    assert first["sides"][1]["journal"] is None
    assert first["sides"][0]["pmid"] == "333"


def test_accept_merges_the_works_and_later_runs_keep_them(reviewed: Path) -> None:
    output = _bims(reviewed, "dedup", "--review", "--accept", "3-1")
    assert "accepted 1-3: one work now, work 1" in output
    assert _works(reviewed) == {1: 4, 5: 1, 6: 1}
    assert [p["pair"] for p in _queue(reviewed)] == ["5-6"]
    _bims(reviewed, "dedup")
    assert _works(reviewed) == {1: 4, 5: 1, 6: 1}
    explained = _bims(reviewed, "dedup", "--explain", "1")
    assert "decided by a person on 20" in explained
    assert ": review" not in explained


def test_reject_keeps_the_works_apart_and_accept_undoes_it(reviewed: Path) -> None:
    output = _bims(reviewed, "dedup", "--review", "--reject", "1-3")
    assert "rejected 1-3: different works (1 and 3), never joined" in output
    assert [p["pair"] for p in _queue(reviewed)] == ["5-6"]
    _bims(reviewed, "dedup")
    assert _works(reviewed) == {1: 2, 3: 2, 5: 1, 6: 1}
    explained = _bims(reviewed, "dedup", "--explain", "1")
    assert "#1 ~ #3 (works 1 and 3): decided by a person on 20" in explained
    assert "different works" in explained
    assert ": review" not in explained
    _bims(reviewed, "dedup", "--review", "--accept", "1-3")  # the opposite answer wins
    assert _works(reviewed) == {1: 4, 5: 1, 6: 1}


def test_rejecting_an_accepted_pair_splits_the_work_back(reviewed: Path) -> None:
    _bims(reviewed, "dedup", "--review", "--accept", "1-3")
    output = _bims(reviewed, "dedup", "--review", "--reject", "1-3")
    assert "rejected 1-3: different works (1 and 7)" in output
    with Library.open(reviewed) as library:
        assert library.work_record_ids(1) == [1, 2]
        assert library.work_record_ids(7) == [3, 4]
    _bims(reviewed, "dedup")
    assert _works(reviewed) == {1: 2, 5: 1, 6: 1, 7: 2}
    assert [p["pair"] for p in _queue(reviewed)] == ["5-6"]


def test_several_pairs_are_answered_at_once(reviewed: Path) -> None:
    output = _bims(reviewed, "dedup", "--accept", "5-6", "--reject", "1-3", "--json")
    answers = json.loads(output)
    assert [(a["pair"], a["verdict"]) for a in answers] == [("5-6", "accept"), ("1-3", "reject")]
    assert answers[1]["records"] == [[1, 2], [3, 4]]
    assert _queue(reviewed) == []
    # A list in one option; rejecting the accepted 5-6 splits it (record 6 becomes work 7).
    _bims(reviewed, "dedup", "--reject", "1-3, 5-6")
    assert _works(reviewed) == {1: 2, 3: 2, 5: 1, 7: 1}


def test_merge_and_unmerge_by_hand_take_pairs_off_the_review(reviewed: Path) -> None:
    _bims(reviewed, "merge", "5", "6")
    assert [p["pair"] for p in _queue(reviewed)] == ["1-3"]
    explained = json.loads(_bims(reviewed, "dedup", "--explain", "5", "--json"))
    (pair,) = explained["pairs"]
    assert pair["outcome"] == "review"  # what the matcher thinks…
    assert pair["decided"]["meaning"] == "one work"  # …and what a person decided
    lines = _bims(reviewed, "dedup", "--explain", "5")
    assert "#5 ~ #6: decided by a person on 20" in lines
    assert "review" not in lines
    _bims(reviewed, "merge", "1", "3")
    _bims(reviewed, "unmerge", "1", "--record", "3", "--record", "4")
    assert _queue(reviewed) == []
    explained = _bims(reviewed, "dedup", "--explain", "1")
    assert "#1 ~ #3 (works 1 and 7): decided by a person on 20" in explained
    assert ": review" not in explained


def test_explain_prints_words_not_a_python_list(reviewed: Path) -> None:
    explained = _bims(reviewed, "dedup", "--explain", "1")
    assert "[" not in explained
    assert "evidence=" not in explained
    assert "│ with #1, title score 94.6, total" in explained  # the table says why #2 joined
    assert "#1 ~ #2: merge, by the same PMID" in explained
    assert "PMID exact +23.2, authors exact +8.2, year exact +3.1" in explained
    assert "review pair 1-3" in explained
    members = json.loads(_bims(reviewed, "dedup", "--explain", "1", "--json"))["members"]
    assert members[1]["evidence_words"].startswith("with #1, title score 94.6, total +")


def test_explain_json_has_stable_keys(reviewed: Path) -> None:
    explained = json.loads(_bims(reviewed, "dedup", "--explain", "1", "--json"))
    assert list(explained) == ["work", "members", "pairs", "findings", "decisions"]
    assert list(explained["members"][1]) == [
        "record", "format", "file", "line", "title", "joined_by", "evidence", "evidence_words",
    ]  # fmt: skip
    finding = explained["findings"][0]
    assert list(finding) == [
        "records", "works", "outcome", "rule", "title_score", "evidence", "evidence_words",
        "review_pair", "decided",
    ]  # fmt: skip
    assert finding["review_pair"] == "1-3"
    assert finding["evidence_words"] == (
        "title partial +4.9, authors exact +8.2, year exact +3.1, journal exact +4.8, volume"
        " exact +5.5; but PMID different -6.6, pages different -3.3"
    )


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        pytest.param("12", "'12' is not a PAIR; a PAIR is two work ids such as 12-40", id="one"),
        pytest.param("1-1", "'1-1' is not a PAIR", id="same-twice"),
        pytest.param("1-x", "'1-x' is not a PAIR", id="not-a-number"),
        pytest.param("1-99", "no work 99", id="unknown-work"),
        pytest.param("1-5", "works 1 and 5 (1-5) are not a pair to review", id="never-listed"),
    ],
)
def test_a_wrong_pair_is_a_one_line_error_and_changes_nothing(
    reviewed: Path, pair: str, message: str
) -> None:
    output = _fail(reviewed, "dedup", "--review", "--accept", "5-6", "--accept", pair)
    assert message in output
    assert _works(reviewed) == {1: 2, 3: 2, 5: 1, 6: 1}  # the good answer was not kept alone


def test_accepting_a_pair_twice_says_it_is_one_work(reviewed: Path) -> None:
    _bims(reviewed, "dedup", "--accept", "1-3")
    assert "works 1-3 are one work already (work 1)" in _fail(reviewed, "dedup", "--accept", "1-3")


def test_the_loop_reads_answers_line_by_line(reviewed: Path) -> None:
    output = _bims(reviewed, "dedup", "--review", "--interactive", input="x\ns\nr\nu\nu\na\nq\n")
    assert "'x' is not a key here" in output
    assert "took back reject of 1-3" in output
    assert "back to 5-6" in output
    assert "1 accepted, 0 rejected, 0 skipped; every answer is saved" in output
    assert _works(reviewed) == {1: 2, 3: 2, 5: 2}
    assert [p["pair"] for p in _queue(reviewed)] == ["1-3"]


def test_the_loop_shows_a_pair_side_by_side_in_80_columns(reviewed: Path) -> None:
    output = _bims(reviewed, "dedup", "--interactive", input="q\n")
    table = [line for line in output.splitlines() if line.startswith(("┃", "│", "┏", "└"))]
    assert table
    assert max(len(line) for line in table) == 80
    for label in ("Title", "Authors", "Journal", "Year", "Vol:pp", "DOI", "PMID"):
        assert f"│ {label}" in output
    assert "work 5 (1 record), #5" in output
    assert "22:1201-1210" in output
    assert "│ 333" in output


def test_an_undone_accept_splits_the_works_again(reviewed: Path) -> None:
    _bims(reviewed, "dedup", "--interactive", input="s\na\nu\nq\n")
    # The records of work 3 are a work again, under a new id: a retired id is never reused.
    assert _works(reviewed) == {1: 2, 5: 1, 6: 1, 7: 2}
    assert [p["pair"] for p in _queue(reviewed)] == ["5-6", "1-7"]


def test_the_end_of_the_input_ends_the_loop_with_answers_kept(reviewed: Path) -> None:
    _bims(reviewed, "dedup", "--interactive", input="a\n")
    assert _works(reviewed)[5] == 2


def test_ctrl_c_in_the_loop_loses_no_answer(reviewed: Path) -> None:
    env = {**os.environ, "COLUMNS": "80", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "bimscli", "--library", str(reviewed), "dedup"]
    with subprocess.Popen(
        [*command, "--interactive"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(b"a\n")
        process.stdin.flush()
        # The answer is given, and the next pair waits for its key.
        _read_until(process.stdout.fileno(), b"[q]uit?", containing=b"accepted 5-6")
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 130, rest.decode()
    assert b"every answer given so far is saved" in rest
    assert _works(reviewed) == {1: 2, 3: 2, 5: 2}


def test_a_record_that_joins_later_does_not_bring_a_decided_pair_back(
    reviewed: Path, tmp_path: Path
) -> None:
    _bims(reviewed, "dedup", "--reject", "1-3")
    later = tmp_path / "later.json"
    later.write_text(json.dumps([csl_item("t1c", TRIAL_ONE[0] + ".", "111")]), encoding="utf-8")
    _bims(reviewed, "ingest", str(later))
    assert _works(reviewed) == {1: 3, 3: 2, 5: 1, 6: 1}
    assert [p["pair"] for p in _queue(reviewed)] == ["5-6"]
    explained = _bims(reviewed, "dedup", "--explain", "1")
    assert "#3 ~ #7 (works 3 and 1): decided by a person on 20" in explained
    assert ": review" not in explained


def _read_until(stream: int, ending: bytes, containing: bytes = b"") -> bytes:
    """What a process writes to ``stream`` until it holds ``containing`` and then stops at a
    line ending with ``ending`` (or fail after a minute)."""
    seen = b""
    deadline = time.monotonic() + 60
    while containing not in seen or not seen.rstrip().endswith(ending):
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        ready, _, _ = select.select([stream], [], [], 0.5)
        if ready:
            chunk = os.read(stream, 4096)
            assert chunk, seen.decode(errors="replace")
            seen += chunk
    return seen


def test_on_a_terminal_review_reads_single_keys(reviewed: Path) -> None:
    pty = pytest.importorskip("pty")
    main, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    command = [sys.executable, "-m", "bimscli", "--library", str(reviewed), "dedup", "--review"]
    with subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env
    ) as process:
        os.close(follower)
        _read_until(main, b"[q]uit?")
        os.write(main, b"a")  # no Enter: one key is an answer
        assert b"accepted 5-6" in _read_until(main, b"[q]uit?")
        os.write(main, b"q")
        process.wait(timeout=60)
    os.close(main)
    assert process.returncode == 0
    assert _works(reviewed) == {1: 2, 3: 2, 5: 2}
