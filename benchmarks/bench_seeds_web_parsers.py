"""Timing of the semantic-scholar and web-article parsers on large and many inputs.

Run from the project root:  PYTHONPATH=src python benchmarks/bench_seeds_web_parsers.py

Prints seconds per input and throughput; a figure, never a pass/fail.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from bimscli.formats.semantic_scholar import FORMAT as S2
from bimscli.formats.web_article import FORMAT as WEB

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _best_of(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    """The fastest of ``runs`` timings of ``work`` and the count it returned."""
    best, count = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        count = work()
        best = min(best, time.perf_counter() - start)
    return best, count


def _big_s2_paper() -> str:
    """The Turing paper with 1,000 citations again, as large as the full 2.7 MB response."""
    paper = json.loads((FIXTURES / "semantic-scholar" / "graph-api-paper.json").read_text("utf-8"))
    citations = paper["citations"]
    paper["citations"] = [dict(citations[i % 2], paperId=f"{i:040x}") for i in range(1000)]
    return json.dumps(paper)


def main() -> None:
    """Print the figures."""
    big = _big_s2_paper()
    seconds, count = _best_of(5, lambda: len(list(S2.parse_string(big))))
    print(f"semantic-scholar, one paper with 1,000 citations ({len(big) / 1e6:.1f} MB): "
          f"{seconds * 1000:.1f} ms, {count} entry")  # fmt: skip

    seed = (FIXTURES / "semantic-scholar" / "aggregator-page-seed-003.txt").read_text("utf-8")
    pages = "\n".join([seed] * 1000)
    seconds, count = _best_of(3, lambda: len(list(S2.parse_string(pages))))
    print(f"semantic-scholar, 1,000 aggregator pages in one text ({len(pages) / 1e6:.1f} MB): "
          f"{seconds:.2f} s, {count} records, {count / seconds:,.0f} records/s")  # fmt: skip

    html = (FIXTURES / "web-article" / "plos-one-landing-page.html").read_text("utf-8")
    seconds, _ = _best_of(3, lambda: sum(len(list(WEB.parse_string(html))) for _ in range(100)))
    print(f"web-article, PLOS landing page ({len(html) / 1e3:.0f} kB): "
          f"{seconds * 10:.1f} ms per page")  # fmt: skip

    text = (FIXTURES / "web-article" / "copied-article-seed-004.txt").read_text("utf-8")
    seconds, _ = _best_of(3, lambda: sum(len(list(WEB.parse_string(text))) for _ in range(100)))
    print(f"web-article, copied article text ({len(text) / 1e3:.0f} kB): "
          f"{seconds * 10:.2f} ms per page")  # fmt: skip


if __name__ == "__main__":
    main()
