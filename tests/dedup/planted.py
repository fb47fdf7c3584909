"""Plant the ways two databases write one article into a copy of a real record.

Each function is named for the rule of the domain it reproduces: what one database writes
differently from another about the *same* article (a legacy DOI, swapped names, an abbreviated
journal, a decorated title, abbreviated pages). A planted copy must join its original. Hard
negatives, records that describe *another* work and must not join, are in
:mod:`tests.dedup.planted_negatives`.

Every function is pure: a :class:`~bimscli.model.Record` (and, where a choice is made, a
``random.Random``) in, a new record out, made with :func:`dataclasses.replace`. It changes only
what its name says, and returns ``None`` when the record lacks what the variation needs (no DOI
to replace, no page range to abbreviate), so that callers pick another record instead of
planting a variation that is not there. The rules are general (ISO 4-style truncation of
journal words, MEDLINE page abbreviation), never tables fitted to particular journals or rows.

This module plants identifiers and authors; :mod:`tests.dedup.planted_citation` plants the
journal, title, pages, issue and year.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from urllib.parse import quote

from bimscli.model import Author, Identifiers, Record

# --- identifiers -------------------------------------------------------------------------


def without_identifiers(record: Record) -> Record:
    """The record as a database that gives no DOI, PMID or PMCID exports it.

    A planted copy starts from this, so that it can only join its original through the
    variation under test, never through a shared identifier.

    >>> without_identifiers(Record(title="T", ids=Identifiers(doi="10.1/x"))).ids.doi is None
    True
    """
    return replace(record, ids=Identifiers())


_ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$", re.IGNORECASE)


def elsevier_pii_doi(record: Record, rng: random.Random) -> Record | None:
    """The DOI replaced by an Elsevier PII-style legacy DOI, ``10.1016/s0022-2828(02)…-9``.

    Built from the record's ISSN (a random one when it has none) and publication year, as
    Elsevier built these DOIs from the PII. ``None`` without a DOI to replace or a year.

    >>> from bimscli.model import PartialDate
    >>> r = Record(ids=Identifiers(doi="10.1006/jmcc.2002.1"), issn=("0022-2828",),
    ...            date=PartialDate(2002))
    >>> elsevier_pii_doi(r, random.Random(1)).ids.doi[:23]
    '10.1016/s0022-2828(02)1'
    """
    if not record.ids.doi or record.year is None:
        return None
    issn = next((i for i in record.issn if _ISSN.match(i)), None)
    if issn is None:
        digits = f"{rng.randrange(10**7):07d}"
        issn = f"{digits[:4]}-{digits[4:]}{rng.choice('0123456789x')}"
    item = f"{rng.randrange(10**5):05d}"
    check = rng.choice("0123456789x")
    doi = f"10.1016/s{issn.lower()}({record.year % 100:02d}){item}-{check}"
    return _with_doi(record, doi)


def springer_legacy_doi(record: Record, rng: random.Random) -> Record | None:
    """The DOI replaced by a Springer legacy DOI of the ``10.1007/bf…`` series.

    >>> r = Record(ids=Identifiers(doi="10.1007/s00125-002-0001-2"))
    >>> springer_legacy_doi(r, random.Random(1)).ids.doi.startswith("10.1007/bf")
    True
    """
    if not record.ids.doi:
        return None
    return _with_doi(record, f"10.1007/bf0{rng.randrange(10**7):07d}")


def url_encoded_doi(record: Record) -> Record | None:
    """The DOI URL-encoded (parentheses ``%28``/``%29``, slash ``%2F``), as copied from a link.

    bims's parsers decode such a DOI (:func:`bimscli.identifiers.normalize_doi`); planted
    directly into the record it measures the engine's own tolerance.

    >>> r = Record(ids=Identifiers(doi="10.1016/s0025-7753(17)30624-3"))
    >>> url_encoded_doi(r).ids.doi
    '10.1016%2Fs0025-7753%2817%2930624-3'
    """
    doi = record.ids.doi
    return _with_doi(record, quote(doi, safe="")) if doi else None


def _with_doi(record: Record, doi: str) -> Record:
    return replace(record, ids=replace(record.ids, doi=doi))


# --- authors -----------------------------------------------------------------------------


def _is_full_given_name(given: str | None) -> bool:
    """True for a written-out given name ("Li", "Hadas M."), False for initials ("H. M.")."""
    return bool(given and re.search(r"[^\W\d_]{2}", given) and not given.isupper())


def family_given_swapped(record: Record) -> Record | None:
    """Family and given names swapped, as databases confuse Chinese, Korean, Hungarian names.

    Only authors with a written-out given name are swapped (a swap is not mistaken with
    initials); ``None`` when no author has one.

    >>> family_given_swapped(Record(authors=(Author("Wang", "Li"),))).authors[0]
    Author(family='Li', given='Wang', group=None, suffix=None, orcid=None, affiliations=())
    """
    if not any(_is_full_given_name(a.given) for a in record.authors if a.group is None):
        return None
    return replace(
        record,
        authors=tuple(
            replace(a, family=a.given, given=a.family) if _is_full_given_name(a.given) else a
            for a in record.authors
        ),
    )


def first_author_dropped(record: Record) -> Record | None:
    """The first author left out, as some exports lose it. ``None`` with fewer than two.

    >>> first_author_dropped(Record(authors=(Author("A"), Author("B")))).authors
    (Author(family='B', given=None, group=None, suffix=None, orcid=None, affiliations=()),)
    """
    if len(record.authors) < 2:
        return None
    return replace(record, authors=record.authors[1:])


_GROUP_KINDS = ("Study Group", "Investigators", "Collaborative Group", "Trial Group", "Consortium")


def first_author_as_group(record: Record, rng: random.Random) -> Record | None:
    """The first author replaced by a group author named after a word of the title.

    >>> r = Record(title="Insulin pumps in children", authors=(Author("A"), Author("B")))
    >>> first_author_as_group(r, random.Random(0)).authors[0].group
    'Insulin Trial Group'
    """
    words = re.findall(r"[^\W\d_]{5,}", record.title or "")
    if not record.authors or not words:
        return None
    name = f"{words[0].capitalize()} {rng.choice(_GROUP_KINDS)}"
    return replace(record, authors=(Author(group=name), *record.authors[1:]))


def initials_of(given: str, style: str) -> str:
    """A given name as initials in a style databases use: ``"H. M."``, ``"H M"`` or ``"HM"``.

    >>> initials_of("Hadas Maria", "H. M."), initials_of("J.-P.", "HM")
    ('H. M.', 'JP')
    """
    letters = [part[0].upper() for part in re.split(r"[\s.\-]+", given) if part]
    if style == "H. M.":
        return " ".join(f"{letter}." for letter in letters)
    return (" " if style == "H M" else "").join(letters)


def given_names_as_initials(record: Record, rng: random.Random) -> Record | None:
    """Every given name written as initials, in one style chosen for the whole record.

    ``None`` when that changes nothing (no given names, or already in that style).

    >>> r = Record(authors=(Author("Benhabib", "Hadas"),))
    >>> given_names_as_initials(r, random.Random(0)).authors[0].given
    'H'
    """
    style = rng.choice(("H. M.", "H M", "HM"))
    authors = tuple(
        replace(a, given=initials_of(a.given, style)) if a.given else a for a in record.authors
    )
    return replace(record, authors=authors) if authors != record.authors else None


def generational_suffix(record: Record, rng: random.Random) -> Record | None:
    """ "Jr" or "III" written into the first person author's family name, as exports do.

    >>> r = Record(authors=(Author("Light", "R. W."),))
    >>> generational_suffix(r, random.Random(0)).authors[0].family
    'Light Jr.'
    """
    for index, author in enumerate(record.authors):
        if author.family and author.group is None:
            suffixed = replace(author, family=f"{author.family} {rng.choice(('Jr', 'Jr.', 'III'))}")
            authors = (*record.authors[:index], suffixed, *record.authors[index + 1 :])
            return replace(record, authors=authors)
    return None


_PARTICLE = re.compile(
    r"^(van der|van den|van de|von der|von|van|de la|de|da|di|del|della|dos|du|le|la)\s+(.+)$",
    re.IGNORECASE,
)
_PARTICLES = ("van der", "von", "van", "de", "da", "di", "del", "dos", "du", "le")


def surname_particle(record: Record, rng: random.Random) -> Record | None:
    """The first author's surname particle moved to the given name, or one added.

    "van der Berg, J." becomes "Berg, J. van der" (a common export form); a surname without a
    particle gets one ("von Pawel"), the same comparison seen from the other side.

    >>> r = Record(authors=(Author("van der Berg", "J."),))
    >>> moved = surname_particle(r, random.Random(0)).authors[0]
    >>> moved.family, moved.given
    ('Berg', 'J. van der')
    """
    for index, author in enumerate(record.authors):
        if not author.family or author.group is not None:
            continue
        match = _PARTICLE.match(author.family)
        if match:
            given = " ".join(p for p in (author.given, match.group(1)) if p)
            moved = replace(author, family=match.group(2), given=given)
        else:
            moved = replace(author, family=f"{rng.choice(_PARTICLES)} {author.family}")
        return replace(
            record, authors=(*record.authors[:index], moved, *record.authors[index + 1 :])
        )
    return None
