"""Several bims processes on one library: writers take turns, readers never wait for them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bimscli.export.choices import ExportFormat
from bimscli.export.library_export import ExportRequest, export_works
from bimscli.export.stored_keys import stored_citation_keys
from bimscli.store import Library
from bimscli.store.write_lock import LockHolder, holder_file_of
from bimscli.tagging.library_tags import add_manual_tags, work_tag_origins
from tests.store.hold_write_lock import UNCOMMITTED_TITLE, add_work

ROOT = Path(__file__).resolve().parents[2]

# Each process registers the test-only line format and ingests its own file.
_INGEST = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{src!r}, {root!r}]
    import bimscli.formats
    from tests.conftest import TEST_FORMAT
    bimscli.formats.FORMATS = (*bimscli.formats.FORMATS, TEST_FORMAT)
    from bimscli.ingest import ingest_sources
    from bimscli.ingest.sources import collect_sources
    from bimscli.store import Library
    with Library.open(__import__("pathlib").Path(sys.argv[1])) as library:
        report = ingest_sources(library, collect_sources(sys.argv[2:]))
    sys.exit(report.exit_code)
    """
)


def test_two_processes_ingest_into_one_library(library_path: Path, tmp_path: Path) -> None:
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.txt"
        lines = [f"{name}{i}|Title {name} {i}|10.1000/{name}.{i}" for i in range(20000)]
        path.write_text("#testlines\n" + "\n".join(lines) + "\n")
        files.append(path)
    script = _INGEST.format(src=str(ROOT / "src"), root=str(ROOT))
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(library_path), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    with Library.open(library_path) as library:
        assert library.count_source_records() == 40000
        assert library.count_works() == 40000
        assert sorted(r.name for r in library.inputs()) == sorted(str(p) for p in files)


# Readers and writers ---------------------------------------------------------------------------
# A helper process holds the write lock, as a long ingest does, until the test tells it to
# commit: a reader that waited for it would never finish, so "it finished while the holder
# still held the lock" is decided by events, not by timing. Timeouts only stop a hung test.

HOLDER = Path(__file__).with_name("hold_write_lock.py")
COMMITTED_TITLE = "Committed title"
PATIENCE = 120  # seconds: how long a command that should finish may take on a loaded machine
WAITING = "waiting for another bims to finish"


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200", "NO_COLOR": "1"}


class Holder:
    """A process holding the library's write lock (with one uncommitted work) until told."""

    def __init__(self, library_path: Path, activity: str = "ingest big.xml") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HOLDER), str(library_path), activity],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(),
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline()
        assert ready == "ready\n", self.process.communicate(timeout=PATIENCE)[1]

    def holds(self) -> bool:
        """Whether it is still holding the lock (it releases only when told)."""
        return self.process.poll() is None

    def commit(self) -> None:
        """Tell it to commit, and wait for it to end."""
        _out, err = self.process.communicate("commit\n", timeout=PATIENCE)
        assert self.process.returncode == 0, err

    def kill(self) -> None:
        """``kill -9`` it, and collect it (a zombie would still look alive)."""
        self.process.kill()
        self.process.communicate(timeout=PATIENCE)


@pytest.fixture
def committed(library_path: Path) -> Path:
    """A library with one committed work (id 1), already exported once (it has its key)."""
    with Library.open(library_path) as library:
        with library.transaction():
            add_work(library, COMMITTED_TITLE)
        export_works(library, ExportRequest(ExportFormat.BIBTEX))
    return library_path


@pytest.fixture
def holder(committed: Path) -> Iterator[Holder]:
    """A process holding the write lock of the ``committed`` library; it commits at the end."""
    held = Holder(committed)
    yield held
    if held.holds():
        held.commit()


def _bims(library_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bimscli", "--library", str(library_path), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
    )


