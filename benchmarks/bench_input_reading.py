"""Benchmark: what lenient decoding and checked ``.gz`` reading cost, and how fast bombs stop.

Measures, on generated text (RIS-like lines, one in seven with a non-ASCII letter):

  lines      - :class:`bimscli.ingest.decoding.DecodedLines` against the floor, a
               ``TextIOWrapper(newline="")`` loop over the same bytes (what bims used before)
  .gz        - ``InputSource.open_bytes`` (check every member's CRC, then read) against the
               floor, ``gzip.open`` reading the same file once
  bombs      - wall time and peak traced memory of reading a ``.gz`` of a few MB that expands
               to 2 GiB on one line, and to 2 GiB of short lines (stopped by the expansion
               limit), and of 1 GiB on one line read as plain text (kept to a preview)

Prints figures; it is not a test.

    PYTHONPATH=src python benchmarks/bench_input_reading.py [--lines 2000000]
"""

from __future__ import annotations

import argparse
import gzip
import io
import tempfile
import time
import tracemalloc
import zlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bimscli.errors import InputError
from bimscli.ingest.decoding import DecodedLines
from bimscli.ingest.sources import InputSource


def _text(lines: int) -> bytes:
    return "".join(
        f"AB  - line {n} of an abstract, with Müller\n" if n % 7 == 0 else f"TI  - line {n}\n"
        for n in range(lines)
    ).encode()


def _seconds(run: Callable[[], object]) -> float:
    """Wall seconds of ``run()`` (untraced: tracing slows a loop of lines several times)."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and peak traced MB of ``run()``."""
    tracemalloc.start()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


def _drain(stream: io.BufferedIOBase | io.RawIOBase) -> int:
    total = 0
    while block := stream.read(1 << 20):
        total += len(block)
    return total


def _bomb(path: Path, unit: bytes, gib: int) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        out.write(packer.compress(b"TY  - JOUR\n"))
        for _ in range(gib * 1024 * 1024 // (len(unit) // 1024)):
            out.write(packer.compress(unit))
        out.write(packer.flush())


def _read_lines(source: InputSource) -> None:
    try:
        with source.open_bytes() as stream:
            for _ in DecodedLines(stream, "utf-8"):
                pass
    except InputError as error:
        print(f"    stopped: {str(error)[:110]}…")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2_000_000)
    options = parser.parse_args()
    data = _text(options.lines)
    print(f"{options.lines:,} lines, {len(data) / 1e6:.0f} MB")
    floor = _seconds(lambda: sum(1 for _ in io.TextIOWrapper(io.BytesIO(data), newline="")))
    ours = _seconds(lambda: sum(1 for _ in DecodedLines(io.BytesIO(data), "utf-8")))
    print(f"  lines: floor {floor:.2f}s, DecodedLines {ours:.2f}s = {ours / floor:.2f}x")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "text.gz"
        path.write_bytes(gzip.compress(data, 6))
        source = InputSource(str(path), path=path)
        floor = _seconds(lambda: _drain(gzip.open(path)))  # noqa: SIM115 - drained at once
        ours = _seconds(lambda: _drain(source.open_bytes()))
        print(f"  .gz: floor {floor:.2f}s, checked read {ours:.2f}s = {ours / floor:.2f}x")
        for name, unit in (("one line", b"x" * (1 << 20)), ("short lines", b"AB  - x\n" * 2**17)):
            bomb = Path(folder) / f"bomb-{name.replace(' ', '-')}.gz"
            _bomb(bomb, unit, 2)
            print(f"  bomb, 2 GiB of {name} from {bomb.stat().st_size / 1e6:.1f} MB:")
            bombed = InputSource(str(bomb), path=bomb)
            seconds, peak = _timed(partial(_read_lines, bombed))
            print(f"    {seconds:.2f}s, peak {peak:.0f} MB traced")
        plain = Path(folder) / "one-line.txt"
        with plain.open("wb") as out:
            for _ in range(1024):
                out.write(b"x" * (1 << 20))
        seconds, peak = _timed(lambda: _read_lines(InputSource(str(plain), path=plain)))
        print(f"  1 GiB on one line, plain: {seconds:.2f}s, peak {peak:.0f} MB traced")


if __name__ == "__main__":
    main()
