"""The formatted HTML bibliography as a page a person opens, mails or prints."""

from __future__ import annotations

from datetime import date

import pytest

from bimscli.export import ExportItem
from bimscli.export.choices import OutputFormat
from bimscli.export.formatted import format_bibliography
from bimscli.export.pandoc_citeproc import ENGINE_VARIABLE
from bimscli.model import Identifiers, PartialDate, Record
from tests.export.clients import require_tool
from tests.export.hostile_library import HOSTILE_LIBRARY
from tests.export.html_pages import checked_page
from tests.export.nasty_library import NASTY_LIBRARY

MADE = date(2026, 2, 3)


@pytest.fixture(params=["pandoc", "citeproc-py"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each formatting engine in turn (pandoc only where it is installed)."""
    name = str(request.param)
    if name == "pandoc":
        require_tool("pandoc")
    monkeypatch.setenv(ENGINE_VARIABLE, name)
    return name


def _work(key: str, tags: tuple[str, ...], doi: str = "") -> ExportItem:
    record = Record(
        title=f"Work {key}", journal="Spine", date=PartialDate(2020), ids=Identifiers(doi=doi)
    )
    return ExportItem(key, record, tags)


def test_a_reading_list_is_a_titled_page_with_its_date_and_count(engine: str) -> None:
    page = format_bibliography(NASTY_LIBRARY, "vancouver", OutputFormat.HTML, made=MADE)
    root = checked_page(page)
    assert root.findtext(".//h1") == "Bibliography"
    assert f"Made 2026-02-03 · {len(NASTY_LIBRARY)} works" in page
    assert len(root.find_class("csl-entry")) == len(NASTY_LIBRARY)
    assert root.find(".//nav") is None  # one section: no contents


def test_dois_are_links_to_doi_org_with_either_engine(engine: str) -> None:
    page = format_bibliography(NASTY_LIBRARY, "vancouver", OutputFormat.HTML, made=MADE)
    hrefs = [str(a.get("href")) for a in checked_page(page).iter("a")]
    assert "https://doi.org/10.1002/cncr_32000" in hrefs
    assert all(h.startswith("https://") for h in hrefs), hrefs


def test_a_digest_has_contents_and_counted_sections(engine: str) -> None:
    items = [_work("a", ("pain",)), _work("b", ("pain", "sbrt")), _work("c", ())]
    page = format_bibliography(items, "apa", OutputFormat.HTML, group_by_tag=True, made=MADE)
    root = checked_page(page)
    assert root.findtext(".//h1") == "Digest"
    assert "3 works" in page
    headings = [str(h.text) for h in root.findall(".//section/h2")]
    assert headings == ["pain (2)", "sbrt (1)", "untagged (1)"]
    assert len(root.findall(".//nav//li")) == 3


@pytest.mark.parametrize(
    "tags",
    [
        pytest.param(('"><script>alert(1)</script>', "x"), id="markup"),
        pytest.param(("a/b", "a-b", "A B"), id="same-slug"),
        pytest.param(("疼痛", "болезнь"), id="no-ascii"),
        pytest.param(("#", "  "), id="punctuation-only"),
    ],
)
def test_section_ids_are_safe_and_distinct_for_any_tag(tags: tuple[str, ...]) -> None:
    items = [_work(str(n), (tag,)) for n, tag in enumerate(tags)]
    page = format_bibliography(items, "apa", OutputFormat.HTML, group_by_tag=True, made=MADE)
    root = checked_page(page)  # every contents link has its target
    ids = [str(s.get("id")) for s in root.findall(".//section")]
    assert len(set(ids)) == len(ids) == len(tags)
    assert all(i.replace("-", "").isalnum() and i.isascii() for i in ids), ids
    assert "<script>" not in page


def test_a_hostile_digest_is_a_safe_page(engine: str) -> None:
    page = format_bibliography(
        HOSTILE_LIBRARY, "apa", OutputFormat.HTML, group_by_tag=True, made=MADE
    )
    root = checked_page(page)
    for link in root.iter("a"):
        assert str(link.get("href")).startswith(("https://", "http://", "#"))
