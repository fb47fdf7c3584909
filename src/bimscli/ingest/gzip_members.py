"""Reading ``.gz`` inputs member by member, after checking them, so damage never becomes data.

A gzip file is one or more *members*, each with a CRC-32 and the length of its data at its end.
The CRC is only known once a member has been decompressed to its end, so an input is checked
in a first pass (:func:`check_gzip`, output discarded, memory flat) before anything is parsed:

* **Damaged** (a CRC or length check fails, or the deflate data is invalid): nothing of the
  damaged member is read, nor anything after it. A flipped byte turns the rest of its member
  into plausible garbage that no parser can tell from data, and where it starts is unknown,
  so only the members before it, complete and verified, are read.
* **Cut off** (the file ends inside a member, as an interrupted download does): everything
  decompressed up to the cut is read. Deflate is exact up to where its input stops, so what
  came before the cut is right; the entry the cut falls in becomes a failure.
* **Trailing data** after the last valid member (which ``gzip -d`` ignores with a warning) is
  reported and not read; every valid member before it is. Zero bytes (padding) are ignored,
  as ``gzip -d`` does.
* **A decompression bomb** (:data:`~bimscli.ingest.limits.MAX_EXPANSION_RATIO`) is refused
  with an error before anything is stored.

:class:`GzipMembersReader` then gives the checked members' bytes, and the partial member of a
cut file, in bounded reads.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

from bimscli.errors import InputError
from bimscli.ingest import limits

GZIP_MAGIC = b"\x1f\x8b"
_READ_BYTES = 256 * 1024
_OUT_BYTES = 1 << 20
_GZIP_WBITS = 16 + zlib.MAX_WBITS
"""zlib reads the gzip header and checks the CRC and length at the end of each member."""


class GzipDamageKind(StrEnum):
    """What is wrong with a ``.gz`` input."""

    CUT = "cut"
    DAMAGED = "damaged"
    TRAILING = "trailing"


@dataclass(frozen=True, slots=True)
class GzipDamage:
    """What is wrong, and a message for the user."""

    kind: GzipDamageKind
    message: str


@dataclass(frozen=True, slots=True)
class GzipCheck:
    """The members of a ``.gz`` input that check out, and what is wrong after them."""

    members: int
    """Complete members whose CRC and length are right."""
    verified_bytes: int
    """Their decompressed size."""
    damage: GzipDamage | None = None


def _reason(error: zlib.error) -> str:
    text = str(error)
    if "incorrect data check" in text:
        return "CRC check failed"
    if "incorrect length check" in text:
        return "length check failed"
    return f"invalid compressed data ({text.split(': ', 1)[-1]})"


class _Checker:
    """One pass over the compressed bytes: members, their sizes, and where it goes wrong."""

    def __init__(self, raw: BinaryIO, name: str) -> None:
        self._raw = raw
        self._name = name
        self._pending = b""
        self._read = 0
        self.members = 0
        self.verified = 0
        self._out = 0

    def _more(self) -> bool:
        data = self._raw.read(_READ_BYTES)
        self._read += len(data)
        self._pending += data
        return bool(data)

    def _check_expansion(self) -> None:
        consumed = self._read - len(self._pending)
        if self._out > limits.EXPANSION_FLOOR_BYTES and self._out > (
            limits.MAX_EXPANSION_RATIO * max(consumed, 1)
        ):
            raise InputError(
                f"{self._name}: the compressed data expands more than "
                f"{limits.MAX_EXPANSION_RATIO} times ({self._out:,} bytes from {consumed:,} "
                "read), which no real export does; stopped as a likely decompression bomb, "
                "nothing of this file was stored"
            )

    def member(self) -> GzipDamage | None:
        """Decompress one member from the pending bytes; its damage, if any."""
        inflater = zlib.decompressobj(_GZIP_WBITS)
        size = 0
        while not inflater.eof:
            if not self._pending and not self._more():
                given = self.verified + size
                before = "; the entries before the cut were read" if given else ""
                return GzipDamage(
                    GzipDamageKind.CUT,
                    f"the compressed file ends early (cut off after {given:,} uncompressed "
                    f"bytes){before}",
                )
            try:
                size += len(inflater.decompress(self._pending, _OUT_BYTES))
            except zlib.error as error:
                return GzipDamage(
                    GzipDamageKind.DAMAGED,
                    f"gzip data damaged after byte {self.verified:,}: {_reason(error)}; "
                    "nothing after that byte was read",
                )
            self._pending = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
            self._out = self.verified + size
            self._check_expansion()
        self.members += 1
        self.verified += size
        return None

    def next_member_starts(self) -> GzipDamage | bool:
        """True when another member follows, False at a clean end, else the trailing data."""
        while len(self._pending) < len(GZIP_MAGIC) and self._more():
            pass
        if not self._pending:
            return False
        if self._pending.startswith(GZIP_MAGIC):
            return True
        junk = len(self._pending)
        zeros = not self._pending.strip(b"\x00")
        while self._more():
            junk += len(self._pending)
            zeros = zeros and not self._pending.strip(b"\x00")
            self._pending = b""
        if zeros:
            return False
        return GzipDamage(
            GzipDamageKind.TRAILING,
            f"{junk:,} bytes of trailing data after the gzip data (after byte "
            f"{self.verified:,} of the uncompressed text) were not read; everything before "
            "them was",
        )


def check_gzip(raw: BinaryIO, name: str) -> GzipCheck:
    """Check every member of a gzip stream; raises :class:`InputError` on a decompression bomb.

    >>> import gzip, io
    >>> check_gzip(io.BytesIO(gzip.compress(b"a\\n") + gzip.compress(b"b\\n")), "x")
    GzipCheck(members=2, verified_bytes=4, damage=None)
    """
    checker = _Checker(raw, name)
    while True:
        damage = checker.member()
        if damage is None:
            follows = checker.next_member_starts()
            if follows is True:
                continue
            damage = follows if isinstance(follows, GzipDamage) else None
        return GzipCheck(checker.members, checker.verified, damage)


class GzipMembersReader(io.RawIOBase):
    """The decompressed bytes of the members :func:`check_gzip` found good, then those of a
    member cut off by the end of the file; never those of a damaged member or trailing data.
    Closing it closes the compressed stream."""

    def __init__(self, raw: BinaryIO, check: GzipCheck | None) -> None:
        """``check`` is what :func:`check_gzip` found; ``None`` reads, unchecked, every member
        up to the end or the first error (enough to sniff the start of an input)."""
        self._raw = raw
        self.check = check
        if check is None:
            self._members_left = -1  # no end but the input's
        else:
            cut = check.damage is not None and check.damage.kind is GzipDamageKind.CUT
            self._members_left = check.members + (1 if cut else 0)
        self._inflater = zlib.decompressobj(_GZIP_WBITS) if self._members_left else None
        self._pending = b""

    @property
    def damage(self) -> GzipDamage | None:
        """What the check found wrong with the input, if anything."""
        return self.check.damage if self.check is not None else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        while self._inflater is not None:
            data = self._inflate(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
        return 0

    def _inflate(self, size: int) -> bytes:
        inflater = self._inflater
        assert inflater is not None
        if not self._pending:
            self._pending = self._raw.read(_READ_BYTES)
            if not self._pending:  # the end, or the cut: everything before it was given
                self._inflater = None
                return b""
        try:
            data = inflater.decompress(self._pending, size)
        except zlib.error:  # only a cut member can get here: it ends where its damage starts
            self._inflater = None
            return b""
        if inflater.eof:
            self._pending = inflater.unused_data
            self._members_left -= 1
            self._inflater = zlib.decompressobj(_GZIP_WBITS) if self._members_left else None
        else:
            self._pending = inflater.unconsumed_tail
        return data

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()
