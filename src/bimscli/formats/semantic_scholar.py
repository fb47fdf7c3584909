"""Semantic Scholar Graph API JSON, whole or embedded in an aggregator's page.

Accepted inputs:

* one paper object (``/paper/{id}``): ONE record, even when it carries thousands of
  ``citations`` and ``references`` (those are other works, see :mod:`._s2_paper`);
* a JSON list of paper objects, including ``/paper/batch`` responses, whose ``null`` items (ids
  S2 does not know) become failures naming the index;
* a ``{"data": [...]}`` search, bulk or citations response (``citingPaper``/``citedPaper``
  wrappers are unwrapped);
* text with S2 objects embedded in it, as aggregator sites show them: each object is found by
  decoding from every ``{"`` that could start one.

The raw text of each record is the JSON text of its object. An object that gives a key twice
with different values is a failure, not a guess (:mod:`bimscli.formats._json_objects`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bimscli.formats._json_objects import DECODER, JsonTooDeepError, decode_value, repeated_key
from bimscli.formats._s2_paper import record_from_s2_paper
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import Entry, ParsedRecord, ParseFailure, Position

_SPACE = re.compile(r"\s*")
_OBJECT_START = re.compile(r"\{\s*\"")
_S2_KEYS = frozenset(
    {"paperId", "externalIds", "corpusId", "publicationTypes", "publicationDate",
     "fieldsOfStudy", "citationCount", "publicationVenue", "venue", "journal", "authors"}
)  # fmt: skip
_S2_KEY_TEXT = re.compile(
    r'"(?:paperId|externalIds|corpusId|publicationTypes|publicationDate|fieldsOfStudy)"\s*:'
    r'|"platform"\s*:\s*"Semanticscholar"'
)
_AGGREGATOR_LINE = re.compile(r'^\{"title":"[^"\n]{1,500}","authors":"', re.MULTILINE)
_WRAPPERS = ("citingPaper", "citedPaper")


@dataclass(frozen=True, slots=True)
class _Found:
    """A span of the input that holds a paper object, or a problem where one should be."""

    start: int
    end: int
    paper: Mapping[str, Any] | None = None
    problem: str | None = None


class _LineIndex:
    """Line numbers of offsets visited in increasing order, without rescanning the text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def line_of(self, offset: int) -> int:
        if offset < self._offset:
            return self._text.count("\n", 0, offset) + 1
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def parse_semantic_scholar(text: str) -> Iterator[Entry]:
    """Records for every Semantic Scholar paper object in ``text``, failures for the rest."""
    lines = _LineIndex(text)
    number = 0
    for number, found in enumerate(_find_papers(text), start=1):
        position = Position(lines.line_of(found.start), number)
        raw = text[found.start : found.end]
        if found.paper is None:
            yield ParseFailure(position, raw, found.problem or "not a paper object")
        else:
            key = found.paper.get("paperId")
            record = record_from_s2_paper(found.paper)
            yield ParsedRecord(record, position, raw, key if isinstance(key, str) else None)
    if number == 0:
        yield ParseFailure(
            Position(1, 1),
            text,
            "no Semantic Scholar paper object found: expected Graph API JSON (an object with "
            "paperId or title) or a page with such an object in it; pass another --format",
        )


def is_s2_paper(value: object) -> bool:
    """True for a dict shaped like a Graph API paper (or an aggregator's copy of one).

    >>> is_s2_paper({"paperId": "x"}), is_s2_paper({"title": "T", "venue": "V"})
    (True, True)
    >>> is_s2_paper({"name": "Annals of palliative medicine", "volume": "14 2"})
    False
    """
    if not isinstance(value, dict):
        return False
    return "paperId" in value or ("title" in value and not _S2_KEYS.isdisjoint(value))


def _find_papers(text: str) -> Iterator[_Found]:
    start = _SPACE.match(text).end()  # type: ignore[union-attr]  # \s* always matches
    if text.startswith("[", start):
        start = yield from _array_items(text, start, "list")
    elif text.startswith("{", start):
        start = yield from _top_level_object(text, start)
    yield from _embedded_papers(text, start)


def _top_level_object(text: str, start: int) -> Generator[_Found, None, int]:
    """A document that is one JSON object: a paper or a ``{"data": [...]}`` response."""
    try:
        value, end = decode_value(text, start)
    except json.JSONDecodeError as error:
        yield _Found(start, len(text), problem=_broken_object_message(text, start, error))
        return len(text)
    except JsonTooDeepError as error:
        data = _data_list_start(text, start)
        if data is None:
            yield _too_deep(text, error, "the JSON object")
            return error.end
        yield from _array_items(text, data, "data list")
        return error.end
    if is_s2_paper(value):
        yield _paper_found(value, start, end, value)
    elif isinstance(value, dict) and (repeated := repeated_key(value, deep=False)):
        yield _Found(start, end, problem=f"{repeated} in the response, so it was not imported")
    elif isinstance(value, dict) and isinstance(value.get("data"), list):
        yield from _array_items(text, _member_start(text, start, "data"), "data list")
    else:
        yield _Found(
            start,
            end,
            problem="a JSON object without paperId or title and no data "
            "list: not a Semantic Scholar paper or response; pass another --format",
        )
    return end


def _member_start(text: str, start: int, wanted: str) -> int:
    """Where the value of key ``wanted`` starts in the (valid) JSON object at ``start``."""
    pos = start + 1
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        key, pos = DECODER.raw_decode(text, pos)
        pos = _SPACE.match(text, pos).end() + 1  # type: ignore[union-attr]  # past ':'
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if key == wanted:
            return pos
        _, pos = decode_value(text, pos)
        pos = _SPACE.match(text, pos).end() + 1  # type: ignore[union-attr]  # past ','


