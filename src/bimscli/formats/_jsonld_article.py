"""schema.org JSON-LD article descriptions (``<script type="application/ld+json">``).

Only the first object typed as an article (``ScholarlyArticle``, ``Article``, ``NewsArticle``,
…) is read, found at the top level, in ``@graph`` or as a page's ``mainEntity``: other objects
(the site's ``Organization``, ``BreadcrumbList``, related articles) describe other things.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bimscli.formats._dates import parse_date
from bimscli.formats._html_text import html_to_plain
from bimscli.formats._json_objects import decode_document, repeated_key
from bimscli.formats._json_objects import json_text as _text
from bimscli.formats._page_metadata import PageMetadata, split_first_last_page
from bimscli.formats._person_names import parse_person_name
from bimscli.identifiers import find_dois, normalize_issn
from bimscli.model import Author, WorkType

_ARTICLE_TYPES = {
    "article", "scholarlyarticle", "medicalscholarlyarticle", "newsarticle", "blogposting",
    "reportagenewsarticle", "analysisnewsarticle", "techarticle",
}  # fmt: skip
_NEWS_TYPES = {"newsarticle", "reportagenewsarticle", "analysisnewsarticle"}


def jsonld_metadata(scripts: Iterable[str]) -> PageMetadata:
    """The metadata of the first article object in the page's JSON-LD blocks.

    A block that is not valid JSON, or whose article gives a key two different values, is
    skipped: it is the site's data, not the user's, and the page's other vocabularies still
    count.

    >>> jsonld_metadata(['{"@type": "ScholarlyArticle", "headline": "Bone",'
    ...                  ' "datePublished": "2024-05-02"}']).date.iso
    '2024-05-02'
    """
    for script in scripts:
        try:
            data = decode_document(script)
        except ValueError:  # broken, or nested deeper than bims reads
            continue
        article = next(_articles(data, depth=0), None)
        if article is not None and repeated_key(article) is None:
            return _article_metadata(article)
    return PageMetadata()


def _type_names(node: Mapping[str, Any]) -> set[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {n.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for n in names if isinstance(n, str)}


def _articles(node: object, depth: int) -> Iterator[Mapping[str, Any]]:
    if depth > 4:
        return
    if isinstance(node, list):
        for item in node:
            yield from _articles(item, depth + 1)
    elif isinstance(node, dict):
        if _type_names(node) & _ARTICLE_TYPES:
            yield node
        for key in ("@graph", "mainEntity"):
            if key in node:
                yield from _articles(node[key], depth + 1)


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _name(value: object) -> str | None:
    if isinstance(value, Mapping):
        return _text(value.get("name"))
    return _text(value)


def _article_metadata(article: Mapping[str, Any]) -> PageMetadata:
    journal, volume, issue, issns = _container(article)
    pages, article_number = split_first_last_page(
        _text(article.get("pageStart")), _text(article.get("pageEnd"))
    )
    types = _type_names(article)
    return PageMetadata(
        title=html_to_plain(_text(article.get("headline")) or _text(article.get("name"))) or None,
        authors=tuple(a for a in map(_author, _as_list(article.get("author"))) if a is not None),
        journal=journal,
        publisher=_name(article.get("publisher")),
        date=parse_date(_text(article.get("datePublished")), exact=True),
        volume=_text(article.get("volumeNumber")) or volume,
        issue=_text(article.get("issueNumber")) or issue,
        pages=_text(article.get("pagination")) or pages,
        article_number=article_number,
        doi=_doi(article),
        url=_url(article),
        issn=issns,
        abstract=html_to_plain(_text(article.get("abstract")) or _text(article.get("description")))
        or None,
        keywords=_keywords(article.get("keywords")),
        language=_name(article.get("inLanguage")),
        work_type=WorkType.NEWS_ARTICLE if types & _NEWS_TYPES else None,
    )


def _author(value: object) -> Author | None:
    if not isinstance(value, Mapping):
        name = _text(value)
        return parse_person_name(name) if name else None
    if "organization" in _type_names(value):
        name = _text(value.get("name"))
        return Author(group=name) if name else None
    family, given = _text(value.get("familyName")), _text(value.get("givenName"))
    if family:
        author: Author | None = Author(family=family, given=given)
    else:
        name = _text(value.get("name"))
        author = parse_person_name(name) if name else None
    if author is None or author.is_group:
        return author
    affiliations = tuple(a for a in map(_name, _as_list(value.get("affiliation"))) if a)
    return Author(family=author.family, given=author.given, suffix=author.suffix,
                  affiliations=affiliations)  # fmt: skip


def _container(
    article: Mapping[str, Any],
) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
    """Journal, volume, issue and ISSNs from the ``isPartOf`` chain (issue → volume → journal)."""
    journal = volume = issue = None
    issns: list[str] = []
    node: object = article.get("isPartOf")
    for _ in range(4):
        if not isinstance(node, Mapping):
            break
        types = _type_names(node)
        if "publicationissue" in types:
            issue = issue or _text(node.get("issueNumber"))
        elif "publicationvolume" in types:
            volume = volume or _text(node.get("volumeNumber"))
        else:
            journal = journal or _text(node.get("name"))
            issns += [i for i in map(normalize_issn, _as_list(node.get("issn"))) if i]
        node = node.get("isPartOf")
    return journal, volume, issue, tuple(dict.fromkeys(issns))


def _doi(article: Mapping[str, Any]) -> str | None:
    candidates: list[object] = [
        *_as_list(article.get("identifier")),
        *_as_list(article.get("sameAs")),
    ]
    candidates.append(article.get("@id"))
    for candidate in candidates:
        value = candidate.get("value") if isinstance(candidate, Mapping) else candidate
        text = _text(value)
        dois = find_dois(text) if text else []
        if dois:
            return dois[0]
    return None


def _url(article: Mapping[str, Any]) -> str | None:
    url = _text(article.get("url"))
    if url:
        return url
    page = article.get("mainEntityOfPage")
    return _text(page.get("@id")) if isinstance(page, Mapping) else _text(page)


def _keywords(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        separator = ";" if ";" in value else ","
        return tuple(dict.fromkeys(k.strip() for k in value.split(separator) if k.strip()))
    return tuple(
        dict.fromkeys(k.strip() for k in _as_list(value) if isinstance(k, str) and k.strip())
    )
