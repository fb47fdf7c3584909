"""``bims show`` and ``bims list`` as a person sees them (golden pages at 80 and 160 columns)
and as a script reads them (every ``--json`` output checked against docs/schemas).

The pages are golden files under ``fixtures/cli-pages/``: regenerate with
``BIMS_REGENERATE_GOLDEN=1`` after a deliberate change and read them line by line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.store import Library
from bimscli.store.curation import decide
from tests.golden import FIXTURES, assert_text_matches_golden

runner = CliRunner()
PAGES = FIXTURES / "cli-pages"
SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
MERGED_INPUTS = (
    "seeds/000_4c0a4a96eb322688.txt",
    "replay/crossref/10.3390_cancers17111739.json",
    "replay/eutils/efetch/40481104.xml",
)
"""A BiomedNews entry, a Crossref answer and a PubMed XML article of one DOI."""
MERGED_WORK = 4


def _schema(name: str) -> Draft202012Validator:
    resources = [
        (
            f"https://bims.invalid/schemas/{p.name}",
            Resource.from_contents(json.loads(p.read_text())),
        )
        for p in SCHEMAS.glob("*.json")
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft202012Validator(schema, registry=registry)


def _bims(library: Path, *args: str, columns: int = 80) -> str:
    result = runner.invoke(app, ["--library", str(library), *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


def _page(text: str) -> str:
    """The text as a person sees it: the spaces rich pads lines with are invisible."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The five seeds ingested by relative name (so pages name them the same everywhere)."""
    monkeypatch.chdir(FIXTURES)
    library = tmp_path / "seeds.sqlite"
    _bims(library, "ingest", "seeds")
    return library


