"""How RIS tags map to the record model.

Exporters disagree on tags, so the choices are deliberate:

* Journal: ``JF`` and ``T2`` (Zotero, Scopus, EndNote) hold the full title, ``JA``, ``J2``
  and ``J1`` an abbreviation. ``JO`` is the full title, unless a full title is already given,
  in which case it is the abbreviation (EndNote writes both). For a chapter ``T2``/``BT`` is
  the book, kept as the container title in ``journal``.
* ``AN`` (accession number) is a PMID only when the record came from PubMed/MEDLINE (``DB``
  or ``DP`` says so) or when a PubMed URL gives the same number; from Embase it is the Embase
  accession number, kept in ``ids.other``. Never guessed from digits alone.
* ``C2`` is a PMCID when it starts with "PMC" (EndNote, Zotero) and a PubMed id in Scopus
  exports; ``C7`` is the article number. ``ET`` of a journal article holding a date is
  EndNote's electronic publication date (elsewhere it is the edition, kept in ``extra``).
* ``A2``-``A4`` are editors, series editors and translators, not authors: they go to
  ``extra`` with every other tag that has no field in the model.
"""

from __future__ import annotations

import re

from bimscli.formats._dates import parse_date
from bimscli.formats._person_names import NameStyle, parse_person_name
from bimscli.formats._reference_fields import (
    FieldBag,
    join_page_range,
    looks_like_article_number,
    pop_note_identifiers,
    pubmed_ids_in_urls,
    split_issn_isbn,
)
from bimscli.identifiers import find_dois, normalize_doi, normalize_pmcid, normalize_pmid
from bimscli.model import AbstractSection, Author, Identifiers, PartialDate, Record, WorkType

_TYPES = {
    WorkType.JOURNAL_ARTICLE: ("JOUR", "JFULL", "ABST", "INPR", "EJOUR", "MGZN", "SER"),
    WorkType.BOOK: ("BOOK", "EBOOK", "EDBOOK", "CTLG"),
    WorkType.BOOK_CHAPTER: ("CHAP", "ECHAP", "ENCYC", "DICT"),
    WorkType.CONFERENCE_PAPER: ("CONF", "CPAPER"),
    WorkType.THESIS: ("THES",),
    WorkType.REPORT: ("RPRT", "GOVDOC", "STAND", "PAMP"),
    WorkType.DATASET: ("DATA", "DBASE", "AGGR"),
    WorkType.WEB_PAGE: ("ELEC", "WEB", "BLOG", "ICOMM"),
    WorkType.NEWS_ARTICLE: ("NEWS",),
}
_TYPE_BY_TAG = {tag: kind for kind, tags in _TYPES.items() for tag in tags}

_TAG_LIST = """
    TY ER ID TI T1 T2 T3 CT BT ST AU A1 A2 A3 A4 JO JF JA J1 J2 PY Y1 Y2 DA VL IS CP SP EP
    DO UR L1 L2 L3 L4 AN C1 C2 C3 C4 C5 C6 C7 C8 SN AB N2 KW LA PB CY N1 M1 M2 M3 DB DP AD
    ET SE NV OP RP LB CN CA RN TT U1 U2 U3 U4 U5 AV
"""
KNOWN_TAGS = frozenset(_TAG_LIST.split())
"""Tags of the RIS specification and its common dialects."""


def ris_work_type(ty: str | None) -> WorkType:
    """The work type of a ``TY`` value; unknown types are ``OTHER``.

    >>> ris_work_type("JFULL"), ris_work_type("CPAPER"), ris_work_type("GEN")
    (<WorkType.JOURNAL_ARTICLE: 'journal-article'>, <WorkType.CONFERENCE_PAPER: \
'conference-paper'>, <WorkType.OTHER: 'other'>)
    """
    return _TYPE_BY_TAG.get((ty or "").strip().upper(), WorkType.OTHER)


