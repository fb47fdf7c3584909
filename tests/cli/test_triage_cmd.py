"""``bims triage`` through its plain prompt: one line per key, every key saved at once."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.model import AbstractSection, Identifiers, ParsedRecord, PartialDate, Position, Record
from bimscli.store import Library
from bimscli.store.curation import current_statuses, history, mark_new
from bimscli.tagging.library_tags import MANUAL, tags_by_work

runner = CliRunner()

RULES = '[tags."outcome/pain"]\nquery = "pain[tiab]"\n'


def _work(library: Library, year: int, abstract: tuple[AbstractSection, ...]) -> int:
    with library.transaction():
        input_id = library.add_input(
            name="t.txt", path=None, sha256=f"{year:064d}", size=1, format_name="testlines",
            parser_version="t1",
        )  # fmt: skip
        record = Record(
            title=f"Exercise study of {year}",
            journal_abbrev="Support Care Cancer",
            date=PartialDate(year, 6, 1),
            abstract=abstract,
            ids=Identifiers(doi=f"10.1000/{year}"),
        )
        (record_id,) = library.add_source_records(
            input_id, [ParsedRecord(record, Position(1, 1), "raw")]
        )
        return library.create_work([record_id], "new")


@pytest.fixture
def new_works(tmp_path: Path) -> tuple[Path, list[int]]:
    """A library of four new works from 2021 to 2024, and one of 2025 not marked new."""
    path = tmp_path / "lib.sqlite"
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    labelled = (AbstractSection("Bone pain is common.", "BACKGROUND"), AbstractSection("We ran."))
    with Library.open(path) as library:
        works = [_work(library, year, labelled) for year in (2021, 2022, 2023, 2024)]
        decided = _work(library, 2025, ())
        with library.transaction():
            mark_new(library, works, origin="watch:bone")
    return path, [*works, decided]


def _triage(path: Path, keys: str, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(path), "triage", "--by", "ed", *args], input=keys)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_scripted_triage_saves_every_key(new_works: tuple[Path, list[int]]) -> None:
    path, (w2021, w2022, w2023, w2024, unmarked) = new_works
    # Newest first: 2024 select, 2023 reject, undo (2023 again), maybe, 2022 tag + skip,
    # 2021 select, then the input ends.
    output = _triage(path, "s\nr\nu\nm\nt\nmine/later\n\ns\n")
    assert output.index(f"#{w2024} Exercise study of 2024") < output.index(f"#{w2023}")
    assert "[1/4] 0 selected, 0 rejected, 0 maybe, 0 skipped" in output
    assert f"work {w2023}: rejected -> new" in output
    assert "BACKGROUND: Bone «pain» is common." in output
    assert "tags: outcome/pain" not in output  # rule tags come from `bims tag`, not triage
    assert f"work {w2022}: tagged mine/later" in output
    assert output.rstrip().endswith("[4/4] 2 selected, 0 rejected, 1 maybe, 1 skipped")
    with Library.open(path) as library:
        assert current_statuses(library) == {
            w2024: "selected",
            w2023: "maybe",
            w2022: "new",
            w2021: "selected",
        }  # fmt: skip ; the unmarked work was never shown
        assert unmarked not in current_statuses(library)
        assert tags_by_work(library, MANUAL) == {w2022: {"mine/later"}}
        assert {e.by for e in history(library, w2023) if e.action != "new"} == {"ed"}


def test_quitting_keeps_what_was_decided(new_works: tuple[Path, list[int]]) -> None:
    path, (_, _, w2023, w2024, _) = new_works
    _triage(path, "r\nq\ns\n")
    with Library.open(path) as library:
        assert current_statuses(library)[w2024] == "rejected"
        assert current_statuses(library)[w2023] == "new"
    # The next run starts with what is still new.
    assert "[1/3]" in _triage(path, "q\n")


def test_unknown_keys_are_explained_and_ignored(new_works: tuple[Path, list[int]]) -> None:
    path, (_, _, _, w2024, _) = new_works
    output = _triage(path, "x\ns\nq\n")
    assert "unknown key 'x'; s select" in output
    with Library.open(path) as library:
        assert current_statuses(library)[w2024] == "selected"


def test_triage_of_one_watch_and_of_nothing(new_works: tuple[Path, list[int]]) -> None:
    path, _ = new_works
    assert "[1/4]" in _triage(path, "q\n", "--watch", "bone")
    assert "no new works to triage" in _triage(path, "", "--watch", "other")


def _read_until(fd: int, marker: bytes, seen: bytearray, timeout: float = 60.0) -> None:
    """Read the terminal's output until ``marker`` shows (or fail after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, f"no {marker!r} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the terminal closed: the process ended
                return


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
def test_in_a_terminal_one_key_press_acts(new_works: tuple[Path, list[int]]) -> None:
    path, (_, _, w2023, w2024, _) = new_works
    controller, terminal = os.openpty()
    command = [sys.executable, "-m", "bimscli", "--library", str(path), "triage", "--by", "ed"]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    seen = bytearray()
    try:
        _read_until(controller, b"Exercise study of 2024", seen)
        os.write(controller, b"r")  # no Enter: one key press is enough
        _read_until(controller, b"Exercise study of 2023", seen)
        os.write(controller, b"q")
        _read_until(controller, b"0 selected, 1 rejected", seen)
        assert process.wait(timeout=60) == 0, bytes(seen)
    finally:  # a failed check must not leave a triage waiting for a key
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    with Library.open(path) as library:
        assert current_statuses(library)[w2024] == "rejected"
        assert current_statuses(library)[w2023] == "new"
