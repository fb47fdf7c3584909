"""Opening a user's input: files, directories, stdin and ``.gz``, with hashing and sniffing.

Nothing here parses records; it turns what a user named into :class:`InputSource` values that
the ingest pipeline hands to a parser as text, lines or a byte stream.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from bimscli.errors import InputError, UsageError
from bimscli.formats.base import Sniff

SNIFF_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
STDIN_NAME = "<stdin>"
PROGRESS_READ_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class InputSource:
    """One input to ingest: a file on disk, or bytes already read (stdin)."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    @property
    def gzipped(self) -> bool:
        """True when the bytes are gzip-compressed (by content, not by name)."""
        with self.open_raw() as raw:
            return raw.read(2) == GZIP_MAGIC

    def open_raw(self) -> BinaryIO:
        """The bytes as stored (possibly compressed)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        try:
            return open(self.path, "rb")  # the caller closes it
        except OSError as exc:
            raise InputError(f"{self.name}: cannot read: {exc.strerror or exc}") from exc

    def open_bytes(self, on_read: Callable[[int], None] | None = None) -> BinaryIO:
        """The decompressed bytes; ``on_read`` is told how many stored bytes were consumed."""
        raw = self.open_raw()
        if on_read is not None:
            # Buffered in large reads, so progress is told once per megabyte, not per 4 KiB.
            counting = _CountingReader(raw, on_read)
            raw = cast(BinaryIO, io.BufferedReader(counting, buffer_size=PROGRESS_READ_BYTES))
        if self.gzipped:
            return cast(BinaryIO, _OwningGzipFile(raw))
        return raw

    def size(self) -> int:
        """The stored size in bytes."""
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size

    def sha256(self) -> str:
        """The SHA-256 of the stored bytes, read in chunks (files of any size)."""
        digest = hashlib.sha256()
        with self.open_raw() as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def head(self) -> bytes:
        """The first decompressed bytes, for sniffing."""
        try:
            with self.open_bytes() as stream:
                return stream.read(SNIFF_BYTES)
        except (OSError, EOFError) as exc:
            raise InputError(f"{self.name}: cannot decompress: {exc}") from exc


class _OwningGzipFile(gzip.GzipFile):
    """A gzip reader that also closes the file it reads from.

    A file cut off or damaged in the middle ends where the damage starts, as a truncated
    uncompressed file would: the parser keeps what came before and reports the cut, and
    :attr:`damage` says what happened.
    """

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw
        self.damage: str | None = None
        self.delivered = 0

    def _guarded(self, read: Callable[[], bytes]) -> bytes:
        if self.damage is not None:
            return b""
        try:
            data = read()
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            self.damage = (
                f"the compressed file ends early or is damaged after {self.delivered:,} "
                f"uncompressed bytes ({exc}); what came before was read"
            )
            return b""
        self.delivered += len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._guarded(lambda: super(_OwningGzipFile, self).read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._guarded(lambda: super(_OwningGzipFile, self).read1(size))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        return self._guarded(lambda: super(_OwningGzipFile, self).readline(size))

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


class _CountingReader(io.RawIOBase):
    """A binary reader that reports how many bytes were read (for progress bars)."""

    def __init__(self, inner: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._inner = inner
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self._on_read(len(data))
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def stream_damage(stream: BinaryIO) -> str | None:
    """What went wrong decompressing a stream from :meth:`InputSource.open_bytes`, if anything."""
    return stream.damage if isinstance(stream, _OwningGzipFile) else None


def collect_sources(names: Sequence[str], stdin: BinaryIO | None = None) -> list[InputSource]:
    """The inputs named on the command line: files, directories (recursively) and ``-``.

    Hidden files and folders inside a directory are skipped; files are taken in name order.
    """
    sources: list[InputSource] = []
    for name in names:
        if name == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            sources.append(InputSource(STDIN_NAME, data=stream.read()))
            continue
        path = Path(name)
        if path.is_dir():
            sources.extend(_directory_sources(path))
        elif path.exists():
            sources.append(InputSource(str(path), path=path))
        else:
            raise UsageError(f"no such file or directory: {name}")
    return sources


def _directory_sources(root: Path) -> Iterator[InputSource]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if not file.startswith("."):
                path = Path(folder) / file
                yield InputSource(str(path), path=path)


def effective_encoding(source: InputSource, encoding: str) -> str:
    """The encoding to read a source with: UTF-16 when it starts with a UTF-16 byte-order mark
    and the user asked for nothing but the default UTF-8 (Windows tools write such files).

    >>> effective_encoding(InputSource("x", data="TY".encode("utf-16")), "utf-8")
    'utf-16'
    >>> effective_encoding(InputSource("x", data=b"TY"), "utf-8")
    'utf-8'
    """
    if encoding.lower().replace("-", "").replace("_", "") not in {"utf8", "utf8sig"}:
        return encoding
    head = source.head()[:2]
    return "utf-16" if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else encoding


def sniff(source: InputSource, encoding: str) -> Sniff:
    """What detection sees, after checking that the input is non-empty text."""
    head = source.head()
    if not head.strip():
        raise InputError(f"{source.name}: the file is empty")
    if b"\x00" in head[:8192] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{source.name}: this is a binary file, not text; nothing was read")
    text = head.decode(encoding, errors="replace")
    return Sniff(text.lstrip("\ufeff"), source.name)


def decode_text(source: InputSource, data: bytes, encoding: str) -> str:
    """The whole input as text, or an error that says which encoding to try."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(_decode_message(source.name, exc, encoding, exc.start)) from exc
    return text.lstrip("\ufeff")


def _decode_message(name: str, exc: UnicodeDecodeError, encoding: str, offset: int) -> str:
    bad = exc.object[exc.start : exc.start + 1].hex()
    hint = (
        "try --encoding latin-1"
        if encoding.lower().replace("-", "")
        in {
            "utf8",
            "utf8sig",
        }
        else "check --encoding"
    )
    return f"{name}: not {encoding} (byte 0x{bad} at offset {offset}); {hint}"


def iter_lines(source: InputSource, stream: BinaryIO, encoding: str) -> Iterator[str]:
    """Decoded lines with their endings, streamed; a decoding error names its offset and line."""
    read = 0

    def count(size: int) -> None:
        nonlocal read
        read += size

    counted = cast(BinaryIO, _CountingReader(stream, count))  # unbuffered: ``read`` is exact
    text = io.TextIOWrapper(counted, encoding=encoding, newline="")
    number = 0
    try:
        for number, line in enumerate(text, start=1):
            yield line.lstrip("\ufeff") if number == 1 else line
    except UnicodeDecodeError as exc:
        # The decoder reads the input in chunks: the error's offset counts from the bytes it
        # was given (the undecoded end of the last chunk, then this one), which end at ``read``.
        offset = read - len(exc.object) + exc.start
        message = _decode_message(source.name, exc, encoding, offset)
        raise InputError(f"{message} (after line {number})") from exc
