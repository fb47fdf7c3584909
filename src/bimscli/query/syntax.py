"""PubMed's query language: tokenizer, recursive-descent parser, frozen AST and printer.

The language is the one PubMed's search box reads, the parts of it that make sense for a local
library:

- terms (``pain``), ``"quoted phrases"``, truncation (``radiotherap*``, ``"bone metasta*"``);
- ``AND``, ``OR``, ``NOT`` (upper case, as PubMed wants), evaluated **left to right with equal
  precedence**, parentheses grouping: ``a OR b AND c`` is ``(a OR b) AND c``;
- adjacent terms without an operator are joined by ``AND``, as PubMed does;
- field tags after a term: ``pain[tiab]``, ``"Neoplasms"[mh:noexp]``, ``2020:2025[dp]``.
  Several words directly followed by a tag are one phrase, as in PubMed:
  ``quality of life[tiab]`` is ``"quality of life"[tiab]``.

:func:`parse_query` turns text into a tree of :class:`Term`, :class:`Range`, :class:`And`,
:class:`Or` and :class:`Not`; :func:`print_query` prints a tree back as canonical text that
parses to the same tree. Errors are :class:`QueryError`, which shows the query with a caret
under the problem.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from bimscli.errors import RuleError
from bimscli.query.fields import canonical_field, field_names

MIN_TRUNCATION_STEM = 4
"""PubMed searches a truncated term only when at least four characters precede the ``*``."""

OPERATORS = ("AND", "OR", "NOT")


class QueryError(RuleError):
    """A query does not parse; ``str()`` shows the query with a caret under the problem.

    >>> print(QueryError("pain[tiabx]", 4, "unknown field tag [tiabx]"))
    unknown field tag [tiabx]
      pain[tiabx]
          ^
    """

    def __init__(self, query: str, position: int, message: str) -> None:
        self.query = query
        self.position = position
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message}\n  {self.query}\n  {' ' * self.position}^"


@dataclass(frozen=True, slots=True)
class Term:
    """A word, a phrase or a truncated stem, searched in ``field`` (``None``: all fields).

    ``text`` is the term as written, without quotes and without the truncation ``*``.
    ``position`` (where the term starts in the query) is kept for messages and does not take
    part in equality, so a printed and re-parsed query equals the original.
    """

    text: str
    field: str | None = None
    truncated: bool = False
    phrase: bool = False
    position: int = dataclasses.field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Range:
    """A date range such as ``2020:2025[dp]`` or ``2020/01:2020/06[dp]``; ends are as written."""

    start: str
    end: str
    field: str = "dp"
    position: int = dataclasses.field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class And:
    """Both sides match."""

    left: Query
    right: Query


@dataclass(frozen=True, slots=True)
class Or:
    """Either side matches."""

    left: Query
    right: Query


@dataclass(frozen=True, slots=True)
class Not:
    """The left side matches and the right side does not (PubMed's binary ``NOT``)."""

    left: Query
    right: Query


Query = Term | Range | And | Or | Not
"""A parsed query: a tree of terms, ranges and binary operators."""

BinaryNode = And | Or | Not
_NODE_OF: dict[str, type[And] | type[Or] | type[Not]] = {"AND": And, "OR": Or, "NOT": Not}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "op", "word", "phrase", "field", "end"
    text: str
    position: int
    truncated: bool = False


_RANGE = re.compile(r"^(\d{4}(?:/\d{1,2}){0,2}):(\d{4}(?:/\d{1,2}){0,2})$")
_DATE = re.compile(r"^\d{4}(?:/\d{1,2}){0,2}$")


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == "[":
            end = query.find("]", i)
            if end == -1:
                raise QueryError(query, i, "unclosed field tag: add ']'")
            tokens.append(_Token("field", query[i + 1 : end], i))
            i = end + 1
        elif char == "]":
            raise QueryError(query, i, "']' without '[': a field tag looks like [tiab]")
        elif char == '"':
            i = _read_phrase(query, i, tokens)
        else:
            i = _read_word(query, i, tokens)
    tokens.append(_Token("end", "", len(query)))
    return tokens


def _read_phrase(query: str, start: int, tokens: list[_Token]) -> int:
    end = query.find('"', start + 1)
    if end == -1:
        raise QueryError(query, start, 'unclosed quote: add the closing "')
    text = query[start + 1 : end]
    truncated = text.endswith("*")
    if truncated:
        text = text[:-1]
    _check_term_text(query, start + 1, text, truncated)
    tokens.append(_Token("phrase", text, start, truncated))
    return end + 1


def _read_word(query: str, start: int, tokens: list[_Token]) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in '()[]"':
        end += 1
    text = query[start:end]
    if text in OPERATORS:
        tokens.append(_Token("op", text, start))
        return end
    truncated = text.endswith("*")
    if truncated:
        text = text[:-1]
    _check_term_text(query, start, text, truncated)
    tokens.append(_Token("word", text, start, truncated))
    return end


def _check_term_text(query: str, start: int, text: str, truncated: bool) -> None:
    if not text.strip():
        raise QueryError(query, start, "empty term: write a word or a phrase")
    star = text.find("*")
    if star != -1:
        raise QueryError(query, start + star, "'*' truncates only at the end of a term")
    if truncated and len(text) < MIN_TRUNCATION_STEM:
        raise QueryError(
            query,
            start,
            f"truncated term {text!r}* is too short: PubMed needs at least "
            f"{MIN_TRUNCATION_STEM} characters before '*'",
        )


class _Parser:
    """Recursive descent over the tokens; binary operators fold to the left."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokenize(query)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str, token: _Token | None = None) -> QueryError:
        return QueryError(self.query, (token or self.current).position, message)

    def parse(self) -> Query:
        if self.current.kind == "end":
            raise self.error("empty query: write at least one term")
        node = self.expression()
        if self.current.kind == ")":
            raise self.error("')' without a matching '('")
        return node

    def expression(self) -> Query:
        node = self.operand()
        while self.current.kind not in ("end", ")"):
            if self.current.kind == "op":
                operator = self.current.text
                self.index += 1
                if self.current.kind in ("end", ")"):
                    raise self.error(f"{operator} needs a term after it")
            else:
                operator = "AND"  # adjacent terms: PubMed joins them with AND
            node = _NODE_OF[operator](node, self.operand())
        return node

    def operand(self) -> Query:
        token = self.current
        if token.kind == "(":
            return self.group()
        if token.kind == "op":
            raise self.error(f"{token.text} needs a term before it")
        if token.kind == "field":
            raise self.error("a field tag needs a term before it, as in pain[tiab]")
        if token.kind == ")":
            raise self.error("')' without a matching '('")
        if token.kind == "end":
            raise self.error("the query ends where a term is missing")
        return self.term()

    def group(self) -> Query:
        opening = self.current
        self.index += 1
        if self.current.kind == ")":
            raise self.error("empty parentheses: put a term inside", opening)
        node = self.expression()
        if self.current.kind != ")":
            raise self.error("'(' is never closed: add ')'", opening)
        self.index += 1
        if self.current.kind == "field":
            raise self.error(
                "a field tag applies to one term, not to a group: tag each term inside"
            )
        return node

    def term(self) -> Query:
        first = self.current
        # Bare words directly followed by a field tag form one phrase, as in PubMed; a
        # truncated word can only end such a run.
        run_end = self.index
        while self.tokens[run_end].kind == "word":
            run_end += 1
            if self.tokens[run_end - 1].truncated:
                break
        if run_end - self.index > 1 and self.tokens[run_end].kind == "field":
            words = self.tokens[self.index : run_end]
            self.index = run_end
            text = " ".join(w.text for w in words)
            field_name = self.field_tag()
            return self.make_term(first, text, field_name, words[-1].truncated, phrase=True)
        self.index += 1
        field_name = self.field_tag()
        phrase = first.kind == "phrase"
        return self.make_term(first, first.text, field_name, first.truncated, phrase)

    def field_tag(self) -> str | None:
        token = self.current
        if token.kind != "field":
            return None
        self.index += 1
        name = canonical_field(token.text)
        if name is None:
            raise self.error(
                f"unknown field tag [{token.text}]; known tags: {', '.join(field_names())}", token
            )
        return name

    def make_term(
        self, token: _Token, text: str, field_name: str | None, truncated: bool, phrase: bool
    ) -> Query:
        if field_name == "dp":
            return self.date_term(token, text, truncated)
        if field_name is None or not _RANGE.match(text):
            return Term(text, field_name, truncated, phrase, token.position)
        raise self.error(f"a range like {text} works only with [dp]", token)

    def date_term(self, token: _Token, text: str, truncated: bool) -> Query:
        if truncated:
            raise self.error("[dp] takes a date or a range, not a truncated term", token)
        if (match := _RANGE.match(text)) is not None:
            return Range(match.group(1), match.group(2), "dp", token.position)
        if not _DATE.match(text):
            first = text.split(maxsplit=1)[0] if text.strip() else ""
            hint = ""
            if first in ("and", "or", "not"):
                hint = f"; AND, OR and NOT are operators only in upper case: {first.upper()}"
            raise self.error(
                f"[dp] takes YYYY, YYYY/MM, YYYY/MM/DD or a range START:END, not {text!r}{hint}",
                token,
            )
        return Term(text, "dp", position=token.position)


def parse_query(query: str) -> Query:
    """Parse PubMed query text into a tree; raises :class:`QueryError` showing where.

    >>> tree = parse_query("radiotherap* OR sbrt[tiab] AND pain")
    >>> tree == And(Or(Term("radiotherap", truncated=True), Term("sbrt", "tiab")), Term("pain"))
    True
    """
    return _Parser(query).parse()


# Terms that the printer may write bare: one word that reads back as the same word.
_BARE = re.compile(r"^[^\s()\[\]\"*]+$")


def _print_term(term: Term) -> str:
    star = "*" if term.truncated else ""
    if term.phrase or not _BARE.match(term.text) or term.text in OPERATORS:
        text = f'"{term.text}{star}"'
    else:
        text = f"{term.text}{star}"
    return text if term.field is None else f"{text}[{term.field}]"


def print_query(query: Query) -> str:
    """The canonical text of a query; parsing it gives back an equal tree.

    Only the right side of an operator needs parentheses, since operators fold to the left.

    >>> print_query(parse_query('bone  metastases[tiab] AND (pain OR "quality of life")'))
    '"bone metastases"[tiab] AND (pain OR "quality of life")'
    """
    if isinstance(query, Term):
        return _print_term(query)
    if isinstance(query, Range):
        return f"{query.start}:{query.end}[{query.field}]"
    operator = {And: "AND", Or: "OR", Not: "NOT"}[type(query)]
    right = print_query(query.right)
    if isinstance(query.right, And | Or | Not):
        right = f"({right})"
    return f"{print_query(query.left)} {operator} {right}"


def iter_terms(query: Query) -> list[Term | Range]:
    """Every term and range of a query, left to right.

    >>> [t.text for t in iter_terms(parse_query("pain (sbrt OR surgery)"))]
    ['pain', 'sbrt', 'surgery']
    """
    if isinstance(query, Term | Range):
        return [query]
    return iter_terms(query.left) + iter_terms(query.right)
