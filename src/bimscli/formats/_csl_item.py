"""How one CSL-JSON item maps to the record model.

Dates come as ``{"date-parts": [[2021, 6, 1]]}`` (numbers or numeric strings), as
``{"raw": ...}``/``{"literal": ...}`` or, from pandoc, as a plain string "2021-06-01". Zotero
stuffs identifiers it has no CSL variable for into ``note`` as "PMID: 123" lines; those are
taken out. Every key without a field in the model goes to ``extra`` (non-strings as JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from bimscli.formats._dates import date_from_parts, parse_date
from bimscli.formats._reference_fields import (
    FieldBag,
    join_page_range,
    looks_like_article_number,
    pop_note_identifiers,
    pubmed_ids_in_urls,
    split_issn_isbn,
    split_keywords,
)
from bimscli.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from bimscli.model import AbstractSection, Author, Identifiers, PartialDate, Record, WorkType

_TYPES = {
    "article-journal": WorkType.JOURNAL_ARTICLE,
    "article-magazine": WorkType.JOURNAL_ARTICLE,
    "review": WorkType.JOURNAL_ARTICLE,
    "article-newspaper": WorkType.NEWS_ARTICLE,
    "article": WorkType.PREPRINT,
    "book": WorkType.BOOK,
    "chapter": WorkType.BOOK_CHAPTER,
    "entry-encyclopedia": WorkType.BOOK_CHAPTER,
    "entry-dictionary": WorkType.BOOK_CHAPTER,
    "paper-conference": WorkType.CONFERENCE_PAPER,
    "thesis": WorkType.THESIS,
    "report": WorkType.REPORT,
    "webpage": WorkType.WEB_PAGE,
    "post-weblog": WorkType.WEB_PAGE,
    "post": WorkType.WEB_PAGE,
    "dataset": WorkType.DATASET,
}


class CslItemError(ValueError):
    """An item that cannot become a record (a malformed date); the message says why."""


def _text(value: object) -> str | None:
    """A CSL value as text: strings as they are, numbers written out, lists' first element."""
    if isinstance(value, list):
        return _text(value[0]) if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = str(value).strip()
        return text or None
    return None


def _date_part(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CslItemError(f"{name} date part {value!r} is not a number")
    if isinstance(value, str) and not value.strip().isdigit():
        raise CslItemError(f"{name} date part {value!r} is not a number")
    return int(value)


def csl_date(value: object, key: str = "issued") -> PartialDate | None:
    """A CSL date in any of its spellings; raises :class:`CslItemError` when malformed.

    >>> csl_date({"date-parts": [[2021, "6", 1]]}).iso, csl_date("2021-06-01").iso
    ('2021-06-01', '2021-06-01')
    >>> csl_date({"literal": "Spring 2021"}).text
    'Spring 2021'
    >>> csl_date({"date-parts": [[2021, 21]]})
    PartialDate(year=2021, month=None, day=None, text='2021-21')
    """
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, Mapping):
        raise CslItemError(f"'{key}' is {value!r}, not a date")
    parts = value.get("date-parts")
    if parts is not None:
        if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
            raise CslItemError(f"'{key}' date-parts {parts!r} is not a list of lists")
        numbers = [_date_part(p, key) for p in parts[0][:3]]
        if not numbers:
            return None
        # A part that is not a month or day (CSL seasons are 21-24; 13 is a slip) is not
        # dropped: the date keeps the parts as written.
        date = date_from_parts(*numbers, wording="-".join(str(n) for n in numbers))
        if date is None:
            raise CslItemError(f"'{key}' has the year {numbers[0]}, which cannot be right")
        return date
    text = _text(value.get("raw")) or _text(value.get("literal"))
    if text is None:
        return None
    date = parse_date(text)
    if date is None:
        raise CslItemError(f"'{key}' {text!r} holds no year")
    return date


def _is_plain_date(value: object) -> bool:
    """True when a CSL date says no more than one :class:`PartialDate` holds."""
    if not isinstance(value, Mapping):
        return isinstance(value, str)
    if set(value) in ({"raw"}, {"literal"}):
        return True  # the date keeps unusual wording in PartialDate.text
    parts = value.get("date-parts")
    return set(value) == {"date-parts"} and isinstance(parts, list) and len(parts) == 1


def csl_author(name: object) -> Author | None:
    """An author from a CSL name object; ``literal`` names are groups.

    >>> csl_author({"family": "Linden", "given": "Yvette", "non-dropping-particle": "van der"})
    Author(family='van der Linden', given='Yvette', group=None, suffix=None, orcid=None, \
affiliations=())
    """
    if isinstance(name, str):
        return Author(group=name.strip()) if name.strip() else None
    if not isinstance(name, Mapping):
        return None
    literal = _text(name.get("literal"))
    family = _text(name.get("family"))
    if literal and not family:
        return Author(group=literal)
    particle = _text(name.get("non-dropping-particle"))
    dropping = _text(name.get("dropping-particle"))
    given = " ".join(p for p in (_text(name.get("given")), dropping) if p) or None
    if particle and family:
        family = f"{particle} {family}"
    if family is None and given is None:
        return None
    return Author(family=family, given=given, suffix=_text(name.get("suffix")))


