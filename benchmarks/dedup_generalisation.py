"""Deduplication generalisation: plant each kind of variation into real records, measure per kind.

Real records (the ``diabetes`` and ``respiratory`` sets of fixtures/dedup/ and the PubMed
samples of fixtures/pubmed-xml and fixtures/medline) are the originals. For each kind, records
are picked deterministically (``--seed``) among those the kind applies to, and a planted record
is made from each with the functions of ``tests/dedup/planted*.py``:

* positive kinds: the way another database writes the *same* article (a legacy DOI, swapped
  names, an abbreviated journal, a decorated title, abbreviated pages, a year one off). The
  copy carries no identifier of the original (a DOI kind carries only its other DOI), so that
  only the variation under test can join them. It must join its original.
* negative kinds: *another* work that looks like it (a companion paper, another group's paper
  with one title word changed, Part 1/Part 2, phase II/III, an erratum, retraction, comment or
  reply). It must not join. Part and phase kinds plant both sides (the anchor is the original
  renumbered) in place of an original without duplicates, so that the pair differs only in
  its number and no unnumbered copy stands between them.

Each gold work gives at most one original (copies of two duplicates of one work would meet
each other). All planted records are deduplicated together with all originals
(``deduplicate``, default settings), and the benchmark prints per kind: the recall of positive
kinds (and how many more went to review), the false-merge rate of negative kinds, then overall
precision and recall over the planted pairs, and the pairwise precision and recall of the
original sets against their gold files (to see that planting disturbed nothing). Prints
figures; it is not a test.

    PYTHONPATH=src python benchmarks/dedup_generalisation.py [--seed 1] [--per-kind 40]
        [--examples 2] [--json]

No title of these sets reaches 255 characters, so ``title-cut-at-255`` plants nothing; its
stand-in ``title-cut-short`` cuts titles of 90 characters or more at two thirds. The same
planted set, written as one CSV, is compared with bib-dedupe by ``dedup_peer.py --planted``.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass

from dedup_accuracy import cluster_pairs, gold_pairs
from planted_kinds import KINDS, ROOT, SETS, Case, PlantedSet, planted_set

from bimscli.dedup import decide_pair, deduplicate, features_from_record
from bimscli.model import Record


@dataclass(frozen=True, slots=True)
class KindScore:
    """How the engine did on one kind: planted, joined, sent to review."""

    kind: str
    joins: bool
    planted: int
    joined: int
    review: int

    @property
    def rate(self) -> float:
        """Recall for a positive kind, false-merge rate for a negative one."""
        return self.joined / self.planted if self.planted else float("nan")


def score_cases(
    planted: PlantedSet,
    clusters: tuple[tuple[str, ...], ...],
    review: frozenset[frozenset[str]] = frozenset(),
) -> dict[str, object]:
    """Per kind and overall scores of the planted cases, given the clusters an engine found."""
    cluster_of = {rid: i for i, cluster in enumerate(clusters) for rid in cluster}

    def joined(case: Case) -> bool:
        return cluster_of.get(case.anchor, -1) == cluster_of.get(case.variant, -2)

    scores = []
    for kind in KINDS:
        mine = [case for case in planted.cases if case.kind == kind.name]
        together = [case for case in mine if joined(case)]
        in_review = [
            case
            for case in mine
            if not joined(case) and frozenset((case.anchor, case.variant)) in review
        ]
        scores.append(KindScore(kind.name, kind.joins, len(mine), len(together), len(in_review)))
    found = sum(s.joined for s in scores if s.joins)
    positives = sum(s.planted for s in scores if s.joins)
    false_merges = sum(s.joined for s in scores if not s.joins)
    return {
        "kinds": [asdict(s) | {"rate": round(s.rate, 4) if s.planted else None} for s in scores],
        "planted_recall": round(found / positives, 4) if positives else None,
        "planted_precision": round(found / (found + false_merges), 4)
        if found + false_merges
        else None,
        "negatives": sum(s.planted for s in scores if not s.joins),
        "false_merges": false_merges,
        "sets": [set_score(name, clusters) for name in SETS],
        "wrong": [case for case in planted.cases if joined(case) != case.joins],
    }


def run(per_kind: int, seed: int, examples: int) -> dict[str, object]:
    """Plant, deduplicate everything together with default settings, and score."""
    planted = planted_set(seed, per_kind)
    start = time.perf_counter()
    features = [features_from_record(k, r) for k, r in planted.records.items()]
    result = deduplicate(features)
    seconds = time.perf_counter() - start
    review = frozenset(frozenset((d.first, d.second)) for d in result.borderline)
    report = score_cases(planted, result.clusters, review)
    wrong = report.pop("wrong")
    assert isinstance(wrong, list)
    return {
        "seed": seed,
        "per_kind": per_kind,
        "records": len(planted.records),
        "planted": planted.planted,
        "seconds": round(seconds, 2),
        **report,
        "examples": [example(c, planted.records) for c in _examples(wrong, examples)],
    }


def _examples(wrong: list[Case], per_kind: int) -> list[Case]:
    out: list[Case] = []
    for case in wrong:
        if sum(1 for o in out if o.kind == case.kind) < per_kind:
            out.append(case)
    return out


def set_score(name: str, clusters: tuple[tuple[str, ...], ...]) -> dict[str, object]:
    """Pairwise precision and recall of one original set's records against its gold file."""
    prefix = f"{name}/"
    ours = tuple(
        tuple(r[len(prefix) :] for r in cluster if r.startswith(prefix)) for cluster in clusters
    )
    found = cluster_pairs(ours)
    gold = gold_pairs(ROOT / "fixtures" / "dedup" / name)
    tp = len(found & gold)
    return {
        "set": name,
        "precision": round(tp / len(found), 4) if found else 1.0,
        "recall": round(tp / len(gold), 4) if gold else 1.0,
    }


