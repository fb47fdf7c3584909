"""Opening inputs: files, directories, stdin, gzip, and the checks before parsing."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from bimscli.errors import InputError, UsageError
from bimscli.ingest.sources import InputSource, collect_sources, decode_text, iter_lines, sniff


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
    source = InputSource("old.ris", data="Müller".encode("latin-1"))
    with pytest.raises(InputError, match=r"not utf-8 \(byte 0xfc at offset 1\); try --encoding"):
        decode_text(source, source.data or b"", "utf-8")
    assert decode_text(source, source.data or b"", "latin-1") == "Müller"


def test_lines_keep_endings_and_lose_the_bom() -> None:
    data = "\ufeffTY  - JOUR\r\nER  - \r\n".encode()
    source = InputSource("x.ris", data=data)
    assert list(iter_lines(source, io.BytesIO(data), "utf-8")) == ["TY  - JOUR\r\n", "ER  - \r\n"]


def test_invalid_utf8_in_a_stream_names_the_line() -> None:
    data = b"line one\nline \xff two\n"
    source = InputSource("x.ris", data=data)
    with pytest.raises(InputError, match="not utf-8"):
        list(iter_lines(source, io.BytesIO(data), "utf-8"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_invalid_bytes_far_into_a_stream_give_their_offset_in_the_file(encoding: str) -> None:
    good = "".join(f"line {n} é\n" for n in range(5000)).encode(encoding)  # many decoder chunks
    bad = b"\xff\xff\xff\xff" if encoding == "utf-8" else b"\x00\xd8\x41\x00"  # lone surrogate
    data = good + bad + "after\n".encode(encoding)[2 if encoding == "utf-16" else 0 :]
    source = InputSource("x.ris", data=data)
    with pytest.raises(InputError, match=rf"at offset {len(good)}\); .* \(after line \d+\)$"):
        list(iter_lines(source, io.BytesIO(data), encoding))
