"""A deadline for a whole request: connection, headers and body, not only each read.

A socket timeout bounds each read; a server that sends one byte a second never trips it. While
a request is watched (:meth:`Watchdog.watching`), every connection that starts waiting for an
answer hands its socket to the watch, and when the deadline passes the watchdog shuts that
socket down: the blocked read returns at once, whether it waits for headers or for the body.
The requests session must send through :class:`DeadlineAdapter`, whose connections do the
handing over.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Watch:
    """The sockets of one request, shut down when its deadline passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._armed = True
        self.expired = False

    def follow(self, sock: socket.socket | None) -> None:
        """Watch ``sock`` too (shut it at once when the deadline has already passed)."""
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            elif self._armed:
                self._sockets.append(sock)

    def remaining(self) -> float:
        """Seconds left before the deadline (0 once it has passed)."""
        return max(0.0, self.deadline - time.monotonic())

    def expire(self) -> None:
        """The deadline has passed: shut every socket followed, unless the request is over."""
        with self._lock:
            if not self._armed:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def stop(self) -> None:
        """The request is over: its sockets are no longer this watch's to shut."""
        with self._lock:
            self._armed = False
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed by the other side or by urllib3
        sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


class Watchdog:
    """One thread that expires the watch of the request in flight when its deadline passes.

    One thread for all the requests of a client, rather than a timer thread per request:
    starting a thread costs about a millisecond, as much as a request to a local server.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._watch: Watch | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @contextmanager
    def watching(self, deadline: float) -> Iterator[Watch]:
        """Watch every connection this thread waits on until the block ends or ``deadline``."""
        watch = Watch(deadline)
        with self._wake:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bims-deadline", daemon=True)
                self._thread.start()
            self._watch = watch
            self._wake.notify()
        _current.watch = watch
        try:
            yield watch
        finally:
            _current.watch = None
            watch.stop()
            with self._wake:
                if self._watch is watch:
                    self._watch = None

    def close(self) -> None:
        """End the thread."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while not self._closed:
                watch = self._watch
                if watch is None:
                    self._wake.wait()
                elif watch.remaining() > 0:
                    self._wake.wait(watch.remaining())
                else:
                    watch.expire()
                    self._watch = None


def _follow_current(sock: socket.socket | None) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.follow(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> urllib3.HTTPResponse:  # type: ignore[override]  # as urllib3's
        _follow_current(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> urllib3.HTTPResponse:  # type: ignore[override]  # as urllib3's
        _follow_current(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPPool,
    "https": _WatchedHTTPSPool,
}


class DeadlineAdapter(HTTPAdapter):
    """A requests adapter whose connections report to the current :class:`Watch`.

    Connections through a SOCKS proxy are not watched; their reads still stop at the socket
    timeout, and the body at the deadline (:mod:`bimscli.net._body` checks it between reads).
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """The pool manager, with watched connection pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """The manager of an HTTP(S) proxy, with watched connection pools."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is urllib3.ProxyManager:
            manager.pool_classes_by_scheme = _POOLS
        return manager
