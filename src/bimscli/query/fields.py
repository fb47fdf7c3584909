"""Which parts of a record each PubMed field tag searches.

PubMed's field tags, as bims reads them:

=================  ========================================================================
``[tiab]``         words of the title, the abstract and the author keywords. PubMed's help
                   defines Title/Abstract as "title, collection title, abstract, other
                   abstract and author keywords"; university guides say the same ("words in
                   the title, abstract or as an author keyword").
``[ti]``           words of the title.
``[ab]``           words of the abstract.
``[tw]``           text words: title, abstract, keywords, MeSH headings and qualifiers,
                   publication types.
no tag             all of ``[tw]`` plus the journal's name. (PubMed's "All Fields" also maps
                   terms to MeSH with its automatic term mapping; bims has no MeSH thesaurus
                   and does not.)
``[ot]``/``[kw]``  words of the author keywords ("Other Term").
``[mh]``           a whole MeSH heading: the descriptor (``Neoplasms``) or descriptor with
                   qualifier (``Neoplasms/therapy``). PubMed *explodes* ``[mh]`` to the
                   narrower headings of the MeSH tree; bims has no MeSH tree, so ``[mh]``
                   matches the named heading only, exactly like ``[mh:noexp]``.
``[majr]``         as ``[mh]``, for major-topic headings only.
``[pt]``           a whole publication type (``Review``, ``Randomized Controlled Trial``).
``[ta]``           a whole journal name: full title, abbreviation or ISSN (``[journal]``).
``[au]``           an author as ``family initials`` (``smith ja``): ``smith j`` also finds
                   ``Smith JA``, ``smith`` finds every Smith, as in PubMed.
``[dp]``           the publication or electronic date: ``2020``, ``2020/06``, ``2020:2025``.
``[la]``           the language, by ISO 639-2 code or English name (``eng``, ``english``).
``[tag]``          a tag already set on the work, or any tag below it (``design`` finds
                   ``design/rct``).
``[status]``       the work's curation status: ``new``, ``selected``, ``maybe``,
                   ``rejected`` or ``none`` (``selected[status]``).
``[doi]``          the DOI, compared after normalisation.
``[pmid]``         the PubMed id.
=================  ========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Source(StrEnum):
    """A part of a record that terms are matched against."""

    TITLE = "title"
    ABSTRACT = "abstract"
    KEYWORDS = "keywords"
    MESH = "mesh"
    MAJOR_MESH = "major mesh"
    PUBLICATION_TYPE = "publication type"
    JOURNAL = "journal"
    AUTHOR = "author"
    DATE = "date"
    LANGUAGE = "language"
    DOI = "doi"
    PMID = "pmid"
    TAG = "tag"
    STATUS = "status"


class Matching(StrEnum):
    """How a field compares a term with its sources."""

    WORDS = "words"  # the term's words occur in order, on word boundaries
    VALUE = "value"  # the term equals a whole value (a heading, a journal); '*' = prefix
    AUTHOR = "author"
    DATE = "date"
    IDENTIFIER = "identifier"
    TAG = "tag"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field tag: its canonical name, what it searches and how."""

    name: str
    title: str
    matching: Matching
    sources: tuple[Source, ...]


_TEXT_WORDS = (
    Source.TITLE,
    Source.ABSTRACT,
    Source.KEYWORDS,
    Source.MESH,
    Source.PUBLICATION_TYPE,
)

ALL_FIELDS = FieldSpec("all", "All Fields", Matching.WORDS, (*_TEXT_WORDS, Source.JOURNAL))
"""What a term without a field tag searches."""

FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("tiab", "Title/Abstract", Matching.WORDS, _TEXT_WORDS[:3]),
        FieldSpec("ti", "Title", Matching.WORDS, (Source.TITLE,)),
        FieldSpec("ab", "Abstract", Matching.WORDS, (Source.ABSTRACT,)),
        FieldSpec("tw", "Text Words", Matching.WORDS, _TEXT_WORDS),
        FieldSpec("ot", "Other Term (author keywords)", Matching.WORDS, (Source.KEYWORDS,)),
        FieldSpec("mh", "MeSH Terms", Matching.VALUE, (Source.MESH,)),
        FieldSpec("mh:noexp", "MeSH Terms, not exploded", Matching.VALUE, (Source.MESH,)),
        FieldSpec("majr", "MeSH Major Topic", Matching.VALUE, (Source.MAJOR_MESH,)),
        FieldSpec("majr:noexp", "MeSH Major Topic", Matching.VALUE, (Source.MAJOR_MESH,)),
        FieldSpec("pt", "Publication Type", Matching.VALUE, (Source.PUBLICATION_TYPE,)),
        FieldSpec("ta", "Journal", Matching.VALUE, (Source.JOURNAL,)),
        FieldSpec("au", "Author", Matching.AUTHOR, (Source.AUTHOR,)),
        FieldSpec("dp", "Publication Date", Matching.DATE, (Source.DATE,)),
        FieldSpec("la", "Language", Matching.VALUE, (Source.LANGUAGE,)),
        FieldSpec("tag", "bims tag", Matching.TAG, (Source.TAG,)),
        FieldSpec("status", "bims curation status", Matching.STATUS, (Source.STATUS,)),
        FieldSpec("doi", "DOI", Matching.IDENTIFIER, (Source.DOI,)),
        FieldSpec("pmid", "PubMed id", Matching.IDENTIFIER, (Source.PMID,)),
    )
}
"""Every field tag by canonical name."""

_ALIASES = {
    "title/abstract": "tiab",
    "title": "ti",
    "abstract": "ab",
    "text word": "tw",
    "text words": "tw",
    "kw": "ot",
    "keyword": "ot",
    "other term": "ot",
    "mesh": "mh",
    "mesh terms": "mh",
    "mesh:noexp": "mh:noexp",
    "mesh terms:noexp": "mh:noexp",
    "mesh major topic": "majr",
    "ptyp": "pt",
    "publication type": "pt",
    "journal": "ta",
    "author": "au",
    "pdat": "dp",
    "publication date": "dp",
    "date - publication": "dp",
    "lang": "la",
    "language": "la",
    "tags": "tag",
    "curation status": "status",
    "uid": "pmid",
}


def canonical_field(name: str) -> str | None:
    """The canonical name of a field tag as written, or ``None`` for an unknown tag.

    >>> canonical_field("Title/Abstract"), canonical_field("KW"), canonical_field("MH:NoExp")
    ('tiab', 'ot', 'mh:noexp')
    >>> canonical_field("tiabx") is None
    True
    """
    key = " ".join(name.lower().split())
    key = _ALIASES.get(key, key)
    return key if key in FIELDS else None


def field_spec(name: str | None) -> FieldSpec:
    """The spec of a canonical field name; ``None`` is a term without a tag."""
    return ALL_FIELDS if name is None else FIELDS[name]


def field_names() -> list[str]:
    """The canonical field tags, as a user would write them (``kw`` is ``ot``)."""
    return [*FIELDS, "kw", "journal"]
