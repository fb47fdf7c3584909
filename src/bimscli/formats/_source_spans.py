"""An XML element's own bytes in the input, for its raw text.

A streamed XML parser hands over elements, not where they were in the input. Serialising an
element again (``lxml.etree.tostring``) gives equivalent XML, not the source's text, and costs
about a tenth of reading a PubMed file. :class:`KeptBytes` sits between the input and the
parser instead: it keeps the bytes the parser has read that no element has claimed yet, and
:meth:`KeptBytes.claim` cuts the next element of a tag out of them.

This is exact as long as no comment, CDATA section or processing instruction could hide a
tag from the search; at the first sign of one, or of anything else unexpected, the keeper
stops for good and the caller serialises elements as before.
"""

from __future__ import annotations

from typing import BinaryIO

KEEP_AT_MOST = 64 << 20
"""Bytes kept without a claim before the keeper gives up (an element this large, or an input
whose elements are never claimed); memory stays flat either way."""

_LT = ord("<")
_AFTER_NAME = frozenset(b" \t\r\n/>")


def _open_tag(kept: bytearray, tag: bytes, start: int, end: int) -> int:
    """Where the first start tag ``<tag`` (not ``<tagSet``) is in ``kept[start:end]``, or -1;
    ``end`` is where an end tag starts, so a byte always follows a match."""
    at = kept.find(tag, start, end)
    while at != -1 and kept[at + len(tag)] not in _AFTER_NAME:
        at = kept.find(tag, at + 1, end)
    return at


def _markup_in(kept: bytearray, end: int) -> bool:
    """Whether ``kept[:end]`` holds ``<!`` or ``<?``: a comment, CDATA section, processing
    instruction (or declaration), in which text that looks like a tag is none. Found by the
    rare ``!`` and ``?`` (a fast byte search), then the byte before."""
    for mark in (b"!", b"?"):
        at = kept.find(mark, 1, end)
        while at != -1:
            if kept[at - 1] == _LT:
                return True
            at = kept.find(mark, at + 1, end)
    return False


class KeptBytes:
    """A byte stream that keeps what was read until :meth:`claim` takes it.

    >>> import io
    >>> kept = KeptBytes(io.BytesIO(b'<S><A n="1">x</A>\\n<A>y</A></S>'))
    >>> _ = kept.read(1000)
    >>> kept.claim("A"), kept.claim("A"), kept.claim("A")
    ('<A n="1">x</A>', '<A>y</A>', None)
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._kept: bytearray | None = bytearray()
        self.line = 1
        """The line of the first byte kept (what is read after a damage starts there)."""

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the stream, kept until claimed."""
        data = self._stream.read(size)
        if self._kept is not None:
            self._kept += data
            if len(self._kept) > KEEP_AT_MOST:
                self.stop()
        return data

    def stop(self) -> None:
        """Keep nothing more: every later :meth:`claim` gives None."""
        self._kept = None

    def forget(self, count: int) -> None:
        """Drop the first ``count`` bytes kept (a document's prolog, read and checked)."""
        if self._kept is not None:
            self.line += self._kept.count(b"\n", 0, count)
            del self._kept[:count]

    @property
    def size(self) -> int:
        """How many bytes are kept unclaimed (0 once stopped)."""
        return 0 if self._kept is None else len(self._kept)

    def take(self) -> bytes | None:
        """Everything kept, for reading on by other means; the keeper stops. None when it had
        stopped already (it cannot tell where the last claimed element ended)."""
        kept, self._kept = self._kept, None
        return None if kept is None else bytes(kept)

    def claim(self, tag: str) -> str | None:
        """The text of the next element ``tag`` that has been read whole, from its start tag to
        its end tag, as UTF-8; what was kept before it is dropped.

        None when the keeper cannot be sure it has the element (then it stops): the element
        is not there, is empty (``<A/>``) or nests another of its tag, a comment, CDATA
        section or processing instruction comes before its end, or the bytes are not UTF-8.
        """
        kept = self._kept
        if kept is None:
            return None
        name = f"<{tag}".encode("ascii")
        end = kept.find(b"</" + name[1:] + b">")
        start = _open_tag(kept, name, 0, end) if end != -1 else -1
        if start == -1 or _open_tag(kept, name, start + 1, end) != -1 or _markup_in(kept, end):
            self.stop()
            return None
        end += len(name) + 2
        try:
            text = kept[start:end].decode("utf-8")
        except UnicodeDecodeError:
            self.stop()
            return None
        self.forget(end)
        return text
