"""Reading an input in a child process: the same library, reports and progress as reading in
the ingest's own process, and nothing half-written when either side fails."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import TEST_FORMAT
from tests.golden import FIXTURES

import bimscli
import bimscli.formats
import bimscli.ingest.reading_process
import bimscli.ingest.run
import bimscli.store.prepared
from bimscli.formats.base import SourceFormat
from bimscli.ingest import FileStatus, Progress, ingest_sources
from bimscli.ingest.reading_process import (
    ChildFailure,
    InReadingProcessError,
    can_read_in_process,
)
from bimscli.ingest.sources import InputSource
from bimscli.model import Entry
from bimscli.store import Library
from bimscli.store.raw_text import raw_from_stored

# Inputs of every streaming and whole-text kind, with failures (broken entries) and a header
# (the newsletter issue), some of them duplicates of each other.
INPUTS = [
    FIXTURES / "pubmed-xml" / "traps.xml",
    FIXTURES / "pubmed-xml" / "efetch-one-article.xml",
    FIXTURES / "medline" / "medline-four-records.nbib",
    FIXTURES / "ris" / "missing-er.ris",
    FIXTURES / "ris" / "embase.ris",
    FIXTURES / "bibtex" / "nasty.bib",
    FIXTURES / "csl-json" / "broken-items.json",
    FIXTURES / "csv" / "diabetes-excerpt.csv",
    FIXTURES / "biomednews" / "biomed.news_bims-skolko_2019-06-09.txt",
]


def _dump(library: Library) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an ingest writes, without times (raw text as text)."""
    conn = library.connection
    queries = {
        "inputs": "SELECT id, name, format, header, record_count, failure_count FROM inputs",
        "source_records": "SELECT id, input_id, entry, line, source_key, raw, record, doi,"
        " pmid, pmcid FROM source_records",
        "parse_failures": "SELECT input_id, entry, line, raw, message FROM parse_failures",
        "works": "SELECT id, record, provenance, title, year, doi FROM works",
        "work_members": "SELECT record_id, work_id, rule, evidence FROM work_members",
        "record_features": "SELECT record_id, data FROM record_features",
        "record_blocks": "SELECT key, record_id FROM record_blocks",
        "record_pairs": "SELECT * FROM record_pairs",
    }
    dump = {table: sorted(conn.execute(sql).fetchall()) for table, sql in queries.items()}
    dump["source_records"] = [
        (*row[:5], raw_from_stored(row[5]), *row[6:]) for row in dump["source_records"]
    ]
    return dump


def _present(paths: Iterable[Path]) -> list[InputSource]:
    sources = [InputSource(str(p), path=p) for p in paths]
    assert all(s.path is not None and s.path.exists() for s in sources), "a fixture moved"
    return sources


class _Counting(Progress):
    def __init__(self) -> None:
        self.read: dict[str, int] = {}
        self._name = ""

    def start(self, name: str, total_bytes: int) -> None:
        self._name = name
        self.read[name] = 0

    def advance(self, read_bytes: int) -> None:
        self.read[self._name] += read_bytes


def test_a_child_process_gives_the_same_library_reports_and_progress(tmp_path: Path) -> None:
    results = []
    for in_child in (False, True):
        with Library.open(tmp_path / f"{in_child}.sqlite") as library:
            progress = _Counting()
            report = ingest_sources(
                library, _present(INPUTS), progress=progress, read_in_child=in_child
            )
            results.append((_dump(library), report, progress.read))
    (inline, inline_report, inline_read), (child, child_report, child_read) = results
    assert child == inline
    assert child_report == inline_report
    assert child_read == inline_read == {str(p): p.stat().st_size for p in INPUTS}
    # The inputs gave what the comparison is meant to cover.
    assert len(inline["source_records"]) > 30
    assert inline["parse_failures"]
    assert any(row[3] for row in inline["inputs"])  # a header
    work_ids = [row[1] for row in inline["work_members"]]
    assert len(set(work_ids)) < len(work_ids)  # some records joined a work
    assert inline_report.exit_code == 3


def _with_parser(monkeypatch: pytest.MonkeyPatch, parse_lines: Any) -> SourceFormat:
    fmt = dataclasses.replace(TEST_FORMAT, parse_lines=parse_lines)
    monkeypatch.setattr(bimscli.formats, "FORMATS", (*bimscli.formats.FORMATS, fmt))
    return fmt


def _lines_file(tmp_path: Path, count: int, last: str = "") -> InputSource:
    path = tmp_path / "many.txt"
    lines = [f"k{n}|Paper number {n} on bone metastases|10.1000/{n}" for n in range(count)]
    path.write_text("#testlines\n" + "\n".join([*lines, last]) + "\n", encoding="utf-8")
    return InputSource(str(path), path=path)


