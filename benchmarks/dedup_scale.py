"""Deduplication at scale: synthetic libraries with planted duplicates.

For each size, generates that many distinct works (random titles from a pseudo-vocabulary,
Zipf-distributed surnames so that common names make big author+year blocks, journals,
volumes, pages, DOIs for 60 %), plants a duplicate of 10 % of them with typical damage (a
typo, changed case, extra punctuation, dropped DOI, swapped first authors, a trailing period,
missing pages), then times feature extraction and :func:`deduplicate`, and reports peak RSS
and the recall of planted pairs and precision over all pairs. Finally it times an incremental
ingest of 1,000 records (100 of them duplicates) with :func:`match_new`.

With ``--library`` the same records go through the store instead (bulk inserts through the
Library API, each record with its own work and its stored features and blocks, as an ingest
leaves them), then ``bims dedup`` (:func:`dedup_library`) and a 1,000-record ingest
(:func:`dedup_new_records`, rolled back) each run in a fresh interpreter that reports its own
time, CPU time and peak RSS; planted recall and precision are read from the works.

    PYTHONPATH=src python benchmarks/dedup_scale.py --sizes 10000 100000 1000000
    PYTHONPATH=src python benchmarks/dedup_scale.py --library --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bimscli.dedup import build_index, deduplicate, features_from_record, match_new
from bimscli.dedup.collector import collector_paused
from bimscli.dedup.features import RecordFeatures
from bimscli.dedup.library.clustering import dedup_library, dedup_new_records
from bimscli.formats import get_format
from bimscli.model import Author, Identifiers, ParsedRecord, PartialDate, Position, Record
from bimscli.store import Library
from bimscli.store.dedup_index import index_records
from bimscli.store.prepared import create_single_record_works

PLANTED_SHARE = 0.10


def _pseudo_words(rng: random.Random, count: int, low: int, high: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, high))))
    return sorted(words)


class WorkGenerator:
    """A generator of distinct synthetic works and damaged copies of them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = _pseudo_words(self.rng, 8000, 3, 11)
        self.surnames = _pseudo_words(self.rng, 30000, 4, 9)
        self.name_weights = list(
            itertools.accumulate(1 / (rank + 10) for rank in range(len(self.surnames)))
        )
        self.journals = [" ".join(self.rng.choices(self.vocabulary, k=3)) for _ in range(3000)]

    def _surname(self) -> str:
        # Zipf-like: a few names are very common (the commonest ~1.3 % of authors, as Wang
        # is in PubMed), most are rare.
        return self.rng.choices(self.surnames, cum_weights=self.name_weights)[0].title()

    def work(self, number: int) -> Record:
        """One distinct work."""
        rng = self.rng
        title = " ".join(rng.choices(self.vocabulary, k=rng.randint(6, 14))).capitalize()
        authors = tuple(
            Author(family=self._surname(), given=rng.choice(string.ascii_uppercase) + ".")
            for _ in range(rng.randint(1, 6))
        )
        first = rng.randint(1, 2000)
        doi = f"10.{rng.randint(1000, 9999)}/bench.{number}" if rng.random() < 0.6 else None
        return Record(
            title=title,
            authors=authors,
            journal=rng.choice(self.journals).title(),
            date=PartialDate(rng.randint(1980, 2025)),
            volume=str(rng.randint(1, 300)),
            pages=f"{first}-{first + rng.randint(1, 15)}",
            ids=Identifiers(doi=doi),
        )

    def damaged_copy(self, record: Record) -> Record:
        """The same work as another source might describe it."""
        rng = self.rng
        title = record.title or ""
        damage = rng.choice(("typo", "case", "punctuation", "period", "none"))
        if damage == "typo":
            at = rng.randrange(len(title))
            title = title[:at] + rng.choice(string.ascii_lowercase) + title[at + 1 :]
        elif damage == "case":
            title = title.upper() if rng.random() < 0.5 else title.lower()
        elif damage == "punctuation":
            words = title.split()
            at = rng.randrange(1, len(words))
            title = " ".join(words[:at]) + ": " + " ".join(words[at:])
        elif damage == "period":
            title += "."
        authors = record.authors
        if len(authors) > 1 and rng.random() < 0.2:
            authors = (authors[1], authors[0], *authors[2:])
        ids = record.ids if rng.random() < 0.5 else Identifiers()
        pages = record.pages if rng.random() < 0.8 else None
        return Record(
            title=title,
            authors=authors,
            journal=record.journal,
            date=record.date,
            volume=record.volume,
            pages=pages,
            ids=ids,
        )


