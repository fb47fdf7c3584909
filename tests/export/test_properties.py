"""Invariants of the exporters on arbitrary text (hypothesis)."""

from __future__ import annotations

import json
import re

import pytest
from bibtexparser.entrypoint import parse_string as parse_bibtex
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bimscli.control_characters import CONTROL_CHARACTER
from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex, written_fields
from bimscli.export.choices import OutputFormat
from bimscli.export.citekeys import make_citation_key
from bimscli.export.csl_json import csl_item, write_csl_json
from bimscli.export.formatted import format_bibliography
from bimscli.export.latex import title_to_latex
from bimscli.export.ris import ris_fields, write_ris
from bimscli.formats import get_format
from bimscli.formats.ris import split_ris_tag
from bimscli.model import (
    AbstractSection,
    Author,
    Identifiers,
    ParsedRecord,
    PartialDate,
    Record,
    WorkType,
)
from tests.export.html_pages import data_markup

texts = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60)
markup = st.lists(st.one_of(texts, st.sampled_from(["<i>", "</i>", "<sup>", "</b>", "<b>"])))


def _balanced(latex: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@given(markup)
def test_titles_become_ascii_latex_with_balanced_braces(parts: list[str]) -> None:
    latex = title_to_latex("".join(parts), ascii_only=True)
    assert latex.isascii()
    assert _balanced(latex)


@given(markup)
def test_biblatex_titles_have_balanced_braces(parts: list[str]) -> None:
    assert _balanced(title_to_latex("".join(parts), ascii_only=False))


records = st.builds(
    Record,
    title=st.one_of(st.none(), texts),
    authors=st.lists(
        st.one_of(
            st.builds(Author, family=texts, given=st.one_of(st.none(), texts)),
            st.builds(Author, group=texts),
        ),
        max_size=3,
    ).map(tuple),
    journal=st.one_of(st.none(), texts),
    date=st.one_of(st.none(), st.builds(PartialDate, st.integers(1, 2100))),
)


@settings(max_examples=60)
@given(st.lists(records, min_size=1, max_size=4), st.sampled_from(list(Dialect)))
def test_bibtexparser_reads_any_export_back(batch: list[Record], dialect: Dialect) -> None:
    taken: set[str] = set()
    items = []
    for record in batch:
        key = make_citation_key(record, taken)
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key)
        assert key.casefold() not in taken
        taken.add(key.casefold())
        items.append(ExportItem(key, record))
    text = write_bibtex(items, dialect)
    if dialect is Dialect.BIBTEX:
        assert text.isascii()
    library = parse_bibtex(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [i.key for i in items]


# Issue 19: arbitrary strings, with the characters that attack each format over-represented,
# in every field of every export format.
_TRAPS = [
    "{", "}", "\\", "%", "#", "@", '"', "'", " and ", " AND ", ",", "others", "given=", "=",
    "\x00", "\x07", "\x1b[31m", "\x1b]0;t\x07", "\x7f", "\x9b", "\r", "\n", "\r\n", "\t",
    "\x0b", "\x1c", "\x85", "\u2028", "<script>", "](javascript:", "&lt;", "$", "~", "^", "_",
    "--", "TY  - ", "\nER  - ", "@article{x,", "1. ", "- ", " ",
]  # fmt: skip
hostile_texts = st.lists(
    st.one_of(st.sampled_from(_TRAPS), st.text(max_size=4)), min_size=1, max_size=6
).map("".join)
_maybe = st.one_of(st.none(), hostile_texts)
hostile_authors = st.one_of(
    st.builds(Author, family=hostile_texts, given=_maybe, suffix=_maybe),
    st.builds(Author, group=hostile_texts),
)
hostile_records = st.builds(
    Record,
    type=st.sampled_from(list(WorkType)),
    title=_maybe,
    authors=st.lists(hostile_authors, max_size=3).map(tuple),
    authors_complete=st.booleans(),
    journal=_maybe,
    journal_abbrev=_maybe,
    issn=st.lists(hostile_texts, max_size=2).map(tuple),
    publisher=_maybe,
    date=st.one_of(
        st.none(),
        # years the parsers believe (1000-2999)
        st.builds(PartialDate, st.integers(1000, 2999), st.one_of(st.none(), st.integers(1, 12))),
    ),
    volume=_maybe,
    issue=_maybe,
    pages=_maybe,
    article_number=_maybe,
    ids=st.builds(Identifiers, doi=_maybe, pmid=_maybe, pmcid=_maybe, url=_maybe),
    abstract=st.lists(st.builds(AbstractSection, hostile_texts, _maybe), max_size=2).map(tuple),
    language=_maybe,
    note=_maybe,
)
hostile_batches = st.lists(
    st.tuples(hostile_records, st.lists(hostile_texts, max_size=2)), min_size=1, max_size=3
)


def _items(batch: list[tuple[Record, list[str]]]) -> list[ExportItem]:
    taken: set[str] = set()
    items = []
    for record, tags in batch:
        key = make_citation_key(record, taken)
        taken.add(key.casefold())
        items.append(ExportItem(key, record, tuple(tags)))
    return items


def _no_control_characters(text: str) -> None:
    assert CONTROL_CHARACTER.search(text) is None, repr(CONTROL_CHARACTER.search(text))


@settings(max_examples=50, deadline=None)
@given(hostile_batches, st.sampled_from(list(Dialect)))
def test_bibtex_parsers_read_back_every_entry_and_field_of_hostile_values(
    batch: list[tuple[Record, list[str]]], dialect: Dialect
) -> None:
    items = _items(batch)
    text = write_bibtex(items, dialect)
    _no_control_characters(text)
    library = parse_bibtex(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [i.key for i in items]
    for item, entry in zip(items, library.entries, strict=True):
        written = [(n, v) for n, v in written_fields(item, dialect)[1] if n != "month"]
        assert [(f.key, f.value) for f in entry.fields if f.key != "month"] == written
    parsed = list(get_format("bibtex").parse_string(text))
    assert all(isinstance(p, ParsedRecord) for p in parsed), parsed
    assert [p.source_key for p in parsed if isinstance(p, ParsedRecord)] == [i.key for i in items]


@settings(max_examples=50, deadline=None)
@given(hostile_batches)
def test_ris_is_read_back_with_every_record_and_field_of_hostile_values(
    batch: list[tuple[Record, list[str]]],
) -> None:
    items = _items(batch)
    text = write_ris(items)
    _no_control_characters(text)
    tagged = [split_ris_tag(line) for line in text.splitlines() if line]
    expected = [f for i in items for f in [*ris_fields(i), ("ER", "")]]
    assert tagged == expected  # every line a tag line, every value whole on its own line
    parsed = list(get_format("ris").parse_string(text))
    assert len(parsed) == len(items)
    assert all(isinstance(p, ParsedRecord) for p in parsed), parsed


@settings(max_examples=50, deadline=None)
@given(hostile_batches)
def test_csl_json_is_read_back_exactly_from_hostile_values(
    batch: list[tuple[Record, list[str]]],
) -> None:
    items = _items(batch)
    text = write_csl_json(items)
    _no_control_characters(text)
    assert json.loads(text) == [csl_item(i) for i in items]
    parsed = list(get_format("csl-json").parse_string(text))
    assert len(parsed) == len(items)
    assert all(isinstance(p, ParsedRecord) for p in parsed), parsed


_MARKDOWN = MarkdownIt("commonmark", {"html": True})


@settings(max_examples=20, deadline=None)  # citeproc-py takes a second or so an example
@given(hostile_batches)
def test_formatted_bibliographies_pass_no_markup_link_or_control_from_data(
    batch: list[tuple[Record, list[str]]],
) -> None:
    items = _items(batch)
    with pytest.MonkeyPatch.context() as env:
        # citeproc-py here; pandoc (a process per section) on a fixed hostile library in
        # test_real_clients.py, where it is fast enough
        env.setenv("BIMS_CITEPROC", "citeproc-py")
        texts = {o: format_bibliography(items, "apa", o, group_by_tag=True) for o in OutputFormat}
    for text in texts.values():
        _no_control_characters(text)
    markdown = texts[OutputFormat.MARKDOWN]
    tokens = [t for block in _MARKDOWN.parse(markdown) for t in [block, *(block.children or [])]]
    assert {t.type for t in tokens} <= _PLAIN_MARKDOWN_TOKENS, markdown
    for token in tokens:
        href = str(token.attrs.get("href", "https://"))
        assert href.startswith(("https://", "http://")), markdown
    root = data_markup(texts[OutputFormat.HTML])  # headings are checked to be text only
    tags = {str(e.tag) for e in root.iter()}
    assert tags <= {"body", "div", "i", "b", "em", "strong", "sup", "sub", "a", "span"}
    for element in root.iter("a"):
        assert str(element.get("href")).startswith(("https://", "http://"))


# Paragraphs, headings (the digest's tags), emphasis and text: no list, no code, no HTML.
_PLAIN_MARKDOWN_TOKENS = {
    "paragraph_open", "paragraph_close", "heading_open", "heading_close", "inline", "text",
    "em_open", "em_close", "strong_open", "strong_close", "softbreak", "link_open",
    "link_close",
}  # fmt: skip
