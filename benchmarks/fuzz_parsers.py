"""Fuzz every parser with mutated real samples (not a test: it prints its figures).

Each parser reads its own fixtures (``fixtures/<format>/``, the recorded service answers for
Crossref and efetch) after one or two mutations: truncation, byte flips, NUL bytes, CR-only
line endings, a huge line, a duplicated or deleted chunk, random bytes, deep nesting. The
cases are drawn from a seeded generator per parser, so a run is repeatable and a case can be
replayed by its number (``--replay FORMAT:N``). Text parsers get the bytes decoded as UTF-8
with replacement characters (what lenient decoding gives them); stream parsers get the bytes.

Each parser runs in a child process of its own, so that its peak memory (max RSS) is its
own and a parser that hangs is killed at the end of its share of ``--seconds``. Printed per
parser: cases tried, parse failures reported, refusals (a :class:`~bimscli.errors.BimsError`
for the whole input, such as PubMed XML declaring entities), crashes (any other exception:
should be 0; each is listed with its case number), the worst time of one case and peak memory.

    PYTHONPATH=src python benchmarks/fuzz_parsers.py --cases 2000 --seconds 120
    PYTHONPATH=src python benchmarks/fuzz_parsers.py --replay ris:17   # one case, traceback
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import random
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from bimscli.errors import BimsError
from bimscli.formats import FORMATS
from bimscli.formats.base import SourceFormat
from bimscli.model import ParseFailure

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLES = {
    "bibtex": ["bibtex/*.bib"],
    "biomednews": ["biomednews/*.txt"],
    "crossref": ["crossref/*.json", "replay/crossref/*.json"],
    "csl-json": ["csl-json/*.json"],
    "csv": ["csv/*.csv"],
    "lay-summary": ["lay-summary/*.txt"],
    "medline": ["medline/*.nbib"],
    "pubmed-page": ["pubmed-page/*.txt"],
    "pubmed-xml": ["pubmed-xml/*.xml", "replay/eutils/efetch/*.xml"],
    "ris": ["ris/*.ris"],
    "semantic-scholar": ["semantic-scholar/*.json", "semantic-scholar/*.txt"],
    "web-article": ["web-article/*.html", "web-article/*.txt"],
}
HANG_SECONDS = 60
"""How long past its budget a parser may run (one slow case may end late; a hang may not)."""
HUGE_LINE_BYTES = 4 << 20
"""The longest line a mutation inserts (a few MB: enough to show a quadratic step)."""


def samples_of(fmt: SourceFormat) -> list[bytes]:
    """The fixture files of a format, as bytes (golden outputs left out)."""
    paths = sorted(
        path
        for pattern in SAMPLES.get(fmt.name, [])
        for path in FIXTURES.glob(pattern)
        if not path.name.endswith(".expected.json")
    )
    return [path.read_bytes() for path in paths]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _flip_bytes(rng: random.Random, data: bytes) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if mutable:
            mutable[rng.randrange(len(mutable))] ^= 1 << rng.randrange(8)
    return bytes(mutable)


def _insert(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + piece + data[at:]


def _nul_bytes(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 8)):
        data = _insert(data, rng.randrange(len(data) + 1), b"\x00" * rng.randint(1, 4))
    return data


def _cr_only(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")


def _huge_line(rng: random.Random, data: bytes) -> bytes:
    unit = rng.choice([b"a", b"word ", b"  more ", b"<i>", b"{", b'"', b"\xff", b"\t"])
    line = unit * (rng.randint(1, HUGE_LINE_BYTES) // len(unit))
    return _insert(data, rng.randrange(len(data) + 1), line)


def _chunk(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.randint(1, max(1, len(data) // 4)))


def _duplicate_chunk(rng: random.Random, data: bytes) -> bytes:
    start, end = _chunk(rng, data)
    return _insert(data, rng.randrange(len(data) + 1), data[start:end])


def _delete_chunk(rng: random.Random, data: bytes) -> bytes:
    start, end = _chunk(rng, data)
    return data[:start] + data[end:]


def _random_bytes(rng: random.Random, data: bytes) -> bytes:
    noise = bytes(rng.randrange(256) for _ in range(rng.randint(1, 256)))
    return _insert(data, rng.randrange(len(data) + 1), noise)


def _deep_nesting(rng: random.Random, data: bytes) -> bytes:
    opener = rng.choice([b"[", b'{"a":', b"<i>", b"<Article>", b"{", b"(("])
    return _insert(data, rng.randrange(len(data) + 1), opener * rng.randint(100, 100_000))


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "truncate": _truncate,
    "flip-bytes": _flip_bytes,
    "nul-bytes": _nul_bytes,
    "cr-only": _cr_only,
    "huge-line": _huge_line,
    "duplicate-chunk": _duplicate_chunk,
    "delete-chunk": _delete_chunk,
    "random-bytes": _random_bytes,
    "deep-nesting": _deep_nesting,
}


def make_case(fmt: SourceFormat, samples: list[bytes], seed: int, number: int) -> tuple[str, bytes]:
    """Case ``number`` of a format: what was done, and the mutated bytes."""
    rng = random.Random(f"{seed}:{fmt.name}:{number}")
    index = rng.randrange(len(samples))
    names = rng.sample(sorted(MUTATIONS), rng.choice([1, 1, 2]))
    data = samples[index]
    for name in names:
        data = MUTATIONS[name](rng, data)
    return f"sample {index}, {' + '.join(names)}", data


def run_parser(fmt: SourceFormat, data: bytes) -> int:
    """Parse ``data`` as the ingest would hand it over; the number of failures reported."""
    if fmt.parse_stream is not None:
        entries = fmt.parse_stream(io.BytesIO(data))
    else:
        entries = fmt.parse_string(data.decode("utf-8", errors="replace"))
    return sum(isinstance(entry, ParseFailure) for entry in entries)


@dataclass
class Tally:
    """What one parser's run found."""

    name: str
    cases: int = 0
    failures: int = 0
    refusals: int = 0
    crashes: list[str] = field(default_factory=list)
    worst_seconds: float = 0.0
    worst_case: str = ""
    peak_mb: float = 0.0
    finished: bool = True


