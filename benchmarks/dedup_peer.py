"""bims beside bib-dedupe, in the same run, on the same records: P/R/F1, wall time, peak memory.

For each labelled set in fixtures/dedup/ (and, with ``--planted``, the generalisation
benchmark's planted set written as one CSV), each engine runs in its own process on the same
CSV file: bims reads it with its CSV parser and runs ``deduplicate`` with default settings;
bib-dedupe runs prep, block, match and cluster (automatic mode: "maybe" pairs are not merged)
in its own virtualenv. Each process reports its clusters, the seconds from reading the CSV to
the clusters, and its peak resident memory (interpreter and imports included); the table gives
pairwise precision, recall and F1 against the gold pairs, and the peer's time and memory as a
multiple of bims's. On the planted set it also gives each engine's recall or false-merge rate
per kind. Prints figures; it is not a test.

bib-dedupe is never a dependency of bims. Set up its virtualenv once (it needs no network at
run time; ``--no-network`` runs both engines in a network namespace of their own to show it):

    python3 -m venv /work/peer-venv && /work/peer-venv/bin/pip install bib-dedupe
    PYTHONPATH=src python benchmarks/dedup_peer.py [--peer-python /work/peer-venv/bin/python]
        [--peer-cpu 1] [--planted] [--seed 1] [--per-kind 40] [--no-network] [SET ...]

``--peer-cpu 1`` (the default) keeps bib-dedupe to one process, as bims is; ``-1`` lets it use
every core.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dedup_accuracy import cluster_pairs, gold_pairs
from dedup_generalisation import rate, score_cases
from planted_kinds import ROOT, PlantedSet, planted_set

from bimscli.dedup import deduplicate, features_from_record
from bimscli.formats.csv_table import FORMAT
from bimscli.model import Author, ParsedRecord, Record

FIXTURES = ROOT / "fixtures" / "dedup"
PEER_WORKER = Path(__file__).resolve().parent / "peer_bib_dedupe.py"


def bims_worker(path: Path) -> None:
    """Deduplicate one CSV with bims and print clusters, seconds and peak memory as JSON."""
    assert FORMAT.parse_lines is not None
    start = time.perf_counter()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as stream:
        entries = list(FORMAT.parse_lines(stream))
    features = [
        features_from_record(e.source_key or "", e.record)
        for e in entries
        if isinstance(e, ParsedRecord)
    ]
    clusters = deduplicate(features).clusters
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"clusters": clusters, "seconds": seconds, "peak_mb": peak_mb}))


@dataclass(frozen=True, slots=True)
class EngineRun:
    """What one engine's process reported."""

    clusters: tuple[tuple[str, ...], ...]
    seconds: float
    peak_mb: float


def run_engine(command: list[str], no_network: bool) -> EngineRun:
    """Run one engine's process and read its report."""
    if no_network:
        command = ["unshare", "--net", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    clusters = tuple(tuple(str(i) for i in c) for c in report["clusters"])
    return EngineRun(clusters, report["seconds"], report["peak_mb"])


def run_both(path: Path, args: argparse.Namespace) -> dict[str, EngineRun]:
    """bims and bib-dedupe on the same CSV file, one after the other."""
    bims = [sys.executable, __file__, "--worker", str(path)]
    peer = [args.peer_python, str(PEER_WORKER), str(path), "--cpu", str(args.peer_cpu)]
    return {
        "bims": run_engine(bims, args.no_network),
        "bib-dedupe": run_engine(peer, args.no_network),
    }


def prf(found: set[tuple[str, str]], gold: set[tuple[str, str]]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1."""
    tp = len(found & gold)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def print_side_by_side(name: str, runs: dict[str, EngineRun], gold: set[tuple[str, str]]) -> None:
    """One set's table: each engine's scores, time and memory, and the peer's multiples."""
    print(f"{name}: {len(gold)} gold pairs")
    for engine, run in runs.items():
        precision, recall, f1 = prf(cluster_pairs(run.clusters), gold)
        found = len(cluster_pairs(run.clusters))
        print(
            f"  {engine:10} P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f}  "
            f"(false pairs {found - len(cluster_pairs(run.clusters) & gold):3})  "
            f"{run.seconds:7.2f} s  {run.peak_mb:6.0f} MB"
        )
    bims, peer = runs["bims"], runs["bib-dedupe"]
    print(
        f"  bib-dedupe / bims: time x{peer.seconds / bims.seconds:.1f}, "
        f"peak memory x{peer.peak_mb / bims.peak_mb:.1f}"
    )


CSV_COLUMNS = (
    *("ID", "ENTRYTYPE", "author", "title", "journal", "year", "volume", "number", "pages"),
    *("doi", "abstract"),
)


def author_cell(authors: tuple[Author, ...]) -> str:
    """Authors as BibTeX writes them, "Family, Given and …" (a group in braces)."""
    return " and ".join(
        f"{{{a.group}}}" if a.group else ", ".join(p for p in (a.family, a.given) if p)
        for a in authors
    )


def write_csv(records: dict[str, Record], path: Path) -> None:
    """Records as a bib-dedupe/CoLRev CSV, the format both engines read."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for key, r in records.items():
            what = (author_cell(r.authors), r.title or "", r.journal or "")
            where = (r.year or "", r.volume or "", r.issue or "", r.pages or r.article_number or "")
            writer.writerow((key, "article", *what, *where, r.ids.doi or "", r.abstract_text))


def planted_comparison(args: argparse.Namespace) -> None:
    """Both engines on the planted set, written as one CSV: scores per kind side by side."""
    planted: PlantedSet = planted_set(args.seed, args.per_kind)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planted.csv"
        write_csv(planted.records, path)
        runs = run_both(path, args)
    print(f"\nplanted set (seed {args.seed}, {args.per_kind} per kind): {len(planted.records)}")
    reports = {engine: score_cases(planted, run.clusters) for engine, run in runs.items()}
    print(f"  {'kind':32} {'bims':>7} {'bib-dedupe':>11}   (recall; false-merge rate for neg-)")
    kinds = zip(*(r["kinds"] for r in reports.values()), strict=True)
    for ours, theirs in kinds:
        rates = f"{rate(ours['rate'])} {rate(theirs['rate'], 11)}"
        print(f"  {ours['kind']:32} {rates}   n={ours['planted']}")
    for engine, report in reports.items():
        run = runs[engine]
        print(
            f"  {engine:10} planted recall {report['planted_recall']}  precision "
            f"{report['planted_precision']}  false merges {report['false_merges']}  "
            f"{run.seconds:.2f} s  {run.peak_mb:.0f} MB"
        )


def main() -> None:
    """Compare on every set given (default: all labelled sets), then the planted set."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--peer-python", default="/work/peer-venv/bin/python")
    parser.add_argument("--peer-cpu", type=int, default=1)
    parser.add_argument("--planted", action="store_true", help="also the planted set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--no-network", action="store_true", help="run both in unshare --net")
    args = parser.parse_args()
    if args.worker:
        bims_worker(args.worker)
        return
    sets = args.sets or sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    for set_dir in sets:
        runs = run_both(set_dir / "records_pre_merged.csv.gz", args)
        print_side_by_side(set_dir.name, runs, gold_pairs(set_dir))
    if args.planted:
        planted_comparison(args)


if __name__ == "__main__":
    main()