def _containers(bag: FieldBag, kind: WorkType) -> tuple[str | None, str | None]:
    """The full and abbreviated container title (journal, book of a chapter, proceedings)."""
    if kind is WorkType.BOOK_CHAPTER:
        full = bag.first("T2", "BT", "JF", "JO")
    else:
        full = bag.first("JF", "T2")
    abbrev = bag.first("JA", "J2", "J1")
    if full is None:
        full = bag.first("JO")
    elif abbrev is None:
        abbrev = bag.first("JO")
    return full, abbrev


def _title(bag: FieldBag, kind: WorkType) -> str | None:
    """The title; the short title ``ST`` only when there is no other (some EndNote exports)."""
    if kind is WorkType.BOOK:
        return bag.first("TI", "T1", "BT", "CT", "ST")
    return bag.first("TI", "T1", "CT", "ST")


def _epub_date(bag: FieldBag, kind: WorkType) -> PartialDate | None:
    """EndNote writes a journal article's electronic publication date in ``ET`` (else edition)."""
    text = (bag.peek("ET") or [""])[0]
    date = parse_date(text) if kind is WorkType.JOURNAL_ARTICLE else None
    if date is None or date.month is None:
        return None
    bag.first("ET")
    return date


def _authors(bag: FieldBag) -> tuple[Author, ...]:
    names = (parse_person_name(v, NameStyle.INVERTED) for v in bag.take("AU", "A1"))
    return tuple(a for a in names if a is not None)


def _date(bag: FieldBag) -> PartialDate | None:
    """``PY``, made more precise by ``DA``/``Y1`` of the same year when it is a bare year.

    A value that holds no year is not used up, so it stays in ``extra``.
    """
    year = parse_date(" ".join(bag.peek("PY")[:1]))
    full = parse_date(" ".join(bag.peek("DA", "Y1")[:1]))
    if year is not None:
        bag.first("PY")
    if year is None:
        if full is not None:
            bag.first("DA", "Y1")
        return full
    if full is not None and full.year == year.year and year.month is None:
        bag.first("DA", "Y1")
        return full
    return year


def _pages(bag: FieldBag) -> tuple[str | None, str | None]:
    """The page range and the article number (``C7``, or ``SP`` holding "e71196")."""
    article_number = bag.first("C7")
    start, end = bag.first("SP"), bag.first("EP")
    if start and not end and article_number is None and looks_like_article_number(start):
        return None, start.strip()
    return join_page_range(start, end), article_number


def _from_pubmed(bag: FieldBag) -> bool:
    """True when the record came from PubMed/MEDLINE itself, not from Embase's MEDLINE part."""
    providers = " ".join(bag.peek("DB", "DP")).lower()
    from_nlm = any(name in providers for name in ("pubmed", "medline", "nlm"))
    return from_nlm and "embase" not in providers


_LABELLED_PMID = re.compile(r"^\s*PMID\s*:?\s*\d", re.IGNORECASE)


def _accession(bag: FieldBag, pmid: str | None) -> tuple[str | None, list[tuple[str, str]]]:
    """The PMID, given the accession number ``AN``, and ``AN`` when it is something else.

    ``AN`` is a PMID when it says so ("PMID:35123456", some Embase exports), when the record
    came from PubMed, or when a PubMed link gives the same number.
    """
    accession = bag.first("AN")
    if not accession:
        return pmid, []
    as_pmid = normalize_pmid(accession)
    says_pmid = _LABELLED_PMID.match(accession) is not None
    if says_pmid or (_from_pubmed(bag) and pmid is None) or as_pmid == pmid:
        pmid = pmid or as_pmid
    if as_pmid is not None and as_pmid == pmid:
        return pmid, []
    source = "embase" if "embase" in " ".join(bag.peek("DB", "DP")).lower() else "AN"
    return pmid, [(source, accession.strip())]


