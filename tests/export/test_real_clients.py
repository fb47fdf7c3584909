"""The exports as the real clients read them: biber validates BibLaTeX, pandoc renders BibTeX
and CSL-JSON. Neither may report an error or a warning, for the nasty library and for records
parsed from the five seeds (newsletter entries without titles or authors, a web page, …)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string as parse_bibtex
from lxml import etree
from markdown_it import MarkdownIt

from bimscli.control_characters import CONTROL_CHARACTER, drop_control_characters
from bimscli.export import ExportItem
from bimscli.export.bibtex import Dialect, write_bibtex, written_fields
from bimscli.export.choices import OutputFormat
from bimscli.export.citekeys import make_citation_key
from bimscli.export.csl_json import write_csl_json
from bimscli.export.formatted import format_bibliography
from bimscli.formats import Sniff, detect_format
from bimscli.model import Author, ParsedRecord, Record
from tests.export.clients import (
    biber_tool_output,
    require_tool,
    run_biber_validation,
    run_pandoc,
    run_pandoc_citeproc,
)
from tests.export.hostile_library import HOSTILE_LIBRARY, INJECTION, generated_hostile_items
from tests.export.html_pages import data_markup
from tests.export.nasty_library import NASTY_LIBRARY
from tests.golden import FIXTURES

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def seed_items() -> tuple[ExportItem, ...]:
    """The records of the five seed documents, each read by the format bims detects for it,
    keyed as the library would key them."""
    records = []
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        fmt = detect_format(Sniff(text[:4096], path.name))
        records += [e.record for e in fmt.parse_string(text) if isinstance(e, ParsedRecord)]
    assert len(records) >= len(SEEDS), "the seeds gave too few records"
    taken: set[str] = set()
    items = []
    for record in records:
        key = make_citation_key(record, taken)
        taken.add(key.casefold())
        items.append(ExportItem(key, record, ("seed",)))
    return tuple(items)


LIBRARIES = [
    pytest.param(lambda: NASTY_LIBRARY, id="nasty"),
    pytest.param(seed_items, id="seeds"),
]


@pytest.mark.parametrize("library", LIBRARIES)
def test_biber_validates_every_biblatex_entry(library: object, tmp_path: Path) -> None:
    items = library()  # type: ignore[operator]
    bib = tmp_path / "export.bib"
    bib.write_text(write_bibtex(items, Dialect.BIBLATEX), encoding="utf-8")
    assert run_biber_validation(bib) == ""


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        pytest.param(".bibtex", write_bibtex, id="bibtex"),
        pytest.param(".json", write_csl_json, id="csl-json"),
    ],
)
def test_pandoc_renders_every_entry(
    library: object, suffix: str, write: object, tmp_path: Path
) -> None:
    items: tuple[ExportItem, ...] = library()  # type: ignore[operator]
    bibliography = tmp_path / ("export" + suffix)
    bibliography.write_text(write(items), encoding="utf-8")  # type: ignore[operator]
    output, warnings = run_pandoc_citeproc(bibliography, [i.key for i in items])
    assert warnings == ""
    entries = [e for e in output.split("\n\n") if e.strip()]
    assert len(entries) == len(items), output


def test_pandoc_reads_latex_escapes_back_to_unicode(tmp_path: Path) -> None:
    bibliography = tmp_path / "export.bibtex"
    bibliography.write_text(write_bibtex(NASTY_LIBRARY), encoding="utf-8")
    output, _ = run_pandoc_citeproc(bibliography, [NASTY_LIBRARY[0].key, NASTY_LIBRARY[2].key])
    flat = " ".join(output.split())
    for text in (
        "Müller, Jürgen",
        "Ødegård",
        "Łukasiewicz",
        "TGF-β",
        "≥65",
        "5 ± 2",
        "× 3",
        "Ca²⁺",
    ):
        assert text in flat
    for protected in ("BRCA1-mutated", "H₂O₂", "SBRT", "MESCC", "IL-6", "mHealth"):
        assert protected in flat


def test_the_client_checks_can_fail(tmp_path: Path) -> None:
    """The checks above see warnings when there are some (no vacuous passes)."""
    bib = tmp_path / "bad.bib"
    bib.write_text("@article{bad,\n  pmid = {1},\n}\n", encoding="utf-8")
    assert "pmid" in run_biber_validation(bib)
    _, warnings = run_pandoc_citeproc(bib, ["missingKey"])
    assert "missingKey" in warnings


# Issue 19: values that attack the exports, read by the real clients.


def _typed_fields_plain(item: ExportItem) -> ExportItem:
    """The item with plain values in the fields biber types (volume an integer, the ISSN
    checked, pages a range): biber ignores an ill-typed value by design, whatever the export."""
    record = dataclasses.replace(item.record, volume="12", issn=("0029-7860",), pages="91-98")
    return ExportItem(item.key, record, item.tags)


HOSTILE_LIBRARIES = [
    pytest.param(lambda: HOSTILE_LIBRARY, id="hostile"),
    pytest.param(lambda: generated_hostile_items(200), id="generated-hostile"),
]


@pytest.mark.parametrize("library", HOSTILE_LIBRARIES)
def test_biber_reads_every_hostile_entry_and_field_and_no_other(
    library: Callable[[], tuple[ExportItem, ...]], tmp_path: Path
) -> None:
    items = [_typed_fields_plain(i) for i in library()]
    bib = tmp_path / "hostile.bib"
    bib.write_text(write_bibtex(items, Dialect.BIBLATEX), encoding="utf-8")
    assert run_biber_validation(bib) == ""
    read = parse_bibtex(biber_tool_output(bib))
    assert read.failed_blocks == []
    assert [e.key for e in read.entries] == [i.key for i in items]
    for item, entry in zip(items, read.entries, strict=True):
        written = {name for name, _ in written_fields(item, Dialect.BIBLATEX)[1]}
        assert {f.key.lower() for f in entry.fields} == written, item.key


@pytest.mark.parametrize(
    ("dialect", "reader"),
    [
        pytest.param(Dialect.BIBTEX, "bibtex", id="bibtex"),
        pytest.param(Dialect.BIBLATEX, "biblatex", id="biblatex"),
    ],
)
def test_pandoc_reads_every_hostile_entry_with_its_authors(
    dialect: Dialect, reader: str, tmp_path: Path
) -> None:
    items = HOSTILE_LIBRARY + generated_hostile_items(50)
    bib = tmp_path / "hostile.bib"
    bib.write_text(write_bibtex(items, dialect), encoding="utf-8")
    read = json.loads(run_pandoc(bib, reader, "csljson"))
    assert [e["id"] for e in read] == [i.key for i in items]
    for item, entry in zip(items, read, strict=True):
        named = [a for a in item.record.authors if _has_name_text(a)]
        assert len(entry["author"]) == len(named), item.key


def _has_name_text(author: Author) -> bool:
    parts = (author.group, author.family, author.given)
    return any(drop_control_characters(p or "").strip() for p in parts)


@pytest.mark.parametrize("dialect", list(Dialect))
def test_pandoc_reads_the_injected_title_as_one_title(dialect: Dialect, tmp_path: Path) -> None:
    record = Record(title=INJECTION, authors=(Author(family="Doe", given="Ann"),))
    bib = tmp_path / "injection.bib"
    bib.write_text(write_bibtex([ExportItem("injected", record)], dialect), encoding="utf-8")
    (entry,) = json.loads(run_pandoc(bib, dialect.value, "csljson"))
    assert "note" not in entry
    assert "page" not in entry
    assert entry["title"].startswith("Harmless title")
    assert entry["title"].endswith("note = {INJECTED-NOTE}, pages = zz")


def test_pandoc_renders_the_hostile_markdown_digest_without_html_or_script_links(
    tmp_path: Path,
) -> None:
    items = HOSTILE_LIBRARY + generated_hostile_items(50)
    digest = tmp_path / "digest.md"
    digest.write_text(
        format_bibliography(items, "apa", OutputFormat.MARKDOWN, group_by_tag=True),
        encoding="utf-8",
    )
    html = run_pandoc(digest, "markdown", "html")
    root = etree.fromstring(f"<body>{html}</body>")
    assert {str(e.tag) for e in root.iter()} <= {
        "body",
        "p",
        "h2",
        "em",
        "strong",
        "sup",
        "sub",
        "a",
    }
    for link in root.iter("a"):  # a DOI's or a URL's, never a script
        assert str(link.get("href")).startswith(("https://", "http://")), etree.tostring(link)
    assert "<script" not in html


@pytest.mark.parametrize("engine", ["pandoc", "citeproc-py"])
def test_both_citeproc_engines_format_hostile_values_as_text(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandoc's citeproc (the default where pandoc is installed) and citeproc-py give a reading
    list of the hostile works with no control character, no element and no link from data."""
    if engine == "pandoc":
        require_tool("pandoc")
    monkeypatch.setenv("BIMS_CITEPROC", engine)
    items = HOSTILE_LIBRARY + generated_hostile_items(30)
    texts = {o: format_bibliography(items, "apa", o) for o in OutputFormat}
    for text in texts.values():
        assert CONTROL_CHARACTER.search(text) is None
    html_root = data_markup(texts[OutputFormat.HTML])
    rendered = MarkdownIt("commonmark", {"html": True}).render(texts[OutputFormat.MARKDOWN])
    markdown_root = etree.fromstring(f"<body>{rendered}</body>")
    allowed = {"body", "div", "p", "i", "b", "em", "strong", "sup", "sub", "span", "a"}
    for root in (html_root, markdown_root):
        assert {str(e.tag) for e in root.iter()} <= allowed
        for link in root.iter("a"):
            assert str(link.get("href")).startswith(("https://", "http://"))
