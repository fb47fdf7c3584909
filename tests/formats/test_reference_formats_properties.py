"""Property tests of the RIS, BibTeX and CSL-JSON parsers: no input makes them raise.

Plain random text rarely reaches past detection of a record, so the strategies also build
text from the pieces each format is made of (tag lines, ``@type{`` blocks, JSON items).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.formats import bibtex, csl_json, ris
from bimscli.formats._ris_record import KNOWN_TAGS
from bimscli.formats.base import SourceFormat
from bimscli.model import DocumentHeader, ParsedRecord, ParseFailure
from tests.formats.field_coverage import missing_fields

FORMATS = [ris.FORMAT, bibtex.FORMAT, csl_json.FORMAT]

_RIS_PIECES = st.sampled_from(
    ["TY  - JOUR", "ER  - ", "ER  -", "AU  - ", "SP  - 91-98", "PY  - 2021///", "AN  - 1",
     "UR  - https://pubmed.ncbi.nlm.nih.gov/1/", "DB  - Scopus", "C2  - 12", "SN  - 1234-567X",
     "  continued", "\ufeff", "\r", "", "KW - x", "DA  - 2021/13/45/"]
)  # fmt: skip
_BIB_PIECES = st.sampled_from(
    ["@article{k,", "@string{a = {x}}", "}", "{", '"', "title = {", "author = {A and B and {",
     "month = jan,", "year = 2021,", "pages = {1--2},", "# a", "\\'", "$\\beta", "%", "@",
     "date = {2021-99-99},", "eprinttype = {pmid}, eprint = {x},", "and others"]
)  # fmt: skip
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)
_CSL_KEYS = st.sampled_from(
    ["id", "type", "title", "author", "issued", "page", "ISSN", "keyword", "note", "number",
     "container-title", "DOI", "PMID", "PMCID", "URL", "ISBN", "language", "abstract"]
)  # fmt: skip
_CSL_ITEMS = st.dictionaries(_CSL_KEYS, _JSON_VALUES, max_size=8)


def _exhaust(fmt: SourceFormat, text: str) -> None:
    for entry in fmt.parse_string(text):
        assert isinstance(entry, ParsedRecord | ParseFailure | DocumentHeader)


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_no_parser_raises_on_arbitrary_text(fmt: SourceFormat, text: str) -> None:
    _exhaust(fmt, text)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_RIS_PIECES | st.text(max_size=20), max_size=30))
def test_ris_never_raises_on_tag_soup(lines: list[str]) -> None:
    _exhaust(ris.FORMAT, "\n".join(lines))


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(_BIB_PIECES | st.text(max_size=10), max_size=30))
def test_bibtex_never_raises_on_brace_soup(pieces: list[str]) -> None:
    _exhaust(bibtex.FORMAT, "\n".join(pieces))


@settings(max_examples=150, deadline=None)
@given(items=st.lists(_CSL_ITEMS | _JSON_VALUES, max_size=5))
def test_csl_json_never_raises_on_odd_items(items: list[object]) -> None:
    _exhaust(csl_json.FORMAT, json.dumps(items))


@settings(max_examples=100, deadline=None)
@given(items=st.lists(_CSL_ITEMS, max_size=5))
def test_csl_json_one_entry_per_item(items: list[dict[str, object]]) -> None:
    entries = list(csl_json.FORMAT.parse_string(json.dumps(items, indent=1)))
    assert [e.position.entry for e in entries] == list(range(1, len(items) + 1))  # type: ignore[union-attr]


_WORDS = st.text(alphabet="abcXYZ0123456789 -/.,:;()", min_size=1, max_size=25).filter(
    lambda s: any(c.isalnum() for c in s)
)
_RIS_FIELD_TAGS = sorted(KNOWN_TAGS - {"TY", "ER"})


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["JOUR", "CHAP", "BOOK", "ELEC", "GEN"]),
    fields=st.lists(st.tuples(st.sampled_from(_RIS_FIELD_TAGS), _WORDS), max_size=12),
)
def test_ris_keeps_every_field(kind: str, fields: list[tuple[str, str]]) -> None:
    """Whatever tags a record has, each value lands somewhere in the record."""
    lines = [f"TY  - {kind}", *(f"{tag}  - {value.strip()}" for tag, value in fields), "ER  - "]
    (entry,) = ris.FORMAT.parse_string("\n".join(lines) + "\n")
    assert isinstance(entry, ParsedRecord)
    assert missing_fields(entry, [(t, v.strip()) for t, v in fields]) == []


@settings(max_examples=200, deadline=None)
@given(item=st.dictionaries(_CSL_KEYS | st.text(min_size=1, max_size=8), _WORDS, max_size=10))
def test_csl_json_keeps_every_field(item: dict[str, str]) -> None:
    """Whatever keys an item has, each string value lands somewhere in the record."""
    (entry,) = csl_json.FORMAT.parse_string(json.dumps([item]))
    if isinstance(entry, ParseFailure):  # only a malformed date may fail an item
        assert "issued" in entry.message
        return
    assert isinstance(entry, ParsedRecord)
    fields = [(k, v) for k, v in item.items() if k not in ("type", "author")]
    assert missing_fields(entry, fields) == []


_BIB_FIELDS = st.sampled_from(
    ["title", "journal", "journaltitle", "shortjournal", "booktitle", "year", "date", "month",
     "volume", "number", "issue", "pages", "eid", "doi", "url", "eprint", "eprinttype", "pmid",
     "pmcid", "issn", "isbn", "abstract", "keywords", "note", "annote", "language", "langid",
     "publisher", "institution", "school", "editor", "series"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["article", "incollection", "book", "online", "misc", "techreport"]),
    fields=st.dictionaries(_BIB_FIELDS | st.from_regex(r"[a-z]{1,8}", fullmatch=True), _WORDS),
)
def test_bibtex_keeps_every_field(kind: str, fields: dict[str, str]) -> None:
    """Whatever fields an entry has, each value lands somewhere in the record."""
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    (entry,) = bibtex.FORMAT.parse_string(f"@{kind}{{key,\n{body}\n}}\n")
    assert isinstance(entry, ParsedRecord)
    # The test reads values as BibTeX does: runs of spaces are one space.
    wanted = [(name, " ".join(value.split())) for name, value in fields.items()]
    assert missing_fields(entry, wanted) == []