def _counts(library: Library) -> list[int]:
    """Inputs, source records, works and blocking keys in the library."""
    return [
        library.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        for table in ("inputs", "source_records", "works", "record_blocks")
    ]


@pytest.mark.usefixtures("test_format")
@pytest.mark.parametrize("in_child", [False, True])
def test_a_parser_crash_in_either_process_stores_nothing_and_names_the_error(
    library: Library, tmp_path: Path, in_child: bool
) -> None:
    source = _lines_file(tmp_path, 2500, last="BOOM")  # after two full batches were stored
    (file,) = ingest_sources(library, [source], read_in_child=in_child).files
    assert file.status is FileStatus.FAILED
    assert file.error is not None
    assert "internal error in the testlines parser: RuntimeError: the parser crashed" in (
        file.error
    )
    assert _counts(library) == [0, 0, 0, 0]
    if in_child:
        # --debug shows where the child raised it.
        assert isinstance(file.exception, RuntimeError)
        cause = file.exception.__cause__
        assert isinstance(cause, InReadingProcessError)
        assert "in the reading process" in str(cause)
        assert "_parse_test_lines" in str(cause)


@pytest.mark.usefixtures("test_format")
def test_a_users_error_raised_in_the_child_keeps_its_type_and_message(
    library: Library, tmp_path: Path
) -> None:
    source = _lines_file(tmp_path, 10, last="UNSAFE")
    (file,) = ingest_sources(library, [source], read_in_child=True).files
    assert file.status is FileStatus.FAILED
    assert file.error == "refusing an unsafe construct"
    assert _counts(library) == [0, 0, 0, 0]


def _killed_after_a_batch(lines: Iterable[str]) -> Iterator[Entry]:
    for number, entry in enumerate(TEST_FORMAT.parse_lines(lines)):  # type: ignore[misc]
        if number == 1500:
            os.kill(os.getpid(), signal.SIGKILL)
        yield entry


def test_a_killed_reading_process_fails_the_file_and_stores_nothing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_parser(monkeypatch, _killed_after_a_batch)
    (file,) = ingest_sources(library, [_lines_file(tmp_path, 3000)], read_in_child=True).files
    assert file.status is FileStatus.FAILED
    assert file.error == (
        "the process reading this file ended unexpectedly (killed by SIGKILL; out of memory?)"
        "; nothing of this file was stored"
    )
    assert _counts(library) == [0, 0, 0, 0]
    assert multiprocessing.active_children() == []


