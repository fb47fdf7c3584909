"""Shared fixtures: a fresh library, and a tiny line-based format for pipeline tests.

The ``testlines`` format exists only in tests: one record per line ``key|title|doi``, so that
the ingest pipeline's handling of failures, parser crashes and unsafe input can be driven
precisely without depending on a real parser's quirks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import bimscli.formats
from bimscli.errors import UnsafeInputError
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.identifiers import normalize_doi
from bimscli.model import Entry, Identifiers, ParsedRecord, ParseFailure, Position, Record
from bimscli.store import Library


def _parse_test_lines(lines: Iterable[str]) -> Iterator[Entry]:
    entry = 0
    for number, line in enumerate(lines, start=1):
        text = line.rstrip("\r\n")
        if not text or text.startswith("#"):
            continue
        entry += 1
        position = Position(number, entry)
        if text == "BOOM":
            raise RuntimeError("the parser crashed")
        if text == "UNSAFE":
            raise UnsafeInputError("refusing an unsafe construct")
        parts = text.split("|")
        if len(parts) != 3:
            yield ParseFailure(position, text, "expected key|title|doi")
            continue
        key, title, doi = parts
        record = Record(title=title, ids=Identifiers(doi=normalize_doi(doi)))
        yield ParsedRecord(record, position, text, source_key=key)


def _detect_test_lines(sniff: Sniff) -> float:
    return 0.9 if sniff.head.startswith("#testlines") else 0.0


TEST_FORMAT = SourceFormat(
    name="testlines",
    title="Test lines",
    version="t1",
    priority=10,
    detect=_detect_test_lines,
    parse_lines=_parse_test_lines,
)


@pytest.fixture
def test_format(monkeypatch: pytest.MonkeyPatch) -> SourceFormat:
    """Register the ``testlines`` format for the duration of a test."""
    monkeypatch.setattr(bimscli.formats, "FORMATS", (*bimscli.formats.FORMATS, TEST_FORMAT))
    return TEST_FORMAT


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    """Where a fresh library for this test lives."""
    return tmp_path / "lib" / "library.sqlite"


@pytest.fixture
def library(library_path: Path) -> Iterator[Library]:
    """A fresh, open library."""
    lib = Library.open(library_path)
    yield lib
    lib.close()


@pytest.fixture
def child_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the inputs an ingest reads in a child process during the test (a spy)."""
    import bimscli.ingest.reading_process  # noqa: PLC0415
    import bimscli.ingest.run  # noqa: PLC0415 - only tests that spy on the reading process need it

    names: list[str] = []
    real = bimscli.ingest.reading_process.batches_read_in_process

    def spy(source: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(source.name)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(bimscli.ingest.run, "batches_read_in_process", spy)
    return names
