"""``bims config``: the user's defaults, and the order options > environment > file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bimscli.cli.app import app
from tests.golden import FIXTURES

runner = CliRunner()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("BIMS_CONFIG", str(path))
    monkeypatch.delenv("BIMS_LIBRARY", raising=False)
    monkeypatch.delenv("BIMS_MAILTO", raising=False)
    return path


def _bims(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_set_show_unset_and_path(config_file: Path) -> None:
    assert _bims("config", "path").strip() == str(config_file)
    assert "(no file yet)" in _bims("config", "show")
    _bims("config", "set", "mailto", 'editor "E" <e@example.org>')
    _bims("config", "set", "style", "apa")
    shown = _bims("config", "show")
    assert 'mailto = "editor \\"E\\" <e@example.org>"' in shown
    assert 'style = "apa"' in shown
    assert "editor = (not set)" in shown
    _bims("config", "unset", "style")
    assert 'style = "apa"' not in _bims("config", "show")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("library = [1", "cannot read the config file", id="not-toml"),
        pytest.param('api_key = "x"', "unknown settings api_key", id="unknown-key"),
        pytest.param("style = 3", "style must be text in quotes", id="not-text"),
    ],
)
def test_a_broken_config_file_is_one_line_and_config_can_mend_it(
    config_file: Path, content: str, message: str
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(content + "\n", encoding="utf-8")
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    fixed = runner.invoke(app, ["config", "set", "style", "apa"])
    assert fixed.exit_code == 2  # the file must be mended by hand: bims never drops a line of it
    config_file.write_text('style = "apa"\n', encoding="utf-8")
    assert runner.invoke(app, ["config", "show"]).exit_code == 0


def test_the_library_comes_from_the_file_unless_the_environment_or_option_says(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_file = tmp_path / "from-file.sqlite"
    _bims("config", "set", "library", str(from_file))
    _bims("ingest", str(FIXTURES / "seeds" / "001_883bc7bd48de00b4.txt"))
    assert from_file.exists()
    from_env = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("BIMS_LIBRARY", str(from_env))
    assert "no library at" in runner.invoke(app, ["list"]).output
    assert "1 of 1 works" in " ".join(_bims("--library", str(from_file), "list").split())


def test_a_formatted_export_without_a_style_takes_the_configured_one(
    config_file: Path, tmp_path: Path
) -> None:
    library = tmp_path / "lib.sqlite"
    _bims("--library", str(library), "ingest", str(FIXTURES / "seeds" / "001_883bc7bd48de00b4.txt"))
    _bims("config", "set", "style", "apa")
    apa = _bims("--library", str(library), "export", "--format", "markdown")
    vancouver = _bims(
        "--library", str(library), "export", "--style", "vancouver", "--format", "markdown"
    )
    assert apa != vancouver
    assert "(2021)" in apa  # APA puts the year after the authors


def test_shell_completion_completes_commands_and_options() -> None:
    """`bims --install-completion` installs this; the shell asks the program itself."""
    env = {"_BIMS_COMPLETE": "complete_bash", "COMP_WORDS": "bims ing", "COMP_CWORD": "1"}
    result = runner.invoke(app, [], env=env, prog_name="bims")
    assert "ingest" in result.output.split()
