"""The issue writers: BiomedNews text that reads back, and web pages that show data as data."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bimscli.errors import UsageError
from bimscli.formats.biomednews import parse_biomednews_issue
from bimscli.model import (
    AbstractSection,
    Author,
    DocumentHeader,
    Identifiers,
    ParsedRecord,
    PartialDate,
    Record,
)
from bimscli.newsletter.biomednews import IssueHeading, journal_line, write_biomednews_issue
from bimscli.newsletter.entries import EntryGroup, IssueContent, IssueEntry, group_by_tag
from bimscli.newsletter.web_pages import write_html_issue, write_markdown_issue

HEADING = IssueHeading(
    "bims-rebome", "2025-06-15", "Rehabilitation of bone metastases", "Alberto Selvanetti",
    "Azienda Ospedaliera San Giovanni Addolorata",
)  # fmt: skip

FULL = Record(
    title="Exercise in patients with bone metastases: a randomised trial",
    authors=(
        Author(family="Selvanetti", given="Alberto"),
        Author(family="van der Berg", given="Anna B."),
        Author(group="AO Spine Knowledge Forum Tumor"),
    ),
    journal_abbrev="Support Care Cancer",
    date=PartialDate(2024, 3, 9),
    volume="32",
    issue="4",
    pages="211-219",
    ids=Identifiers(doi="10.1007/s00520-024-08400-1"),
    abstract=(
        AbstractSection("Bone metastases limit exercise.", "BACKGROUND"),
        AbstractSection("Eighty patients were randomised.", "Study Design"),
        AbstractSection("Pain fell.", "Results"),
    ),
    keywords=("exercise", "bone metastases"),
)


def _read_back(text: str) -> tuple[dict[str, str], list[Record]]:
    entries = list(parse_biomednews_issue(text))
    assert all(isinstance(e, DocumentHeader | ParsedRecord) for e in entries), entries
    header = next(e for e in entries if isinstance(e, DocumentHeader))
    return dict(header.fields), [e.record for e in entries if isinstance(e, ParsedRecord)]


def test_title_authors_and_groups_read_back() -> None:
    header, (record,) = _read_back(write_biomednews_issue(HEADING, [FULL]))
    assert header["papers"] == "1"
    assert record.title == FULL.title
    assert [a.family or a.group for a in record.authors] == [
        "Selvanetti", "van der Berg", "AO Spine Knowledge Forum Tumor",
    ]  # fmt: skip
    assert [a.given for a in record.authors[:2]] == ["A", "AB"]
    for name in ("date", "volume", "issue", "pages", "ids", "abstract", "keywords"):
        assert getattr(record, name) == getattr(FULL, name), name


@pytest.mark.parametrize(
    ("record", "line"),
    [
        pytest.param(
            Record(journal_abbrev="Cardiovasc Intervent Radiol", date=PartialDate(2025, 6, 6)),
            "Cardiovasc Intervent Radiol. 2025 Jun 06.",
            id="date-only",
        ),
        pytest.param(
            Record(journal_abbrev="Nature", date=PartialDate(2019, 6), volume="570", issue="7759",
                   pages="36"),
            "Nature. 2019 Jun;570(7759): 36",
            id="month-semicolon",
        ),
        pytest.param(
            Record(journal_abbrev="Arch Soc Esp Oftalmol", epub_date=PartialDate(2019, 5, 30),
                   ids=Identifiers(pii="S0365-6691(19)30129-7")),
            "Arch Soc Esp Oftalmol. 2019 May 30. pii: S0365-6691(19)30129-7. [Epub ahead of print]",
            id="ahead-of-print-no-locator",
        ),
        pytest.param(
            Record(journal_abbrev="Global Spine J", date=PartialDate(2025, 6, 6),
                   article_number="21925682251347247"),
            "Global Spine J. 2025 Jun 06. 21925682251347247",
            id="article-number",
        ),
        pytest.param(
            Record(journal_abbrev="Cardiol Young", date=PartialDate(2025, 10, 20), pages="1-5"),
            "Cardiol Young. 2025 Oct 20. 1-5",
            id="pages-only",
        ),
        pytest.param(
            Record(journal="Lancet", date=PartialDate(2020), volume="395"),
            "Lancet. 2020;395:",
            id="year-only-full-title",
        ),
    ],
)  # fmt: skip
def test_journal_lines_follow_pubmed_and_read_back(record: Record, line: str) -> None:
    assert journal_line(record) == line
    _, (back,) = _read_back(write_biomednews_issue(HEADING, [record]))
    for name in ("date", "epub_date", "volume", "issue", "pages", "article_number"):
        assert getattr(back, name) == getattr(record, name), name
    assert back.ids.pii == record.ids.pii


@pytest.mark.parametrize(
    ("record", "message"),
    [
        pytest.param(Record(date=PartialDate(2024)), "entry 1 has no journal", id="no-journal"),
        pytest.param(Record(journal="Lancet"), "entry 1 has no publication date", id="no-date"),
    ],
)
def test_entries_that_could_not_be_read_back_are_refused(record: Record, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        write_biomednews_issue(HEADING, [record])


# Lower-case words: a capitalised first word such as "DesignThe" would read as a glued label.
_WORDS = st.text(st.characters(codec="utf-8", categories=("Ll", "N")), min_size=1, max_size=12)
_SENTENCES = st.lists(_WORDS, min_size=1, max_size=12).map(lambda w: " ".join(w) + ".")


@settings(max_examples=60, deadline=None)
@given(
    abstract=st.lists(_SENTENCES, min_size=1, max_size=3),
    keywords=st.lists(_WORDS, max_size=4),
    day=st.integers(1, 28),
)
def test_export_then_read_keeps_abstract_and_keywords(
    abstract: list[str], keywords: list[str], day: int
) -> None:
    # One paragraph, or an unlabelled opening followed by labelled sections.
    sections = [AbstractSection(text, "METHODS" if n else None) for n, text in enumerate(abstract)]
    record = Record(
        journal_abbrev="J Bone Oncol",
        date=PartialDate(2025, 2, day),
        abstract=tuple(sections),
        keywords=tuple(keywords),
    )
    _, (back,) = _read_back(write_biomednews_issue(HEADING, [record]))
    assert (back.abstract, back.keywords, back.date) == (
        record.abstract, record.keywords, record.date,
    )  # fmt: skip


# Web pages -------------------------------------------------------------------------------------

HOSTILE = Record(
    title='<script>alert("t")</script> & [click](javascript:alert(1))',
    authors=(Author(group="<img src=x onerror=alert(1)>"),),
    journal_abbrev="J *Bold* _Em_",
    date=PartialDate(2025, 1, 2),
    ids=Identifiers(doi='10.1000/"><script>x</script>'),
    abstract=(AbstractSection("1. Not a list <b>bold</b> ![img](http://evil/x.png)", "<i>L</i>"),),
    keywords=("<a href='javascript:x'>k</a>",),
)
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "p",
    "ol", "li", "article", "section", "span", "a", "strong", "em",
}  # fmt: skip


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)
        self.links.extend(value or "" for name, value in attrs if name in ("href", "src"))


def _elements(html_text: str) -> _Elements:
    parser = _Elements()
    parser.feed(html_text)
    return parser


def _content(*records: Record, by_tag: bool = False) -> IssueContent:
    entries = [IssueEntry(n, r, ("pain",) if n == 1 else ()) for n, r in enumerate(records, 1)]
    groups = group_by_tag(entries) if by_tag else (EntryGroup(None, tuple(entries)),)
    return IssueContent(HEADING, groups)


def _assert_only_safe_markup(page: _Elements) -> None:
    assert set(page.tags) <= ALLOWED_TAGS, set(page.tags) - ALLOWED_TAGS
    assert not [a for a in page.attributes if a.startswith("on")]
    assert page.links
    assert all(link.startswith("https://doi.org/10.") for link in page.links)
    assert "https://doi.org/10.1000/%22%3E%3Cscript%3Ex%3C/script%3E" in page.links


@pytest.mark.parametrize("by_tag", [pytest.param(False, id="plain"), pytest.param(True, id="tag")])
def test_html_shows_hostile_data_as_text(by_tag: bool) -> None:
    page_text = write_html_issue(_content(HOSTILE, FULL, by_tag=by_tag))
    page = _elements(page_text)
    _assert_only_safe_markup(page)
    assert page.tags.count("h1") == 1
    assert page.tags.count("article") == 2
    assert '<html lang="en">' in page_text
    assert "<title>" in page_text
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page_text
    assert ("<h2>pain</h2>" in page_text) is by_tag


def test_markdown_shows_hostile_data_as_text() -> None:
    text = write_markdown_issue(_content(HOSTILE, FULL, by_tag=True))
    rendered = MarkdownIt("commonmark").render(text)
    _assert_only_safe_markup(_elements(rendered))
    assert "&lt;script&gt;" in rendered
    assert "javascript:alert(1)" in rendered
    assert "<em>" not in rendered.split("<h2>")[2].split("</h2>")[0]  # no markup in headings
    assert "## pain" in text
    assert "## Other papers" in text
    assert re.search(r"^1\. \*\*", text, re.MULTILINE)
    assert rendered.count("<li>") == 2  # "1. Not a list" in the abstract stays text
    assert '<ol start="2">' in rendered  # numbering goes on across the tag groups
