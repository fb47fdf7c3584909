"""Run bib-dedupe (automatic mode) on one CSV and print its clusters, time and peak memory as JSON.

Run by ``dedup_peer.py`` with the peer venv's Python, never with bims's: it imports only the
standard library, pandas and bib_dedupe. The time counts from reading the CSV to the clusters
(prep, block, match, cluster; "maybe" pairs are not merged, as in bib-dedupe's automatic mode).

    /work/peer-venv/bin/python benchmarks/peer_bib_dedupe.py RECORDS.csv[.gz] [--cpu 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def main() -> None:
    """Deduplicate the CSV given and print ``{"clusters", "seconds", "peak_mb"}``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv")
    parser.add_argument("--cpu", type=int, default=1, help="bib-dedupe's processes (-1: all)")
    args = parser.parse_args()
    start = time.perf_counter()
    records = pd.read_csv(args.csv)
    prepared = prep(records, verbosity_level=0, cpu=args.cpu)
    pairs = block(prepared, verbosity_level=0, cpu=args.cpu)
    matched = match(pairs, verbosity_level=0, cpu=args.cpu)
    clusters = cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"clusters": clusters, "seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
