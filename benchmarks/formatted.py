"""Benchmark: a formatted bibliography of N works by bims, against pandoc --citeproc alone.

The floor is pandoc itself, run by hand on the same CSL-JSON with the same style (what a
person would run without bims). bims's time includes choosing the engine, building the
CSL-JSON items, running pandoc and turning its HTML into text. Each size runs ``--repeat``
rounds, floor and bims interleaved; the median round is printed. Sizes N and 4N show whether
the cost grows linearly. ``--citeproc-py`` also times the fallback engine (slow: about 10 ms
a work).

    PYTHONPATH=src python benchmarks/formatted.py [--works 2500] [--style apa] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bimscli.export import ExportItem
from bimscli.export.choices import OutputFormat
from bimscli.export.csl_json import write_csl_json
from bimscli.export.formatted import format_bibliography, style_path
from bimscli.export.pandoc_citeproc import ENGINE_VARIABLE, pandoc_executable
from export import generated_record


def _items(count: int) -> list[ExportItem]:
    rng = random.Random(20251204)
    return [ExportItem(f"key{n}", generated_record(rng)) for n in range(count)]


def _pandoc_alone(items: list[ExportItem], style: str, folder: Path) -> float:
    executable = pandoc_executable()
    assert executable is not None, "pandoc 2.11 or newer is needed"
    references = folder / "references.json"
    references.write_text(write_csl_json(items), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [executable, "--citeproc", f"--csl={style_path(style)}",
         f"--bibliography={references}", "--to=plain", "--wrap=none"],
        input="---\nnocite: '[@*]'\n---\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _bims(items: list[ExportItem], style: str, engine: str) -> float:
    os.environ[ENGINE_VARIABLE] = engine
    started = time.perf_counter()
    format_bibliography(items, style, OutputFormat.TEXT)
    return time.perf_counter() - started


def main() -> None:
    """Time each size and print bims against pandoc alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=2500)
    parser.add_argument("--style", default="apa")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--citeproc-py", action="store_true", help="also time the fallback")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        for count in (args.works, 4 * args.works):
            items = _items(count)
            rounds = []
            for _ in range(args.repeat):
                floor = _pandoc_alone(items, args.style, Path(name))
                rounds.append((_bims(items, args.style, "pandoc") / floor, floor))
            ratio, floor = sorted(rounds)[len(rounds) // 2]
            print(
                f"{count:>7,} works, {args.style}: pandoc alone {floor:.2f} s "
                f"({1000 * floor / count:.2f} ms a work); bims {ratio:.2f}x pandoc "
                f"(rounds: {', '.join(f'{r:.2f}' for r, _ in rounds)})"
            )
            if args.citeproc_py:
                slow = statistics.median(
                    _bims(items[:500], args.style, "citeproc-py") for _ in range(1)
                )
                print(f"  citeproc-py, first 500 works: {slow:.2f} s ({2 * slow:.2f} ms a work)")


if __name__ == "__main__":
    main()
