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
