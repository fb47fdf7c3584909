"""JSON decoding for source files, where a key given twice never loses a value silently.

Python's :mod:`json` keeps the last value of a repeated key and drops the others without a
word. Objects decoded here keep every key's first value and a note of any key given again
with a different value (the same value twice loses nothing, and passes). Parsers turn the note
into a :class:`~bimscli.model.ParseFailure` for the item it is in, whose raw text shows both
values, so the user can say which one is meant.
"""

from __future__ import annotations

import json
from typing import Any


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
