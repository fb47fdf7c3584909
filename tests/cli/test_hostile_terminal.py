"""No escape sequence from data reaches the terminal (issue 19): titles, names, journals, raw
entries and file names holding ESC [31m, ESC ]0;… BEL and C1 CSI are shown, never sent, by
every command that prints them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.control_characters import CONTROL_CHARACTER

runner = CliRunner()

RED = "\x1b[31m"
RETITLE = "\x1b]0;pwned\x07"
CSI_CLEAR = "\x9b2J"
FILE_NAME = f"refs{RED}{RETITLE}.json"
HOSTILE_ITEMS: list[object] = [
    {
        "id": "a",
        "type": "article-journal",
        "title": f"SBRT for spine {RED}metastases{RETITLE} {CSI_CLEAR}\x00\x08end",
        "author": [{"family": f"Red{RED}", "given": "Al\x07"}],
        "container-title": "J\x1b[5m",
        "DOI": "10.1000/hostile.1",
        "issued": {"date-parts": [[2020]]},
    },
    {  # the same DOI, another title: a pair flagged for review
        "id": "b",
        "type": "article-journal",
        "title": "A different title\x1b[2J entirely",
        "DOI": "10.1000/hostile.1",
        "issued": {"date-parts": [[2020]]},
    },
    f"{RED}not an item{RETITLE}",  # kept as a failure, raw text and all
]


def _bims(library: Path, *args: str) -> str:
    result = runner.invoke(app, ["--library", str(library), *args], env={"COLUMNS": "200"})
    assert result.exit_code in {0, 3}, result.output  # 3: the failing item of the input
    return result.output


@pytest.fixture
def hostile_library(tmp_path: Path) -> tuple[Path, str]:
    """A library made from an input whose name and data hold escape sequences, and what
    ``bims ingest`` printed."""
    source = tmp_path / FILE_NAME
    source.write_text(json.dumps(HOSTILE_ITEMS), encoding="utf-8")
    library = tmp_path / "library.sqlite"
    return library, _bims(library, "ingest", str(source))


def test_ingest_shows_a_hostile_file_name_and_failure(hostile_library: tuple[Path, str]) -> None:
    _, output = hostile_library
    assert CONTROL_CHARACTER.search(output) is None, repr(output)
    assert "refs␛[31m␛]0;pwned␇.json [csl-json]: 2 records added" in output
    assert "entry 3 not parsed" in output


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        pytest.param(["list"], "␛[31mmetastases", id="list"),
        pytest.param(["list", "--json"], "\\u001b[31mmetastases", id="list-json"),
        pytest.param(["show", "1"], "␛]0;pwned", id="show"),
        pytest.param(["show", "1", "--raw"], "Red\\u001b[31m", id="show-raw"),
        pytest.param(["show", "1", "--json", "--raw"], "\\u009b2J", id="show-json"),
        pytest.param(["inputs"], "refs␛[31m", id="inputs"),
        pytest.param(["inputs", "--json"], "refs\\u001b[31m", id="inputs-json"),
        pytest.param(["failures", "--raw"], "refs␛[31m", id="failures"),
        pytest.param(["dedup", "--review"], "title␛[2J", id="dedup-review"),
        pytest.param(["dedup", "--explain", "1"], "␛[31mmetastases", id="dedup-explain"),
        pytest.param(["dedup", "--review", "--json"], "\\u009b2J", id="dedup-review-json"),
        pytest.param(["dedup", "--explain", "1", "--json"], "\\u009b2J", id="dedup-explain-json"),
        pytest.param(
            ["tag", "--rules", "bone-metastases", "--explain", "1", "--json"],
            '"tag": "treatment/radiotherapy/sbrt"',  # the spans, not the whole title
            id="tag-explain-json",
        ),
        pytest.param(
            ["tag", "--rules", "bone-metastases", "--explain", "1"],
            "␛[31mmetastases",
            id="tag-explain",
        ),
    ],
)
def test_no_escape_sequence_from_data_reaches_the_terminal(
    hostile_library: tuple[Path, str], command: list[str], shown: str
) -> None:
    library, _ = hostile_library
    output = _bims(library, *command)
    assert CONTROL_CHARACTER.search(output) is None, repr(output)
    assert shown in output  # shown, not dropped


def test_json_output_reads_back_to_the_stored_text(hostile_library: tuple[Path, str]) -> None:
    library, _ = hostile_library
    (first, _second) = json.loads(_bims(library, "list", "--json"))
    assert first["title"] == HOSTILE_ITEMS[0]["title"]  # type: ignore[index]
