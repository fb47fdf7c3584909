"""The planters of the generalisation benchmark: each plants what it says, and nothing else.

Run over hand-written records that have what every planter needs and over the real records of
the CSV excerpts in fixtures/csv/, for several seeds.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from urllib.parse import unquote

import pytest

from bimscli.formats._pubmed import expand_medline_pages
from bimscli.formats.csv_table import FORMAT
from bimscli.model import Author, Identifiers, ParsedRecord, PartialDate, Record
from tests.dedup import planted as p
from tests.dedup import planted_citation as c
from tests.dedup import planted_negatives as n

FULL = Record(
    title="Effects of metformin on hepatic glucose output in obese adolescents: a randomised trial",
    authors=(
        Author("van der Berg", "Johanna Maria"),
        Author("Wang", "Li"),
        Author("Nagy", "Eszter"),
    ),
    journal="Journal of Molecular and Cellular Cardiology",
    issn=("0022-2828",),
    date=PartialDate(2002, 3),
    volume="34",
    issue="3",
    pages="1317-1323",
    ids=Identifiers(doi="10.1016/s0022-2828(02)00123-9", pmid="11945024"),
)
E_PAGE = Record(
    title="β-cell & insulin: the Diabetes and Obesity Study",
    authors=(Author("Light", "R. W."), Author("Smith", "J.")),
    journal="PLoS One",
    date=PartialDate(2015),
    volume="10",
    pages="e0143396",
    ids=Identifiers(doi="10.1371/journal.pone.0143396"),
)
EXCERPTS = Path(__file__).resolve().parent.parent.parent / "fixtures" / "csv"


def excerpt_records() -> list[Record]:
    """The real records of the CSV excerpts (diabetes, respiratory, special cases)."""
    records: list[Record] = []
    assert FORMAT.parse_lines is not None
    for path in sorted(EXCERPTS.glob("*-excerpt.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            records += [e.record for e in FORMAT.parse_lines(f) if isinstance(e, ParsedRecord)]
    return records


SAMPLES = [FULL, E_PAGE, *excerpt_records()]
SEEDS = (0, 1, 2, 7)


def changed_fields(before: Record, after: Record) -> set[str]:
    """The names of the record's fields that differ."""
    return {f.name for f in fields(Record) if getattr(before, f.name) != getattr(after, f.name)}


Plant = Callable[[Record, random.Random], Record | None]

PLANTERS: list[tuple[str, Plant, set[str]]] = [
    ("elsevier-pii-doi", p.elsevier_pii_doi, {"ids"}),
    ("springer-legacy-doi", p.springer_legacy_doi, {"ids"}),
    ("url-encoded-doi", lambda r, _: p.url_encoded_doi(r), {"ids"}),
    ("family-given-swapped", lambda r, _: p.family_given_swapped(r), {"authors"}),
    ("first-author-dropped", lambda r, _: p.first_author_dropped(r), {"authors"}),
    ("first-author-as-group", p.first_author_as_group, {"authors"}),
    ("given-names-as-initials", p.given_names_as_initials, {"authors"}),
    ("generational-suffix", p.generational_suffix, {"authors"}),
    ("surname-particle", p.surname_particle, {"authors"}),
    ("iso4-abbreviated-journal", c.iso4_abbreviated_journal, {"journal"}),
    ("journal-article-toggled", lambda r, _: c.journal_article_toggled(r), {"journal"}),
    ("journal-ampersand-toggled", lambda r, _: c.journal_ampersand_toggled(r), {"journal"}),
    ("journal-subtitle-toggled", c.journal_subtitle_toggled, {"journal"}),
    ("review-reference-count", c.review_reference_count, {"title"}),
    ("multiple-letters-tag", lambda r, _: c.multiple_letters_tag(r), {"title"}),
    ("bracketed-translation", lambda r, _: c.bracketed_translation(r), {"title"}),
    ("trailing-period-toggled", lambda r, _: c.trailing_period_toggled(r), {"title"}),
    ("language-tag", c.language_tag, {"title"}),
    ("html-entities", lambda r, _: c.html_entities(r), {"title"}),
    ("title-cut", lambda r, _: c.title_cut(r, 40), {"title"}),
    ("page-range-abbreviated", lambda r, _: c.page_range_abbreviated(r), {"pages"}),
    ("electronic-page-toggled", lambda r, _: c.electronic_page_toggled(r), {"pages"}),
    ("article-number-moved", lambda r, _: c.article_number_moved(r), {"pages", "article_number"}),
    ("issue-dropped", lambda r, _: c.issue_dropped(r), {"issue"}),
    ("year-off-by-one", c.year_off_by_one, {"date", "epub_date"}),
]


@pytest.mark.parametrize(("plant", "allowed"), [pytest.param(f, a, id=i) for i, f, a in PLANTERS])
def test_a_planter_changes_only_its_fields_and_is_deterministic(
    plant: Plant, allowed: set[str]
) -> None:
    planted_any = False
    for record in SAMPLES:
        for seed in SEEDS:
            planted = plant(record, random.Random(seed))
            assert planted == plant(record, random.Random(seed))
            if planted is not None:
                planted_any = True
                assert changed_fields(record, planted) <= allowed
                assert changed_fields(record, planted), "a planted record differs"
    assert planted_any, "the samples give every planter something to plant"


