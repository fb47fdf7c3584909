"""A ``PubmedBookArticle`` (NCBI Bookshelf: GeneReviews, textbooks) read into a Record."""

from __future__ import annotations

from lxml import etree

from bimscli.formats._pubmed_article import (
    Element,
    abstract,
    authors,
    child_text,
    children,
    element_date,
    identifiers,
    inline_text,
    keywords,
    publication_types,
)
from bimscli.model import Record, WorkType


def _book_extra(book: Element) -> tuple[tuple[str, str], ...]:
    """The place of publication, edition and editors (the model has no editor role)."""
    extra = [("publisher-place", child_text(children(book.find("Publisher")), "PublisherLocation"))]
    extra.append(("edition", child_text(children(book), "Edition")))
    editors, _ = authors(book.find("AuthorList[@Type='editors']"))
    extra.extend(("editor", e.display_name) for e in editors)
    return tuple((k, v) for k, v in extra if v)


def book_record(book_article: Element) -> Record:
    """A book, or a chapter when the document has its own ``ArticleTitle``."""
    document = book_article.find("BookDocument")
    if document is None:
        document = etree.Element("BookDocument")
    parts = children(document)
    book = parts.get("Book")
    if book is None:
        book = etree.Element("Book")
    book_parts = children(book)
    book_title = inline_text(book_parts.get("BookTitle"))
    chapter_title = inline_text(parts.get("ArticleTitle"))
    found, complete = authors(document.find("AuthorList"))
    if not found:
        found, complete = authors(book.find("AuthorList[@Type='authors']"))
    id_lists = [parts.get("ArticleIdList"), book_article.find("PubmedBookData/ArticleIdList")]
    isbn = [i.text.strip() for i in book.iterfind("Isbn") if i.text]
    return Record(
        type=WorkType.BOOK_CHAPTER if chapter_title else WorkType.BOOK,
        title=chapter_title or book_title,
        original_title=inline_text(parts.get("VernacularTitle")),
        authors=found,
        authors_complete=complete,
        journal=book_title if chapter_title else None,
        publisher=child_text(children(book_parts.get("Publisher")), "PublisherName"),
        date=element_date(book_parts.get("PubDate")),
        volume=child_text(book_parts, "Volume"),
        ids=identifiers(child_text(parts, "PMID"), id_lists, [], isbn),
        abstract=abstract(parts.get("Abstract")),
        keywords=keywords(parts.get("KeywordList")),
        publication_types=publication_types(document),
        language=child_text(parts, "Language"),
        extra=_book_extra(book),
    )
