"""Opening a user's input: files, directories, stdin and ``.gz``, with hashing and sniffing.

Nothing here parses records; it turns what a user named into :class:`InputSource` values that
the ingest pipeline hands to a parser as text, lines or a byte stream. A directory is read
recursively, but only its regular files, and symbolic links only where they lead to somewhere
inside it: a FIFO would block the ingest for ever, and a link out of the directory would read
files the user never named. What is left out is an input that says why
(:attr:`InputSource.skipped`), so the report can tell.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from bimscli.errors import InputError, UsageError
from bimscli.formats.base import Sniff
from bimscli.ingest.decoding import BAD_BYTE_BASE, ERRORS
from bimscli.ingest.gzip_members import GZIP_MAGIC, GzipDamage, GzipMembersReader, check_gzip

SNIFF_BYTES = 64 * 1024
STDIN_NAME = "<stdin>"
PROGRESS_READ_BYTES = 1 << 20

BINARY_CONTROL_SHARE = 0.05
"""An input whose sniffed start is more than 5% NULs and other control bytes that text does
not hold (below 0x20, other than tab, line breaks and form feed) is binary and refused.
Random or compressed bytes are about 11% such bytes and images more; a text file with a few
stray NULs is far below, and is read with only the entries holding them failing."""

FOREIGN_ENCODING_MIN_BYTES = 3
"""An input declared UTF-8 is refused as being in another encoding (with the hint to pass
``--encoding``) when its sniffed start holds at least this many undecodable bytes and they
outnumber its well-formed non-ASCII characters: then most of its non-ASCII text is not UTF-8,
as in a Latin-1 export. Fewer, or a file whose accents are mostly good UTF-8, is read, and
only the entries holding the bad bytes fail (their messages give the same hint)."""

_TEXT_CONTROLS = frozenset(b"\t\n\v\f\r")


@dataclass(frozen=True, slots=True)
class InputSource:
    """One input to ingest: a file on disk, or bytes already read (stdin)."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    skipped: str | None = None
    """Why this path of a directory is not read (not a regular file, a link out of it)."""

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

    def open_bytes(
        self, on_read: Callable[[int], None] | None = None, *, checked: bool = True
    ) -> BinaryIO:
        """The decompressed bytes; ``on_read`` is told how many stored bytes were consumed.

        A ``.gz`` input is first checked member by member (:mod:`.gzip_members`; a
        decompression bomb raises :class:`InputError`), unless ``checked`` is False, which
        reads whatever decompresses (to sniff its start).
        """
        check = None
        if checked and self.gzipped:
            with self.open_raw() as raw:
                check = check_gzip(raw, self.name)
        raw = self.open_raw()
        if on_read is not None:
            # Buffered in large reads, so progress is told once per megabyte, not per 4 KiB.
            counting = _CountingReader(raw, on_read)
            raw = cast(BinaryIO, io.BufferedReader(counting, buffer_size=PROGRESS_READ_BYTES))
        if self.gzipped:
            members = GzipMembersReader(raw, check)
            return cast(BinaryIO, io.BufferedReader(members, buffer_size=PROGRESS_READ_BYTES))
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
        with self.open_bytes(checked=False) as stream:
            head = stream.read(SNIFF_BYTES)
        if not head and self.gzipped:
            with self.open_raw() as raw:
                damage = check_gzip(raw, self.name).damage
            if damage is not None:
                raise InputError(f"{self.name}: cannot decompress: {damage.message}")
        return head


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


def stream_damage(stream: BinaryIO) -> GzipDamage | None:
    """What the check of a ``.gz`` stream from :meth:`InputSource.open_bytes` found wrong."""
    inner = stream.raw if isinstance(stream, io.BufferedReader) else stream
    return inner.damage if isinstance(inner, GzipMembersReader) else None


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
    """The regular files under ``root`` in name order, following links only within it."""
    top = root.resolve()
    seen = {top}
    for folder, dirs, files in os.walk(root, followlinks=True):
        here = Path(folder)
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            path = here / name
            target = path.resolve()
            if not target.is_relative_to(top):
                yield _skipped(path, f"a link to {target}, outside {root}")
            elif target in seen:
                what = f"a link to {target}" if path.is_symlink() else "a folder"
                yield _skipped(path, f"{what}, already read (through a link)")
            else:
                seen.add(target)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(f for f in files if not f.startswith(".")):
            yield _file_source(here / name, top, root)