def test_legacy_dois_have_their_series_shape_and_keep_other_identifiers() -> None:
    pii = p.elsevier_pii_doi(FULL, random.Random(3))
    bf = p.springer_legacy_doi(FULL, random.Random(3))
    assert pii is not None
    assert bf is not None
    assert re.fullmatch(r"10\.1016/s0022-2828\(02\)\d{5}-[\dx]", pii.ids.doi or "")
    assert re.fullmatch(r"10\.1007/bf0\d{7}", bf.ids.doi or "")
    assert pii.ids.pmid == bf.ids.pmid == FULL.ids.pmid


def test_a_url_encoded_doi_decodes_back() -> None:
    encoded = p.url_encoded_doi(FULL)
    assert encoded is not None
    assert "(" not in (encoded.ids.doi or "")
    assert unquote(encoded.ids.doi or "") == FULL.ids.doi


def test_swapping_names_twice_gives_them_back() -> None:
    swapped = p.family_given_swapped(FULL)
    assert swapped is not None
    assert swapped.authors[1] == Author("Li", "Wang")
    assert p.family_given_swapped(swapped) == FULL


def test_initials_are_the_initials_of_the_given_names() -> None:
    for seed in SEEDS:
        planted = p.given_names_as_initials(FULL, random.Random(seed))
        assert planted is not None
        for before, after in zip(FULL.authors, planted.authors, strict=True):
            letters = [w[0] for w in (before.given or "").split()]
            assert re.sub(r"[^A-Z]", "", after.given or "") == "".join(letters)
            assert after.family == before.family


def test_first_author_variations_keep_the_other_authors() -> None:
    dropped = p.first_author_dropped(FULL)
    group = p.first_author_as_group(FULL, random.Random(0))
    assert dropped is not None
    assert group is not None
    assert dropped.authors == FULL.authors[1:]
    assert group.authors[0].is_group
    assert group.authors[1:] == FULL.authors[1:]


def test_suffix_and_particle_keep_the_surname() -> None:
    suffixed = p.generational_suffix(E_PAGE, random.Random(0))
    moved = p.surname_particle(FULL, random.Random(0))
    added = p.surname_particle(E_PAGE, random.Random(0))
    assert suffixed is not None
    assert moved is not None
    assert added is not None
    assert re.fullmatch(r"Light (Jr\.?|III)", suffixed.authors[0].family or "")
    assert (moved.authors[0].family, moved.authors[0].given) == ("Berg", "Johanna Maria van der")
    assert (added.authors[0].family or "").endswith(" Light")


JOURNALS = [
    "Journal of Molecular and Cellular Cardiology",
    "The European Respiratory Journal",
    "Diabetes, Obesity and Metabolism",
    "American Journal of Respiratory and Critical Care Medicine",
    "Clinical and Experimental Pharmacology and Physiology",
    "Nippon rinsho. Japanese journal of clinical medicine",
]


@pytest.mark.parametrize("journal", JOURNALS)
def test_an_iso4_abbreviation_abbreviates_to_itself_and_its_words_start_the_titles(
    journal: str,
) -> None:
    short = c.iso4_abbreviation(journal)
    assert c.iso4_abbreviation(short) == short
    full_words = [w.lower() for w in re.findall(r"\w+", journal)]
    position = 0
    for word in re.findall(r"\w+", short.lower()):
        while not full_words[position].startswith(word):
            position += 1  # IndexError: an abbreviated word that starts no word of the title
        position += 1
    assert not {w.lower() for w in short.split()} & c.NON_SIGNIFICANT_WORDS


def test_an_already_abbreviated_journal_is_not_planted() -> None:
    assert c.iso4_abbreviated_journal(Record(journal="Mol Cell Card"), random.Random(0)) is None


@pytest.mark.parametrize(
    "toggle",
    [
        pytest.param(c.journal_article_toggled, id="journal-the"),
        pytest.param(c.journal_ampersand_toggled, id="journal-ampersand"),
        pytest.param(c.trailing_period_toggled, id="title-period"),
        pytest.param(c.electronic_page_toggled, id="e-page"),
        pytest.param(c.article_number_moved, id="article-number"),
        pytest.param(c.page_range_abbreviated, id="page-range"),
    ],
)
def test_a_toggle_applied_twice_gives_the_record_back(
    toggle: Callable[[Record], Record | None],
) -> None:
    for record in (FULL, E_PAGE):
        once = toggle(record)
        if once is not None:
            assert toggle(once) == record


def test_abbreviated_pages_expand_back() -> None:
    for pages in ("1317-1323", "221-228", "99-101", "1093-1101", "e12-e19"):
        abbreviated = c.abbreviate_page_range(pages)
        assert expand_medline_pages(abbreviated) == pages
    planted = c.page_range_abbreviated(FULL)
    assert planted is not None
    assert planted.pages == "1317-23"


