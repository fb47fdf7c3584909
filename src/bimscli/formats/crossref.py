"""Crossref REST API works: ``/works/{doi}`` and ``/works?query=…`` responses.

Accepts the envelope ``{"status": "ok", "message-type": "work", "message": {...}}``, a
``work-list`` envelope (``message.items``) and a bare work object. Each work becomes one
record; a work that cannot be mapped, or an error envelope, becomes a failure, as does a work
(or envelope) that gives a key twice with different values (:mod:`._json_objects`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bimscli.formats._dates import date_from_parts
from bimscli.formats._jats import abstract_sections, collapse_whitespace, strip_markup
from bimscli.formats._json_objects import JsonTooDeepError, decode_document, repeated_key
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.identifiers import normalize_doi, normalize_issn, normalize_orcid, normalize_pmid
from bimscli.model import (
    Author,
    Entry,
    Identifiers,
    ParsedRecord,
    ParseFailure,
    PartialDate,
    Position,
    Record,
    RelatedWork,
    WorkType,
)

Work = Mapping[str, Any]

_TYPES: dict[str, WorkType] = {
    "journal-article": WorkType.JOURNAL_ARTICLE,
    "posted-content": WorkType.PREPRINT,
    "book-chapter": WorkType.BOOK_CHAPTER,
    "book-section": WorkType.BOOK_CHAPTER,
    "book-part": WorkType.BOOK_CHAPTER,
    "reference-entry": WorkType.BOOK_CHAPTER,
    "book": WorkType.BOOK,
    "monograph": WorkType.BOOK,
    "edited-book": WorkType.BOOK,
    "reference-book": WorkType.BOOK,
    "book-set": WorkType.BOOK,
    "proceedings-article": WorkType.CONFERENCE_PAPER,
    "dissertation": WorkType.THESIS,
    "report": WorkType.REPORT,
    "report-component": WorkType.REPORT,
    "dataset": WorkType.DATASET,
    "database": WorkType.DATASET,
}

# Crossref's update types, as the relation of the notice to the work it updates. PubMed's
# CommentsCorrections names are used so that both sources agree ("erratum-for", "retraction-of").
_UPDATE_OF = {
    "correction": "erratum-for",
    "erratum": "erratum-for",
    "corrigendum": "erratum-for",
    "retraction": "retraction-of",
    "withdrawal": "retraction-of",
    "expression_of_concern": "expression-of-concern-for",
}
_UPDATED_IN = {
    "correction": "erratum-in",
    "erratum": "erratum-in",
    "corrigendum": "erratum-in",
    "retraction": "retraction-in",
    "withdrawal": "retraction-in",
    "expression_of_concern": "expression-of-concern-in",
}


def _strings(value: object) -> list[str]:
    """The non-empty strings of a Crossref list field (titles, ISSNs), whitespace collapsed."""
    items = value if isinstance(value, list) else [value]
    return [collapse_whitespace(str(v)) for v in items if isinstance(v, str | int) and str(v)]


def _first(work: Work, key: str) -> str | None:
    values = _strings(work.get(key))
    return values[0] if values else None


def crossref_date(value: object) -> PartialDate | None:
    """A date from Crossref's ``{"date-parts": [[year, month, day]]}``.

    >>> crossref_date({"date-parts": [[2025, 6, 9]]})
    PartialDate(year=2025, month=6, day=9, text=None)
    >>> crossref_date({"date-parts": [[2025]]}).iso
    '2025'
    >>> crossref_date({"date-parts": [[None]]}) is None
    True
    """
    if not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None
    numbers = [p if isinstance(p, int) and not isinstance(p, bool) else None for p in parts[0][:3]]
    return date_from_parts(*numbers) if numbers and numbers[0] is not None else None


def _title(work: Work) -> str | None:
    title = _first(work, "title")
    subtitle = _first(work, "subtitle")
    if title is None:
        return None
    title = strip_markup(title)
    if subtitle:
        subtitle = strip_markup(subtitle)
        if subtitle.lower() not in title.lower():
            title = f"{title.rstrip(':')}: {subtitle}"
    return title


def crossref_author(item: Mapping[str, Any]) -> Author:
    """One ``author`` item: a person with ORCID and affiliations, or a group (``name``).

    >>> crossref_author({"given": "Ada", "family": "Lovelace",
    ...     "ORCID": "http://orcid.org/0000-0002-1825-0097", "affiliation": [{"name": "UCL"}]})
    Author(family='Lovelace', given='Ada', group=None, suffix=None, \
orcid='0000-0002-1825-0097', affiliations=('UCL',))
    >>> crossref_author({"name": "AO Spine Knowledge Forum Tumor"}).group
    'AO Spine Knowledge Forum Tumor'
    """
    affiliations = tuple(
        collapse_whitespace(a["name"])
        for a in item.get("affiliation") or ()
        if isinstance(a, Mapping) and isinstance(a.get("name"), str) and a["name"].strip()
    )
    family = _first(item, "family")
    if family is None:
        return Author(group=_first(item, "name") or "", affiliations=affiliations)
    return Author(
        family=family,
        given=_first(item, "given"),
        suffix=_first(item, "suffix"),
        orcid=normalize_orcid(item.get("ORCID") if isinstance(item.get("ORCID"), str) else None),
        affiliations=affiliations,
    )


def _authors(work: Work) -> tuple[Author, ...]:
    items = work.get("author") or ()
    authors = (crossref_author(a) for a in items if isinstance(a, Mapping))
    return tuple(a for a in authors if a.family or a.group)


def _work_type(work: Work) -> WorkType:
    kind = work.get("type")
    if kind == "posted-content" and work.get("subtype") not in (None, "preprint"):
        return WorkType.OTHER
    return _TYPES.get(kind, WorkType.OTHER) if isinstance(kind, str) else WorkType.OTHER


def _relation_name(name: str) -> str:
    """Crossref's relation name without the ``is-`` prefix: ``is-preprint-of`` -> ``preprint-of``.

    >>> _relation_name("is-preprint-of"), _relation_name("has-preprint")
    ('preprint-of', 'has-preprint')
    """
    return name.removeprefix("is-").replace("_", "-").lower()


def _relations(work: Work) -> list[RelatedWork]:
    related: list[RelatedWork] = []
    relation = work.get("relation")
    if not isinstance(relation, Mapping):
        return related
    for name, targets in sorted(relation.items()):
        for target in targets if isinstance(targets, list) else [targets]:
            if not isinstance(target, Mapping) or not isinstance(target.get("id"), str):
                continue
            kind, value = str(target.get("id-type", "")).lower(), target["id"]
            doi = normalize_doi(value) if kind == "doi" else None
            pmid = normalize_pmid(value) if kind == "pmid" else None
            # An id that does not normalise is kept as written rather than dropped.
            citation = None if doi or pmid else f"{kind}:{value}"
            related.append(RelatedWork(_relation_name(name), citation, doi, pmid))
    return related


def _updates(work: Work, key: str, names: Mapping[str, str], suffix: str) -> list[RelatedWork]:
    related: list[RelatedWork] = []
    for update in work.get(key) or ():
        if not isinstance(update, Mapping) or not isinstance(update.get("DOI"), str):
            continue
        kind = str(update.get("type", "update")).lower()
        label = update.get("label")
        doi = normalize_doi(update["DOI"])
        citation = label if isinstance(label, str) else None
        related.append(
            RelatedWork(
                relation=names.get(kind, f"{kind.replace('_', '-')}-{suffix}"),
                doi=doi,
                citation=citation if doi else f"doi:{update['DOI']}",
            )
        )
    return related


def _reference_citation(ref: Mapping[str, Any]) -> str | None:
    """A cited reference as one line: its unstructured text, else its parts and DOI."""
    if isinstance(ref.get("unstructured"), str):
        text = collapse_whitespace(ref["unstructured"])
    else:
        keys = ("author", "year", "article-title", "journal-title", "volume", "first-page")
        parts = (collapse_whitespace(str(ref[k])).rstrip(".") for k in keys if ref.get(k))
        text = ". ".join(p for p in parts if p)
    doi = normalize_doi(ref["DOI"]) if isinstance(ref.get("DOI"), str) else None
    if doi and doi not in text.lower():
        text = f"{text}. doi:{doi}" if text else f"doi:{doi}"
    return text or None


def _references(work: Work) -> tuple[str, ...]:
    refs = (_reference_citation(r) for r in work.get("reference") or () if isinstance(r, Mapping))
    return tuple(r for r in refs if r)


def _issns(work: Work) -> tuple[str, ...]:
    found: list[str] = []
    for raw in _strings(work.get("ISSN")):
        issn = normalize_issn(raw)
        if issn and issn not in found:
            found.append(issn)
    return tuple(found)


def _identifiers(work: Work) -> Identifiers:
    resource = work.get("resource")
    primary = resource.get("primary") if isinstance(resource, Mapping) else None
    # The landing page says more than the DOI's own resolver URL, which "URL" usually is.
    landing = primary.get("URL") if isinstance(primary, Mapping) else None
    url = landing if isinstance(landing, str) else _first(work, "URL")
    return Identifiers(doi=normalize_doi(_first(work, "DOI")), url=url)


def _extra(work: Work) -> tuple[tuple[str, str], ...]:
    extra: list[tuple[str, str]] = []
    for key in ("type", "subtype"):
        if isinstance(work.get(key), str):
            extra.append((f"crossref-{key}", work[key]))
    for editor in work.get("editor") or ():
        if isinstance(editor, Mapping):
            name = crossref_author(editor).display_name
            if name:
                extra.append(("editor", name))
    return tuple(extra)


def record_from_crossref_work(work: Work) -> Record:
    """The record of one Crossref work object (the ``message`` of ``/works/{doi}``)."""
    abstract = work.get("abstract")
    printed = crossref_date(work.get("published-print"))
    return Record(
        type=_work_type(work),
        title=_title(work),
        original_title=_first(work, "original-title"),
        authors=_authors(work),
        journal=_first(work, "container-title"),
        journal_abbrev=_first(work, "short-container-title"),
        issn=_issns(work),
        publisher=_first(work, "publisher"),
        date=printed or crossref_date(work.get("issued")) or crossref_date(work.get("published")),
        epub_date=crossref_date(work.get("published-online")),
        volume=_first(work, "volume"),
        issue=_first(work, "issue"),
        pages=_first(work, "page"),
        article_number=_first(work, "article-number"),
        ids=_identifiers(work),
        abstract=abstract_sections(abstract) if isinstance(abstract, str) else (),
        language=_first(work, "language"),
        cited_references=_references(work),
        related=tuple(
            _relations(work)
            + _updates(work, "update-to", _UPDATE_OF, "of")
            + _updates(work, "updated-by", _UPDATED_IN, "in")
        ),
        extra=_extra(work),
    )


def _works_of(data: object) -> Sequence[object] | str:
    """The work objects in a decoded response, or a message saying why there are none."""
    if not isinstance(data, Mapping):
        return "not a Crossref response: the JSON is not an object"
    if "message" not in data:
        return [data] if ("DOI" in data or "title" in data) else "not a Crossref work object"
    if data.get("status") not in (None, "ok"):
        return f"Crossref reported an error: {json.dumps(data.get('message'))[:300]}"
    message, kind = data["message"], data.get("message-type")
    if kind == "work-list" and isinstance(message, Mapping):
        items = message.get("items")
        return items if isinstance(items, list) else "Crossref work-list without items"
    if kind in ("work", None) and isinstance(message, Mapping):
        return [message]
    return f"not a Crossref work response (message-type {kind!r})"


def _repeated_in_envelope(data: object) -> str | None:
    """A key given two values in the response envelope (each work is checked on its own)."""
    if not isinstance(data, Mapping) or "message" not in data:
        return None
    envelopes = [data, data["message"]] if data.get("message-type") == "work-list" else [data]
    repeated = next(filter(None, (repeated_key(e, deep=False) for e in envelopes)), None)
    return f"{repeated} in the Crossref response, so it was not imported" if repeated else None


def _entry_for(work: object, number: int, text: str) -> Entry:
    raw = json.dumps(work, ensure_ascii=False)
    position = Position(line=1, entry=number)
    if not isinstance(work, Mapping):
        return ParseFailure(position, raw, "Crossref work is not a JSON object")
    if repeated := repeated_key(work):
        # The decoded work holds one value per key: only the input text holds them all.
        message = f"Crossref work {number}: {repeated}, so it was not imported"
        return ParseFailure(position, text, message)
    try:
        record = record_from_crossref_work(work)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return ParseFailure(position, raw, f"Crossref work could not be read: {exc}")
    return ParsedRecord(record, position, raw, source_key=record.ids.doi)


def parse_crossref(text: str) -> Iterator[Entry]:
    """Records from a Crossref REST response (single work, work list or bare work)."""
    try:
        data = decode_document(text)
    except json.JSONDecodeError as exc:
        yield ParseFailure(Position(1, 1), text, f"malformed Crossref JSON: {exc}")
        return
    except JsonTooDeepError as exc:  # one answer: a failure of the whole of it
        yield ParseFailure(Position(1, 1), text[:2000], f"Crossref JSON not imported: {exc}")
        return
    works = _repeated_in_envelope(data) or _works_of(data)
    if isinstance(works, str):
        yield ParseFailure(Position(1, 1), text, works)
        return
    for number, work in enumerate(works, start=1):
        yield _entry_for(work, number, text)


def detect_crossref(sniff: Sniff) -> float:
    """Sure for a Crossref envelope, fairly sure for a bare work object."""
    head = sniff.head.lstrip()
    if not head.startswith("{"):
        return 0.0
    if '"message-type"' in head and ('"work"' in head or '"work-list"' in head):
        return 0.95
    if '"container-title"' in head and '"DOI"' in head:
        return 0.7
    return 0.0


FORMAT = SourceFormat(
    name="crossref",
    title="Crossref REST API work (JSON)",
    version="1",
    priority=90,
    detect=detect_crossref,
    parse_text=parse_crossref,
)