def example(case: Case, records: dict[str, Record]) -> dict[str, object]:
    """A wrongly judged pair, side by side, with the engine's decision and rule for it."""
    a, b = (features_from_record(k, records[k]) for k in (case.anchor, case.variant))
    decision = decide_pair(a, b)
    return {
        "kind": case.kind,
        "decision": f"{decision.outcome.value}/{decision.rule}" if decision else "not similar",
        "pair": [brief(records[case.anchor]), brief(records[case.variant])],
    }


def brief(r: Record) -> str:
    """One line to judge a record by."""
    first = r.authors[0].display_name if r.authors else "-"
    where = f"{r.journal} {r.volume}({r.issue}):{r.pages or r.article_number}"
    return f"{r.year} | {first} | {r.title} | {where} | {r.ids.doi}"


def rate(value: float | None, width: int = 7) -> str:
    """A rate to three decimals, or "-" for a kind that found nothing to plant."""
    return f"{value:{width}.3f}" if value is not None else f"{'-':>{width}}"


def print_report(report: dict[str, object]) -> None:
    """The report as text."""
    print(
        f"{report['records']} records ({report['planted']} planted), seed {report['seed']}, "
        f"{report['per_kind']} per kind; deduplicated in {report['seconds']} s"
    )
    kinds = report["kinds"]
    assert isinstance(kinds, list)
    for joins, header in ((True, "recall"), (False, "false merges")):
        print(
            f"\n  {'positive kind' if joins else 'negative kind':32} {'n':>4} {header:>13}  review"
        )
        for s in kinds:
            if s["joins"] is joins:
                counts = f"{s['planted']:4} {s['joined']:5} {rate(s['rate'])}  {s['review']:5}"
                print(f"  {s['kind']:32} {counts}")
    print(
        f"\n  planted pairs: recall {report['planted_recall']:.4f}  "
        f"precision {report['planted_precision']:.4f}  "
        f"({report['false_merges']} false merges of {report['negatives']} negatives)"
    )
    sets = report["sets"]
    assert isinstance(sets, list)
    for s in sets:
        print(
            f"  original set {s['set']}: precision {s['precision']:.4f}  recall {s['recall']:.4f}"
        )
    examples = report["examples"]
    assert isinstance(examples, list)
    for e in examples:
        print(f"\n  wrong: {e['kind']} ({e['decision']})")
        for line in e["pair"]:
            print(f"    {line}")


def main() -> None:
    """Run with the options given and print the report (text or JSON)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--examples", type=int, default=1, help="wrong pairs shown per kind")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    report = run(args.per_kind, args.seed, args.examples)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
