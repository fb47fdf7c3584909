"""Taking turns at writing: who holds a library's write lock, and waiting for it.

In WAL mode SQLite lets any number of readers read the last committed state while one writer
writes, so only writers ever wait, and only for each other. A writer that finds the lock taken
waits for as long as the process holding it is alive (an ingest of 100,000 articles takes
minutes), says once through a callback whom it waits for, and can be stopped with Ctrl-C.

Who holds the lock is written to a side file next to the library (``library.sqlite-writer``)
by the process that has just taken it, and removed just before it commits or rolls back. A row
in the library could not say it: a waiting process cannot read what the holder has not
committed. Only the holder of the lock writes or removes the file, so writers never race on
it. A process killed with ``kill -9`` loses its lock with it (the operating system releases
SQLite's file locks) but leaves its file behind: an entry whose process is gone is ignored,
and overwritten by the next writer.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from bimscli.errors import LibraryError

HOLDER_SUFFIX = "-writer"
"""Appended to the library's file name for the side file naming the writer (like ``-wal``)."""

POLL_SECONDS = 0.25
"""How long one attempt to take the lock waits inside SQLite. Between attempts the waiter
looks up the holder and Python handles Ctrl-C (SQLite's own wait cannot be interrupted)."""

UNKNOWN_GRACE = 2.0
"""Seconds a waiter stays quiet while the lock's holder is unknown: a bims that has just taken
the lock writes its name a moment later."""


