"""JSON decoding for source files, where a key given twice never loses a value silently.

Python's :mod:`json` keeps the last value of a repeated key and drops the others without a
word. Objects decoded here keep every key's first value and a note of any key given again
with a different value (the same value twice loses nothing, and passes). Parsers turn the note
into a :class:`~bimscli.model.ParseFailure` for the item it is in, whose raw text shows both
values, so the user can say which one is meant.

Nesting is bounded too (:data:`MAX_JSON_DEPTH`): :func:`decode_value` turns a value nested
deeper into :class:`JsonTooDeepError`, which says where the value ends so that a parser can
report that item and read the next one, never a ``RecursionError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

MAX_JSON_DEPTH = 100
"""The deepest nesting of arrays and objects read in one JSON value. Bibliographic records
nest five or six levels deep; a deeper value is a failure of its item. (Python's decoder
raises ``RecursionError`` at about a thousand levels.)"""

_BRACKETS_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class JsonTooDeepError(ValueError):
    """A JSON value nested deeper than :data:`MAX_JSON_DEPTH`; it ends at ``end``, or never
    ``closed`` (then ``end`` is the end of the text)."""

    def __init__(self, start: int, end: int, *, closed: bool = True) -> None:
        super().__init__(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
        self.start, self.end, self.closed = start, end, closed


class _ObjectWithRepeatedKeys(dict[str, Any]):
    """A decoded object that gave a key twice with different values (each key's first kept)."""

    __slots__ = ("repeated",)
    repeated: tuple[str, Any, Any]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj  # no key repeated: the common case, at C speed
    first: dict[str, Any] = {}
    repeated: tuple[str, Any, Any] | None = None
    for key, value in pairs:
        if key not in first:
            first[key] = value
        elif repeated is None and first[key] != value:
            repeated = (key, first[key], value)
    if repeated is None:
        return first
    found = _ObjectWithRepeatedKeys(first)
    found.repeated = repeated
    return found


DECODER = json.JSONDecoder(object_pairs_hook=_object)
"""A decoder whose objects note a key given two different values; see :func:`repeated_key`."""


def repeated_key(value: object, *, deep: bool = True) -> str | None:
    """What is wrong when ``value`` (or, if ``deep``, an object in it) gives a key two values.

    >>> repeated_key(DECODER.decode('{"id": 1, "author": {"family": "Roe", "family": "Doe"}}'))
    'the key "family" is given twice, as "Roe" and as "Doe"'
    >>> repeated_key(DECODER.decode('{"id": 1, "id": 1}')) is None
    True
    >>> repeated_key(DECODER.decode('{"items": [{"a": 1, "a": 2}]}'), deep=False) is None
    True
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _ObjectWithRepeatedKeys):
            key, first, again = item.repeated
            return (
                f"the key {_shown(key)} is given twice, as {_shown(first)} and as {_shown(again)}"
            )
        if deep and isinstance(item, dict):
            stack.extend(reversed(item.values()))
        elif deep and isinstance(item, list):
            stack.extend(reversed(item))
    return None


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def nesting_depth(value: object) -> int:
    """How many arrays and objects deep ``value`` goes (without recursion).

    >>> nesting_depth(1), nesting_depth([]), nesting_depth({"a": [1, {"b": 2}]})
    (0, 1, 3)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def json_value_end(text: str, start: int) -> int | None:
    """Where the array or object at ``start`` ends, by counting brackets outside strings (for
    a value too deep to decode); None when it never closes.

    >>> json_value_end('[[1, "]"], {"a": []}] tail', 0)
    21
    """
    depth = 0
    for token in _BRACKETS_OR_STRING.finditer(text, start):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
        elif bracket in ("]", "}"):
            depth -= 1
            if depth <= 0:
                return token.end()
        elif depth == 0:
            return token.end()  # a string value, not a container
    return None


def decode_value(text: str, start: int) -> tuple[Any, int]:
    """The JSON value at ``start`` and where it ends, decoded with :data:`DECODER`.

    Raises :class:`json.JSONDecodeError` for broken JSON and :class:`JsonTooDeepError` for a
    value nested deeper than :data:`MAX_JSON_DEPTH`.

    >>> decode_value('x [1, [2]]', 2)
    ([1, [2]], 10)
    >>> decode_value("[" * 5000 + "]" * 5000, 0)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    JsonTooDeepError: the JSON is nested deeper than 100 levels
    """
    try:
        value, end = DECODER.raw_decode(text, start)
    except RecursionError:
        closes = json_value_end(text, start)
        end, closed = (len(text), False) if closes is None else (closes, True)
        raise JsonTooDeepError(start, end, closed=closed) from None
    # Counting brackets is cheap; only a value with many is walked.
    brackets = text.count("[", start, end) + text.count("{", start, end)
    if brackets > MAX_JSON_DEPTH and nesting_depth(value) > MAX_JSON_DEPTH:
        raise JsonTooDeepError(start, end)
    return value, end


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def decode_document(text: str) -> Any:
    """A whole JSON text, like :meth:`DECODER.decode`, with nesting bounded as in
    :func:`decode_value` (both errors are :class:`ValueError`).

    >>> decode_document(' {"a": [1]} ')
    {'a': [1]}
    """
    value, end = decode_value(text, _JSON_SPACE.match(text).end())  # type: ignore[union-attr]
    if _JSON_SPACE.match(text, end).end() != len(text):  # type: ignore[union-attr]
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def json_text(value: object) -> str | None:
    """A JSON scalar as stripped text; ``None`` for null, empty, booleans and containers.

    >>> json_text(" Spine "), json_text(12), json_text(True), json_text([]), json_text("")
    ('Spine', '12', None, None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def json_mapping(value: object) -> Mapping[str, Any]:
    """A JSON object, or an empty one for anything else (a source's null or wrong type).

    >>> dict(json_mapping({"a": 1})), dict(json_mapping([1]))
    ({'a': 1}, {})
    """
    return value if isinstance(value, Mapping) else {}