def planted_library(size: int, seed: int) -> Iterator[tuple[str, Record, str | None]]:
    """``size`` records as (id, record, id of the original it duplicates or None)."""
    library = WorkGenerator(seed)
    originals = round(size / (1 + PLANTED_SHARE))
    for number in range(originals):
        record = library.work(number)
        yield f"w{number}", record, None
        if number < size - originals:
            yield f"d{number}", library.damaged_copy(record), f"w{number}"


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, seed: int) -> None:
    """Generate, deduplicate and score one library size."""
    start = time.perf_counter()
    features: list[RecordFeatures] = []
    planted: set[tuple[str, str]] = set()
    generate = 0.0
    feature_cpu = 0.0
    with collector_paused():  # as the store's index_records does
        for record_id, record, original in planted_library(size, seed):
            t0, cpu0 = time.perf_counter(), time.process_time()
            features.append(features_from_record(record_id, record))
            generate -= time.perf_counter() - t0
            feature_cpu += time.process_time() - cpu0
            if original is not None:
                planted.add((min(record_id, original), max(record_id, original)))
    generate += time.perf_counter() - start
    feature_time = time.perf_counter() - start - generate
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = deduplicate(features)
    dedup_time, dedup_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    found = {p for c in result.clusters for p in itertools.combinations(sorted(c), 2)}
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / len(found) if found else 1.0
    print(
        f"{size:>9,} records: features {feature_time:6.1f} s + dedup {dedup_time:6.1f} s "
        f"= {feature_time + dedup_time:6.1f} s ({1e3 * (feature_time + dedup_time) / size:.3f}"
        f" ms/record; CPU {feature_cpu:.1f} s + {dedup_cpu:.1f} s; generating {generate:.1f} s "
        "not counted), peak RSS "
        f"{peak_rss_mb():,.0f} MB, planted recall {recall:.4f}, precision {precision:.4f}"
    )
    incremental(features, size, seed)


def incremental(features: list[RecordFeatures], size: int, seed: int) -> None:
    """Time a 1,000-record ingest (100 duplicates of library records) into the library."""
    t0 = time.perf_counter()
    index = build_index(features)
    build = time.perf_counter() - t0
    library = WorkGenerator(seed + 1)
    rng = random.Random(seed)
    new: list[RecordFeatures] = []
    for number in range(900):
        new.append(features_from_record(f"n{number}", library.work(10**9 + number)))
    # Re-generate the library's first works (same size and seed) and damage 100 of them.
    first_works = itertools.islice(planted_library(size, seed), 200)
    known = [record for _, record, original in first_works if original is None][:100]
    for number, record in enumerate(known):
        new.append(features_from_record(f"x{number}", library.damaged_copy(record)))
    rng.shuffle(new)
    t0 = time.perf_counter()
    result = match_new(new, index)
    took = time.perf_counter() - t0
    joined = sum(
        1
        for c in result.clusters
        for m in c
        if m.startswith("x") and any(o.startswith("w") for o in c)
    )
    print(
        f"           incremental: index build {build:.1f} s (once, kept by the store), "
        f"match 1,000 new records {took:.3f} s; {joined} of the planted duplicates found"
    )


# Library mode: the same planted libraries through the store and `bims dedup` ----------------

BUILD_BATCH = 10_000


def _parsed(record: Record, number: int) -> ParsedRecord:
    return ParsedRecord(
        record, Position(line=number + 1, entry=number + 1), raw="", source_key=None
    )


def build_store(path: Path, size: int, seed: int) -> list[tuple[int, int]]:
    """A library of ``size`` planted records, stored as an ingest without dedup stores them.

    Records go in through the Library API in batches (bulk, not through the CLI), each with a
    work of its own and its deduplication features and blocks. Returns the planted pairs as
    store record ids.
    """
    fmt = get_format("ris")
    planted: list[tuple[int, int]] = []
    ids: dict[str, int] = {}
    rows = planted_library(size, seed)
    with Library.open(path) as library, library.transaction():
        input_id = library.add_input(
            name="bench", path=None, sha256="0" * 64, size=0, format_name="ris", parser_version="1"
        )
        while batch := list(itertools.islice(rows, BUILD_BATCH)):
            parsed = [_parsed(record, len(ids) + n) for n, (_, record, _) in enumerate(batch)]
            record_ids = library.add_source_records(input_id, parsed)
            create_single_record_works(library, fmt, parsed, record_ids)
            index_records(library, [(r, p.record) for r, p in zip(record_ids, parsed, strict=True)])
            for (name, _, original), rid in zip(batch, record_ids, strict=True):
                ids[name] = rid
                if original is not None:
                    planted.append((ids[original], rid))
    return planted


