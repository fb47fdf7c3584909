"""bims enrich and bims add through the CLI, against the replay server."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import bimscli.cli.progress
from bimscli.cli.app import app
from bimscli.cli.enrich_progress import EnrichProgressBar
from bimscli.formats.base import SourceFormat
from tests.enrich.conftest import stand_in_parsers
from tests.replay_server import SEED_DOIS, ReplayServer, replay_server, services_env

__all__ = ["replay_server", "services_env", "stand_in_parsers"]

runner = CliRunner()
NCBI_KEY = "NCBI-KEY-never-stored-7d1e"
S2_KEY = "S2-KEY-never-stored-93ab"


def _ingest_doi_only(tmp_path: Path) -> None:
    path = tmp_path / "dois.txt"
    lines = "".join(f"{n}||{doi}\n" for n, doi in enumerate(SEED_DOIS))
    path.write_text("#testlines\n" + lines, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output


def test_enrich_then_list_shows_titles(
    env: ReplayServer, test_format: SourceFormat, tmp_path: Path
) -> None:
    _ingest_doi_only(tmp_path)
    result = runner.invoke(app, ["enrich", "--source", "crossref"])
    assert result.exit_code == 0, result.output
    assert "9 works looked up: added 9 source records" in " ".join(result.output.split())
    listing = json.loads(runner.invoke(app, ["list", "--json"]).output)
    assert len(listing) == 9
    assert all(w["title"] and w["authors"] and w["journal"] for w in listing)
    again = runner.invoke(app, ["enrich", "--source", "crossref"])
    assert again.exit_code == 0, again.output
    assert "; 0 network requests." in " ".join(again.output.split())


def test_enrich_offline_with_an_empty_cache(
    env: ReplayServer, test_format: SourceFormat, tmp_path: Path
) -> None:
    _ingest_doi_only(tmp_path)
    result = runner.invoke(app, ["enrich", "--source", "crossref", "--offline"])
    assert result.exit_code == 3, result.output
    assert "not in the cache" in result.output
    assert env.requests_to("/crossref") == []


def test_unknown_source_is_a_usage_error(env: ReplayServer) -> None:
    result = runner.invoke(app, ["enrich", "--source", "scopus"])
    assert result.exit_code == 2
    assert "unknown source scopus" in result.output
    assert "Traceback" not in result.output


def test_add_by_doi(env: ReplayServer) -> None:
    result = runner.invoke(app, ["add", "--source", "crossref", f"https://doi.org/{SEED_DOIS[6]}"])
    assert result.exit_code == 0, result.output
    assert "added as work 1" in result.output
    shown = runner.invoke(app, ["show", "1"])
    assert "Journal of Korean Neurosurgical Society" in shown.output


def test_api_keys_end_up_nowhere(
    env: ReplayServer,
    test_format: SourceFormat,
    stand_in_parsers: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NCBI_API_KEY", NCBI_KEY)
    monkeypatch.setenv("S2_API_KEY", S2_KEY)
    monkeypatch.setenv("BIMS_MAILTO", "curator@example.org")
    _ingest_doi_only(tmp_path)
    result = runner.invoke(app, ["enrich"])
    assert result.exit_code in (0, 3), result.output
    sent = env.requests
    assert any(r.query.get("api_key") == [NCBI_KEY] for r in sent)  # the keys did go out
    assert any(r.headers.get("x-api-key") == S2_KEY for r in sent)
    stored = b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())
    assert b"Electrochemotherapy" in stored  # library and cache are readable as bytes
    for key in (NCBI_KEY, S2_KEY):
        assert key.encode() not in stored
        assert key not in result.output


def test_ingest_with_enrich_fills_the_added_works(
    env: ReplayServer, test_format: SourceFormat, stand_in_parsers: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "dois.txt"
    path.write_text(f"#testlines\n1||{SEED_DOIS[3]}\n2||{SEED_DOIS[8]}\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--enrich", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 records from 1 file added" in " ".join(result.output.split())
    shown = [json.loads(runner.invoke(app, ["show", n, "--json"]).output) for n in ("1", "2")]
    journals = [work["record"]["journal"] for work in shown]
    assert journals == ["Cancers", "Journal of Clinical Nursing"]
    assert all(work["record"]["title"] and work["record"]["authors"] for work in shown)
    assert "crossref" in {source["format"] for source in shown[0]["sources"]}
    assert env.requests_to("/eutils")  # every service was asked
    assert env.requests_to("/s2")


def test_service_text_is_not_read_as_markup(
    env: ReplayServer, test_format: SourceFormat, tmp_path: Path
) -> None:
    path = tmp_path / "dois.txt"
    path.write_text(f"#testlines\n1|[bold]Not markup[/bold]|{SEED_DOIS[0]}\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    result = runner.invoke(app, ["enrich", "--source", "crossref", "1"])
    assert result.exit_code == 3, result.output  # the titles conflict
    assert "[bold]Not markup[/bold]" in " ".join(result.output.split())


@pytest.mark.parametrize("terminal", [True, False])
def test_the_progress_bar_draws_on_a_terminal_only(
    terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    stderr = io.StringIO()
    console = Console(file=stderr, force_terminal=terminal, width=80)
    monkeypatch.setattr(bimscli.cli.progress, "err_console", console)
    bar = EnrichProgressBar()
    bar.start(4)
    bar.advance(3)
    bar.finish()
    drawn = stderr.getvalue()
    if terminal:
        assert "enriching" in drawn
        assert "3/4" in drawn
    else:
        assert drawn == ""
