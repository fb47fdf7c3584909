"""The on-disk HTTP cache: answers by request, with an expiry, and nothing secret in it.

The cache is a requests-cache SQLite file, but bims decides what goes in: one entry per request
as it was asked (never the hops of a redirect), holding the status, the final body, the
answer's headers and the request's public URL, each with the known secrets taken out. Keys
ignore the secret parameters, so changing a key does not empty the cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from requests.structures import CaseInsensitiveDict
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.cache_keys import create_key
from requests_cache.models.request import CachedRequest
from requests_cache.models.response import CachedResponse

from bimscli.net.secrets import SECRET_PARAMETERS, redact

CACHE_FILE = "http-cache.sqlite"
IGNORED_PARAMETERS = (*SECRET_PARAMETERS, "User-Agent")
"""Left out of cache keys: the same question asked with another key or address is the same."""
_UNSTORED_HEADERS = frozenset(
    ("content-encoding", "content-length", "transfer-encoding", "set-cookie", "connection")
)
"""The stored body is the expanded one without secrets: these would no longer describe it."""


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as the cache holds it."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime
    expired: bool


class AnswerCache:
    """The cache file in ``directory``; answers stay fresh for ``expire_after``."""

    def __init__(self, directory: Path, expire_after: timedelta) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.expire_after = expire_after
        self._backend = SQLiteCache(str(directory / CACHE_FILE))

    def close(self) -> None:
        """Close the cache file."""
        self._backend.close()  # type: ignore[no-untyped-call]  # requests-cache: untyped

    def key(self, request: requests.PreparedRequest) -> str:
        """The cache key of a request, as requests-cache computes it (its files stay usable)."""
        return create_key(
            request,
            ignored_parameters=IGNORED_PARAMETERS,
            match_headers=False,
            serializer=self._backend.responses.serializer,
        )

    def get(self, key: str) -> StoredAnswer | None:
        """The answer stored under ``key``, fresh or expired, or None."""
        response = self._backend.get_response(key)
        if response is None:
            return None
        fetched = response.created_at
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        return StoredAnswer(
            status=response.status_code,
            reason=response.reason or "",
            headers=dict(response.headers),
            body=response.content or b"",
            fetched_at=fetched,
            expired=response.is_expired,
        )

    def put(
        self,
        key: str,
        answer: StoredAnswer,
        request: tuple[str, str],
        secrets: Iterable[str],
    ) -> None:
        """Store ``answer`` (body already free of secrets) as the answer to ``request``, a
        method and a URL without secret parameters."""
        method, url = request
        known = tuple(secrets)
        headers = CaseInsensitiveDict(
            {
                name: redact(value, known)
                for name, value in answer.headers.items()
                if name.lower() not in _UNSTORED_HEADERS
            }
        )
        public = redact(url, known)
        response = CachedResponse(
            content=answer.body,
            headers=headers,
            status_code=answer.status,
            reason=redact(answer.reason, known),
            url=public,
            request=CachedRequest(method=method, url=public),
            created_at=answer.fetched_at,
            encoding="utf-8",
        )
        expires = answer.fetched_at + self.expire_after
        self._backend.save_response(response, cache_key=key, expires=expires)
