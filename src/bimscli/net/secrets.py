"""Keeping a user's API keys and e-mail address out of everything bims keeps or shows.

A key travels only in the request that needs it. Whatever a server does with it (echoes it in a
redirect, an error page or an answer body), :func:`redact` takes it out of the text before that
text is cached, stored as a record's raw text or printed; :func:`public_url` is the URL of a
request as provenance and messages show it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote_plus, urlencode, urlsplit, urlunsplit

SECRET_PARAMETERS = ("api_key", "email", "mailto", "tool", "x-api-key", "Authorization")
"""Query parameters and headers that identify the user: never cached, logged or shown."""

MIN_SECRET_LENGTH = 6
"""Shorter values are not looked for in answer bodies: they would rewrite ordinary words (real
NCBI keys have 36 characters, Semantic Scholar keys 40, an e-mail address at least 6)."""


def secret_spellings(secret: str) -> tuple[str, ...]:
    """The ways a secret can appear in text a server sends back: as is and URL-encoded.

    >>> secret_spellings("me+1@x.org")
    ('me+1@x.org', 'me%2B1%40x.org', 'me%2B1@x.org')
    >>> secret_spellings("")
    ()
    """
    if not secret:
        return ()
    forms = (secret, quote_plus(secret), quote(secret, safe=""), quote(secret, safe="@"))
    return tuple(dict.fromkeys(forms))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value, also URL-encoded, replaced by ``***``.

    >>> redact("GET /x?api_key=s3cr3t failed", ("s3cr3t",))
    'GET /x?api_key=*** failed'
    >>> redact("?email=me%40x.org", ("me@x.org",))
    '?email=***'
    """
    spellings = {form for secret in secrets for form in secret_spellings(secret)}
    for form in sorted(spellings, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def redact_answer(text: str, secrets: Iterable[str]) -> str:
    """An answer body without the secrets long enough to be told from ordinary text.

    >>> redact_answer("key NCBI-0123456789 and k", ("NCBI-0123456789", "k"))
    'key *** and k'
    """
    return redact(text, [s for s in secrets if len(s) >= MIN_SECRET_LENGTH])


def holds_secret(text: str, secrets: Iterable[str]) -> bool:
    """Whether ``text`` (a URL, a header) carries one of the secrets, also URL-encoded.

    >>> holds_secret("http://h/x?key=me%40x.org", ["me@x.org"])
    True
    >>> holds_secret("http://h/x", ["me@x.org", ""])
    False
    """
    decoded = unquote_plus(text)
    return any(s and (s in text or s in decoded) for s in secrets)


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


class RedactingLogFilter(logging.Filter):
    """Takes the secrets out of log records: urllib3 logs each request line, query and all, at
    DEBUG level, which a program using bims as a library may well show."""

    LOGGERS = ("urllib3.connectionpool", "urllib3.connection", "urllib3.response")

    def __init__(self, secrets: Collection[str]) -> None:
        super().__init__()
        self.secrets = secrets  # shared with the HTTP client: keys it learns later count too

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record, its message without secrets."""
        if self.secrets:
            message = record.getMessage()
            cleaned = redact(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True

    def install(self) -> None:
        """Filter the records of urllib3's loggers."""
        for name in self.LOGGERS:
            logging.getLogger(name).addFilter(self)

    def remove(self) -> None:
        """Stop filtering."""
        for name in self.LOGGERS:
            logging.getLogger(name).removeFilter(self)
