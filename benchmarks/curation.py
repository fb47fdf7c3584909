"""Benchmark: curation statuses on a library of many works (a large watch's first run).

Run from the project root::

    PYTHONPATH=src python benchmarks/curation.py [--works 20000] [--repeat 3]

Times, each as a ratio to a floor measured in the same run on the same database:

- ``mark_new`` of every work (what a watch run does after storing), against a bare
  ``executemany`` of the same number of rows into a table of the same shape;
- ``current_statuses`` (every ``bims list --query`` with ``[status]``, every ``bims tag``),
  against a bare ``SELECT`` of every log row;
- the triage queue (``new_works_newest_first``) against the same bare ``SELECT``;
- deciding on 1,000 works one transaction each (as triage keys are saved), in microseconds per
  decision.

Prints best-of-``--repeat`` wall-clock seconds. Not a test: the machine is shared.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bimscli.store import Library
from bimscli.store.curation import current_statuses, decide, mark_new, new_works_newest_first
from bimscli.store.library import now_iso


def _best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _library(folder: Path, works: int) -> Library:
    """A library of ``works`` bare works (no records: statuses never read them)."""
    library = Library.open(folder / "lib.sqlite")
    stamp = now_iso()
    with library.transaction() as conn:
        conn.executemany(
            "INSERT INTO works (record, provenance, created_at, updated_at, year)"
            " VALUES ('{}', '{}', ?, ?, ?)",
            [(stamp, stamp, 1990 + n % 35) for n in range(works)],
        )
    return library


def _floor_insert(library: Library, rows: int) -> None:
    with library.transaction() as conn:
        conn.execute("DROP TABLE IF EXISTS floor_log")
        conn.execute(
            "CREATE TABLE floor_log (id INTEGER PRIMARY KEY AUTOINCREMENT, work_id INTEGER,"
            " origin_work INTEGER, action TEXT, status TEXT, previous TEXT, at TEXT, by TEXT,"
            " origin TEXT, undoes INTEGER, note TEXT)"
        )
        conn.execute("CREATE INDEX floor_log_work ON floor_log(work_id)")
        stamp = now_iso()
        conn.executemany(
            "INSERT INTO floor_log (work_id, origin_work, action, status, at, origin)"
            " VALUES (?, ?, 'new', 'new', ?, 'watch:x')",
            [(n, n, stamp) for n in range(1, rows + 1)],
        )


def _mark_all_new(library: Library, ids: list[int]) -> None:
    with library.transaction(commit=False):  # rolled back: every repeat starts clean
        mark_new(library, ids, origin="watch:x")


def main() -> None:
    """Build the library, time each operation against its floor, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = _library(Path(folder), args.works)
        ids = [int(w) for (w,) in library.connection.execute("SELECT id FROM works")]
        floor = _best(args.repeat, lambda: _floor_insert(library, len(ids)))
        marked = _best(args.repeat, lambda: _mark_all_new(library, ids))
        print(f"mark_new of {len(ids):,} works: {marked:.3f} s; bare insert {floor:.3f} s;"
              f" ratio {marked / floor:.1f}")  # fmt: skip
        with library.transaction():
            mark_new(library, ids, origin="watch:x")
        select_all = _best(
            args.repeat,
            lambda: library.connection.execute(
                "SELECT work_id, status FROM curation_log"
            ).fetchall(),
        )
        statuses = _best(args.repeat, lambda: current_statuses(library))
        queue = _best(args.repeat, lambda: new_works_newest_first(library, "watch:x"))
        print(f"current_statuses: {statuses:.3f} s; triage queue: {queue:.3f} s;"
              f" bare select {select_all:.3f} s; ratios {statuses / select_all:.1f},"
              f" {queue / select_all:.1f}")  # fmt: skip
        start = time.perf_counter()
        for work_id in ids[:1000]:
            with library.transaction():
                decide(library, [work_id], "selected", by="bench")
        per_decision = (time.perf_counter() - start) / 1000 * 1e6
        print(f"one decision in its own transaction: {per_decision:.0f} µs")
        library.close()


if __name__ == "__main__":
    main()
