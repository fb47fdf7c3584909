"""A deadline for a whole request: connection, headers and body, not only each read.

A socket timeout bounds each read; a server that sends one byte a second never trips it. While
a request is *watched* (:func:`watching`), every connection that starts waiting for an answer
hands its socket to the watch, and when the deadline passes the watch shuts that socket down:
the blocked read returns at once, whether it waits for headers or for the body. The requests
session must send through :class:`DeadlineAdapter`, whose connections do the handing over.
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
from urllib3.response import BaseHTTPResponse


class Watch:
    """The sockets of one request, shut down when its deadline passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._armed = True
        self.expired = False
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._timer.daemon = True

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

    def _expire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def start(self) -> None:
        """Start the clock."""
        self._timer.start()

    def stop(self) -> None:
        """The request is over: its sockets are no longer this watch's to shut."""
        self._timer.cancel()
        with self._lock:
            self._armed = False
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed by the other side or by urllib3
        sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


@contextmanager
def watching(deadline: float) -> Iterator[Watch]:
    """Watch every connection this thread waits on until the block ends or ``deadline``."""
    watch = Watch(deadline)
    _current.watch = watch
    watch.start()
    try:
        yield watch
    finally:
        watch.stop()
        _current.watch = None


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


def connection_of(raw: BaseHTTPResponse) -> HTTPConnection | None:
    """The connection a streamed answer is read from, if urllib3 still holds it."""
    connection = getattr(raw, "connection", None)
    return connection if isinstance(connection, HTTPConnection) else None
