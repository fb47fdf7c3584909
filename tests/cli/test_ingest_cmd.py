"""``bims ingest`` on a terminal: a progress bar for large inputs, silence when piped; and
``bims show --raw``, the text each source record was read from."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import bimscli.cli.ingest_cmd
import bimscli.ingest.reading_process
import bimscli.ingest.run
from bimscli.cli.app import app
from bimscli.formats.base import SourceFormat
from bimscli.formats.pubmed_xml import FORMAT as PUBMED_XML
from bimscli.model import ParsedRecord
from tests.golden import FIXTURES

runner = CliRunner()
INPUT = FIXTURES / "pubmed-xml" / "traps.xml"


def _ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, terminal: bool) -> str:
    """Ingest INPUT as a large input (read by a child); what stderr's console showed."""
    stderr = io.StringIO()
    console = Console(file=stderr, force_terminal=terminal, width=120, highlight=False)
    monkeypatch.setattr(bimscli.cli.ingest_cmd, "err_console", console)
    monkeypatch.setattr(bimscli.cli.ingest_cmd, "LARGE_INPUT", 1000)
    monkeypatch.setattr(bimscli.ingest.run, "CHILD_READS_FROM", 1000)
    library = str(tmp_path / "library.sqlite")
    result = runner.invoke(app, ["--library", library, "ingest", str(INPUT)])
    assert result.exit_code == 0, result.output
    assert "records added" in result.output
    return stderr.getvalue()


def test_a_large_input_shows_a_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_reads: list[str]
) -> None:
    assert INPUT.stat().st_size > 1000
    shown = _ingest(tmp_path, monkeypatch, terminal=True)
    assert str(INPUT) in shown
    assert "kB" in shown  # bytes read of the total
    # The bar draws without a thread of its own, so the input was still read by a child.
    assert child_reads == [str(INPUT)]


def test_the_progress_bar_stays_quiet_when_stderr_is_piped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_reads: list[str]
) -> None:
    assert _ingest(tmp_path, monkeypatch, terminal=False) == ""
    assert child_reads == [str(INPUT)]


def test_show_raw_gives_back_each_source_records_text_as_read(tmp_path: Path) -> None:
    library = str(tmp_path / "library.sqlite")
    assert runner.invoke(app, ["--library", library, "ingest", str(INPUT)]).exit_code == 0
    with INPUT.open("rb") as stream:
        assert PUBMED_XML.parse_stream is not None
        first = next(e for e in PUBMED_XML.parse_stream(stream) if isinstance(e, ParsedRecord))
    assert len(first.raw) > 256  # stored compressed
    shown = runner.invoke(app, ["--library", library, "show", "1", "--raw"])
    assert shown.exit_code == 0, shown.output
    assert f"# source [1] pubmed-xml: {INPUT}:{first.position.line}" in shown.output
    assert first.raw in shown.output
    details = json.loads(
        runner.invoke(app, ["--library", library, "show", "1", "--json", "--raw"]).output
    )
    assert [s["raw"] for s in details["sources"]] == [first.raw]
    plain = json.loads(runner.invoke(app, ["--library", library, "show", "1", "--json"]).output)
    assert "raw" not in plain["sources"][0]


@pytest.mark.parametrize(
    ("text", "code", "summary"),
    [
        pytest.param(
            "TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\n",
            3,
            "1 record from 1 file added; 1 entry failed",
            id="a-record-and-a-failure-is-partly",
        ),
        pytest.param(
            "TY  - JOUR\nTI  - Never ended\n",
            1,
            "0 records from 1 file added; 1 entry failed",
            id="nothing-but-a-failure-is-nothing",
        ),
    ],
)
def test_exit_code_3_only_when_a_record_landed(
    tmp_path: Path, text: str, code: int, summary: str
) -> None:
    path = tmp_path / "export.ris"
    path.write_text(text)
    result = runner.invoke(app, ["--library", str(tmp_path / "l.sqlite"), "ingest", str(path)])
    assert result.exit_code == code, result.output
    assert summary in result.output


def test_skipped_paths_are_shown(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    root.mkdir()
    (root / "a.ris").write_text("TY  - JOUR\nTI  - One\nER  - \n")
    (root / "passwd").symlink_to("/etc/passwd")
    result = runner.invoke(app, ["--library", str(tmp_path / "l.sqlite"), "ingest", str(root)])
    assert result.exit_code == 0, result.output
    assert "passwd: skipped: a link to" in " ".join(result.output.split())
    assert "1 path skipped." in result.output


def test_an_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "export.ris"
    path.write_text("TY  - JOUR\nTI  - One\nER  - \n")
    args = ["--library", str(tmp_path / "l.sqlite"), "ingest", "--encoding", "latin-9x", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "unknown encoding 'latin-9x'" in result.output


def test_failures_from_a_wrong_format_are_resolved_when_the_bytes_ingest_cleanly(
    test_format: SourceFormat, library_path: Path, tmp_path: Path
) -> None:
    ris = tmp_path / "zotero.ris"
    shutil.copyfile(FIXTURES / "ris" / "zotero.ris", ris)
    wrong = runner.invoke(
        app, ["--library", str(library_path), "ingest", "--format", "testlines", str(ris)]
    )
    assert wrong.exit_code in (1, 3), wrong.output
    listed = runner.invoke(app, ["--library", str(library_path), "failures"])
    assert "expected key|title|doi" in listed.output
    right = runner.invoke(app, ["--library", str(library_path), "ingest", str(ris)])
    assert right.exit_code == 0, right.output
    after = runner.invoke(app, ["--library", str(library_path), "failures"])
    assert after.exit_code == 0, after.output
    assert "No open failures" in after.output
    everything = runner.invoke(app, ["--library", str(library_path), "failures", "--all", "--json"])
    rows = json.loads(everything.output)
    assert len(rows) > 3
    assert all(row["resolved_by"] == "input 2" for row in rows)
    assert all(row["raw"] for row in rows)  # kept, with the text the user gave


def test_failures_can_be_resolved_by_hand(
    test_format: SourceFormat, library_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("#testlines\na|A title|10.1000/a\nnot three fields\n", encoding="utf-8")
    assert runner.invoke(app, ["--library", str(library_path), "ingest", str(bad)]).exit_code == 3
    unknown = runner.invoke(app, ["--library", str(library_path), "failures", "--resolve", "9"])
    assert unknown.exit_code == 2
    assert "no input 9" in unknown.output
    done = runner.invoke(app, ["--library", str(library_path), "failures", "--resolve", "1"])
    assert "Marked 1 failures resolved" in done.output
    assert (
        "No open failures"
        in runner.invoke(app, ["--library", str(library_path), "failures"]).output
    )
    assert (
        "[resolved: by hand]"
        in runner.invoke(app, ["--library", str(library_path), "failures", "--all"]).output
    )
