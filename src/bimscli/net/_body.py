"""Reading one answer's body within a size limit and a deadline, expanding gzip and deflate.

The body is read in chunks as they arrive (never all at once), counted as it comes over the wire
and again as it expands, and given up as soon as either count passes the limit or the deadline
passes: a 1 GB answer costs no more memory than the limit, a gzip bomb expands no further than
the limit, and a server that drips bytes is left when its time is up.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

from urllib3.response import BaseHTTPResponse

CHUNK = 64 * 1024
ACCEPTED_ENCODINGS = "gzip, deflate"
"""What bims asks servers to send (``Accept-Encoding``): the encodings it expands itself."""


class AnswerTooLargeError(Exception):
    """The answer passed the size limit (internal: the HTTP client words the message)."""

    def __init__(self, limit: int, expanded: bool) -> None:
        super().__init__(limit, expanded)
        self.limit = limit
        self.expanded = expanded


class DeadlinePassedError(Exception):
    """The answer did not arrive completely before the deadline (internal)."""


class UnknownEncodingError(Exception):
    """The answer is in a Content-Encoding bims did not ask for (internal)."""


class BrokenEncodingError(Exception):
    """The gzip or deflate stream of an answer is damaged (internal)."""


class _Expander:
    """Expands a gzip or deflate stream, never more than ``room + 1`` bytes at a time.

    Several gzip members follow one another as ``gzip -d`` reads them; bytes after the last
    member that do not start another are ignored, as urllib3 does. A stream that breaks off or
    fails its check is damaged.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        # 16 + MAX_WBITS: a gzip stream; MAX_WBITS: a zlib stream (what "deflate" should be).
        self._wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False
        self._pending = b""
        self._ignoring = False

    def expand(self, data: bytes, room: int) -> bytes:
        """The expansion of ``data``; more than ``room`` bytes means: too large."""
        data, self._pending = self._pending + data, b""
        out = b""
        while data and not self._ignoring and len(out) <= room:
            if self._inflate.eof and not self._next_member(data):
                break
            out += self._inflate_some(data, room - len(out))
            data = self._inflate.unused_data if self._inflate.eof else b""
        return out

    def _next_member(self, data: bytes) -> bool:
        """After a finished member: start the next one if ``data`` begins one."""
        magic = b"\x1f\x8b"
        if self.encoding != "gzip" or not magic.startswith(data[:2]):
            self._ignoring = True
            return False
        if len(data) < len(magic):
            self._pending = data  # the rest of the magic number is in the next chunk
            return False
        self._inflate = zlib.decompressobj(self._wbits)
        return True

    def _inflate_some(self, data: bytes, room: int) -> bytes:
        try:
            out = self._inflate.decompress(data, room + 1)
        except zlib.error:
            if self._started or self.encoding != "deflate":
                raise BrokenEncodingError from None
            # Some servers send "deflate" as a raw deflate stream without the zlib header.
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                out = self._inflate.decompress(data, room + 1)
            except zlib.error:
                raise BrokenEncodingError from None
        self._started = True
        return out

    def finish(self) -> None:
        """The body has ended: raise :class:`BrokenEncodingError` if the stream broke off."""
        if self._started and not self._inflate.eof and not self._ignoring:
            raise BrokenEncodingError


def _expander(content_encoding: str | None) -> _Expander | None:
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Expander("gzip" if encoding == "x-gzip" else encoding)
    raise UnknownEncodingError(encoding)


def _read_some(raw: BaseHTTPResponse) -> bytes:
    """The bytes that have arrived (up to a chunk), without waiting for a full chunk."""
    return raw.read1(CHUNK, decode_content=False)


def read_body(
    raw: BaseHTTPResponse, limit: int, deadline: float, expired: Callable[[], bool]
) -> bytes:
    """The expanded body of a streamed answer, within ``limit`` bytes and ``deadline``.

    ``expired`` tells whether the request's watch shut the connection (its deadline passed).
    Raises :class:`AnswerTooLargeError`, :class:`DeadlinePassedError`,
    :class:`UnknownEncodingError` or :class:`BrokenEncodingError`.
    """
    declared = raw.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise AnswerTooLargeError(limit, expanded=False)
    expander = _expander(raw.headers.get("Content-Encoding"))
    parts: list[bytes] = []
    wire = size = 0
    while True:
        chunk = _read_some(raw)
        if expired() or time.monotonic() > deadline:
            raise DeadlinePassedError
        wire += len(chunk)
        if wire > limit:
            raise AnswerTooLargeError(limit, expanded=False)
        if expander is None:
            out = chunk
        elif chunk:
            out = expander.expand(chunk, limit - size)
        else:
            expander.finish()
            out = b""
        size += len(out)
        if size > limit:
            raise AnswerTooLargeError(limit, expanded=True)
        parts.append(out)
        if not chunk:
            return b"".join(parts)
