"""The foundation's promise: the five seeds, ingested as they are, each with its fields.

This is what a new user sees after `make demo`: the nine newsletter papers, the PubMed review,
the lay-summary paper, the Semantic Scholar paper and the web article.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bimscli.cli.app import app
from tests.golden import FIXTURES

runner = CliRunner()
SEEDS = FIXTURES / "seeds"


def _bims(library: Path, *args: str) -> Any:
    result = runner.invoke(app, ["--library", str(library), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_seed_lands_with_the_right_format(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    output = _bims(library, "ingest", str(SEEDS))
    assert "13 records from 5 files added; 0 entries failed to parse; 0 files not ingested" in (
        " ".join(output.split())
    )
    inputs = json.loads(_bims(library, "inputs", "--json"))
    formats = {Path(i["name"]).name[:3]: i["format"] for i in inputs}
    assert formats == {
        "000": "biomednews",
        "001": "pubmed-page",
        "002": "lay-summary",
        "003": "semantic-scholar",
        "004": "web-article",
    }
    header = next(i["header"] for i in inputs if i["format"] == "biomednews")
    assert header["report_id"] == "bims-rebome"
    assert header["issue_date"] == "2025-06-15"


def test_list_shows_each_work_with_the_fields_its_source_holds(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _bims(library, "ingest", str(SEEDS))
    works = json.loads(_bims(library, "list", "--json"))
    assert len(works) == 13
    by_doi = {w["DOI"]: w for w in works if w["DOI"]}
    newsletter = [w for w in works if w["container-title-short"] and w["title"] is None]
    assert len(newsletter) == 9  # the newsletter gives no titles, and none are invented
    group = [{"literal": "AO Spine Knowledge Forum Tumor"}]
    assert by_doi["10.1177/21925682251347247"]["author"] == group
    review = by_doi["10.1097/spc.0000000000000548"]
    assert review["author"] == [{"family": "Benhabib", "given": "Hadas"}]
    assert review["author-complete"] is False
    assert review["title"].startswith("Evolving role of minimally invasive techniques")
    lay = by_doi["10.1186/s13018-023-03975-3"]
    assert lay["container-title"] == "Journal of Orthopaedic Surgery and Research"
    s2 = by_doi["10.21037/apm-24-168"]
    assert s2["title"] == "Simplifying post-operative radiotherapy for bone metastases."
    assert len(s2["author"]) == 4
    web = next(w for w in works if w["type"] == "webpage")
    assert web["title"].startswith("Approaches to tailor pain control for bone metastases")
    assert web["author"] == []
    assert web["DOI"] is None


def test_show_gives_fields_and_their_sources(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _bims(library, "ingest", str(SEEDS))
    works = json.loads(_bims(library, "list", "--json"))
    lay_id = next(w["id"] for w in works if w["DOI"] == "10.1186/s13018-023-03975-3")
    details = json.loads(_bims(library, "show", str(lay_id), "--json"))
    (source,) = details["sources"]
    assert source["format"] == "lay-summary"
    assert len(source["sha256"]) == 64
    assert details["record"]["note"].startswith("Simple Explanation")
    assert "abstract" not in details["record"]  # the lay summary is a note, not the abstract
    assert details["provenance"]["note"] == [source["id"]]
    table = _bims(library, "show", str(lay_id))
    assert "lay-summary" in table


def test_reingesting_the_seeds_changes_nothing(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _bims(library, "ingest", str(SEEDS))
    output = _bims(library, "ingest", str(SEEDS))
    assert output.count("unchanged") == 5
    assert len(json.loads(_bims(library, "list", "--json"))) == 13


def test_stdin_and_gzip_inputs(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    seed = (SEEDS / "001_883bc7bd48de00b4.txt").read_bytes()
    result = runner.invoke(app, ["--library", str(library), "ingest", "-"], input=seed)
    assert result.exit_code == 0, result.output
    assert "<stdin> [pubmed-page]: 1 record added" in result.output
    packed = tmp_path / "issue.txt.gz"
    packed.write_bytes(gzip.compress((SEEDS / "000_4c0a4a96eb322688.txt").read_bytes()))
    output = _bims(library, "ingest", str(packed))
    assert "[biomednews]: 9 records added" in output
    inputs = json.loads(_bims(library, "inputs", "--json"))
    assert [i["origin"] for i in inputs] == ["stdin", "file"]


def test_exit_codes_tell_clean_partial_and_failed_runs(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    failed = runner.invoke(app, ["--library", str(library), "ingest", str(empty)])
    assert failed.exit_code == 1
    assert "empty" in failed.output
    partial = runner.invoke(
        app,
        ["--library", str(library), "ingest", str(empty), str(SEEDS / "001_883bc7bd48de00b4.txt")],
    )
    assert partial.exit_code == 3
    clean = runner.invoke(
        app, ["--library", str(library), "ingest", str(SEEDS / "002_da2b409ab0d6fc3d.txt")]
    )
    assert clean.exit_code == 0, clean.output


def test_format_option_overrides_detection(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    seed = str(SEEDS / "004_42fa116a97755ad3.txt")
    unknown = runner.invoke(app, ["--library", str(library), "ingest", "--format", "nope", seed])
    assert unknown.exit_code == 2
    assert "known formats: " in unknown.output
    output = _bims(library, "ingest", "--format", "web-article", seed)
    assert "[web-article]: 1 record added" in output


def test_brackets_in_titles_are_shown_not_swallowed(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><meta name="citation_title" content="[Bone metastases] [red]not markup"/>'
        '<meta name="citation_doi" content="10.5555/brackets"/></head></html>'
    )
    _bims(library, "ingest", str(page))
    result = runner.invoke(app, ["--library", str(library), "list"], env={"COLUMNS": "200"})
    assert "[Bone metastases] [red]not markup" in result.output
    shown = runner.invoke(app, ["--library", str(library), "show", "1"], env={"COLUMNS": "200"})
    assert "[Bone metastases] [red]not markup" in shown.output
