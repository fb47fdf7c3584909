"""Reading an input in a child process while the ingest stores what it has read.

Parsing a record takes more CPU than preparing, storing and matching it together, and needs
nothing from the library. For a large input a forked child therefore parses and sends each
batch of records through a pipe as plain values, their records as JSON; the ingest prepares
(:mod:`bimscli.store.prepare`) and stores a batch while the child parses the next. The two run on
two cores, so an ingest takes little more wall time than its parser alone. The JSON gives back
exactly the parsed record, so the library is the same as when one process does everything.

The child never touches the library: the parent owns the transaction, so a failure on
either side (a parser error, the child killed, Ctrl-C) still leaves nothing half-written.
An error in the child is raised again in the parent, with the child's traceback as its cause.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Literal, TypeAlias

from bimscli.errors import BimsError
from bimscli.formats.base import SourceFormat
from bimscli.ingest.reading import (
    Batch,
    EncodedBatch,
    encoded_batches,
    prepare_encoded_batch,
    read_entries,
)
from bimscli.ingest.sources import InputSource


class InReadingProcessError(Exception):
    """Stands for the child's traceback: the cause of an error re-raised in the parent."""


class ReadingProcessError(BimsError):
    """The reading process ended without finishing (killed, or out of memory)."""


class ChildFailure:
    """An exception of the child, made safe to send: the exception itself when it pickles,
    else its type and message, and the child's traceback as text."""

    def __init__(self, exc: BaseException) -> None:
        self.type_name = type(exc).__name__
        self.message = str(exc)
        self.traceback = "".join(traceback.format_exception(exc))
        try:
            self.pickled: bytes | None = pickle.dumps(exc)
            pickle.loads(self.pickled)  # noqa: S301 - it made them itself
        except Exception:
            self.pickled = None

    def exception(self) -> BaseException:
        """The child's exception as the parent raises it."""
        exc: BaseException | None = None
        if self.pickled is not None:
            try:
                exc = pickle.loads(self.pickled)  # noqa: S301 - from our own child
            except Exception:
                exc = None
        if exc is None:
            exc = RuntimeError(f"{self.type_name}: {self.message}")
        exc.__cause__ = InReadingProcessError(f"in the reading process:\n{self.traceback}")
        return exc


Message: TypeAlias = (
    tuple[Literal["batch"], EncodedBatch, int]
    | tuple[Literal["done"], None, int]
    | tuple[Literal["failed"], ChildFailure, int]
)
"""What the child sends: a batch, the end, or its error, each with the stored bytes it read
since the last message (for the progress bar)."""


def can_read_in_process() -> bool:
    """True when a child can be forked safely here: on Linux, from a single-threaded process.

    Forking a process that runs other threads can deadlock the child; macOS system libraries
    are not fork-safe. Elsewhere the ingest reads in its own process, which gives the same
    result more slowly.
    """
    return (
        sys.platform == "linux"
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


QUEUED = 3
"""Batches the child may read ahead while the parent is busy (matching a window of records,
committing): ~15 MB each for PubMed XML."""

PIPE_BYTES = 1 << 20
"""The pipe's buffer (Linux's default limit for it): a batch crosses in 1 MB writes, not 64 KB."""


class _ParentGoneError(Exception):
    """The parent closed its end of the pipe (it gave up on this input)."""


class _Sender:
    """Sends the child's messages from a thread of its own, so the child parses on while the
    parent is busy, up to :data:`QUEUED` messages ahead."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        self._error: _ParentGoneError | None = None
        self._thread = threading.Thread(target=self._run, name="bims sender", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            try:
                self._connection.send_bytes(data)
            except OSError as exc:
                self._error = _ParentGoneError(exc)
                return

    def send(self, message: Message) -> None:
        """Queue ``message``; raises :class:`_ParentGoneError` once the parent is gone."""
        self._put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        """Send what is queued, then stop the thread."""
        self._put(None)
        self._thread.join()

    def _put(self, data: bytes | None) -> None:
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(data, timeout=0.2)
                return
            except queue.Full:
                continue


def _read_into(
    connection: Connection,
    parent_end: Connection,
    source: InputSource,
    fmt: SourceFormat,
    encoding: str,
) -> None:
    """The child: parse the input in batches and send them, then "done" or the error."""
    # Ctrl-C reaches the whole process group; the parent alone decides, and stops the child.
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C held back since the fork is dropped
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # The fork gave this process the parent's end of the pipe too. Closed, the pipe has no
    # reader once the parent is gone (killed, crashed) and sending fails, so the child ends
    # instead of waiting on a full pipe for ever.
    parent_end.close()
    import fcntl  # noqa: PLC0415 - Linux only, as the reading process (none on Windows)

    with suppress(OSError):
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    sender = _Sender(connection)
    unread = 0

    def on_read(count: int) -> None:
        nonlocal unread
        unread += count

    def send(message: Message) -> None:
        nonlocal unread
        sender.send(message)
        unread = 0

    try:
        try:
            for batch in encoded_batches(read_entries(source, fmt, encoding, on_read)):
                send(("batch", batch, unread))
            send(("done", None, unread))
        except _ParentGoneError:
            raise
        except BaseException as exc:
            send(("failed", ChildFailure(exc), unread))
        sender.close()
    except _ParentGoneError:
        pass  # the parent stopped listening: it has given up on this input
    finally:
        connection.close()


@contextmanager
def batches_read_in_process(
    source: InputSource,
    fmt: SourceFormat,
    encoding: str,
    on_read: Callable[[int], None],
    first_id: int,
) -> Iterator[Iterator[Batch]]:
    """The batches :func:`bimscli.ingest.reading.read_batches` gives, parsed by a forked child.

    Leaving the block stops the child if it is still running, whatever ended the block.
    """
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_read_into,
        args=(sending, receiving, source, fmt, encoding),
        name=f"bims reading {source.name}",
        daemon=True,
    )
    # Ctrl-C during the fork would be raised in Python's fork callbacks, which drop it, and the
    # child ignores it: held back until the child runs, it is raised here in the parent.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        child.start()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        receiving.close()
        sending.close()
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        sending.close()
        yield _prepared(_received(receiving, child, on_read), first_id, fmt.priority)
    finally:
        sending.close()  # if a Ctrl-C came before it was
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
        # Its descriptors now, not when the process object is collected: a failed file's
        # report keeps it alive through the exception's traceback.
        child.close()


def _prepared(batches: Iterator[EncodedBatch], first_id: int, priority: int) -> Iterator[Batch]:
    next_id = first_id
    for batch in batches:
        yield prepare_encoded_batch(batch, next_id, priority)
        next_id += len(batch.records)


def _received(
    receiving: Connection,
    child: multiprocessing.process.BaseProcess,
    on_read: Callable[[int], None],
) -> Iterator[EncodedBatch]:
    while True:
        try:
            # Only our own child writes to this pipe.
            message: Message = pickle.loads(receiving.recv_bytes())  # noqa: S301
        except EOFError:
            child.join()
            raise ReadingProcessError(
                f"the process reading this file ended unexpectedly ({_how_ended(child)}"
                "; out of memory?); nothing of this file was stored"
            ) from None
        kind, payload, read = message
        if read:
            on_read(read)
        if kind == "batch":
            assert isinstance(payload, EncodedBatch)
            yield payload
        elif kind == "done":
            return
        else:
            assert isinstance(payload, ChildFailure)
            raise payload.exception()


def _how_ended(child: multiprocessing.process.BaseProcess) -> str:
    code = child.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
