"""Benchmark: tag 100,000 generated works with 100 rules (the shipped ones plus generated).

Run from the project root::

    PYTHONPATH=src python benchmarks/tagging.py [--works 100000] [--rules 100] [--repeat 3]
    PYTHONPATH=src python benchmarks/tagging.py --library [--works 100000] [--rules 100]

Prints the time to compile the rules, the time to tag every work, and works per second, as
wall-clock and CPU time (best of ``--repeat`` runs: the machine is shared, and CPU time is what
another process's load does not inflate), beside a floor measured in the same run: folding and
splitting the text fields the rules read, once per work. The target (issue 17): tagging at most
2x the floor.

``--library`` measures what ``bims tag`` does instead: it builds a library of the generated
works in a temporary folder, then times :func:`~bimscli.tagging.library_tags.apply_rules` end to
end (read and decode the works from SQLite, tag them, write the changes): on the fresh library
(every tag is new), again with nothing to change, after ``--new`` works were added (only those
are read), and with ``--all`` (every work read again). The records are generated from a
biomedical vocabulary with realistic lengths (a 12-word title, a 250-word abstract in four
sections, 5 keywords, 10 MeSH headings), so that shipped rules fire on some of them.
"""

from __future__ import annotations

import argparse
import gc
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bimscli.model import AbstractSection, MeshHeading, MeshQualifier, Record
from bimscli.query.fields import Source
from bimscli.query.text import fold_and_split
from bimscli.query.views import text_values
from bimscli.store import Library
from bimscli.store.library import now_iso
from bimscli.store.serialize import record_to_json
from bimscli.tagging import Rule, RuleSet, Tagger, load_default_rules, parse_rules
from bimscli.tagging.library_tags import TagRunReport, apply_rules

_DOMAIN = (  # noqa: SIM905 - a word list reads better as text
    "bone metastases spinal cord compression radiotherapy stereotactic body sbrt surgery "
    "separation fixation vertebroplasty kyphoplasty cementoplasty ablation radiofrequency "
    "electrochemotherapy denosumab zoledronic bisphosphonate analgesic opioid exercise "
    "rehabilitation prehabilitation pain quality life survival prognosis myeloma fracture "
    "pathological randomized randomly assigned cohort retrospective prospective systematic "
    "review meta-analysis scoping qualitative interviews guideline protocol telehealth "
    "web-based app smartphone fatigue anxiety depression chemotherapy immunotherapy breast "
    "prostate lung renal thyroid melanoma palliative"
).split()
_COMMON = (  # noqa: SIM905 - a word list reads better as text
    "the of and in to with a for was were patients study results we is on by as at this "
    "from or that be are an these after treatment clinical group groups outcomes compared "
    "between data analysis significant significantly higher lower associated risk median "
    "months years total included using method methods conclusion background objective "
    "mean increased reduced time follow-up response rate rates factors evaluated"
).split()
_RARE = [f"term{i}" for i in range(5000)]
_MESH = [
    "Humans", "Female", "Male", "Aged", "Middle Aged", "Spinal Neoplasms", "Bone Neoplasms",
    "Radiosurgery", "Quality of Life", "Pain", "Retrospective Studies", "Prospective Studies",
    "Treatment Outcome", "Neoplasm Metastasis", "Multiple Myeloma", "Exercise Therapy",
    "Denosumab", "Vertebroplasty", "Spinal Cord Compression", "Cohort Studies",
]  # fmt: skip


def _words(rng: random.Random, count: int) -> str:
    pools = rng.choices((_COMMON, _DOMAIN, _RARE), weights=(62, 6, 32), k=count)
    return " ".join(rng.choice(pool) for pool in pools).capitalize() + "."


def generate_record(rng: random.Random) -> Record:
    """One work with realistic field lengths."""
    mesh = tuple(
        MeshHeading(name, qualifiers=(MeshQualifier("therapy"),) if rng.random() < 0.3 else ())
        for name in rng.sample(_MESH, 10)
    )
    return Record(
        title=_words(rng, 12),
        abstract=tuple(
            AbstractSection(_words(rng, 62), label)
            for label in ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
        ),
        keywords=tuple(_words(rng, 2) for _ in range(5)),
        mesh=mesh,
        publication_types=("Journal Article",),
        journal="Journal of " + rng.choice(_DOMAIN).capitalize(),
    )


def generate_rules(rng: random.Random, count: int) -> str:
    """``count`` rules in TOML, each an OR of words, phrases and stems ANDed and NOTed."""
    lines = []
    for index in range(count):

        def atom() -> str:
            kind = rng.random()
            if kind < 0.5:
                return f"{rng.choice(_DOMAIN + _RARE)}[tiab]"
            if kind < 0.75:
                return f'"{rng.choice(_DOMAIN)} {rng.choice(_DOMAIN + _COMMON)}"[tiab]'
            if kind < 0.9:
                return f"{rng.choice([w for w in _DOMAIN if len(w) > 5])[:5]}*[tiab]"
            return f'"{rng.choice(_MESH)}"[mh]'

        first = " OR ".join(atom() for _ in range(rng.randint(3, 8)))
        second = " OR ".join(atom() for _ in range(rng.randint(1, 4)))
        query = f"({first}) AND ({second}) NOT {atom()}"
        lines.append(f"[tags.\"generated/rule-{index}\"]\nquery = '{query}'\n")
    return "\n".join(lines)


