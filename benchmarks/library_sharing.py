"""Benchmark: reading a library while another process writes it, and what taking turns costs.

Run from the project root::

    PYTHONPATH=src python benchmarks/library_sharing.py [--works 20000] [--repeat 3]

Builds a library of generated works (a RIS file ingested in a temporary folder), then prints:

* the time to open the library and read every work (what ``bims list --json`` does) with no
  other process, the floor; then the same read while another process holds the write lock in
  the middle of a write transaction, and the ratio of the two (about 1: readers do not wait);
* the time of one small write transaction through :meth:`Library.transaction` (which names
  the writer in a side file and clears it), against a bare ``BEGIN IMMEDIATE … COMMIT`` on
  the same connection, the floor.

Best of ``--repeat`` runs; the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import collect_sources
from bimscli.store import Library

_HOLDER = """
import sys
from pathlib import Path
from bimscli.store import Library
with Library.open(Path(sys.argv[1]), activity="benchmark writer") as library:
    with library.transaction() as conn:
        conn.execute("INSERT INTO settings (name, value) VALUES ('benchmark', 'held')")
        print("ready", flush=True)
        sys.stdin.readline()
"""


def _build(folder: Path, works: int) -> Path:
    ris = folder / "works.ris"
    entries = (
        f"TY  - JOUR\nTI  - Generated study {i} of spinal metastases\nDO  - 10.5555/b.{i}\n"
        f"PY  - {2000 + i % 25}\nER  - \n"
        for i in range(works)
    )
    ris.write_text("\n".join(entries), encoding="utf-8")
    path = folder / "library.sqlite"
    with Library.open(path) as library:
        ingest_sources(library, collect_sources([str(ris)]), dedup=False)
    return path


def _best(repeat: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _read_everything(path: Path) -> int:
    with Library.open(path) as library:
        return sum(1 for _ in library.works())


def _while_held(path: Path, action: Callable[[], float]) -> float:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    assert holder.stdout is not None
    if holder.stdout.readline() != "ready\n":
        raise SystemExit("the writer process did not start")
    try:
        return action()
    finally:
        holder.communicate("commit\n", timeout=60)


def _write_transactions(path: Path, count: int, repeat: int) -> tuple[float, float]:
    sql = "INSERT INTO settings (name, value) VALUES ('n', '1') ON CONFLICT DO UPDATE SET value = 1"
    with Library.open(path) as library:
        conn = library.connection

        def bare() -> None:
            for _ in range(count):
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(sql)
                conn.execute("COMMIT")

        def taking_turns() -> None:
            for _ in range(count):
                with library.transaction():
                    conn.execute(sql)

        return _best(repeat, bare) / count, _best(repeat, taking_turns) / count


def main() -> None:
    """Build the library and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = _build(Path(folder), args.works)
        alone = _best(args.repeat, lambda: _read_everything(path))
        held = _while_held(path, lambda: _best(args.repeat, lambda: _read_everything(path)))
        print(f"read {args.works} works: {alone:.3f} s alone (floor), {held:.3f} s while another")
        print(f"  process holds the write lock: {held / alone:.2f} x the floor")
        bare, turns = _write_transactions(path, 1000, args.repeat)
        print(
            f"one small write transaction: {bare * 1e6:.0f} us bare (floor), "
            f"{turns * 1e6:.0f} us naming its writer: {turns / bare:.1f} x the floor"
        )


if __name__ == "__main__":
    main()
