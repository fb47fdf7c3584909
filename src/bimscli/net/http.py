"""One HTTP client for every online service: cache, rate limits, retries, limits, secrets kept out.

:class:`HttpClient` sends through one :class:`requests.Session` and keeps answers in an
:class:`~bimscli.net.cache.AnswerCache` when a cache directory is given. Each request names a
:class:`ServicePolicy` whose rate limit it honours. Answers from the cache cost no waiting and
work offline; 429 and 5xx answers, timeouts and broken connections are retried with
exponential backoff, honouring ``Retry-After``; other failures cannot heal and are not retried.

Every request is bounded: its answer may weigh at most ``max_answer_bytes`` (as sent and once
expanded from gzip or deflate), and the whole request, retries included, ends at its
``deadline`` however slowly a server drips. Redirects are followed by bims itself
(:mod:`bimscli.net._redirects`): keys and addresses never go to another origin. Secrets (API
keys, e-mail addresses) never reach the cache, the stored answers, the provenance URL or an
error message, even when a server echoes them.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from bimscli import __version__
from bimscli.errors import (
    NotCachedError,
    ServiceUnavailableError,
    UnusableAnswerError,
    UsageError,
)
from bimscli.net._attempt import RETRY_STATUSES, Failure, Limits, Sender, out_of_time
from bimscli.net.cache import AnswerCache, StoredAnswer
from bimscli.net.secrets import (
    SECRET_PARAMETERS,
    RedactingLogFilter,
    public_url,
    redact,
    redact_answer,
)

__all__ = [
    "RETRY_STATUSES",
    "SECRET_PARAMETERS",
    "HttpClient",
    "HttpResponse",
    "HttpSettings",
    "NotCachedError",
    "RateLimiter",
    "ServicePolicy",
    "ServiceUnavailableError",
    "UnusableAnswerError",
    "public_url",
    "redact",
]

USER_AGENT = f"bims/{__version__} (reference ingester for literature curators)"
CACHED_STATUSES = (200, 404)
"""404 is a definite answer ("no such DOI"): caching it keeps a re-run from asking again."""


@dataclass(frozen=True, slots=True)
class ServicePolicy:
    """How politely to talk to one service: its name and the least time between requests."""

    name: str
    min_interval: float


CACHE_ENV = "BIMS_CACHE_DIR"


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$BIMS_CACHE_DIR``, else ``$XDG_CACHE_HOME/bims``, else ``~/.cache/bims``.

    >>> str(default_cache_dir({"XDG_CACHE_HOME": "/c"}))
    '/c/bims'
    """
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bims"


DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Settings of the one HTTP client; ``cache_dir=None`` switches the cache off.

    ``timeout`` bounds each wait for bytes (connecting, each read); ``deadline`` the whole of
    one request, its retries and their waits included; ``max_answer_bytes`` one answer's body,
    both as sent and once expanded.
    """

    cache_dir: Path | None = None
    expire_after: timedelta = timedelta(days=30)
    timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    offline: bool = False
    user_agent: str = USER_AGENT
    deadline: float = DEFAULT_DEADLINE
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES

    def with_environment_limits(self, environ: Mapping[str, str] = os.environ) -> HttpSettings:
        """These settings with the limits set in ``BIMS_HTTP_TIMEOUT`` (seconds),
        ``BIMS_HTTP_DEADLINE`` (seconds) and ``BIMS_HTTP_MAX_ANSWER_MB`` (MiB), where set.

        >>> limits = HttpSettings().with_environment_limits({"BIMS_HTTP_MAX_ANSWER_MB": "0.5"})
        >>> limits.max_answer_bytes, limits.deadline
        (524288, 120.0)
        """
        timeout = _positive(environ, "BIMS_HTTP_TIMEOUT", self.timeout)
        deadline = _positive(environ, "BIMS_HTTP_DEADLINE", self.deadline)
        mebibytes = _positive(environ, "BIMS_HTTP_MAX_ANSWER_MB", self.max_answer_bytes / 2**20)
        return replace(
            self, timeout=timeout, deadline=deadline, max_answer_bytes=int(mebibytes * 2**20)
        )


def _positive(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise UsageError(
            f"{name} must be a positive number, not {text!r}; unset it for the default"
        )
    return value


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """An answer as bims keeps it: status, body, the URL without secrets, when it was fetched."""

    status: int
    text: str
    url: str
    fetched_at: datetime
    from_cache: bool
    headers: Mapping[str, str] = field(default_factory=dict)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: delta seconds or an HTTP date.

    >>> retry_after_seconds("2")
    2.0
    >>> when = datetime(2025, 6, 9, 12, 0, 0, tzinfo=UTC)
    >>> retry_after_seconds("Mon, 09 Jun 2025 12:00:03 GMT", now=when)
    3.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return max(0.0, (date - (now or datetime.now(UTC))).total_seconds())


class RateLimiter:
    """Keeps at least ``min_interval`` seconds between the starts of a service's requests."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until the next request may start, then mark it as started."""
        if self._last is not None:
            remaining = self._last + self.min_interval - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last = self._clock()


@dataclass(frozen=True, slots=True)
class _Request:
    service: ServicePolicy
    method: str
    url: str
    params: Mapping[str, str]
    headers: Mapping[str, str]

    @property
    def shown(self) -> str:
        return f"{self.service.name}: {self.method} {public_url(self.url, self.params)}"


Validator = Callable[[str], str | None]
"""Says what is wrong with a 200 answer's text (malformed, too deep, …), or None."""


