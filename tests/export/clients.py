"""Running the real clients of the exports (biber, pandoc) from tests.

A missing client fails the test under CI (``CI=true``, where .ci/run installs them) and skips it
elsewhere with the command that installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def require_tool(name: str) -> str:
    """The path of a client program; fail under CI, skip locally when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed; run: apt-get install -y biber pandoc"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_biber_validation(bib: Path) -> str:
    """biber's data-model validation of a BibLaTeX file: its warnings and errors, one a line."""
    biber = require_tool("biber")
    result = subprocess.run(
        [biber, "--tool", "--validate-datamodel", str(bib)],
        capture_output=True,
        text=True,
        cwd=bib.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    return "\n".join(line for line in lines if line.startswith(("WARN", "ERROR")))


def biber_tool_output(bib: Path) -> str:
    """The ``.bib`` file that biber's tool mode wrote from ``bib`` (run
    :func:`run_biber_validation` first): every entry and field biber read, as it read them."""
    return (bib.parent / f"{bib.stem}_bibertool.bib").read_text(encoding="utf-8")


def run_pandoc(source: Path, reader: str, writer: str) -> str:
    """pandoc's conversion of a file (``-f reader -t writer``); its warnings fail the test."""
    pandoc = require_tool("pandoc")
    args = [pandoc, "--from", reader, "--to", writer, str(source)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    return result.stdout


def run_pandoc_citeproc(bibliography: Path, keys: list[str]) -> tuple[str, str]:
    """pandoc's bibliography of every key, cited in the text: (plain-text list, warnings).

    The keys are cited rather than listed in ``nocite``, for which pandoc does not warn about
    unknown keys.
    """
    pandoc = require_tool("pandoc")
    document = bibliography.parent / "cite-all.md"
    document.write_text("[" + "; ".join("@" + k for k in keys) + "]\n", encoding="utf-8")
    # pandoc reads .bibtex as BibTeX, .bib as BibLaTeX and .json as CSL-JSON.
    args = [pandoc, str(document), "--citeproc", "--to", "plain", "--verbose"]
    args += ["--bibliography", str(bibliography)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    _citation, _, bibliography_text = result.stdout.partition("\n\n")
    return bibliography_text, "\n".join(warnings)