def _data_list_start(text: str, start: int) -> int | None:
    """Where the ``data`` list of the object at ``start`` starts, if the object has one and
    the members before it decode (for an object too deep to decode whole)."""
    try:
        pos = _member_start(text, start, "data")
    except (json.JSONDecodeError, JsonTooDeepError, IndexError):
        return None
    return pos if text.startswith("[", pos) else None


def _too_deep(text: str, error: JsonTooDeepError, what: str) -> _Found:
    line = text.count("\n", 0, error.start) + 1
    return _Found(error.start, error.end, problem=f"{what} on line {line}: {error}; not imported")


def _array_items(text: str, start: int, what: str) -> Generator[_Found, None, int]:
    """Each item of the JSON array at ``start`` with its exact span; returns the array's end."""
    pos = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    index = 0
    while pos < len(text) and text[pos] != "]":
        try:
            value, end = decode_value(text, pos)
        except json.JSONDecodeError as error:
            yield _Found(pos, len(text), problem=_broken_object_message(text, pos, error))
            return len(text)
        except JsonTooDeepError as error:
            yield _too_deep(text, error, f"item {index} (0-based) of the {what}")
            end = error.end
        else:
            yield _item_found(value, pos, end, index, what)
        index += 1
        pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        elif not text.startswith("]", pos):
            problem = f"expected ',' or ']' after item {index} of the {what}; the JSON is broken"
            yield _Found(pos, len(text), problem=problem)
            return len(text)
    return pos + 1


def _paper_found(paper: Mapping[str, Any], start: int, end: int, item: object) -> _Found:
    """A paper, or a failure when its JSON ``item`` gives a key two different values."""
    repeated = repeated_key(item)
    if repeated is None:
        return _Found(start, end, paper=paper)
    problem = (
        f"{repeated} in the paper object, so it was not imported: keep the value that is meant "
        "and ingest it again"
    )
    return _Found(start, end, problem=problem)


def _item_found(item: object, start: int, end: int, index: int, what: str) -> _Found:
    value = item
    if isinstance(value, dict):
        wrapped = [value[w] for w in _WRAPPERS if w in value]
        value = wrapped[0] if len(wrapped) == 1 and isinstance(wrapped[0], dict) else value
    if isinstance(value, dict) and is_s2_paper(value):
        return _paper_found(value, start, end, item)
    if value is None:
        problem = (
            f"item {index} (0-based) of the {what} is null: Semantic Scholar knows no paper for "
            f"the id at index {index} of the request; check that id"
        )
    else:
        problem = f"item {index} (0-based) of the {what} is not a Semantic Scholar paper object"
    return _Found(start, end, problem=problem)


def _embedded_papers(text: str, pos: int) -> Iterator[_Found]:
    """Paper objects inside free text, tried from each ``{"`` that could start one."""
    while match := _OBJECT_START.search(text, pos):
        start = match.start()
        try:
            value, end = decode_value(text, start)
        except JsonTooDeepError as error:  # skipped whole: trying inside it again is quadratic
            if _S2_KEY_TEXT.search(text, start, start + 4000) is not None:
                yield _too_deep(text, error, "the JSON object")
            pos = max(error.end, start + 1)
            continue
        except json.JSONDecodeError as error:
            if _S2_KEY_TEXT.search(text, start, start + 4000) is None:
                pos = start + 1
                continue
            stop = max(error.pos, _line_end(text, start))
            yield _Found(start, stop, problem=_broken_object_message(text, start, error))
            pos = stop
            continue
        if is_s2_paper(value):
            yield _paper_found(value, start, end, value)
            pos = end
        else:
            pos = start + 1  # a wrapper object may hold papers further in


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _broken_object_message(text: str, start: int, error: json.JSONDecodeError) -> str:
    line = text.count("\n", 0, start) + 1
    return (
        f"the JSON object starting on line {line} is cut off or broken ({error.msg} at line "
        f"{error.lineno} column {error.colno}); copy the whole object, from its opening "
        "{ to its closing }, and ingest it again"
    )


def detect_semantic_scholar(sniff: Sniff) -> float:
    """Sure for JSON with S2 keys; fairly sure for text that embeds an S2-shaped object.

    >>> detect_semantic_scholar(Sniff('{"paperId": "2d56", "externalIds": {}}'))
    0.95
    >>> detect_semantic_scholar(Sniff('{"DOI": "10.1/x", "message": {}}'))
    0.0
    """
    head = sniff.head
    body = head.lstrip()
    keys = len(set(_S2_KEY_TEXT.findall(head)))
    if body.startswith(("{", "[")) and re.search(r'"(?:paperId|corpusId|externalIds)"\s*:', head):
        return 0.95
    if '"platform":"Semanticscholar"' in head.replace(" ", ""):
        return 0.9
    if keys >= 2 and _OBJECT_START.search(head) and '"title"' in head:
        return 0.75
    if _AGGREGATOR_LINE.search(head):
        return 0.6  # the start of an aggregator's blob, its S2 keys beyond a short head
    return 0.0


FORMAT = SourceFormat(
    name="semantic-scholar",
    title="Semantic Scholar Graph API JSON (also embedded in aggregator pages)",
    version="1",
    priority=80,
    detect=detect_semantic_scholar,
    parse_text=parse_semantic_scholar,
)
