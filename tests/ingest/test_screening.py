"""Entries holding marks of damage become failures that name it; clean entries pass as they are."""

from __future__ import annotations

import pytest

from bimscli.ingest.decoding import Damage
from bimscli.ingest.screening import screened_entries
from bimscli.model import (
    DocumentHeader,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    Position,
    Record,
)

DAMAGE = Damage(2, 17, "byte 0xff at offset 17 (line 2) is not utf-8", bad_bytes=True)


def _record(
    line: int, title: str = "Fine", key: str | None = "k", raw: str = "raw"
) -> ParsedRecord:
    return ParsedRecord(Record(title=title, ids=Identifiers()), Position(line, line), raw, key)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(_record(2, raw="T\udcffx"), id="mark-in-raw"),
        pytest.param(_record(2, title="T\udcffx"), id="mark-in-a-field-only"),
        pytest.param(_record(2, key="k\udcff"), id="mark-in-the-source-key"),
    ],
)
def test_a_record_holding_a_mark_becomes_a_failure_naming_the_damage(entry: ParsedRecord) -> None:
    clean = _record(1)
    out = list(screened_entries([clean, entry, _record(3)], [DAMAGE], encoding_hint=True))
    assert out[0] is clean
    assert isinstance(out[1], ParseFailure)
    assert out[1].message.startswith(DAMAGE.message)
    assert "--encoding latin-1" in out[1].message
    assert "\udcff" not in out[1].raw
    assert isinstance(out[2], ParsedRecord)
    assert len(out) == 3


def test_a_parsers_failure_keeps_its_message_and_gets_the_damage_added() -> None:
    failure = ParseFailure(Position(2, 1), "x\udcffy", "cannot read 'x\udcffy'")
    (out,) = screened_entries([failure], [DAMAGE], encoding_hint=False)
    assert isinstance(out, ParseFailure)
    assert out.raw == "x\\xffy"
    assert out.message == f"cannot read 'x\\xffy'; {DAMAGE.message}"


def test_damage_no_entry_holds_is_reported_on_its_own_and_headers_are_shown() -> None:
    header = DocumentHeader((("issue", "N\udc00o"),))
    entries: list[Entry] = [_record(5), header]
    out = list(screened_entries(entries, [DAMAGE], encoding_hint=False))
    assert out[:2] == [_record(5), DocumentHeader((("issue", "N\\x00o"),))]
    (failure,) = out[2:]
    assert isinstance(failure, ParseFailure)
    assert (failure.position, failure.raw) == (Position(2, 0), "")
    assert "belongs to no entry" in failure.message


def test_a_clean_input_passes_untouched() -> None:
    entries: list[Entry] = [_record(1, raw="x\udcff")]  # no damage noted: nothing is looked at
    assert list(screened_entries(entries, [], encoding_hint=True)) == entries
