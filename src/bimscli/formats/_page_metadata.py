"""Bibliographic metadata in an HTML page's ``<meta>`` tags, one reader per vocabulary.

Pages describe themselves in up to five overlapping vocabularies. Each reader returns what one
vocabulary says as a :class:`PageMetadata`; :func:`merge_page_metadata` then takes each field
from the first source that has it, in the order Highwire ``citation_*`` > JSON-LD (see
:mod:`._jsonld_article`) > Dublin Core > Open Graph > plain HTML (``<title>``, ``<meta
name="description">``, canonical link). Highwire comes first because publishers generate it for
Google Scholar from their production data; the others are written for search engines and
social previews. Authors and keywords are each taken whole from one source, never mixed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bimscli.formats._dates import parse_date
from bimscli.formats._html_text import html_to_plain
from bimscli.formats._person_names import parse_person_name
from bimscli.identifiers import (
    find_dois,
    normalize_doi,
    normalize_issn,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from bimscli.model import Author, PartialDate, WorkType

MetaPairs = Sequence[tuple[str, str]]
"""``(name, content)`` of each ``<meta>`` tag in page order, names in lower case."""


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What one metadata vocabulary of a page says about the work; empty fields are unknown.

    ``journal`` is a journal, proceedings or book the work is part of; ``site_name`` is the web
    site (used as the container of a web page only). ``work_type`` is set when the vocabulary
    states a kind (a conference paper, a thesis, a news article).
    """

    title: str | None = None
    authors: tuple[Author, ...] = ()
    journal: str | None = None
    journal_abbrev: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None
    epub_date: PartialDate | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    issn: tuple[str, ...] = ()
    isbn: tuple[str, ...] = ()
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    language: str | None = None
    publication_types: tuple[str, ...] = ()
    cited_references: tuple[str, ...] = ()
    pdf_url: str | None = None
    work_type: WorkType | None = None


def merge_page_metadata(sources: Sequence[PageMetadata]) -> PageMetadata:
    """Each field from the first source, in precedence order, that has a value for it.

    >>> merge_page_metadata([PageMetadata(title="A"), PageMetadata(title="B", doi="10.1/x")])
    ... # doctest: +ELLIPSIS
    PageMetadata(title='A', ..., doi='10.1/x', ...)
    """
    values = {}
    for spec in dataclasses.fields(PageMetadata):
        found = (getattr(s, spec.name) for s in sources if getattr(s, spec.name))
        values[spec.name] = next(found, getattr(PageMetadata(), spec.name))
    return PageMetadata(**values)


def _first(pairs: MetaPairs, *names: str) -> str | None:
    """The first non-empty content of any of ``names``, in the order of ``names``."""
    for name in names:
        for key, content in pairs:
            if key == name and content.strip():
                return content.strip()
    return None


def _all(pairs: MetaPairs, *names: str) -> list[str]:
    return [content.strip() for key, content in pairs if key in names and content.strip()]


def _split_keywords(values: Sequence[str]) -> tuple[str, ...]:
    """Keywords from tags that hold one each or several joined by ``;`` or ``,``."""
    out: list[str] = []
    for value in values:
        separator = ";" if ";" in value else ","
        out.extend(k.strip() for k in value.split(separator) if k.strip())
    return tuple(dict.fromkeys(out))


def highwire_metadata(pairs: MetaPairs) -> PageMetadata:
    """Highwire Press ``citation_*`` tags, the Google Scholar inclusion vocabulary."""
    conference = _first(pairs, "citation_conference_title")
    book = _first(pairs, "citation_inbook_title", "citation_book_title")
    thesis = _first(pairs, "citation_dissertation_institution")
    report = _first(pairs, "citation_technical_report_institution")
    pages, article_number = split_first_last_page(
        _first(pairs, "citation_firstpage"), _first(pairs, "citation_lastpage")
    )
    return PageMetadata(
        title=html_to_plain(_first(pairs, "citation_title")) or None,
        authors=_highwire_authors(pairs),
        journal=_first(pairs, "citation_journal_title") or conference or book,
        journal_abbrev=_first(pairs, "citation_journal_abbrev"),
        publisher=_first(pairs, "citation_publisher") or thesis or report,
        date=_first_date(pairs, "citation_publication_date", "citation_date",
                         "citation_cover_date", "citation_year"),
        epub_date=_first_date(pairs, "citation_online_date"),
        volume=_first(pairs, "citation_volume"),
        issue=_first(pairs, "citation_issue"),
        pages=pages,
        article_number=article_number,
        doi=normalize_doi(_first(pairs, "citation_doi")),
        pmid=normalize_pmid(_first(pairs, "citation_pmid")),
        pmcid=normalize_pmcid(_first(pairs, "citation_pmcid")),
        url=_first(pairs, "citation_abstract_html_url", "citation_fulltext_html_url",
                   "citation_public_url"),
        issn=_normalized_issns(_all(pairs, "citation_issn", "citation_eissn")),
        isbn=tuple(dict.fromkeys(_all(pairs, "citation_isbn"))),
        abstract=html_to_plain(_first(pairs, "citation_abstract")) or None,
        keywords=_split_keywords(_all(pairs, "citation_keywords")),
        language=_first(pairs, "citation_language"),
        publication_types=tuple(_all(pairs, "citation_article_type")),
        cited_references=tuple(highwire_reference(r) for r in _all(pairs, "citation_reference")),
        pdf_url=_first(pairs, "citation_pdf_url"),
        work_type=(WorkType.CONFERENCE_PAPER if conference else WorkType.BOOK_CHAPTER if book
                   else WorkType.THESIS if thesis else WorkType.REPORT if report else None),
    )  # fmt: skip


