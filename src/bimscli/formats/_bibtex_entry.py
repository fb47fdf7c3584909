"""How one BibTeX/BibLaTeX entry maps to the record model.

Values arrive with macros resolved but LaTeX still in them. Names are split on " and " at
brace depth 0 *before* decoding, so ``{AO Spine Knowledge Forum Tumor}`` stays one group
author and "and others" marks the author list as incomplete. URL-like fields (``url``,
``doi``, ``eprint``) are verbatim: only their braces are removed.
"""

from __future__ import annotations

import re

from bimscli.formats._dates import parse_date
from bimscli.formats._latex import latex_title_to_text, latex_to_unicode, strip_braces
from bimscli.formats._months import month_number
from bimscli.formats._reference_fields import (
    FieldBag,
    join_page_range,
    looks_like_article_number,
    pubmed_ids_in_urls,
    split_issn_isbn,
    split_keywords,
)
from bimscli.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from bimscli.model import AbstractSection, Author, Identifiers, PartialDate, Record, WorkType

_TYPES = {
    WorkType.JOURNAL_ARTICLE: ("article",),
    WorkType.BOOK: ("book", "mvbook", "booklet", "collection", "proceedings"),
    WorkType.BOOK_CHAPTER: ("incollection", "inbook", "bookinbook", "inreference"),
    WorkType.CONFERENCE_PAPER: ("inproceedings", "conference"),
    WorkType.THESIS: ("thesis", "phdthesis", "mastersthesis"),
    WorkType.REPORT: ("report", "techreport"),
    WorkType.WEB_PAGE: ("online", "electronic", "www", "webpage"),
    WorkType.DATASET: ("dataset",),
    WorkType.OTHER: ("misc",),
}
_TYPE_BY_NAME = {name: kind for kind, names in _TYPES.items() for name in names}
_VERBATIM = frozenset({"url", "doi", "eprint", "file", "pmid", "pmcid", "isbn", "issn"})
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _top_level_split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """``text`` split where ``pattern`` matches outside braces."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        char = text[index]
        depth += (char == "{") - (char == "}")
        match = pattern.match(text, index) if depth == 0 else None
        if match and match.end() > index:
            parts.append(text[start:index])
            start = index = match.end()
            continue
        index += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


_COMMA = re.compile(r",")
_SPACE = re.compile(r"\s+")


def bibtex_name(raw: str) -> Author | None:
    """One BibTeX name: "von Last, First", "von Last, Jr, First", "First von Last", {Group}.

    >>> bibtex_name("{AO Spine Knowledge Forum Tumor}").group
    'AO Spine Knowledge Forum Tumor'
    >>> bibtex_name("von Neumann, John").family, bibtex_name("John von Neumann").family
    ('von Neumann', 'von Neumann')
    >>> bibtex_name("Smith, Jr., John").suffix, bibtex_name(r"M{\\"u}ller, J.").family
    ('Jr.', 'Müller')
    """
    name = raw.strip()
    if name.startswith("{") and len(_top_level_split(name, _SPACE)) == 1:
        group = latex_to_unicode(name)  # wholly braced: BibTeX's way to write a group name
        return Author(group=group) if group else None
    parts = [latex_to_unicode(p) for p in _top_level_split(name, _COMMA)]
    if len(parts) >= 3:
        return Author(family=parts[0], given=", ".join(parts[2:]) or None, suffix=parts[1] or None)
    if len(parts) == 2:
        return Author(family=parts[0] or None, given=parts[1] or None)
    words = _top_level_split(name, _SPACE)
    if not words:
        return None
    first_lower = next((i for i, w in enumerate(words[:-1]) if w[:1].islower()), len(words) - 1)
    given = latex_to_unicode(" ".join(words[:first_lower])) or None
    return Author(family=latex_to_unicode(" ".join(words[first_lower:])), given=given)


def bibtex_names(raw: str) -> tuple[tuple[Author, ...], bool]:
    """The names of an author/editor list and whether it is complete (no "and others").

    >>> names, complete = bibtex_names("Smith, J. and {WHO Group} and others")
    >>> [a.display_name for a in names], complete
    (['Smith, J.', 'WHO Group'], False)
    """
    names = _top_level_split(raw, _AND)
    complete = not (names and names[-1].lower() == "others")
    authors = (bibtex_name(n) for n in (names if complete else names[:-1]))
    return tuple(a for a in authors if a is not None), complete


def _date(bag: FieldBag) -> PartialDate | None:
    """BibLaTeX ``date``, else ``year`` and ``month``; text that holds no date stays in extra."""
    date_texts = bag.peek("date")
    date = parse_date(date_texts[0]) if date_texts else None
    if date is not None:
        bag.first("date")
        return date
    year_text = bag.peek("year")
    year = parse_date(year_text[0]) if year_text else None
    if year is None:
        return None
    bag.take("year")
    month_text = bag.peek("month")
    month = month_number(month_text[0]) if month_text else None
    if month is not None:
        bag.take("month")
    return PartialDate(year.year, month or year.month, year.day if not month else None, year.text)


def _container(bag: FieldBag, kind: WorkType) -> str | None:
    if kind in (WorkType.BOOK_CHAPTER, WorkType.CONFERENCE_PAPER):
        return bag.first("booktitle", "journaltitle", "journal")
    return bag.first("journaltitle", "journal")


def _identifiers(bag: FieldBag) -> Identifiers:
    eprint_type = (bag.peek("eprinttype", "archiveprefix") or [""])[0].lower()
    eprint = bag.peek("eprint")
    by_kind = {"pubmed": "pmid", "pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid"}
    eprint_kind = by_kind.get(eprint_type, "arxiv" if eprint_type == "arxiv" else "")
    readable = eprint_kind == "arxiv" or (
        eprint and (normalize_pmid if eprint_kind == "pmid" else normalize_pmcid)(eprint[0])
    )
    if eprint and eprint_kind and readable:
        bag.take("eprint", "eprinttype", "archiveprefix")
    else:
        eprint_kind = ""
    url = bag.first("url")
    url_pmid, url_pmcid = pubmed_ids_in_urls([url or ""])
    eprint_pmid = normalize_pmid(eprint[0]) if eprint_kind == "pmid" else None
    eprint_pmcid = normalize_pmcid(eprint[0]) if eprint_kind == "pmcid" else None
    return Identifiers(
        doi=bag.first_valid(normalize_doi, "doi"),
        pmid=bag.first_valid(normalize_pmid, "pmid") or eprint_pmid or url_pmid,
        pmcid=bag.first_valid(normalize_pmcid, "pmcid") or eprint_pmcid or url_pmcid,
        url=url,
        arxiv=eprint[0] if eprint_kind == "arxiv" else None,
    )


def _pages(bag: FieldBag) -> tuple[str | None, str | None]:
    pages = bag.first("pages")
    eid = bag.first("eid")
    if pages and not eid and looks_like_article_number(pages):
        return None, pages
    return join_page_range(pages, None), eid


def _decoded(key: str, value: str) -> str:
    if key in _VERBATIM:
        return strip_braces(value)
    if key == "title":
        return latex_title_to_text(value)
    return latex_to_unicode(value)


def _decoded_fields(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, _decoded(k, v)) for k, v in fields]


def bibtex_record(entry_type: str, raw_fields: list[tuple[str, str]]) -> Record:
    """The record of one entry from its type and its (lower-case key, resolved value) fields."""
    authors, complete = bibtex_names(" and ".join(v for k, v in raw_fields if k == "author"))
    bag = FieldBag(_decoded_fields([(k, v) for k, v in raw_fields if k != "author"]))
    kind = _TYPE_BY_NAME.get(entry_type, WorkType.OTHER)
    issns, isbns, unreadable = split_issn_isbn(bag.peek("issn", "isbn"))
    if not unreadable:
        bag.take("issn", "isbn")
    pages, article_number = _pages(bag)
    ids = _identifiers(bag)
    record = Record(
        type=kind,
        title=bag.first("title"),
        authors=authors,
        authors_complete=complete,
        journal=_container(bag, kind),
        journal_abbrev=bag.first("shortjournal", "journalabbrev", "journal-abbrev"),
        issn=issns,
        publisher=bag.first("publisher", "institution", "school"),
        date=_date(bag),
        volume=bag.first("volume"),
        issue=bag.first("issue", "number") if kind is WorkType.JOURNAL_ARTICLE else None,
        pages=pages,
        article_number=article_number,
        ids=Identifiers(ids.doi, ids.pmid, ids.pmcid, None, ids.url, isbns, ids.arxiv),
        abstract=tuple(AbstractSection(a) for a in [bag.first("abstract")] if a),
        keywords=tuple(k for text in bag.take("keywords") for k in split_keywords(text)),
        language=bag.first("langid", "language"),
        note="\n".join(bag.take("note", "annote", "annotation")) or None,
        extra=_type_extra(entry_type, kind) + bag.leftover(),
    )
    return record


def _type_extra(entry_type: str, kind: WorkType) -> tuple[tuple[str, str], ...]:
    """The entry type in ``extra`` when the work type does not say all of it."""
    canonical = _TYPES.get(kind, ("",))[0]
    return () if entry_type == canonical else (("entrytype", entry_type),)