@pytest.fixture
def merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A newsletter issue whose fourth paper also came from Crossref and PubMed, tagged by the
    rules and by hand, with a status and a citation key."""
    monkeypatch.chdir(FIXTURES)
    library = tmp_path / "merged.sqlite"
    _bims(library, "ingest", *MERGED_INPUTS)
    _bims(library, "tag")
    _bims(library, "tag", "add", str(MERGED_WORK), "mine")
    _bims(library, "export", "--bibtex", "--output", str(tmp_path / "out.bib"))
    with Library.open(library) as opened, opened.transaction():
        decide(opened, [MERGED_WORK], "selected", by="curator")
    return library


@pytest.mark.parametrize("columns", [80, 160])
def test_show_of_a_work_from_three_sources(merged: Path, columns: int) -> None:
    page = _page(_bims(merged, "show", str(MERGED_WORK), columns=columns))
    assert_text_matches_golden(page, PAGES / f"show-merged-{columns}.txt")
    assert max(len(line) for line in page.splitlines()) <= columns


@pytest.mark.parametrize("columns", [80, 160])
@pytest.mark.parametrize("work_id", [5, 10, 12, 13])
def test_show_of_the_seeds(seeds: Path, work_id: int, columns: int) -> None:
    page = _page(_bims(seeds, "show", str(work_id), columns=columns))
    assert_text_matches_golden(page, PAGES / f"show-seed-{work_id}-{columns}.txt")


@pytest.mark.parametrize("columns", [80, 160])
@pytest.mark.parametrize("library_name", ["seeds", "merged"])
def test_list_as_a_person_sees_it(library_name: str, columns: int, request: Any) -> None:
    library = request.getfixturevalue(library_name)
    page = _page(_bims(library, "list", "-n", "0", columns=columns))
    assert_text_matches_golden(page, PAGES / f"list-{library_name}-{columns}.txt")
    assert max(len(line) for line in page.splitlines()) <= columns


def test_every_json_output_follows_its_schema(seeds: Path, merged: Path) -> None:
    for library in (seeds, merged):
        listed = json.loads(_bims(library, "list", "--json"))
        _schema("work-list.json").validate(listed)
        for work in listed:
            shown = json.loads(_bims(library, "show", str(work["id"]), "--json"))
            _schema("work.json").validate(shown)
            raw = json.loads(_bims(library, "show", str(work["id"]), "--json", "--raw"))
            _schema("work.json").validate(raw)
        sorted_listing = json.loads(_bims(library, "list", "--format", "json", "--sort", "year"))
        _schema("work-list.json").validate(sorted_listing)


def test_json_of_the_merged_work_carries_tags_key_status_and_sources(merged: Path) -> None:
    shown = json.loads(_bims(merged, "show", str(MERGED_WORK), "--json"))
    assert {"tag": "mine", "origins": ["manual"]} in shown["tags"]
    assert any(t["origins"] == ["rule"] for t in shown["tags"])
    assert shown["citation-key"]
    assert shown["status"] == "selected"
    assert shown["source-count"] == 3
    assert sorted(s["format"] for s in shown["sources"]) == ["biomednews", "crossref", "pubmed-xml"]
    assert shown["merged-ids"] == [10, 11]
    assert shown["DOI"] == shown["identifiers"]["doi"] == "10.3390/cancers17111739"
    assert shown["container-title-short"] == "Cancers (Basel)"


def test_list_formats_for_programs(merged: Path) -> None:
    ids = _bims(merged, "list", "--format", "ids", "--sort", "journal")
    journals = json.loads(_bims(merged, "list", "--json", "--sort", "journal"))
    assert ids.split() == [str(w["id"]) for w in journals]
    csv_text = _bims(merged, "list", "-f", "csv", "--columns", "id,tags,status,key")
    lines = csv_text.splitlines()
    assert lines[0] == "id,tags,status,key"
    row = next(line for line in lines if line.startswith(f"{MERGED_WORK},"))
    assert "mine" in row
    assert ",selected," in row
    tsv = _bims(merged, "list", "-f", "tsv")
    assert tsv.splitlines()[0].split("\t")[:3] == ["id", "year", "type"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--columns", "id,colour"], "unknown column colour", id="unknown-column"),
        pytest.param(["--columns", ","], "unknown column (none given)", id="no-column"),
        pytest.param(["--sort", "size"], "cannot sort by size", id="unknown-sort"),
        pytest.param(["--format", "xml"], "unknown format xml", id="unknown-format"),
    ],
)
def test_list_options_it_cannot_follow(seeds: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["--library", str(seeds), "list", *args])
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.parametrize("columns", [80, 160])
def test_show_of_a_medline_article_marks_mesh_majors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.chdir(FIXTURES)
    library = tmp_path / "pubmed.sqlite"
    _bims(library, "ingest", "pubmed-xml/efetch-one-article.xml")
    page = _page(_bims(library, "show", "1", columns=columns))
    assert_text_matches_golden(page, PAGES / f"show-pubmed-mesh-{columns}.txt")
    assert "Cryopreservation/methods*" in " ".join(page.split())


LONG_JOURNAL = "Journal of Interdisciplinary Cardiovascular and Interventional Radiology"
TITLE_WORDS = ("Electrochemotherapy", "metastases", "percutaneous", "cementoplasty", "Bone")


@pytest.mark.parametrize("columns", [60, 80, 100, 120, 160])
def test_list_never_breaks_a_word_into_letter_groups(tmp_path: Path, columns: int) -> None:
    """Generated works with long words and a long journal: every title word is shown whole
    (titles wrap at spaces), and every journal cell is the name or a start of it with "…"."""
    source = tmp_path / "long.ris"
    entries = [
        f"TY  - JOUR\nTI  - {' '.join(TITLE_WORDS[i:] + TITLE_WORDS[:i])}\nT2  - {LONG_JOURNAL}\n"
        f"AU  - Rodríguez-Villalobos, María\nAU  - Other, A\nPY  - 202{i}\n"
        f"DO  - 10.5555/long.{i}\nER  - \n"
        for i in range(len(TITLE_WORDS))
    ]
    source.write_text("".join(entries), encoding="utf-8")
    _bims(tmp_path / "long.sqlite", "ingest", str(source))
    table = _bims(tmp_path / "long.sqlite", "list", columns=columns)
    rows = [line for line in table.splitlines() if line.startswith("│")]
    title_cells = [cells[4 if columns >= 140 else 3].strip() for cells in _cells(rows)]
    shown_words = " ".join(title_cells).split()
    assert sorted(set(shown_words)) == sorted(TITLE_WORDS)
    for cells in _cells(rows):
        journal = cells[5 if columns >= 140 else 4].strip()
        assert not journal or LONG_JOURNAL.startswith(journal.removesuffix("…"))


def _cells(rows: list[str]) -> list[list[str]]:
    return [row.split("│")[1:-1] for row in rows]


@pytest.mark.parametrize("output_format", ["csv", "tsv"])
def test_delimited_listing_sends_no_control_character(tmp_path: Path, output_format: str) -> None:
    """A title holding an escape sequence and a tab stays one field on one line."""
    source = tmp_path / "hostile.json"
    title = "Bone\tmetastases \x1b[2J\x1b]0;owned\x07 \x9b31m"
    source.write_text(json.dumps([{"id": "a", "type": "article-journal", "title": title}]))
    library = tmp_path / "hostile.sqlite"
    _bims(library, "ingest", str(source))
    listing = _bims(library, "list", "--format", output_format, "--columns", "id,title")
    assert not [c for c in listing if not c.isprintable() and c not in "\t\n"]
    _header, row = listing.splitlines()
    assert len(row.split("\t" if output_format == "tsv" else ",")) == 2
