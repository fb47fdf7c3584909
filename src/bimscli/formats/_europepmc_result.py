"""A Europe PMC ``resultType=core`` search result as a :class:`~bimscli.model.Record`.

Decisions a reader of the output should know:

* ``source`` and ``id`` name the result in Europe PMC (``MED:40481101``, ``PPR:PPR1034567``);
  they are kept in ``ids.other`` as ``europepmc`` and are the record's source key.
* A preprint (``source`` ``PPR`` or publication type "Preprint") has no journal: its server
  (``bookOrReportDetails.publisher``, e.g. bioRxiv) is read as the journal, as preprint
  citations write it, and the record's type is ``preprint``.
* ``journalInfo.printPublicationDate`` is a full date even when only the year is known
  (``monthOfPublication`` 0 gives ``2024-01-01``), so the date is read from
  ``dateOfPublication`` ("2025 Jun 9"), else the year and month fields, else ``pubYear``.
* The abstract's ``<h4>`` headings are its section labels; other markup is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bimscli.formats._dates import date_from_parts, parse_date
from bimscli.formats._html_text import html_paragraphs, html_to_plain
from bimscli.formats._json_objects import json_mapping as _mapping
from bimscli.formats._json_objects import json_text as _text
from bimscli.formats._person_names import parse_person_name
from bimscli.identifiers import (
    normalize_doi,
    normalize_issn,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    Record,
    WorkType,
)

_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)


def _items(container: object, key: str) -> list[Any]:
    """``container[key]`` as a list: Europe PMC writes a one-item list as the item alone.

    >>> _items({"keyword": "bone"}, "keyword"), _items({"keyword": ["a", "b"]}, "keyword")
    (['bone'], ['a', 'b'])
    """
    value = _mapping(container).get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def europepmc_key(result: Mapping[str, Any]) -> str | None:
    """The result's own name in Europe PMC, ``SOURCE:ID``.

    >>> europepmc_key({"source": "PPR", "id": "PPR1034567"})
    'PPR:PPR1034567'
    >>> europepmc_key({"id": "1"}) is None
    True
    """
    source, ident = _text(result.get("source")), _text(result.get("id"))
    return f"{source}:{ident}" if source and ident else None


def record_from_core_result(result: Mapping[str, Any]) -> Record:
    """The record of one core result.

    >>> r = record_from_core_result({"id": "1", "source": "MED", "pmid": "1", "title": "T.",
    ...     "journalInfo": {"volume": "3", "journal": {"title": "J", "issn": "1234-5678"}}})
    >>> (r.ids.pmid, r.journal, r.volume, r.issn, r.ids.other)
    ('1', 'J', '3', ('1234-5678',), (('europepmc', 'MED:1'),))
    """
    info = _mapping(result.get("journalInfo"))
    journal = _mapping(info.get("journal"))
    preprint = _is_preprint(result)
    server = _text(_mapping(result.get("bookOrReportDetails")).get("publisher"))
    return Record(
        type=WorkType.PREPRINT if preprint else _work_type(journal),
        title=html_to_plain(_text(result.get("title"))) or None,
        authors=_authors(result),
        journal=_text(journal.get("title")) or (server if preprint else None),
        journal_abbrev=_text(journal.get("medlineAbbreviation"))
        or _text(journal.get("isoabbreviation") or journal.get("ISOAbbreviation")),
        issn=_issns(journal),
        publisher=server,
        date=_publication_date(result, info),
        epub_date=parse_date(_text(result.get("electronicPublicationDate")), exact=True),
        volume=_text(info.get("volume")),
        issue=_text(info.get("issue")),
        pages=_text(result.get("pageInfo")),
        ids=_identifiers(result),
        abstract=abstract_sections(_text(result.get("abstractText"))),
        keywords=tuple(k for k in map(_text, _items(result.get("keywordList"), "keyword")) if k),
        publication_types=tuple(
            t for t in map(_text, _items(result.get("pubTypeList"), "pubType")) if t
        ),
        mesh=_mesh(result),
        language=_text(result.get("language")),
        extra=_extra(result),
    )


def _is_preprint(result: Mapping[str, Any]) -> bool:
    types = {str(t).casefold() for t in _items(result.get("pubTypeList"), "pubType")}
    return _text(result.get("source")) == "PPR" or "preprint" in types


def _work_type(journal: Mapping[str, Any]) -> WorkType:
    return WorkType.JOURNAL_ARTICLE if journal else WorkType.OTHER


def _authors(result: Mapping[str, Any]) -> tuple[Author, ...]:
    """From ``authorList`` when given, else from the ``authorString`` ("Rossini M, Tarasov S.")."""
    listed = _items(result.get("authorList"), "author")
    if not listed:
        names = (_text(result.get("authorString")) or "").rstrip(".").split(",")
        return tuple(a for a in (parse_person_name(n) for n in names) if a is not None)
    return tuple(a for a in (_author(_mapping(item)) for item in listed) if a is not None)


def _author(item: Mapping[str, Any]) -> Author | None:
    group = _text(item.get("collectiveName"))
    if group:
        return Author(group=group)
    family = _text(item.get("lastName"))
    if family is None:
        full = _text(item.get("fullName"))
        return parse_person_name(full) if full else None
    author_id = _mapping(item.get("authorId"))
    orcid = None
    if (_text(author_id.get("type")) or "").upper() == "ORCID":
        orcid = normalize_orcid(_text(author_id.get("value")))
    affiliations = (
        _text(_mapping(a).get("affiliation"))
        for a in _items(item.get("authorAffiliationDetailsList"), "authorAffiliation")
    )
    return Author(
        family=family,
        given=_text(item.get("firstName")) or _text(item.get("initials")),
        orcid=orcid,
        affiliations=tuple(a for a in affiliations if a),
    )


def _issns(journal: Mapping[str, Any]) -> tuple[str, ...]:
    raw = (journal.get(k) for k in ("issn", "ISSN", "essn", "ESSN"))
    found = (normalize_issn(v) for v in raw if isinstance(v, str))
    return tuple(dict.fromkeys(i for i in found if i))


def _publication_date(result: Mapping[str, Any], info: Mapping[str, Any]) -> PartialDate | None:
    stated = parse_date(_text(info.get("dateOfPublication")))
    if stated is not None:
        return stated
    month = _text(info.get("monthOfPublication"))
    year = _text(info.get("yearOfPublication")) or _text(result.get("pubYear"))
    return date_from_parts(year, None if month in (None, "0") else month)


def _identifiers(result: Mapping[str, Any]) -> Identifiers:
    key = europepmc_key(result)
    return Identifiers(
        doi=normalize_doi(_text(result.get("doi"))),
        pmid=normalize_pmid(_text(result.get("pmid"))),
        pmcid=normalize_pmcid(_text(result.get("pmcid"))),
        other=(("europepmc", key),) if key else (),
    )


def abstract_sections(text: str | None) -> tuple[AbstractSection, ...]:
    """An abstract as Europe PMC writes it, its ``<h4>`` headings read as section labels.

    >>> sections = abstract_sections("<h4>Aim</h4>Bone <i>loss</i>.<h4>Results</h4>Less.")
    >>> [(s.label, s.text) for s in sections]
    [('Aim', 'Bone loss.'), ('Results', 'Less.')]
    >>> abstract_sections("Plain.")
    (AbstractSection(text='Plain.', label=None),)
    """
    if not text:
        return ()
    parts = _HEADING.split(text)
    sections: list[AbstractSection] = []
    label: str | None = None
    for index, part in enumerate(parts):
        if index % 2:
            label = html_to_plain(part) or None
            continue
        body = " ".join(html_paragraphs(part))
        if body:
            sections.append(AbstractSection(body, label))
    return tuple(sections)


def _mesh(result: Mapping[str, Any]) -> tuple[MeshHeading, ...]:
    headings: list[MeshHeading] = []
    for item in _items(result.get("meshHeadingList"), "meshHeading"):
        data = _mapping(item)
        descriptor = _text(data.get("descriptorName"))
        if not descriptor:
            continue
        qualifiers = tuple(
            MeshQualifier(name, major=_text(_mapping(q).get("majorTopic_YN")) == "Y")
            for q in _items(data.get("meshQualifierList"), "meshQualifier")
            if (name := _text(_mapping(q).get("qualifierName")))
        )
        major = _text(data.get("majorTopic_YN")) == "Y"
        headings.append(MeshHeading(descriptor, major=major, qualifiers=qualifiers))
    return tuple(headings)


def _extra(result: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    extra: list[tuple[str, str]] = []
    for key, name in (
        ("firstIndexDate", "europepmc_first_index_date"),
        ("firstPublicationDate", "europepmc_first_publication_date"),
    ):
        value = _text(result.get(key))
        if value:
            extra.append((name, value))
    return tuple(extra)