@pytest.mark.usefixtures("test_format")
def test_ctrl_c_while_storing_stops_the_child_and_leaves_nothing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = []
    real = bimscli.store.prepared.store_prepared

    def interrupted(*args: Any) -> None:
        real(*args)
        stored.append(1)
        if len(stored) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(bimscli.ingest.run, "store_prepared", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_sources(library, [_lines_file(tmp_path, 20_000)], read_in_child=True)
    assert multiprocessing.active_children() == []
    assert _counts(library) == [0, 0, 0, 0]


@pytest.mark.usefixtures("test_format")
def test_large_inputs_are_read_in_a_child_by_default(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_reads: list[str]
) -> None:
    monkeypatch.setattr(bimscli.ingest.run, "CHILD_READS_FROM", 10_000)
    small = _source_text(tmp_path, "small.txt", 10)
    large = _source_text(tmp_path, "large.txt", 400)
    report = ingest_sources(library, [small, large])
    assert [f.status for f in report.files] == [FileStatus.ADDED, FileStatus.ADDED]
    assert child_reads == [large.name]
    assert library.count_source_records() == 410


def _source_text(tmp_path: Path, name: str, count: int) -> InputSource:
    path = tmp_path / name
    lines = [f"{name}{n}|A {name} paper {n}|10.1000/{name}.{n}" for n in range(count)]
    path.write_text("#testlines\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert (path.stat().st_size >= 10_000) == (count > 100)
    return InputSource(str(path), path=path)


def test_no_child_is_forked_while_another_thread_runs() -> None:
    assert can_read_in_process() == (threading.active_count() == 1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_read_in_process()
    finally:
        stop.set()
        thread.join()


class _UnpicklableError(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a} and {b}")  # pickles, but cannot be rebuilt from its args


def test_an_exception_that_does_not_survive_pickling_arrives_as_its_type_and_message() -> None:
    try:
        raise _UnpicklableError(1, 2)
    except _UnpicklableError as exc:
        failure = ChildFailure(exc)
    again = failure.exception()
    assert type(again) is RuntimeError
    assert str(again) == "_UnpicklableError: 1 and 2"
    assert "raise _UnpicklableError(1, 2)" in str(again.__cause__)


# A parent that stores its first batch forever while its child reads an endless input: the
# child fills the pipe and waits for the parent to read on.
_STUCK_PARENT = """
import dataclasses, itertools, multiprocessing, sys, time
from pathlib import Path

import bimscli.formats, bimscli.ingest.run
from bimscli.ingest import ingest_sources
from bimscli.model import ParsedRecord, Position, Record
from bimscli.ingest.sources import InputSource
from bimscli.store import Library
from tests.conftest import TEST_FORMAT

def endless(lines):
    for n in itertools.count(1):
        yield ParsedRecord(Record(title=f"Paper {n}"), Position(n, n), "raw text " * 40)

def stuck(*args):
    print(multiprocessing.active_children()[0].pid, flush=True)
    time.sleep(600)

fmt = dataclasses.replace(TEST_FORMAT, parse_lines=endless)
bimscli.formats.FORMATS = (*bimscli.formats.FORMATS, fmt)
bimscli.ingest.run.store_prepared = stuck
path = Path(sys.argv[1]) / "in.txt"
path.write_text("#testlines\\nk|a title|10.1000/1\\n", encoding="utf-8")
with Library.open(Path(sys.argv[1]) / "library.sqlite") as library:
    ingest_sources(library, [InputSource(str(path), path=path)], read_in_child=True)
"""


def _gone(pid: int) -> bool:
    """True once process ``pid`` has ended (a zombie waiting for init to reap it has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_the_reading_process_ends_when_the_ingest_is_killed(tmp_path: Path) -> None:
    # kill -9 (or SIGTERM, or a crash) gives the parent no chance to stop its child; the child
    # must notice by itself, not sit on a full pipe for ever holding the terminal's output.
    src = Path(bimscli.__file__).resolve().parent.parent
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(root)])}
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        parent = subprocess.Popen(
            [sys.executable, "-c", _STUCK_PARENT, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
    child = 0
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        assert line.strip().isdigit(), (tmp_path / "stderr.txt").read_text()
        child = int(line)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(child), "the reading process outlived the ingest"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child and not _gone(child):
            os.kill(child, signal.SIGKILL)
        if parent.stdout is not None:
            parent.stdout.close()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.usefixtures("test_format")
def test_reading_processes_leave_no_file_descriptor_open(library: Library, tmp_path: Path) -> None:
    # A failed file's report keeps its exception, and with its traceback the process object:
    # that must not keep the process's descriptors open (a folder of hundreds of files that
    # fail would run out of them).
    sources = []
    for number in range(20):
        path = tmp_path / f"in{number}.txt"
        last = "BOOM" if number % 2 else ""
        path.write_text(f"#testlines\nk|Paper {number}|10.1000/{number}\n{last}\n", "utf-8")
        sources.append(InputSource(str(path), path=path))
    before = _open_descriptors()
    report = ingest_sources(library, sources, read_in_child=True)
    assert [f.status for f in report.files] == [FileStatus.ADDED, FileStatus.FAILED] * 10
    assert all(f.exception is not None for f in report.files[1::2])
    assert _open_descriptors() == before
    assert multiprocessing.active_children() == []


_interrupt_at_fork: list[bool] = []
"""Armed by a test: the next fork of this process is interrupted, as by Ctrl-C at that moment."""


def _interrupt_if_armed() -> None:
    if _interrupt_at_fork:
        _interrupt_at_fork.clear()
        os.kill(os.getpid(), signal.SIGINT)


os.register_at_fork(before=_interrupt_if_armed)


@pytest.mark.usefixtures("test_format")
def test_ctrl_c_while_the_reading_process_is_forked_is_not_lost(
    library: Library, tmp_path: Path
) -> None:
    # Python runs the handler of a signal that arrives during a fork inside the fork's
    # callbacks, where the KeyboardInterrupt is printed and dropped: the child ignores Ctrl-C,
    # so the ingest would go on to the end as if it had never been pressed.
    _interrupt_at_fork.append(True)
    try:
        with pytest.raises(KeyboardInterrupt):
            ingest_sources(library, [_lines_file(tmp_path, 100)], read_in_child=True)
    finally:
        _interrupt_at_fork.clear()
    assert multiprocessing.active_children() == []
    assert _counts(library) == [0, 0, 0, 0]


def test_ingest_works_where_python_has_no_fcntl(tmp_path: Path) -> None:
    # Windows has no fcntl; there the ingest reads in its own process (can_read_in_process).
    src = Path(bimscli.__file__).resolve().parent.parent
    script = (
        "import sys\n"
        "sys.modules['fcntl'] = None  # as on Windows\n"
        "from bimscli.cli.app import main\n"
        "sys.argv = ['bims', '--library', sys.argv[1], 'ingest', sys.argv[2]]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "lib.sqlite"), str(INPUTS[0])],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "records added" in result.stdout
