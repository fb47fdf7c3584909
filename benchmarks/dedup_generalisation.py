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
  renumbered), so that the pair differs only in its number.

Each original is used once, all planted records are deduplicated together with all originals
(``deduplicate``, default settings), and the benchmark prints per kind: the recall of positive
kinds (and how many more went to review), the false-merge rate of negative kinds, then overall
precision and recall over the planted pairs, and the pairwise precision and recall of the
original sets against their gold files (to see that planting disturbed nothing). Prints
figures; it is not a test.

    PYTHONPATH=src python benchmarks/dedup_generalisation.py [--seed 1] [--per-kind 40]
        [--examples 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # tests.dedup.planted, dedup_accuracy

from dedup_accuracy import cluster_pairs, gold_pairs, load_records  # noqa: E402
from tests.dedup import planted as p  # noqa: E402
from tests.dedup import planted_citation as c  # noqa: E402
from tests.dedup import planted_negatives as n  # noqa: E402

from bimscli.dedup import decide_pair, deduplicate, features_from_record  # noqa: E402
from bimscli.formats import get_format  # noqa: E402
from bimscli.model import Identifiers, ParsedRecord, Record  # noqa: E402

SETS = ("diabetes", "respiratory")
PUBMED_SAMPLES = (
    ("pubmed-xml", "pubmed-xml/efetch-one-article.xml"),
    ("medline", "medline/medline-four-records.nbib"),
)


@dataclass(frozen=True, slots=True)
class Pool:
    """The originals, and what negative kinds draw from them: key words and donor records."""

    records: dict[str, Record]
    vocabulary: tuple[str, ...]
    keys: tuple[str, ...]
    work_of: dict[str, str]
    """Each original's gold work (its group in the set's gold file, else itself)."""

    def donor(self, rng: random.Random, not_key: str) -> Record:
        """Another original, for another group's authors and pages."""
        key = rng.choice(self.keys)
        return self.records[key if key != not_key else self.keys[0]]


Planter = Callable[[Record, random.Random, Pool, str], tuple[Record | None, Record | None]]
"""Original, rng, pool, original's key -> (anchor, or None for the original itself; variant)."""


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of variation: its name, whether its planted record must join, how to plant."""

    name: str
    joins: bool
    plant: Planter


def copy_of(vary: Callable[[Record, random.Random], Record | None]) -> Planter:
    """A positive kind: the original without identifiers, varied."""
    return lambda r, rng, _pool, _key: (None, vary(p.without_identifiers(r), rng))


def copy_by(vary: Callable[[Record], Record | None]) -> Planter:
    """A positive kind whose variation makes no choice."""
    return copy_of(lambda r, _rng: vary(r))


def doi_copy_of(vary: Callable[[Record, random.Random], Record | None]) -> Planter:
    """A positive DOI kind: the original with only its DOI, which the variation replaces."""
    return lambda r, rng, _pool, _key: (None, vary(replace(r, ids=Identifiers(doi=r.ids.doi)), rng))


def both_numbered(number: Callable[[Record, int], Record | None], a: int, b: int) -> Planter:
    """A negative kind planted on both sides: the original numbered ``a``, its sibling ``b``."""
    return lambda r, _rng, _pool, _key: (number(r, a), number(r, b))


def notice(kind: str) -> Planter:
    """A negative kind: a notice about the original."""
    return lambda r, rng, pool, key: (None, n.notice_about(r, rng, kind, pool.donor(rng, key)))


def _combined(r: Record, rng: random.Random) -> Record | None:
    """Three positive variations at once, as a record from another database often has."""
    varied = r
    for vary in rng.sample(COMBINABLE, 3):
        varied = vary(varied, rng) or varied
    return varied if varied != r else None


def _cut_long_title(r: Record) -> Record | None:
    """A stand-in for the 255-character cut, which no title of these sets reaches: a title of
    90 characters or more cut at two thirds of its length."""
    length = len(r.title or "")
    return c.title_cut(r, length * 2 // 3) if length >= 90 else None


COMBINABLE: list[Callable[[Record, random.Random], Record | None]] = [
    p.given_names_as_initials,
    c.iso4_abbreviated_journal,
    c.review_reference_count,
    lambda r, _rng: c.trailing_period_toggled(r),
    lambda r, _rng: c.page_range_abbreviated(r),
    lambda r, _rng: c.issue_dropped(r),
    c.year_off_by_one,
    lambda r, _rng: c.html_entities(r),
]

KINDS = (
    Kind("doi-elsevier-pii", True, doi_copy_of(p.elsevier_pii_doi)),
    Kind("doi-springer-bf", True, doi_copy_of(p.springer_legacy_doi)),
    Kind("doi-url-encoded", True, doi_copy_of(lambda r, _rng: p.url_encoded_doi(r))),
    Kind("names-family-given-swapped", True, copy_by(p.family_given_swapped)),
    Kind("first-author-dropped", True, copy_by(p.first_author_dropped)),
    Kind("first-author-group", True, copy_of(p.first_author_as_group)),
    Kind("given-names-initials", True, copy_of(p.given_names_as_initials)),
    Kind("name-suffix-jr-iii", True, copy_of(p.generational_suffix)),
    Kind("surname-particle", True, copy_of(p.surname_particle)),
    Kind("journal-iso4-abbreviation", True, copy_of(c.iso4_abbreviated_journal)),
    Kind("journal-the", True, copy_by(c.journal_article_toggled)),
    Kind("journal-ampersand", True, copy_by(c.journal_ampersand_toggled)),
    Kind("journal-subtitle", True, copy_of(c.journal_subtitle_toggled)),
    Kind("title-review-refs", True, copy_of(c.review_reference_count)),
    Kind("title-multiple-letters", True, copy_by(c.multiple_letters_tag)),
    Kind("title-bracketed-translation", True, copy_by(c.bracketed_translation)),
    Kind("title-trailing-period", True, copy_by(c.trailing_period_toggled)),
    Kind("title-language-tag", True, copy_of(c.language_tag)),
    Kind("title-html-entities", True, copy_by(c.html_entities)),
    Kind("title-cut-at-255", True, copy_by(c.title_cut)),
    Kind(
        "title-cut-short",
        True,
        copy_by(_cut_long_title),
    ),
    Kind("pages-abbreviated", True, copy_by(c.page_range_abbreviated)),
    Kind("pages-e-prefix", True, copy_by(c.electronic_page_toggled)),
    Kind("pages-article-number", True, copy_by(c.article_number_moved)),
    Kind("issue-missing", True, copy_by(c.issue_dropped)),
    Kind("year-off-by-one", True, copy_of(c.year_off_by_one)),
    Kind("combined-three", True, copy_of(_combined)),
    Kind(
        "neg-companion-paper",
        False,
        lambda r, rng, pool, _k: (None, n.companion_paper(r, rng, pool.vocabulary)),
    ),
    Kind(
        "neg-other-group-same-journal",
        False,
        lambda r, rng, pool, k: (
            None,
            n.other_group_paper(r, rng, pool.vocabulary, pool.donor(rng, k)),
        ),
    ),
    Kind("neg-part-1-vs-2", False, both_numbered(n.numbered_part, 1, 2)),
    Kind("neg-phase-2-vs-3", False, both_numbered(n.numbered_phase, 2, 3)),
    *(Kind(f"neg-{k}", False, notice(k)) for k in n.NOTICE_KINDS),
)


def load_originals() -> dict[str, Record]:
    """The real records, keyed ``set/ID``: the labelled sets and the PubMed samples."""
    records: dict[str, Record] = {}
    for name in SETS:
        for key, record in load_records(ROOT / "fixtures" / "dedup" / name).items():
            records[f"{name}/{key}"] = record
    for fmt, path in PUBMED_SAMPLES:
        text = (ROOT / "fixtures" / path).read_text(encoding="utf-8")
        entries = get_format(fmt).parse_string(text)
        for i, entry in enumerate(e for e in entries if isinstance(e, ParsedRecord)):
            records[f"{path}#{i}"] = entry.record
    return records


def gold_works() -> dict[str, str]:
    """Each original of a labelled set that has duplicates, mapped to its gold group's name."""
    work_of: dict[str, str] = {}
    for name in SETS:
        for first, second in sorted(gold_pairs(ROOT / "fixtures" / "dedup" / name)):
            work = work_of.get(f"{name}/{first}", f"{name}/{first}")
            work_of[f"{name}/{first}"] = work
            work_of[f"{name}/{second}"] = work
    return work_of


def is_usable_original(record: Record) -> bool:
    """A record a variation can be planted into: title, year, an author and a journal, and not
    itself a notice (an erratum's copy would test the notice rule, not the variation)."""
    if not (record.title and record.year and record.authors and record.journal):
        return False
    return features_from_record("", record).notice is None


@dataclass(frozen=True, slots=True)
class Case:
    """One planted pair: the kind, the record it was made from, the pair the engine must judge."""

    kind: str
    joins: bool
    original: str
    anchor: str
    variant: str


def plant_all(
    pool: Pool, kinds: tuple[Kind, ...], per_kind: int, seed: int
) -> tuple[list[Case], dict[str, Record]]:
    """Up to ``per_kind`` cases of every kind, each from a gold work no other case uses.

    One original per work: planted copies of two duplicates of one work would meet each other
    (a legacy-DOI copy of one forbidding the other's copy to join), which measures the
    benchmark's own interplay instead of the kind.
    """
    cases: list[Case] = []
    planted: dict[str, Record] = {}
    used: set[str] = set()
    for kind in kinds:
        rng = random.Random(f"{seed}:{kind.name}")
        order = list(pool.keys)
        rng.shuffle(order)
        count = 0
        for key in order:
            if count == per_kind:
                break
            work = pool.work_of.get(key, key)
            if work in used:
                continue
            anchor, variant = kind.plant(pool.records[key], rng, pool, key)
            if variant is None:
                continue
            used.add(work)
            base = f"planted/{kind.name}/{count}"
            anchor_id = key
            if anchor is not None:
                anchor_id = f"{base}/anchor"
                planted[anchor_id] = anchor
            planted[base] = variant
            cases.append(Case(kind.name, kind.joins, key, anchor_id, base))
            count += 1
    return cases, planted


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


def run(per_kind: int, seed: int, examples: int) -> dict[str, object]:
    """Plant, deduplicate everything together, and score per kind and overall."""
    originals = load_originals()
    keys = tuple(sorted(k for k, r in originals.items() if is_usable_original(r)))
    vocabulary = n.title_vocabulary(r.title or "" for r in originals.values())
    pool = Pool(originals, vocabulary, keys, gold_works())
    cases, planted = plant_all(pool, KINDS, per_kind, seed)
    records = {**originals, **planted}
    start = time.perf_counter()
    features = [features_from_record(k, r) for k, r in records.items()]
    result = deduplicate(features)
    seconds = time.perf_counter() - start
    cluster_of = {rid: i for i, cluster in enumerate(result.clusters) for rid in cluster}
    review = {frozenset((d.first, d.second)) for d in result.borderline}

    def joined(case: Case) -> bool:
        return cluster_of.get(case.anchor, -1) == cluster_of.get(case.variant, -2)

    scores = [
        KindScore(
            kind.name,
            kind.joins,
            sum(1 for c in cases if c.kind == kind.name),
            sum(1 for c in cases if c.kind == kind.name and joined(c)),
            sum(
                1
                for c in cases
                if c.kind == kind.name
                and not joined(c)
                and frozenset((c.anchor, c.variant)) in review
            ),
        )
        for kind in KINDS
    ]
    found_positive = sum(s.joined for s in scores if s.joins)
    positives = sum(s.planted for s in scores if s.joins)
    false_merges = sum(s.joined for s in scores if not s.joins)
    wrong = [c for c in cases if joined(c) != c.joins]
    return {
        "seed": seed,
        "per_kind": per_kind,
        "records": len(records),
        "planted": len(planted),
        "seconds": round(seconds, 2),
        "kinds": [asdict(s) | {"rate": round(s.rate, 4)} for s in scores],
        "planted_recall": found_positive / positives if positives else float("nan"),
        "planted_precision": found_positive / (found_positive + false_merges)
        if found_positive + false_merges
        else float("nan"),
        "negatives": sum(s.planted for s in scores if not s.joins),
        "false_merges": false_merges,
        "sets": [set_score(name, result.clusters) for name in SETS],
        "examples": [example(c, records) for c in _examples(wrong, examples)],
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
                counts = f"{s['planted']:4} {s['joined']:5} {s['rate']:7.3f}  {s['review']:5}"
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
