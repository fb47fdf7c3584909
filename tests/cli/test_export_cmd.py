"""``bims export`` through the CLI: formats, files, chosen works, stable citation keys."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.formats.base import SourceFormat
from bimscli.store import Library
from tests.golden import FIXTURES

runner = CliRunner()

FIRST = "#testlines\na|Bone pain relief after SBRT|10.1000/a\nb|Exercise & rehab_2|10.1000/b\n"
LATER = "#testlines\nc|Bone pain relief after SBRT|10.1000/c\n"


def _bims(library_path: Path, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(library_path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _ingest(library_path: Path, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _bims(library_path, "ingest", str(path))


@pytest.fixture
def ingested(test_format: SourceFormat, library_path: Path, tmp_path: Path) -> Path:
    """A library with two works from the ``testlines`` format."""
    _ingest(library_path, tmp_path, "first.txt", FIRST)
    return library_path


def test_bibtex_to_stdout_is_stable_across_runs(ingested: Path) -> None:
    first = _bims(ingested, "export", "--bibtex")
    assert "@misc{bonePainRelief," in first
    assert "title = {Exercise \\& rehab\\_2}" in first
    assert _bims(ingested, "export", "--bibtex") == first


def test_new_records_never_rename_existing_keys(ingested: Path, tmp_path: Path) -> None:
    before = _bims(ingested, "export", "--csl-json")
    _ingest(ingested, tmp_path, "later.txt", LATER)
    after = json.loads(_bims(ingested, "export", "--csl-json"))
    assert [item["id"] for item in after] == ["bonePainRelief", "exerciseRehab2", "bonePainReliefa"]
    assert after[:2] == json.loads(before)


def test_rekey_regenerates_on_request_only(ingested: Path) -> None:
    keys = json.loads(_bims(ingested, "export", "--csl-json", "2"))
    rekeyed = json.loads(_bims(ingested, "export", "--csl-json", "--rekey", "2"))
    assert [i["id"] for i in keys] == [i["id"] for i in rekeyed] == ["exerciseRehab2"]


def test_explicit_works_to_a_file(ingested: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    result = runner.invoke(
        app, ["--library", str(ingested), "export", "--csl-json", "-o", str(out), "2"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the export went to the file; stderr says so
    assert "wrote 1 work to" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((FIXTURES / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert [item["DOI"] for item in data] == ["10.1000/b"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--biblatex"], "@misc{bonePainRelief,", id="biblatex"),
        pytest.param(["--ris"], "TY  - JOUR", id="ris"),
        pytest.param(["--style", "vancouver"], "[1] Bone pain relief after SBRT", id="vancouver"),
        pytest.param(
            ["--style", "apa", "--format", "html"], '<div class="csl-entry">', id="apa-html"
        ),
    ],
)
def test_every_format(ingested: Path, args: list[str], expected: str) -> None:
    assert expected in _bims(ingested, "export", *args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([], "choose one of --bibtex", id="no-format"),
        pytest.param(["--bibtex", "--ris"], "choose one of --bibtex", id="two-formats"),
        pytest.param(["--style", "nope-style"], "unknown citation style", id="unknown-style"),
        pytest.param(["--bibtex", "99"], "no work 99", id="unknown-work"),
        pytest.param(["--ris", "--format", "html"], "add --style NAME", id="format-without-style"),
        pytest.param(
            ["--bibtex", "-o", "missing-folder/x.bib"],
            "the folder missing-folder does not exist; create it first",
            id="missing-output-folder",
        ),
    ],
)
def test_mistakes_are_one_line_errors(ingested: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["--library", str(ingested), "export", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_export_ingest_into_a_new_library_export_again_gives_the_same_file(
    tmp_path: Path,
) -> None:
    """The seeds, through a library, BibTeX, a second library and BibTeX again."""
    first_library, second_library = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    _bims(first_library, "ingest", str(FIXTURES / "seeds"))
    exported = tmp_path / "seeds.bib"
    _bims(first_library, "export", "--bibtex", "-o", str(exported))
    _bims(second_library, "ingest", str(exported))
    again = _bims(second_library, "export", "--bibtex")
    assert again == exported.read_text(encoding="utf-8")
    assert again.count("\n@") + 1 >= 13  # every seed record, the newsletter's nine included


def test_tag_and_query_choose_the_works(ingested: Path) -> None:
    _bims(ingested, "tag", "add", "1", "treatment/radiotherapy")
    _bims(ingested, "tag", "add", "2", "rehabilitation")
    by_parent = json.loads(_bims(ingested, "export", "--csl-json", "--tag", "treatment"))
    assert [item["DOI"] for item in by_parent] == ["10.1000/a"]
    assert by_parent[0]["keyword"] == "treatment/radiotherapy"
    either = json.loads(
        _bims(ingested, "export", "--csl-json", "--tag", "rehabilitation", "--tag", "treatment")
    )
    assert len(either) == 2
    queried = json.loads(_bims(ingested, "export", "--csl-json", "--query", "rehab*[ti]"))
    assert [item["DOI"] for item in queried] == ["10.1000/b"]
    none = runner.invoke(app, ["--library", str(ingested), "export", "--bibtex", "--tag", "desgin"])
    assert none.exit_code == 2
    assert "no work carries the tag 'desgin'" in none.output
    nothing = runner.invoke(
        app, ["--library", str(ingested), "export", "--ris", "--query", "myeloma[ti]"]
    )
    assert nothing.exit_code == 2
    assert "no work matches the query" in nothing.output


def test_a_broken_query_is_a_one_line_error_with_a_caret(ingested: Path) -> None:
    result = runner.invoke(
        app, ["--library", str(ingested), "export", "--bibtex", "--query", "sbrt[tiabx]"]
    )
    assert result.exit_code == 2
    assert "^" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--bibtex"], id="bibtex"),
        pytest.param(["--style", "vancouver", "--format", "html"], id="html"),
    ],
)
def test_an_empty_library_says_so(library_path: Path, args: list[str]) -> None:
    Library.open(library_path).close()
    result = runner.invoke(app, ["--library", str(library_path), "export", *args])
    assert result.exit_code == 2, result.output
    assert "the library has no works to export; add some first: bims ingest FILE" in " ".join(
        result.output.split()
    )


def test_an_export_replaces_its_file_whole(ingested: Path, tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("an older export\n", encoding="utf-8")
    _bims(ingested, "export", "--bibtex", "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("@")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".refs")] == []
    # A write that fails half-way (here: the partial file's name is taken by a folder, which
    # even root cannot write to) leaves the old export whole.
    (tmp_path / ".refs.bib.partial").mkdir()
    result = runner.invoke(app, ["--library", str(ingested), "export", "--ris", "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert f"cannot write {target}" in " ".join(result.output.split())
    assert target.read_text(encoding="utf-8").startswith("@")


def test_a_digest_chosen_by_tag_has_the_chosen_tags_as_its_sections(ingested: Path) -> None:
    _bims(ingested, "tag", "add", "1", "treatment/radiotherapy", "design/rct")
    _bims(ingested, "tag", "add", "2", "rehabilitation")
    digest = _bims(
        ingested, "export", "--style", "vancouver", "--format", "markdown", "--by-tag",
        "--tag", "treatment",
    )  # fmt: skip
    headings = [line for line in digest.splitlines() if line.startswith("## ")]
    assert headings == ["## treatment"]
    assert "Bone pain relief after SBRT" in digest
    everything = _bims(
        ingested, "export", "--style", "vancouver", "--format", "markdown", "--by-tag"
    )
    assert [line for line in everything.splitlines() if line.startswith("## ")] == [
        "## design/rct", "## rehabilitation", "## treatment/radiotherapy"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("option", "suffix"),
    [
        pytest.param("--bibtex", ".bib", id="bibtex"),
        pytest.param("--biblatex", ".bib", id="biblatex"),
        pytest.param("--ris", ".ris", id="ris"),
        pytest.param("--csl-json", ".json", id="csl-json"),
    ],
)
def test_a_librarys_own_export_ingested_back_adds_records_but_no_works(
    tmp_path: Path, option: str, suffix: str
) -> None:
    """Newsletter items without a title (only author, journal and date) included."""
    library = tmp_path / "l.sqlite"
    _bims(library, "ingest", *map(str, sorted((FIXTURES / "biomednews").glob("*.txt"))))
    _bims(library, "ingest", str(FIXTURES / "seeds"))
    works = json.loads(_bims(library, "list", "--json"))
    assert any(w["title"] is None for w in works)  # the case this test is about
    exported = tmp_path / f"export{suffix}"
    _bims(library, "export", option, "-o", str(exported))
    output = _bims(library, "ingest", str(exported))
    assert f"{len(works)} records added; {len(works)} records joined existing works" in output
    assert len(json.loads(_bims(library, "list", "--json"))) == len(works)


def test_an_export_to_a_file_says_what_it_wrote(ingested: Path, tmp_path: Path) -> None:
    target = tmp_path / "refs.ris"
    said = runner.invoke(app, ["--library", str(ingested), "export", "--ris", "-o", str(target)])
    assert said.exit_code == 0, said.output
    assert f"wrote 2 works to {target}" in " ".join(said.output.split())
    summary = json.loads(_bims(ingested, "export", "--ris", "-o", str(target), "--json"))
    assert summary == {"file": str(target), "format": "ris", "works": 2}
    stdout = runner.invoke(app, ["--library", str(ingested), "export", "--ris", "--json"])
    assert stdout.exit_code == 2
    assert "add -o FILE" in stdout.output
