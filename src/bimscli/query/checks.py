"""Queries that parse but probably do not say what their writer meant: warnings, not errors.

PubMed itself accepts each of these silently and finds nothing or something else; bims still
runs them the same way, and says what looks wrong so that a person can fix it.
"""

from __future__ import annotations

from collections.abc import Collection

from bimscli.query.syntax import Query, Range, Term, iter_terms

_LOWER_OPERATORS = frozenset({"and", "or", "not"})


def _date_number(text: str, *, end: bool) -> int:
    parts = [int(p) for p in text.split("/")]
    year, month, day = [*parts, 0, 0][:3]
    fill_month, fill_day = (12, 31) if end else (1, 1)
    return year * 10000 + (month or fill_month) * 100 + (day or fill_day)


def _reversed_range(term: Range) -> str | None:
    if _date_number(term.start, end=False) <= _date_number(term.end, end=True):
        return None
    return (
        f"{term.start}:{term.end}[{term.field}] runs from a later date to an earlier one and "
        f"matches nothing; did you mean {term.end}:{term.start}[{term.field}]?"
    )


def _lower_case_operator(term: Term, text: str) -> str | None:
    if text[term.position : term.position + 1] == '"':
        return None  # a quoted phrase may well say "and"
    found = [w for w in term.text.split() if w in _LOWER_OPERATORS]
    if not found:
        return None
    word = found[0]
    return (
        f"'{word}' is searched as a word: AND, OR and NOT are operators only in upper case "
        f"(did you mean {word.upper()}?)"
    )


def _unknown_tag(term: Term, known_tags: Collection[str]) -> str | None:
    wanted = term.text.strip().casefold()
    if any(t == wanted or t.startswith(wanted if term.truncated else wanted + "/")
           for t in known_tags):  # fmt: skip
        return None
    return f"no work carries the tag '{wanted}' (or a tag below it); see `bims tags`"


def query_warnings(query: Query, text: str, known_tags: Collection[str] | None = None) -> list[str]:
    """What looks wrong in a query that parsed: reversed date ranges, lower-case operators
    and, when ``known_tags`` are given, ``[tag]`` terms that no work carries.

    >>> from bimscli.query.syntax import parse_query
    >>> q = "sbrt and pain AND 2025:2020[dp] AND mine/x[tag]"
    >>> for warning in query_warnings(parse_query(q), q, known_tags={"design/rct"}):
    ...     print(warning)
    'and' is searched as a word: AND, OR and NOT are operators only in upper case (did you mean AND?)
    2025:2020[dp] runs from a later date to an earlier one and matches nothing; did you mean 2020:2025[dp]?
    no work carries the tag 'mine/x' (or a tag below it); see `bims tags`
    """  # noqa: E501 - doctest output lines are as long as the messages
    warnings: list[str] = []
    for term in iter_terms(query):
        if isinstance(term, Range):
            found = _reversed_range(term)
        elif term.field == "tag":
            found = _unknown_tag(term, known_tags) if known_tags is not None else None
        else:
            found = _lower_case_operator(term, text)
        if found is not None and found not in warnings:
            warnings.append(found)
    return warnings
