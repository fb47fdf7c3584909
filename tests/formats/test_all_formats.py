"""Properties every registered format must have, whatever its input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bimscli.formats import FORMATS
from bimscli.formats.base import Sniff, SourceFormat
from bimscli.model import DocumentHeader, ParsedRecord, ParseFailure

_FORMAT_PARAMS = [pytest.param(f, id=f.name) for f in FORMATS]

# Text that looks a little like every format: tags, braces, markup, dashes, numbers, unicode.
_SNIPPETS = st.sampled_from(
    [
        "TY  - ",
        "ER  - ",
        "PMID- ",
        "@article{",
        "}",
        "{",
        "<PubmedArticle>",
        "</",
        '{"title":',
        "[",
        "]",
        "  1. ",
        "DOI:  https://doi.org/10.1/x",
        "Keywords:",
        "\n",
        "\r\n",
        "\t",
        ",",
        "Issue of 2025–06–15",
        "Biomed News",
        "et al.",
        "\u00a0",
        "é",
        "10.1000/xyz",
        "2021 Jun 1",
        '<meta name="citation_title" content="',
        '"',
        "\\",
        "&amp;",
        "ID,title,author\n",
    ]
)
_TEXT = st.lists(st.one_of(_SNIPPETS, st.text(max_size=20)), max_size=40).map("".join)


@pytest.mark.parametrize("fmt", _FORMAT_PARAMS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_no_parser_raises_on_arbitrary_text(fmt: SourceFormat, text: str) -> None:
    entries = list(fmt.parse_string(text))
    headers = [e for e in entries if isinstance(e, DocumentHeader)]
    assert len(headers) <= 1
    for entry in entries:
        assert isinstance(entry, ParsedRecord | ParseFailure | DocumentHeader)
        if isinstance(entry, ParsedRecord | ParseFailure):
            assert entry.position.line >= 1
            assert entry.position.entry >= (1 if isinstance(entry, ParsedRecord) else 0)


@pytest.mark.parametrize("fmt", _FORMAT_PARAMS)
@settings(max_examples=100, deadline=None)
@given(text=_TEXT, name=st.sampled_from(["", "x.txt", "a.bib", "b.ris", "c.xml.gz", "d.json"]))
def test_detection_is_a_confidence(fmt: SourceFormat, text: str, name: str) -> None:
    assert 0.0 <= fmt.detect(Sniff(text, name)) <= 1.0


def test_format_names_are_unique() -> None:
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
