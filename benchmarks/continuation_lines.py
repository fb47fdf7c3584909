"""Benchmark: RIS and MEDLINE values wrapped over 10^5 and 10^6 continuation lines.

Writes one record whose abstract goes on for N continuation lines, then times, per format and
N, each the best of three: the floor (reading the same file's lines, as the parser gets them)
and the parser reading the file. Linear reading keeps the ratio to the floor about the same
from 10^5 to 10^6 lines; the quadratic joining it replaced took 14 s for 10^5 lines.

    PYTHONPATH=src python benchmarks/continuation_lines.py
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bimscli.formats import medline, ris
from bimscli.formats.base import SourceFormat

SIZES = (100_000, 1_000_000)
CONTINUATION = "      more words of an abstract, wrapped over many lines\n"  # 10^6: under 64 Mi
RECORDS: dict[SourceFormat, Callable[[int], str]] = {
    ris.FORMAT: lambda n: "TY  - JOUR\nAB  - start\n" + CONTINUATION * n + "ER  - \n",
    medline.FORMAT: lambda n: "PMID- 1\nAB  - start\n" + CONTINUATION * n + "\n",
}


def _floor(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as lines:
        for _ in lines:
            pass


def _parse(fmt: SourceFormat, path: Path) -> None:
    assert fmt.parse_lines is not None
    with path.open(encoding="utf-8", newline="") as lines:
        for _ in fmt.parse_lines(lines):
            pass


def _seconds(action: Callable[[], None]) -> float:
    """The best of three runs: a shared machine's speed drifts between runs."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        for fmt, record in RECORDS.items():
            for size in SIZES:
                path = Path(folder) / f"{fmt.name}-{size}.txt"
                path.write_text(record(size), encoding="utf-8")
                floor = _seconds(partial(_floor, path))
                parser = _seconds(partial(_parse, fmt, path))
                print(
                    f"{fmt.name:8} {size:>9,} continuation lines: floor {floor:6.3f} s, "
                    f"parser {parser:6.3f} s, {parser / floor:5.1f} x the floor"
                )


if __name__ == "__main__":
    main()
