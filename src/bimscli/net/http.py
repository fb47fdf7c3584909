"""One HTTP client for every online service: cache, rate limits, retries, secrets kept out.

:class:`HttpClient` wraps a single :class:`requests.Session` (a requests-cache
``CachedSession`` with an SQLite file when a cache directory is given). Each request names a
:class:`ServicePolicy` whose rate limit it honours. Answers from the cache cost no waiting and
work offline; 429 and 5xx answers, timeouts and broken connections are retried with
exponential backoff, honouring ``Retry-After``. Secrets (API keys, e-mail addresses) never
reach the cache keys, the stored responses, the provenance URL or an error message.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
import urllib3
from requests_cache import CachedSession

from bimscli import __version__
from bimscli.errors import NetworkError

USER_AGENT = f"bims/{__version__} (reference ingester for literature curators)"
SECRET_PARAMETERS = ("api_key", "email", "mailto", "tool", "x-api-key", "Authorization")
"""Query parameters and headers that identify the user: never cached, logged or shown."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CACHED_STATUSES = (200, 404)
"""404 is a definite answer ("no such DOI"): caching it keeps a re-run from asking again."""


class NotCachedError(NetworkError):
    """Offline, and the answer is not in the cache."""


class ServiceUnavailableError(NetworkError):
    """A service could not be reached or kept failing: asking it again now is pointless."""


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


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Settings of the one HTTP client; ``cache_dir=None`` switches the cache off."""

    cache_dir: Path | None = None
    expire_after: timedelta = timedelta(days=30)
    timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    offline: bool = False
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """An answer as bims keeps it: status, body, the URL without secrets, when it was fetched."""

    status: int
    text: str
    url: str
    fetched_at: datetime
    from_cache: bool
    headers: Mapping[str, str] = field(default_factory=dict)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret value replaced by ``***``.

    >>> redact("GET /x?api_key=s3cr3t failed", ("s3cr3t",))
    'GET /x?api_key=*** failed'
    """
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def public_url(url: str, params: Mapping[str, str] | None = None) -> str:
    """The request URL with its query, less the secret parameters (for provenance and logs).

    >>> public_url("https://x.org/efetch.fcgi", {"id": "1,2", "api_key": "k", "email": "e"})
    'https://x.org/efetch.fcgi?id=1%2C2'
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in (params or {}).items() if k not in SECRET_PARAMETERS]
    existing = parts.query
    encoded = "&".join(q for q in (existing, urlencode(query)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, encoded, ""))


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


def _is_unreachable(exc: requests.ConnectionError) -> bool:
    """True when no connection could be made at all (no network, unknown host, refused)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _open_session(settings: HttpSettings) -> requests.Session:
    if settings.cache_dir is None:
        session = requests.Session()
    else:
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        session = CachedSession(
            str(settings.cache_dir / "http-cache.sqlite"),
            backend="sqlite",
            expire_after=settings.expire_after,
            allowable_codes=CACHED_STATUSES,
            allowable_methods=("GET", "POST"),
            ignored_parameters=[*SECRET_PARAMETERS, "User-Agent"],
            match_headers=False,
            stale_if_error=False,
        )
    session.headers["User-Agent"] = settings.user_agent
    return session


@dataclass(frozen=True, slots=True)
class _Request:
    service: ServicePolicy
    method: str
    url: str
    params: Mapping[str, str]
    json: Any
    headers: Mapping[str, str]
    secrets: tuple[str, ...]

    @property
    def shown(self) -> str:
        return f"{self.service.name}: {self.method} {public_url(self.url, self.params)}"


@dataclass(frozen=True, slots=True)
class _Failure:
    """Why one attempt failed: a timeout, a broken connection, a 429 or 5xx answer."""

    problem: str
    retry_after: str | None = None
    unreachable: bool = False