class HttpClient:
    """The one HTTP client of bims. Create one per run and close it (or use ``with``)."""

    def __init__(self, settings: HttpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        limits = Limits(settings.timeout, settings.deadline, settings.max_answer_bytes)
        self._sender = Sender(limits, settings.user_agent)
        self._cache = (
            AnswerCache(settings.cache_dir, settings.expire_after) if settings.cache_dir else None
        )
        self._sleep = sleep
        self._limiters: dict[str, RateLimiter] = {}
        self._secrets: set[str] = set()
        self._log_filter = RedactingLogFilter(self._secrets)
        self._log_filter.install()

    @property
    def network_requests(self) -> int:
        """How many requests went out to the network (cache hits excluded, redirects counted)."""
        return self._sender.sent

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session and the cache file."""
        self._log_filter.remove()
        self._sender.close()
        if self._cache is not None:
            self._cache.close()

    def request(
        self,
        service: ServicePolicy,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        secrets: tuple[str, ...] = (),
        valid: Validator | None = None,
    ) -> HttpResponse:
        """Send one request, from the cache when possible; a 404 is returned, not raised.

        ``secrets`` are the values (API keys, e-mail) to keep out of everything stored and
        every message. ``valid`` checks a 200 answer's text; an answer it finds wrong is not
        cached and raises :class:`UnusableAnswerError`, as does an answer over the size
        limit. Raises :class:`NetworkError` when offline and not cached and on other 4xx
        answers, :class:`ServiceUnavailableError` when retries or the deadline are exhausted.
        """
        self._secrets.update(s for s in secrets if s)
        call = _Request(service, method, url, params or {}, headers or {})
        first = self._sender.session.prepare_request(
            requests.Request(method, url, params=call.params, json=json, headers=call.headers)
        )
        key = self._cache.key(first) if self._cache is not None else None
        cached = self._cached(key, valid)
        if cached is not None:
            return self._response(call, cached, from_cache=True)
        if self.settings.offline:
            raise NotCachedError(
                f"offline and not in cache: {call.shown}; run again without --offline "
                "when the network is available"
            )
        answer = self._send_with_retries(call, first)
        problem = self._problem(answer, valid)
        if problem is not None:
            raise UnusableAnswerError(
                self._redacted(f"{call.shown} answered with {problem}; the answer was not kept")
            )
        if self._cache is not None and key is not None and answer.status in CACHED_STATUSES:
            asked = (method, public_url(url, call.params))
            self._cache.put(key, answer, asked, self._secrets)
        return self._response(call, answer, from_cache=False)

    def _redacted(self, message: str) -> str:
        return redact(message, self._secrets)

    @staticmethod
    def _problem(answer: StoredAnswer, valid: Validator | None) -> str | None:
        if answer.status != 200 or valid is None:
            return None
        return valid(answer.body.decode("utf-8", errors="replace"))

    def _cached(self, key: str | None, valid: Validator | None) -> StoredAnswer | None:
        if key is None or self._cache is None:
            return None
        answer = self._cache.get(key)
        if answer is None or (answer.expired and not self.settings.offline):
            return None  # offline, an expired answer is better than none
        # An answer an older bims kept without today's checks is asked for again.
        return answer if self._problem(answer, valid) is None else None

    def _limiter(self, service: ServicePolicy) -> RateLimiter:
        if service.name not in self._limiters:
            self._limiters[service.name] = RateLimiter(service.min_interval, sleep=self._sleep)
        return self._limiters[service.name]

    def _send_with_retries(self, call: _Request, first: requests.PreparedRequest) -> StoredAnswer:
        deadline = time.monotonic() + self.settings.deadline
        failure = Failure("not sent")
        for attempt in range(self.settings.max_retries + 1):
            if attempt:
                self._wait_to_retry(attempt, failure, call, deadline)
            pace = self._limiter(call.service).wait  # each hop, right before it goes out
            outcome = self._sender.attempt(first, call.headers, self._secrets, deadline, pace)
            if isinstance(outcome, StoredAnswer):
                return outcome
            if outcome.final is not None:
                raise outcome.final(self._redacted(f"{call.shown} {outcome.problem}"))
            if outcome.unreachable:
                raise ServiceUnavailableError(
                    self._redacted(
                        f"cannot connect to {call.service.name} ({urlsplit(call.url).netloc}); "
                        "check the network, or use --offline to work from the cache"
                    )
                )
            failure = outcome
        raise ServiceUnavailableError(
            self._redacted(
                f"{call.shown} failed after {self.settings.max_retries + 1} attempts "
                f"({failure.problem}); try again later, or use --offline to work from the cache"
            )
        )

    def _wait_to_retry(
        self, attempt: int, failure: Failure, call: _Request, deadline: float
    ) -> None:
        """Sleep the backoff (doubling per attempt) or the server's ``Retry-After``."""
        backoff: float = min(self.settings.backoff * 2.0 ** (attempt - 1), self.settings.max_wait)
        asked = retry_after_seconds(failure.retry_after)
        if asked is not None and asked > self.settings.max_wait:
            raise ServiceUnavailableError(
                self._redacted(
                    f"{call.shown}: the service asks to wait {asked:.0f} s before retrying; "
                    "try again later"
                )
            )
        wait = backoff if asked is None else asked
        if time.monotonic() + wait >= deadline:
            late = out_of_time(self._sender.limits).problem
            raise ServiceUnavailableError(
                self._redacted(f"{call.shown} ({failure.problem}) {late}")
            )
        self._sleep(wait)

    def _response(self, call: _Request, answer: StoredAnswer, *, from_cache: bool) -> HttpResponse:
        return HttpResponse(
            status=answer.status,
            text=redact_answer(answer.body.decode("utf-8", errors="replace"), self._secrets),
            url=self._redacted(public_url(call.url, call.params)),
            fetched_at=answer.fetched_at,
            from_cache=from_cache,
            headers={
                name: self._redacted(value)
                for name, value in answer.headers.items()
                if name not in SECRET_PARAMETERS
            },
        )
