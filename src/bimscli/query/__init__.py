"""PubMed's query language for bims: parse, print, match and explain queries.

``bims list --query``, ``bims export --query`` and the tag rules all read this language; see
:mod:`bimscli.query.syntax` for the grammar and :mod:`bimscli.query.fields` for what each field
tag searches.
"""

from __future__ import annotations

from bimscli.query.checks import query_warnings
from bimscli.query.explain import Span, explain_query
from bimscli.query.matcher import AtomIndex, CompiledQuery, Search, compile_query
from bimscli.query.syntax import (
    And,
    Not,
    Or,
    Query,
    QueryError,
    Range,
    Term,
    parse_query,
    print_query,
)

__all__ = [
    "And",
    "AtomIndex",
    "CompiledQuery",
    "Not",
    "Or",
    "Query",
    "QueryError",
    "Range",
    "Search",
    "Span",
    "Term",
    "compile_query",
    "explain_query",
    "parse_query",
    "print_query",
    "query_warnings",
]