def _finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Its stdout and stderr once it has ended; it is killed if it hangs."""
    try:
        return process.communicate(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        pytest.fail(f"{process.args!r} did not finish in {PATIENCE} s; stderr: {err}")


def _wait_for_line(process: subprocess.Popen[str], text: str) -> str:
    """The first line of ``process``'s stderr that holds ``text`` (fails at its end)."""
    assert process.stderr is not None
    seen = []
    while line := process.stderr.readline():
        if text in line:
            return line
        seen.append(line)
    pytest.fail(f"{text!r} never said; stderr: {''.join(seen)}")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["list", "--json"], id="list"),
        pytest.param(["show", "1"], id="show"),
        pytest.param(["inputs", "--json"], id="inputs"),
        pytest.param(["failures"], id="failures"),
        pytest.param(["tags"], id="tags"),
        pytest.param(["tag", "--dry-run"], id="tag-dry-run"),
        pytest.param(["tag", "--explain", "1"], id="tag-explain"),
        pytest.param(["dedup", "--review"], id="dedup-review"),
        pytest.param(["dedup", "--explain", "1"], id="dedup-explain"),
        pytest.param(["export", "--bibtex"], id="export-of-works-with-keys"),
    ],
)
def test_a_reader_finishes_at_once_with_the_last_committed_state_while_another_process_writes(
    holder: Holder, committed: Path, args: list[str]
) -> None:
    reader = _bims(committed, *args)
    out, err = _finish(reader)
    assert reader.returncode == 0, err
    assert holder.holds()  # the reader finished before the holder released the lock
    assert WAITING not in err
    assert "Uncommitted" not in out
    if args[0] in {"list", "show", "export"}:
        assert COMMITTED_TITLE in out


def test_a_second_writer_waits_says_so_once_and_proceeds_when_the_first_commits(
    holder: Holder, committed: Path
) -> None:
    writer = _bims(committed, "tag", "add", "2", "mine/later")  # work 2: the holder's
    line = _wait_for_line(writer, WAITING)
    assert re.fullmatch(
        rf"{WAITING}: ingest big\.xml \(pid {holder.process.pid}, since \d\d:\d\d\)\n", line
    )
    assert writer.poll() is None
    holder.commit()
    out, rest = _finish(writer)
    assert writer.returncode == 0, rest
    assert WAITING not in rest
    assert "work 2: added mine/later" in out
    with Library.open(committed) as library:
        assert library.work(2).record.title == UNCOMMITTED_TITLE
        assert work_tag_origins(library, 2) == {"mine/later": {"manual"}}


def test_ctrl_c_while_waiting_for_another_writer_exits_cleanly(
    holder: Holder, committed: Path
) -> None:
    writer = _bims(committed, "tag", "add", "1", "mine/never")
    _wait_for_line(writer, WAITING)
    writer.send_signal(signal.SIGINT)
    _out, err = _finish(writer)
    assert writer.returncode == 130
    assert "interrupted" in err
    assert "Traceback" not in err
    holder.commit()
    with Library.open(committed) as library:
        assert work_tag_origins(library, 1) == {}


def test_a_holder_killed_with_sigkill_blocks_no_one(committed: Path) -> None:
    holder = Holder(committed)
    holder.kill()
    assert holder_file_of(committed).exists()  # its entry stays behind, naming a dead process
    writer = _bims(committed, "tag", "add", "1", "mine/after")
    _out, err = _finish(writer)
    assert writer.returncode == 0, err
    assert WAITING not in err
    assert not holder_file_of(committed).exists()
    with Library.open(committed) as library:
        assert library.count_works() == 1  # the killed holder's work was never committed
        assert work_tag_origins(library, 1) == {"mine/after": {"manual"}}


def test_an_export_with_keys_to_store_is_a_writer_and_waits_its_turn(committed: Path) -> None:
    with Library.open(committed) as library, library.transaction():
        add_work(library, "Never exported")  # work 2: no citation key yet
    holder = Holder(committed)
    try:
        export = _bims(committed, "export", "--bibtex")
        _wait_for_line(export, WAITING)
        assert export.poll() is None
    finally:
        holder.commit()
    out, err = _finish(export)
    assert export.returncode == 0, err
    assert out.count("@article{") + out.count("@misc{") == 3, out  # and the holder's work
    with Library.open(committed) as library:
        assert len(stored_citation_keys(library)) == 3


def test_a_writer_waits_past_the_busy_timeout_while_the_holder_lives(committed: Path) -> None:
    holder = Holder(committed)
    told: list[LockHolder | None] = []
    waiting = threading.Event()
    outcome: list[BaseException | int] = []

    def on_wait(who: LockHolder | None) -> None:
        told.append(who)
        waiting.set()

    def write() -> None:
        try:
            with Library.open(committed, busy_timeout=0.5, on_wait=on_wait) as library:
                outcome.append(add_manual_tags(library, 1, ["mine/patient"]).__len__())
        except BaseException as exc:  # reported to the test thread
            outcome.append(exc)

    writer = threading.Thread(target=write)
    try:
        writer.start()
        assert waiting.wait(PATIENCE)
        time.sleep(4 * 0.5)  # well past the busy timeout: a writer that gave up has by now
        assert writer.is_alive(), outcome
    finally:
        holder.commit()
    writer.join(PATIENCE)
    assert outcome == [1]
    assert len(told) == 1
    assert told[0] is not None
    assert told[0].pid == holder.process.pid