def _skipped(path: Path, why: str) -> InputSource:
    follow = " (name it on the command line to read it)" if "outside" in why else ""
    return InputSource(str(path), path=path, skipped=f"{why}; not read{follow}")


def _file_source(path: Path, top: Path, root: Path) -> InputSource:
    """A file found in a directory, or why it is not read."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(top):
            return _skipped(path, f"a link to {target}, outside {root}")
        if not target.exists():
            return InputSource(str(path), path=path, skipped="a broken symbolic link; skipped")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return InputSource(str(path), path=path, skipped=f"cannot read: {exc.strerror or exc}")
    if not stat.S_ISREG(mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        return InputSource(str(path), path=path, skipped=f"{kind}, not a file; skipped")
    return InputSource(str(path), path=path)


_FILE_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def check_encoding(encoding: str) -> None:
    """Raise :class:`UsageError` for an encoding Python does not know.

    >>> check_encoding("latin-1")
    >>> check_encoding("latin-9x")
    Traceback (most recent call last):
    bimscli.errors.UsageError: unknown encoding 'latin-9x'; try utf-8, latin-1 or cp1252
    """
    try:
        codecs.getincrementaldecoder(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}; try utf-8, latin-1 or cp1252") from None


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
    """What detection sees, after checking that the input is non-empty text.

    Line breaks are LF in what detectors see, whatever the input uses (CRLF, a lone CR).
    Refused: an empty input, a binary one (:data:`BINARY_CONTROL_SHARE`), and one declared
    UTF-8 that is mostly in another encoding (:data:`FOREIGN_ENCODING_MIN_BYTES`).
    """
    head = source.head()
    if not head.strip():
        raise InputError(f"{source.name}: the file is empty")
    wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not wide and _control_share(head) > BINARY_CONTROL_SHARE:
        raise InputError(f"{source.name}: this is a binary file, not text; nothing was read")
    decoder = codecs.getincrementaldecoder(encoding)(errors=ERRORS)
    text = decoder.decode(head, final=len(head) < SNIFF_BYTES)
    if _is_utf8(encoding):
        _refuse_foreign_encoding(source.name, text, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Sniff(text.lstrip("\ufeff"), source.name)


def _control_share(head: bytes) -> float:
    """The share of bytes in ``head`` that are NULs or control bytes text does not hold.

    >>> _control_share(b"TY  - JOUR\\r\\n\\tx"), _control_share(b"\\x00\\x01ab")
    (0.0, 0.5)
    """
    controls = sum(head.count(bytes([b])) for b in range(0x20) if b not in _TEXT_CONTROLS)
    return controls / len(head)


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") in {"utf8", "utf8sig"}


def _refuse_foreign_encoding(name: str, text: str, encoding: str) -> None:
    bad = [i for i, c in enumerate(text) if BAD_BYTE_BASE <= ord(c) <= BAD_BYTE_BASE + 0xFF]
    if len(bad) < FOREIGN_ENCODING_MIN_BYTES:
        return
    good = sum(1 for c in text if ord(c) > 0x7F) - len(bad)
    if len(bad) > good:
        first = bad[0]
        offset = len(text[:first].encode("utf-8", ERRORS))
        byte = ord(text[first]) - BAD_BYTE_BASE
        raise InputError(
            f"{name}: not {encoding} (byte 0x{byte:02x} at offset {offset}, and "
            f"{len(bad) - 1} more in its first {SNIFF_BYTES // 1024} KiB); "
            "try --encoding latin-1"
        )
