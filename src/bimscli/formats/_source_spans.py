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

import re
from functools import cache
from typing import BinaryIO

KEEP_AT_MOST = 64 << 20
"""Bytes kept without a claim before the keeper gives up (an element this large, or an input
whose elements are never claimed); memory stays flat either way."""

_HIDING = (b"<!--", b"<![CDATA[")
"""What can hold text that looks like a tag but is none."""


@cache
def _start_tag(tag: str) -> re.Pattern[bytes]:
    return re.compile(rb"<" + re.escape(tag.encode("ascii")) + rb"[\s/>]")


class KeptBytes:
    """A byte stream that keeps what was read until :meth:`claim` takes it.

    >>> import io
    >>> kept = KeptBytes(io.BytesIO(b'<?xml version="1.0"?><S><A n="1">x</A>\\n<A>y</A></S>'))
    >>> _ = kept.read(1000)
    >>> kept.claim("A"), kept.claim("A"), kept.claim("A")
    ('<A n="1">x</A>', '<A>y</A>', None)
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._kept: bytearray | None = bytearray()

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

    def claim(self, tag: str) -> str | None:
        """The text of the next element ``tag`` that has been read whole, from its start tag to
        its end tag, as UTF-8; what comes before it is dropped.

        None when the keeper cannot be sure it has the element (then it stops): the element
        is not there, is empty (``<A/>``) or nests another of its tag, a comment or CDATA
        section comes before its end, or the bytes are not UTF-8.
        """
        kept = self._kept
        if kept is None:
            return None
        end_tag = f"</{tag}>".encode("ascii")
        end = kept.find(end_tag)
        start = _start_tag(tag).search(kept, 0, max(end, 0))
        if end == -1 or start is None or _start_tag(tag).search(kept, start.end(), end):
            self.stop()
            return None
        end += len(end_tag)
        if any(kept.find(marker, 0, end) != -1 for marker in _HIDING):
            self.stop()
            return None
        try:
            text = kept[start.start() : end].decode("utf-8")
        except UnicodeDecodeError:
            self.stop()
            return None
        if "<?" in text:  # a processing instruction inside: nothing to trust
            self.stop()
            return None
        del kept[:end]
        return text
