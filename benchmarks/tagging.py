"""Benchmark: tag 100,000 generated works with 100 rules (the shipped ones plus generated).

Run from the project root::

    PYTHONPATH=src python benchmarks/tagging.py [--works 100000] [--rules 100]

Prints the time to compile the rules, the time to tag every work, and works per second.
The target is under 10 seconds for 100,000 works x 100 rules. The records are generated from a
biomedical vocabulary with realistic lengths (a 12-word title, a 250-word abstract in four
sections, 5 keywords, 10 MeSH headings), so that shipped rules fire on some of them.
"""

from __future__ import annotations

import argparse
import gc
import random
import time

from bimscli.model import AbstractSection, MeshHeading, MeshQualifier, Record
from bimscli.tagging import Tagger, load_default_rules, parse_rules

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


def main() -> None:
    """Generate, compile, tag and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=100)
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

    started = time.perf_counter()
    tagger = Tagger(rules)
    compiled = time.perf_counter() - started
    started = time.perf_counter()
    fired = sum(len(tagger.tag(record)) for record in records)
    tagging = time.perf_counter() - started

    print(f"rules: {len(rules)} ({len(shipped)} shipped), atoms: {len(tagger.index.atoms)}")
    print(f"compile: {compiled * 1000:.1f} ms")
    print(f"tag: {tagging:.2f} s for {len(records):,} works, {len(records) / tagging:,.0f} works/s")
    print(f"total (compile + tag): {compiled + tagging:.2f} s; tags set: {fired:,}")


if __name__ == "__main__":
    main()
