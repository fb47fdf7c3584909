"""Deeply nested JSON is a failure of its item (or of a one-answer file), never a
``RecursionError``: CSL-JSON, Semantic Scholar and Crossref inputs."""

from __future__ import annotations

import pytest

from bimscli.formats import _json_objects, crossref, csl_json, semantic_scholar, web_article
from bimscli.formats.base import SourceFormat
from bimscli.model import Entry, ParsedRecord, ParseFailure

DEPTH = 100_000
DEEP_ARRAY = "[" * DEPTH + "]" * DEPTH
DEEP_OBJECT = '{"a":' * DEPTH + "1" + "}" * DEPTH
CSL_ITEM = '{"id": "good%d", "type": "article-journal", "title": "Good %d"}'
S2_PAPER = '{"paperId": "p%d", "title": "Good %d", "year": 2020}'


def parse(fmt: SourceFormat, text: str) -> list[Entry]:
    return list(fmt.parse_string(text))


def kinds(entries: list[Entry]) -> list[str]:
    return ["record" if isinstance(e, ParsedRecord) else "failure" for e in entries]


@pytest.mark.parametrize("fmt", [csl_json.FORMAT, semantic_scholar.FORMAT, crossref.FORMAT],
                         ids=["csl-json", "semantic-scholar", "crossref"])  # fmt: skip
@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_OBJECT], ids=["arrays", "objects"])
def test_a_100k_deep_document_is_one_failure_with_a_one_line_message(
    fmt: SourceFormat, deep: str
) -> None:
    [failure] = parse(fmt, deep)
    assert isinstance(failure, ParseFailure)
    assert "nested deeper than 100 levels" in failure.message
    assert "\n" not in failure.message


@pytest.mark.parametrize(
    ("fmt", "item"),
    [
        pytest.param(csl_json.FORMAT, CSL_ITEM, id="csl-json-array"),
        pytest.param(semantic_scholar.FORMAT, S2_PAPER, id="semantic-scholar-list"),
    ],
)
@pytest.mark.parametrize(
    "deep",
    [
        pytest.param(DEEP_OBJECT, id="deep-item"),
        pytest.param('{"id": "x", "title": ' + DEEP_ARRAY + "}", id="deep-value-in-an-item"),
    ],
)
def test_a_deep_item_fails_alone_and_the_items_around_it_land(
    fmt: SourceFormat, item: str, deep: str
) -> None:
    text = "[" + item % (1, 1) + ",\n" + deep + ",\n" + item % (2, 2) + "]"
    entries = parse(fmt, text)
    assert kinds(entries) == ["record", "failure", "record"]
    failure = entries[1]
    assert isinstance(failure, ParseFailure)
    assert failure.position.line == 2
    assert "nested deeper" in failure.message


def test_a_deep_paper_in_a_semantic_scholar_data_response_fails_alone() -> None:
    data = ",".join([S2_PAPER % (1, 1), DEEP_OBJECT, S2_PAPER % (2, 2)])
    entries = parse(semantic_scholar.FORMAT, '{"total": 3, "offset": 0, "data": [' + data + "]}")
    assert kinds(entries) == ["record", "failure", "record"]


def test_deep_json_in_a_page_is_skipped_once_and_the_paper_after_it_is_found() -> None:
    text = "<p>junk " + DEEP_OBJECT + " more</p>\n" + S2_PAPER % (1, 1) + "\n"
    entries = parse(semantic_scholar.FORMAT, text)
    assert [e.source_key for e in entries if isinstance(e, ParsedRecord)] == ["p1"]


def test_the_depth_bound_is_a_named_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_json_objects, "MAX_JSON_DEPTH", 3)
    shallow = '{"id": "a", "type": "book", "title": "T", "author": [{"family": "Roe"}]}'
    too_deep = '{"id": "b", "type": "book", "title": "T", "note": [[["x"]]]}'
    entries = parse(csl_json.FORMAT, "[" + shallow + "," + too_deep + "]")
    assert kinds(entries) == ["record", "failure"]
    assert isinstance(entries[1], ParseFailure)
    assert "nested deeper than 3 levels" in entries[1].message


def test_deep_json_ld_in_a_web_page_is_skipped_and_the_page_is_read() -> None:
    page = (
        "<html><head><title>A page</title>"
        f'<script type="application/ld+json">{DEEP_OBJECT}</script></head>'
        f"<body><h1>A page</h1><p>{'word ' * 300}</p></body></html>"
    )
    entries = parse(web_article.FORMAT, page)
    assert kinds(entries) == ["record"]
