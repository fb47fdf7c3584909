"""A Semantic Scholar Graph API paper object as a :class:`~bimscli.model.Record`.

Decisions a reader of the output should know:

* ``tldr`` is machine-written (S2's TLDR model), so it goes to ``extra`` as ``s2_tldr``, never
  to the abstract.
* ``fieldsOfStudy`` are S2's coarse classifier labels ("Medicine", "Biology"), not the work's
  keywords, so they go to ``extra`` as ``s2_field_of_study`` and keyword rules are not polluted.
* ``citationCount`` goes to ``extra`` as ``s2_citation_count``; the ``citations`` (works citing
  this one) are other works and are not kept. The ``references`` are kept as short citation
  strings in ``cited_references``, which costs nothing and lets a curator see what it cites.
* Aggregator copies of S2 data add their own keys (``doi``, ``PMCID``, ``EPubDate``,
  ``PeriodicalName``): the bibliographic ones are read, the rest stay only in the raw text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from bimscli.formats._dates import parse_date
from bimscli.formats._html_text import html_paragraphs, html_to_plain
from bimscli.formats._json_objects import json_mapping as _mapping
from bimscli.formats._json_objects import json_text as _text
from bimscli.formats._person_names import parse_person_name
from bimscli.identifiers import normalize_doi, normalize_issn, normalize_pmcid, normalize_pmid
from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    PartialDate,
    Record,
    WorkType,
)

_JOURNAL_TYPES = {
    "journalarticle", "review", "casereport", "clinicaltrial", "editorial",
    "lettersandcomments", "metaanalysis", "study",
}  # fmt: skip
_OTHER_TYPES = {
    "book": WorkType.BOOK,
    "booksection": WorkType.BOOK_CHAPTER,
    "dataset": WorkType.DATASET,
    "conference": WorkType.CONFERENCE_PAPER,
    "news": WorkType.NEWS_ARTICLE,
}
_PREPRINT_SERVERS = {"arxiv", "biorxiv", "medrxiv", "research square", "ssrn", "preprints.org"}
# The volume "14 2" (an aggregator's "volume issue") or "14(2)".
_VOLUME_ISSUE = re.compile(r"^(\w+)\s*(?:\((\w+)\)|\s(\w+))$")


def record_from_s2_paper(paper: Mapping[str, Any]) -> Record:
    """The record for one Graph API paper object (or an aggregator's copy of one).

    >>> r = record_from_s2_paper({"paperId": "ab12", "title": "T", "journal": {"volume": "14 2"}})
    >>> (r.ids.s2, r.volume, r.issue)
    ('ab12', '14', '2')
    """
    journal, volume, issue, pages = _journal_fields(paper)
    publication_types = _publication_types(paper.get("publicationTypes"))
    ids = _identifiers(paper)
    return Record(
        type=_work_type(publication_types, journal, ids, _only_a_conference_venue(paper)),
        title=html_to_plain(_text(paper.get("title"))) or None,
        authors=_authors(paper.get("authors")),
        journal=journal,
        issn=_issns(paper.get("publicationVenue")),
        date=_publication_date(paper),
        epub_date=parse_date(_text(paper.get("EPubDate")), exact=True),
        volume=volume,
        issue=issue,
        pages=pages,
        ids=ids,
        abstract=tuple(AbstractSection(p) for p in html_paragraphs(_text(paper.get("abstract")))),
        publication_types=publication_types,
        cited_references=_cited_references(paper.get("references")),
        extra=_extra(paper),
    )


def _journal_fields(
    paper: Mapping[str, Any],
) -> tuple[str | None, str | None, str | None, str | None]:
    """Journal name, volume, issue and pages, with the venue fields as name fallbacks."""
    journal = _mapping(paper.get("journal"))
    name = (
        _text(journal.get("name"))
        or _text(_mapping(paper.get("publicationVenue")).get("name"))
        or _text(paper.get("venue"))
        or _text(paper.get("PeriodicalName"))
    )
    volume, issue = split_volume_issue(_text(journal.get("volume")))
    if volume and volume.startswith("abs/"):
        volume = None  # DBLP's CoRR "volume" abs/2404.13957 is the arXiv id, kept in ids.arxiv
    issue = _text(journal.get("issue")) or issue
    pages = _text(journal.get("pages"))
    return name, volume, issue, re.sub(r"\s+", "", pages) if pages else None


def split_volume_issue(volume: str | None) -> tuple[str | None, str | None]:
    """Split a volume field that also holds the issue, as aggregators write it.

    >>> split_volume_issue("14 2")
    ('14', '2')
    >>> split_volume_issue("14(2)")
    ('14', '2')
    >>> split_volume_issue("LIX")
    ('LIX', None)
    """
    if not volume:
        return None, None
    match = _VOLUME_ISSUE.match(volume)
    if not match:
        return volume, None
    return match.group(1), match.group(2) or match.group(3)


def _publication_types(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    if isinstance(value, list):
        return tuple(t.strip() for t in value if isinstance(t, str) and t.strip())
    return ()


def _only_a_conference_venue(paper: Mapping[str, Any]) -> bool:
    """True when S2 names no journal and its venue record says the venue is a conference."""
    venue_type = _text(_mapping(paper.get("publicationVenue")).get("type"))
    return venue_type == "conference" and not _text(_mapping(paper.get("journal")).get("name"))


def _work_type(
    types: tuple[str, ...], journal: str | None, ids: Identifiers, conference: bool
) -> WorkType:
    """The kind of work: a preprint server as journal wins, then journal types when a journal
    is named (S2 tags many proceedings papers both JournalArticle and Conference)."""
    if journal and journal.lower() in _PREPRINT_SERVERS:
        return WorkType.PREPRINT
    if conference:
        return WorkType.CONFERENCE_PAPER
    keys = [re.sub(r"[\s_-]", "", t).lower() for t in types]
    has_journal_type = any(k in _JOURNAL_TYPES for k in keys)
    if has_journal_type and journal:
        return WorkType.JOURNAL_ARTICLE
    for key in keys:
        if key in _OTHER_TYPES:
            return _OTHER_TYPES[key]
    if has_journal_type or journal:
        return WorkType.JOURNAL_ARTICLE
    return WorkType.PREPRINT if ids.arxiv else WorkType.OTHER


def _authors(value: object) -> tuple[Author, ...]:
    """Authors from a list of ``{name, affiliations}`` or strings, or one joined string."""
    if isinstance(value, str):
        separator = ";" if ";" in value else ","
        value = value.split(separator)
    if not isinstance(value, list):
        return ()
    authors = []
    for item in value:
        data = _mapping(item)
        name = _text(data.get("name")) if data else _text(item)
        author = parse_person_name(name) if name else None
        if author is None:
            continue
        affiliations = data.get("affiliations")
        if isinstance(affiliations, list) and not author.is_group:
            kept = tuple(a.strip() for a in affiliations if isinstance(a, str) and a.strip())
            author = dataclasses.replace(author, affiliations=kept)
        authors.append(author)
    return tuple(authors)


def _issns(venue: object) -> tuple[str, ...]:
    data = _mapping(venue)
    raw = [data.get("issn"), *(data.get("alternate_issns") or [])]
    found = [normalize_issn(v) for v in raw if isinstance(v, str)]
    return tuple(dict.fromkeys(i for i in found if i))


def _publication_date(paper: Mapping[str, Any]) -> PartialDate | None:
    parsed = parse_date(_text(paper.get("publicationDate")), exact=True)
    return parsed or parse_date(_text(paper.get("year")), exact=True)


def _identifiers(paper: Mapping[str, Any]) -> Identifiers:
    """``paperId`` and ``externalIds``; DOI, PubMed, PMC and arXiv get their own fields."""
    external = _mapping(paper.get("externalIds"))
    other: list[tuple[str, str]] = []
    for key, value in external.items():
        text = _text(value)
        if text and key not in {"DOI", "PubMed", "PubMedCentral", "ArXiv"}:
            other.append((key, text))
    corpus_id = _text(paper.get("corpusId"))
    if corpus_id and "CorpusId" not in external:
        other.append(("CorpusId", corpus_id))
    return Identifiers(
        doi=normalize_doi(_text(external.get("DOI")) or _text(paper.get("doi"))),
        pmid=normalize_pmid(_text(external.get("PubMed"))),
        pmcid=normalize_pmcid(_text(external.get("PubMedCentral")) or _text(paper.get("PMCID"))),
        arxiv=_text(external.get("ArXiv")),
        s2=_text(paper.get("paperId")),
        other=tuple(other),
    )


def _extra(paper: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    extra: list[tuple[str, str]] = []
    tldr = _text(_mapping(paper.get("tldr")).get("text"))
    if tldr:
        extra.append(("s2_tldr", tldr))
    fields = paper.get("fieldsOfStudy")
    if isinstance(fields, list):
        extra.extend(("s2_field_of_study", f) for f in fields if isinstance(f, str) and f)
    count = _text(paper.get("citationCount"))
    if count:
        extra.append(("s2_citation_count", count))
    pdf = _text(_mapping(paper.get("openAccessPdf")).get("url"))
    if pdf:
        extra.append(("open_access_pdf", pdf))
    return tuple(extra)


def _cited_references(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    found = (reference_citation(_mapping(ref)) for ref in value)
    return tuple(c for c in found if c)


def reference_citation(ref: Mapping[str, Any]) -> str | None:
    """A short citation of a referenced paper: authors, title, venue, year and DOI.

    >>> reference_citation({"title": "Calculating Instruments", "year": 1951,
    ...     "authors": [{"name": "D. Hartree"}], "externalIds": {"DOI": "10.2307/3610576"}})
    'D. Hartree. Calculating Instruments. 1951. doi:10.2307/3610576'
    """
    title = html_to_plain(_text(ref.get("title")))
    if not title:
        return None
    authors = ref.get("authors")
    names = [_text(_mapping(a).get("name")) for a in authors] if isinstance(authors, list) else []
    parts = [", ".join(n for n in names if n), title.rstrip("."), _text(ref.get("venue"))]
    parts.append(_text(ref.get("year")))
    doi = normalize_doi(_text(_mapping(ref.get("externalIds")).get("DOI")))
    parts.append(f"doi:{doi}" if doi else None)
    return ". ".join(p for p in parts if p)
