"""One PubMed XML article element (``PubmedArticle``, ``PubmedBookArticle``,
``MedlineCitation``) read into a :class:`~bimscli.model.Record`.

Inline markup in titles and abstracts (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, ``<u>``) is kept
as literal tags in the text, e.g. ``"The <i>BRCA1</i> gene"``, so exporters can turn it into
their own markup; all other text is plain (``P < 0.05``, not ``P &lt; 0.05``).
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from bimscli.formats._pubmed import (
    article_number_from_pii,
    date_from_parts,
    expand_medline_pages,
    parse_medline_date,
    relation_from_ref_type,
)
from bimscli.identifiers import normalize_doi, normalize_issn, normalize_orcid, normalize_pmcid
from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    Record,
    RelatedWork,
    WorkType,
)

Element = etree._Element

INLINE_TAGS = frozenset(("i", "b", "sup", "sub", "u"))


def inline_text(elem: Element | None) -> str | None:
    """The element's text with inline formatting tags kept literally; None when empty."""
    if elem is None:
        return None
    text = elem.text if len(elem) == 0 else "".join(_inline_parts(elem))
    text = " ".join(text.split()) if text else None
    return text or None


def _inline_parts(elem: Element) -> list[str]:
    parts = [elem.text or ""]
    for child in elem:
        tag = child.tag
        inner = "".join(_inline_parts(child))
        if isinstance(tag, str) and tag in INLINE_TAGS:
            inner = f"<{tag}>{inner}</{tag}>"
        parts.append(inner)
        parts.append(child.tail or "")
    return parts


def _text(elem: Element, path: str) -> str | None:
    value = elem.findtext(path)
    if value is None:
        return None
    return value.strip() or None


def _date(elem: Element | None) -> PartialDate | None:
    if elem is None:
        return None
    medline = elem.findtext("MedlineDate")
    if medline is not None:
        return parse_medline_date(medline)
    return date_from_parts(
        elem.findtext("Year"), elem.findtext("Month"), elem.findtext("Day"),
        elem.findtext("Season"),
    )  # fmt: skip


def _author(elem: Element) -> Author | None:
    if elem.get("ValidYN") == "N":
        return None  # PubMed marks a misspelt name it has replaced by a valid one
    affiliations = tuple(
        a.text.strip() for a in elem.iterfind("AffiliationInfo/Affiliation") if a.text
    )
    orcid = None
    for ident in elem.iterfind("Identifier"):
        if ident.get("Source") == "ORCID":
            orcid = normalize_orcid(ident.text)
    group = _text(elem, "CollectiveName")
    if group is not None:
        return Author(group=group, orcid=orcid, affiliations=affiliations)
    family = _text(elem, "LastName")
    given = _text(elem, "ForeName") or _text(elem, "Initials")
    if family is None and given is None:
        return None
    return Author(family, given, None, _text(elem, "Suffix"), orcid, affiliations)


def authors(author_list: Element | None) -> tuple[tuple[Author, ...], bool]:
    """The authors of an ``AuthorList`` and whether the list is complete."""
    if author_list is None:
        return (), True
    found = (_author(a) for a in author_list.iterfind("Author"))
    return tuple(a for a in found if a is not None), author_list.get("CompleteYN") != "N"


def _abstract(article: Element) -> tuple[AbstractSection, ...]:
    sections = []
    for part in article.iterfind("Abstract/AbstractText"):
        text = inline_text(part)
        if text:
            sections.append(AbstractSection(text, part.get("Label") or None))
    return tuple(sections)


def _mesh(citation: Element) -> tuple[MeshHeading, ...]:
    headings = []
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        if descriptor is None or not descriptor.text:
            continue
        qualifiers = tuple(
            MeshQualifier(q.text.strip(), q.get("UI"), q.get("MajorTopicYN") == "Y")
            for q in heading.iterfind("QualifierName")
            if q.text
        )
        headings.append(
            MeshHeading(
                descriptor.text.strip(),
                descriptor.get("UI"),
                descriptor.get("MajorTopicYN") == "Y",
                qualifiers,
            )
        )
    return tuple(headings)