def _child(step: str, path: Path, size: int, seed: int) -> dict[str, float]:
    """Run one step in a fresh interpreter, so that its peak RSS is its own."""
    command = [sys.executable, __file__, "--step", step, "--db", str(path)]
    command += ["--sizes", str(size), "--seed", str(seed)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def step_dedup(path: Path) -> dict[str, float]:
    """`bims dedup` on the whole library, committed."""
    with Library.open(path) as library:
        t0, cpu0 = time.perf_counter(), time.process_time()
        with library.transaction():
            changes = dedup_library(library)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"wall": wall, "cpu": cpu, "rss": peak_rss_mb(), "merged": len(changes.merged)}


def step_incremental(path: Path, size: int, seed: int) -> dict[str, float]:
    """An ingest of 1,000 records (100 damaged copies of library works), rolled back."""
    fmt = get_format("ris")
    generator = WorkGenerator(seed + 1)
    new = [generator.work(10**9 + n) for n in range(900)]
    first = itertools.islice(planted_library(size, seed), 200)
    known = [(name, r) for name, r, original in first if original is None][:100]
    copies = [generator.damaged_copy(record) for _, record in known]
    records = new + copies
    copied = {id(r) for r in copies}
    random.Random(seed).shuffle(records)
    with Library.open(path) as library, library.transaction(commit=False):
        input_id = library.add_input(
            name="new", path=None, sha256="1" * 64, size=0, format_name="ris", parser_version="1"
        )
        parsed = [_parsed(record, n) for n, record in enumerate(records)]
        t0 = time.perf_counter()
        record_ids = library.add_source_records(input_id, parsed)
        create_single_record_works(library, fmt, parsed, record_ids)
        t1, cpu1 = time.perf_counter(), time.process_time()
        dedup_new_records(library, list(zip(record_ids, records, strict=True)))
        wall, cpu = time.perf_counter() - t1, time.process_time() - cpu1
        store = t1 - t0
        copy_ids = {rid for rid, r in zip(record_ids, records, strict=True) if id(r) in copied}
        found = _joined_with_old(library, copy_ids, min(record_ids))
    return {"wall": wall, "cpu": cpu, "store": store, "rss": peak_rss_mb(), "found": found}


def _joined_with_old(library: Library, record_ids: set[int], first_new: int) -> float:
    works = library.connection.execute("SELECT record_id, work_id FROM work_members").fetchall()
    by_work: dict[int, list[int]] = {}
    for rid, wid in works:
        by_work.setdefault(wid, []).append(rid)
    member_of = dict(works)
    return sum(1 for rid in record_ids if any(o < first_new for o in by_work[member_of[rid]]))


def _score_store(path: Path, planted: list[tuple[int, int]]) -> tuple[float, float]:
    with Library.open(path) as library:
        rows = library.connection.execute("SELECT work_id, record_id FROM work_members")
        by_work: dict[int, list[int]] = {}
        for wid, rid in rows:
            by_work.setdefault(wid, []).append(rid)
    found = {p for m in by_work.values() for p in itertools.combinations(sorted(m), 2)}
    truth = {tuple(sorted(p)) for p in planted}
    hits = len(found & truth)
    return hits / len(truth), hits / len(found) if found else 1.0


def run_library(size: int, seed: int) -> None:
    """Build a stored library, time `bims dedup` on it, then a 1,000-record ingest."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.bims"
        t0, cpu0 = time.perf_counter(), time.process_time()
        planted = build_store(path, size, seed)
        build, build_cpu = time.perf_counter() - t0, time.process_time() - cpu0
        dedup = _child("dedup", path, size, seed)
        recall, precision = _score_store(path, planted)
        inc = _child("incremental", path, size, seed)
        print(
            f"{size:>9,} records in a library (built in {build:.0f} s, CPU {build_cpu:.0f} s):"
            f" bims dedup {dedup['wall']:.1f} s (CPU {dedup['cpu']:.1f} s), peak RSS"
            f" {dedup['rss']:,.0f} MB, planted recall {recall:.4f}, precision {precision:.4f}\n"
            f"           ingest of 1,000 records: store {inc['store']:.2f} s +"
            f" dedup_new_records {inc['wall']:.2f} s (CPU {inc['cpu']:.2f} s), peak RSS"
            f" {inc['rss']:,.0f} MB; {inc['found']:.0f} of 100 planted duplicates found"
        )


def main() -> None:
    """Run the sizes asked for."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--library", action="store_true", help="through the store and bims dedup")
    parser.add_argument("--step", choices=("dedup", "incremental"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "dedup":
        print(json.dumps(step_dedup(args.db)))
        return
    if args.step == "incremental":
        print(json.dumps(step_incremental(args.db, args.sizes[0], args.seed)))
        return
    for size in args.sizes:
        run_library(size, args.seed) if args.library else run(size, args.seed)


if __name__ == "__main__":
    main()
