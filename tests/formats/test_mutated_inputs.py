"""No parser raises on damaged real inputs or arbitrary bytes, and the runaways that
``benchmarks/fuzz_parsers.py`` found stay fixed."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bimscli.errors import UnsafeInputError
from bimscli.formats import FORMATS, csl_json, ris
from bimscli.formats.base import SourceFormat
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure
from tests.golden import FIXTURES

SAMPLE_FOLDERS = {
    "bibtex": "bibtex",
    "biomednews": "biomednews",
    "crossref": "crossref",
    "csl-json": "csl-json",
    "csv": "csv",
    "europepmc": "europepmc",
    "lay-summary": "lay-summary",
    "medline": "medline",
    "pubmed-page": "pubmed-page",
    "pubmed-xml": "pubmed-xml",
    "ris": "ris",
    "semantic-scholar": "semantic-scholar",
    "web-article": "web-article",
}


def samples(fmt: SourceFormat) -> list[bytes]:
    folder = FIXTURES / SAMPLE_FOLDERS[fmt.name]
    paths: list[Path] = sorted(p for p in folder.iterdir() if not p.name.endswith(".json"))
    if fmt.name in ("crossref", "csl-json", "europepmc", "semantic-scholar"):
        paths = sorted(p for p in folder.glob("*.json") if not p.name.endswith(".expected.json"))
    return [p.read_bytes() for p in paths if p.is_file()]


def parse_bytes(fmt: SourceFormat, data: bytes) -> list[Entry]:
    """As the ingest hands a parser its input: bytes to a stream parser, text to the rest."""
    try:
        if fmt.parse_stream is not None:
            return list(fmt.parse_stream(io.BytesIO(data)))
        return list(fmt.parse_string(data.decode("utf-8", errors="replace")))
    except UnsafeInputError:
        return []  # refusing a whole unsafe document (an XML entity declaration) is allowed


def assert_well_formed(entries: list[Entry]) -> None:
    for entry in entries:
        assert isinstance(entry, ParsedRecord | ParseFailure | DocumentHeader)
        if isinstance(entry, ParsedRecord | ParseFailure):
            assert entry.position.line >= 1


FORMAT_PARAMS = [pytest.param(f, id=f.name) for f in FORMATS]
MUTATION = st.tuples(
    st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate", "cr-only"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.binary(min_size=1, max_size=8) | st.sampled_from([b"\x00", b"\r", b"<", b"{", b"\xff"]),
)


def mutate(data: bytes, how: tuple[str, float, float, bytes]) -> bytes:
    kind, where, length, piece = how
    at = int(where * len(data))
    end = min(len(data), at + int(length * len(data) / 4))
    if kind == "truncate":
        return data[:at]
    if kind == "flip" and at < len(data):
        return data[:at] + bytes([data[at] ^ piece[0]]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + piece + data[at:]
    if kind == "delete":
        return data[:at] + data[end:]
    if kind == "duplicate":
        return data[:end] + data[at:end] + data[end:]
    return data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")


@pytest.mark.parametrize("fmt", FORMAT_PARAMS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=st.integers(0, 100), mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_no_parser_raises_on_mutated_samples(
    fmt: SourceFormat, pick: int, mutations: list[tuple[str, float, float, bytes]]
) -> None:
    found = samples(fmt)
    data = found[pick % len(found)]
    for how in mutations:
        data = mutate(data, how)
    assert_well_formed(parse_bytes(fmt, data))


@pytest.mark.parametrize("fmt", FORMAT_PARAMS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=st.integers(0, 2000), noise=st.binary(max_size=300))
def test_no_parser_raises_on_arbitrary_bytes(fmt: SourceFormat, head: int, noise: bytes) -> None:
    """Arbitrary bytes, after the start of a real sample so that they reach the parser's
    inner rules and not only its first check."""
    assert_well_formed(parse_bytes(fmt, samples(fmt)[0][:head] + noise))


def best_time(fmt: SourceFormat, text: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in fmt.parse_string(text):
            pass
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize(
    ("fmt", "template"),
    [
        pytest.param(csl_json.FORMAT, '[{"id": "a", "type": "book", "ISSN": "1234-5678 %s"}]',
                     id="csl-json"),
        pytest.param(ris.FORMAT, "TY  - JOUR\nSN  - 1234-5678 %s\nER  - \n", id="ris"),
    ],
)  # fmt: skip
def test_an_issn_with_many_open_parentheses_is_read_in_linear_time(
    fmt: SourceFormat, template: str
) -> None:
    """Found by the fuzzing: 85,000 '(' in an ISSN took a minute (a quadratic expression)."""
    few, many = best_time(fmt, template % ("(" * 20_000)), best_time(fmt, template % ("(" * 80_000))
    assert many / few < 10, f"{few:.3f} s for N, {many:.3f} s for 4N"  # quadratic gives ~16
