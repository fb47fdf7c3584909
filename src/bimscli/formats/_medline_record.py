"""The fields of one MEDLINE record, ``[(tag, value), ...]``, read into a Record."""

from __future__ import annotations

import re
from dataclasses import replace

from bimscli.formats._dates import parse_date
from bimscli.formats._person_names import NameStyle, parse_person_name
from bimscli.formats._pubmed import (
    article_number_from_pii,
    expand_medline_pages,
    pmid_in_citation,
)
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
    Record,
    RelatedWork,
    WorkType,
)

RELATION_TAGS = {
    "CIN": "comment-in",
    "CON": "comment-on",
    "EIN": "erratum-in",
    "EFR": "erratum-for",
    "RIN": "retraction-in",
    "ROF": "retraction-of",
    "UIN": "update-in",
    "UOF": "update-of",
    "CRI": "corrected-and-republished-in",
    "CRF": "corrected-and-republished-from",
    "RPI": "republished-in",
    "RPF": "republished-from",
    "SPIN": "summary-for-patients-in",
    "ORI": "original-report-in",
    "ECI": "expression-of-concern-in",
    "ECF": "expression-of-concern-for",
}
"""MEDLINE link tags and the relation names PubMed XML's ``RefType`` gives the same links."""

Fields = list[tuple[str, str]]


def parse_mesh_term(text: str) -> MeshHeading:
    """A MeSH heading written MEDLINE's way: ``*`` marks a major topic, ``/`` a qualifier.

    >>> parse_mesh_term("Information Storage and Retrieval/*methods").qualifiers
    (MeshQualifier(name='methods', ui=None, major=True),)
    >>> parse_mesh_term("*Software").major
    True
    """
    descriptor, *qualifiers = text.split("/")
    return MeshHeading(
        descriptor.strip().lstrip("*").strip(),
        major=descriptor.strip().startswith("*"),
        qualifiers=tuple(
            MeshQualifier(q.strip().lstrip("*").strip(), major=q.strip().startswith("*"))
            for q in qualifiers
            if q.strip().lstrip("*").strip()
        ),
    )


_LABEL = re.compile(r"(?:^|(?<=[.?!:;)]\s))([A-Z][A-Z0-9 ,&/()'-]*[A-Z)]):\s+")


def split_abstract(text: str) -> tuple[AbstractSection, ...]:
    """MEDLINE's one-paragraph abstract cut at its upper-case ``LABEL:`` headings.

    A heading counts at the start or after the end of a sentence; text before the first
    heading is a section without label.

    >>> [s.label for s in split_abstract("BACKGROUND: It is. RESULTS: We did. So: yes.")]
    ['BACKGROUND', 'RESULTS']
    >>> [(s.label, s.text) for s in split_abstract("Plain text. AVAILABILITY: at x")]
    [(None, 'Plain text.'), ('AVAILABILITY', 'at x')]
    >>> len(split_abstract("We used DNA: it works."))
    1
    """
    matches = list(_LABEL.finditer(text))
    if not matches:
        return (AbstractSection(text),) if text else ()
    sections = []
    if matches[0].start() > 0:
        sections.append(AbstractSection(text[: matches[0].start()].strip()))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        sections.append(AbstractSection(text[match.end() : end].strip(), match.group(1)))
    return tuple(sections)


def _authors(fields: Fields) -> tuple[Author, ...]:
    people: list[Author] = []
    loose_affiliations: list[str] = []
    previous = ""
    for tag, value in fields:
        if not value:
            continue
        if tag == "FAU" or (tag == "AU" and previous != "FAU"):
            # FAU is "Family, Given", AU "Family Initials"; groups have their own tag, CN.
            person = parse_person_name(value, NameStyle.VANCOUVER, groups=False)
            people.append(person or Author(family=value))  # "," is no name, but is kept
        elif tag == "CN":
            people.append(Author(group=value))
        elif tag == "AUID" and people and value.upper().startswith("ORCID"):
            people[-1] = replace(people[-1], orcid=normalize_orcid(value))
        elif tag == "AD" and people:
            people[-1] = replace(people[-1], affiliations=(*people[-1].affiliations, value))
        elif tag == "AD":
            loose_affiliations.append(value)
        if tag in ("FAU", "AU", "CN", "AUID", "AD"):
            previous = tag
    if loose_affiliations and people and not people[0].affiliations:
        # Older records give one AD before the authors: PubMed XML puts it on the first author.
        people[0] = replace(people[0], affiliations=tuple(loose_affiliations))
    return tuple(people)


def _identifiers(fields: Fields) -> Identifiers:
    found: dict[str, str] = {}
    for tag, value in fields:
        if tag in ("LID", "AID") and value.endswith("]"):
            text, _, kind = value[:-1].rpartition("[")
            found.setdefault(kind.strip(), text.strip())
        elif tag in ("PMID", "PMC") and value:
            found.setdefault(tag, value)
    return Identifiers(
        doi=normalize_doi(found.get("doi")),
        pmid=normalize_pmid(found.get("PMID")),
        pmcid=normalize_pmcid(found.get("PMC")),
        pii=found.get("pii"),
        other=tuple((k, v) for k, v in found.items() if k not in ("doi", "pii", "PMID", "PMC")),
    )


def _related(fields: Fields) -> tuple[RelatedWork, ...]:
    return tuple(
        RelatedWork(RELATION_TAGS[tag], citation=value, pmid=pmid_in_citation(value))
        for tag, value in fields
        if tag in RELATION_TAGS
    )


def _all(fields: Fields, tag: str) -> tuple[str, ...]:
    return tuple(value for t, value in fields if t == tag and value)


def medline_record(fields: Fields) -> Record:
    """A :class:`Record` from the ``(tag, value)`` pairs of one MEDLINE record."""
    first: dict[str, str] = {}
    for tag, value in fields:
        if value:
            first.setdefault(tag, value)
    ids = _identifiers(fields)
    types = _all(fields, "PT")
    pages = first.get("PG")
    issns = (normalize_issn(v) for v in _all(fields, "IS"))
    return Record(
        type=WorkType.PREPRINT if "Preprint" in types else WorkType.JOURNAL_ARTICLE,
        title=first.get("TI"),
        original_title=first.get("TT"),
        authors=_authors(fields),
        journal=first.get("JT"),
        journal_abbrev=first.get("TA"),
        issn=tuple(dict.fromkeys(i for i in issns if i)),
        date=parse_date(first.get("DP")),
        epub_date=parse_date(first.get("DEP")),
        volume=first.get("VI"),
        issue=first.get("IP"),
        pages=expand_medline_pages(pages) if pages else None,
        article_number=article_number_from_pii(ids.pii),
        ids=ids,
        abstract=split_abstract(first.get("AB", "")),
        keywords=_all(fields, "OT"),
        publication_types=types,
        mesh=tuple(parse_mesh_term(v) for v in _all(fields, "MH")),
        language=first.get("LA"),
        related=_related(fields),
        extra=tuple(("grant", v) for v in _all(fields, "GR"))
        + tuple(("chemical", v) for v in _all(fields, "RN")),
    )
