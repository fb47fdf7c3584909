"""Opening inputs: files, directories, stdin, gzip, and the checks before parsing."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from bimscli.errors import InputError, UsageError
from bimscli.ingest.decoding import DecodedLines
from bimscli.ingest.sources import InputSource, collect_sources, sniff


def test_directories_are_read_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    names = [
        Path(s.name).relative_to(tmp_path).as_posix() for s in collect_sources([str(tmp_path)])
    ]
    assert names == ["a.txt", "b/2.txt"]


def test_stdin_is_read_as_bytes() -> None:
    (source,) = collect_sources(["-"], stdin=io.BytesIO(b"hello"))
    assert source.name == "<stdin>"
    assert source.head() == b"hello"


def test_missing_path_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no such file"):
        collect_sources(["/no/such/file.ris"])


def test_gzip_is_decompressed_by_content(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"  # no .gz suffix on purpose
    path.write_bytes(gzip.compress(b"TY  - JOUR\n"))
    source = InputSource(str(path), path=path)
    assert source.head() == b"TY  - JOUR\n"
    assert len(source.sha256()) == 64


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty", id="empty-file"),
        pytest.param(b"  \n\n\t", "empty", id="whitespace-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", id="binary-file"),
    ],
)
def test_unreadable_inputs_are_refused_before_parsing(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        sniff(InputSource("f", data=data), "utf-8")


def test_latin1_text_gets_an_encoding_hint() -> None:
    # Changed with issue 19: refusal is decided by proportion, so it takes a text whose
    # non-ASCII is mostly not UTF-8 (one bad byte alone costs one entry, see test_damage).
    text = "Müller, Gödel and Ørsted\n"
    source = InputSource("old.ris", data=text.encode("latin-1"))
    with pytest.raises(InputError, match=r"not utf-8 \(byte 0xfc at offset 1, .*; try --encoding"):
        sniff(source, "utf-8")
    assert sniff(source, "latin-1").head == text


def _lines(data: bytes, encoding: str = "utf-8") -> DecodedLines:
    return DecodedLines(io.BytesIO(data), encoding)


def test_lines_keep_endings_and_lose_the_bom() -> None:
    data = "\ufeffTY  - JOUR\r\nER  - \r\n".encode()
    assert list(_lines(data)) == ["TY  - JOUR\r\n", "ER  - \r\n"]


def test_invalid_utf8_in_a_stream_names_the_line() -> None:
    # Changed with issue 19: the bad byte is marked and noted, no longer an error for the file.
    lines = _lines(b"line one\nline \xff two\n")
    assert list(lines) == ["line one\n", "line \udcff two\n"]
    (damage,) = lines.damages
    assert (damage.line, damage.offset) == (2, 14)
    assert damage.message == "byte 0xff at offset 14 (line 2) is not utf-8"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_invalid_bytes_far_into_a_stream_give_their_offset_in_the_file(encoding: str) -> None:
    # Changed with issue 19: the offset is that of the noted damage, not of an error.
    good = "".join(f"line {n} é\n" for n in range(5000)).encode(encoding)  # many decoder chunks
    bad = b"\xff\xff\xff\xff" if encoding == "utf-8" else b"\x00\xd8\x41\x00"  # lone surrogate
    data = good + bad + "after\n".encode(encoding)[2 if encoding == "utf-16" else 0 :]
    lines = _lines(data, encoding)
    assert len(list(lines)) == 5001
    (damage,) = lines.damages
    assert (damage.line, damage.offset) == (5001, len(good))
    assert damage.message.startswith(f"byte 0x{bad[0]:02x} at offset {len(good):,} (line 5001)")
