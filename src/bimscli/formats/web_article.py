"""Web articles: HTML pages with metadata, or an article's text copied from a web page.

* HTML: the page's Highwire, JSON-LD, Dublin Core, Open Graph and plain-HTML metadata, merged
  in that order of precedence (see :mod:`._page_metadata`). A page whose metadata names a
  journal or a DOI is a journal article (a publisher's landing page); otherwise it is a web
  page (a news article when its JSON-LD says so), whose container is the site
  (``og:site_name``). Parsed with lxml's HTML parser with network access off; HTML has no
  external entities to resolve, and no URL is ever fetched.
* Text (a low-confidence fallback): the first line is the title, a line like ``July 29, 2025``
  near the top is the date, and a summary line between them (the *standfirst*) is the abstract:
  the page is the work itself, so its own summary describes it (unlike a lay summary of a
  paper, which is a note about another work). The body is not an abstract and is kept only in
  the raw text, like the "Related Articles" teasers that close many pages: those are other
  works, so they are neither records nor fields of this one. ``ADVERTISEMENT`` and share
  buttons ("Facebook X Reddit") are page chrome and are dropped.

The raw text of a record is the whole input: the page is the work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from bimscli.formats._article_text import looks_like_article_text, parse_article_text
from bimscli.formats._jsonld_article import jsonld_metadata
from bimscli.formats._page_metadata import (
    PageMetadata,
    dublin_core_metadata,
    highwire_metadata,
    merge_page_metadata,
    open_graph_metadata,
    plain_html_metadata,
)
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import (
    AbstractSection,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    Position,
    Record,
    WorkType,
)

_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)  # fmt: skip
# <title> and <body> are left out: PubMed and JATS XML have elements with those names.
_HTML_TAG = re.compile(r"<(?:html|head|meta)\b", re.IGNORECASE)
_NO_METADATA = (
    "no bibliographic metadata in this HTML page: no citation_*, Dublin Core, Open Graph or "
    "JSON-LD tags and no <title>; save the article's landing page from the publisher's site, "
    "or export a citation (RIS, BibTeX) from it instead"
)


def looks_like_html(text: str) -> bool:
    """True when a text is an HTML document rather than text copied from one.

    >>> looks_like_html("<!DOCTYPE html><html><head>"), looks_like_html("Title\\nJuly 29, 2025")
    (True, False)
    """
    head = text[:5000]
    if _HTML_START.match(head):
        return True
    start = head.lstrip()
    return start.startswith("<") and not start.startswith("<?xml") and bool(_HTML_TAG.search(head))


def parse_web_article(text: str) -> Iterator[Entry]:
    """One record for the page (HTML or copied text), or a failure saying why there is none."""
    if looks_like_html(text):
        yield _parse_html_page(text)
    else:
        yield from parse_article_text(text)


def _parse_html_page(text: str) -> Entry:
    position = Position(1, 1)
    parser = lxml_html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        return ParseFailure(position, text, f"this HTML page cannot be read ({error})")
    meta = read_page_metadata(root)
    if not (meta.title or meta.doi or meta.pmid or meta.pmcid):
        return ParseFailure(position, text, _NO_METADATA)
    return ParsedRecord(record_from_page_metadata(meta), position, text, meta.doi)


def read_page_metadata(root: lxml_html.HtmlElement) -> PageMetadata:
    """Every vocabulary of a parsed page, merged by precedence."""
    pairs = []
    for tag in root.iter("meta"):
        name = tag.get("name") or tag.get("property") or ""
        content = tag.get("content")
        if name.strip() and content is not None:
            pairs.append((name.strip().lower(), content))
    scripts = [
        s.text or ""
        for s in root.iter("script")
        if (s.get("type") or "").strip().lower() == "application/ld+json"
    ]
    # The head's <title> only: an inline SVG in the body has <title> elements of its own.
    title = " ".join((root.findtext("./head/title") or "").split()) or None
    canonical = next(
        (
            link.get("href")
            for link in root.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split()
        ),
        None,
    )
    sources = [
        highwire_metadata(pairs),
        jsonld_metadata(scripts),
        dublin_core_metadata(pairs),
        open_graph_metadata(pairs),
        plain_html_metadata(pairs, title, canonical, root.get("lang")),
    ]
    return merge_page_metadata(sources)


def _work_type(meta: PageMetadata) -> WorkType:
    if meta.work_type is not None and meta.work_type is not WorkType.NEWS_ARTICLE:
        return meta.work_type
    if meta.journal or meta.doi:
        return WorkType.JOURNAL_ARTICLE
    return meta.work_type or WorkType.WEB_PAGE


def record_from_page_metadata(meta: PageMetadata) -> Record:
    """The record a page's merged metadata describes."""
    work_type = _work_type(meta)
    on_the_web = work_type in {WorkType.WEB_PAGE, WorkType.NEWS_ARTICLE}
    extra = (("pdf_url", meta.pdf_url),) if meta.pdf_url else ()
    return Record(
        type=work_type,
        title=meta.title,
        authors=meta.authors,
        journal=meta.journal or (meta.site_name if on_the_web else None),
        journal_abbrev=meta.journal_abbrev,
        issn=meta.issn,
        publisher=meta.publisher,
        date=meta.date,
        epub_date=meta.epub_date,
        volume=meta.volume,
        issue=meta.issue,
        pages=meta.pages,
        article_number=meta.article_number,
        ids=Identifiers(
            doi=meta.doi, pmid=meta.pmid, pmcid=meta.pmcid, url=meta.url, isbn=meta.isbn
        ),
        abstract=(AbstractSection(meta.abstract),) if meta.abstract else (),
        keywords=meta.keywords,
        publication_types=meta.publication_types,
        language=meta.language,
        cited_references=meta.cited_references,
        extra=extra,
    )


def detect_web_article(sniff: Sniff) -> float:
    """Sure for HTML documents; at most 0.55 for text that looks like a copied article.

    >>> detect_web_article(Sniff("<!DOCTYPE html>\\n<html lang='en'>"))
    0.9
    >>> detect_web_article(Sniff("TY  - JOUR\\nTI  - Bone\\nER  - "))
    0.0
    """
    if looks_like_html(sniff.head):
        return 0.9
    if sniff.suffix in {".html", ".htm", ".xhtml"} and "<" in sniff.head:
        return 0.7
    return looks_like_article_text(sniff.head)


FORMAT = SourceFormat(
    name="web-article",
    title="Web article: HTML page metadata, or article text copied from a web page",
    version="1",
    priority=20,
    detect=detect_web_article,
    parse_text=parse_web_article,
)
