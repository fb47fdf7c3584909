"""Detection of the plain-text seed formats, and parsers that never raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bimscli.formats import biomednews, detect_format, lay_summary, pubmed_page
from bimscli.formats.base import Sniff, SourceFormat
from tests.golden import FIXTURES

MINE = (biomednews.FORMAT, pubmed_page.FORMAT, lay_summary.FORMAT)
SEEDS = {
    "biomednews": FIXTURES / "biomednews" / "000_4c0a4a96eb322688.txt",
    "pubmed-page": FIXTURES / "pubmed-page" / "001_883bc7bd48de00b4.txt",
    "lay-summary": FIXTURES / "lay-summary" / "002_da2b409ab0d6fc3d.txt",
}
OTHERS = [
    FIXTURES / "detection" / "003_ca0a1f4d5cab573a.txt",
    FIXTURES / "detection" / "004_42fa116a97755ad3.txt",
    *sorted((FIXTURES / "biomednews").glob("biomed.news_*.txt")),
    FIXTURES / "pubmed-page" / "full-author-list.txt",
]


def _sniff(path: Path) -> Sniff:
    return Sniff(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_is_detected_as_its_own_format_only(name: str) -> None:
    sniff = _sniff(SEEDS[name])
    scores = {fmt.name: fmt.detect(sniff) for fmt in MINE}
    assert scores[name] >= 0.9
    assert all(score < 0.5 for other, score in scores.items() if other != name), scores
    assert detect_format(sniff).name == name


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_other_inputs_are_claimed_by_at_most_their_own_format(path: Path) -> None:
    sniff = _sniff(path)
    sure = [fmt.name for fmt in MINE if fmt.detect(sniff) >= 0.5]
    expected = {"biomed": ["biomednews"], "full-author-list": ["pubmed-page"]}
    assert sure == next((v for k, v in expected.items() if path.name.startswith(k)), [])


SEED_LINES = [
    line for path in SEEDS.values() for line in path.read_text(encoding="utf-8").splitlines()
]


@pytest.mark.parametrize("fmt", MINE, ids=lambda f: f.name)
@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_parser_never_raises_on_arbitrary_text(fmt: SourceFormat, text: str) -> None:
    list(fmt.parse_string(text))


@pytest.mark.parametrize("fmt", MINE, ids=lambda f: f.name)
@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=40)), max_size=30))
def test_parser_never_raises_on_shuffled_seed_lines(fmt: SourceFormat, lines: list[str]) -> None:
    list(fmt.parse_string("\n".join(lines)))
