"""Europe PMC REST search results (``resultType=core``, JSON).

Accepted inputs: a whole search response (``{"hitCount", "nextCursorMark", "resultList":
{"result": [...]}}``), a JSON list of core results, or one result. Each result is one record;
its raw text is the result's JSON (compact, keys in Europe PMC's order) and its source key is
``SOURCE:ID`` (``MED:40481101``, ``PPR:PPR1034567``). A result that is not an object, lacks
``source`` and ``id``, or gives a key twice with different values is a failure, and the next
result is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bimscli.formats._europepmc_result import europepmc_key, record_from_core_result
from bimscli.formats._json_objects import DECODER, repeated_key
from bimscli.formats._json_objects import json_mapping as _mapping
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import DocumentHeader, Entry, ParsedRecord, ParseFailure, Position

_RESPONSE_KEYS = re.compile(r'"(?:hitCount|resultList|nextCursorMark)"\s*:')
_RESULT_KEYS = re.compile(r'"(?:authorString|pubYear|journalInfo|pubTypeList|inEPMC)"\s*:')


def parse_europepmc(text: str) -> Iterator[Entry]:
    """Records for every core result in ``text``, failures for the rest."""
    try:
        document = DECODER.decode(text)
    except json.JSONDecodeError as error:
        yield ParseFailure(
            Position(error.lineno, 1),
            text[:2000],
            f"not JSON ({error.msg} at line {error.lineno}, column {error.colno}); "
            "expected a Europe PMC search response",
        )
        return
    results, header = _results_of(document)
    if header is not None:
        yield header
    if not results:
        return
    for number, result in enumerate(results, start=1):
        yield _entry(result, number)


def _results_of(document: object) -> tuple[list[Any], DocumentHeader | None]:
    if isinstance(document, list):
        return document, None
    if not isinstance(document, Mapping):
        return [document], None
    if "resultList" not in document:
        return [document], None
    results = _mapping(document.get("resultList")).get("result")
    request = _mapping(document.get("request"))
    fields = [
        ("hit_count", str(document.get("hitCount", ""))),
        ("query", str(request.get("queryString", ""))),
    ]
    header = DocumentHeader(tuple((k, v) for k, v in fields if v))
    return (results if isinstance(results, list) else []), header


def _entry(result: object, number: int) -> Entry:
    position = Position(1, number)
    raw = json.dumps(result, ensure_ascii=False)
    if not isinstance(result, Mapping):
        return ParseFailure(position, raw, f"result {number} is not a JSON object")
    problem = repeated_key(result)
    if problem:
        return ParseFailure(position, raw, f"result {number}: {problem}")
    key = europepmc_key(result)
    if key is None:
        return ParseFailure(
            position, raw, f"result {number} has no source and id: not a Europe PMC result"
        )
    return ParsedRecord(record_from_core_result(result), position, raw, key)


def detect_europepmc(sniff: Sniff) -> float:
    """How sure it is that the input is Europe PMC search JSON.

    >>> detect_europepmc(Sniff('{"version": "6.9", "hitCount": 2, "resultList": {"result": []}}'))
    0.95
    >>> detect_europepmc(Sniff('[{"id": "1", "source": "MED", "authorString": "A B.", '
    ...     '"pubYear": "2020"}]'))
    0.8
    >>> detect_europepmc(Sniff('{"paperId": "2d56"}'))
    0.0
    """
    head = sniff.head.lstrip()
    if not head.startswith(("{", "[")):
        return 0.0
    if len(set(_RESPONSE_KEYS.findall(head))) >= 2:
        return 0.95
    if len(set(_RESULT_KEYS.findall(head))) >= 2 and re.search(r'"source"\s*:\s*"', head):
        return 0.8
    return 0.0


FORMAT = SourceFormat(
    name="europepmc",
    title="Europe PMC REST search results (resultType=core JSON)",
    version="1",
    priority=85,
    detect=detect_europepmc,
    parse_text=parse_europepmc,
)
