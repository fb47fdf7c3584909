"""Deduplication in the library, through the CLI: ingest joins, dedup, merge, unmerge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.store import Library
from tests.golden import FIXTURES

runner = CliRunner()
SEEDS = FIXTURES / "seeds"

# A colleague's CSL-JSON holding newsletter entry 1 with its title and authors.
COLLEAGUE = [
    {
        "id": "ect2025",
        "type": "article-journal",
        "title": "Electrochemotherapy for bone metastases: a review",
        "author": [{"family": "Rossi", "given": "Maria"}, {"family": "Bianchi", "given": "Luca"}],
        "container-title": "CardioVascular and Interventional Radiology",
        "DOI": "10.1007/S00270-025-04077-9",
        "issued": {"date-parts": [[2025, 6, 6]]},
    }
]


def _bims(library: Path, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(library), *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def _works(library: Path) -> list[dict[str, Any]]:
    return list(json.loads(_bims(library, "list", "--json")))


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_same_paper_from_two_sources_is_one_work(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", str(SEEDS / "000_4c0a4a96eb322688.txt"))
    output = _bims(library_path, "ingest", _write(tmp_path, "c.json", json.dumps(COLLEAGUE)))
    assert "1 record joined existing works" in output
    works = _works(library_path)
    assert len(works) == 9
    (ect,) = [w for w in works if w["doi"] == "10.1007/s00270-025-04077-9"]
    assert ect["id"] == 1  # the older work keeps its id
    assert ect["sources"] == 2
    assert ect["title"] == "Electrochemotherapy for bone metastases: a review"
    details = json.loads(_bims(library_path, "show", "1", "--json"))
    formats = {s["id"]: s["format"] for s in details["sources"]}
    # CSL-JSON (priority 70) gives the title; the newsletter (50) still gives its abstract.
    assert formats[details["provenance"]["title"][0]] == "csl-json"
    assert formats[details["provenance"]["abstract"][0]] == "biomednews"
    assert {s["rule"] for s in details["sources"]} >= {"same-doi"}
    explained = _bims(library_path, "dedup", "--explain", "1")
    assert "merge, by the same DOI" in explained
    assert "DOI exact +19.9" in explained


def test_dedup_is_idempotent_and_loses_no_record(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", str(SEEDS))
    _bims(library_path, "ingest", _write(tmp_path, "c.json", json.dumps(COLLEAGUE)))
    first = _works(library_path)
    output = _bims(library_path, "dedup")
    assert "13 works before, 13 after" in output
    assert _works(library_path) == first
    with Library.open(library_path) as library:
        assert library.count_source_records() == 14


@pytest.mark.usefixtures("test_format")
def test_dry_run_changes_nothing(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", "--no-dedup", _write(tmp_path, "a.json", _same_paper_json()))
    assert len(_works(library_path)) == 2
    output = _bims(library_path, "dedup", "--dry-run")
    assert "would join" in output
    assert "dry run: nothing was changed" in output
    assert len(_works(library_path)) == 2
    _bims(library_path, "dedup")
    assert len(_works(library_path)) == 1


SAME_PAPER = [
    ("a", "Stereotactic body radiotherapy for painful spinal metastases: a randomised trial"),
    ("b", "Stereotactic body radiotherapy for painful spinal metastases - a randomized trial."),
]


def _same_paper_json() -> str:
    """Two CSL items of one paper without DOIs: British/American spelling, punctuation."""
    items = [
        {
            "id": key,
            "type": "article-journal",
            "title": title,
            "author": [
                {"family": "Sahgal", "given": "Arjun"},
                {"family": "Myrehaug", "given": "S"},
            ],
            "container-title": "Lancet Oncology",
            "issued": {"date-parts": [[2021]]},
        }
        for key, title in SAME_PAPER
    ]
    return json.dumps(items)


DIFFERENT_DOIS = [
    ("x", "Exercise during chemotherapy for myeloma", "10.1000/one"),
    ("y", "Nordic walking in cancer rehabilitation", "10.1000/two"),
]


def _lines(rows: list[tuple[str, str, str]]) -> str:
    return "#testlines\n" + "".join(f"{k}|{t}|{d}\n" for k, t, d in rows)


@pytest.mark.usefixtures("test_format")
def test_unmerge_is_remembered_by_later_dedup_runs(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", _write(tmp_path, "a.json", _same_paper_json()))
    (work,) = _works(library_path)
    assert work["sources"] == 2
    output = _bims(library_path, "unmerge", str(work["id"]))
    assert "split into works" in output
    assert len(_works(library_path)) == 2
    _bims(library_path, "dedup")
    split = _works(library_path)
    assert len(split) == 2  # the person's decision stands
    assert split[0]["id"] == work["id"]  # the part with the oldest record keeps the id
    assert split[1]["id"] == work["id"] + 2  # a new id: the merged-away work's id is not reused
    _bims(library_path, "merge", *(str(w["id"]) for w in split))
    _bims(library_path, "dedup")
    assert len(_works(library_path)) == 1


@pytest.mark.usefixtures("test_format")
def test_merge_by_hand_moves_tags_and_keeps_the_key(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", _write(tmp_path, "a.txt", _lines(DIFFERENT_DOIS)))
    keys_before = _bims(library_path, "export", "--bibtex")
    assert "@misc{exerciseDuringChemotherapy," in keys_before
    _bims(library_path, "tag", "add", "2", "rehabilitation")
    _bims(library_path, "tag", "add", "1", "treatment/exercise")
    _bims(library_path, "merge", "2", "1")
    (work,) = _works(library_path)
    assert work["id"] == 1
    exported = json.loads(_bims(library_path, "export", "--csl-json"))
    assert exported[0]["id"] == "exerciseDuringChemotherapy"
    # The merged-away work's key, perhaps cited already, stays as an alias (biblatex ids).
    biblatex = _bims(library_path, "export", "--biblatex")
    assert "ids = {nordicWalkingCancer}," in biblatex
    assert "@misc{nordicWalkingCancer" not in biblatex
    assert exported[0]["keyword"] == "rehabilitation, treatment/exercise"
    _bims(library_path, "dedup")  # two different DOIs would veto, but a person decided
    assert len(_works(library_path)) == 1


@pytest.mark.usefixtures("test_format")
def test_a_shared_doi_with_different_titles_is_flagged_not_merged(
    library_path: Path, tmp_path: Path
) -> None:
    rows = [
        ("p", "Prehabilitation before surgery for spinal metastases", "10.1000/supplement"),
        ("q", "Serum calcium in denosumab-treated breast cancer patients", "10.1000/supplement"),
    ]
    output = _bims(library_path, "ingest", _write(tmp_path, "a.txt", _lines(rows)))
    assert "1 pair flagged for review" in output
    assert len(_works(library_path)) == 2
    review = _bims(library_path, "dedup", "--review")
    assert "different-titles" in review
    assert "Serum calcium" in review


@pytest.mark.usefixtures("test_format")
def test_export_groups_in_the_benchmark_format(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", _write(tmp_path, "a.json", _same_paper_json()))
    _bims(library_path, "ingest", _write(tmp_path, "b.txt", _lines(DIFFERENT_DOIS)))
    target = tmp_path / "groups.csv"
    _bims(library_path, "dedup", "--export-groups", str(target))
    assert target.read_text() == 'merged_ids\n"a;b"\n'


@pytest.mark.usefixtures("test_format")
def test_mistakes_are_one_line_errors(library_path: Path, tmp_path: Path) -> None:
    _bims(library_path, "ingest", _write(tmp_path, "a.txt", _lines(DIFFERENT_DOIS)))
    for args, message in (
        (["merge", "1"], "at least two different works"),
        (["merge", "1", "9"], "no work 9"),
        (["unmerge", "1"], "holds only one source record"),
        (["dedup", "--explain", "7"], "no work 7"),
    ):
        result = runner.invoke(app, ["--library", str(library_path), *args])
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "Traceback" not in result.output


@pytest.mark.usefixtures("test_format")
def test_a_merged_works_id_is_never_reused_and_show_says_where_it_went(
    library_path: Path, tmp_path: Path
) -> None:
    _bims(library_path, "ingest", _write(tmp_path, "a.txt", _lines(DIFFERENT_DOIS)))
    _bims(library_path, "merge", "1", "2")
    third = [("z", "Electrochemotherapy of spinal metastases", "10.1000/three")]
    _bims(library_path, "ingest", _write(tmp_path, "b.txt", _lines(third)))
    assert [w["id"] for w in _works(library_path)] == [1, 3]
    result = runner.invoke(app, ["--library", str(library_path), "show", "2"])
    assert result.exit_code == 2
    assert "work 2 was merged into work 1" in result.output


def _legacy_doi_pair() -> str:
    """One article as two databases export it: the publisher's DOI and a legacy PII DOI."""
    base = {
        "type": "article-journal",
        "title": "Liraglutide and cardiomyocyte calcium handling in obese Zucker rats",
        "author": [{"family": "Zhang", "given": "Wei"}, {"family": "Kovacs", "given": "J"}],
        "container-title": "Journal of Molecular and Cellular Cardiology",
        "volume": "53",
        "issue": "4",
        "page": "1317-1323",
        "issued": {"date-parts": [[2012]]},
    }
    return json.dumps(
        [
            {**base, "id": "a", "DOI": "10.1016/j.yjmcc.2012.07.011"},
            {
                **base,
                "id": "b",
                "DOI": "10.1016/S0022-2828(12)00286-5",
                "container-title": "J Mol Cell Cardiol",
                "page": "1317-23",
            },
        ]
    )


def test_explain_shows_each_fields_level_and_weight_and_an_overcome_doi(
    library_path: Path, tmp_path: Path
) -> None:
    _bims(library_path, "ingest", _write(tmp_path, "a.json", _legacy_doi_pair()))
    (work,) = _works(library_path)
    explained = _bims(library_path, "dedup", "--explain", str(work["id"]))
    assert "merge, by weighed evidence that overcame two different DOIs" in explained
    assert "DOI different -4.6" in explained
    assert "journal exact +4.8" in explained
    assert "pages exact +8.8" in explained
    assert "total +" in explained
    assert "the DOIs differ, but the other fields agree enough to overcome that" in explained
    assert "Weights: priors." in explained
    assert "[" not in explained.replace("[Work", "")  # words, not Python lists