def _best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float, object]:
    """The best wall-clock and CPU seconds of ``repeat`` runs, and the last run's result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def tokenise_once(records: Sequence[Record], sources: Sequence[Source]) -> int:
    """The floor: fold and split every text field the rules read, once per work.

    A tagger cannot be faster than reading its text; this reads exactly the values the
    tagger's word tables read (the same sources, joined the same way) and nothing more.
    """
    words = 0
    for record in records:
        for source in sources:
            texts = text_values(record, source)
            if texts:
                text = texts[0] if len(texts) == 1 else " \x00 ".join(texts)
                words += len(fold_and_split(text)[1])
    return words


def _bench_tagger(records: Sequence[Record], rules: Sequence[Rule], repeat: int) -> None:
    wall, cpu, tagger = _best_of(1, lambda: Tagger(rules))
    assert isinstance(tagger, Tagger)
    print(f"rules: {len(rules)}, atoms: {len(tagger.index.atoms)}")
    print(f"compile: {wall * 1000:.1f} ms")
    sources = tagger.index.word_sources()
    floor_wall, floor_cpu, words = _best_of(repeat, lambda: tokenise_once(records, sources))
    print(
        f"floor, tokenising {len(sources)} text fields once (best of {repeat}): "
        f"{floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU; {words:,} words"
    )
    # A fresh tagger per run, so that no run profits from caches warmed by the one before.
    wall, cpu, fired = _best_of(
        repeat, lambda: sum(len(t.tag(r)) for t in [Tagger(rules)] for r in records)
    )
    print(
        f"tag (best of {repeat}, compile included): {wall:.2f} s wall, {cpu:.2f} s CPU for "
        f"{len(records):,} works, {len(records) / cpu:,.0f} works/CPU-s; tags set: {fired:,}"
    )
    print(f"tagging / floor: {cpu / floor_cpu:.2f}x CPU, {wall / floor_wall:.2f}x wall")


def build_library(path: Path, records: Sequence[Record]) -> Library:
    """A library holding ``records`` as works, written in one transaction."""
    library = Library.open(path)
    add_works(library, records)
    return library


def add_works(library: Library, records: Sequence[Record]) -> None:
    """Add ``records`` as works, in one transaction.

    The works are inserted directly (one source record per work would only add ingest time,
    which is not what this benchmark measures).
    """
    stamp = now_iso()
    with library.transaction() as conn:
        conn.executemany(
            "INSERT INTO works (record, provenance, title, year, doi, created_at, updated_at)"
            " VALUES (?, '{}', ?, ?, ?, ?, ?)",
            [
                (record_to_json(r).decode("utf-8"), r.title, r.year, r.ids.doi, stamp, stamp)
                for r in records
            ],
        )


def _bench_library(
    records: Sequence[Record], new: Sequence[Record], rules: Sequence[Rule], repeat: int
) -> None:
    rule_set = RuleSet(tuple(rules), "benchmark")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        library = build_library(Path(folder) / "library.sqlite", records)
        print(f"built a library of {len(records):,} works in {time.perf_counter() - started:.1f} s")
        with library:
            wall, cpu, report = _best_of(1, lambda: apply_rules(library, rule_set))
            print(f"bims tag, first run: {wall:.2f} s wall, {cpu:.2f} s CPU; {_summary(report)}")
            wall, cpu, report = _best_of(repeat, lambda: apply_rules(library, rule_set))
            print(
                f"bims tag, nothing to change (best of {repeat}): {wall:.2f} s wall, "
                f"{cpu:.2f} s CPU; {_summary(report)}"
            )
            add_works(library, new)
            wall, cpu, report = _best_of(1, lambda: apply_rules(library, rule_set))
            print(
                f"bims tag after {len(new):,} new works: {wall:.2f} s wall, {cpu:.2f} s CPU; "
                f"{_summary(report)}"
            )
            wall, cpu, report = _best_of(1, lambda: apply_rules(library, rule_set, every_work=True))
            print(f"bims tag --all: {wall:.2f} s wall, {cpu:.2f} s CPU; {_summary(report)}")


def _summary(report: object) -> str:
    assert isinstance(report, TagRunReport)
    return f"{report.works:,} works read, {len(report.changes):,} changed, +{report.added:,} tags"


def main() -> None:
    """Generate, compile, tag and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--library", action="store_true", help="time `bims tag` on a library")
    parser.add_argument("--new", type=int, default=1000, help="works added before a re-run")
    args = parser.parse_args()
    rng = random.Random(20250615)

    started = time.perf_counter()
    records = [generate_record(rng) for _ in range(args.works)]
    print(f"generated {len(records):,} works in {time.perf_counter() - started:.1f} s")
    # The library streams works from SQLite, so the tagger never holds 100,000 records at
    # once; here they are all in memory, and the cyclic garbage collector would rescan them
    # again and again. Freezing them keeps the measurement about tagging.
    gc.collect()
    gc.freeze()

    shipped = load_default_rules().rules
    generated = parse_rules(generate_rules(rng, args.rules - len(shipped)), "generated").rules
    rules = (*shipped, *generated)

    if args.library:
        new = [generate_record(rng) for _ in range(args.new)]
        _bench_library(records, new, rules, args.repeat)
    else:
        _bench_tagger(records, rules, args.repeat)


if __name__ == "__main__":
    main()
