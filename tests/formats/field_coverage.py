"""The round-trip check for reference-manager formats: every input field lands in the record.

A field counts as kept when every word of its value appears among the words of the parsed
record (any field, ``extra`` included) or, for values a parser reformats (ISSN "17514258" ->
"1751-4258"), when its letters and digits appear in the record's letters and digits. Month names
count as their numbers, and leading zeros do not count, so "2021/06/01" matches a PartialDate.
"""

from __future__ import annotations

import re
from typing import Any

from bimscli.formats._months import month_number
from bimscli.identifiers import normalize_doi
from bimscli.model import ParsedRecord
from bimscli.store.serialize import record_to_builtins


def _words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"\w+", text.casefold()):
        month = month_number(word) if word.isalpha() else None
        if month is not None:
            words.add(str(month))
        elif word.isdigit():
            words.add(word.lstrip("0") or "0")
        else:
            words.add(word)
    return words


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _leaf_texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for v in value.values() for text in _leaf_texts(v)]
    if isinstance(value, list | tuple):
        return [text for v in value for text in _leaf_texts(v)]
    return [str(value)]


def record_text(parsed: ParsedRecord) -> str:
    """Everything a parsed record holds, one value a line.

    Keys are not counted, except the names of the identifiers present: a source's "PMID: 1"
    or "eprinttype = pmid" is kept as ``ids.pmid``.
    """
    data = record_to_builtins(parsed.record)
    id_names = list(data.get("ids", {}))
    return "\n".join(_leaf_texts([data, parsed.source_key, id_names]))


def missing_fields(parsed: ParsedRecord, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (name, value) input fields of which no trace is in the parsed record."""
    text = record_text(parsed)
    words, alnum = _words(text), _alnum(text)
    missing = []
    for name, value in fields:
        # A DOI is kept in its canonical form, without resolver prefix.
        wanted = (normalize_doi(value) or value) if name.lower() in ("do", "doi") else value
        # Leading zeros of identifiers are dropped by their normalisers ("01" -> "PMC1").
        found = _alnum(wanted) in alnum or _alnum(wanted).lstrip("0") in alnum
        if wanted.strip() and not (_words(wanted) <= words or found):
            missing.append((name, value))
    return missing
