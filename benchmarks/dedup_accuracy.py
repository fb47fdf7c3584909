"""Deduplication accuracy on the labelled sets in fixtures/dedup/ (ASySD, SRA, CoLRev cases).

Each set is read with bims's own CSV parser, deduplicated with default settings, and the
resulting groups of the CSV's IDs are compared with the gold ``merged_record_ids.csv``:
pairwise precision, recall and F1, with example false merges and misses, and ms per record.

Three ways, each scored: the engine on the whole set at once; ``bims ingest`` of the CSV, dealt
into four files (record i to file i mod 4), one file after the other into a fresh library (each
file is matched against the library the earlier ones made and against itself, as a user's
ingests are); and a full ``bims dedup`` of that library afterwards. The library's groups come
from the same function as ``bims dedup --export-groups``.

    PYTHONPATH=src python benchmarks/dedup_accuracy.py [--examples 5] [--threshold 90] [SET ...]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import tempfile
import time
from pathlib import Path

from bimscli.dedup import DEFAULT_THRESHOLD, RecordFeatures, deduplicate, features_from_record
from bimscli.dedup.library.clustering import dedup_library
from bimscli.dedup.library.report import duplicate_groups
from bimscli.formats.csv_table import FORMAT
from bimscli.ingest import ingest_sources
from bimscli.ingest.sources import InputSource
from bimscli.model import ParsedRecord, Record
from bimscli.store import Library

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dedup"


def load_records(set_dir: Path) -> dict[str, Record]:
    """The records of a benchmark set by their CSV ID, parsed by the csv format."""
    assert FORMAT.parse_lines is not None
    with gzip.open(set_dir / "records_pre_merged.csv.gz", "rt", encoding="utf-8", newline="") as f:
        entries = list(FORMAT.parse_lines(f))
    failures = [e for e in entries if not isinstance(e, ParsedRecord)]
    if failures:
        print(f"  {len(failures)} entries failed to parse: {failures[:2]}")
    return {e.source_key or "": e.record for e in entries if isinstance(e, ParsedRecord)}


def gold_pairs(set_dir: Path) -> set[tuple[str, str]]:
    """Every pair of IDs the gold file puts in one group."""
    pairs: set[tuple[str, str]] = set()
    with (set_dir / "merged_record_ids.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            ids = sorted(row["merged_ids"].split(";"))
            pairs.update(itertools.combinations(ids, 2))
    return pairs


def cluster_pairs(clusters: tuple[tuple[str, ...], ...]) -> set[tuple[str, str]]:
    """Every pair of IDs inside one found cluster."""
    return {p for c in clusters for p in itertools.combinations(sorted(c), 2)}


def show_pair(label: str, pair: tuple[str, str], records: dict[str, Record]) -> None:
    """Print two records of a pair side by side, enough to judge them."""
    print(f"    {label}: {pair[0]} / {pair[1]}")
    for key in pair:
        r = records[key]
        first = r.authors[0].display_name if r.authors else "-"
        print(
            f"      {r.year} | {first} | {r.title} | {r.journal} {r.volume}:{r.pages} | {r.ids.doi}"
        )


def evaluate(set_dir: Path, examples: int, threshold: float = DEFAULT_THRESHOLD) -> None:
    """Run and score one set."""
    records = load_records(set_dir)
    start = time.perf_counter()
    features: list[RecordFeatures] = [features_from_record(k, r) for k, r in records.items()]
    result = deduplicate(features, threshold=threshold)
    elapsed = time.perf_counter() - start
    found = cluster_pairs(result.clusters)
    gold = gold_pairs(set_dir)
    tp = len(found & gold)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{set_dir.name}: {len(records)} records, gold pairs {len(gold)}, found {len(found)}")
    print(
        f"  precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  "
        f"{1000 * elapsed / len(records):.2f} ms/record  "
        f"(flagged {len(result.flagged)}, review {len(result.borderline)}, "
        f"links {len(result.links)})"
    )
    for pair in sorted(found - gold)[:examples]:
        show_pair("false merge", pair, records)
    for pair in sorted(gold - found)[:examples]:
        show_pair("missed", pair, records)


def score(
    label: str, found: set[tuple[str, str]], gold: set[tuple[str, str]], n: int, seconds: float
) -> None:
    """Print pairwise precision, recall and F1 of found pairs against gold pairs."""
    tp = len(found & gold)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"  {label}: precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  "
        f"{1000 * seconds / n:.2f} ms/record"
    )


PARTS = 4
"""Files a set is dealt into for the ingest: the later ones meet the earlier in the library."""


def deal_csv(path: Path, directory: Path, parts: int) -> list[Path]:
    """Deal the rows of a CSV into ``parts`` CSV files with its header (row i to file i mod n)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    paths = [directory / f"part-{k + 1}.csv" for k in range(parts)]
    for k, part in enumerate(paths):
        with part.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows[k::parts])
    return paths


def evaluate_via_library(set_dir: Path, threshold: float) -> None:
    """Ingest the CSV into a fresh library, score its groups, then again after a full dedup."""
    gold = gold_pairs(set_dir)
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "l.sqlite") as library:
        parts = deal_csv(set_dir / "records_pre_merged.csv.gz", Path(tmp), PARTS)
        start = time.perf_counter()
        report = ingest_sources(library, [InputSource(str(p), path=p) for p in parts])
        ingest_seconds = time.perf_counter() - start
        n = report.records
        groups = tuple(tuple(g) for g in duplicate_groups(library))
        score("bims ingest (incremental)", cluster_pairs(groups), gold, n, ingest_seconds)
        start = time.perf_counter()
        with library.transaction():
            dedup_library(library, threshold=threshold)
        dedup_seconds = time.perf_counter() - start
        groups = tuple(tuple(g) for g in duplicate_groups(library))
        score("then bims dedup (full)   ", cluster_pairs(groups), gold, n, dedup_seconds)


def main() -> None:
    """Evaluate every set given, or all sets in fixtures/dedup/."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    sets = args.sets or sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    for set_dir in sets:
        evaluate(set_dir, args.examples, args.threshold)
        evaluate_via_library(set_dir, args.threshold)


if __name__ == "__main__":
    main()