def _as_fields(item: Mapping[str, object]) -> list[tuple[str, str]]:
    """The item's keys as (name, text) pairs; lists and objects as JSON text."""
    fields = []
    for key, value in item.items():
        if isinstance(value, str):
            fields.append((key, value))
        elif value is not None:
            fields.append((key, json.dumps(value, ensure_ascii=False)))
    return fields


def _authors(item: Mapping[str, object]) -> tuple[tuple[Author, ...], tuple[tuple[str, str], ...]]:
    """The authors, and the ``author`` values that are no name, for ``extra``."""
    value = item.get("author")
    names = value if isinstance(value, list) else [] if value is None else [value]
    authors, unread = [], []
    for name in names:
        author = csl_author(name)
        if author is not None:
            authors.append(author)
        elif name not in ("", {}, None):
            unread.append(("author", json.dumps(name, ensure_ascii=False)))
    return tuple(authors), tuple(unread)


def _keywords(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(t for t in (_text(v) for v in value) if t)
    text = _text(value)
    return split_keywords(text) if text else ()


def _serials(item: Mapping[str, object], key: str) -> list[str]:
    value = item.get(key)
    values = value if isinstance(value, list) else [value]
    return [t for t in (_text(v) for v in values) if t]


def csl_item_record(item: Mapping[str, object]) -> tuple[Record, str | None]:
    """The record and source key (``id``) of one CSL-JSON item."""
    bag = FieldBag(_as_fields(item))
    csl_type = _text(item.get("type")) or ""
    kind = _TYPES.get(csl_type, WorkType.OTHER)
    bag.take("type", "id", "author", "ISSN", "ISBN", "keyword", "note")
    if _is_plain_date(item.get("issued")):
        bag.take("issued")  # otherwise (a range, a season, "circa") it also stays in extra
    authors, unread_names = _authors(item)
    note_ids, note = pop_note_identifiers(_text(item.get("note")) or "")
    issns, _, bad_issn = split_issn_isbn(_serials(item, "ISSN"))
    _, isbns, bad_isbn = split_issn_isbn(_serials(item, "ISBN"))
    pages, article_number = _pages(bag, item)
    if kind is WorkType.JOURNAL_ARTICLE and article_number is None:
        # Zotero writes a journal article's article number as CSL "number".
        article_number = _field(bag, item, "number")
    record = Record(
        type=kind,
        title=_field(bag, item, "title"),
        original_title=_field(bag, item, "original-title"),
        authors=authors,
        journal=_field(bag, item, "container-title"),
        journal_abbrev=_field(bag, item, "container-title-short", "journalAbbreviation"),
        issn=issns,
        publisher=_field(bag, item, "publisher"),
        date=csl_date(item["issued"]) if "issued" in item else None,
        volume=_field(bag, item, "volume"),
        issue=_field(bag, item, "issue"),
        pages=pages,
        article_number=article_number,
        ids=_identifiers(bag, item, note_ids, isbns),
        abstract=_abstract(bag, item),
        keywords=_keywords(item.get("keyword")),
        language=_field(bag, item, "language"),
        note=note or None,
        extra=_lost(csl_type, kind, bad_issn + bad_isbn) + unread_names + bag.leftover(),
    )
    return record, _text(item.get("id"))


def _field(bag: FieldBag, item: Mapping[str, object], *keys: str) -> str | None:
    for key in keys:
        text = _text(item.get(key))
        if text is not None:
            bag.take(key)
            return text
    return None


def _pages(bag: FieldBag, item: Mapping[str, object]) -> tuple[str | None, str | None]:
    """The page range, or the article number when ``page`` holds one ("e1021")."""
    page = _field(bag, item, "page")
    first = _field(bag, item, "page-first") if page is None else None
    if page and looks_like_article_number(page):
        return None, page
    return join_page_range(page or first, None), None


def _identifiers(
    bag: FieldBag, item: Mapping[str, object], note_ids: dict[str, str], isbns: tuple[str, ...]
) -> Identifiers:
    url = _field(bag, item, "URL")
    url_pmid, url_pmcid = pubmed_ids_in_urls([url or ""])
    return Identifiers(
        doi=bag.first_valid(normalize_doi, "DOI") or note_ids.get("doi"),
        pmid=bag.first_valid(normalize_pmid, "PMID") or note_ids.get("pmid") or url_pmid,
        pmcid=bag.first_valid(normalize_pmcid, "PMCID") or note_ids.get("pmcid") or url_pmcid,
        url=url,
        isbn=isbns,
    )


def _abstract(bag: FieldBag, item: Mapping[str, object]) -> tuple[AbstractSection, ...]:
    text = _field(bag, item, "abstract")
    return (AbstractSection(text),) if text else ()


def _lost(csl_type: str, kind: WorkType, unread: list[str]) -> tuple[tuple[str, str], ...]:
    """What would otherwise be lost: an unmapped type, unreadable ISSNs/ISBNs."""
    lost = [("type", csl_type)] if kind is WorkType.OTHER and csl_type else []
    lost += [("ISSN/ISBN", text) for text in unread]
    return tuple(lost)
