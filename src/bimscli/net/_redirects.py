"""Following a redirect without taking a key or an address where it does not belong.

bims follows redirects itself rather than letting requests do it: requests drops only the
``Authorization`` header on the way to another host, so an ``x-api-key`` header or a
``mailto:`` in the User-Agent would go along. Here, once a redirect leaves the origin (scheme,
host and port) of the first request, every header that carries a credential or contact address
is left behind for the rest of the way, and a target whose URL carries one is not followed.
Only http and https are followed, a loop is recognised, and the number of hops is bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit, urlunsplit

from bimscli.net.secrets import SECRET_PARAMETERS, holds_secret

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
_SECRET_HEADERS = frozenset(name.lower() for name in (*SECRET_PARAMETERS, "Cookie"))


class RedirectRefusedError(Exception):
    """A redirect bims does not follow; the message says why (internal, worded for a user)."""


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL, the port made explicit.

    >>> origin("https://API.crossref.org/works")
    ('https', 'api.crossref.org', 443)
    >>> origin("http://127.0.0.1:8080/x") == origin("http://127.0.0.1:8081/x")
    False
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), parts.port or default


@dataclass(frozen=True, slots=True)
class Hop:
    """One request on the way to an answer: what to send, and whether credentials still go."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None
    with_credentials: bool = True
    visited: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def _method_after(status: int, method: str) -> str:
    """The method of the next hop, as browsers and requests choose it.

    >>> _method_after(303, "POST"), _method_after(302, "POST"), _method_after(307, "POST")
    ('GET', 'GET', 'POST')
    """
    if status == 303 and method != "HEAD":
        return "GET"
    if status in (301, 302) and method == "POST":
        return "GET"
    return method


def shown_target(url: str) -> str:
    """A redirect target as a message shows it: no query, no user info, printable only.

    >>> shown_target("file:///etc/passwd?x=1")
    'file:///etc/passwd'
    >>> shown_target("http://u:p@h:81/a\\x1b[31m")
    'http://h:81/a?[31m'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    text = urlunsplit((parts.scheme, netloc, parts.path, "", ""))[:200]
    return "".join(c if c.isprintable() else "?" for c in text)


def _without_credentials(headers: Mapping[str, str], secrets: Iterable[str]) -> dict[str, str]:
    known = tuple(secrets)
    return {
        name: value
        for name, value in headers.items()
        if name.lower() not in _SECRET_HEADERS and not holds_secret(value, known)
    }


def next_hop(
    hop: Hop, status: int, location: str | None, first_url: str, secrets: Iterable[str]
) -> Hop:
    """Where a redirect answer sends ``hop``; raises :class:`RedirectRefusedError` when bims
    does not follow it."""
    if not location:
        raise RedirectRefusedError(f"answered HTTP {status} without saying where to go")
    target = urljoin(hop.url, location.strip()).split("#", 1)[0]
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise RedirectRefusedError(
            f"redirected to {shown_target(target)}, which bims does not follow"
        )
    visited = hop.visited | {(hop.method, hop.url)}
    if len(visited) > MAX_REDIRECTS:
        raise RedirectRefusedError(f"redirected more than {MAX_REDIRECTS} times")
    method = _method_after(status, hop.method)
    following = replace(
        hop,
        method=method,
        url=target,
        body=hop.body if method == hop.method else None,
        visited=visited,
    )
    if (method, target) in visited:
        raise RedirectRefusedError(f"redirects in a loop ({shown_target(target)})")
    if hop.with_credentials and origin(target) == origin(first_url):
        return following
    known = tuple(secrets)
    if holds_secret(target, known) or (
        following.body and holds_secret(following.body.decode("utf-8", "replace"), known)
    ):
        raise RedirectRefusedError(
            f"redirected to another server ({shown_target(target)}) with a key or address "
            "in the request; not followed"
        )
    return replace(
        following, headers=_without_credentials(hop.headers, known), with_credentials=False
    )
