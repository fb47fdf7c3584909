"""``[status]``: the work's curation status, a library-side value passed to the matcher."""

from __future__ import annotations

import pytest

from bimscli.model import AbstractSection, Record
from bimscli.query import QueryError, Search
from bimscli.tagging import Tagger, parse_rules

RECORD = Record(title="Exercise for bone metastases", abstract=(AbstractSection("Pain fell."),))


@pytest.mark.parametrize(
    ("query", "status", "expected"),
    [
        pytest.param("selected[status]", "selected", True, id="selected"),
        pytest.param("selected[status]", "maybe", False, id="other-status"),
        pytest.param("Selected[Status]", "selected", True, id="case"),
        pytest.param("none[status]", None, True, id="none-matches-no-status"),
        pytest.param("none[status]", "new", False, id="none-is-not-new"),
        pytest.param("new[status]", None, False, id="new-is-not-none"),
        pytest.param("pain[tiab] NOT rejected[status]", "maybe", True, id="combined"),
        pytest.param("pain[tiab] NOT rejected[status]", "rejected", False, id="not"),
        pytest.param("selected[status] OR maybe[status]", "maybe", True, id="or"),
    ],
)
def test_status_terms_read_the_status_given(query: str, status: str | None, expected: bool) -> None:
    assert Search(query).matches(RECORD, (), status) is expected


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("accepted[status]", id="unknown-status"),
        pytest.param("select*[status]", id="truncated"),
    ],
)
def test_unknown_statuses_are_query_errors(query: str) -> None:
    with pytest.raises(QueryError, match=r"a \[status\] is one of maybe, new, none"):
        Search(query)


def test_a_rule_can_tag_by_status() -> None:
    rules = parse_rules('[tags."issue/next"]\nquery = "selected[status] AND pain[tiab]"\n', "t")
    tagger = Tagger(rules.rules)
    assert tagger.tag(RECORD, (), "selected") == {"issue/next"}
    assert tagger.tag(RECORD, (), "maybe") == frozenset()
    assert tagger.tag(RECORD) == frozenset()
