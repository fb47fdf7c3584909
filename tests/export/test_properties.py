"""Invariants of the exporters on arbitrary text (hypothesis)."""

from __future__ import annotations

import re

from bibtexparser.entrypoint import parse_string as parse_bibtex
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex
from bimscli.export.citekeys import make_citation_key
from bimscli.export.latex import title_to_latex
from bimscli.model import Author, PartialDate, Record

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
