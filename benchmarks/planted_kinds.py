"""The kinds of variation the generalisation benchmark plants, and the planting itself.

Shared by ``dedup_generalisation.py`` (bims alone, per kind) and ``dedup_peer.py`` (bims beside
bib-dedupe on the same planted records). The planters are in ``tests/dedup/planted*.py``.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # tests.dedup.planted, dedup_accuracy

from dedup_accuracy import gold_pairs, load_records  # noqa: E402
from tests.dedup import planted as p  # noqa: E402
from tests.dedup import planted_citation as c  # noqa: E402
from tests.dedup import planted_negatives as n  # noqa: E402

from bimscli.dedup import features_from_record  # noqa: E402
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
    replaces_original: bool = False
    """True when the kind plants both sides of its pair, in place of the original."""


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
    Kind("neg-part-1-vs-2", False, both_numbered(n.numbered_part, 1, 2), replaces_original=True),
    Kind("neg-phase-2-vs-3", False, both_numbered(n.numbered_phase, 2, 3), replaces_original=True),
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


@dataclass(slots=True)
class Planting:
    """The cases planted so far, their records, and the originals they used or replaced."""

    cases: list[Case] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)
    used_works: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)


def plant_all(pool: Pool, kinds: tuple[Kind, ...], per_kind: int, seed: int) -> Planting:
    """Up to ``per_kind`` cases of every kind, each from a gold work no other case uses.

    One original per work: planted copies of two duplicates of one work would meet each other
    (a legacy-DOI copy of one forbidding the other's copy to join), which measures the
    benchmark's own interplay instead of the kind. A kind that plants both sides (Part 1 and
    Part 2) replaces its original, and takes only originals without duplicates: an unnumbered
    copy of the paper beside them would be a third record that could be either part, and
    would join them through itself.
    """
    planting = Planting()
    for kind in kinds:
        rng = random.Random(f"{seed}:{kind.name}")
        order = list(pool.keys)
        rng.shuffle(order)
        for key in order:
            if sum(1 for case in planting.cases if case.kind == kind.name) == per_kind:
                break
            _plant_one(pool, kind, key, rng, planting)
    return planting


def _plant_one(pool: Pool, kind: Kind, key: str, rng: random.Random, planting: Planting) -> None:
    work = pool.work_of.get(key, key)
    if work in planting.used_works or (kind.replaces_original and key in pool.work_of):
        return
    anchor, variant = kind.plant(pool.records[key], rng, pool, key)
    if variant is None or (kind.replaces_original and anchor is None):
        return
    planting.used_works.add(work)
    base = f"planted/{kind.name}/{sum(1 for case in planting.cases if case.kind == kind.name)}"
    anchor_id = key
    if anchor is not None:
        anchor_id = f"{base}/anchor"
        planting.records[anchor_id] = anchor
    if kind.replaces_original:
        planting.replaced.add(key)
    planting.records[base] = variant
    planting.cases.append(Case(kind.name, kind.joins, key, anchor_id, base))


@dataclass(frozen=True, slots=True)
class PlantedSet:
    """The originals and the planted records together, and the planted cases to judge."""

    records: dict[str, Record]
    cases: tuple[Case, ...]
    planted: int


def planted_set(seed: int, per_kind: int, kinds: tuple[Kind, ...] = KINDS) -> PlantedSet:
    """All originals plus up to ``per_kind`` planted cases of each kind, for ``seed``."""
    originals = load_originals()
    keys = tuple(sorted(k for k, r in originals.items() if is_usable_original(r)))
    vocabulary = n.title_vocabulary(r.title or "" for r in originals.values())
    pool = Pool(originals, vocabulary, keys, gold_works())
    planting = plant_all(pool, kinds, per_kind, seed)
    kept = {k: r for k, r in originals.items() if k not in planting.replaced}
    return PlantedSet({**kept, **planting.records}, tuple(planting.cases), len(planting.records))
