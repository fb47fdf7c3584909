"""One attempt at a request: sent, redirects followed, the answer read within the limits.

An attempt ends in a :class:`~bimscli.net.cache.StoredAnswer` (the body expanded and without
secrets) or a :class:`Failure` that says what went wrong, whether trying again may help, and
which error to raise when it cannot. The retries around attempts are the HTTP client's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
import urllib3

from bimscli.errors import NetworkError, ServiceUnavailableError, UnusableAnswerError
from bimscli.net._body import (
    ACCEPTED_ENCODINGS,
    AnswerTooLargeError,
    BrokenEncodingError,
    DeadlinePassedError,
    UnknownEncodingError,
    read_body,
)
from bimscli.net._deadline import DeadlineAdapter, Watch, Watchdog
from bimscli.net._redirects import REDIRECT_STATUSES, Hop, RedirectRefusedError, next_hop
from bimscli.net.cache import StoredAnswer
from bimscli.net.secrets import redact_answer

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Failure:
    """Why one attempt failed; ``final`` when retrying cannot help (the error to raise)."""

    problem: str
    retry_after: str | None = None
    unreachable: bool = False
    final: type[NetworkError] | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """How long a wait for bytes may last, how long a request, how much an answer may weigh."""

    timeout: float
    deadline: float
    max_answer_bytes: int


_UNUSABLE_URL = (
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
)
_REFUSALS = (
    RedirectRefusedError,
    AnswerTooLargeError,
    UnknownEncodingError,
    BrokenEncodingError,
    *_UNUSABLE_URL,
)
"""Errors retrying cannot mend: the same request would meet them again."""
_TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)
_BROKEN = (requests.RequestException, urllib3.exceptions.HTTPError, OSError)
"""A connection that broke off (while the body is read, urllib3's own errors come through)."""


def size_text(size: int) -> str:
    """A byte count as a message shows it.

    >>> size_text(64 * 1024 * 1024), size_text(1536), size_text(100)
    ('64 MiB', '1.5 KiB', '100 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.4g} {unit}"
    return f"{size} bytes"


def printable(text: str, limit: int = 80) -> str:
    """Server-given text (a reason phrase) fit for a one-line message.

    >>> printable("Not\\x1b[31m Found\\n")
    'Not?[31m Found?'
    """
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


def is_unreachable(exc: requests.ConnectionError) -> bool:
    """True when no connection could be made at all (no network, unknown host, refused)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def out_of_time(limits: Limits) -> Failure:
    """The failure of a request whose deadline passed."""
    return Failure(
        f"gave no complete answer within {limits.deadline:g} s (the time allowed for one "
        "request); try again later, or use --offline to work from the cache",
        final=ServiceUnavailableError,
    )


def _too_large(large: AnswerTooLargeError) -> Failure:
    how = "once expanded" if large.expanded else "as sent"
    problem = (
        f"answered with more than {size_text(large.limit)} ({how}), the most bims reads as "
        "one answer; the answer was not kept"
    )
    return Failure(problem, final=UnusableAnswerError)


def _refusal(exc: Exception) -> Failure:
    """The failure of an attempt that ended in one of the errors retrying cannot mend."""
    if isinstance(exc, AnswerTooLargeError):
        return _too_large(exc)
    if isinstance(exc, UnknownEncodingError):
        problem = f"answered in an encoding bims did not ask for ({exc.args[0]!r})"
        return Failure(problem, final=UnusableAnswerError)
    if isinstance(exc, BrokenEncodingError):
        return Failure("answered with a damaged gzip or deflate body", final=UnusableAnswerError)
    if isinstance(exc, _UNUSABLE_URL):
        problem = f"cannot be sent ({type(exc).__name__}); check the service's base URL"
        return Failure(problem, final=ServiceUnavailableError)
    return Failure(str(exc), final=ServiceUnavailableError)  # a redirect bims does not follow


class Sender:
    """Sends attempts through one requests session and counts the requests that went out."""

    def __init__(self, limits: Limits, user_agent: str) -> None:
        self.limits = limits
        self.session = requests.Session()
        adapter = DeadlineAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept-Encoding"] = ACCEPTED_ENCODINGS
        self.watchdog = Watchdog()
        self.sent = 0

    def close(self) -> None:
        """Close the session's connections and end the watchdog."""
        self.session.close()
        self.watchdog.close()

    def attempt(
        self,
        first: requests.PreparedRequest,
        headers: Mapping[str, str],
        secrets: Collection[str],
        deadline: float,
        pace: Callable[[], None] = lambda: None,
    ) -> StoredAnswer | Failure:
        """One attempt at ``first`` (sent with the caller's ``headers``), redirects followed;
        ``pace`` is called right before each request goes out (a rate limiter's wait)."""
        # The exceptions' texts may hold the URL with its key: only their type is ever shown.
        with self.watchdog.watching(deadline) as watch:
            try:
                return self._exchange(first, headers, secrets, (watch, pace))
            except (DeadlinePassedError, *_REFUSALS, *_TIMEOUTS, *_BROKEN) as exc:
                return self._failure_of(exc, watch)

    def _failure_of(self, exc: Exception, watch: Watch) -> Failure:
        if isinstance(exc, _REFUSALS):
            return _refusal(exc)
        if isinstance(exc, DeadlinePassedError) or watch.expired:
            return out_of_time(self.limits)  # the watch cut the connection: not a mere failure
        if isinstance(exc, _TIMEOUTS):
            return Failure(f"no answer within {self.limits.timeout:g} s")
        unreachable = isinstance(exc, requests.ConnectionError) and is_unreachable(exc)
        return Failure(f"connection failed: {type(exc).__name__}", unreachable=unreachable)

    def _exchange(
        self,
        first: requests.PreparedRequest,
        headers: Mapping[str, str],
        secrets: Collection[str],
        clock: tuple[Watch, Callable[[], None]],
    ) -> StoredAnswer | Failure:
        """Send ``first`` and follow its redirects to an answer (``clock``: the request's watch
        and the pace of its service)."""
        watch, pace = clock
        body = first.body.encode("utf-8") if isinstance(first.body, str) else first.body
        content_type = first.headers.get("Content-Type")
        sent_headers = {**headers, **({"Content-Type": content_type} if content_type else {})}
        hop = Hop(first.method or "GET", first.url or "", sent_headers, body)
        prepared = first
        while True:
            response = self._send(prepared, watch, pace)
            with response:
                if response.status_code not in REDIRECT_STATUSES:
                    return self._answer_of(response, secrets, watch)
                location = response.headers.get("Location")
                hop = next_hop(hop, response.status_code, location, first.url or "", secrets)
            prepared = self._prepare_hop(hop)

    def _prepare_hop(self, hop: Hop) -> requests.PreparedRequest:
        headers = {
            name: value
            for name, value in hop.headers.items()
            if hop.body is not None or name.lower() != "content-type"
        }
        request = requests.Request(hop.method, hop.url, headers=headers, data=hop.body)
        return self.session.prepare_request(request)

    def _send(
        self, prepared: requests.PreparedRequest, watch: Watch, pace: Callable[[], None]
    ) -> requests.Response:
        pace()
        wait = min(self.limits.timeout, watch.remaining())
        if wait <= 0:
            raise DeadlinePassedError
        self.sent += 1
        return self.session.send(prepared, stream=True, allow_redirects=False, timeout=(wait, wait))

    def _answer_of(
        self, response: requests.Response, secrets: Collection[str], watch: Watch
    ) -> StoredAnswer | Failure:
        status = response.status_code
        if status in RETRY_STATUSES:
            return Failure(f"HTTP {status}", response.headers.get("Retry-After"))
        if status >= 400 and status != 404:
            # A refused key refuses every request; other client errors concern this one only.
            error = ServiceUnavailableError if status in (401, 403) else NetworkError
            problem = (
                f"answered HTTP {status} {printable(response.reason or '')}; "
                "check the service's base URL and API key"
            )
            return Failure(problem, final=error)
        limit = self.limits.max_answer_bytes
        body = read_body(response.raw, limit, watch.deadline, lambda: watch.expired)
        text = body.decode("utf-8", errors="replace")
        kept = redact_answer(text, secrets)
        return StoredAnswer(
            status=status,
            reason=response.reason or "",
            headers=dict(response.headers),
            body=body if kept == text else kept.encode("utf-8"),
            fetched_at=datetime.now(UTC),
            expired=False,
        )
