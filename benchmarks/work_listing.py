"""Benchmark: ``bims list`` and ``bims show`` on a library of many works.

Run from the project root::

    PYTHONPATH=src python benchmarks/work_listing.py [--works 5000] [--repeat 3]

Builds a library by ingesting a generated RIS file (each work with authors, a journal, a DOI,
an abstract; every third with two tags and a status), then times, each as a ratio to a floor
measured in the same run on the same database (reading every work with ``Library.works``):

- ``work_facts`` of every work (tags, keys, merged ids, statuses, source counts);
- ``bims list --json -n 0``, ``bims list --format csv -n 0`` and ``bims list --sort year``
  (a table of 200 works at 80 columns), through the CLI;
- ``bims show ID`` of one work, in milliseconds.

Prints best-of-``--repeat`` wall-clock seconds. Not a test: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.export.work_facts import work_facts
from bimscli.store import Library
from bimscli.store.curation import decide


def _best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _ris(works: int) -> str:
    entries = []
    for n in range(works):
        entries.append(
            f"TY  - JOUR\nTI  - Outcomes of treatment {n} for spinal metastases in a cohort\n"
            f"AU  - Family{n % 97}, Given A\nAU  - Other{n % 13}, B C\n"
            f"T2  - Journal of Benchmark Oncology {n % 50}\nPY  - {1990 + n % 35}\n"
            f"VL  - {n % 40}\nIS  - {n % 12}\nSP  - {n % 900}\nEP  - {n % 900 + 9}\n"
            f"DO  - 10.5555/bench.{n}\nAB  - A benchmark abstract of work {n}.\nER  - \n"
        )
    return "".join(entries)


def _library(folder: Path, works: int) -> Path:
    path = folder / "lib.sqlite"
    source = folder / "works.ris"
    source.write_text(_ris(works), encoding="utf-8")
    result = CliRunner().invoke(app, ["--library", str(path), "ingest", str(source)])
    assert result.exit_code == 0, result.output
    with Library.open(path) as library, library.transaction() as conn:
        tagged = list(range(1, works + 1, 3))
        conn.executemany(
            "INSERT INTO work_tags (work_id, tag, origin, created_at) VALUES (?, ?, 'manual', '')",
            [(w, t) for w in tagged for t in ("mine", "design/cohort")],
        )
        decide(library, tagged, "selected", by="bench")
    return path


def _cli(path: Path, *args: str) -> Callable[[], object]:
    def run() -> None:
        result = CliRunner().invoke(app, ["--library", str(path), *args], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output

    return run


def main() -> None:
    """Build the library, time each step, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    os.environ.pop("BIMS_LIBRARY", None)
    with tempfile.TemporaryDirectory() as tmp:
        path = _library(Path(tmp), options.works)
        with Library.open(path) as library:
            floor = _best(options.repeat, lambda: list(library.works()))
            facts = _best(options.repeat, lambda: work_facts(library))
        print(f"{options.works:,} works; floor (read every work): {floor:.3f} s")
        print(f"work_facts of every work:  {facts:.3f} s  ({facts / floor:.2f}x floor)")
        for label, args in (
            ("list --json -n 0", ("list", "--json", "-n", "0")),
            ("list --format csv -n 0", ("list", "--format", "csv", "-n", "0")),
            ("list --sort year (200)", ("list", "--sort", "year", "-n", "200")),
        ):
            took = _best(options.repeat, _cli(path, *args))
            print(f"{label:<26} {took:.3f} s  ({took / floor:.2f}x floor)")
        show = _best(options.repeat, _cli(path, "show", str(options.works // 2)))
        print(f"show ID                    {show * 1000:.1f} ms")


if __name__ == "__main__":
    main()