def _identifiers(bag: FieldBag, note_ids: dict[str, str]) -> Identifiers:
    urls = bag.take("UR")
    link_text = " ".join(urls + bag.peek("L1", "L2", "L3", "M3"))
    dois = find_dois(link_text)
    doi = bag.first_valid(normalize_doi, "DO") or note_ids.get("doi")
    url_pmid, url_pmcid = pubmed_ids_in_urls(urls + bag.peek("L1", "L2", "L3"))
    pmid, other = _accession(bag, url_pmid or note_ids.get("pmid"))
    pmcid_text, c2_pmid = _read_c2(bag)
    pmid = pmid or c2_pmid
    other += [("UR", u) for u in urls[1:]]
    return Identifiers(
        doi=doi or (dois[0] if dois else None),
        pmid=pmid,
        pmcid=normalize_pmcid(pmcid_text) or note_ids.get("pmcid") or url_pmcid,
        url=urls[0] if urls else None,
        other=tuple(other),
    )


def _read_c2(bag: FieldBag) -> tuple[str | None, str | None]:
    """``C2`` as (PMCID, PMID): Zotero writes a PMCID there, Scopus a PubMed id."""
    c2 = (bag.peek("C2") or [""])[0].strip()
    if c2.upper().startswith("PMC") and normalize_pmcid(c2):
        bag.first("C2")
        return c2, None
    if c2.isdigit() and "scopus" in " ".join(bag.peek("DB", "DP")).lower():
        bag.first("C2")
        return None, normalize_pmid(c2)
    return None, None


def _abstract(bag: FieldBag) -> tuple[AbstractSection, ...]:
    text = bag.first("AB", "N2")
    return (AbstractSection(text.strip()),) if text and text.strip() else ()


def _note(bag: FieldBag) -> tuple[str | None, dict[str, str]]:
    notes = bag.take("N1")
    note_ids, rest = pop_note_identifiers("\n".join(notes))
    return rest or None, note_ids


def ris_record(fields: list[tuple[str, str]]) -> tuple[Record, str | None]:
    """The record and source key (``ID``) of one RIS record's tag values."""
    bag = FieldBag(fields)
    ty = bag.first("TY")
    kind = ris_work_type(ty)
    source_key = bag.first("ID")
    note, note_ids = _note(bag)
    journal, journal_abbrev = _containers(bag, kind)
    pages, article_number = _pages(bag)
    serials = bag.peek("SN")
    issns, isbns, unreadable = split_issn_isbn(serials)
    if not unreadable:  # otherwise SN stays whole in extra: nothing of it is lost
        bag.take("SN")
    # "1751-4266 (electronic)": the qualifier has no place in the model, so the value stays.
    qualified = tuple(("SN", s) for s in serials if "(" in s and not unreadable)
    record = Record(
        type=kind,
        title=_title(bag, kind),
        authors=_authors(bag),
        journal=journal,
        journal_abbrev=journal_abbrev,
        issn=issns,
        publisher=bag.first("PB"),
        date=_date(bag),
        epub_date=_epub_date(bag, kind),
        volume=bag.first("VL"),
        issue=bag.first("IS"),
        pages=pages,
        article_number=article_number,
        ids=_with_isbn(_identifiers(bag, note_ids), isbns),
        abstract=_abstract(bag),
        keywords=tuple(k.strip() for k in bag.take("KW")),
        language=bag.first("LA"),
        note=note,
        extra=_type_extra(ty, kind) + qualified + bag.leftover(),
    )
    return record, source_key.strip() if source_key else None


def _with_isbn(ids: Identifiers, isbns: tuple[str, ...]) -> Identifiers:
    if not isbns:
        return ids
    return Identifiers(
        doi=ids.doi, pmid=ids.pmid, pmcid=ids.pmcid, url=ids.url, isbn=isbns, other=ids.other
    )


def _type_extra(ty: str | None, kind: WorkType) -> tuple[tuple[str, str], ...]:
    """``TY`` kept in ``extra`` when the work type does not say all of it (``ABST``, ``GEN``)."""
    if ty is None:
        return ()
    canonical = _TYPES.get(kind, ("",))[0]
    return () if re.sub(r"\s", "", ty.upper()) == canonical else (("TY", ty.strip()),)
