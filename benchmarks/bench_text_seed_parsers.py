"""Throughput of the plain-text seed parsers (biomednews, pubmed-page, lay-summary).

Run: PYTHONPATH=src python benchmarks/bench_text_seed_parsers.py
Prints, per format, the time to parse its seed and entries per second on a synthetic
BiomedNews issue of 1,000 entries (the seed's nine entries repeated).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bimscli.formats import biomednews, lay_summary, pubmed_page
from bimscli.formats.base import SourceFormat

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = {
    biomednews.FORMAT: FIXTURES / "biomednews" / "000_4c0a4a96eb322688.txt",
    pubmed_page.FORMAT: FIXTURES / "pubmed-page" / "001_883bc7bd48de00b4.txt",
    lay_summary.FORMAT: FIXTURES / "lay-summary" / "002_da2b409ab0d6fc3d.txt",
}


def _best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _parse_all(fmt: SourceFormat, text: str) -> int:
    return sum(1 for _ in fmt.parse_string(text))


def main() -> None:
    """Print the figures."""
    for fmt, path in SEEDS.items():
        text = path.read_text(encoding="utf-8")
        seconds = _best_of(20, partial(_parse_all, fmt, text))
        print(f"{fmt.name:12} seed {len(text):6d} chars: {seconds * 1000:7.2f} ms")
    seed = SEEDS[biomednews.FORMAT].read_text(encoding="utf-8")
    header, _, body = seed.partition("\n  1. ")
    entries = ("  1. " + body).rstrip("\n") + "\n"
    big = header + "\n" + entries * 112
    seconds = _best_of(3, partial(_parse_all, biomednews.FORMAT, big))
    print(
        f"biomednews   1,008 entries ({len(big):,} chars): {seconds:.3f} s, "
        f"{1008 / seconds:,.0f} entries/s"
    )


if __name__ == "__main__":
    main()
