"""The compact per-record features deduplication compares, computed once per record.

A :class:`RecordFeatures` holds only normalised keys (no abstract text, no author list), so a
library of a million records fits in memory and the store can cache features next to records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bimscli.dedup.normalize import (
    family_key,
    fold_text,
    name_key,
    numeric_signature,
    split_alternative_title,
    title_key,
    title_words,
)
from bimscli.dedup.venue import (
    first_page,
    has_page_span,
    is_proceedings,
    issue_key,
    journal_names,
    volume_key,
)
from bimscli.identifiers import normalize_doi
from bimscli.model import Record, WorkType


class Notice(StrEnum):
    """A record that is a notice about another paper rather than a paper itself."""

    ERRATUM = "erratum"
    RETRACTION = "retraction"
    COMMENT = "comment"
    REPLY = "reply"
    CONCERN = "expression-of-concern"


# Matched against the folded title with its punctuation, so that "Correction: X" is a notice
# and "Correction of scoliosis" is not.
_NOTICE_TITLE = (
    (Notice.ERRATUM, re.compile(r"^\W*(erratum|errata|corrigendum|corrigenda)\b")),
    (Notice.ERRATUM, re.compile(r"^\W*corrections?\s*(to\b|:|-|\u2013|\u2014|\[)")),
    (
        Notice.RETRACTION,
        re.compile(
            r"^\W*(retraction\b|retracted\s*(article)?\s*:|notice of "
            r"retraction|withdrawn\s*:)"
        ),
    ),
    (Notice.CONCERN, re.compile(r"^\W*(editorial )?expression of concern\b")),
    (Notice.REPLY, re.compile(r"^\W*(reply\b|author'?s'? reply|in reply\b|response to\b)")),
    (Notice.COMMENT, re.compile(r"^\W*(comments? on\b|commentary on\b|re\s*:)")),
)
_NOTICE_PUBTYPE = {
    "published erratum": Notice.ERRATUM,
    "erratum": Notice.ERRATUM,
    "retraction of publication": Notice.RETRACTION,
    "expression of concern": Notice.CONCERN,
}
_PREPRINT_VENUE = re.compile(
    r"\b(biorxiv|medrxiv|arxiv|chemrxiv|psyarxiv|research square|ssrn|preprints|osf preprints"
    r"|authorea|sciety|biology archive)\b"
)
_PREPRINT_DOI = re.compile(
    r"^10\.(1101/(\d{4}\.\d\d\.\d\d\.)?\d{6}|21203/rs\.|48550/|2139/ssrn|20944/)"
)

_TYPE_CLASS = {
    WorkType.BOOK: "book",
    WorkType.BOOK_CHAPTER: "chapter",
    WorkType.THESIS: "thesis",
    WorkType.DATASET: "dataset",
}
"""Types that can only be the same work as a record of their own class (or of OTHER)."""

MAX_AUTHOR_KEYS = 5
_ORIGINAL_MARKER = re.compile(r"<original>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RecordFeatures:
    """What deduplication knows about one source record, all normalised.

    ``record_id`` is the caller's stable name for the record (a store id or a source key);
    results name records by it, so they do not depend on input order. ``title_parts`` are the
    keys of a title's two halves when a database joined an original-language title and its
    translation ("Utilidad de ...; Are antimicrobials useful ...").
    """

    record_id: str
    dois: frozenset[str] = frozenset()
    pmids: frozenset[str] = frozenset()
    pmcids: frozenset[str] = frozenset()
    title_key: str = ""
    title_parts: tuple[str, ...] = ()
    numbers: tuple[int, ...] = ()
    authors: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    year: int | None = None
    journal: tuple[tuple[str, ...], ...] = ()
    proceedings: bool = False
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    page_span: bool = False
    article: str | None = None
    type_class: str = "text"
    is_other_type: bool = False
    notice: Notice | None = None
    is_preprint: bool = False
    abstract_key: str = ""

    @property
    def title_word_count(self) -> int:
        """How many words the normalised title has."""
        return self.title_key.count(" ") + 1 if self.title_key else 0


def detect_notice(title: str, publication_types: tuple[str, ...] = ()) -> Notice | None:
    """The kind of notice a record is, from its title's start or its publication types.

    >>> detect_notice("Erratum to: Effects of X on Y")
    <Notice.ERRATUM: 'erratum'>
    >>> detect_notice("Correction: Effects of X on Y")
    <Notice.ERRATUM: 'erratum'>
    >>> detect_notice("Correction of scoliosis in adults") is None
    True
    >>> detect_notice("X", ("Retraction of Publication",))
    <Notice.RETRACTION: 'retraction'>
    """
    for pub_type in publication_types:
        notice = _NOTICE_PUBTYPE.get(pub_type.lower())
        if notice is not None:
            return notice
    if title.lstrip(" \"'[(")[:1].lower() not in _NOTICE_INITIALS:
        return None
    folded = fold_text(title[:60])
    for notice, pattern in _NOTICE_TITLE:
        if pattern.match(folded):
            return notice
    return None


_NOTICE_INITIALS = frozenset("ecrnwai")
"""The first letters of every notice pattern: a cheap test before folding a title."""


def detect_preprint(record: Record, dois: frozenset[str]) -> bool:
    """True for a preprint: its type, its server's name as venue, or a preprint DOI.

    >>> detect_preprint(Record(journal="medRxiv"), frozenset())
    True
    >>> detect_preprint(Record(), frozenset({"10.1101/2020.03.01.123456"}))
    True
    >>> detect_preprint(Record(), frozenset({"10.1101/gr.123456.111"}))
    False
    """
    if record.type is WorkType.PREPRINT:
        return True
    if _is_preprint_venue(record.journal) or _is_preprint_venue(record.publisher):
        return True
    return any(_PREPRINT_DOI.match(doi) for doi in dois)


@lru_cache(maxsize=1 << 14)
def _is_preprint_venue(venue: str | None) -> bool:
    return bool(venue and _PREPRINT_VENUE.search(fold_text(venue)))


_GROUP_NAME = re.compile(
    r"\b(group|consortium|investigators|collaborat\w*|committee|society|association|network"
    r"|working party|task force|study|trialists)\b",
    re.IGNORECASE,
)
"""Words that mark a collective author that a source wrote as a family name."""


def _author_keys(record: Record) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Family-name keys and first given names of the first persons among the authors."""
    keys: list[str] = []
    given: list[str] = []
    for author in record.authors[: MAX_AUTHOR_KEYS + 1]:
        family = author.family
        key = family_key(family) if family and not _GROUP_NAME.search(family) else ""
        if key and len(keys) < MAX_AUTHOR_KEYS:
            keys.append(key)
            words = (author.given or "").replace(".", " ").replace("-", " ").split()
            given.append(name_key(words[0]) if words else "")
    return tuple(keys), tuple(given)