def _related(citation: Element) -> tuple[RelatedWork, ...]:
    links = []
    for link in citation.iterfind("CommentsCorrectionsList/CommentsCorrections"):
        ref_type = link.get("RefType")
        if ref_type:
            links.append(
                RelatedWork(
                    relation_from_ref_type(ref_type),
                    citation=_text(link, "RefSource"),
                    pmid=_text(link, "PMID"),
                )
            )
    return tuple(links)


def _extra(citation: Element) -> tuple[tuple[str, str], ...]:
    extra = []
    for grant in citation.iterfind("Article/GrantList/Grant"):
        parts = (_text(grant, t) for t in ("GrantID", "Agency", "Country"))
        extra.append(("grant", "; ".join(p for p in parts if p)))
    for chemical in citation.iterfind("ChemicalList/Chemical/NameOfSubstance"):
        if chemical.text:
            extra.append(("chemical", chemical.text.strip()))
    return tuple(extra)


def _identifiers(pmid: str | None, containers: list[Element | None]) -> Identifiers:
    """Identifiers from ``ArticleIdList``s and ``ELocationID``s; the first of a kind wins."""
    found: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    isbn: list[str] = []
    for container in containers:
        if container is None:
            continue
        for ident in container.iterfind("ArticleIdList/ArticleId"):
            _add_id(found, other, ident.get("IdType"), ident.text)
        for ident in container.iterfind("ELocationID"):
            _add_id(found, other, ident.get("EIdType"), ident.text)
        isbn.extend(i.text.strip() for i in container.iterfind("Book/Isbn") if i.text)
    return Identifiers(
        doi=normalize_doi(found.get("doi")),
        pmid=pmid or found.get("pubmed"),
        pmcid=normalize_pmcid(found.get("pmc")),
        pii=found.get("pii"),
        isbn=tuple(isbn),
        other=tuple(other),
    )


def _add_id(
    found: dict[str, str], other: list[tuple[str, str]], kind: str | None, value: str | None
) -> None:
    if not kind or not value or not value.strip():
        return
    value = value.strip()
    if kind in ("doi", "pubmed", "pmc", "pii"):
        found.setdefault(kind, value)
    elif (kind, value) not in other:
        other.append((kind, value))


def _pages(pagination: Element | None) -> str | None:
    if pagination is None:
        return None
    medline = _text(pagination, "MedlinePgn")
    if medline:
        return expand_medline_pages(medline)
    start, end = _text(pagination, "StartPage"), _text(pagination, "EndPage")
    if start and end and end != start:
        return f"{start}-{end}"
    return start


def _issns(journal: Element | None, citation: Element) -> tuple[str, ...]:
    raw = [] if journal is None else [i.text for i in journal.iterfind("ISSN")]
    raw.append(citation.findtext("MedlineJournalInfo/ISSNLinking"))
    issns = (normalize_issn(i) for i in raw)
    return tuple(dict.fromkeys(i for i in issns if i))


def _epub_date(article: Element) -> PartialDate | None:
    for date in article.iterfind("ArticleDate"):
        if date.get("DateType", "Electronic") == "Electronic":
            return _date(date)
    return None


def _publication_types(container: Element, path: str) -> tuple[str, ...]:
    return tuple(p.text.strip() for p in container.iterfind(path) if p.text)


def _keywords(container: Element) -> tuple[str, ...]:
    words = (inline_text(k) for k in container.iterfind("KeywordList/Keyword"))
    return tuple(w for w in words if w)


