"""RIS and MEDLINE read a value's continuation lines in linear time.

Adding each continuation line to the value as it came copied the whole value again for every
line: 200,000 lines took minutes. The check compares the time for N and 4N lines in the same
run (best of three each), so it does not depend on the machine's speed: linear reading takes
about 4 times as long, the quadratic one about 20 times.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bimscli.formats import medline, ris
from bimscli.formats.base import SourceFormat
from bimscli.model import ParsedRecord

LINEAR_AT_MOST = 10.0
"""The largest time ratio for 4N against N lines taken as linear (quadratic gives ~20)."""


def ris_text(lines: int, tag: str) -> str:
    return f"TY  - JOUR\n{tag}  - start\n" + "      more words\n" * lines + "ER  - \n"


def medline_text(lines: int, tag: str) -> str:
    return f"PMID- 1\n{tag}  - start\n" + "      more words\n" * lines + "\n"


CASES = [
    pytest.param(ris.FORMAT, ris_text, "TI", id="ris-title"),
    pytest.param(ris.FORMAT, ris_text, "AB", id="ris-abstract"),
    pytest.param(medline.FORMAT, medline_text, "TI", id="medline-title"),
    pytest.param(medline.FORMAT, medline_text, "AB", id="medline-abstract"),
]


def best_time(fmt: SourceFormat, text: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in fmt.parse_string(text):
            pass
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize(("fmt", "make", "tag"), CASES)
def test_continuation_lines_take_linear_time(
    fmt: SourceFormat, make: Callable[[int, str], str], tag: str
) -> None:
    few, many = best_time(fmt, make(25_000, tag)), best_time(fmt, make(100_000, tag))
    assert many / few < LINEAR_AT_MOST, f"{few:.3f} s for N lines, {many:.3f} s for 4N"


@pytest.mark.parametrize(("fmt", "make", "tag"), CASES)
def test_continuation_lines_are_joined_into_one_value(
    fmt: SourceFormat, make: Callable[[int, str], str], tag: str
) -> None:
    [entry] = fmt.parse_string(make(3, tag))
    assert isinstance(entry, ParsedRecord)
    record = entry.record
    value = record.title if tag == "TI" else record.abstract_text
    joiner = "\n" if (fmt is ris.FORMAT and tag == "AB") else " "
    assert value == joiner.join(["start", "more words", "more words", "more words"])
