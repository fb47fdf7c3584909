"""CSL-JSON, as Zotero and pandoc write it: an array of items or a single item.

Items are decoded one at a time with :meth:`json.JSONDecoder.raw_decode`, so an item that is
not an object or has a malformed date becomes a failure of its own (with its entry number and
line) and the items around it still land; so does an item that gives a key twice with
different values (:mod:`bimscli.formats._json_objects`). How item keys map to the record model is in
:mod:`bimscli.formats._csl_item`. Semantic Scholar's and Crossref's JSON are left to their own
parsers: detection refuses JSON with their keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from bimscli.formats._csl_item import CslItemError, csl_item_record
from bimscli.formats._json_objects import JsonTooDeepError, decode_value, repeated_key
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import Entry, ParsedRecord, ParseFailure, Position

_WHITESPACE = re.compile(r"\s*")


class _LineCounter:
    """Line numbers of offsets in a text, counted forward only once."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def line_at(self, offset: int) -> int:
        """The 1-based line of ``offset`` (offsets must not go backwards)."""
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def _skip_space(text: str, offset: int) -> int:
    match = _WHITESPACE.match(text, offset)
    return match.end() if match else offset


def _decode(text: str, offset: int) -> tuple[object, int] | str | JsonTooDeepError:
    """One JSON value at ``offset`` and where it ends, or why it cannot be decoded: a
    message when the rest of the text is lost, an error saying where a too deep item ends."""
    try:
        return decode_value(text, offset)
    except json.JSONDecodeError as error:
        line = text.count("\n", 0, error.pos) + 1
        return f"{error.msg} at line {line} column {error.colno}"
    except JsonTooDeepError as error:
        return error if error.closed else f"{error} and never closed"


def _too_deep(text: str, error: JsonTooDeepError, position: Position) -> ParseFailure:
    return ParseFailure(
        position,
        text[error.start : min(error.end, error.start + 2000)],
        f"CSL-JSON item {position.entry} at line {position.line}: {error}, the most bims "
        "reads; it was not imported",
    )


def _item_entry(value: object, raw: str, position: Position) -> Entry:
    if not isinstance(value, dict):
        kind = type(value).__name__
        return ParseFailure(
            position,
            raw,
            f"CSL-JSON item {position.entry} is a {kind}, not an object; it was not imported",
        )
    repeated = repeated_key(value)
    if repeated is not None:
        return ParseFailure(
            position,
            raw,
            f"CSL-JSON item {position.entry}: {repeated}, so it was not imported: keep the "
            "value that is meant and import it again",
        )
    try:
        record, key = csl_item_record(value)
    except CslItemError as error:
        return ParseFailure(position, raw, f"CSL-JSON item {position.entry}: {error}")
    return ParsedRecord(record, position, raw, key)


def _broken_json(text: str, offset: int, lines: _LineCounter, entry: int, why: str) -> Entry:
    line = lines.line_at(offset)
    return ParseFailure(
        Position(line, entry),
        text[offset : offset + 2000],
        f"not valid JSON in the item starting at line {line} ({why}); the rest of the file "
        "was not imported: fix the JSON (a missing comma or bracket?) and import it again",
    )


def parse_csl_json(text: str) -> Iterator[Entry]:
    """Records and failures from a CSL-JSON document (array or single item)."""
    text = text.removeprefix("\ufeff")
    lines = _LineCounter(text)
    offset = _skip_space(text, 0)
    if not text.startswith("[", offset):
        yield from _single_item(text, offset, lines)
        return
    offset = _skip_space(text, offset + 1)
    entry = 0
    while offset < len(text) and text[offset] != "]":
        entry += 1
        decoded = _decode(text, offset)
        if isinstance(decoded, str):
            yield _broken_json(text, offset, lines, entry, decoded)
            return
        if isinstance(decoded, JsonTooDeepError):
            yield _too_deep(text, decoded, Position(lines.line_at(offset), entry))
            end = decoded.end
        else:
            value, end = decoded
            yield _item_entry(value, text[offset:end], Position(lines.line_at(offset), entry))
        offset = _skip_space(text, end)
        if text.startswith(",", offset):
            offset = _skip_space(text, offset + 1)
        elif not text.startswith("]", offset):
            yield _broken_json(text, offset, lines, entry + 1, "expected ',' or ']'")
            return


def _single_item(text: str, offset: int, lines: _LineCounter) -> Iterator[Entry]:
    decoded = _decode(text, offset)
    if isinstance(decoded, str):
        yield _broken_json(text, offset, lines, 1, decoded)
        return
    if isinstance(decoded, JsonTooDeepError):
        yield _too_deep(text, decoded, Position(lines.line_at(offset), 1))
        end = decoded.end
    else:
        value, end = decoded
        yield _item_entry(value, text[offset:end], Position(lines.line_at(offset), 1))
    rest = _skip_space(text, end)
    if rest < len(text):
        yield _broken_json(text, rest, lines, 2, "text after the item")


_CSL_TYPE = re.compile(
    r'"type"\s*:\s*"(?:article-journal|article|book|chapter|paper-conference|thesis|report|'
    r"webpage|post-weblog|dataset|article-newspaper|article-magazine|entry-encyclopedia|"
    r'manuscript|document|post|review|motion_picture|legal_case|patent|song|map|speech)"'
)
_FOREIGN_KEYS = re.compile(r'"(?:paperId|externalIds|message-type|corpusId)"\s*:')


def detect_csl_json(sniff: Sniff) -> float:
    """Likely for JSON with a CSL ``type``, an ``id`` and a title or date key.

    >>> detect_csl_json(Sniff('[{"id": "x", "type": "article-journal", "title": "T"}]'))
    0.9
    >>> detect_csl_json(Sniff('{"paperId": "1", "type": "article", "id": 2, "title": "T"}'))
    0.0
    """
    head = sniff.head.removeprefix("\ufeff").lstrip()
    if not head.startswith(("[", "{")) or _FOREIGN_KEYS.search(head):
        return 0.0
    has_id = re.search(r'"id"\s*:', head) is not None
    has_work = re.search(r'"(?:title|container-title|issued)"\s*:', head) is not None
    if _CSL_TYPE.search(head) and has_id and has_work:
        return 0.9
    if _CSL_TYPE.search(head) and (has_id or has_work):
        return 0.8  # a long first item can push its other keys out of the head
    return 0.3 if sniff.suffix == ".json" and has_id and has_work else 0.0


FORMAT = SourceFormat(
    name="csl-json",
    title="CSL-JSON (Zotero, pandoc, citeproc)",
    version="1",
    priority=70,
    detect=detect_csl_json,
    parse_text=parse_csl_json,
)
"""The CSL-JSON format."""