def _first_date(pairs: MetaPairs, *names: str) -> PartialDate | None:
    for name in names:
        for value in _all(pairs, name):
            parsed = parse_date(value, exact=True)
            if parsed is not None:
                return parsed
    return None


def _normalized_issns(values: Sequence[str]) -> tuple[str, ...]:
    found = (normalize_issn(v) for v in values)
    return tuple(dict.fromkeys(i for i in found if i))


def _highwire_authors(pairs: MetaPairs) -> tuple[Author, ...]:
    """``citation_author`` tags, each followed by its institution and ORCID tags."""
    authors: list[Author] = []
    for key, content in pairs:
        value = content.strip()
        if key == "citation_author" and value:
            author = parse_person_name(value)
            if author is not None:
                authors.append(author)
        elif authors and value and not authors[-1].is_group:
            authors[-1] = _with_author_detail(authors[-1], key, value)
    if not authors:
        for joined in _all(pairs, "citation_authors"):
            found = (parse_person_name(n) for n in joined.split(";"))
            authors.extend(a for a in found if a is not None)
    return tuple(authors)


def _with_author_detail(author: Author, key: str, value: str) -> Author:
    if key in {"citation_author_institution", "citation_author_affiliation"}:
        return dataclasses.replace(author, affiliations=(*author.affiliations, value))
    if key == "citation_author_orcid":
        return dataclasses.replace(author, orcid=normalize_orcid(value) or author.orcid)
    return author


def split_first_last_page(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """Pages as ``first-last``, or an article number when only an elocator is given.

    >>> split_first_last_page("189", "195")
    ('189-195', None)
    >>> split_first_last_page("e0213978", None)
    (None, 'e0213978')
    >>> split_first_last_page("91", None)
    ('91', None)
    """
    if not first:
        return None, None
    if last and last != first:
        return f"{first}-{last}", None
    if re.fullmatch(r"[A-Za-z]+\d+|\d{5,}", first):
        return None, first
    return first, None


def highwire_reference(content: str) -> str:
    """A ``citation_reference`` tag as a readable citation (its content when not fielded).

    >>> highwire_reference("citation_title=Occurrence;citation_author=Z. Cheng;"
    ...     "citation_author=Y. Shi;citation_journal_title=J Vet Med Sci;citation_volume=69;"
    ...     "citation_first_page=1295;citation_publication_date=2007;")
    'Z. Cheng, Y. Shi. Occurrence. J Vet Med Sci. 2007;69:1295'
    """
    if "citation_" not in content:
        return content.strip()
    fields: dict[str, list[str]] = {}
    for part in content.split(";"):
        key, _, value = part.partition("=")
        if value.strip():
            fields.setdefault(key.strip(), []).append(value.strip())

    def one(name: str) -> str:
        return fields.get(name, [""])[0]

    where = one("citation_volume") + (f"({one('citation_issue')})" if one("citation_issue") else "")
    pages = "-".join(p for p in (one("citation_first_page"), one("citation_last_page")) if p)
    numbers = ";".join(p for p in (one("citation_publication_date"), where) if p)
    numbers += f":{pages}" if pages else ""
    parts = [", ".join(fields.get("citation_author", [])), one("citation_title"),
             one("citation_journal_title"), numbers]  # fmt: skip
    return ". ".join(p.rstrip(".") for p in parts if p)


def dublin_core_metadata(pairs: MetaPairs) -> PageMetadata:
    """Dublin Core ``DC.*`` and ``dcterms.*`` tags (names compared in lower case)."""
    dc = [(k.replace("dcterms.", "dc."), v) for k, v in pairs if k.startswith(("dc.", "dcterms."))]
    identifiers = _all(dc, "dc.identifier")
    dois = [d for i in identifiers for d in find_dois(i)]
    urls = [i for i in identifiers if i.startswith(("http://", "https://"))]
    return PageMetadata(
        title=_first(dc, "dc.title"),
        authors=_split_names(_all(dc, "dc.creator")),
        publisher=_first(dc, "dc.publisher"),
        date=_first_date(dc, "dc.date.issued", "dc.issued", "dc.date", "dc.created"),
        doi=dois[0] if dois else None,
        url=urls[0] if urls else None,
        abstract=_first(dc, "dc.abstract", "dc.description"),
        keywords=_split_keywords(_all(dc, "dc.subject")),
        language=_first(dc, "dc.language"),
    )


def _split_names(values: Sequence[str]) -> tuple[Author, ...]:
    found = (parse_person_name(v) for v in values if not v.startswith(("http://", "https://")))
    return tuple(a for a in found if a is not None)


def open_graph_metadata(pairs: MetaPairs) -> PageMetadata:
    """Open Graph ``og:*`` and ``article:*`` tags, written for social-media previews."""
    return PageMetadata(
        title=_first(pairs, "og:title"),
        authors=_split_names(_all(pairs, "article:author")),
        site_name=_first(pairs, "og:site_name"),
        date=_first_date(pairs, "article:published_time"),
        url=_first(pairs, "og:url"),
        abstract=_first(pairs, "og:description"),
        keywords=tuple(dict.fromkeys(_all(pairs, "article:tag"))),
    )


def plain_html_metadata(
    pairs: MetaPairs, title: str | None, canonical: str | None, language: str | None
) -> PageMetadata:
    """What any HTML page has: ``<title>``, description, keywords, author, canonical link."""
    return PageMetadata(
        title=title,
        authors=_split_names(_all(pairs, "author")),
        url=canonical,
        abstract=_first(pairs, "description"),
        keywords=_split_keywords(_all(pairs, "keywords")),
        language=language,
    )