def _with_old_affiliation(found: tuple[Author, ...], affiliation: str | None) -> tuple[Author, ...]:
    """Before 2014 MEDLINE had one ``Article/Affiliation``, the first author's."""
    if affiliation is None or not found or found[0].affiliations:
        return found
    return (replace(found[0], affiliations=(affiliation,)), *found[1:])


def citation_record(citation: Element, pubmed_data: Element | None) -> Record:
    """A journal article from ``MedlineCitation`` (and ``PubmedData`` when present)."""
    article = citation.find("Article")
    if article is None:
        article = etree.Element("Article")  # a citation without Article: keep PMID and MeSH
    journal = article.find("Journal")
    pmid = _text(citation, "PMID")
    ids = _identifiers(pmid, [pubmed_data, article])
    authors_found, complete = authors(article.find("AuthorList"))
    authors_found = _with_old_affiliation(authors_found, _text(article, "Affiliation"))
    types = _publication_types(article, "PublicationTypeList/PublicationType")
    return Record(
        type=WorkType.PREPRINT if "Preprint" in types else WorkType.JOURNAL_ARTICLE,
        title=inline_text(article.find("ArticleTitle")),
        original_title=inline_text(article.find("VernacularTitle")),
        authors=authors_found,
        authors_complete=complete,
        journal=None if journal is None else _text(journal, "Title"),
        journal_abbrev=(None if journal is None else _text(journal, "ISOAbbreviation"))
        or _text(citation, "MedlineJournalInfo/MedlineTA"),
        issn=_issns(journal, citation),
        date=None if journal is None else _date(journal.find("JournalIssue/PubDate")),
        epub_date=_epub_date(article),
        volume=None if journal is None else _text(journal, "JournalIssue/Volume"),
        issue=None if journal is None else _text(journal, "JournalIssue/Issue"),
        pages=_pages(article.find("Pagination")),
        article_number=article_number_from_pii(ids.pii),
        ids=ids,
        abstract=_abstract(article),
        keywords=_keywords(citation),
        publication_types=types,
        mesh=_mesh(citation),
        language=_text(article, "Language"),
        related=_related(citation),
        extra=_extra(citation),
    )


def _book_extra(book: Element) -> tuple[tuple[str, str], ...]:
    """The place of publication, edition and editors (the model has no editor role)."""
    extra = [("publisher-place", _text(book, "Publisher/PublisherLocation"))]
    extra.append(("edition", _text(book, "Edition")))
    editors, _ = authors(book.find("AuthorList[@Type='editors']"))
    extra.extend(("editor", e.display_name) for e in editors)
    return tuple((k, v) for k, v in extra if v)


def book_record(book_article: Element) -> Record:
    """A book or book chapter from ``PubmedBookArticle`` (NCBI Bookshelf, e.g. GeneReviews)."""
    document = book_article.find("BookDocument")
    if document is None:
        document = etree.Element("BookDocument")
    book = document.find("Book")
    if book is None:
        book = etree.Element("Book")
    book_title = inline_text(book.find("BookTitle"))
    chapter_title = inline_text(document.find("ArticleTitle"))
    pmid = _text(document, "PMID")
    authors_found, complete = authors(document.find("AuthorList"))
    if not authors_found:
        authors_found, complete = authors(book.find("AuthorList[@Type='authors']"))
    return Record(
        type=WorkType.BOOK_CHAPTER if chapter_title else WorkType.BOOK,
        title=chapter_title or book_title,
        original_title=inline_text(document.find("VernacularTitle")),
        authors=authors_found,
        authors_complete=complete,
        journal=book_title if chapter_title else None,
        publisher=_text(book, "Publisher/PublisherName"),
        date=_date(book.find("PubDate")),
        volume=_text(book, "Volume"),
        ids=_identifiers(pmid, [book_article.find("PubmedBookData"), document]),
        abstract=_abstract(document),
        keywords=_keywords(document),
        publication_types=_publication_types(document, "PublicationType"),
        language=_text(document, "Language"),
        extra=_book_extra(book),
    )