@dataclass(frozen=True, slots=True)
class LockHolder:
    """The process holding a library's write lock, and what it is doing."""

    pid: int
    host: str
    activity: str
    since: datetime
    """When the process first took the write lock (an ingest takes it once per file)."""
    started: str | None = None
    """When the process started (Linux), so that a reused process id is not taken for it."""

    def describe(self, zone: tzinfo | None = None) -> str:
        """What a waiting writer says about the holder (its time in ``zone``, default local).

        >>> since = datetime(2026, 12, 4, 7, 1, tzinfo=UTC)
        >>> LockHolder(4242, "lab", "ingest big.xml", since).describe(UTC)
        'ingest big.xml (pid 4242, since 07:01)'
        """
        return f"{self.activity} (pid {self.pid}, since {self.since.astimezone(zone):%H:%M})"

    def is_alive(self) -> bool:
        """Whether the process is still running (one on another host is taken to be)."""
        if self.host != socket.gethostname():
            return True
        return process_alive(self.pid, self.started)

    def to_json(self) -> str:
        """The side file's text."""
        fields = {
            "pid": self.pid,
            "host": self.host,
            "activity": self.activity,
            "since": self.since.isoformat(timespec="seconds"),
            "started": self.started,
        }
        return json.dumps(fields, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        """The holder a side file names, or ``None`` when it is damaged or half-written.

        >>> LockHolder.from_json('{"pid": 7, "host": "h", "activity": "tag",'
        ...                      ' "since": "2026-12-04T07:01:00+00:00"}').activity
        'tag'
        >>> LockHolder.from_json("{") is None
        True
        """
        try:
            data = json.loads(text)
            started = data.get("started")
            return cls(
                int(data["pid"]),
                str(data["host"]),
                str(data["activity"]),
                datetime.fromisoformat(str(data["since"])),
                None if started is None else str(started),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


LockWait = Callable[[LockHolder | None], None]
"""Told once per holder that a writer waits for it (``None``: a holder that did not say)."""


def holder_file_of(library_path: Path) -> Path:
    """The side file naming the writer of the library at ``library_path``.

    >>> holder_file_of(Path("/data/bims/library.sqlite")).name
    'library.sqlite-writer'
    """
    return library_path.with_name(library_path.name + HOLDER_SUFFIX)


def read_holder(holder_file: Path | None) -> LockHolder | None:
    """The live process a side file names, or ``None`` (no file, damaged, process gone)."""
    if holder_file is None:
        return None
    try:
        holder = LockHolder.from_json(holder_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return holder if holder is not None and holder.is_alive() else None


def process_alive(pid: int, started: str | None = None) -> bool:
    """Whether process ``pid`` runs (and, when ``started`` is known, is the one started then)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        pass
    stat = _process_stat(pid)
    if stat is None:
        return True
    state, start = stat
    if state == "Z":  # a zombie: it has exited, its parent has not collected it yet
        return False
    return started is None or started == start


def _process_stat(pid: int) -> tuple[str, str] | None:
    """A process's state letter and start time from ``/proc`` (``None`` where there is none)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; the fields after it do not.
    fields = text[text.rfind(")") + 2 :].split()
    if len(fields) < 20:
        return None
    return fields[0], fields[19]


def this_process(activity: str, since: datetime) -> LockHolder:
    """This process as the holder of a write lock, doing ``activity`` (writing since ``since``)."""
    pid = os.getpid()
    stat = _process_stat(pid)
    started = stat[1] if stat else None
    return LockHolder(pid, socket.gethostname(), activity, since, started)


class WriteLock:
    """Begins and ends the write transactions of one connection, taking turns with others.

    ``patience`` bounds only a wait for a holder that does not say who it is (another program,
    or an older bims): a bims that names itself and is alive is waited for without limit.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        holder_file: Path | None,
        *,
        activity: str = "a bims command",
        on_wait: LockWait | None = None,
        patience: float = 300.0,
    ) -> None:
        self.connection = connection
        self.holder_file = holder_file
        self.activity = activity
        self.on_wait = on_wait
        self.patience = patience
        self._told: set[tuple[str, int, str | None] | None] = set()
        self._entry: str | None = None

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any exception, Ctrl-C included."""
        self.begin()
        try:
            yield self.connection
        except BaseException:
            self.end(commit=False)
            raise
        self.end(commit=commit)

    def begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting for the write lock; then say who holds it."""
        conn = self.connection
        usual = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        conn.execute(f"PRAGMA busy_timeout = {int(POLL_SECONDS * 1000)}")
        try:
            unknown_since: float | None = None
            while not self._try_begin():
                holder = read_holder(self.holder_file)
                if holder is not None:
                    unknown_since = None
                    self._tell(holder)
                    continue
                now = time.monotonic()
                unknown_since = now if unknown_since is None else unknown_since
                self._while_unknown(now - unknown_since)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {usual}")
        if self._entry is None:  # one entry for all of this writer's transactions
            self._entry = this_process(self.activity, datetime.now(UTC)).to_json()
        self._record(self._entry)

    def end(self, *, commit: bool) -> None:
        """Clear the holder's entry (still under the lock), then commit or roll back."""
        if self.holder_file is not None:
            with contextlib.suppress(OSError):
                self.holder_file.unlink(missing_ok=True)
        if commit:
            self.connection.execute("COMMIT")
        elif self.connection.in_transaction:  # SQLite may have rolled back already
            self.connection.execute("ROLLBACK")

    def _try_begin(self) -> bool:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            return False
        return True

    def _tell(self, holder: LockHolder | None) -> None:
        """Tell the callback, once per holding process, that this writer waits."""
        process = None if holder is None else (holder.host, holder.pid, holder.started)
        # Once a named holder was told, a moment without one is the lock changing hands.
        if process in self._told or (process is None and self._told):
            return
        self._told.add(process)
        if self.on_wait is not None:
            self.on_wait(holder)

    def _while_unknown(self, waited: float) -> None:
        if waited >= self.patience:
            raise LibraryError(
                f"the library is still locked after {self.patience:.0f} s by a program that is "
                "not a bims naming itself (an older bims, or an open sqlite3 shell?); "
                "let it finish and try again"
            )
        if waited >= min(UNKNOWN_GRACE, self.patience / 2):
            self._tell(None)

    def _record(self, entry: str) -> None:
        """Write the side file naming this process (atomically: a reader never sees half)."""
        if self.holder_file is None:
            return
        temporary = self.holder_file.with_name(f"{self.holder_file.name}.{os.getpid()}.tmp")
        # The entry only informs waiting writers: a folder that refuses it must not stop a write.
        with contextlib.suppress(OSError):
            temporary.write_text(entry, encoding="utf-8")
            os.replace(temporary, self.holder_file)


def use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Put the library in WAL mode (a no-op once it is), waiting up to ``timeout`` seconds.

    Switching a new file needs it to itself, and when another process is switching or
    reading it at that moment SQLite answers "database is locked" at once instead of calling
    the busy handler; so this tries again until the timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)
