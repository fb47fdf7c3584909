"""Who holds the write lock: the side file, stale entries, and a holder that does not say."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bimscli.errors import LibraryError
from bimscli.store import Library
from bimscli.store.write_lock import LockHolder, holder_file_of, read_holder, this_process

SINCE = datetime(2026, 12, 4, 7, 1, tzinfo=UTC)


def _ended_pid() -> int:
    """The id of a process that has ended and been collected."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=120)
    return process.pid


def test_an_entry_round_trips_through_its_file(tmp_path: Path) -> None:
    holder = this_process("ingest big.xml", SINCE)
    path = tmp_path / "library.sqlite-writer"
    path.write_text(holder.to_json(), encoding="utf-8")
    assert read_holder(path) == holder
    assert holder.describe(UTC) == f"ingest big.xml (pid {os.getpid()}, since 07:01)"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param('{"pid": 1, "host"', id="half-written"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param('{"pid": "x", "host": "h", "activity": "a", "since": "now"}', id="bad-values"),
        pytest.param('{"host": "h", "activity": "a", "since": "2026-12-04"}', id="no-pid"),
    ],
)
def test_a_damaged_entry_names_no_one(tmp_path: Path, text: str) -> None:
    path = tmp_path / "library.sqlite-writer"
    path.write_text(text, encoding="utf-8")
    assert read_holder(path) is None


def test_no_entry_names_no_one(tmp_path: Path) -> None:
    assert read_holder(tmp_path / "library.sqlite-writer") is None
    assert read_holder(None) is None


def test_an_entry_of_a_process_that_has_ended_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite-writer"
    holder = LockHolder(_ended_pid(), socket.gethostname(), "ingest big.xml", SINCE)
    path.write_text(holder.to_json(), encoding="utf-8")
    assert read_holder(path) is None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_an_entry_whose_pid_now_names_another_process_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite-writer"
    data = json.loads(this_process("tag", SINCE).to_json())
    path.write_text(json.dumps({**data, "started": "1"}), encoding="utf-8")  # an earlier start
    assert read_holder(path) is None


def test_an_entry_from_another_host_is_taken_to_be_alive(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite-writer"
    holder = LockHolder(_ended_pid(), "elsewhere." + socket.gethostname(), "tag", SINCE)
    path.write_text(holder.to_json(), encoding="utf-8")
    assert read_holder(path) == holder


def _interrupted_write(library: Library, entry: Path) -> None:
    with library.transaction():
        assert entry.exists()
        raise KeyboardInterrupt


def test_the_entry_names_the_writer_while_it_writes_and_is_gone_after(library_path: Path) -> None:
    entry = holder_file_of(library_path)
    with Library.open(library_path, activity="tag add 1 x") as library:
        assert not entry.exists()  # opening an up-to-date library is no write
        with library.transaction():
            holder = read_holder(entry)
            assert holder is not None
            assert (holder.pid, holder.activity) == (os.getpid(), "tag add 1 x")
        assert not entry.exists()
        with pytest.raises(KeyboardInterrupt):
            _interrupted_write(library, entry)
        assert not entry.exists()
        with library.transaction(commit=False):
            assert entry.exists()
        assert not entry.exists()


def test_a_holder_that_does_not_name_itself_is_waited_for_only_as_long_as_the_busy_timeout(
    library_path: Path,
) -> None:
    Library.open(library_path).close()
    other = sqlite3.connect(library_path, isolation_level=None)  # another program, say a shell
    other.execute("BEGIN IMMEDIATE")
    told: list[LockHolder | None] = []
    try:
        with Library.open(library_path, busy_timeout=0.5, on_wait=told.append) as library:
            with pytest.raises(LibraryError, match="still locked after"), library.transaction():
                pytest.fail("the write lock was taken while another program held it")
            assert told == [None]
    finally:
        other.execute("ROLLBACK")
        other.close()
