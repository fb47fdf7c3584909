"""One bad byte, one bad record: damaged text costs the entry that holds it, never the file.

Every damaged input here is generated in the test: fifteen good records of a format, then one
byte changed, the line endings changed, or the whole compressed and damaged.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.golden import FIXTURES

import bimscli.formats.limits
import bimscli.ingest.limits
from bimscli.errors import InputError
from bimscli.formats import detect_format
from bimscli.ingest import FileReport, FileStatus, ingest_sources
from bimscli.ingest.reading import read_entries
from bimscli.ingest.sources import InputSource, sniff
from bimscli.model import ParsedRecord, ParseFailure
from bimscli.store import Library

RECORDS = 15
BAD_RECORD = 7


def _numbers(n: int) -> range:
    return range(1, n + 1)


def _csv(n: int) -> str:
    rows = "".join(
        f'k{i},Paper {i} on bone metastases,"Smith, J",2020,10.1000/{i}\n' for i in _numbers(n)
    )
    return "ID,title,author,year,doi\n" + rows


def _ris(n: int) -> str:
    return "".join(
        f"TY  - JOUR\nTI  - Paper {i} on bone metastases\nAU  - Smith, J\nPY  - 2020\n"
        f"DO  - 10.1000/{i}\nER  - \n\n"
        for i in _numbers(n)
    )


def _medline(n: int) -> str:
    return "".join(
        f"PMID- {1000 + i}\nTI  - Paper {i} on bone metastases.\nAU  - Smith J\nDP  - 2020\n\n"
        for i in _numbers(n)
    )


def _bibtex(n: int) -> str:
    return "".join(
        f"@article{{k{i},\n  title = {{Paper {i} on bone metastases}},\n  year = {{2020}},\n"
        f"  doi = {{10.1000/{i}}}\n}}\n\n"
        for i in _numbers(n)
    )


MAKERS: dict[str, Callable[[int], str]] = {
    "csv": _csv,
    "ris": _ris,
    "medline": _medline,
    "bibtex": _bibtex,
}


def _ingest(
    library: Library,
    tmp_path: Path,
    name: str,
    data: bytes,
    *,
    encoding: str = "utf-8",
    in_child: bool | None = None,
) -> FileReport:
    path = tmp_path / name
    path.write_bytes(data)
    sources = [InputSource(str(path), path=path)]
    (report,) = ingest_sources(library, sources, encoding=encoding, read_in_child=in_child).files
    return report


def _damaged(fmt: str, bad: bytes) -> bytes:
    good = MAKERS[fmt](RECORDS).encode()
    target = f"Paper {BAD_RECORD} on".encode()
    assert good.count(target) == 1
    return good.replace(target, target[:3] + bad + target[3:])


@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b"\xff", id="invalid-utf8-byte"),
        pytest.param(b"\x00", id="nul-byte"),
        pytest.param(b"\xc3", id="cut-utf8-sequence"),
    ],
)
def test_one_bad_byte_costs_one_record(
    library: Library, tmp_path: Path, fmt: str, bad: bytes
) -> None:
    data = _damaged(fmt, bad)
    report = _ingest(library, tmp_path, f"export.{fmt}", data)
    assert (report.status, report.format, report.records) == (FileStatus.PARTIAL, fmt, 14)
    (failure,) = library.failures()
    offset = data.index(bad)
    line = data[:offset].count(b"\n") + 1
    assert f"at offset {offset:,} (line {line})" in failure.message
    assert "not imported" in failure.message
    assert f"Pap\\x{bad[0]:02x}er {BAD_RECORD}" in failure.raw  # the bad byte, shown
    titles = {w.record.title for w in library.works()}
    assert f"Paper {BAD_RECORD} on bone metastases" not in titles
    assert len(titles) == 14


@pytest.mark.parametrize(
    ("text", "landed", "line"),
    [
        pytest.param(
            '@string{jn = "J Bone Oncol \xff"}\n\n'
            + _bibtex(3).replace("year", "journal = jn,\n year"),
            0,
            1,
            id="bibtex-macro-used-by-every-entry",
        ),
        pytest.param("% exported \xff\n\n" + _bibtex(3), 3, 1, id="bibtex-comment"),
        pytest.param(_ris(3) + "stray \xff text\n", 3, 22, id="ris-stray-text"),
    ],
)
def test_a_bad_byte_outside_an_entry_is_reported_where_it_is(
    library: Library, tmp_path: Path, text: str, landed: int, line: int
) -> None:
    data = text.encode("utf-8").replace("\xff".encode(), b"\xff")
    report = _ingest(library, tmp_path, "x.txt", data)
    assert report.records == landed
    assert report.failures
    assert all(f"(line {line})" in f.message for f in report.failures), report.failures


def test_an_invalid_byte_in_utf8_names_the_encoding_option(
    library: Library, tmp_path: Path
) -> None:
    report = _ingest(library, tmp_path, "export.ris", _damaged("ris", b"\xfc"))
    (failure,) = report.failures
    assert "--encoding latin-1" in failure.message


def test_a_file_mostly_in_another_encoding_is_refused_with_a_hint_and_read_with_it(
    library: Library, tmp_path: Path
) -> None:
    text = _ris(RECORDS).replace("Smith, J", "Müller, J")  # one ü (0xfc in Latin-1) a record
    refused = _ingest(library, tmp_path, "latin1.ris", text.encode("latin-1"))
    assert refused.status is FileStatus.FAILED
    assert "not utf-8" in (refused.error or "")
    assert "try --encoding latin-1" in (refused.error or "")
    read = _ingest(library, tmp_path, "latin1.ris", text.encode("latin-1"), encoding="latin-1")
    assert (read.status, read.records) == (FileStatus.ADDED, RECORDS)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, id="png"),
        pytest.param(bytes((i * 7919) % 256 for i in range(20000)), id="random-bytes"),
    ],
)
def test_a_binary_file_is_told_from_text_with_a_few_bad_bytes(data: bytes) -> None:
    with pytest.raises(InputError, match="binary file"):
        sniff(InputSource("x.bin", data=data), "utf-8")
    nuls = _ris(RECORDS).encode().replace(b"Paper 3", b"Pa\x00er 3").replace(b"Paper 9", b"\x00")
    assert sniff(InputSource("x.ris", data=nuls), "utf-8").head.startswith("TY  - JOUR\n")


def _text_fixtures() -> list[Path]:
    names = ("bibtex", "biomednews", "csv", "medline", "ris", "lay-summary", "pubmed-page")
    return sorted(p for n in names for p in (FIXTURES / n).glob("*") if ".expected" not in p.name)


def _records(data: bytes, name: str) -> list[tuple[object, ...]]:
    source = InputSource(name, data=data)
    fmt = detect_format(sniff(source, "utf-8"))
    entries = list(read_entries(source, fmt, "utf-8", lambda _: None))
    return [
        (type(e).__name__, e.position, e.record if isinstance(e, ParsedRecord) else None)
        for e in entries
        if isinstance(e, ParsedRecord | ParseFailure)
    ]


@pytest.mark.parametrize("fixture", _text_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cr_only_line_endings_read_like_lf(fixture: Path) -> None:
    lf = fixture.read_bytes().replace(b"\r\n", b"\n")
    expected = _records(lf, fixture.name)
    assert expected
    assert _records(lf.replace(b"\n", b"\r"), fixture.name) == expected


def test_a_broken_bibtex_entry_does_not_swallow_the_rest_with_cr_only_endings(
    library: Library, tmp_path: Path
) -> None:
    text = _bibtex(5).replace("title = {Paper 2 on", "title = {{Paper 2 on")
    report = _ingest(library, tmp_path, "mac.bib", text.replace("\n", "\r").encode())
    assert (report.status, report.records) == (FileStatus.PARTIAL, 4)
    assert [f.line for f in report.failures] == [7]


def _gz_records(fmt: str, n: int) -> tuple[str, bytes]:
    text = MAKERS[fmt](n)
    return text, gzip.compress(text.encode(), mtime=0)


def test_a_gz_failing_its_crc_stores_no_garbage(library: Library, tmp_path: Path) -> None:
    _, packed = _gz_records("ris", 2000)
    flipped = bytearray(packed)
    flipped[len(packed) // 2] ^= 0x01
    report = _ingest(library, tmp_path, "flipped.ris.gz", bytes(flipped))
    assert report.records == 0
    assert library.count_source_records() == 0
    # Nothing of the damaged member decompresses for sniffing either: the file is refused.
    messages = [report.error or "", *(f.message for f in report.failures)]
    assert any("gzip data damaged after byte 0: CRC check failed" in m for m in messages)


@pytest.mark.parametrize("in_child", [False, True], ids=["one-process", "reading-process"])
def test_a_damaged_gz_member_costs_that_member_only(
    library: Library, tmp_path: Path, in_child: bool
) -> None:
    text = _ris(300)
    first, second = text[: len(text) // 2], text[len(text) // 2 :]
    good = gzip.compress(first.encode(), mtime=0)
    damaged = bytearray(gzip.compress(second.encode(), mtime=0))
    damaged[-8] ^= 0xFF  # its CRC
    data = good + bytes(damaged)
    report = _ingest(library, tmp_path, "two-members.ris.gz", data, in_child=in_child)
    complete = first.count("ER  - \n")
    assert report.records == complete
    assert any(
        f"gzip data damaged after byte {len(first.encode()):,}: CRC check failed" in f.message
        for f in report.failures
    )


@pytest.mark.parametrize("in_child", [False, True], ids=["one-process", "reading-process"])
@pytest.mark.parametrize("records", [pytest.param(3, id="small"), pytest.param(20000, id="large")])
def test_trailing_junk_after_a_gz_is_reported_and_loses_nothing(
    library: Library, tmp_path: Path, records: int, in_child: bool
) -> None:
    _, packed = _gz_records("ris", records)
    junk = packed + b"this is not gzip data\n"
    report = _ingest(library, tmp_path, "junk.ris.gz", junk, in_child=in_child)
    assert report.records == records
    (failure,) = report.failures
    assert "22 bytes of trailing data after the gzip data" in failure.message


@pytest.mark.parametrize("fmt", ["ris", "medline", "csv"])
@pytest.mark.parametrize("fraction", [0.31, 0.5, 0.77, 0.93])
def test_a_cut_gz_keeps_every_complete_record_before_the_cut(
    library: Library, tmp_path: Path, fmt: str, fraction: float
) -> None:
    _, packed = _gz_records(fmt, 3000)
    cut = packed[: int(len(packed) * fraction)]
    prefix = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut).decode()
    complete = {
        "ris": prefix.count("ER  - \n"),
        "medline": prefix.count("\n\n"),
        "csv": prefix.count("\n") - 1,
    }[fmt]
    report = _ingest(library, tmp_path, f"cut.{fmt}.gz", cut)
    assert report.records == complete
    (failure,) = report.failures
    assert "the compressed file ends early" in failure.message


def test_a_gz_bomb_is_stopped_and_nothing_stored(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bimscli.ingest.limits, "EXPANSION_FLOOR_BYTES", 1 << 20)
    bomb = gzip.compress(_ris(3).encode() + b"AB  - " + b"x" * (30 << 20), mtime=0)
    assert len(bomb) < 100_000
    report = _ingest(library, tmp_path, "bomb.ris.gz", bomb)
    assert report.status is FileStatus.FAILED
    assert "decompression bomb" in (report.error or "")
    assert library.count_source_records() == 0
    assert library.inputs() == []


def test_a_line_past_the_limit_costs_its_entry(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bimscli.ingest.limits, "MAX_LINE_CHARS", 64 * 1024)
    text = _ris(RECORDS).replace(f"TI  - Paper {BAD_RECORD} on", "AB  - " + "y" * (3 << 20))
    report = _ingest(library, tmp_path, "long-line.ris.gz", gzip.compress(text.encode()))
    assert report.records == RECORDS - 1
    (failure,) = library.failures()
    assert f"is longer than {64 * 1024:,} characters and was not kept" in failure.message
    assert len(failure.raw) < 1000


@pytest.mark.parametrize("fmt", ["ris", "medline"])
def test_an_entry_past_the_limit_is_a_failure_and_the_rest_lands(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(bimscli.formats.limits, "MAX_ENTRY_CHARS", 256 * 1024)
    endless = "".join(f"  continued line {n}\n" for n in range(200_000))  # ~4 MB, one entry
    first, _, rest = MAKERS[fmt](RECORDS).partition("\n")
    text = first + "\n" + endless + rest
    report = _ingest(library, tmp_path, f"endless.{fmt}", text.encode())
    assert report.records == RECORDS - 1
    (failure,) = library.failures()
    assert f"is longer than {256 * 1024:,} characters" in failure.message
    assert len(failure.raw) <= 256 * 1024 + 100


def test_a_document_past_the_limit_is_refused_with_advice(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bimscli.ingest.limits, "MAX_DOCUMENT_CHARS", 1000)
    report = _ingest(library, tmp_path, "big.bib", _bibtex(RECORDS).encode())
    assert report.status is FileStatus.FAILED
    assert "split it" in (report.error or "")