class HttpClient:
    """The one HTTP client of bims. Create one per run and close it (or use ``with``)."""

    def __init__(self, settings: HttpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._session = _open_session(settings)
        self._sleep = sleep
        self._limiters: dict[str, RateLimiter] = {}
        self.network_requests = 0
        """How many requests went out to the network (cache hits excluded)."""

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session and the cache file."""
        self._session.close()

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
        valid: Callable[[str], bool] | None = None,
    ) -> HttpResponse:
        """Send one request, from the cache when possible; a 404 is returned, not raised.

        ``secrets`` are the values (API keys, e-mail) to keep out of every message. ``valid``
        checks a 200 answer's body (well-formed JSON or XML); a malformed one is not cached
        and raises. Raises :class:`NetworkError` when offline and not cached, on other 4xx
        answers, on malformed bodies and when retries are exhausted.
        """
        call = _Request(service, method, url, params or {}, json, headers or {}, secrets)
        prepared = self._session.prepare_request(
            requests.Request(method, url, params=call.params, json=json, headers=call.headers)
        )
        cached = self._cached(prepared)
        if cached is not None:
            return self._response(call, cached, from_cache=True)
        if self.settings.offline:
            raise NotCachedError(
                f"offline and not in cache: {call.shown}; run again without --offline "
                "when the network is available"
            )
        response = self._send_with_retries(call, prepared)
        if response.status == 200 and valid is not None and not valid(response.text):
            self._forget(prepared)
            raise NetworkError(
                redact(
                    f"{call.shown} answered with a malformed body "
                    f"({response.text[:60]!r}…); try again later",
                    call.secrets,
                )
            )
        return response

    def _cache_key(self, prepared: requests.PreparedRequest) -> str | None:
        if not isinstance(self._session, CachedSession):
            return None
        return self._session.cache.create_key(prepared)

    def _cached(self, prepared: requests.PreparedRequest) -> requests.Response | None:
        key = self._cache_key(prepared)
        if key is None or not isinstance(self._session, CachedSession):
            return None
        response = self._session.cache.get_response(key)
        if response is None or (response.is_expired and not self.settings.offline):
            return None  # offline, an expired answer is better than none
        return response

    def _forget(self, prepared: requests.PreparedRequest) -> None:
        key = self._cache_key(prepared)
        if key is not None and isinstance(self._session, CachedSession):
            self._session.cache.delete(key)

    def _limiter(self, service: ServicePolicy) -> RateLimiter:
        if service.name not in self._limiters:
            self._limiters[service.name] = RateLimiter(service.min_interval, sleep=self._sleep)
        return self._limiters[service.name]

    def _send_with_retries(
        self, call: _Request, prepared: requests.PreparedRequest
    ) -> HttpResponse:
        failure = _Failure("not sent")
        for attempt in range(self.settings.max_retries + 1):
            if attempt:
                self._sleep(self._retry_wait(attempt, failure, call))
            self._limiter(call.service).wait()
            self.network_requests += 1
            outcome = self._send_once(prepared)
            if isinstance(outcome, requests.Response):
                return self._checked(call, outcome)
            if outcome.unreachable:
                raise ServiceUnavailableError(
                    redact(
                        f"cannot connect to {call.service.name} ({urlsplit(call.url).netloc}); "
                        "check the network, or use --offline to work from the cache",
                        call.secrets,
                    )
                )
            failure = outcome
        raise ServiceUnavailableError(
            redact(
                f"{call.shown} failed after {self.settings.max_retries + 1} attempts "
                f"({failure.problem}); try again later, or use --offline to work from the cache",
                call.secrets,
            )
        )

    def _send_once(self, prepared: requests.PreparedRequest) -> requests.Response | _Failure:
        """The response, or why this attempt failed in a way worth retrying."""
        try:
            response = self._session.send(prepared, timeout=self.settings.timeout)
        except requests.Timeout:
            return _Failure(f"no answer within {self.settings.timeout:g} s")
        except requests.ConnectionError as exc:
            # No network, no such host, connection refused: retrying will not help now. (The
            # exception's text may hold the URL with its key, so it is never shown.)
            return _Failure(
                f"connection failed: {type(exc).__name__}", unreachable=_is_unreachable(exc)
            )
        except requests.RequestException as exc:
            return _Failure(f"connection failed: {type(exc).__name__}")
        if response.status_code in RETRY_STATUSES:
            retry_after = response.headers.get("Retry-After")
            return _Failure(f"HTTP {response.status_code}", retry_after)
        return response

    def _retry_wait(self, attempt: int, failure: _Failure, call: _Request) -> float:
        """Backoff doubling per attempt, or the server's ``Retry-After`` when it gave one."""
        backoff: float = min(self.settings.backoff * 2.0 ** (attempt - 1), self.settings.max_wait)
        asked = retry_after_seconds(failure.retry_after)
        if asked is None:
            return backoff
        if asked > self.settings.max_wait:
            raise ServiceUnavailableError(
                redact(
                    f"{call.shown}: the service asks to wait {asked:.0f} s before retrying; "
                    "try again later",
                    call.secrets,
                )
            )
        return asked

    def _checked(self, call: _Request, response: requests.Response) -> HttpResponse:
        if response.status_code == 404 or response.ok:
            return self._response(call, response, from_cache=False)
        # A refused key refuses every request; other client errors concern this one only.
        error = ServiceUnavailableError if response.status_code in (401, 403) else NetworkError
        raise error(
            redact(
                f"{call.shown} answered HTTP {response.status_code} {response.reason}; "
                "check the service's base URL and API key",
                call.secrets,
            )
        )

    def _response(
        self, call: _Request, response: requests.Response, *, from_cache: bool
    ) -> HttpResponse:
        fetched = getattr(response, "created_at", None) if from_cache else None
        if isinstance(fetched, datetime) and fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        return HttpResponse(
            status=response.status_code,
            text=response.content.decode("utf-8", errors="replace"),
            url=public_url(call.url, call.params),
            fetched_at=fetched if isinstance(fetched, datetime) else datetime.now(UTC),
            from_cache=from_cache,
            headers={k: v for k, v in response.headers.items() if k not in SECRET_PARAMETERS},
        )
