"""The CLI shell: help texts, errors without tracebacks, the installed command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from bimscli.cli.app import app
from bimscli.store import Library
from tests.golden import FIXTURES

SEEDS = FIXTURES / "seeds"

runner = CliRunner()


def _command_names() -> list[str]:
    group = get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def _command_paths() -> list[list[str]]:
    """Every command and sub-command, as the words that name it."""

    def walk(command: object, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found += walk(sub, [*path, name])
        return found

    return walk(get_command(app), [])


_TYPE_NAMES = re.compile(r"<(?:list|str|int|float|path|bool|text)[^>]*>|\{[a-z_]+\}")


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "bims")
def test_help_names_values_as_a_person_reads_them(path: list[str]) -> None:
    """PATH... and ID, never typer's {paths}... or <list[str]>."""
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert _TYPE_NAMES.findall(result.output) == []


@pytest.mark.parametrize("name", _command_names())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: bims" in result.output


def test_main_help_names_the_library_location() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert "BIMS_LIBRARY" in result.output
    assert "library.sqlite" in result.output


def test_a_users_mistake_gives_one_line_and_no_traceback(tmp_path: Path) -> None:
    Library.open(tmp_path / "l.sqlite").close()
    result = runner.invoke(app, ["--library", str(tmp_path / "l.sqlite"), "show", "99"])
    assert result.exit_code == 2
    assert "no work 99" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    Library.open(tmp_path / "l.sqlite").close()
    result = runner.invoke(app, ["--debug", "--library", str(tmp_path / "l.sqlite"), "show", "99"])
    assert result.exit_code != 0
    assert result.exception is not None
    assert "no work 99" in str(result.exception)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["list"], id="list"),
        pytest.param(["show", "1"], id="show"),
        pytest.param(["tags"], id="tags"),
        pytest.param(["tag"], id="tag"),
        pytest.param(["export", "--bibtex"], id="export"),
        pytest.param(["dedup"], id="dedup"),
        pytest.param(["failures"], id="failures"),
    ],
)
def test_a_mistyped_library_is_an_error_not_a_new_empty_library(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "typo" / "lib.sqlite"
    result = runner.invoke(app, ["--library", str(typo), *command])
    assert result.exit_code == 2, result.output
    assert f"no library at {typo}" in " ".join(result.output.split())
    assert not typo.parent.exists()  # nothing was created, not even the folder


def test_only_adding_works_creates_a_library_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "new" / "lib.sqlite"
    result = runner.invoke(app, ["--library", str(path), "ingest", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert f"created a new library at {path}" in " ".join(result.output.split())
    again = runner.invoke(app, ["--library", str(path), "list"])
    assert "created a new library" not in again.output


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--library", str(tmp_path / "l.sqlite"), "ingest", "nope.ris"])
    assert result.exit_code == 2
    assert "no such file or directory: nope.ris" in result.output


def test_the_installed_bims_command_runs() -> None:
    """The console script installed next to this Python (``make test`` installs it)."""
    installed = Path(sys.executable).parent / "bims"
    bims = str(installed) if installed.exists() else shutil.which("bims")
    if bims is None and os.environ.get("CI") != "true":
        pytest.skip("bims is not installed next to this Python; `make test` installs it")
    assert bims is not None, "the bims console script is not installed"
    result = subprocess.run([bims, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "ingest" in result.stdout