def test_title_decorations_keep_the_title_inside() -> None:
    base = FULL.title or ""
    rng = random.Random(0)
    decorated = [
        c.review_reference_count(FULL, rng),
        c.multiple_letters_tag(FULL),
        c.bracketed_translation(FULL),
        c.language_tag(FULL, rng),
    ]
    for record in decorated:
        assert record is not None
        assert base in (record.title or "")
    assert re.search(r" \[Review\] \[\d+ refs\]$", decorated[0].title or "")  # type: ignore[union-attr]


def test_html_entities_unescape_to_the_title() -> None:
    planted = c.html_entities(E_PAGE)
    assert planted is not None
    assert "&amp;" in (planted.title or "")
    assert html.unescape(planted.title or "").replace("\u2010", "-") == E_PAGE.title


def test_a_cut_title_is_a_prefix_within_the_limit() -> None:
    cut = c.title_cut(FULL, 40)
    assert cut is not None
    assert len(cut.title or "") <= 40
    assert (FULL.title or "").startswith(cut.title or "")
    assert c.title_cut(FULL) is None, "a title shorter than 255 characters is not cut"


def test_year_moves_by_exactly_one() -> None:
    years = set()
    for seed in SEEDS:
        planted = c.year_off_by_one(FULL, random.Random(seed))
        assert planted is not None
        years.add(planted.year)
    assert years <= {2001, 2003}


NOT_APPLICABLE = [
    pytest.param(lambda: p.elsevier_pii_doi(Record(title="T"), random.Random(0)), id="no-doi"),
    pytest.param(lambda: p.url_encoded_doi(Record(title="T")), id="no-doi-to-encode"),
    pytest.param(lambda: p.family_given_swapped(E_PAGE), id="initials-only-not-swapped"),
    pytest.param(lambda: p.first_author_dropped(Record(authors=(Author("A"),))), id="one-author"),
    pytest.param(lambda: c.journal_ampersand_toggled(Record(journal="Chest")), id="no-and"),
    pytest.param(lambda: c.page_range_abbreviated(Record(pages="S124")), id="single-page"),
    pytest.param(lambda: c.electronic_page_toggled(Record(pages="S12-S15")), id="supplement"),
    pytest.param(lambda: c.article_number_moved(FULL), id="page-range-no-number"),
    pytest.param(lambda: c.issue_dropped(E_PAGE), id="no-issue"),
    pytest.param(lambda: c.year_off_by_one(Record(), random.Random(0)), id="no-year"),
]


@pytest.mark.parametrize("plant", NOT_APPLICABLE)
def test_a_planter_without_what_it_needs_plants_nothing(plant: Callable[[], Record | None]) -> None:
    assert plant() is None


VOCABULARY = n.title_vocabulary([FULL.title or "", "Insulin pumps in children", "Asthma care"])


def test_a_companion_paper_differs_in_one_key_word_and_follows_in_the_issue() -> None:
    for seed in SEEDS:
        other = n.companion_paper(FULL, random.Random(seed), VOCABULARY)
        assert other is not None
        before, after = (FULL.title or "").split(), (other.title or "").split()
        assert len(before) == len(after)
        assert sum(a != b for a, b in zip(before, after, strict=True)) == 1
        assert other.pages == "1324-1331"
        assert other.ids == Identifiers()
        assert changed_fields(FULL, other) == {"title", "pages", "ids"}


def test_another_groups_paper_has_the_donors_authors_and_pages() -> None:
    other = n.other_group_paper(FULL, random.Random(0), VOCABULARY, E_PAGE)
    assert other is not None
    assert (other.authors, other.pages) == (E_PAGE.authors, E_PAGE.pages)
    assert (other.journal, other.year, other.volume) == (FULL.journal, FULL.year, FULL.volume)
    assert n.other_group_paper(FULL, random.Random(0), VOCABULARY, FULL) is None


def test_parts_and_phases_differ_only_in_their_number() -> None:
    one, two = n.numbered_part(FULL, 1), n.numbered_part(FULL, 2)
    two_phase, three = n.numbered_phase(FULL, 2), n.numbered_phase(FULL, 3)
    assert one is not None
    assert two is not None
    assert two_phase is not None
    assert three is not None
    assert (one.title or "").replace("Part 1", "Part 2") == two.title
    assert (two_phase.title or "").replace("phase II ", "phase III ") == three.title
    assert one.pages is None
    assert n.numbered_part(two, 1) == one


@pytest.mark.parametrize("kind", n.NOTICE_KINDS)
def test_a_notice_names_its_paper_and_is_deterministic(kind: str) -> None:
    for seed in SEEDS:
        notice = n.notice_about(FULL, random.Random(seed), kind, E_PAGE)
        assert notice == n.notice_about(FULL, random.Random(seed), kind, E_PAGE)
        assert notice is not None
        assert (FULL.title or "") in (notice.title or "")
        assert notice.title != FULL.title
        assert notice.ids == Identifiers()
        assert (notice.authors == E_PAGE.authors) is (kind == "comment")