def _fuzz_one(
    fmt: SourceFormat, args: argparse.Namespace, deadline: float, current: Synchronized[int]
) -> Tally:
    samples = samples_of(fmt)
    tally = Tally(fmt.name)
    for number in range(args.cases):
        if time.monotonic() > deadline or not samples:
            break
        current.value = number
        what, data = make_case(fmt, samples, args.seed, number)
        started = time.perf_counter()
        try:
            tally.failures += run_parser(fmt, data)
        except BimsError:
            tally.refusals += 1
        except Exception as error:  # a crash: what the fuzzing is for
            tally.crashes.append(f"case {number} ({what}): {type(error).__name__}: {error}"[:300])
        seconds = time.perf_counter() - started
        if seconds > tally.worst_seconds:
            tally.worst_seconds, tally.worst_case = seconds, f"case {number} ({what})"
        tally.cases += 1
    tally.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return tally


def _child(
    fmt: SourceFormat,
    args: argparse.Namespace,
    budget: float,
    pipe: Connection,
    current: Synchronized[int],
) -> None:
    pipe.send(_fuzz_one(fmt, args, time.monotonic() + budget, current))


def fuzz(fmt: SourceFormat, args: argparse.Namespace, budget: float) -> Tally:
    """Fuzz one parser in a child process, killed if it overruns its budget by far."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    current = context.Value("i", -1)
    child = context.Process(target=_child, args=(fmt, args, budget, send, current))
    child.start()
    if receive.poll(budget + HANG_SECONDS):
        tally: Tally = receive.recv()
        child.join()
        return tally
    child.kill()
    child.join()
    return Tally(fmt.name, crashes=[f"case {current.value}: still running, killed"], finished=False)


def replay(spec: str, seed: int) -> None:
    """Run one case and show its traceback, if any."""
    name, _, number = spec.partition(":")
    fmt = next(f for f in FORMATS if f.name == name)
    what, data = make_case(fmt, samples_of(fmt), seed, int(number))
    print(f"{name} case {number}: {what}, {len(data):,} bytes")
    try:
        print(f"{run_parser(fmt, data)} failure(s) reported")
    except Exception:
        traceback.print_exc()


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per parser, at most")
    parser.add_argument("--seconds", type=float, default=120, help="time for all parsers")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", help="fuzz this format only")
    parser.add_argument("--replay", help="FORMAT:N: run case N of FORMAT with its traceback")
    args = parser.parse_args()
    if args.replay:
        replay(args.replay, args.seed)
        return
    formats = [f for f in FORMATS if args.only in (None, f.name)]
    budget = args.seconds / len(formats)
    print(f"seed {args.seed}, at most {args.cases} cases and {budget:.0f} s per parser")
    print(f"{'parser':17} {'cases':>6} {'failures':>9} {'refusals':>9} {'crashes':>8} "
          f"{'worst s':>8} {'peak MB':>8}  worst case")  # fmt: skip
    crashes = []
    for fmt in formats:
        tally = fuzz(fmt, args, budget)
        if not tally.finished:
            print(f"{tally.name:17} HUNG: killed after {budget + HANG_SECONDS:.0f} s")
        else:
            print(
                f"{tally.name:17} {tally.cases:6d} {tally.failures:9d} {tally.refusals:9d} "
                f"{len(tally.crashes):8d} {tally.worst_seconds:8.2f} {tally.peak_mb:8.0f}  "
                f"{tally.worst_case}"
            )
        crashes += [f"{tally.name}: {crash}" for crash in tally.crashes]
    for crash in crashes[:50]:
        print("CRASH", crash)


if __name__ == "__main__":
    main()