def _journal_forms(record: Record) -> tuple[tuple[str, ...], ...]:
    forms = journal_names(record.journal) if record.journal else ()
    if record.journal_abbrev:
        forms += tuple(f for f in journal_names(record.journal_abbrev) if f not in forms)
    return forms


def _doi(doi: str | None) -> str | None:
    """A DOI as :func:`~bimscli.identifiers.normalize_doi` writes it, for sources that did not
    (URL-encoded parentheses, a resolver prefix, capitals): the same DOI is one DOI.

    >>> _doi("10.1016/S0022-2828%2812%2900286-5")
    '10.1016/s0022-2828(12)00286-5'
    """
    if doi and ("%" in doi or "/" not in doi[:12] or not doi.islower()):
        return normalize_doi(doi) or doi
    return doi


def _ids(*values: str | None) -> frozenset[str]:
    present = [v for v in values if v]
    return frozenset(present) if present else _NO_IDS


_NO_IDS: frozenset[str] = frozenset()


def features_from_record(record_id: str, record: Record) -> RecordFeatures:
    """The deduplication features of one record (pure, cheap: call once per record)."""
    title = record.title or ""
    if title and _is_placeholder_title(title):
        title = ""
    words = title_words(_ORIGINAL_MARKER.sub(" ", title) if "<" in title else title)
    parts = split_alternative_title(title)
    ids = record.ids
    other = dict(ids.other) if ids.other else {}
    dois = _ids(_doi(ids.doi), _doi(other.get("doi")))
    notice = detect_notice(title, record.publication_types)
    if notice is not None:
        words = _strip_notice_words(words)
    authors, given = _author_keys(record)
    page = first_page(record.pages)
    article = first_page(record.article_number)
    return RecordFeatures(
        record_id=record_id,
        dois=dois,
        pmids=_ids(ids.pmid, other.get("pmid")),
        pmcids=_ids(ids.pmcid, other.get("pmcid")),
        title_key=" ".join(words),
        title_parts=tuple(title_key(p) for p in parts) if len(parts) > 1 else (),
        numbers=numeric_signature(words),
        authors=authors,
        given=given,
        year=record.year,
        journal=_journal_forms(record),
        proceedings=is_proceedings(record.journal),
        volume=volume_key(record.volume),
        issue=issue_key(record.issue),
        page=page or article,
        page_span=has_page_span(record.pages),
        article=article if page and article != page else None,
        type_class=_TYPE_CLASS.get(record.type, "text"),
        is_other_type=record.type is WorkType.OTHER,
        notice=notice,
        is_preprint=detect_preprint(record, dois),
        abstract_key=_abstract_key(record),
    )


_PLACEHOLDER_TITLES = frozenset(
    {"untitled", "no title", "no title available", "title not available", "not available"}
)


def _is_placeholder_title(title: str) -> bool:
    """True for a title that says there is none ("[Untitled]", as exports write it).

    >>> _is_placeholder_title("[Untitled]"), _is_placeholder_title("Untitled lives")
    (True, False)
    """
    return len(title) < 24 and title_key(title) in _PLACEHOLDER_TITLES


def _abstract_key(record: Record) -> str:
    """The abstract's first 40 folded words: enough to confirm a match, small to keep."""
    if not record.abstract:
        return ""
    return " ".join(fold_text(record.abstract_text[:400]).split()[:40])


_NOTICE_LEAD = {
    "erratum",
    "errata",
    "corrigendum",
    "correction",
    "corrections",
    "retraction",
    "retracted",
    "notice",
    "of",
    "to",
    "in",
    "on",
    "comment",
    "comments",
    "commentary",
    "reply",
    "author",
    "authors",
    "response",
    "re",
    "withdrawn",
    "expression",
    "concern",
    "article",
    "regarding",
}


def _strip_notice_words(words: list[str]) -> list[str]:
    """The title of the paper a notice refers to: "Erratum to: X" -> "X" (to link them)."""
    cut = 0
    while cut < min(len(words), 5) and words[cut] in _NOTICE_LEAD:
        cut += 1
    return words[cut:] or words
